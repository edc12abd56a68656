/**
 * A fake GitHub REST API on 127.0.0.1 for tests: one pull request's issue
 * comments, listed in pages with a `Link` header, created and updated, behind
 * a token check, and faults on demand.
 *
 * @module
 */

/** An issue comment as the fake stores it. */
export interface FakeComment {
  /** The comment id. */
  id: number;
  /** The Markdown body. */
  body: string;
  /** The author's login; `octocat` when absent. */
  user?: string;
}

/** A wrong answer queued with {@link FakeGithub.failNext}. */
export interface FakeFault {
  /** The HTTP status. */
  status: number;
  /** Extra response headers, e.g. `{ "retry-after": "1" }`. */
  headers?: Record<string, string>;
  /** The body; a JSON `message` naming the status when absent. */
  body?: string;
}

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
  /** The HTTP status answered. */
  status: number;
}

/** How to start the fake. */
export interface FakeGithubOptions {
  /** The token that authenticates, sent as `Authorization: Bearer <token>`. */
  token: string;
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
  /** A path before `/repos`, e.g. `/api/v3` like GitHub Enterprise Server. Default none. */
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
  /** Queues faults: each incoming request consumes one, before the token is checked. */
  failNext(...faults: FakeFault[]): void;
  /** Stops the server. */
  close(): Promise<void>;
}

const DEFAULT_PER_PAGE = 30;
const GITHUB_MAX_PER_PAGE = 100;
const COMMENT_MAX_LENGTH = 65_536;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * Starts a fake GitHub REST API on 127.0.0.1.
 *
 * @param options The token, repository, pull request and its comments.
 * @returns The running fake; `close()` it when done.
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
 * await fake.close();
 * ```
 */
export function startFakeGithub(options: FakeGithubOptions): FakeGithub {
  const faults: FakeFault[] = [];
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
    close: () => server.shutdown(),
  };

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
    const fault = faults.shift();
    const answer = fault === undefined
      ? answerNormally(request.method, url, text, record.authorization)
      : {
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
    if (authorization !== `Bearer ${options.token}`) {
      return { status: 401, body: { message: "Bad credentials" } };
    }
    const path = url.pathname;
    if (path === `${issuePath}/comments` && method === "GET") {
      return listComments(url);
    }
    if (path === `${issuePath}/comments` && method === "POST") {
      return writeComment(text, (body) => {
        const id = Math.max(0, ...fake.comments.map((c) => c.id)) + 1;
        const comment = { id, body, user: "github-actions[bot]" };
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
      return {
        status: 403,
        body: { message: "Resource not accessible by integration" },
      };
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
    if (body.length > COMMENT_MAX_LENGTH) {
      return {
        status: 422,
        body: {
          message: "Validation Failed",
          errors: [{
            resource: "IssueComment",
            code: "custom",
            field: "body",
            message:
              `body is too long (maximum is ${COMMENT_MAX_LENGTH} characters)`,
          }],
        },
      };
    }
    return write(body);
  }

  function commentJson(comment: FakeComment) {
    return {
      id: comment.id,
      html_url:
        `https://github.com/${options.repository}/pull/${pullNumber}#issuecomment-${comment.id}`,
      body: comment.body,
      user: { login: comment.user ?? "octocat" },
    };
  }

  return fake;
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
