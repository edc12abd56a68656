import { oneLine } from "./_message.ts";
import { isPermissionError } from "./retry.ts";

/** A complete HTTP answer: status, headers and the whole body as text. */
export interface TextAnswer {
  /** The HTTP status. */
  status: number;
  /** The answer's headers. */
  headers: Headers;
  /** The body, read to the end. */
  text: string;
}

/** Why no complete answer arrived. */
export type NoAnswer =
  /** The time ran out; `answered` tells whether the headers had arrived. */
  | { kind: "timeout"; answered: boolean; status?: number }
  /** Deno's permissions forbid the request: no retry can help. */
  | { kind: "permission"; message: string }
  /** The connection failed or broke off. */
  | { kind: "network"; message: string; status?: number };

/**
 * One HTTP request whose answer, body included, must arrive within
 * `timeoutMs`; it never throws.
 *
 * @param fetchFn The `fetch` to use.
 * @param url Where to send it.
 * @param init The request, without `signal`.
 * @param timeoutMs How long the request and the whole body may take.
 * @returns The answer, or why there is none.
 */
export async function fetchText(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ ok: true; answer: TextAnswer } | { ok: false; why: NoAnswer }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let status: number | undefined;
  try {
    const response = await fetchFn(url, {
      ...init,
      signal: controller.signal,
    });
    status = response.status;
    const text = await response.text();
    return { ok: true, answer: { status, headers: response.headers, text } };
  } catch (error) {
    if (isPermissionError(error)) {
      return {
        ok: false,
        why: { kind: "permission", message: oneLine(error.message) },
      };
    }
    if (controller.signal.aborted) {
      return {
        ok: false,
        why: { kind: "timeout", answered: status !== undefined, status },
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      why: { kind: "network", message: oneLine(message), status },
    };
  } finally {
    clearTimeout(timer);
  }
}
