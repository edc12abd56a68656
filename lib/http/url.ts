/**
 * One check for every http(s) URL the package is given: the W&B API's base
 * URL, the W&B app's URL run links point to, and GitHub's REST API URL. Each
 * caller decides which problems it refuses, and says so in its own words.
 *
 * @module
 */

/**
 * What can be wrong with an http(s) URL, in the order they are checked:
 * `unparsable`, not a URL at all; `scheme`, not `http:` or `https:`;
 * `credentials`, a user name or password in it; `plain-http`, `http:` to a
 * host other than the loopback one (what is sent travels unencrypted);
 * `query`, a query or fragment.
 */
export type UrlProblem =
  | "unparsable"
  | "scheme"
  | "credentials"
  | "plain-http"
  | "query";

/** What {@linkcode checkHttpUrl} found. */
export interface CheckedUrl {
  /** The parsed URL; absent when the text is not a URL. */
  url?: URL;
  /** Every problem found, in the order of {@linkcode UrlProblem}; empty for a good URL. */
  problems: UrlProblem[];
}

/**
 * Checks that text is an http(s) URL, and lists whatever else a base URL
 * should not have.
 *
 * @example
 * ```ts
 * import { checkHttpUrl } from "./url.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(checkHttpUrl("https://api.wandb.ai").problems, []);
 * assert.deepEqual(checkHttpUrl("http://127.0.0.1:8080").problems, []);
 * assert.deepEqual(checkHttpUrl("http://user:pw@example.com/?q").problems, [
 *   "credentials",
 *   "plain-http",
 *   "query",
 * ]);
 * assert.deepEqual(checkHttpUrl("ftp://example.com").problems, ["scheme"]);
 * ```
 *
 * @param text The URL given.
 * @returns The URL, when it is one, and its problems.
 */
export function checkHttpUrl(text: string): CheckedUrl {
  if (!URL.canParse(text)) return { problems: ["unparsable"] };
  const url = new URL(text);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { url, problems: ["scheme"] };
  }
  const problems: UrlProblem[] = [];
  if (url.username !== "" || url.password !== "") problems.push("credentials");
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    problems.push("plain-http");
  }
  if (url.search !== "" || url.hash !== "") problems.push("query");
  return { url, problems };
}

/**
 * A URL as a base that paths are appended to: its origin and path, without
 * the trailing `/`.
 *
 * @param url The URL.
 * @returns E.g. `https://example.com/api` for `https://example.com/api/`.
 */
export function baseUrlText(url: URL): string {
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/**
 * The URL text with whatever sits between `//` and the last `@` (which may be
 * a password) shown as `***`, for a message about a URL that was refused.
 *
 * @param text The URL given.
 * @returns The text, safe to show.
 */
export function hideUserInfo(text: string): string {
  return text.replace(/\/\/.*@/s, "//***@");
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
