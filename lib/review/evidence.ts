/**
 * What W&B recorded beyond the runs' summaries, as the review uses it to
 * answer a reviewer's questions: which run is in production, what each run's
 * training curves look like, and which data each run used.
 *
 * @module
 */

import type { ArtifactVersion } from "../wandb/artifact.ts";
import type { HistoryPoint } from "../wandb/sampled_history.ts";

/**
 * The run behind a registry or artifact alias, compared with as the model in production.
 *
 * @example Name the production model
 * ```ts
 * import type { ProductionBaseline } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const production: ProductionBaseline = {
 *   runId: "j5x2m8cw", alias: "wandb-registry-model/issue-labeler:production",
 *   version: { collection: "model-j5x2m8cw", versionIndex: 0, type: "model", digest: "9d4f01aa" },
 * };
 * assert.equal(`${production.alias} is run ${production.runId}`,
 *   "wandb-registry-model/issue-labeler:production is run j5x2m8cw");
 * ```
 */
export interface ProductionBaseline {
  /** The run that logged the version. */
  runId: string;
  /** The alias as the user named it, e.g. `wandb-registry-model/issue-labeler:production`. */
  alias: string;
  /** The version the alias points to (in its source collection). */
  version: ArtifactVersion;
}

/**
 * An alias a candidate's data must match, resolved to the version it points to now.
 *
 * @example
 * ```ts
 * import type { ExpectedData } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const expected: ExpectedData = {
 *   alias: "issues-test:latest",
 *   version: { collection: "issues-test", versionIndex: 0, type: "dataset", digest: "7e57d00d" },
 * };
 * assert.equal(expected.version.digest, "7e57d00d");
 * ```
 */
export interface ExpectedData {
  /** The alias as the user named it, e.g. `issues-test:latest`. */
  alias: string;
  /** The version it points to now. */
  version: ArtifactVersion;
}

/**
 * The records the review judges and shows besides summaries. Every part is
 * empty unless asked for: nothing is fetched for an unset input.
 *
 * @example The last loss of each sampled run
 * ```ts
 * import type { RunEvidence } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const lastLoss = (evidence: RunEvidence, runId: string) =>
 *   evidence.history.get(runId)?.get("loss")?.at(-1)?.value;
 * const evidence: RunEvidence = {
 *   historyMetrics: ["loss"],
 *   history: new Map([["e6lo523p", new Map([["loss", [{ step: 0, value: 2.3 }, { step: 9, value: 0.4 }]]])]]),
 *   dataTypes: [], inputs: new Map(), expected: [],
 * };
 * assert.equal(lastLoss(evidence, "e6lo523p"), 0.4);
 * ```
 */
export interface RunEvidence {
  /** The production baseline, when one was named. */
  production?: ProductionBaseline;
  /** The history metrics sampled, in order. */
  historyMetrics: string[];
  /** Each sampled run's points per history metric, by run id. */
  history: Map<string, Map<string, HistoryPoint[]>>;
  /** The artifact types shown as data lineage; empty when lineage was not asked for. */
  dataTypes: string[];
  /** Every input artifact of each run whose lineage was read, by run id (all types). */
  inputs: Map<string, ArtifactVersion[]>;
  /** The versions candidates must have used. */
  expected: ExpectedData[];
}

/**
 * Evidence that holds nothing: what a review without the new inputs has.
 *
 * @example
 * ```ts
 * import { noEvidence } from "./evidence.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(noEvidence().history.size, 0);
 * ```
 *
 * @returns Empty evidence.
 */
export function noEvidence(): RunEvidence {
  return {
    historyMetrics: [],
    history: new Map(),
    dataTypes: [],
    inputs: new Map(),
    expected: [],
  };
}

/**
 * The inputs of a run of the listed data types, in the order W&B listed them.
 *
 * @example
 * ```ts
 * import { dataInputs, noEvidence } from "./evidence.ts";
 * import assert from "node:assert/strict";
 *
 * const evidence = { ...noEvidence(), dataTypes: ["dataset"], inputs: new Map([["e6lo523p", [
 *   { collection: "mnist", versionIndex: 1, type: "dataset", digest: "ab" },
 *   { collection: "glove", versionIndex: 2, type: "embeddings", digest: "cd" },
 * ]]]) };
 * assert.deepEqual(dataInputs(evidence, "e6lo523p").map((input) => input.collection), ["mnist"]);
 * ```
 *
 * @param evidence The evidence.
 * @param runId The run.
 * @returns Its inputs of the types in `evidence.dataTypes`; none when its lineage was not read.
 */
export function dataInputs(
  evidence: RunEvidence,
  runId: string,
): ArtifactVersion[] {
  return (evidence.inputs.get(runId) ?? []).filter((input) =>
    evidence.dataTypes.includes(input.type)
  );
}
