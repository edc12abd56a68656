/**
 * Resolves artifact paths such as `mnist-test:latest` or
 * `wandb-registry-model/issue-labeler:production` to the version their alias
 * points to now, and to the run that logged that version, in one request.
 *
 * Each path is an aliased `project(...) { artifactCollectionMembership(name:) }`
 * in one document. `membership.artifact` is the source artifact: for a
 * registry link, the version as logged in its source project, whose
 * `createdBy` is the run that logged it. A registry path without an entity
 * belongs to the organisation of the review's entity, which costs one request
 * more (W&B's `entity { organization { orgEntity } }`); writing the org entity
 * in the path saves it.
 *
 * @module
 */

import { z } from "zod";
import { quoteForMessage } from "../_message.ts";
import { WandbError } from "../errors.ts";
import {
  ARTIFACT_FIELDS,
  artifactNodeSchema,
  type ArtifactVersion,
} from "./artifact.ts";
import {
  type ArtifactPath,
  formatArtifactPath,
  isRegistryProject,
} from "./artifact_path.ts";
import { postGraphql, type WandbConnection } from "./graphql_transport.ts";
import type { RunLocation } from "./run_url.ts";

/** A path W&B resolved. */
export interface FoundArtifact {
  /** Whether the alias resolved. */
  found: true;
  /** The path as asked. */
  path: ArtifactPath;
  /** The source version the alias points to now. */
  version: ArtifactVersion;
  /** The run that logged it; `null` when a user logged it or the key cannot read the run. */
  producer: RunLocation | null;
}

/** A path W&B could not resolve, and why, in one line. */
export interface MissingArtifact {
  /** Whether the alias resolved. */
  found: false;
  /** The path as asked. */
  path: ArtifactPath;
  /** Why, naming the path, e.g. `W&B has no project "acme/data" that this API key can see (asked for data/mnist:latest)`. */
  reason: string;
}

/** How {@linkcode lookUpArtifacts} fills in what a path leaves out. */
export interface ArtifactLookupOptions extends WandbConnection {
  /** The entity of a path without one (the review's entity). */
  entity: string;
  /** The project of a path without one (the review's project). */
  project: string;
}

/** The answers, one per path in order, and the requests made. */
export interface ArtifactLookups {
  /** One per path, in order. */
  results: (FoundArtifact | MissingArtifact)[];
  /** How many GraphQL requests were made (retries not counted). */
  requests: number;
}

const membershipSchema = z.object({
  artifactCollectionMembership: z.object({
    artifact: z.unknown(),
  }).nullable(),
}).nullable();

const producerSchema = z.object({
  createdBy: z.object({
    __typename: z.string(),
    name: z.string().min(1).optional(),
    project: z.object({
      name: z.string().min(1),
      entity: z.object({ name: z.string().min(1) }),
    }).nullable().optional(),
  }).nullable().optional(),
});

const organizationSchema = z.object({
  entity: z.object({
    organization: z.object({
      orgEntity: z.object({ name: z.string().min(1) }).nullable(),
    }).nullable(),
    user: z.object({
      organizations: z.array(z.object({
        orgEntity: z.object({ name: z.string().min(1) }).nullable(),
      })),
    }).nullable(),
  }).nullable(),
});

/**
 * Resolves each path's alias to the version it points to now and the run
 * that logged it: one request for all paths, plus one when a registry path
 * leaves out its organisation. Nothing is requested for an empty list.
 *
 * @example The run behind `production` (a stub of W&B's API)
 * ```ts
 * import { lookUpArtifacts } from "./artifact_lookup.ts";
 * import assert from "node:assert/strict";
 *
 * const fetch = () => Promise.resolve(Response.json({ data: { a0: { artifactCollectionMembership: {
 *   artifact: {
 *     digest: "9d4f01", versionIndex: 0, artifactType: { name: "model" },
 *     artifactSequence: { name: "model-j5x2m8cw" },
 *     createdBy: { __typename: "Run", name: "j5x2m8cw",
 *       project: { name: "predict-issue-labels", entity: { name: "github" } } },
 *   },
 * } } } }));
 * const { results, requests } = await lookUpArtifacts(
 *   [{ entity: "github-org", project: "wandb-registry-model", collection: "issue-labeler", alias: "production" }],
 *   { baseUrl: "https://api.wandb.ai", apiKey: "your-w-and-b-api-key", fetch,
 *     entity: "github", project: "predict-issue-labels" },
 * );
 * assert.equal(requests, 1);
 * assert.ok(results[0].found);
 * assert.deepEqual(results[0].producer, { entity: "github", project: "predict-issue-labels", runId: "j5x2m8cw" });
 * ```
 *
 * @param paths The paths to resolve.
 * @param options The connection, and the entity and project of paths without them.
 * @returns One answer per path, and the requests made.
 * @throws {WandbError} when W&B fails or answers malformed data.
 */
export async function lookUpArtifacts(
  paths: readonly ArtifactPath[],
  options: ArtifactLookupOptions,
): Promise<ArtifactLookups> {
  if (paths.length === 0) return { results: [], requests: 0 };
  let requests = 0;
  let orgEntity: string | MissingOrg | undefined;
  if (paths.some((path) => needsOrganization(path))) {
    orgEntity = await organizationOf(options.entity, options);
    requests++;
  }
  const located = paths.map((path) => locate(path, options, orgEntity));
  const asked = located.flatMap((where, index) =>
    typeof where === "string" ? [] : [{ index, ...where }]
  );
  let data: unknown = null;
  if (asked.length > 0) {
    data = await askMemberships(asked, options);
    requests++;
  }
  const results = located.map((where, index) =>
    typeof where === "string"
      ? { found: false as const, path: paths[index], reason: where }
      : readLookup(
        (data as Record<string, unknown> | null)?.[`a${index}`],
        paths[index],
        where,
      )
  );
  return { results, requests };
}

/** One request for every path that can be asked: an aliased membership per path, `a<index>`. */
function askMemberships(
  asked: readonly {
    index: number;
    entity: string;
    project: string;
    collection: string;
    alias: string;
  }[],
  connection: WandbConnection,
): Promise<unknown> {
  const declarations = asked.flatMap(({ index }) => [
    `$e${index}: String!`,
    `$p${index}: String!`,
    `$n${index}: String!`,
  ]);
  const selections = asked.map(({ index }) =>
    `  a${index}: project(name: $p${index}, entityName: $e${index}) {
    artifactCollectionMembership(name: $n${index}) {
      artifact { ${ARTIFACT_FIELDS} createdBy { __typename ... on Run { name project { name entity { name } } } } }
    }
  }`
  );
  const variables = Object.fromEntries(asked.flatMap((where) => [
    [`e${where.index}`, where.entity],
    [`p${where.index}`, where.project],
    [`n${where.index}`, `${where.collection}:${where.alias}`],
  ]));
  return postGraphql({
    query: `query ArtifactVersions(${declarations.join(", ")}) {\n${
      selections.join("\n")
    }\n}`,
    variables,
  }, connection);
}

/** Why no organisation could be found for a registry path without one (what W&B names, not yet the path). */
type MissingOrg = { missing: string };

function needsOrganization(path: ArtifactPath): boolean {
  return path.entity === undefined && path.project !== undefined &&
    isRegistryProject(path.project);
}

/** The entity and project a path lives in, or why it cannot be asked. */
function locate(
  path: ArtifactPath,
  options: ArtifactLookupOptions,
  orgEntity: string | MissingOrg | undefined,
):
  | { entity: string; project: string; collection: string; alias: string }
  | string {
  const project = path.project ?? options.project;
  let entity = path.entity ?? options.entity;
  if (needsOrganization(path)) {
    if (typeof orgEntity !== "string") {
      const text = formatArtifactPath(path);
      return `${
        orgEntity!.missing
      }, so ${text} needs its organization first, e.g. my-org/${text}`;
    }
    entity = orgEntity;
  }
  return { entity, project, collection: path.collection, alias: path.alias };
}

/** The org entity of `entity`'s organisation, as W&B's SDK finds it, or why there is none. */
async function organizationOf(
  entity: string,
  connection: WandbConnection,
): Promise<string | MissingOrg> {
  const data = await postGraphql({
    query: `query OrgOf($entity: String!) {
  entity(name: $entity) { organization { orgEntity { name } } user { organizations { orgEntity { name } } } }
}`,
    variables: { entity },
  }, connection);
  const parsed = organizationSchema.safeParse(data);
  if (!parsed.success) {
    throw new WandbError(
      `W&B answered malformed data about the organization of entity ${
        quoteForMessage(entity)
      }: ${parsed.error.issues[0].message} at ${
        ["data", ...parsed.error.issues[0].path].join(".")
      }`,
    );
  }
  const found = parsed.data.entity;
  const team = found?.organization?.orgEntity?.name;
  if (team !== undefined) return team;
  const personal = found?.user?.organizations ?? [];
  const names = personal.flatMap((org) =>
    org.orgEntity === null ? [] : [org.orgEntity.name]
  );
  if (names.length === 1) return names[0];
  return {
    missing: `W&B names ${
      names.length === 0 ? "no organization" : `${names.length} organizations`
    } for entity ${quoteForMessage(entity)}`,
  };
}

function readLookup(
  answer: unknown,
  path: ArtifactPath,
  where: { entity: string; project: string },
): FoundArtifact | MissingArtifact {
  const text = formatArtifactPath(path);
  const parsed = membershipSchema.safeParse(answer ?? null);
  if (!parsed.success) malformed(text, parsed.error.issues[0]);
  if (parsed.data === null) {
    return {
      found: false,
      path,
      reason:
        `W&B has no project "${where.entity}/${where.project}" that this API key can see (asked for ${text})`,
    };
  }
  const membership = parsed.data.artifactCollectionMembership;
  if (membership === null || membership.artifact === null) {
    return {
      found: false,
      path,
      reason:
        `W&B has no version ${path.collection}:${path.alias} in "${where.entity}/${where.project}" (no such collection or alias)`,
    };
  }
  const version = artifactNodeSchema.safeParse(membership.artifact);
  if (!version.success) malformed(text, version.error.issues[0]);
  const creator = producerSchema.safeParse(membership.artifact);
  if (!creator.success) malformed(text, creator.error.issues[0]);
  const by = creator.data.createdBy;
  const producer = by?.__typename === "Run" && by.name !== undefined &&
      by.project
    ? {
      entity: by.project.entity.name,
      project: by.project.name,
      runId: by.name,
    }
    : null;
  return { found: true, path, version: version.data, producer };
}

function malformed(
  path: string,
  issue: { message: string; path: readonly PropertyKey[] },
): never {
  throw new WandbError(
    `W&B answered malformed data for artifact ${
      quoteForMessage(path)
    }: ${issue.message} at ${issue.path.join(".")}`,
  );
}
