import assert from "node:assert/strict";
import {
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfter,
} from "../lib/http/retry.ts";

Deno.test("408, 429 and 5xx are retried; other 4xx and 501 are not", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) {
    assert.equal(isRetryableStatus(status), true, String(status));
  }
  for (const status of [400, 401, 403, 404, 409, 410, 413, 422, 501, 418]) {
    assert.equal(isRetryableStatus(status), false, String(status));
  }
});

Deno.test("Retry-After is read as seconds or as an HTTP date", () => {
  const now = Date.parse("2026-11-23T10:00:00Z");
  assert.equal(parseRetryAfter("3", now), 3000);
  assert.equal(parseRetryAfter("0.5", now), 500);
  assert.equal(parseRetryAfter("Mon, 23 Nov 2026 10:00:07 GMT", now), 7000);
  assert.equal(parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
});

Deno.test("backoff doubles from 2 s with up to 25 % jitter, capped at 60 s", () => {
  assert.equal(backoffDelayMs(0, 0), 2000);
  assert.equal(backoffDelayMs(1, 0), 4000);
  assert.equal(backoffDelayMs(2, 0.999), 8000 * 1.24975);
  assert.equal(backoffDelayMs(10, 0.5), 60_000);
});
