/**
 * The resolvers of W&B's artifact types: `Artifact`, its collections and aliases, collection memberships, and
 * the `Run.inputArtifacts` / `Run.outputArtifacts` / `Artifact.usedBy` connections.
 *
 * @module
 */

import {
  aliasesOf,
  artifactIdOf,
  artifactPath,
  loggedArtifactsOf,
  resolveArtifact,
  runsUsing,
  type StoredArtifact,
  type StoredMembership,
} from "./_artifact_store.ts";
import { encodeBase64, pageOf } from "./_paging.ts";
import type { FakeArtifactCollection, FakeProject, FakeRun } from "./server.ts";

/** What the artifact resolvers need from the rest of the schema. */
export interface ArtifactContext {
  /** The stored projects, hidden ones included. */
  projects: readonly FakeProject[];
  /** The most items one page serves; no cap when absent. */
  maxPageSize?: number;
  /** `Project` as served, or `null` for a project hidden from the key. */
  project(project: FakeProject): object | null;
  /** `Run` as served (with `__typename`), or `null` for a null node or a run the key cannot read. */
  run(run: FakeRun, project: FakeProject): object | null;
  /** `User` as served (with `__typename`). */
  user(username: string): object;
}

/** Arguments of the artifact connections. */
interface PageArgs {
  after?: string | null;
  first?: number | null;
}

/**
 * Serves an artifact as W&B does: type, sequence, version index in the sequence, aliases in every collection
 * holding it, creator, and the runs that used it.
 *
 * @param context The rest of the schema.
 * @param artifact The stored artifact.
 * @returns The GraphQL `Artifact` source object.
 */
export function presentArtifact(
  context: ArtifactContext,
  artifact: StoredArtifact,
) {
  const { version, sequence, project } = artifact;
  const state = version.state ?? "COMMITTED";
  return {
    id: artifactIdOf(artifact),
    digest: version.digest,
    // W&B numbers a version when it is committed.
    versionIndex: state === "PENDING" ? null : artifact.index,
    state,
    createdAt: version.createdAt,
    updatedAt: version.updatedAt ?? null,
    artifactType: { name: sequence.type },
    artifactSequence: presentCollection(context, project, sequence),
    aliases: () =>
      aliasesOf(context.projects, artifact).flatMap((held) =>
        held.aliases.map((alias) => ({
          alias,
          artifactCollection: presentCollection(
            context,
            held.project,
            held.collection,
          ),
        }))
      ),
    description: version.description ?? null,
    metadata: version.metadata === undefined || version.metadata === null
      ? null
      : JSON.stringify(version.metadata),
    commitHash: version.commitHash ?? null,
    historyStep: version.historyStep ?? null,
    size: version.size ?? 0,
    fileCount: version.fileCount ?? 0,
    createdBy: () => createdBy(context, artifact),
    usedBy: ({ after, first }: PageArgs) => {
      const page = pageOf(runsUsing(context.projects, artifact), {
        after,
        first,
        maxPageSize: context.maxPageSize,
        what: "usedBy",
      });
      return {
        edges: page.items.map(({ item, cursor }) => ({
          node: context.run(item.run, item.project),
          cursor,
        })),
        pageInfo: {
          endCursor: page.endCursor,
          hasNextPage: page.hasNextPage,
        },
      };
    },
  };
}

/**
 * The creator of an artifact: its run (served in its own project), its user, or `null` when unknown or when
 * the run's project is hidden from the key (unconfirmed in W&B; the fake chooses null).
 */
function createdBy(context: ArtifactContext, artifact: StoredArtifact) {
  const creator = artifact.version.createdBy;
  if (creator === null) return null;
  if ("user" in creator) return context.user(creator.user);
  const run = artifact.project.runs.find((candidate) =>
    candidate.name === creator.run
  );
  if (run === undefined) {
    throw new Error(
      `Invalid fake W&B data: ${
        artifactPath(artifact)
      } was created by run "${creator.run}", which is not in its project`,
    );
  }
  return context.run(run, artifact.project);
}

/**
 * Serves a collection: an `ArtifactSequence` or an `ArtifactPortfolio` (`__typename` tells which), its
 * project null when hidden from the key.
 *
 * @param context The rest of the schema.
 * @param project The project holding the collection.
 * @param collection The stored collection.
 * @returns The GraphQL `ArtifactCollection` source object.
 */
export function presentCollection(
  context: ArtifactContext,
  project: FakeProject,
  collection: FakeArtifactCollection,
) {
  return {
    __typename: collection.kind === "sequence"
      ? "ArtifactSequence"
      : "ArtifactPortfolio",
    id: encodeBase64(
      `ArtifactCollection:${project.entity}/${project.name}/${collection.name}`,
    ),
    name: collection.name,
    project: () => context.project(project),
  };
}

/**
 * Serves a membership: version index and aliases in the collection named, and the artifact as logged in its
 * source project (for a registry link, the linked source version).
 *
 * @param context The rest of the schema.
 * @param membership The membership found.
 * @returns The GraphQL `ArtifactCollectionMembership` source object.
 */
export function presentMembership(
  context: ArtifactContext,
  membership: StoredMembership,
) {
  const { project, collection, index } = membership;
  const artifactCollection = presentCollection(context, project, collection);
  return {
    id: encodeBase64(
      `ArtifactCollectionMembership:${project.entity}/${project.name}/${collection.name}:v${index}`,
    ),
    versionIndex: index,
    aliases: membership.aliases.map((alias) => ({
      alias,
      artifactCollection,
    })),
    artifactCollection,
    artifact: () => presentArtifact(context, membership.artifact),
  };
}

/**
 * `Run.inputArtifacts`: the artifacts the run used, in stored order, one page.
 *
 * @param context The rest of the schema.
 * @param owner The run and its project.
 * @param args `after` and `first`.
 * @returns The GraphQL `InputArtifactConnection` source object.
 */
export function inputArtifactsOf(
  context: ArtifactContext,
  owner: { run: FakeRun; project: FakeProject },
  args: PageArgs,
) {
  const where =
    `run ${owner.project.entity}/${owner.project.name}/${owner.run.name}`;
  const uses = owner.run.usedArtifacts ?? [];
  const page = pageOf(uses, {
    ...args,
    maxPageSize: context.maxPageSize,
    what: "inputArtifacts",
  });
  return {
    totalCount: uses.length,
    edges: page.items.map(({ item, cursor }) => ({
      node: item.nullNode ? null : presentArtifact(
        context,
        resolveArtifact(context.projects, item, where),
      ),
      usedAs: item.usedAs ?? [],
      cursor,
    })),
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}

/**
 * `Run.outputArtifacts`: the sequence versions the run logged (created), oldest first, one page.
 *
 * @param context The rest of the schema.
 * @param owner The run and its project.
 * @param args `after` and `first`.
 * @returns The GraphQL `ArtifactConnection` source object.
 */
export function outputArtifactsOf(
  context: ArtifactContext,
  owner: { run: FakeRun; project: FakeProject },
  args: PageArgs,
) {
  const logged = loggedArtifactsOf(owner.project, owner.run);
  const page = pageOf(logged, {
    ...args,
    maxPageSize: context.maxPageSize,
    what: "outputArtifacts",
  });
  return {
    totalCount: logged.length,
    edges: page.items.map(({ item, cursor }) => ({
      node: presentArtifact(context, item),
      cursor,
    })),
    pageInfo: { endCursor: page.endCursor, hasNextPage: page.hasNextPage },
  };
}
