/** One URL check for the W&B API's base URL, the W&B app's URL and GitHub's API URL. */
import assert from "node:assert/strict";
import { baseUrlText, checkHttpUrl, hideUserInfo } from "../lib/http/url.ts";
import { parseAppUrl, parseBaseUrl } from "../lib/action/inputs.ts";
import { upsertPrComment } from "../lib/github/pr_comment.ts";

Deno.test("checkHttpUrl lists every problem of an http(s) URL, in order", async (t) => {
  const cases: [string, string[]][] = [
    ["https://api.wandb.ai", []],
    ["https://wandb.example.com/api/", []],
    ["http://localhost:8080", []],
    ["http://127.0.0.1:8080", []],
    ["http://[::1]:8080", []],
    ["not a url", ["unparsable"]],
    ["ftp://example.com", ["scheme"]],
    ["https://user:secret@example.com", ["credentials"]],
    ["http://example.com", ["plain-http"]],
    ["https://example.com/?q=1", ["query"]],
    ["https://example.com/#top", ["query"]],
    ["http://user@example.com/?q", ["credentials", "plain-http", "query"]],
  ];
  for (const [text, problems] of cases) {
    await t.step(text, () => {
      assert.deepEqual(checkHttpUrl(text).problems, problems);
    });
  }
});

Deno.test("a base URL keeps its path, without the trailing slash; a password is never shown", () => {
  assert.equal(
    baseUrlText(new URL("https://example.com/api//")),
    "https://example.com/api",
  );
  assert.equal(
    baseUrlText(new URL("https://example.com")),
    "https://example.com",
  );
  assert.equal(hideUserInfo("https://api:secret@x"), "https://***@x");
});

Deno.test("each URL refuses what its use calls for, in its own words", () => {
  // The W&B API gets the key: no plain http off the loopback host.
  assert.throws(
    () => parseBaseUrl("http://example.com"),
    /^InputError: WANDB_BASE_URL: plain http would send the API key unencrypted to "example\.com"; use https$/,
  );
  // The app only appears in links: plain http is fine, credentials are not.
  assert.equal(
    parseAppUrl("http://wandb.example.com/"),
    "http://wandb.example.com",
  );
  assert.throws(
    () => parseAppUrl("https://user:secret@wandb.ai"),
    /^InputError: WANDB_APP_URL: expected an http\(s\) URL such as https:\/\/wandb\.ai, without credentials, query or fragment, got "https:\/\/\*\*\*@wandb\.ai"$/,
  );
});

Deno.test("GitHub's API URL is refused when it is not an http(s) URL, before anything is sent", async () => {
  let requests = 0;
  const options = {
    repository: "octo/app",
    pullNumber: 12,
    token: "ghs_example",
    body: "## W&B runs",
    fetch: () => {
      requests++;
      return Promise.resolve(Response.json({}));
    },
  };
  for (const apiUrl of ["not a url", "ftp://api.github.com"]) {
    await assert.rejects(
      () => upsertPrComment({ ...options, apiUrl }),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith(
          "Cannot comment on the pull request: API URL must be an http(s) URL, got ",
        ),
    );
  }
  assert.equal(requests, 0);
});
