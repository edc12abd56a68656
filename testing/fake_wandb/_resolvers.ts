/**
 * The resolvers of the fake W&B schema: projects, filtered and ordered run pages, and runs as W&B serves them.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { compileFilter, FilterError, parseTime } from "./filters.ts";
import type { FakeProject, FakeRun } from "./server.ts";

/** A request W&B refuses for a reason other than its filter (a bad cursor, order, page size or projection key). */
export class BadRequestError extends Error {
  /** The HTTP status to answer with. */
  readonly status = 400;

  /**
   * Creates the error for a refused request.
   *
   * @param message The error message.
   */
  constructor(message: string) {
    super(message);
    this.name = "BadRequestError";
  }
}

/** The SDK version the fake claims in each run's `_wandb` config entry. */
const CLI_VERSION = "0.21.0";

/** The page size W&B uses when `first` is not given. */
const DEFAULT_PAGE_SIZE = 50;

/** The user every run without one, and the viewer, is attributed to. */
const FAKE_USER = { name: "Fake User", username: "fake-user" };

/** Arguments of `Project.runs`. */
interface RunsArgs {
  filters?: unknown;
  after?: string | null;
  first?: number | null;
  order?: string | null;
}

/** The GraphQL root value: the resolvers of `Query`. */
export interface RootValue {
  /** `Query.project`: the project, or `null` when unknown. */
  project(args: { name: string; entityName: string }): object | null;
  /** `Query.viewer`: the user the API key belongs to. */
  viewer(): object;
}

/** How the resolvers page. */
export interface RootValueOptions {
  /** The most runs one page serves, whatever `first` asks; no cap when absent. */
  maxPageSize?: number;
}

/**
 * Builds the GraphQL root value over a live list of projects.
 *
 * @param projects Returns the projects as they are at the time of each query.
 * @param options The page cap.
 * @returns The root value for `execute`.
 * @throws {RangeError} when `maxPageSize` is not a positive integer.
 */
export function createRootValue(
  projects: () => FakeProject[],
  options: RootValueOptions = {},
): RootValue {
  const { maxPageSize } = options;
  if (
    maxPageSize !== undefined &&
    (!Number.isInteger(maxPageSize) || maxPageSize < 1)
  ) {
    throw new RangeError(
      `Cannot start the fake W&B: maxPageSize must be a positive integer, got ${maxPageSize}`,
    );
  }
  return {
    project({ name, entityName }: { name: string; entityName: string }) {
      const all = projects();
      const project = all.find((candidate) =>
        candidate.entity === entityName && candidate.name === name
      );
      return project === undefined
        ? null
        : presentProject(project, all.indexOf(project) + 1, maxPageSize);
    },
    viewer() {
      const entity = projects()[0]?.entity ?? FAKE_USER.username;
      return {
        id: encodeBase64(`User:${entity}`),
        name: FAKE_USER.name,
        username: entity,
        entity,
      };
    },
  };
}

/** The runs of `project` matching `filters`, sorted by `order`; ties keep the project's order. */
function matchingRuns(
  project: FakeProject,
  filters: unknown,
  order?: string | null,
): FakeRun[] {
  const matches = compileFilter(parseFilters(filters));
  const key = orderKey(order);
  // Filtered first: sort keys are computed for the matches only.
  const matched: { run: FakeRun; position: number }[] = [];
  project.runs.forEach((run, position) => {
    if (matches(run)) matched.push({ run, position });
  });
  return matched
    .map(({ run, position }) => ({ run, position, value: key.value(run) }))
    .sort((a, b) =>
      key.direction * compareOrderValues(a.value, b.value) ||
      a.position - b.position
    )
    .map(({ run }) => run);
}

function presentProject(
  project: FakeProject,
  projectId: number,
  maxPageSize = Infinity,
) {
  return {
    id: encodeBase64(`Project:v1:${project.name}:${project.entity}`),
    name: project.name,
    entityName: project.entity,
    runCount: ({ filters }: { filters?: unknown }) => {
      const matches = compileFilter(parseFilters(filters));
      return project.runs.filter((run) => matches(run)).length;
    },
    runs({ filters, after, first, order }: RunsArgs) {
      const asked = first ?? DEFAULT_PAGE_SIZE;
      if (asked < 0) {
        throw new BadRequestError(
          `Cannot page runs: first must not be negative, got ${asked}`,
        );
      }
      // A capped server serves fewer runs than asked; pageInfo says there are more.
      const pageSize = Math.min(asked, maxPageSize);
      const runs = matchingRuns(project, filters, order);
      const start = after === undefined || after === null
        ? 0
        : decodeCursor(after) + 1;
      const edges = runs.slice(start, start + pageSize).map((run, offset) => ({
        node: run.nullNode ? null : presentRun(run, project, projectId),
        cursor: encodeCursor(start + offset),
      }));
      return {
        edges,
        pageInfo: {
          endCursor: edges.at(-1)?.cursor ?? null,
          hasNextPage: start + pageSize < runs.length,
        },
      };
    },
    run({ name }: { name: string }) {
      const run = project.runs.find((candidate) => candidate.name === name);
      return run === undefined || run.nullNode
        ? null
        : presentRun(run, project, projectId);
    },
  };
}

/**
 * Serves a run the way W&B does: config wrapped in `{value}`, summaries as JSON text, and the fields the
 * stored run sets to `null` as null.
 *
 * @param run The stored run.
 * @param project The project holding it.
 * @param projectId The project's numeric id.
 * @returns The GraphQL `Run` source object.
 */
function presentRun(run: FakeRun, project: FakeProject, projectId: number) {
  const user = run.user ?? FAKE_USER;
  return {
    id: encodeBase64(`Run:v1:${run.name}:${project.name}:${project.entity}`),
    name: run.name,
    displayName: run.displayName,
    state: run.state,
    tags: run.tags === undefined ? [] : run.tags,
    config: ({ keys }: { keys?: string[] | null }) =>
      run.config === null ? null : toWandbJson(pick(wrapConfig(run), keys)),
    summaryMetrics: ({ keys }: { keys?: string[] | null }) =>
      run.summaryMetrics === null
        ? null
        : toWandbJson(pick(run.summaryMetrics ?? {}, keys)),
    systemMetrics: toWandbJson(run.systemMetrics ?? {}),
    historyKeys: {
      keys: {},
      lastStep: typeof run.summaryMetrics?._step === "number"
        ? run.summaryMetrics._step
        : 0,
    },
    commit: run.commit ?? null,
    description: run.description ?? null,
    notes: run.notes ?? null,
    group: run.group ?? null,
    jobType: run.jobType ?? null,
    sweepName: run.sweepName ?? null,
    createdAt: run.createdAt,
    heartbeatAt: run.heartbeatAt ?? run.createdAt,
    user: {
      id: encodeBase64(`User:${user.username}`),
      name: user.name,
      username: user.username,
      entity: user.username,
    },
    projectId,
  };
}

function wrapConfig(run: FakeRun): Record<string, unknown> {
  const wrap = (value: unknown) =>
    run.legacyConfigFormat ? { desc: null, value } : { value };
  const entries = Object.entries(run.config ?? {});
  return {
    ...Object.fromEntries(entries.map(([key, value]) => [key, wrap(value)])),
    _wandb: wrap({ cli_version: CLI_VERSION }),
  };
}

/**
 * Keeps the top-level `keys` of `record`. A dotted key is refused: W&B's own callers send top-level keys only
 * and how the real server treats `eval.f1` is undocumented, so a client sending one must fail its tests.
 */
function pick(
  record: Record<string, unknown>,
  keys: string[] | null | undefined,
): Record<string, unknown> {
  if (keys === null || keys === undefined) return record;
  const dotted = keys.find((key) => key.includes("."));
  if (dotted !== undefined) {
    throw new BadRequestError(
      `Cannot project keys: dotted keys are not supported, got "${dotted}"; ask for the top-level key`,
    );
  }
  const present = keys.filter((key) => Object.hasOwn(record, key));
  return Object.fromEntries(present.map((key) => [key, record[key]]));
}

/** JSON text as W&B writes it: `NaN`, `Infinity` and `-Infinity` become strings. */
function toWandbJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) =>
      typeof item === "number" && !Number.isFinite(item) ? String(item) : item,
  );
}

function parseFilters(filters: unknown): unknown {
  if (filters === undefined || filters === null) return {};
  if (typeof filters !== "string") {
    throw new FilterError(400, "Cannot parse filters: expected a JSON string");
  }
  try {
    return JSON.parse(filters);
  } catch (error) {
    throw new FilterError(
      400,
      `Cannot parse filters: ${(error as Error).message}`,
    );
  }
}

/** How `order` sorts: the value to sort by, and `1` (ascending) or `-1` (descending). */
interface OrderKey {
  value: (run: FakeRun) => unknown;
  direction: 1 | -1;
}

const ORDER_PATTERN =
  /^([+-])(created_at|heartbeat_at|config\.([^.]+)\.value|summary_metrics\.(.+))$/;

function orderKey(order: string | null | undefined): OrderKey {
  const spec = order || "+created_at";
  const match = ORDER_PATTERN.exec(spec);
  if (match === null) {
    throw new BadRequestError(`Cannot order runs: unsupported order "${spec}"`);
  }
  const [, sign, field, configKey, summaryPath] = match;
  return {
    direction: sign === "+" ? 1 : -1,
    value: orderValue(field, configKey, summaryPath),
  };
}

function orderValue(
  field: string,
  configKey: string | undefined,
  summaryPath: string | undefined,
): (run: FakeRun) => unknown {
  if (field === "created_at") return (run) => parseTime(run.createdAt);
  if (field === "heartbeat_at") {
    return (run) => parseTime(run.heartbeatAt ?? run.createdAt);
  }
  if (configKey !== undefined) return (run) => run.config?.[configKey];
  const path = summaryPath!.split(".");
  return (run) =>
    path.reduce<unknown>(
      (value, segment) =>
        typeof value === "object" && value !== null
          ? (value as Record<string, unknown>)[segment]
          : undefined,
      run.summaryMetrics,
    );
}

/** Orders sort values as SQL does: missing first, then booleans, numbers, strings, anything else. */
function compareOrderValues(left: unknown, right: unknown): number {
  const byRank = orderRank(left) - orderRank(right);
  if (byRank !== 0 || orderRank(left) === 0 || orderRank(left) === 4) {
    return byRank;
  }
  if (typeof left === "number") return left - (right as number);
  return left === right
    ? 0
    : (left as string | boolean) < (right as string | boolean)
    ? -1
    : 1;
}

function orderRank(value: unknown): number {
  if (value === undefined || value === null || Number.isNaN(value)) return 0;
  return ({ boolean: 1, number: 2, string: 3 } as Record<string, number>)[
    typeof value
  ] ?? 4;
}

/** The cursor of the run at `index` of a result list: `base64("arrayconnection:<index>")`. */
function encodeCursor(index: number): string {
  return encodeBase64(`arrayconnection:${index}`);
}

function decodeCursor(cursor: string): number {
  const match = /^arrayconnection:(\d+)$/.exec(
    Buffer.from(cursor, "base64").toString("utf8"),
  );
  if (match === null) {
    throw new BadRequestError(`Cannot page runs: invalid cursor "${cursor}"`);
  }
  return Number(match[1]);
}

function encodeBase64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
