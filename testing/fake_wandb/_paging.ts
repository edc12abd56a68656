/**
 * Offset paging as W&B does it for every connection: cursors are `base64("arrayconnection:<index>")`, a page
 * starts after the cursor given, 50 items when `first` is absent, and a capped server serves fewer than asked.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { BadRequestError } from "./_errors.ts";

/** The page size W&B uses when `first` is not given. */
export const DEFAULT_PAGE_SIZE = 50;

/** One page of a list, as a connection serves it. */
export interface Page<T> {
  /** The items of the page with their cursors, in list order. */
  items: { item: T; cursor: string }[];
  /** The cursor of the last item; `null` for an empty page. */
  endCursor: string | null;
  /** Whether items follow the page. */
  hasNextPage: boolean;
}

/**
 * Cuts one page out of `items`.
 *
 * @param items The whole list, in connection order.
 * @param options `after` and `first` as the client sent them, the server's cap, and what is paged (for errors).
 * @returns The page.
 * @throws {BadRequestError} For a negative `first` or a cursor that is not an offset cursor.
 */
export function pageOf<T>(
  items: readonly T[],
  options: {
    after?: string | null;
    first?: number | null;
    maxPageSize?: number;
    what: string;
  },
): Page<T> {
  const asked = options.first ?? DEFAULT_PAGE_SIZE;
  if (asked < 0) {
    throw new BadRequestError(
      `Cannot page ${options.what}: first must not be negative, got ${asked}`,
    );
  }
  // A capped server serves fewer items than asked; hasNextPage says there are more.
  const pageSize = Math.min(asked, options.maxPageSize ?? Infinity);
  const start = options.after === undefined || options.after === null
    ? 0
    : decodeCursor(options.after, options.what) + 1;
  const page = items.slice(start, start + pageSize).map((item, offset) => ({
    item,
    cursor: encodeCursor(start + offset),
  }));
  return {
    items: page,
    endCursor: page.at(-1)?.cursor ?? null,
    hasNextPage: start + pageSize < items.length,
  };
}

/**
 * The cursor of the item at `index` of a result list: `base64("arrayconnection:<index>")`.
 *
 * @param index The item's offset in the list.
 * @returns The cursor.
 */
export function encodeCursor(index: number): string {
  return encodeBase64(`arrayconnection:${index}`);
}

/**
 * The offset an offset cursor names.
 *
 * @param cursor The cursor as the client sent it.
 * @param what What is paged, for the error message.
 * @returns The offset.
 * @throws {BadRequestError} When the cursor is not an offset cursor.
 */
export function decodeCursor(cursor: string, what: string): number {
  const match = /^arrayconnection:(\d+)$/.exec(
    Buffer.from(cursor, "base64").toString("utf8"),
  );
  if (match === null) {
    throw new BadRequestError(
      `Cannot page ${what}: invalid cursor "${cursor}"`,
    );
  }
  return Number(match[1]);
}

/**
 * Base64 of UTF-8 text, as W&B's global ids and cursors are built.
 *
 * @param text The text.
 * @returns Its base64.
 */
export function encodeBase64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/**
 * UTF-8 text from base64 (the inverse of {@link encodeBase64}).
 *
 * @param base64 The base64 text.
 * @returns The decoded text.
 */
export function decodeBase64(base64: string): string {
  return Buffer.from(base64, "base64").toString("utf8");
}
