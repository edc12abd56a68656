/**
 * A fake W&B GraphQL server on 127.0.0.1 for tests and demos: the runs you give it, W&B's auth, filters,
 * ordering and offset paging (capped pages on request), the null fields W&B's schema allows, and faults on
 * demand. It also serves metric history (`Run.sampledHistory`, sampled at random and shuffled, seedable with
 * `historySeed`), artifact lineage (`Run.inputArtifacts`, `Run.outputArtifacts`), registry look-ups
 * (`Project.artifactCollectionMembership`, `Artifact.createdBy`) and organisations (`Query.entity`), as
 * `wandb-api-history-artifacts.md` describes; projects can be hidden from the key (`hiddenFromKey`).
 *
 * @module
 */

import { execute, parse, validate } from "graphql";
import type { DocumentNode, GraphQLError } from "graphql";
import { Buffer } from "node:buffer";
import { validateArtifacts } from "./_artifact_store.ts";
import { validateOrganizations } from "./_entities.ts";
import { seededRandom, validateHistory } from "./_history.ts";
import { BadRequestError, createRootValue } from "./_resolvers.ts";
import { FilterError } from "./filters.ts";
import { wandbSchema } from "./schema.ts";

/**
 * A run as the fake stores it; the server wraps and serializes it the way W&B does.
 *
 * Every field W&B's schema lets be null can be `null` here, and is then served as `null`: `displayName`,
 * `state`, `tags`, `config`, `summaryMetrics`, `description` and `commit` (an absent optional field keeps its
 * default instead). `nullNode` serves the whole run as a null edge node.
 */
export interface FakeRun {
  /** The run id (8 lowercase characters in W&B), e.g. `e6lo523p`. */
  name: string;
  /** The human name, e.g. `dashing-leaf-4`; `null` is served as a null `displayName`. */
  displayName: string | null;
  /** Lower-case W&B state: `running`, `finished`, `failed`, `crashed`, `killed`, ...; `null` is served as null. */
  state: string | null;
  /** The run's tags; none (`[]`) when absent, a null list when `null`. */
  tags?: string[] | null;
  /** Plain config values; served wrapped as `{"k": {"value": v}}` plus `_wandb`; `null` is served as null. */
  config?: Record<string, unknown> | null;
  /** Serve config as older SDKs wrote it: `{"k": {"desc": null, "value": v}}`. */
  legacyConfigFormat?: boolean;
  /**
   * Summary values, nested objects allowed; NaN and infinities are served as strings. `"{}"` when absent,
   * null when `null`.
   */
  summaryMetrics?: Record<string, unknown> | null;
  /** System metrics; served as `"{}"` when absent. */
  systemMetrics?: Record<string, unknown>;
  /** The run's description. */
  description?: string | null;
  /** The run's notes. */
  notes?: string | null;
  /** The run's group. */
  group?: string | null;
  /** The run's job type. */
  jobType?: string | null;
  /** The sweep id the run belongs to (matched by the `sweep` filter). */
  sweepName?: string | null;
  /** The git commit the SDK recorded. */
  commit?: string | null;
  /** ISO-8601 creation time; without an offset it means UTC. */
  createdAt: string;
  /** ISO-8601 time of the last heartbeat; `createdAt` when absent. */
  heartbeatAt?: string;
  /** The user who logged the run; a fixed fake user when absent. */
  user?: { name: string; username: string };
  /**
   * Serve the run as W&B's schema allows for a run it cannot resolve: in `Project.runs` its edge keeps its
   * place and cursor but has `node: null`, and `Project.run(name:)` answers null. Filters still see the run.
   */
  nullNode?: boolean;
  /**
   * The metric history as logged, oldest first: one row per step, each with a non-negative integer `_step`
   * (strictly rising), values as logged (`NaN` and infinities allowed; served as W&B's strings). Served by
   * `Run.sampledHistory`, `Run.historyKeys` and `Run.historyLineCount`. Absent: no history stored
   * (`sampledHistory` returns empty lists, `historyKeys` falls back to the summary's `_step`,
   * `historyLineCount` is null).
   */
  history?: Record<string, unknown>[];
  /**
   * The artifact versions the run used, in `Run.inputArtifacts` order. A reference to a registry (portfolio)
   * version serves the source artifact it links to, as W&B records the source as the input. (What the run
   * logged is not stored here: `Run.outputArtifacts` lists the sequence versions whose `createdBy` is the run.)
   */
  usedArtifacts?: FakeArtifactUse[];
}

/** Where an artifact version lives: a collection of a project and the version index in it (`vN`). */
export interface FakeArtifactRef {
  /** The entity owning the project. */
  entity: string;
  /** The project holding the collection. */
  project: string;
  /** The collection (artifact sequence or portfolio) name, e.g. `issues-train`. */
  collection: string;
  /** The version index in that collection: `2` for `v2`. */
  version: number;
}

/** An artifact version a run used: one edge of `Run.inputArtifacts`. */
export interface FakeArtifactUse extends FakeArtifactRef {
  /** `InputArtifactEdge.usedAs`: the names the run used it as; `[]` when absent. */
  usedAs?: string[];
  /** Serve this edge with `node: null`, as W&B's schema allows (the edge keeps its place and cursor). */
  nullNode?: boolean;
}

/**
 * Who created an artifact version (`Artifact.createdBy`): a run of the same project by its run id, a user by
 * username, or nobody known (`null`).
 */
export type FakeInitiator = { run: string } | { user: string } | null;

/** One version of an artifact sequence: an artifact as logged. */
export interface FakeArtifactVersion {
  /** The checksum of the contents (`Artifact.digest`). */
  digest: string;
  /** Aliases in this sequence, e.g. `["latest"]`; none when absent. `latest` is not added for you. */
  aliases?: string[];
  /** ISO-8601 creation time. */
  createdAt: string;
  /** ISO-8601 update time; null when absent. */
  updatedAt?: string | null;
  /** The run (in this project) or user that created it, or `null`. */
  createdBy: FakeInitiator;
  /** `COMMITTED` when absent; a `PENDING` version has a null `versionIndex`; `DELETED` ones are not found by name. */
  state?: "PENDING" | "COMMITTED" | "DELETED";
  /** `Artifact.description`; null when absent. */
  description?: string | null;
  /** `Artifact.metadata`, served as JSON text; null when absent. */
  metadata?: Record<string, unknown> | null;
  /** `Artifact.commitHash`; null when absent. */
  commitHash?: string | null;
  /** `Artifact.historyStep`; null when absent. */
  historyStep?: number | null;
  /** `Artifact.size` in bytes; 0 when absent. */
  size?: number;
  /** `Artifact.fileCount`; 0 when absent. */
  fileCount?: number;
}

/** One version of a portfolio (a registry collection): a link to a version of an artifact sequence. */
export interface FakeArtifactLink {
  /** The linked sequence version (never a portfolio's), in any project. */
  source: FakeArtifactRef;
  /** Aliases in this portfolio, e.g. `["production"]`; none when absent. */
  aliases?: string[];
}

/** An artifact sequence: the versions logged under one name (`ArtifactSequence`). */
export interface FakeArtifactSequence {
  /** A sequence. */
  kind: "sequence";
  /** The collection name (letters, digits, `-`, `_`, `.`), unique in its project. */
  name: string;
  /** The artifact type, e.g. `dataset`, `model`. */
  type: string;
  /** The versions; the position is the version index (`v0` first). */
  versions: FakeArtifactVersion[];
}

/** A portfolio: a link collection, as W&B Registry collections are (`ArtifactPortfolio`). */
export interface FakeArtifactPortfolio {
  /** A portfolio. */
  kind: "portfolio";
  /** The collection name (letters, digits, `-`, `_`, `.`), unique in its project. */
  name: string;
  /** The artifact type; every linked version must have it. */
  type: string;
  /** The links; the position is the version index in the portfolio. */
  versions: FakeArtifactLink[];
}

/** An artifact collection of a project. */
export type FakeArtifactCollection =
  | FakeArtifactSequence
  | FakeArtifactPortfolio;

/** A W&B project: `entity/name`, its runs in creation order, and its artifact collections. */
export interface FakeProject {
  /** The entity (user or team) owning the project; an organisation's org entity for a registry. */
  entity: string;
  /**
   * The project name. A W&B Registry is a project named `wandb-registry-<registry>` owned by an org entity
   * (see {@link FakeOrganization}); the fake refuses one owned by any other entity.
   */
  name: string;
  /** The runs; their order breaks ties when sorting. */
  runs: FakeRun[];
  /** The artifact collections; none when absent. */
  artifactCollections?: FakeArtifactCollection[];
  /**
   * The API key cannot read this project: `Query.project` answers null, its runs are null as
   * `Artifact.createdBy` (unconfirmed in W&B; the fake chooses null), its projects are null as
   * `ArtifactSequence.project`, and its runs are left out of `Artifact.usedBy`. Its artifacts stay
   * readable through registry links, as W&B Registry access allows.
   */
  hiddenFromKey?: boolean;
}

/**
 * A W&B organisation, for `Query.entity`: its display name, its org entity (owning its registries), its team
 * entities and the personal entities of its members.
 */
export interface FakeOrganization {
  /** The display name, e.g. `GitHub`. */
  name: string;
  /** The org entity's name, e.g. `github-org`: owner of the `wandb-registry-*` projects. */
  orgEntity: string;
  /** Team entities in the organisation: their `Entity.organization` is this organisation. */
  teamEntities: string[];
  /** Members' personal entities: their `Entity.user.organizations` list this organisation. */
  userEntities?: string[];
}

/** A way to answer one request wrongly, queued with {@link FakeWandb.failNext}. */
export type FakeFault =
  /** Answer with this HTTP status (body defaults to a JSON `errors` list). */
  | {
    kind: "status";
    status: number;
    body?: string;
    contentType?: string;
    retryAfter?: string;
  }
  /** Answer with a GraphQL `errors` list (HTTP 200 unless given), and `data` when given. */
  | {
    kind: "graphqlErrors";
    status?: number;
    errors: { message: string; extensions?: Record<string, unknown> }[];
    data?: unknown;
  }
  /** Answer with this body as it is (HTML from a proxy, truncated JSON, ...); HTTP 200 unless given. */
  | { kind: "rawBody"; status?: number; body: string; contentType?: string }
  /** Wait this long, then answer normally. */
  | { kind: "delay"; ms: number }
  /** Edit the normal JSON answer. */
  // deno-lint-ignore no-explicit-any
  | { kind: "transform"; transform: (body: any) => unknown }
  /** Never answer; `close()` then sends headers and drops the connection. */
  | { kind: "hang" }
  /** Send the headers and half of the normal body, then drop the connection. */
  | { kind: "closeMidBody" }
  /**
   * Answer with a GraphQL error whose message repeats the request, as careless servers and proxies do: its
   * method, URL, every header (`Authorization` too) and its body. HTTP 400 unless given; `retryAfter` as for
   * `status`.
   */
  | { kind: "echoRequest"; status?: number; retryAfter?: string };

/** One request the fake received, and how it answered. */
export interface RecordedRequest {
  /** The GraphQL document (empty when the body had none). */
  query: string;
  /** The request's variables (`{}` when absent). */
  variables: Record<string, unknown>;
  /** The `operationName` member as sent (the Go SDK sends `""`). */
  operationName?: unknown;
  /** Whether the request carried a valid API key. */
  authorized: boolean;
  /** The HTTP status answered; 0 while unanswered or when never answered (`hang`). */
  status: number;
  /** The number of body bytes sent. */
  responseBytes: number;
  /** The request headers, names lower-cased. */
  headers: Record<string, string>;
}

/** How to start the fake. */
export interface FakeWandbOptions {
  /** The projects to serve; kept live as {@link FakeWandb.projects}. */
  projects: FakeProject[];
  /** The API keys that authenticate (as the password of Basic auth with user `api`). */
  apiKeys: string[];
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Delay every answer by this many milliseconds. */
  latencyMs?: number;
  /**
   * The most runs one `Project.runs` page serves, whatever `first` asks (as a server may cap pages); the
   * page then ends early, with `hasNextPage` and `endCursor` telling the client where to go on. No cap when
   * absent.
   */
  maxPageSize?: number;
  /** Called as each request arrives, before it is answered, e.g. to insert runs mid-paging. */
  onRequest?: (requestIndex: number, fake: FakeWandb) => void;
  /**
   * The organisations `Query.entity` knows; kept live as {@link FakeWandb.organizations}. None when absent
   * (then every entity owning a project is a team entity of no organisation).
   */
  organizations?: FakeOrganization[];
  /**
   * Seeds the random source that picks and shuffles `sampledHistory` rows, so a test gets the same rows for
   * the same requests. Absent: a random seed, so answers differ from server to server as W&B's do.
   */
  historySeed?: number;
}

/** A running fake W&B server. */
export interface FakeWandb {
  /** The base URL without a trailing slash, e.g. `http://127.0.0.1:1234`; the API is at `${url}/graphql`. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** The projects served; edit them (or replace the list) between or during requests. */
  projects: FakeProject[];
  /** The organisations `Query.entity` knows; edit them (or replace the list) between requests. */
  organizations: FakeOrganization[];
  /** Queues faults: each incoming request consumes one, before auth is checked. */
  failNext(...faults: FakeFault[]): void;
  /** Stops the server, releasing hanging and delayed requests. */
  close(): Promise<void>;
}

/** The error body W&B answers a missing or invalid API key with (HTTP 401). */
const PERMISSION_DENIED = {
  errors: [{
    message: "permission denied",
    extensions: { code: "PERMISSION_ERROR" },
  }],
};

const JSON_TYPE = "application/json";

/** An answer before it is sent. */
interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** A parsed request body. */
interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
  operationName?: unknown;
}

/**
 * Starts a fake W&B GraphQL server on 127.0.0.1.
 *
 * @param options The projects, accepted API keys and port.
 * @returns The running fake; `close()` it when done.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startFakeWandb } from "./server.ts";
 *
 * const apiKey = "k".repeat(40);
 * const fake = startFakeWandb({
 *   projects: [{ entity: "me", name: "demo", runs: [] }],
 *   apiKeys: [apiKey],
 * });
 * const response = await fetch(`${fake.url}/graphql`, {
 *   method: "POST",
 *   headers: { authorization: `Basic ${btoa(`api:${apiKey}`)}` },
 *   body: JSON.stringify({ query: "{ viewer { entity } }" }),
 * });
 * assert.deepEqual(await response.json(), { data: { viewer: { entity: "me" } } });
 * await fake.close();
 * ```
 */
export function startFakeWandb(options: FakeWandbOptions): FakeWandb {
  validateFakeData(options.projects, options.organizations ?? []);
  const faults: FakeFault[] = [];
  const closing = new AbortController();
  const rootValue = createRootValue(() => fake.projects, {
    maxPageSize: options.maxPageSize,
    organizations: () => fake.organizations,
    random: seededRandom(
      options.historySeed ?? crypto.getRandomValues(new Uint32Array(1))[0],
    ),
  });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, onListen() {} },
    (request) => handle(request),
  );
  let closed: Promise<void> | undefined;
  const fake: FakeWandb = {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests: [],
    projects: options.projects,
    organizations: options.organizations ?? [],
    failNext: (...next) => void faults.push(...next),
    close() {
      closing.abort();
      closed ??= server.shutdown();
      return closed;
    },
  };

  async function handle(request: Request): Promise<Response> {
    const bodyText = await request.text().catch(() => "");
    const body = parseRequestBody(bodyText);
    const record: RecordedRequest = {
      query: typeof body === "string" ? "" : body.query,
      variables: typeof body === "string" ? {} : body.variables,
      authorized: isAuthorized(
        request.headers.get("authorization"),
        options.apiKeys,
      ),
      status: 0,
      responseBytes: 0,
      headers: Object.fromEntries(request.headers),
    };
    if (typeof body !== "string" && body.operationName !== undefined) {
      record.operationName = body.operationName;
    }
    fake.requests.push(record);
    options.onRequest?.(fake.requests.length - 1, fake);

    // request.signal is left alone: touching it makes Deno warn on every later response.
    const fault = faults.shift();
    if (options.latencyMs) {
      await waitUntilAborted(closing.signal, options.latencyMs);
    }
    if (fault?.kind === "delay") {
      await waitUntilAborted(closing.signal, fault.ms);
    }
    if (fault?.kind === "hang") {
      await waitUntilAborted(closing.signal);
      return dropConnection(record, new Uint8Array());
    }
    const answer =
      (fault?.kind === "echoRequest"
        ? echoRequest(fault, request, bodyText)
        : answerFault(fault)) ??
        await answerNormally(request, body, record.authorized);
    if (fault?.kind === "transform") {
      answer.body = JSON.stringify(fault.transform(JSON.parse(answer.body)));
    }
    const bytes = new TextEncoder().encode(answer.body);
    record.status = answer.status;
    if (fault?.kind === "closeMidBody") return dropConnection(record, bytes);
    record.responseBytes = bytes.length;
    return new Response(bytes, {
      status: answer.status,
      headers: { "content-type": JSON_TYPE, ...answer.headers },
    });
  }

  async function answerNormally(
    request: Request,
    body: GraphQLRequest | string,
    authorized: boolean,
  ): Promise<Answer> {
    if (new URL(request.url).pathname !== "/graphql") {
      return errorAnswer(404, "not found");
    }
    if (request.method !== "POST") {
      return errorAnswer(405, "method not allowed");
    }
    if (!authorized) {
      return { status: 401, body: JSON.stringify(PERMISSION_DENIED) };
    }
    if (typeof body === "string") return errorAnswer(400, body);
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return {
        status: 400,
        body: JSON.stringify({ errors: [(error as GraphQLError).toJSON()] }),
      };
    }
    const invalid = validate(wandbSchema, document);
    if (invalid.length > 0) {
      return {
        status: 400,
        body: JSON.stringify({ errors: invalid.map((e) => e.toJSON()) }),
      };
    }
    const result = await execute({
      schema: wandbSchema,
      document,
      rootValue,
      variableValues: body.variables,
      operationName:
        typeof body.operationName === "string" && body.operationName !== ""
          ? body.operationName
          : undefined,
    });
    if (result.errors === undefined) {
      return { status: 200, body: JSON.stringify(result) };
    }
    if (result.data === undefined) {
      return { status: 400, body: JSON.stringify(result) };
    }
    const refused = result.errors.find(({ originalError }) =>
      originalError instanceof FilterError ||
      originalError instanceof BadRequestError
    );
    if (refused === undefined) {
      return { status: 500, body: JSON.stringify(result) };
    }
    const { message, path } = refused;
    return {
      status: (refused.originalError as FilterError).status,
      body: JSON.stringify({ errors: [{ message, path }] }),
    };
  }

  return fake;
}

/**
 * Checks data for the fake: each run's history, every artifact reference (runs' used artifacts, registry
 * links), creators' shape, collection and alias names, registry owners and the organisations. `startFakeWandb`
 * calls it; data edited later, and whether a creator run exists (tests drop demo runs they do not need), are
 * checked as far as each answer reads them: a dangling reference then answers HTTP 500 naming it.
 *
 * @param projects The projects to serve.
 * @param organizations The organisations to serve.
 * @throws {Error} At the first inconsistency, naming it (a bug in test data).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateFakeData } from "./server.ts";
 *
 * const run = {
 *   name: "a1b2c3d4", displayName: "r", state: "finished", createdAt: "2026-01-01T00:00:00",
 *   usedArtifacts: [{ entity: "me", project: "p", collection: "data", version: 0 }],
 * };
 * assert.throws(
 *   () => validateFakeData([{ entity: "me", name: "p", runs: [run] }], []),
 *   /refers to me\/p\/data:v0, but no such collection exists/,
 * );
 * ```
 */
export function validateFakeData(
  projects: readonly FakeProject[],
  organizations: readonly FakeOrganization[],
): void {
  validateOrganizations(organizations);
  for (const project of projects) {
    for (const run of project.runs) {
      if (run.history !== undefined) {
        validateHistory(
          run.history,
          `run ${project.entity}/${project.name}/${run.name}`,
        );
      }
    }
  }
  validateArtifacts(
    projects,
    new Set(organizations.map((organization) => organization.orgEntity)),
  );
}

/** The answer a fault dictates, or `undefined` when the fault (if any) leaves the answer to the server. */
function answerFault(fault: FakeFault | undefined): Answer | undefined {
  switch (fault?.kind) {
    case "status": {
      const headers: Record<string, string> = {
        "content-type": fault.contentType ?? JSON_TYPE,
      };
      if (fault.retryAfter !== undefined) {
        headers["retry-after"] = fault.retryAfter;
      }
      const body = fault.body ??
        JSON.stringify({
          errors: [{ message: `fake W&B answered HTTP ${fault.status}` }],
        });
      return { status: fault.status, body, headers };
    }
    case "graphqlErrors": {
      const body = fault.data === undefined
        ? { errors: fault.errors }
        : { errors: fault.errors, data: fault.data };
      return { status: fault.status ?? 200, body: JSON.stringify(body) };
    }
    case "rawBody":
      return {
        status: fault.status ?? 200,
        body: fault.body,
        headers: { "content-type": fault.contentType ?? JSON_TYPE },
      };
  }
  return undefined;
}

/** The answer of an `echoRequest` fault: the request, headers and body included, as an error message. */
function echoRequest(
  fault: { status?: number; retryAfter?: string },
  request: Request,
  bodyText: string,
): Answer {
  const message = `cannot process ${request.method} ${request.url}: headers ${
    JSON.stringify(Object.fromEntries(request.headers))
  }, body ${bodyText}`;
  return {
    status: fault.status ?? 400,
    body: JSON.stringify({ errors: [{ message }] }),
    headers: fault.retryAfter === undefined
      ? undefined
      : { "retry-after": fault.retryAfter },
  };
}

function errorAnswer(status: number, message: string): Answer {
  return { status, body: JSON.stringify({ errors: [{ message }] }) };
}

/** Parses a GraphQL POST body; a string is the reason it is unusable. */
function parseRequestBody(text: string): GraphQLRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return `Cannot parse request body: ${(error as Error).message}`;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return "Cannot parse request body: expected a JSON object";
  }
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== "string") {
    return "Cannot parse request body: query must be a string";
  }
  if (
    variables !== undefined && variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  ) {
    return "Cannot parse request body: variables must be an object";
  }
  return {
    query,
    variables: (variables ?? {}) as Record<string, unknown>,
    operationName,
  };
}

/** Whether an `Authorization` header is HTTP Basic `api:<key>` with a known key. */
function isAuthorized(header: string | null, apiKeys: string[]): boolean {
  const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? "");
  if (match === null) return false;
  const credentials = Buffer.from(match[1], "base64").toString("utf8");
  const separator = credentials.indexOf(":");
  return separator >= 0 && credentials.slice(0, separator) === "api" &&
    apiKeys.includes(credentials.slice(separator + 1));
}

/** Sends the status line, the headers and the first half of `bytes` (announcing all of it), then drops the connection. */
function dropConnection(record: RecordedRequest, bytes: Uint8Array): Response {
  const part = bytes.subarray(0, bytes.length >> 1);
  record.responseBytes = part.length;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (part.length > 0) controller.enqueue(part);
      controller.close();
    },
  });
  return new Response(stream, {
    status: record.status || 200,
    headers: {
      "content-type": JSON_TYPE,
      "content-length": String(Math.max(bytes.length, 1)),
    },
  });
}

/** Waits `ms` milliseconds (forever when absent), or until `signal` aborts, whichever is first. */
function waitUntilAborted(signal: AbortSignal, ms?: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = ms === undefined ? undefined : setTimeout(done, ms);
    if (signal.aborted) return done();
    signal.addEventListener("abort", done);
  });
}
