/**
 * Talking to GitHub: the sticky pull request comment (found again by its
 * author and a hidden marker, updated on every run), GitHub's size limits for
 * a comment and a job summary, the pull request an event is about, and step
 * outputs formatted for `$GITHUB_OUTPUT` or as `NAME=value` lines. Nothing
 * here asks W&B.
 *
 * @example Post a review as the pull request's sticky comment
 * ```ts
 * import { pullRequestNumber, upsertPrComment } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // GitHub as the workflow's GITHUB_TOKEN sees a pull request without comments.
 * const url = "https://github.com/octo/app/pull/12#issuecomment-7";
 * const user = { login: "github-actions[bot]" };
 * const fetch = (input: RequestInfo | URL, init?: RequestInit) =>
 *   Promise.resolve(
 *     String(input).endsWith("/user")
 *       ? Response.json({ message: "Resource not accessible by integration" }, { status: 403 })
 *       : init?.method === "POST"
 *       ? Response.json({ id: 7, html_url: url, body: "", user }, { status: 201 })
 *       : Response.json([]),
 *   );
 *
 * const event = { pull_request: { number: 12 } }; // in real use: the JSON at $GITHUB_EVENT_PATH
 * const result = await upsertPrComment({
 *   apiUrl: "https://api.github.com",
 *   repository: "octo/app",
 *   pullNumber: pullRequestNumber(event)!,
 *   token: "ghs_example", // in real use: Deno.env.get("GITHUB_TOKEN")!
 *   body: "### W&B runs",
 *   fetch, // in real use: leave out, to use the global fetch
 * });
 * assert.equal(result.action, "created");
 * ```
 *
 * @module
 */
export {
  GithubCommentError,
  type PrCommentOptions,
  type PrCommentResult,
  pullRequestNumber,
  upsertPrComment,
} from "./pr_comment.ts";
export { commentMarker } from "./comment_marker.ts";
export {
  COMMENT_LIMIT,
  commentBodyLimit,
  type SizeLimit,
  SUMMARY_LIMIT,
} from "./limits.ts";
export { formatGithubOutputs, formatPlainOutputs } from "./outputs.ts";
