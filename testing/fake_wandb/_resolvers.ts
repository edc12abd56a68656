/**
 * The resolvers of the fake W&B schema: projects, filtered and ordered run pages, runs as W&B serves them
 * (history and artifact lineage included), artifact memberships, entities and organisations.
 *
 * @module
 */

import {
  type ArtifactContext,
  inputArtifactsOf,
  outputArtifactsOf,
  presentArtifact,
  presentMembership,
} from "./_artifact_resolvers.ts";
import {
  findArtifactById,
  findMembership,
  findProject,
} from "./_artifact_store.ts";
import { entityFacts, organizationsOfUser } from "./_entities.ts";
import { BadRequestError } from "./_errors.ts";
import { historyKeysOf, parseHistorySpec, sampleHistory } from "./_history.ts";
import { encodeBase64, pageOf } from "./_paging.ts";
import { compileFilter, FilterError, parseTime } from "./filters.ts";
import type { FakeOrganization, FakeProject, FakeRun } from "./server.ts";

export { BadRequestError };

/** The SDK version the fake claims in each run's `_wandb` config entry. */
const CLI_VERSION = "0.21.0";

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
  /** `Query.project`: the project, or `null` when unknown or hidden from the key. */
  project(args: { name: string; entityName: string }): object | null;
  /** `Query.viewer`: the user the API key belongs to. */
  viewer(): object;
  /** `Query.entity`: the entity, or `null` when unknown. */
  entity(args: { name: string }): object | null;
  /** `Query.artifact`: the artifact with this global id, or `null`. */
  artifact(args: { id: string }): object | null;
}

/** How the resolvers page, sample and look up organisations. */
export interface RootValueOptions {
  /** The most items one page serves, whatever `first` asks; no cap when absent. */
  maxPageSize?: number;
  /** Returns the organisations as they are at the time of each query; none when absent. */
  organizations?: () => FakeOrganization[];
  /** The random source picking and shuffling sampled history rows; `Math.random` when absent. */
  random?: () => number;
}

/**
 * Builds the GraphQL root value over a live list of projects.
 *
 * @param projects Returns the projects as they are at the time of each query.
 * @param options The page cap, the organisations and the random source.
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
  const presenter = () =>
    new Presenter({
      projects: projects(),
      organizations: options.organizations?.() ?? [],
      maxPageSize,
      random: options.random ?? Math.random,
    });
  return {
    project({ name, entityName }: { name: string; entityName: string }) {
      const present = presenter();
      const project = findProject(present.projects, {
        entity: entityName,
        project: name,
      });
      return project === undefined ? null : present.project(project);
    },
    viewer() {
      const present = presenter();
      const entity = present.projects[0]?.entity ?? FAKE_USER.username;
      return present.user(entity, FAKE_USER.name);
    },
    entity({ name }: { name: string }) {
      return presenter().entity(name);
    },
    artifact({ id }: { id: string }) {
      const present = presenter();
      const artifact = findArtifactById(present.projects, id);
      return artifact === null ? null : presentArtifact(present, artifact);
    },
  };
}

/** What one query sees: the stored data at its start, the page cap and the random source. */
interface PresenterOptions {
  projects: readonly FakeProject[];
  organizations: readonly FakeOrganization[];
  maxPageSize?: number;
  random: () => number;
}

/** Serves stored projects, runs, users and entities as W&B's GraphQL types, for one query. */
class Presenter implements ArtifactContext {
  readonly projects: readonly FakeProject[];
  readonly organizations: readonly FakeOrganization[];
  readonly maxPageSize?: number;
  readonly random: () => number;

  constructor(options: PresenterOptions) {
    this.projects = options.projects;
    this.organizations = options.organizations;
    this.maxPageSize = options.maxPageSize;
    this.random = options.random;
  }

  /** `Project`, or `null` for a project hidden from the key. */
  project(project: FakeProject): object | null {
    if (project.hiddenFromKey) return null;
    return presentProject(this, project);
  }

  /** `Run` (typed for unions), or `null` for a null node or a run in a hidden project. */
  run(run: FakeRun, project: FakeProject): object | null {
    if (run.nullNode || project.hiddenFromKey) return null;
    return presentRun(this, run, project);
  }

  /** `User` (typed for unions), its personal entity named after it. */
  user(username: string, name: string = username): object {
    return {
      __typename: "User",
      id: encodeBase64(`User:${username}`),
      name,
      username,
      entity: username,
      organizations: () =>
        organizationsOfUser(username, this.organizations).map((
          organization,
        ) => this.organization(organization)),
    };
  }

  /** `Entity`, or `null` for an entity the fake does not know. */
  entity(name: string): object | null {
    const facts = entityFacts(name, this);
    if (facts === null) return null;
    return {
      id: encodeBase64(`Entity:${name}`),
      name,
      organization: facts.organization === null
        ? null
        : this.organization(facts.organization),
      user: facts.userOrganizations === null ? null : this.user(name),
    };
  }

  /** `Organization`. */
  organization(organization: FakeOrganization): object {
    return {
      id: encodeBase64(`Organization:${organization.name}`),
      name: organization.name,
      orgEntity: () => this.entity(organization.orgEntity),
    };
  }
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

function presentProject(presenter: Presenter, project: FakeProject) {
  return {
    id: encodeBase64(`Project:v1:${project.name}:${project.entity}`),
    name: project.name,
    entityName: project.entity,
    entity: () => presenter.entity(project.entity),
    runCount: ({ filters }: { filters?: unknown }) => {
      const matches = compileFilter(parseFilters(filters));
      return project.runs.filter((run) => matches(run)).length;
    },
    runs({ filters, after, first, order }: RunsArgs) {
      const page = pageOf(matchingRuns(project, filters, order), {
        after,
        first,
        maxPageSize: presenter.maxPageSize,
        what: "runs",
      });
      return {
        edges: page.items.map(({ item, cursor }) => ({
          node: presenter.run(item, project),
          cursor,
        })),
        pageInfo: {
          endCursor: page.endCursor,
          hasNextPage: page.hasNextPage,
        },
      };
    },
    run({ name }: { name: string }) {
      const run = project.runs.find((candidate) => candidate.name === name);
      return run === undefined ? null : presenter.run(run, project);
    },
    artifactCollectionMembership({ name }: { name: string }) {
      const membership = findMembership(presenter.projects, project, name);
      return membership === null
        ? null
        : presentMembership(presenter, membership);
    },
  };
}

/**
 * Serves a run the way W&B does: config wrapped in `{value}`, summaries as JSON text, and the fields the
 * stored run sets to `null` as null.
 *
 * @param presenter The query's presenter.
 * @param run The stored run.
 * @param project The project holding it.
 * @returns The GraphQL `Run` source object.
 */
function presentRun(
  presenter: Presenter,
  run: FakeRun,
  project: FakeProject,
) {
  const user = run.user ?? FAKE_USER;
  const owner = { run, project };
  return {
    __typename: "Run",
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
    historyKeys: () =>
      run.history === undefined
        ? {
          keys: {},
          lastStep: typeof run.summaryMetrics?._step === "number"
            ? run.summaryMetrics._step
            : 0,
        }
        : historyKeysOf(run.history),
    historyLineCount: run.history?.length ?? null,
    sampledHistory: ({ specs }: { specs: unknown[] }) =>
      specs.map((spec, index) => parseHistorySpec(spec, index)).map((spec) =>
        sampleHistory(run.history ?? [], spec, presenter.random)
      ),
    inputArtifacts: (args: { after?: string | null; first?: number | null }) =>
      inputArtifactsOf(presenter, owner, args),
    outputArtifacts: (args: { after?: string | null; first?: number | null }) =>
      outputArtifactsOf(presenter, owner, args),
    project: () => presenter.project(project),
    commit: run.commit ?? null,
    description: run.description ?? null,
    notes: run.notes ?? null,
    group: run.group ?? null,
    jobType: run.jobType ?? null,
    sweepName: run.sweepName ?? null,
    createdAt: run.createdAt,
    heartbeatAt: run.heartbeatAt ?? run.createdAt,
    user: presenter.user(user.username, user.name),
    projectId: presenter.projects.indexOf(project) + 1,
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
