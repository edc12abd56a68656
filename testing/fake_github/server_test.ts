import assert from "node:assert/strict";
import {
  type FakeComment,
  type FakeGithub,
  type FakeGithubOptions,
  GITHUB_ACTIONS_BOT,
  OCTOCAT,
  startFakeGithub,
} from "./server.ts";

const TOKEN = "ghs_fakeGithubToken0123456789";
const PERSONAL_TOKEN = "ghp_fakePersonalToken0123456789";
const APP_TOKEN = "ghs_fakeAppToken0123456789";
const ALICE = { login: "alice", id: 1001, type: "User" } as const;
const APP_BOT = {
  login: "wandb-reporter[bot]",
  id: 5001,
  type: "Bot",
} as const;
const TOKENS: FakeGithubOptions["tokens"] = {
  [PERSONAL_TOKEN]: { ...ALICE, kind: "user" },
  [APP_TOKEN]: { ...APP_BOT, kind: "app-installation" },
};
const COMMENTS_PATH = "/repos/octo/app/issues/1/comments";

function unrelatedComments(count: number): FakeComment[] {
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    body: `comment ${index + 1}`,
  }));
}

/** Runs `body` against a fresh fake, closing it afterwards. */
async function withFake(
  body: (fake: FakeGithub) => Promise<void>,
  options: Partial<FakeGithubOptions> = {},
) {
  const fake = startFakeGithub({
    token: TOKEN,
    repository: "octo/app",
    ...options,
  });
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}

async function call(
  fake: FakeGithub,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
) {
  const response = await fetch(`${fake.url}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${init.token ?? TOKEN}` },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return {
    status: response.status,
    link: response.headers.get("link"),
    // deno-lint-ignore no-explicit-any
    json: await response.json() as any,
  };
}

Deno.test("the fake pages comments 30 at a time with GitHub's Link header", () =>
  withFake(async (fake) => {
    const pageUrl = (page: number) =>
      `${fake.url}${COMMENTS_PATH}?per_page=30&page=${page}`;
    const first = await call(fake, COMMENTS_PATH);
    assert.equal(first.json.length, 30);
    assert.equal(first.json[0].id, 1);
    assert.equal(
      first.link,
      `<${pageUrl(2)}>; rel="next", <${pageUrl(3)}>; rel="last"`,
    );
    const middle = await call(fake, `${COMMENTS_PATH}?page=2`);
    assert.equal(
      middle.link,
      `<${pageUrl(1)}>; rel="prev", <${pageUrl(3)}>; rel="next", <${
        pageUrl(3)
      }>; rel="last", <${pageUrl(1)}>; rel="first"`,
    );
    const last = await call(fake, `${COMMENTS_PATH}?page=3`);
    assert.deepEqual(
      last.json.map((comment: { id: number }) => comment.id),
      Array.from({ length: 15 }, (_, index) => 61 + index),
    );
    assert.doesNotMatch(last.link ?? "", /rel="next"/);
  }, { comments: unrelatedComments(75) }));

Deno.test("per_page is honoured up to 100, or up to maxPerPage", async (t) => {
  await t.step("up to 100", () =>
    withFake(async (fake) => {
      assert.equal(
        (await call(fake, `${COMMENTS_PATH}?per_page=75`)).json.length,
        75,
      );
      const capped = await call(fake, `${COMMENTS_PATH}?per_page=500`);
      assert.equal(capped.json.length, 100);
      assert.match(capped.link ?? "", /per_page=100&page=2>; rel="next"/);
    }, { comments: unrelatedComments(150) }));
  await t.step("up to maxPerPage", () =>
    withFake(async (fake) => {
      const capped = await call(fake, `${COMMENTS_PATH}?per_page=100`);
      assert.equal(capped.json.length, 30);
      assert.match(capped.link ?? "", /per_page=30&page=2>; rel="next"/);
    }, { comments: unrelatedComments(75), maxPerPage: 30 }));
  await t.step("one page has no Link header", () =>
    withFake(async (fake) => {
      assert.equal((await call(fake, COMMENTS_PATH)).link, null);
    }, { comments: unrelatedComments(3) }));
});

Deno.test("the fake checks the Bearer token", () =>
  withFake(async (fake) => {
    const denied = await call(fake, COMMENTS_PATH, { token: "ghs_wrong" });
    assert.deepEqual([denied.status, denied.json], [401, {
      message: "Bad credentials",
    }]);
    const response = await fetch(`${fake.url}${COMMENTS_PATH}`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  }));

Deno.test("the fake creates and updates comments", () =>
  withFake(async (fake) => {
    const created = await call(fake, COMMENTS_PATH, {
      method: "POST",
      body: { body: "hello" },
    });
    assert.equal(created.status, 201);
    assert.deepEqual(created.json, {
      id: 8,
      html_url: "https://github.com/octo/app/pull/1#issuecomment-8",
      body: "hello",
      user: GITHUB_ACTIONS_BOT,
    });
    const updated = await call(fake, "/repos/octo/app/issues/comments/8", {
      method: "PATCH",
      body: { body: "bye" },
    });
    assert.equal(updated.status, 200);
    assert.deepEqual(fake.comments.map((comment) => comment.body), [
      "earlier",
      "bye",
    ]);
    assert.deepEqual(
      (await call(fake, COMMENTS_PATH)).json.map(
        (comment: { user: unknown }) => comment.user,
      ),
      [OCTOCAT, GITHUB_ACTIONS_BOT],
    );
    const tooLong = await call(fake, COMMENTS_PATH, {
      method: "POST",
      body: { body: "x".repeat(65_537) },
    });
    assert.equal(tooLong.status, 422);
  }, { comments: [{ id: 7, body: "earlier" }] }));

Deno.test("read-only mode refuses writes like a fork's GITHUB_TOKEN", () =>
  withFake(async (fake) => {
    assert.equal((await call(fake, COMMENTS_PATH)).status, 200);
    const refused = { message: "Resource not accessible by integration" };
    const create = await call(fake, COMMENTS_PATH, {
      method: "POST",
      body: { body: "hello" },
    });
    assert.deepEqual([create.status, create.json], [403, refused]);
    const update = await call(fake, "/repos/octo/app/issues/comments/7", {
      method: "PATCH",
      body: { body: "hello" },
    });
    assert.deepEqual([update.status, update.json], [403, refused]);
    assert.deepEqual(fake.comments, [{ id: 7, body: "earlier" }]);
  }, { comments: [{ id: 7, body: "earlier" }], readOnly: true }));

Deno.test("unknown repositories, pull requests and comments are 404", () =>
  withFake(async (fake) => {
    for (
      const path of [
        "/repos/octo/other/issues/1/comments",
        "/repos/octo/app/issues/2/comments",
        COMMENTS_PATH,
      ]
    ) {
      assert.equal((await call(fake, path)).status, 404, path);
    }
    const update = await call(
      fake,
      "/api/v3/repos/octo/app/issues/comments/9",
      {
        method: "PATCH",
        body: { body: "x" },
      },
    );
    assert.equal(update.status, 404);
    const listed = await call(fake, `/api/v3${COMMENTS_PATH}`);
    assert.equal(listed.status, 200);
    assert.equal(fake.requests.at(-1)?.path, `/api/v3${COMMENTS_PATH}`);
  }, { pathPrefix: "/api/v3" }));

Deno.test("failNext answers queued faults, one per request", () =>
  withFake(async (fake) => {
    fake.failNext({ status: 502 }, {
      status: 403,
      headers: { "retry-after": "1" },
    });
    assert.equal((await call(fake, COMMENTS_PATH)).status, 502);
    const limited = await fetch(`${fake.url}${COMMENTS_PATH}`);
    assert.equal(limited.headers.get("retry-after"), "1");
    await limited.body?.cancel();
    assert.equal((await call(fake, COMMENTS_PATH)).status, 200);
    assert.deepEqual(fake.requests.map((request) => request.status), [
      502,
      403,
      200,
    ]);
  }));

Deno.test("each token writes as its own account, and GET /user answers only for a person's token", () =>
  withFake(async (fake) => {
    const bot = await call(fake, "/user");
    assert.deepEqual([bot.status, bot.json.message], [
      403,
      "Resource not accessible by integration",
    ]);
    const app = await call(fake, "/user", { token: APP_TOKEN });
    assert.equal(app.status, 403);
    const alice = await call(fake, "/user", { token: PERSONAL_TOKEN });
    assert.deepEqual([alice.status, alice.json], [200, ALICE]);
    assert.equal(
      (await call(fake, "/user", { token: "ghp_wrong" })).status,
      401,
    );

    for (const token of [TOKEN, APP_TOKEN, PERSONAL_TOKEN]) {
      const created = await call(fake, COMMENTS_PATH, {
        method: "POST",
        body: { body: token },
        token,
      });
      assert.equal(created.status, 201);
    }
    assert.deepEqual(
      fake.comments.map((comment) => comment.user),
      [GITHUB_ACTIONS_BOT, APP_BOT, ALICE],
    );
  }, { tokens: TOKENS }));

Deno.test("only a comment's author may edit it", () =>
  withFake(async (fake) => {
    const path = (id: number) => `/repos/octo/app/issues/comments/${id}`;
    const edit = (id: number, token: string) =>
      call(fake, path(id), { method: "PATCH", body: { body: "x" }, token });
    const byInstallation = await edit(1, TOKEN);
    assert.deepEqual([byInstallation.status, byInstallation.json], [403, {
      message: "Resource not accessible by integration",
    }]);
    assert.equal((await edit(2, TOKEN)).status, 403, "a deleted account's");
    assert.equal((await edit(1, PERSONAL_TOKEN)).status, 403);
    assert.equal((await edit(3, TOKEN)).status, 200);
    assert.equal((await edit(1, APP_TOKEN)).status, 403);
    assert.deepEqual(fake.comments.map((comment) => comment.body), [
      "planted",
      "ghost",
      "x",
    ]);
    const listed = await call(fake, COMMENTS_PATH);
    assert.equal(listed.json[1].user, null);
  }, {
    tokens: TOKENS,
    comments: [
      {
        id: 1,
        body: "planted",
        user: { login: "mallory", id: 666, type: "User" },
      },
      { id: 2, body: "ghost", user: null },
      { id: 3, body: "ours", user: GITHUB_ACTIONS_BOT },
    ],
  }));

Deno.test("a fault with a method waits for a request with that method", () =>
  withFake(async (fake) => {
    fake.failNext({ method: "POST", status: 502 }, { status: 503 });
    assert.equal((await call(fake, COMMENTS_PATH)).status, 503);
    assert.equal((await call(fake, COMMENTS_PATH)).status, 200);
    const post = await call(fake, COMMENTS_PATH, {
      method: "POST",
      body: { body: "hello" },
    });
    assert.equal(post.status, 502);
    assert.deepEqual(fake.comments, [], "the fault took no effect");
  }));

Deno.test("a fault that takes effect writes the comment, then answers the fault", () =>
  withFake(async (fake) => {
    fake.failNext({ method: "POST", status: 502, takesEffect: true });
    const post = await call(fake, COMMENTS_PATH, {
      method: "POST",
      body: { body: "hello" },
    });
    assert.equal(post.status, 502);
    assert.deepEqual(fake.comments, [
      { id: 1, body: "hello", user: GITHUB_ACTIONS_BOT },
    ]);
  }));

Deno.test("a hang never answers: the client times out, and close() lets go", async () => {
  const fake = startFakeGithub({ token: TOKEN, repository: "octo/app" });
  fake.failNext({ method: "POST", hang: true, takesEffect: true });
  await assert.rejects(
    fetch(`${fake.url}${COMMENTS_PATH}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ body: "hello" }),
      signal: AbortSignal.timeout(100),
    }),
    (error) => error instanceof DOMException && error.name === "TimeoutError",
  );
  assert.deepEqual(fake.comments.map((comment) => comment.body), ["hello"]);
  assert.equal(fake.requests[0].status, 0);
  await fake.close();
});

Deno.test("a fake without a token refuses to start", () => {
  assert.throws(
    () => startFakeGithub({ repository: "octo/app" }),
    TypeError,
  );
});
