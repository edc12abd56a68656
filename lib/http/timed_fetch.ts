import { oneLine } from "../_message.ts";
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

/**
 * A connection failure that asking again within minutes will not heal:
 * `refused`, nothing listens at the host and port; `unresolved`, the host
 * name does not resolve; `blocked-port`, Deno refuses the port (one of the
 * ports the Fetch standard reserves for other protocols, such as 25 or 6000).
 */
export type LastingFailure = "refused" | "unresolved" | "blocked-port";

/** Why no complete answer arrived. */
export type NoAnswer =
  /** The time ran out; `answered` tells whether the headers had arrived. */
  | { kind: "timeout"; answered: boolean; status?: number }
  /** Deno's permissions forbid the request: no retry can help. */
  | { kind: "permission"; message: string }
  /**
   * The connection failed or broke off; `message` is the underlying cause
   * (Deno's `fetch failed` says nothing by itself), and `lasting` is set when
   * it is a failure asking again will not heal.
   */
  | {
    kind: "network";
    message: string;
    status?: number;
    lasting?: LastingFailure;
  };

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
    const message = oneLine(causeOf(error));
    const lasting = status === undefined ? lastingFailure(message) : undefined;
    return {
      ok: false,
      why: {
        kind: "network",
        message,
        status,
        ...(lasting === undefined ? {} : { lasting }),
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a failed `fetch` says happened. Deno throws `TypeError("fetch
 * failed")` with the reason in `cause`, whose message starts with
 * `error sending request for url (...)`: the URL is left out, as the caller
 * names it.
 */
function causeOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error
    ? error.cause
    : error;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(/^error sending request for url \([^)]*\): /, "");
}

/** Whether a connection failure is one that no retry within minutes heals. */
function lastingFailure(message: string): LastingFailure | undefined {
  if (/Requests to port \d+ are blocked/i.test(message)) return "blocked-port";
  if (
    /dns error|failed to lookup address|name or service not known|nodename nor servname|no such host is known/i
      .test(message)
  ) {
    return "unresolved";
  }
  if (/connection refused|actively refused/i.test(message)) return "refused";
  return undefined;
}
