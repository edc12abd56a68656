/**
 * A fake GitHub REST API on 127.0.0.1 for tests: one pull request's issue
 * comments, listed in pages with a `Link` header, created and updated, behind
 * a token check, and faults on demand.
 *
 * Authorship is modelled as GitHub does it: every token belongs to an
 * account, every comment has an author, a comment is written as the account
 * of the token that created it, only its author may edit it, and
 * `GET /user` answers for a person's token but refuses an app installation's
 * (the workflow's `GITHUB_TOKEN` is one, and writes as `github-actions[bot]`).
 *
 * @module
 */

/** An account, as GitHub shows it in a comment's `user`. */
export interface FakeUser {
  /** The login, e.g. `octocat` or `github-actions[bot]`. */
  login: string;
  /** The account's numeric id. */
  id: number;
  /** `User` for a person, `Bot` for an app. */
  type: "User" | "Bot";
}

/** The account a token acts as, and what kind of token it is. */
export interface FakeTokenOwner extends FakeUser {
  /** `user` for a personal or OAuth token (`GET /user` answers 200), `app-installation` for a GitHub App's installation token such as `GITHUB_TOKEN` (`GET /user` answers 403). */
  kind: "user" | "app-installation";
}

/** The account the workflow's `GITHUB_TOKEN` writes as. */
export const GITHUB_ACTIONS_BOT: FakeUser = {
  login: "github-actions[bot]",
  id: 41898282,
  type: "Bot",
};

/** The author of a comment given without one. */
export const OCTOCAT: FakeUser = { login: "octocat", id: 583231, type: "User" };

/** An issue comment as the fake stores it. */
export interface FakeComment {
  /** The comment id. */
  id: number;
  /** The Markdown body. */
  body: string;
  /** The author; {@link OCTOCAT} when absent, `null` for a deleted account (GitHub's "ghost"). */
  user?: FakeUser | null;
}

/** What every fault may say: which request it is for, and whether that request still takes effect. */
export interface FakeFaultScope {
  /** Only a request with this method takes the fault, e.g. `POST`; others pass it by. Default: the next request, whatever its method. */
  method?: string;
  /** Carry the request out first (create or edit the comment), then give the fault instead of its answer: a write whose answer was lost. Default `false`: nothing changes. */
  takesEffect?: boolean;
}

/** A wrong answer. */
export interface FakeFaultAnswer extends FakeFaultScope {
  /** The HTTP status. */
  status: number;
  /** Extra response headers, e.g. `{ "retry-after": "1" }`. */
  headers?: Record<string, string>;
  /** The body; a JSON `message` naming the status when absent. */
  body?: string;
}

/** No answer at all: the request is held until the fake closes, so the client times out. */
export interface FakeFaultHang extends FakeFaultScope {
  /** Never answer. */
  hang: true;
}

/** A fault queued with {@link FakeGithub.failNext}. */
export type FakeFault = FakeFaultAnswer | FakeFaultHang;

/** One request the fake received. */
export interface RecordedRequest {
  /** The HTTP method, e.g. `GET`. */
  method: string;
  /** The path as received, prefix included, e.g. `/repos/octo/app/issues/1/comments`. */
  path: string;
  /** The query parameters. */
  query: Record<string, string>;
  /** The `Authorization` header, or `null`. */
  authorization: string | null;
  /** The request headers, names lower-cased. */
  headers: Record<string, string>;
  /** The HTTP status answered; 0 while held by a hang fault, or when never answered. */
  status: number;
}

/** How to start the fake. */
export interface FakeGithubOptions {
  /** A token like the workflow's `GITHUB_TOKEN`: an app installation token writing as {@link GITHUB_ACTIONS_BOT}. */
  token?: string;
  /** More tokens, each with the account it acts as; sent as `Authorization: Bearer <token>`. */
  tokens?: Record<string, FakeTokenOwner>;
  /** The only repository served, `owner/repo`. */
  repository: string;
  /** The only pull request served. Default 1. */
  pullNumber?: number;
  /** The pull request's comments, oldest first; kept live as {@link FakeGithub.comments}. */
  comments?: FakeComment[];
  /** Answer writes with 403, like a fork's read-only `GITHUB_TOKEN`. */
  readOnly?: boolean;
  /** The most comments one page holds, whatever `per_page` asks. Default 100, GitHub's limit. */
  maxPerPage?: number;
  /** A path before `/repos` and `/user`, e.g. `/api/v3` like GitHub Enterprise Server. Default none. */
  pathPrefix?: string;
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
}

/** A running fake GitHub. */
export interface FakeGithub {
  /** The origin without a trailing slash, e.g. `http://127.0.0.1:1234`; the API is at `${url}${pathPrefix}`. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** The pull request's comments, oldest first; edit them between requests. */
  comments: FakeComment[];
  /** Queues faults: each incoming request takes the first one meant for it (by `method`), before the token is checked. */
  failNext(...faults: FakeFault[]): void;
  /** Stops the server, first letting go of requests held by a hang. */
  close(): Promise<void>;
}

const DEFAULT_PER_PAGE = 30;
const GITHUB_MAX_PER_PAGE = 100;
/**
 * GitHub's limit for a comment body: 65,536 characters as its message says,
 * counted as code points (an emoji is one); bodies of more than 262,144 UTF-8
 * bytes, the byte limit GitHub has been measured to apply, are refused too.
 */
const COMMENT_MAX_CHARACTERS = 65_536;
const COMMENT_MAX_BYTES = 262_144;
const NOT_ACCESSIBLE = "Resource not accessible by integration";

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Starts a fake GitHub REST API on 127.0.0.1.
 *
 * @param options The tokens, repository, pull request and its comments.
 * @returns The running fake; `close()` it when done.
 * @throws {TypeError} when no token is given.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeGithub } from "./server.ts";
 *
 * const fake = startFakeGithub({
 *   token: "ghs_example",
 *   repository: "octo/app",
 *   comments: [{ id: 1, body: "LGTM" }],
 * });
 * const response = await fetch(`${fake.url}/repos/octo/app/issues/1/comments`, {
 *   headers: { authorization: "Bearer ghs_example" },
 * });
 * const [comment] = await response.json();
 * assert.equal(comment.body, "LGTM");
 * assert.equal(comment.user.login, "octocat");
 * await fake.close();
 * ```
 */
export function startFakeGithub(options: FakeGithubOptions): FakeGithub {
  const owners = new Map<string, FakeTokenOwner>(
    Object.entries(options.tokens ?? {}),
  );
  if (options.token !== undefined) {
    owners.set(options.token, {
      ...GITHUB_ACTIONS_BOT,
      kind: "app-installation",
    });
  }
  if (owners.size === 0) {
    throw new TypeError("Cannot start the fake GitHub: no token given");
  }
  const faults: FakeFault[] = [];
  const held = new Set<() => void>();
  const pullNumber = options.pullNumber ?? 1;
  const prefix = options.pathPrefix ?? "";
  const maxPerPage = Math.min(
    options.maxPerPage ?? GITHUB_MAX_PER_PAGE,
    GITHUB_MAX_PER_PAGE,
  );
  const issuePath =
    `${prefix}/repos/${options.repository}/issues/${pullNumber}`;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, onListen() {} },
    (request) => handle(request),
  );
  const fake: FakeGithub = {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests: [],
    comments: options.comments ?? [],
    failNext: (...next) => void faults.push(...next),
    close: () => {
      for (const release of held) release();
      return server.shutdown();
    },
  };

  /** Takes the first queued fault meant for a request with this method. */
  function takeFault(method: string): FakeFault | undefined {
    const index = faults.findIndex((fault) =>
      fault.method === undefined || fault.method.toUpperCase() === method
    );
    return index < 0 ? undefined : faults.splice(index, 1)[0];
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = await request.text();
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: request.headers.get("authorization"),
      headers: Object.fromEntries(request.headers),
      status: 0,
    };
    fake.requests.push(record);
    const fault = takeFault(request.method);
    const normally = () =>
      answerNormally(request.method, url, text, record.authorization);
    if (fault?.takesEffect) normally();
    if (fault !== undefined && "hang" in fault) {
      await new Promise<void>((resolve) => held.add(resolve));
      return new Response(null, { status: 504 });
    }
    const answer = fault === undefined ? normally() : {
      status: fault.status,
      body: fault.body ?? { message: `fake GitHub answered ${fault.status}` },
      headers: fault.headers,
    };
    record.status = answer.status;
    const body = typeof answer.body === "string"
      ? answer.body
      : JSON.stringify(answer.body);
    return new Response(body, {
      status: answer.status,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  }

  function answerNormally(
    method: string,
    url: URL,
    text: string,
    authorization: string | null,
  ): Answer {
    const owner = authorization?.startsWith("Bearer ")
      ? owners.get(authorization.slice("Bearer ".length))
      : undefined;
    if (owner === undefined) {
      return { status: 401, body: { message: "Bad credentials" } };
    }
    const path = url.pathname;
    if (path === `${prefix}/user` && method === "GET") {
      return owner.kind === "user" ? { status: 200, body: userJson(owner) } : {
        status: 403,
        body: {
          message: NOT_ACCESSIBLE,
          documentation_url:
            "https://docs.github.com/rest/users/users#get-the-authenticated-user",
        },
      };
    }
    if (path === `${issuePath}/comments` && method === "GET") {
      return listComments(url);
    }
    if (path === `${issuePath}/comments` && method === "POST") {
      return writeComment(text, (body) => {
        const id = Math.max(0, ...fake.comments.map((c) => c.id)) + 1;
        const comment = { id, body, user: userJson(owner) };
        fake.comments.push(comment);
        return { status: 201, body: commentJson(comment) };
      });
    }
    const commentId = path.startsWith(
        `${prefix}/repos/${options.repository}/issues/comments/`,
      )
      ? Number(path.slice(path.lastIndexOf("/") + 1))
      : NaN;
    const comment = fake.comments.find((c) => c.id === commentId);
    if (comment !== undefined && method === "PATCH") {
      if (!options.readOnly && authorOf(comment)?.id !== owner.id) {
        return {
          status: 403,
          body: {
            message: owner.kind === "user"
              ? "Must have admin rights to Repository."
              : NOT_ACCESSIBLE,
          },
        };
      }
      return writeComment(text, (body) => {
        comment.body = body;
        return { status: 200, body: commentJson(comment) };
      });
    }
    return notFound();
  }

  function listComments(url: URL): Answer {
    const asked = Number(url.searchParams.get("per_page") ?? DEFAULT_PER_PAGE);
    const perPage = Number.isInteger(asked) && asked > 0
      ? Math.min(asked, maxPerPage)
      : DEFAULT_PER_PAGE;
    const askedPage = Number(url.searchParams.get("page") ?? 1);
    const page = Number.isInteger(askedPage) && askedPage > 0 ? askedPage : 1;
    const lastPage = Math.max(1, Math.ceil(fake.comments.length / perPage));
    const pageUrl = (number: number) =>
      `${url.origin}${url.pathname}?per_page=${perPage}&page=${number}`;
    const links: string[] = [];
    if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
    if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`);
    if (page !== lastPage) links.push(`<${pageUrl(lastPage)}>; rel="last"`);
    if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
    return {
      status: 200,
      body: fake.comments
        .slice((page - 1) * perPage, page * perPage)
        .map(commentJson),
      headers: links.length > 0 ? { link: links.join(", ") } : undefined,
    };
  }

  function writeComment(text: string, write: (body: string) => Answer): Answer {
    if (options.readOnly) {
      return { status: 403, body: { message: NOT_ACCESSIBLE } };
    }
    let body: unknown;
    try {
      body = (JSON.parse(text) as Record<string, unknown>).body;
    } catch {
      return { status: 400, body: { message: "Problems parsing JSON" } };
    }
    if (typeof body !== "string") {
      return {
        status: 422,
        body: { message: `Invalid request.\n\n"body" wasn't supplied.` },
      };
    }
    if (
      [...body].length > COMMENT_MAX_CHARACTERS ||
      new TextEncoder().encode(body).length > COMMENT_MAX_BYTES
    ) {
      return {
        status: 422,
        body: {
          message: "Validation Failed",
          errors: [{
            resource: "IssueComment",
            code: "custom",
            field: "body",
            message:
              `body is too long (maximum is ${COMMENT_MAX_CHARACTERS} characters)`,
          }],
        },
      };
    }
    return write(body);
  }

  function commentJson(comment: FakeComment) {
    const author = authorOf(comment);
    return {
      id: comment.id,
      html_url:
        `https://github.com/${options.repository}/pull/${pullNumber}#issuecomment-${comment.id}`,
      body: comment.body,
      user: author === null ? null : userJson(author),
    };
  }

  return fake;
}

/** The comment's author: {@link OCTOCAT} when not given, `null` for a deleted account. */
function authorOf(comment: FakeComment): FakeUser | null {
  return comment.user === undefined ? OCTOCAT : comment.user;
}

/** An account as GitHub shows it, without the fields no test reads. */
function userJson({ login, id, type }: FakeUser): FakeUser {
  return { login, id, type };
}

function notFound(): Answer {
  return {
    status: 404,
    body: {
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest",
    },
  };
}
