/**
 * Artifact versions as W&B sends them in a run's lineage
 * (`Run.inputArtifacts`) and in alias look-ups: the collection the version was
 * logged to, its index there, its type and its content digest. W&B's
 * `Artifact` has no `name` field; like W&B's SDK, a version is named
 * `<artifactSequence.name>:v<versionIndex>`.
 *
 * @module
 */

import { z } from "zod";

/**
 * One artifact version, as a run used or logged it.
 *
 * @example Two runs on the same data have one digest
 * ```ts
 * import type { ArtifactVersion } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const used: ArtifactVersion[] = [
 *   { collection: "mnist-train", versionIndex: 3, type: "dataset", digest: "6f1e0c2a" },
 *   { collection: "mnist-train", versionIndex: 4, type: "dataset", digest: "91b2c3d4" },
 * ];
 * assert.notEqual(used[0].digest, used[1].digest);
 * ```
 */
export interface ArtifactVersion {
  /** The collection (W&B's artifact sequence) it was logged to, e.g. `mnist-train`. */
  collection: string;
  /** Its index in that collection (`v3` is 3); absent when W&B gave none. */
  versionIndex?: number;
  /** Its type, e.g. `dataset` or `model`. */
  type: string;
  /** The checksum of its contents: two versions with one digest hold the same files. */
  digest: string;
}

/** The GraphQL fields of `Artifact` that {@linkcode artifactNodeSchema} reads. */
export const ARTIFACT_FIELDS =
  "digest versionIndex artifactType { name } artifactSequence { name }";

/**
 * Validates an `Artifact` node selected with {@linkcode ARTIFACT_FIELDS} and
 * turns it into an {@linkcode ArtifactVersion}. `versionIndex` may be null, as
 * W&B's schema allows.
 *
 * @example
 * ```ts
 * import { artifactNodeSchema } from "./artifact.ts";
 * import assert from "node:assert/strict";
 *
 * const version = artifactNodeSchema.parse({
 *   digest: "6f1e0c2a9b", versionIndex: 4,
 *   artifactType: { name: "dataset" }, artifactSequence: { name: "mnist-train" },
 * });
 * assert.deepEqual(version, { collection: "mnist-train", versionIndex: 4, type: "dataset", digest: "6f1e0c2a9b" });
 * ```
 */
export const artifactNodeSchema: z.ZodType<ArtifactVersion, unknown> = z.object(
  {
    digest: z.string().min(1),
    versionIndex: z.number().int().min(0).nullable().optional(),
    artifactType: z.object({ name: z.string().min(1) }),
    artifactSequence: z.object({ name: z.string().min(1) }),
  },
).transform((node) => ({
  collection: node.artifactSequence.name,
  ...(typeof node.versionIndex === "number"
    ? { versionIndex: node.versionIndex }
    : {}),
  type: node.artifactType.name,
  digest: node.digest,
}));

/**
 * A version as people name it: `collection:vN`, or `collection:?` when W&B
 * gave no index.
 *
 * @example
 * ```ts
 * import { versionName } from "./artifact.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(versionName({ collection: "mnist-train", versionIndex: 3, type: "dataset", digest: "ab" }), "mnist-train:v3");
 * ```
 *
 * @param version The version.
 * @returns Its name.
 */
export function versionName(version: ArtifactVersion): string {
  return `${version.collection}:${
    version.versionIndex === undefined ? "?" : `v${version.versionIndex}`
  }`;
}

/** How many characters of a digest are shown. */
const SHORT_DIGEST_LENGTH = 8;

/**
 * The first characters of a digest, enough to tell versions apart at a
 * glance (the full digest is in the JSON report).
 *
 * @example
 * ```ts
 * import { shortDigest } from "./artifact.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(shortDigest("6f1e0c2a9b8d7e6f5a4b3c2d1e0f9a8b"), "6f1e0c2a");
 * ```
 *
 * @param digest The digest.
 * @returns Its first eight characters.
 */
export function shortDigest(digest: string): string {
  return digest.slice(0, SHORT_DIGEST_LENGTH);
}

/**
 * A version as reports and messages name it: its name and short digest, on
 * one line (W&B's names may hold line breaks; a gate failure may not).
 *
 * @example
 * ```ts
 * import { describeVersion } from "./artifact.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   describeVersion({ collection: "mnist-train", versionIndex: 3, type: "dataset", digest: "6f1e0c2a9b8d" }),
 *   "mnist-train:v3 (6f1e0c2a)",
 * );
 * ```
 *
 * @param version The version.
 * @returns `collection:vN (digest)`.
 */
export function describeVersion(version: ArtifactVersion): string {
  return `${versionName(version)} (${shortDigest(version.digest)})`.replace(
    /[\s\u0085]+/g,
    " ",
  );
}
