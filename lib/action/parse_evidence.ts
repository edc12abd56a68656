/**
 * The evidence inputs read from the action's text: `HISTORY_SAMPLES`,
 * `EXPECTED_DATA`, `BASELINE_ARTIFACT` and `SIGNIFICANCE` (the lists
 * `HISTORY_METRICS`, `CONVERGENCE` and `DATA_ARTIFACT_TYPES` are plain list
 * inputs). Each error names its input and says what was expected.
 *
 * @module
 */

import {
  DEFAULT_HISTORY_SAMPLES,
  HISTORY_SAMPLES_RANGE,
} from "../wandb/sampled_history.ts";
import { InputError } from "../errors.ts";
import {
  type ArtifactPath,
  parseArtifactPath,
  REGISTRY_PREFIX,
} from "../wandb/artifact_path.ts";
import { quoteForMessage } from "../_message.ts";
import { parseListInput } from "./list_input.ts";

/** The artifact types shown as data lineage when `DATA_ARTIFACT_TYPES` is unset. */
export const DEFAULT_DATA_ARTIFACT_TYPES: readonly string[] = ["dataset"];

/**
 * Reads `HISTORY_SAMPLES`: how many points of each metric's history to
 * sample per run, a whole number from 2 to 10000; empty means 200.
 *
 * @example
 * ```ts
 * import { parseHistorySamples } from "./parse_evidence.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseHistorySamples(""), 200);
 * assert.equal(parseHistorySamples(" 500 "), 500);
 * assert.throws(() => parseHistorySamples("abc"), {
 *   message: 'HISTORY_SAMPLES: expected a whole number from 2 to 10000, got "abc"',
 * });
 * ```
 *
 * @param text The input's text.
 * @returns The number of points.
 * @throws {InputError} naming `HISTORY_SAMPLES` for anything else.
 */
export function parseHistorySamples(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "") return DEFAULT_HISTORY_SAMPLES;
  const { min, max } = HISTORY_SAMPLES_RANGE;
  const samples = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(samples >= min && samples <= max)) {
    throw new InputError(
      "HISTORY_SAMPLES",
      `expected a whole number from ${min} to ${max}, got ${
        quoteForMessage(text)
      }`,
    );
  }
  return samples;
}

/**
 * Reads `SIGNIFICANCE`: the level at which a candidate counts as worse than
 * its baselines, a decimal number strictly between 0 and 1 such as `0.05`;
 * empty means none.
 *
 * @example
 * ```ts
 * import { parseSignificance } from "./parse_evidence.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseSignificance("0.05"), 0.05);
 * assert.equal(parseSignificance(""), undefined);
 * assert.throws(() => parseSignificance("5%"), {
 *   message: 'SIGNIFICANCE: expected a number between 0 and 1 (both excluded) such as 0.05, got "5%"',
 * });
 * ```
 *
 * @param text The input's text.
 * @returns The level, or `undefined` when unset.
 * @throws {InputError} naming `SIGNIFICANCE` for anything else.
 */
export function parseSignificance(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const level = /^\d*\.?\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(level > 0 && level < 1)) {
    throw new InputError(
      "SIGNIFICANCE",
      `expected a number between 0 and 1 (both excluded) such as 0.05, got ${
        quoteForMessage(text)
      }`,
    );
  }
  return level;
}

/**
 * Reads `EXPECTED_DATA`: a list (the same syntax as `DISPLAY_METRICS`) of
 * artifact versions the candidates must have used, each `name:alias`,
 * `project/name:alias` or `entity/project/name:alias`, as written: an
 * entity or project left out is the review's, filled in when the alias is
 * looked up.
 *
 * @example
 * ```ts
 * import { parseExpectedData } from "./parse_evidence.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseExpectedData("['mnist-test:latest', 'acme/data/mnist-train:v3']"), [
 *   { collection: "mnist-test", alias: "latest" },
 *   { entity: "acme", project: "data", collection: "mnist-train", alias: "v3" },
 * ]);
 * assert.throws(() => parseExpectedData("mnist-test:latest, mnist"), {
 *   message: 'EXPECTED_DATA: entry 2 "mnist" has no alias: expected name:alias such as mnist-test:latest',
 * });
 * ```
 *
 * @param text The input's text; empty means none.
 * @returns The artifact versions, in order.
 * @throws {InputError} naming `EXPECTED_DATA` and the entry that is wrong.
 */
export function parseExpectedData(text: string): ArtifactPath[] {
  return parseListInput("EXPECTED_DATA", text).map((entry, index) => {
    try {
      return parseArtifactPath(entry);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      throw new InputError(
        "EXPECTED_DATA",
        `entry ${
          index + 1
        } ${error.message}: expected name:alias such as mnist-test:latest`,
        { cause: error },
      );
    }
  });
}

/**
 * Reads `BASELINE_ARTIFACT`: the artifact version whose producing run is the
 * production baseline, `entity/project/name:alias`, `project/name:alias`
 * (the review's entity), or a W&B Registry path
 * `[org/]wandb-registry-<registry>/name:alias`. The path is kept as written:
 * a project's entity left out is the review's, a registry's the
 * organisation of the review's entity, both filled in when it is looked up.
 *
 * @example
 * ```ts
 * import { parseBaselineArtifact } from "./parse_evidence.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseBaselineArtifact("acme/models/classifier:production"),
 *   { entity: "acme", project: "models", collection: "classifier", alias: "production" });
 * assert.deepEqual(parseBaselineArtifact("wandb-registry-model/classifier:production"),
 *   { project: "wandb-registry-model", collection: "classifier", alias: "production" });
 * assert.throws(() => parseBaselineArtifact("classifier:production"), {
 *   message: 'BASELINE_ARTIFACT: expected entity/project/name:alias, project/name:alias or [org/]wandb-registry-<registry>/name:alias, got "classifier:production"',
 * });
 * ```
 *
 * @param text The input's text, not empty.
 * @returns The artifact version.
 * @throws {InputError} naming `BASELINE_ARTIFACT` for a path without a project or alias, or one that is malformed.
 */
export function parseBaselineArtifact(text: string): ArtifactPath {
  const trimmed = text.trim();
  const quoted = quoteForMessage(trimmed);
  const fail = (cause?: Error): never => {
    // The parser's reason starts with the text itself: said once.
    const reason = cause?.message.startsWith(quoted)
      ? cause.message.slice(quoted.length).trim()
      : cause?.message;
    throw new InputError(
      "BASELINE_ARTIFACT",
      `expected entity/project/name:alias, project/name:alias or [org/]${REGISTRY_PREFIX}<registry>/name:alias, got ${quoted}${
        reason === undefined ? "" : `, which ${reason}`
      }`,
      { cause },
    );
  };
  let path: ArtifactPath;
  try {
    path = parseArtifactPath(trimmed);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return fail(error);
  }
  return path.project === undefined ? fail() : path;
}

/**
 * Reads `DATA_ARTIFACT_TYPES`: the artifact types shown as the runs' data
 * lineage, a list; empty means unset.
 *
 * @example
 * ```ts
 * import { parseDataArtifactTypes } from "./parse_evidence.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseDataArtifactTypes("['dataset', 'raw_data', 'dataset']"), ["dataset", "raw_data"]);
 * ```
 *
 * @param text The input's text.
 * @returns The types, each once, in order.
 * @throws {InputError} naming `DATA_ARTIFACT_TYPES` for text that is not a list.
 */
export function parseDataArtifactTypes(text: string): string[] {
  return [...new Set(parseListInput("DATA_ARTIFACT_TYPES", text))];
}
