/**
 * What the W&B and GitHub clients share: one request with a timeout that
 * covers the body (`fetchText`), one retry loop with backoff, `Retry-After`,
 * a 60 s cap on any wait and a time budget that covers the attempts
 * themselves (`retryWithBackoff`), one failure type and user agent, and one
 * check of an http(s) URL. Nothing here knows W&B, GitHub or the action.
 *
 * @module
 */
export { type HttpFailure, USER_AGENT } from "./failure.ts";
export {
  isRetryableStatus,
  MAX_WAIT_MS,
  parseRetryAfter,
  retryWithBackoff,
} from "./retry.ts";
export { fetchText } from "./timed_fetch.ts";
export { checkHttpUrl } from "./url.ts";
