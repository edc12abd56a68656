/**
 * The peer, replayed: what the W&B Python SDK sends for the original action's
 * work (`wandb.Api().runs(path, filters)` for the candidates, then again for
 * the baselines), per `shared/wandb-api.md`. Each page is the SDK's `Runs`
 * query with the full run fragment, 50 runs a page, oldest first, with
 * `runCount(filters:)`; the candidate pages come first, then the baseline
 * pages, one request after another. Each answer is parsed, and so is each
 * run's `config`, `summaryMetrics` and `systemMetrics` text, as the SDK's
 * `Run` does; the runs are kept, as the SDK's `Runs` list keeps them. No CSV
 * is built (which favours the peer).
 *
 * Run as a subprocess; prints one JSON line with what the work cost:
 *
 * ```sh
 * deno run --allow-net=127.0.0.1:PORT bench/peer.ts '{"baseUrl": "...", ...}'
 * ```
 *
 * @module
 */

import { finishWork, startWork, type WorkCost } from "./_process_stats.ts";

/** What the peer is asked to fetch. */
export interface PeerRequest {
  /** The W&B API base, e.g. `http://127.0.0.1:1234`. */
  baseUrl: string;
  /** The API key. */
  apiKey: string;
  /** The entity. */
  entity: string;
  /** The project. */
  project: string;
  /** The commit whose runs are the candidates. */
  githubSha: string;
  /** The tags of baseline runs. */
  baselineTags: string[];
}

/** What the peer fetched and what it cost. */
export interface PeerResult extends WorkCost {
  /** GraphQL requests sent. */
  requests: number;
  /** Response body bytes received. */
  responseBytes: number;
  /** Candidate runs received. */
  candidates: number;
  /** Baseline runs received. */
  baselines: number;
}

/** The SDK's page size. */
export const SDK_PAGE_SIZE = 50;

/**
 * Every field of the "Run fields" table in `shared/wandb-api.md` that the
 * fake's schema has (the SDK's fragment also asks for `readOnly` and
 * `historyLineCount`, which the fake does not serve).
 */
const RUN_FRAGMENT = `fragment RunFragment on Run {
  id
  tags
  name
  displayName
  sweepName
  state
  config
  group
  jobType
  commit
  createdAt
  heartbeatAt
  description
  notes
  systemMetrics
  summaryMetrics
  historyKeys
  user { name username }
  projectId
}`;

/** The SDK's `Runs` query, as `wandb.Api().runs()` sends it. */
export const SDK_RUNS_QUERY =
  `query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString) {
  project(name: $project, entityName: $entity) {
    runCount(filters: $filters)
    runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
      edges { node { ...RunFragment } cursor }
      pageInfo { endCursor hasNextPage }
    }
  }
}
${RUN_FRAGMENT}`;

/** One page of the `Runs` query's answer, as far as the peer reads it. */
interface SdkPage {
  edges: { node: Record<string, unknown> & SdkTextFields; cursor: string }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** The run fields that travel as JSON text. */
interface SdkTextFields {
  config: string;
  summaryMetrics: string;
  systemMetrics: string;
}

/** A run as the SDK holds it after loading: its JSON text fields parsed. */
interface SdkRun {
  node: Record<string, unknown>;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
  systemMetrics: Record<string, unknown>;
}

/**
 * Fetches every run matching `filters`, page by page, as the SDK does.
 *
 * @param request Where to ask, and with which key.
 * @param filters The MongoDB-style filter.
 * @param counters Where requests and bytes are counted.
 * @returns The runs, parsed.
 */
async function sdkRuns(
  request: PeerRequest,
  filters: Record<string, unknown>,
  counters: { requests: number; responseBytes: number },
): Promise<SdkRun[]> {
  const runs: SdkRun[] = [];
  let cursor: string | null = null;
  for (;;) {
    const response: Response = await fetch(`${request.baseUrl}/graphql`, {
      method: "POST",
      headers: {
        "authorization": `Basic ${btoa(`api:${request.apiKey}`)}`,
        "content-type": "application/json",
        "user-agent": "W&B Public Client 0.21.0",
      },
      body: JSON.stringify({
        query: SDK_RUNS_QUERY,
        variables: {
          project: request.project,
          entity: request.entity,
          cursor,
          perPage: SDK_PAGE_SIZE,
          order: "+created_at",
          filters: JSON.stringify(filters),
        },
      }),
    });
    const text: string = await response.text();
    counters.requests++;
    counters.responseBytes += new TextEncoder().encode(text).length;
    if (!response.ok) {
      throw new Error(`Cannot fetch runs: HTTP ${response.status}: ${text}`);
    }
    const page: SdkPage = JSON.parse(text).data.project.runs;
    for (const { node } of page.edges) {
      const config: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(JSON.parse(node.config))) {
        config[key] = (entry as { value?: unknown }).value;
      }
      runs.push({
        node,
        config,
        summary: JSON.parse(node.summaryMetrics),
        systemMetrics: JSON.parse(node.systemMetrics),
      });
    }
    if (!page.pageInfo.hasNextPage) return runs;
    cursor = page.pageInfo.endCursor;
  }
}

/**
 * Runs the peer's work: the candidate query, then the baseline query, with
 * the same filters as ours so that both fetch the same runs.
 *
 * @param request What to fetch.
 * @returns What was fetched and what it cost.
 */
export async function runPeer(request: PeerRequest): Promise<PeerResult> {
  const counters = { requests: 0, responseBytes: 0 };
  const start = startWork();
  const candidates = await sdkRuns(
    request,
    { "config.github_sha": request.githubSha },
    counters,
  );
  const baselines = await sdkRuns(request, {
    $and: [
      { tags: { $in: request.baselineTags } },
      {
        $or: [
          { "config.github_sha": { $ne: request.githubSha } },
          { "config.github_sha": { $exists: false } },
        ],
      },
    ],
  }, counters);
  return {
    ...counters,
    candidates: candidates.length,
    baselines: baselines.length,
    ...finishWork(start),
  };
}

if (import.meta.main) {
  const result = await runPeer(JSON.parse(Deno.args[0]));
  console.log(JSON.stringify(result));
}
