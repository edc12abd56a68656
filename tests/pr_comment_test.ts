import assert from "node:assert/strict";
import {
  GithubCommentError,
  type PrCommentOptions,
  pullRequestNumber,
  upsertPrComment,
} from "../lib/github/pr_comment.ts";
import {
  commentMarker,
  isCommentKey,
  isGithubLogin,
} from "../lib/github/comment_marker.ts";
import { commentBodyLimit, textSize } from "../lib/github/limits.ts";
import { authorWarning } from "../lib/action/input_messages.ts";
import {
  type FakeComment,
  type FakeGithub,
  type FakeGithubOptions,
  type FakeUser,
  GITHUB_ACTIONS_BOT,
  startFakeGithub,
} from "../testing/fake_github/server.ts";

const TOKEN = "ghs_prCommentTestToken0123456789";
const REPOSITORY = "octo/app";
const PULL_NUMBER = 12;
const COMMENTS_PATH = `/repos/${REPOSITORY}/issues/${PULL_NUMBER}/comments`;
const MARKER = "<!-- wandb-runs-report:default -->";
const PERSONAL_TOKEN = "ghp_prCommentPersonalToken0123456789";
const APP_TOKEN = "ghs_prCommentAppToken0123456789";
const REVIEWER: FakeUser = { login: "reviewer", id: 2001, type: "User" };
const MALLORY: FakeUser = { login: "mallory", id: 6666, type: "User" };
const ALICE: FakeUser = { login: "alice", id: 1001, type: "User" };
const APP_BOT: FakeUser = {
  login: "wandb-reporter[bot]",
  id: 5001,
  type: "Bot",
};
/** The workflow's GITHUB_TOKEN (TOKEN), a person's token and another app's installation token. */
const TOKENS: FakeGithubOptions["tokens"] = {
  [PERSONAL_TOKEN]: { ...ALICE, kind: "user" },
  [APP_TOKEN]: { ...APP_BOT, kind: "app-installation" },
};

function unrelatedComments(count: number): FakeComment[] {
  return Array.from({ length: count }, (_, index) => ({
    id: 1000 + index,
    body: `comment ${index + 1}`,
    user: REVIEWER,
  }));
}

/** A comment of ours from an earlier run, written with the workflow's GITHUB_TOKEN. */
function earlierReport(id: number, text = "old report"): FakeComment {
  return { id, body: `${MARKER}\n${text}`, user: GITHUB_ACTIONS_BOT };
}

/** Runs `body` against a fresh fake serving PR #12 of octo/app, closing it afterwards. */
async function withFake(
  body: (fake: FakeGithub) => Promise<void>,
  options: Partial<FakeGithubOptions> = {},
) {
  const fake = startFakeGithub({
    token: TOKEN,
    repository: REPOSITORY,
    pullNumber: PULL_NUMBER,
    ...options,
  });
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

/** Options for the fake, recording waits instead of waiting. */
function optionsFor(
  fake: FakeGithub,
  overrides: Partial<PrCommentOptions> = {},
): PrCommentOptions & { waits: number[] } {
  const waits: number[] = [];
  return {
    apiUrl: fake.url,
    repository: REPOSITORY,
    pullNumber: PULL_NUMBER,
    token: TOKEN,
    body: "## W&B runs",
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    waits,
    ...overrides,
  };
}

function requestLines(fake: FakeGithub): string[] {
  return fake.requests.map(({ method, path, query }) => {
    const search = new URLSearchParams(query).toString();
    return `${method} ${path}${search === "" ? "" : `?${search}`}`;
  });
}

Deno.test("creates the comment after reading every page, then updates it", () =>
  withFake(async (fake) => {
    const created = await upsertPrComment(optionsFor(fake));
    const id = fake.comments.at(-1)!.id;
    assert.deepEqual(created, {
      action: "created",
      commentId: id,
      url: `https://github.com/octo/app/pull/12#issuecomment-${id}`,
    });
    assert.deepEqual(requestLines(fake), [
      "GET /user",
      `GET ${COMMENTS_PATH}?per_page=100`,
      `GET ${COMMENTS_PATH}?per_page=30&page=2`,
      `GET ${COMMENTS_PATH}?per_page=30&page=3`,
      `POST ${COMMENTS_PATH}`,
    ]);
    assert.equal(fake.comments.length, 76);
    assert.deepEqual(fake.comments.at(-1), {
      id,
      body: `${MARKER}\n## W&B runs`,
      user: GITHUB_ACTIONS_BOT,
    });

    fake.requests.length = 0;
    const updated = await upsertPrComment(
      optionsFor(fake, { body: "## W&B runs, again" }),
    );
    assert.deepEqual(updated, { ...created, action: "updated" });
    assert.deepEqual(requestLines(fake), [
      "GET /user",
      `GET ${COMMENTS_PATH}?per_page=100`,
      `GET ${COMMENTS_PATH}?per_page=30&page=2`,
      `GET ${COMMENTS_PATH}?per_page=30&page=3`,
      `PATCH /repos/octo/app/issues/comments/${id}`,
    ]);
    assert.equal(fake.comments.length, 76);
    assert.equal(fake.comments.at(-1)!.body, `${MARKER}\n## W&B runs, again`);
  }, { comments: unrelatedComments(75), maxPerPage: 30 }));

Deno.test("sends GitHub's headers with the token as a Bearer", () =>
  withFake(async (fake) => {
    await upsertPrComment(optionsFor(fake));
    for (const { headers } of fake.requests) {
      assert.equal(headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(headers.accept, "application/vnd.github+json");
      assert.equal(headers["x-github-api-version"], "2022-11-28");
      assert.match(headers["user-agent"], /^wandb-runs-action/);
    }
  }));

Deno.test("two comment keys keep two comments", () =>
  withFake(async (fake) => {
    const nightly = await upsertPrComment(
      optionsFor(fake, { commentKey: "nightly" }),
    );
    const sweep = await upsertPrComment(
      optionsFor(fake, { commentKey: "sweep-1.b_2" }),
    );
    const again = await upsertPrComment(
      optionsFor(fake, { commentKey: "nightly", body: "newer" }),
    );
    assert.notEqual(nightly.commentId, sweep.commentId);
    assert.deepEqual(again, { ...nightly, action: "updated" });
    assert.deepEqual(fake.comments.map((comment) => comment.body), [
      "<!-- wandb-runs-report:nightly -->\nnewer",
      "<!-- wandb-runs-report:sweep-1.b_2 -->\n## W&B runs",
    ]);
  }));

Deno.test("finds the oldest of our marked comments on page 3 and stops reading there", () =>
  withFake(async (fake) => {
    const result = await upsertPrComment(optionsFor(fake));
    assert.deepEqual(result, {
      action: "updated",
      commentId: 1070,
      url: "https://github.com/octo/app/pull/12#issuecomment-1070",
    });
    assert.deepEqual(requestLines(fake), [
      "GET /user",
      `GET ${COMMENTS_PATH}?per_page=100`,
      `GET ${COMMENTS_PATH}?per_page=30&page=2`,
      `GET ${COMMENTS_PATH}?per_page=30&page=3`,
      "PATCH /repos/octo/app/issues/comments/1070",
    ]);
    assert.equal(fake.comments[70].body, `${MARKER}\n## W&B runs`);
    assert.equal(fake.comments[80].body, `${MARKER}\nold report`);
    assert.equal(fake.comments.length, 100);
  }, {
    maxPerPage: 30,
    comments: unrelatedComments(100).map((comment, index) =>
      index === 70 || index === 80 ? earlierReport(comment.id) : comment
    ),
  }));

Deno.test("a marker planted by another user before the first run is ignored: the report is one comment of ours, the planted one untouched", () =>
  withFake(async (fake) => {
    const result = await upsertPrComment(optionsFor(fake));
    assert.equal(result.action, "created");
    assert.deepEqual(fake.comments, [
      { id: 1000, body: `${MARKER}\nplanted`, user: MALLORY },
      {
        id: result.commentId,
        body: `${MARKER}\n## W&B runs`,
        user: GITHUB_ACTIONS_BOT,
      },
    ]);
    assert.equal(fake.requests.filter((r) => r.method === "PATCH").length, 0);
  }, { comments: [{ id: 1000, body: `${MARKER}\nplanted`, user: MALLORY }] }));

Deno.test("a marker planted by another user between two runs cannot take the report: the second run updates ours in place", () =>
  withFake(async (fake) => {
    const first = await upsertPrComment(optionsFor(fake));
    // Mallory's comment is older than ours, so it is listed first.
    fake.comments[0].body = `${MARKER}\nplanted`;
    const second = await upsertPrComment(optionsFor(fake, { body: "newer" }));
    assert.deepEqual(second, { ...first, action: "updated" });
    assert.deepEqual(fake.comments, [
      { id: 1000, body: `${MARKER}\nplanted`, user: MALLORY },
      {
        id: first.commentId,
        body: `${MARKER}\nnewer`,
        user: GITHUB_ACTIONS_BOT,
      },
    ]);
  }, { comments: [{ id: 1000, body: "Nice work!", user: MALLORY }] }));

Deno.test("a personal token finds its own comment through GET /user", () =>
  withFake(async (fake) => {
    const result = await upsertPrComment(
      optionsFor(fake, { token: PERSONAL_TOKEN }),
    );
    assert.deepEqual([result.action, result.commentId], ["updated", 1001]);
    assert.deepEqual(requestLines(fake), [
      "GET /user",
      `GET ${COMMENTS_PATH}?per_page=100`,
      "PATCH /repos/octo/app/issues/comments/1001",
    ]);
    assert.equal(fake.comments[0].body, `${MARKER}\nold report`);
    assert.equal(fake.comments[1].body, `${MARKER}\n## W&B runs`);
  }, {
    tokens: TOKENS,
    comments: [
      earlierReport(1000),
      { id: 1001, body: `${MARKER}\nalice's report`, user: ALICE },
    ],
  }));

Deno.test("a rate-limited 403 on GET /user is waited out, not taken for an installation token", () =>
  withFake(async (fake) => {
    fake.failNext({
      status: 403,
      headers: { "retry-after": "1" },
      body: JSON.stringify({
        message: "You have exceeded a secondary rate limit.",
      }),
    });
    const options = optionsFor(fake, { token: PERSONAL_TOKEN });
    const result = await upsertPrComment(options);
    assert.deepEqual([result.action, result.commentId], ["updated", 1001]);
    assert.deepEqual(options.waits, [1000]);
  }, {
    tokens: TOKENS,
    comments: [
      earlierReport(1000),
      { id: 1001, body: `${MARKER}\nalice's report`, user: ALICE },
    ],
  }));

Deno.test("an explicit commentAuthor is used without asking GET /user, whatever its case", () =>
  withFake(async (fake) => {
    const result = await upsertPrComment(
      optionsFor(fake, {
        token: APP_TOKEN,
        commentAuthor: "WandB-Reporter[bot]",
      }),
    );
    assert.deepEqual([result.action, result.commentId], ["updated", 1001]);
    assert.deepEqual(requestLines(fake), [
      `GET ${COMMENTS_PATH}?per_page=100`,
      "PATCH /repos/octo/app/issues/comments/1001",
    ]);
    assert.equal(fake.comments[0].body, `${MARKER}\nold report`);
  }, {
    tokens: TOKENS,
    comments: [
      earlierReport(1000),
      { id: 1001, body: `${MARKER}\napp's report`, user: APP_BOT },
    ],
  }));

Deno.test("a comment by a deleted account (user null) is ignored", () =>
  withFake(async (fake) => {
    const result = await upsertPrComment(optionsFor(fake));
    assert.equal(result.action, "created");
    assert.deepEqual(fake.comments.map((comment) => comment.body), [
      `${MARKER}\nghost's report`,
      `${MARKER}\n## W&B runs`,
    ]);
  }, {
    comments: [{ id: 1000, body: `${MARKER}\nghost's report`, user: null }],
  }));

Deno.test("a comment of ours that only quotes the marker after its start is not the report", () =>
  withFake(async (fake) => {
    const result = await upsertPrComment(optionsFor(fake));
    assert.equal(result.action, "created");
    assert.equal(fake.comments[0].body, `Someone wrote:\n> ${MARKER}`);
  }, {
    comments: [{
      id: 1000,
      body: `Someone wrote:\n> ${MARKER}`,
      user: GITHUB_ACTIONS_BOT,
    }],
  }));

Deno.test("a new comment written as another author than looked for comes with a warning", () =>
  withFake(async (fake) => {
    const result = await upsertPrComment(
      optionsFor(fake, { token: APP_TOKEN }),
    );
    assert.equal(result.action, "created");
    assert.equal(
      result.warning,
      "the comment was written as wandb-reporter[bot], not github-actions[bot]: give wandb-reporter[bot] as the comment author so that later runs find it",
    );
    assert.deepEqual(result.authorMismatch, {
      writtenAs: "wandb-reporter[bot]",
      lookedFor: "github-actions[bot]",
    });
    assert.equal(
      authorWarning(result),
      "the comment was written as wandb-reporter[bot], not github-actions[bot]: set COMMENT_AUTHOR to wandb-reporter[bot] so that later runs find it",
    );
    const again = await upsertPrComment(
      optionsFor(fake, {
        token: APP_TOKEN,
        commentAuthor: "wandb-reporter[bot]",
      }),
    );
    assert.deepEqual(again, {
      action: "updated",
      commentId: result.commentId,
      url: result.url,
    });
    assert.equal(fake.comments.length, 1);
  }, { tokens: TOKENS }));

Deno.test("a POST whose answer was lost is not posted again", async (t) => {
  await t.step(
    "its answer timed out: the comment it left is taken",
    () =>
      withFake(async (fake) => {
        fake.failNext({ method: "POST", hang: true, takesEffect: true });
        const options = optionsFor(fake, { timeoutMs: 200 });
        const result = await upsertPrComment(options);
        assert.equal(fake.comments.length, 1);
        assert.deepEqual(result, {
          action: "created",
          commentId: fake.comments[0].id,
          url: `https://github.com/octo/app/pull/12#issuecomment-${
            fake.comments[0].id
          }`,
        });
        assert.deepEqual(requestLines(fake), [
          "GET /user",
          `GET ${COMMENTS_PATH}?per_page=100`,
          `POST ${COMMENTS_PATH}`,
          `GET ${COMMENTS_PATH}?per_page=100`,
        ]);
        assert.deepEqual(options.waits, [2000]);
      }),
  );
  await t.step(
    "it got a 502 after the comment was stored",
    () =>
      withFake(async (fake) => {
        fake.failNext({ method: "POST", status: 502, takesEffect: true });
        const result = await upsertPrComment(optionsFor(fake));
        assert.equal(fake.comments.length, 1);
        assert.equal(result.commentId, fake.comments[0].id);
        assert.equal(
          fake.requests.filter((r) => r.method === "POST").length,
          1,
        );
      }),
  );
  await t.step(
    "it got a 502 and stored nothing: posted again after reading",
    () =>
      withFake(async (fake) => {
        fake.failNext({ method: "POST", status: 502 });
        const result = await upsertPrComment(optionsFor(fake));
        assert.equal(result.action, "created");
        assert.equal(fake.comments.length, 1);
        assert.deepEqual(requestLines(fake), [
          "GET /user",
          `GET ${COMMENTS_PATH}?per_page=100`,
          `POST ${COMMENTS_PATH}`,
          `GET ${COMMENTS_PATH}?per_page=100`,
          `POST ${COMMENTS_PATH}`,
        ]);
      }),
  );
  await t.step(
    "meanwhile another run posted its report: it is updated",
    () =>
      withFake(async (fake) => {
        fake.failNext({ method: "POST", status: 502 });
        // Another run's comment appears while this run's POST fails.
        const options = optionsFor(fake);
        options.sleep = () => {
          fake.comments.push(earlierReport(1000, "another run's report"));
          return Promise.resolve();
        };
        const result = await upsertPrComment(options);
        assert.deepEqual([result.action, result.commentId], ["updated", 1000]);
        assert.deepEqual(fake.comments.map((comment) => comment.body), [
          `${MARKER}\n## W&B runs`,
        ]);
      }),
  );
});

Deno.test("a fork's read-only token fails as forbidden, without retrying", () =>
  withFake(async (fake) => {
    const options = optionsFor(fake);
    await assert.rejects(upsertPrComment(options), (error) => {
      assert.ok(error instanceof GithubCommentError);
      assert.equal(error.status, 403);
      assert.equal(error.forbidden, true);
      assert.match(
        error.message,
        /^Cannot comment on octo\/app#12: GitHub answered HTTP 403 \(Resource not accessible by integration\): the token cannot write comments here; .*read-only GITHUB_TOKEN.*pull-requests: write/,
      );
      return true;
    });
    assert.deepEqual(options.waits, []);
    assert.equal(fake.requests.filter((r) => r.method === "POST").length, 1);
  }, { readOnly: true }));

Deno.test("retries 5xx with the shared backoff, then gives up", async (t) => {
  await t.step("502 then 503, then success", () =>
    withFake(async (fake) => {
      fake.failNext({ status: 502 }, { status: 503, body: "<html>" });
      const options = optionsFor(fake);
      assert.equal((await upsertPrComment(options)).action, "created");
      assert.deepEqual(options.waits, [2000, 4000]);
      assert.equal(fake.comments.length, 1);
    }));
  await t.step("502 on every attempt", () =>
    withFake(async (fake) => {
      fake.failNext(...Array(4).fill({ status: 502 }));
      const options = optionsFor(fake);
      await assert.rejects(upsertPrComment(options), (error) => {
        assert.ok(error instanceof GithubCommentError);
        assert.equal(error.status, 502);
        assert.equal(error.forbidden, false);
        assert.match(error.message, /HTTP 502.*\(gave up after 4 attempts\)$/);
        return true;
      });
      assert.deepEqual(options.waits, [2000, 4000, 8000]);
      assert.equal(fake.requests.length, 4);
    }));
});

Deno.test("waits out secondary rate limits", async (t) => {
  const now = Date.parse("2026-11-23T10:00:00Z");
  await t.step("403 with retry-after: 1", () =>
    withFake(async (fake) => {
      fake.failNext({
        status: 403,
        headers: { "retry-after": "1" },
        body: JSON.stringify({
          message: "You have exceeded a secondary rate limit.",
        }),
      });
      const options = optionsFor(fake);
      assert.equal((await upsertPrComment(options)).action, "created");
      assert.deepEqual(options.waits, [1000]);
    }));
  await t.step(
    "403 with no requests remaining until the reset",
    () =>
      withFake(async (fake) => {
        fake.failNext({
          status: 403,
          headers: {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(now / 1000 + 7),
          },
        }, { status: 429 });
        const options = optionsFor(fake, { now: () => now });
        assert.equal((await upsertPrComment(options)).action, "created");
        assert.deepEqual(options.waits, [7000, 4000]);
      }),
  );
  await t.step(
    "a reset 10 minutes away fails at once, past the 60 s waited at most",
    () =>
      withFake(async (fake) => {
        fake.failNext({
          status: 403,
          headers: {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(now / 1000 + 600),
          },
        });
        const options = optionsFor(fake, { now: () => now });
        await assert.rejects(upsertPrComment(options), (error) => {
          assert.ok(error instanceof GithubCommentError);
          assert.equal(error.forbidden, false);
          assert.match(error.message, /asked to wait 600 s/);
          return true;
        });
        assert.deepEqual(options.waits, []);
      }),
  );
  await t.step(
    "a reset 100 s away fails at once: within the budget, past the 60 s cap",
    () =>
      withFake(async (fake) => {
        fake.failNext({
          status: 429,
          headers: {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(now / 1000 + 100),
          },
        });
        const options = optionsFor(fake, { now: () => now });
        await assert.rejects(
          upsertPrComment(options),
          /asked to wait 100 s, more than the 60 s waited at most/,
        );
        assert.deepEqual(options.waits, []);
      }),
  );
});

/** A request that never answers: only its abort signal ends it. */
const hang: typeof fetch = (_input, init) =>
  new Promise((_, reject) =>
    init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))
  );

Deno.test("a request that hangs is abandoned at the timeout and asked again", () =>
  withFake(async (fake) => {
    let calls = 0;
    const hangOnce: typeof fetch = (input, init) =>
      calls++ > 0 ? fetch(input, init) : hang(input, init);
    const options = optionsFor(fake, { fetch: hangOnce, timeoutMs: 100 });
    assert.equal((await upsertPrComment(options)).action, "created");
    assert.deepEqual(options.waits, [2000]);
    assert.equal(calls, 4, "the hung GET /user, its retry, the list, the POST");
  }));

Deno.test("hanging every time gives up after the attempts, in bounded time", () =>
  withFake(async (fake) => {
    const options = optionsFor(fake, { fetch: hang, timeoutMs: 50 });
    const started = performance.now();
    await assert.rejects(upsertPrComment(options), (error) => {
      assert.ok(error instanceof GithubCommentError);
      assert.match(
        error.message,
        /^Cannot learn which account the token writes as: no complete answer from .*\/user within 0\.05 s \(gave up after 4 attempts\)$/,
      );
      return true;
    });
    assert.deepEqual(options.waits, [2000, 4000, 8000]);
    assert.ok(performance.now() - started < 2000);
  }));

Deno.test("a bad token fails without the token in the message", () =>
  withFake(async (fake) => {
    const wrongToken = "ghs_wrongToken9876543210";
    fake.failNext({ status: 401 }, {
      status: 401,
      body: JSON.stringify({
        message: `Bad credentials: ${"x".repeat(270)} ${TOKEN}`,
      }),
    });
    for (const token of [wrongToken, TOKEN]) {
      const options = optionsFor(fake, { token });
      await assert.rejects(upsertPrComment(options), (error) => {
        assert.ok(error instanceof GithubCommentError);
        assert.equal(error.status, 401);
        assert.equal(error.forbidden, false);
        assert.ok(!error.message.includes(token.slice(0, 8)), error.message);
        assert.ok(!error.message.includes("\n"));
        assert.match(error.message, /HTTP 401.*invalid or expired/);
        return true;
      });
      assert.deepEqual(options.waits, []);
    }
    await assert.rejects(
      upsertPrComment(optionsFor(fake, { token: wrongToken })),
      /Cannot learn which account the token writes as: GitHub answered HTTP 401 \(Bad credentials\)/,
    );
  }));

Deno.test("an unknown pull request fails as forbidden", () =>
  withFake(async (fake) => {
    await assert.rejects(
      upsertPrComment(optionsFor(fake, { pullNumber: 13 })),
      (error) => {
        assert.ok(error instanceof GithubCommentError);
        assert.deepEqual([error.status, error.forbidden], [404, true]);
        assert.match(error.message, /cannot see it$/);
        return true;
      },
    );
  }));

Deno.test("a next page on another origin, or read before, is not asked for", async (t) => {
  await t.step("another origin", () =>
    withFake(async (fake) => {
      fake.failNext({
        status: 200,
        body: "[]",
        headers: { link: '<https://elsewhere.example/page2>; rel="next"' },
      });
      await assert.rejects(
        upsertPrComment(
          optionsFor(fake, { commentAuthor: "github-actions[bot]" }),
        ),
        /next page is on another origin \(https:\/\/elsewhere\.example\)/,
      );
      assert.equal(fake.requests.length, 1);
    }));
  await t.step("a page read before", () =>
    withFake(async (fake) => {
      const firstPage = `${fake.url}${COMMENTS_PATH}?per_page=100`;
      fake.failNext({
        status: 200,
        body: "[]",
        headers: { link: `<${firstPage}>; rel="next"` },
      });
      await assert.rejects(
        upsertPrComment(
          optionsFor(fake, { commentAuthor: "github-actions[bot]" }),
        ),
        /was already read$/,
      );
      assert.equal(fake.requests.length, 1);
    }));
});

Deno.test("works with a GitHub Enterprise Server API URL", () =>
  withFake(async (fake) => {
    const options = optionsFor(fake, { apiUrl: `${fake.url}/api/v3/` });
    assert.equal((await upsertPrComment(options)).action, "updated");
    assert.deepEqual(requestLines(fake), [
      "GET /api/v3/user",
      `GET /api/v3${COMMENTS_PATH}?per_page=100`,
      `GET /api/v3${COMMENTS_PATH}?per_page=100&page=2`,
      "PATCH /api/v3/repos/octo/app/issues/comments/1149",
    ]);
  }, {
    pathPrefix: "/api/v3",
    comments: [
      ...unrelatedComments(149),
      earlierReport(1149),
    ],
  }));

Deno.test("refuses bad input before sending anything", async (t) => {
  await t.step(
    "a body over 65,536 characters with its marker",
    () =>
      withFake(async (fake) => {
        const room = 65_536 - MARKER.length - 1;
        await assert.rejects(
          upsertPrComment(optionsFor(fake, { body: "x".repeat(room + 1) })),
          RangeError,
        );
        assert.equal(fake.requests.length, 0);
        await upsertPrComment(optionsFor(fake, { body: "x".repeat(room) }));
        assert.equal(fake.comments[0].body.length, 65_536);
      }),
  );
  await t.step(
    "characters counted as GitHub counts them: an emoji is one",
    () =>
      withFake(async (fake) => {
        const room = 65_536 - MARKER.length - 1;
        // 131,072 UTF-16 units and 262,144 - 4 bytes, but 65,535 characters.
        await upsertPrComment(
          optionsFor(fake, { body: "🟢".repeat(room) }),
        );
        assert.equal([...fake.comments[0].body].length, 65_536);
        await assert.rejects(
          upsertPrComment(optionsFor(fake, { body: "🟢".repeat(room + 1) })),
          RangeError,
        );
      }),
  );
  await t.step(
    "a malformed comment key, comment author, repository or pull number",
    () =>
      withFake(async (fake) => {
        for (
          const overrides of [
            { commentKey: "a b" },
            { commentKey: "k".repeat(65) },
            { commentKey: "" },
            { repository: "octo" },
            { pullNumber: 0 },
            { apiUrl: "api.github.com" },
            { token: "" },
            { commentAuthor: "" },
            { commentAuthor: "@alice" },
            { commentAuthor: "alice bob" },
          ]
        ) {
          await assert.rejects(
            upsertPrComment(optionsFor(fake, overrides)),
            TypeError,
            JSON.stringify(overrides),
          );
        }
        assert.equal(fake.requests.length, 0);
      }),
  );
});

Deno.test("commentMarker hides the key in an HTML comment", () => {
  assert.equal(commentMarker("default"), MARKER);
  assert.throws(() => commentMarker("-->"), TypeError);
});

Deno.test("the key and login shapes are one rule, shared by the marker and the inputs", () => {
  for (const key of ["default", "nightly-eval", "a.b_c", "x".repeat(64)]) {
    assert.equal(isCommentKey(key), true, key);
    assert.doesNotThrow(() => commentMarker(key));
  }
  for (const key of ["", "-->", "two words", "x".repeat(65)]) {
    assert.equal(isCommentKey(key), false, key);
    assert.throws(() => commentMarker(key), TypeError);
  }
  assert.equal(isGithubLogin("my-app[bot]"), true);
  assert.equal(isGithubLogin("octocat"), true);
  assert.equal(isGithubLogin("[bot]"), false);
  assert.equal(isGithubLogin("not a login"), false);
});

Deno.test("the comment's report may fill what the marker and its line break leave of GitHub's limit", async () => {
  const limit = commentBodyLimit("nightly");
  assert.equal(limit.unit, "characters");
  assert.equal(limit.max, 65_536 - commentMarker("nightly").length - 1);
  await withFake(async (fake) => {
    const fits = "🟢".repeat(limit.max);
    assert.equal(textSize(fits, "characters"), limit.max);
    await upsertPrComment(
      optionsFor(fake, { commentKey: "nightly", body: fits }),
    );
    assert.equal(fake.comments.length, 1);
    await assert.rejects(
      () =>
        upsertPrComment(
          optionsFor(fake, { commentKey: "nightly", body: `${fits}!` }),
        ),
      RangeError,
    );
  });
});

Deno.test("pullRequestNumber reads the event payload", async (t) => {
  await t.step("pull_request", () => {
    assert.equal(
      pullRequestNumber({ action: "opened", pull_request: { number: 12 } }),
      12,
    );
  });
  await t.step("issue_comment on a pull request", () => {
    assert.equal(
      pullRequestNumber({
        issue: {
          number: 34,
          pull_request: { url: "https://api.github.com/x" },
        },
      }),
      34,
    );
  });
  await t.step("issue_comment on an issue, push and others", () => {
    for (
      const payload of [
        { issue: { number: 34 } },
        { ref: "refs/heads/main", commits: [] },
        { pull_request: { number: "12" } },
        null,
        "12",
      ]
    ) {
      assert.equal(pullRequestNumber(payload), undefined);
    }
  });
});

Deno.test("a GitHub API nothing listens at fails at once, without retries", async () => {
  // A port that was free a moment ago: nothing listens there now.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  const waits: number[] = [];
  await assert.rejects(
    upsertPrComment({
      apiUrl: `http://127.0.0.1:${port}`,
      repository: REPOSITORY,
      pullNumber: PULL_NUMBER,
      token: TOKEN,
      body: "## W&B runs",
      commentAuthor: "github-actions[bot]",
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    }),
    (error) => {
      assert.ok(error instanceof GithubCommentError);
      assert.match(error.message, /no answer from http:\/\/127\.0\.0\.1:\d+\//);
      assert.doesNotMatch(error.message, /gave up after/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    },
  );
  assert.deepEqual(waits, [], "no retry was waited for");
});
