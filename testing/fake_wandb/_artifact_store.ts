/**
 * Look-ups over the fake's stored artifacts: resolving a reference to the artifact version it names, the
 * aliases a version has in every collection holding it, what a run logged, which runs used a version, and a
 * collection membership by `"<collection>:<alias or vN>"`. Also checks the stored data, so that a dangling
 * reference fails loudly as the bug in test data it is.
 *
 * @module
 */

import { BadRequestError } from "./_errors.ts";
import { decodeBase64, encodeBase64 } from "./_paging.ts";
import type {
  FakeArtifactCollection,
  FakeArtifactPortfolio,
  FakeArtifactRef,
  FakeArtifactSequence,
  FakeArtifactVersion,
  FakeProject,
  FakeRun,
} from "./server.ts";

/** The prefix of W&B Registry project names. */
export const REGISTRY_PREFIX = "wandb-registry-";

/** An artifact as logged: a version of a sequence, with where it lives. */
export interface StoredArtifact {
  /** The project holding the sequence. */
  project: FakeProject;
  /** The sequence. */
  sequence: FakeArtifactSequence;
  /** The version index in the sequence. */
  index: number;
  /** The stored version. */
  version: FakeArtifactVersion;
}

/** A version of one collection (sequence or portfolio), as `artifactCollectionMembership` serves it. */
export interface StoredMembership {
  /** The project holding the collection. */
  project: FakeProject;
  /** The collection. */
  collection: FakeArtifactCollection;
  /** The version index in that collection. */
  index: number;
  /** The aliases in that collection. */
  aliases: string[];
  /** The artifact as logged (for a portfolio, the linked source version). */
  artifact: StoredArtifact;
}

/** A collection holding a version, and the version's aliases there. */
export interface AliasesIn {
  /** The project holding the collection. */
  project: FakeProject;
  /** The collection. */
  collection: FakeArtifactCollection;
  /** The version's aliases in it. */
  aliases: string[];
}

/**
 * The project `entity/name`, hidden or not.
 *
 * @param projects The stored projects.
 * @param ref The entity and project name.
 * @returns The project, or `undefined`.
 */
export function findProject(
  projects: readonly FakeProject[],
  ref: { entity: string; project: string },
): FakeProject | undefined {
  return projects.find((candidate) =>
    candidate.entity === ref.entity && candidate.name === ref.project
  );
}

/**
 * The artifact a reference names; a portfolio version resolves to the sequence version it links to.
 *
 * @param projects The stored projects.
 * @param ref The reference.
 * @param where Who holds the reference, for the error message.
 * @returns The artifact as logged.
 * @throws {Error} When the reference names nothing (a bug in test data).
 */
export function resolveArtifact(
  projects: readonly FakeProject[],
  ref: FakeArtifactRef,
  where: string,
): StoredArtifact {
  const found = findVersion(projects, ref, where);
  if (found.collection.kind === "sequence") {
    return {
      project: found.project,
      sequence: found.collection,
      index: ref.version,
      version: found.collection.versions[ref.version],
    };
  }
  const { source } = found.collection.versions[ref.version];
  const linked = findVersion(projects, source, `${where} via ${refName(ref)}`);
  if (linked.collection.kind !== "sequence") {
    throw new Error(
      `Invalid fake W&B data: ${refName(ref)} links to ${
        refName(source)
      }, a portfolio version; expected a sequence version`,
    );
  }
  return {
    project: linked.project,
    sequence: linked.collection,
    index: source.version,
    version: linked.collection.versions[source.version],
  };
}

function findVersion(
  projects: readonly FakeProject[],
  ref: FakeArtifactRef,
  where: string,
): { project: FakeProject; collection: FakeArtifactCollection } {
  const dangling = (reason: string) =>
    new Error(
      `Invalid fake W&B data: ${where} refers to ${
        refName(ref)
      }, but ${reason}`,
    );
  const project = findProject(projects, ref);
  if (project === undefined) throw dangling("no such project is stored");
  const collection = project.artifactCollections?.find((candidate) =>
    candidate.name === ref.collection
  );
  if (collection === undefined) throw dangling("no such collection exists");
  if (
    !Number.isInteger(ref.version) ||
    collection.versions[ref.version] === undefined
  ) {
    throw dangling(`the collection has ${collection.versions.length} versions`);
  }
  return { project, collection };
}

/**
 * Every collection holding an artifact and the artifact's aliases there: its own sequence first, then each
 * portfolio linking to it (registry links included), as `Artifact.aliases` lists them. Portfolios of hidden
 * projects are left out.
 *
 * @param projects The stored projects.
 * @param artifact The artifact.
 * @returns The collections with the aliases in each.
 */
export function aliasesOf(
  projects: readonly FakeProject[],
  artifact: StoredArtifact,
): AliasesIn[] {
  const found: AliasesIn[] = [{
    project: artifact.project,
    collection: artifact.sequence,
    aliases: artifact.version.aliases ?? [],
  }];
  for (const project of projects) {
    if (project.hiddenFromKey) continue;
    for (const collection of project.artifactCollections ?? []) {
      if (collection.kind !== "portfolio") continue;
      for (const link of collection.versions) {
        if (sameArtifact(projects, link.source, artifact)) {
          found.push({ project, collection, aliases: link.aliases ?? [] });
        }
      }
    }
  }
  return found;
}

/**
 * The sequence versions a run logged (those whose `createdBy` is the run), oldest first.
 *
 * @param project The run's project.
 * @param run The run.
 * @returns The artifacts.
 */
export function loggedArtifactsOf(
  project: FakeProject,
  run: FakeRun,
): StoredArtifact[] {
  const logged: StoredArtifact[] = [];
  for (const collection of project.artifactCollections ?? []) {
    if (collection.kind !== "sequence") continue;
    collection.versions.forEach((version, index) => {
      if (
        version.createdBy !== null && "run" in version.createdBy &&
        version.createdBy.run === run.name
      ) {
        logged.push({ project, sequence: collection, index, version });
      }
    });
  }
  return logged.sort((a, b) =>
    a.version.createdAt < b.version.createdAt
      ? -1
      : a.version.createdAt > b.version.createdAt
      ? 1
      : 0
  );
}

/**
 * The runs, in projects the key can read, that used an artifact (directly or through a registry link).
 *
 * @param projects The stored projects.
 * @param artifact The artifact.
 * @returns The runs with their projects, in project and run order.
 */
export function runsUsing(
  projects: readonly FakeProject[],
  artifact: StoredArtifact,
): { run: FakeRun; project: FakeProject }[] {
  return projects.filter((project) => !project.hiddenFromKey).flatMap((
    project,
  ) =>
    project.runs.filter((run) =>
      (run.usedArtifacts ?? []).some((use) =>
        sameArtifact(projects, use, artifact)
      )
    ).map((run) => ({ run, project }))
  );
}

/**
 * The version of a collection that `"<collection>:<alias>"` or `"<collection>:v<N>"` names, as
 * `Project.artifactCollectionMembership(name:)` finds it. Deleted versions are not found.
 *
 * @param projects The stored projects.
 * @param project The project to look in.
 * @param name The membership name as the client sent it.
 * @returns The membership, or `null` when the collection, alias or version is unknown.
 * @throws {BadRequestError} When `name` has no `:`.
 */
export function findMembership(
  projects: readonly FakeProject[],
  project: FakeProject,
  name: string,
): StoredMembership | null {
  const colon = name.indexOf(":");
  if (colon < 0) {
    throw new BadRequestError(
      `Cannot find artifact membership "${name}": expected "<collection>:<alias or vN>"`,
    );
  }
  const collection = project.artifactCollections?.find((candidate) =>
    candidate.name === name.slice(0, colon)
  );
  if (collection === undefined) return null;
  const selector = name.slice(colon + 1);
  const byIndex = /^v(\d+)$/.exec(selector);
  const versions: { aliases?: string[] }[] = collection.versions;
  const index = byIndex !== null
    ? Number(byIndex[1])
    : versions.findIndex((version) =>
      (version.aliases ?? []).includes(selector)
    );
  if (index < 0 || index >= versions.length) return null;
  const where =
    `${project.entity}/${project.name}/${collection.name}:v${index}`;
  const artifact = collection.kind === "sequence"
    ? {
      project,
      sequence: collection,
      index,
      version: collection.versions[index],
    }
    : resolveArtifact(projects, collection.versions[index].source, where);
  if (artifact.version.state === "DELETED") return null;
  return {
    project,
    collection,
    index,
    aliases: versions[index].aliases ?? [],
    artifact,
  };
}

/**
 * The global id of an artifact: base64 of `Artifact:<entity>/<project>/<sequence>:v<N>` (opaque to clients).
 *
 * @param artifact The artifact.
 * @returns Its id.
 */
export function artifactIdOf(artifact: StoredArtifact): string {
  return encodeBase64(`Artifact:${artifactPath(artifact)}`);
}

/**
 * The artifact a global id names, as `Query.artifact(id:)` finds it.
 *
 * @param projects The stored projects.
 * @param id The id as the client sent it.
 * @returns The artifact, or `null` when the id names none.
 */
export function findArtifactById(
  projects: readonly FakeProject[],
  id: string,
): StoredArtifact | null {
  const match = /^Artifact:([^/]+)\/([^/]+)\/([^:]+):v(\d+)$/.exec(
    decodeBase64(id),
  );
  if (match === null) return null;
  const [, entity, project, collection, version] = match;
  const stored = findProject(projects, { entity, project });
  const sequence = stored?.artifactCollections?.find((candidate) =>
    candidate.name === collection
  );
  if (sequence?.kind !== "sequence") return null;
  const index = Number(version);
  const found = sequence.versions[index];
  return found === undefined
    ? null
    : { project: stored!, sequence, index, version: found };
}

/**
 * `<entity>/<project>/<collection>:v<N>` of an artifact.
 *
 * @param artifact The artifact.
 * @returns Its path.
 */
export function artifactPath(artifact: StoredArtifact): string {
  return `${artifact.project.entity}/${artifact.project.name}/${artifact.sequence.name}:v${artifact.index}`;
}

function refName(ref: FakeArtifactRef): string {
  return `${ref.entity}/${ref.project}/${ref.collection}:v${ref.version}`;
}

function sameArtifact(
  projects: readonly FakeProject[],
  ref: FakeArtifactRef,
  artifact: StoredArtifact,
): boolean {
  const resolved = resolveArtifact(projects, ref, refName(ref));
  return resolved.project === artifact.project &&
    resolved.sequence === artifact.sequence &&
    resolved.index === artifact.index;
}

const COLLECTION_NAME = /^[A-Za-z0-9_.-]+$/;
const ARTIFACT_STATES = new Set(["PENDING", "COMMITTED", "DELETED"]);

/**
 * Checks the stored artifacts and the runs' artifact references: collection names unique and well formed,
 * aliases unique per collection and never `vN`, creators of the right shape, links to sequence versions of
 * the portfolio's type, used versions that exist, registry projects owned by an org entity. Whether a
 * creator run exists is checked when `createdBy` serves it, so that tests may drop demo runs they do not
 * need.
 *
 * @param projects The stored projects.
 * @param orgEntities The org entities of the known organisations.
 * @throws {Error} At the first inconsistency (a bug in test data).
 */
export function validateArtifacts(
  projects: readonly FakeProject[],
  orgEntities: ReadonlySet<string>,
): void {
  for (const project of projects) {
    const where = `${project.entity}/${project.name}`;
    if (
      project.name.startsWith(REGISTRY_PREFIX) &&
      !orgEntities.has(project.entity)
    ) {
      throw new Error(
        `Invalid fake W&B data: registry project ${where} must be owned by an organisation's orgEntity`,
      );
    }
    const names = new Set<string>();
    for (const collection of project.artifactCollections ?? []) {
      validateCollection(projects, project, collection, names);
    }
    for (const run of project.runs) {
      for (const use of run.usedArtifacts ?? []) {
        resolveArtifact(projects, use, `run ${where}/${run.name}`);
      }
    }
  }
}

function validateCollection(
  projects: readonly FakeProject[],
  project: FakeProject,
  collection: FakeArtifactCollection,
  names: Set<string>,
): void {
  const where = `${project.entity}/${project.name}/${collection.name}`;
  const fail = (reason: string) =>
    new Error(`Invalid fake W&B data: collection ${where}: ${reason}`);
  if (!COLLECTION_NAME.test(collection.name)) {
    throw fail("expected a name of letters, digits, '-', '_' or '.'");
  }
  if (names.has(collection.name)) throw fail("the name is used twice");
  names.add(collection.name);
  if (collection.kind !== "sequence" && collection.kind !== "portfolio") {
    throw fail(`expected kind "sequence" or "portfolio"`);
  }
  if (typeof collection.type !== "string" || collection.type === "") {
    throw fail("expected a type name");
  }
  const aliases = new Set<string>();
  collection.versions.forEach((version: { aliases?: string[] }, index) => {
    for (const alias of version.aliases ?? []) {
      if (typeof alias !== "string" || alias === "" || /^v\d+$/.test(alias)) {
        throw fail(
          `v${index} has alias ${
            JSON.stringify(alias)
          }; expected a name that is not vN`,
        );
      }
      if (aliases.has(alias)) throw fail(`alias "${alias}" is on two versions`);
      aliases.add(alias);
    }
  });
  if (collection.kind === "portfolio") {
    validatePortfolio(projects, collection, fail);
  } else {
    collection.versions.forEach((version, index) =>
      validateVersion(version, (reason) => fail(`v${index} ${reason}`))
    );
  }
}

function validatePortfolio(
  projects: readonly FakeProject[],
  portfolio: FakeArtifactPortfolio,
  fail: (reason: string) => Error,
): void {
  portfolio.versions.forEach(({ source }, index) => {
    const linked = resolveArtifact(projects, source, `a link (v${index})`);
    if (
      linked.sequence.name !== source.collection ||
      linked.project !== findProject(projects, source)
    ) {
      throw fail(`v${index} links to a portfolio; expected a sequence version`);
    }
    if (linked.sequence.type !== portfolio.type) {
      throw fail(
        `v${index} links to a ${linked.sequence.type}; expected type ${portfolio.type}`,
      );
    }
  });
}

function validateVersion(
  version: FakeArtifactVersion,
  fail: (reason: string) => Error,
): void {
  if (typeof version.digest !== "string" || version.digest === "") {
    throw fail("needs a digest");
  }
  if (typeof version.createdAt !== "string") throw fail("needs createdAt");
  if (version.state !== undefined && !ARTIFACT_STATES.has(version.state)) {
    throw fail(
      `has state ${
        JSON.stringify(version.state)
      }; expected PENDING, COMMITTED or DELETED`,
    );
  }
  // Whether a creator run exists is checked when it is served: tests drop demo runs they do not need.
  const creator: unknown = version.createdBy;
  if (creator === null) return;
  const named = (key: string) =>
    typeof creator === "object" && key in creator &&
    typeof (creator as Record<string, unknown>)[key] === "string" &&
    (creator as Record<string, unknown>)[key] !== "";
  if (!named("run") && !named("user")) {
    throw fail(
      `has createdBy ${
        JSON.stringify(creator)
      }; expected {run}, {user} or null`,
    );
  }
}
