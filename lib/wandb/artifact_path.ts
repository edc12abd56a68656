/**
 * Artifact paths as W&B writes them, `[entity/][project/]collection:alias`:
 * `mnist-test:latest`, `acme/data/mnist-test:v3`, or a W&B Registry path
 * such as `wandb-registry-model/classifier:production`. Read the way the W&B
 * SDK's `api.artifact()` reads them: split at the first `:` (an alias may
 * hold `/` and `:`), then the name into at most three `/`-separated parts.
 *
 * @example Read a path, and write it back
 * ```ts
 * import { formatArtifactPath, parseArtifactPath } from "./artifact_path.ts";
 * import assert from "node:assert/strict";
 *
 * const path = parseArtifactPath("acme/data/mnist-test:v3");
 * assert.deepEqual(path, { entity: "acme", project: "data", collection: "mnist-test", alias: "v3" });
 * assert.equal(formatArtifactPath(path), "acme/data/mnist-test:v3");
 * ```
 *
 * @module
 */

import { quoteForMessage } from "../_message.ts";

/**
 * An artifact version named by alias or version: `[entity/][project/]collection:alias`.
 *
 * @example A W&B Registry version: the project is the registry, the entity (absent) its organisation
 * ```ts
 * import { type ArtifactPath, isRegistryProject, parseArtifactPath } from "./artifact_path.ts";
 * import assert from "node:assert/strict";
 *
 * const path: ArtifactPath = parseArtifactPath("wandb-registry-model/classifier:production");
 * assert.equal(path.entity, undefined);
 * assert.equal(isRegistryProject(path.project!), true);
 * ```
 */
export interface ArtifactPath {
  /** The entity (user, team or organisation) that owns the project, when given. */
  entity?: string;
  /** The project, or a W&B Registry (`wandb-registry-<name>`), when given. */
  project?: string;
  /** The artifact's collection: the name it was logged or linked under. */
  collection: string;
  /** The alias (`latest`, `production`) or version (`v3`) within the collection. */
  alias: string;
}

/**
 * The prefix of W&B Registry projects: the Models registry is the project
 * `wandb-registry-model` of the organisation's entity.
 *
 * @example
 * ```ts
 * import { REGISTRY_PREFIX } from "./artifact_path.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(`${REGISTRY_PREFIX}model`, "wandb-registry-model");
 * ```
 */
export const REGISTRY_PREFIX = "wandb-registry-";

const MAX_NAME_PARTS = 3;
// deno-lint-ignore no-control-regex -- paths with control characters are refused
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f]/;

/**
 * Reads `[entity/][project/]collection:alias`. The text is split at its
 * first `:`, so the alias may hold `/` and `:`; the name before it has one to
 * three `/`-separated parts: `collection`, `project/collection` or
 * `entity/project/collection`.
 *
 * @example Every form, registry paths and an alias holding "/" included
 * ```ts
 * import { parseArtifactPath } from "./artifact_path.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseArtifactPath("mnist-test:latest"), { collection: "mnist-test", alias: "latest" });
 * assert.deepEqual(parseArtifactPath("data/mnist-test:v3"),
 *   { project: "data", collection: "mnist-test", alias: "v3" });
 * assert.deepEqual(parseArtifactPath("acme-org/wandb-registry-model/classifier:production"),
 *   { entity: "acme-org", project: "wandb-registry-model", collection: "classifier", alias: "production" });
 * assert.deepEqual(parseArtifactPath("model:release/2026:q3"), { collection: "model", alias: "release/2026:q3" });
 * assert.throws(() => parseArtifactPath("mnist-test"), { name: "TypeError", message: '"mnist-test" has no alias' });
 * ```
 *
 * @param text The path, as written.
 * @returns Its parts; `entity` and `project` only when given.
 * @throws {TypeError} saying what is wrong, e.g. `"mnist" has no alias`: no
 * `:` or nothing after it, nothing before it, an empty part, more than three
 * parts, white space or a control character, or `wandb-registry-` naming no
 * registry.
 */
export function parseArtifactPath(text: string): ArtifactPath {
  const fail = (problem: string): never => {
    throw new TypeError(`${quoteForMessage(text)} ${problem}`);
  };
  if (SPACE_OR_CONTROL.test(text)) {
    fail("has white space or a control character");
  }
  const colon = text.indexOf(":");
  const alias = colon < 0 ? "" : text.slice(colon + 1);
  if (alias === "") fail("has no alias");
  const name = text.slice(0, colon);
  if (name === "") fail('has no name before ":"');
  const parts = name.split("/");
  if (parts.includes("")) fail('has an empty "/"-separated part');
  if (parts.length > MAX_NAME_PARTS) {
    fail(`has more than ${MAX_NAME_PARTS} "/"-separated parts before ":"`);
  }
  const [collection, project, entity] = parts.toReversed();
  if (project === REGISTRY_PREFIX) {
    fail(`names no registry after ${quoteForMessage(REGISTRY_PREFIX)}`);
  }
  return {
    ...(entity !== undefined ? { entity } : {}),
    ...(project !== undefined ? { project } : {}),
    collection,
    alias,
  };
}

/**
 * Whether a project is a W&B Registry (`wandb-registry-<name>`), owned by
 * the organisation's entity rather than a team's or user's.
 *
 * @example
 * ```ts
 * import { isRegistryProject } from "./artifact_path.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isRegistryProject("wandb-registry-model"), true);
 * assert.equal(isRegistryProject("model-registry"), false);
 * ```
 *
 * @param project The project's name.
 * @returns `true` when it names a registry.
 */
export function isRegistryProject(project: string): boolean {
  return project.startsWith(REGISTRY_PREFIX) &&
    project.length > REGISTRY_PREFIX.length;
}

/**
 * Writes a path back as text, the inverse of {@linkcode parseArtifactPath}.
 *
 * @example
 * ```ts
 * import { formatArtifactPath } from "./artifact_path.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatArtifactPath({ project: "wandb-registry-model", collection: "classifier", alias: "production" }),
 *   "wandb-registry-model/classifier:production",
 * );
 * ```
 *
 * @param path The path.
 * @returns `[entity/][project/]collection:alias`.
 * @throws {TypeError} for an entity without a project, which text cannot tell
 * from a project.
 */
export function formatArtifactPath(path: ArtifactPath): string {
  if (path.entity !== undefined && path.project === undefined) {
    throw new TypeError(
      `the artifact path ${
        quoteForMessage(`${path.collection}:${path.alias}`)
      } has an entity but no project`,
    );
  }
  return [path.entity, path.project, path.collection]
    .filter((part) => part !== undefined)
    .join("/") + `:${path.alias}`;
}
