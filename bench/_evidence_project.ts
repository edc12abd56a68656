/**
 * The project the benchmark measures the evidence inputs on: the realistic
 * project of {@link realisticProject} (smaller), whose candidates, baselines
 * and production run logged training curves of 8 metrics over 1,000 steps
 * and used three data artifacts, and whose production model is linked in a
 * W&B Registry of the entity's organisation under the alias `production`.
 *
 * The production run is none of the candidates and baselines, so gathering
 * the evidence reads it whole, and it joins the baselines: the reported runs
 * are the candidates, the tagged baselines and the production run.
 *
 * @module
 */

import type {
  FakeArtifactCollection,
  FakeArtifactUse,
  FakeOrganization,
  FakeProject,
  FakeRun,
} from "../testing/fake_wandb/server.ts";
import { seededRandom } from "../testing/fake_wandb/_history.ts";
import {
  BENCH_ENTITY,
  BENCH_PROJECT,
  realisticProject,
} from "./realistic_project.ts";

/** The organisation's org entity: the owner of its registries. */
export const EVIDENCE_ORG_ENTITY = "ml-review-org";

/** The registry project holding the production model. */
export const EVIDENCE_REGISTRY_PROJECT = "wandb-registry-model";

/** The registry collection of the production model. */
export const EVIDENCE_REGISTRY_COLLECTION = "issue-labeler";

/** The registry alias of the model in production. */
export const PRODUCTION_ALIAS = "production";

/** Steps every reported run logged, each with all of {@linkcode LOGGED_METRICS}. */
export const HISTORY_STEPS = 1000;

/** The metrics every reported run logged at each step. */
export const LOGGED_METRICS: readonly string[] = [
  "loss",
  "val_loss",
  "acc",
  "val_acc",
  "val_f1",
  "lr",
  "grad_norm",
  "throughput",
];

/** The data versions every reported run used, as `EXPECTED_DATA` names them. */
export const EXPECTED_DATA: readonly string[] = [
  "issues-train:latest",
  "issues-test:latest",
];

/** The artifact types of the data, as `DATA_ARTIFACT_TYPES` names them. */
export const DATA_TYPES: readonly string[] = ["dataset", "embeddings"];

/** Tagged baselines of the project. */
const BASELINE_RUNS = 5;

/** The project, the registry, the organisation and the runs a review reports. */
export interface EvidenceProject {
  /** The projects for `startFakeWandb`: the reviewed one first, then the registry. */
  projects: FakeProject[];
  /** The organisation owning the registry, with the reviewed entity as a team. */
  organizations: FakeOrganization[];
  /** The candidates, oldest first, by the number of reported runs they make. */
  candidates: Map<number, FakeRun[]>;
  /** The tagged baselines, oldest first. */
  baselines: FakeRun[];
  /** The run that logged the production model. */
  production: FakeRun;
}

/**
 * The candidates a review of `reportedRuns` runs has: all but the tagged
 * baselines and the production run.
 *
 * @param reportedRuns Candidates, tagged baselines and the production run.
 * @returns The number of candidates.
 */
export function candidatesFor(reportedRuns: number): number {
  return reportedRuns - BASELINE_RUNS - 1;
}

/**
 * Builds the project: one set of candidates per reported run count (each
 * under its own SHA, see `benchSha` of the candidate count), 5 tagged
 * baselines, and a production run late in the project's history.
 *
 * @param options The project's size and the reported run counts.
 * @returns The projects, the organisation and the runs.
 */
export function evidenceProject(options: {
  totalRuns: number;
  reportedRunCounts: readonly number[];
}): EvidenceProject {
  const generated = realisticProject({
    totalRuns: options.totalRuns,
    matchingRunCounts: options.reportedRunCounts.map(candidatesFor),
    baselineRuns: BASELINE_RUNS,
  });
  const { project } = generated;
  const reported = new Set([
    ...[...generated.matchingRuns.values()].flat(),
    ...generated.baselineRuns,
  ]);
  const production = project.runs.slice(Math.floor(project.runs.length * 0.9))
    .find((run) => !reported.has(run))!;
  production.state = "finished";
  reported.add(production);
  const random = seededRandom(0xe71d);
  for (const run of reported) {
    run.history = trainingHistory(run, random);
    run.usedArtifacts = DATA_USED.map((used) => ({ ...used }));
  }
  project.artifactCollections = [
    ...dataCollections(),
    modelLoggedBy(production),
  ];
  return {
    projects: [project, registryProject(production)],
    organizations: [{
      name: "ML Review",
      orgEntity: EVIDENCE_ORG_ENTITY,
      teamEntities: [BENCH_ENTITY],
    }],
    candidates: new Map(
      options.reportedRunCounts.map((count) => [
        count,
        generated.matchingRuns.get(candidatesFor(count))!,
      ]),
    ),
    baselines: generated.baselineRuns,
    production,
  };
}

/** What each reported run used: the latest training and test sets, and embeddings. */
const DATA_USED: readonly FakeArtifactUse[] = [
  { collection: "issues-train", version: 2, usedAs: ["train"] },
  { collection: "issues-test", version: 0, usedAs: ["test"] },
  { collection: "glove-embeddings", version: 1, usedAs: ["embeddings"] },
].map((use) => ({ entity: BENCH_ENTITY, project: BENCH_PROJECT, ...use }));

/** The datasets and embeddings of the project, uploaded by a bot user. */
function dataCollections(): FakeArtifactCollection[] {
  const version = (
    label: string,
    createdAt: string,
    extra: { aliases?: string[]; rows?: number; size: number },
  ) => ({
    digest: digestOf(label),
    aliases: extra.aliases ?? [],
    createdAt,
    createdBy: { user: "ml-review-bot" },
    metadata: extra.rows === undefined ? null : { rows: extra.rows },
    size: extra.size,
    fileCount: 4,
  });
  return [
    {
      kind: "sequence",
      name: "issues-train",
      type: "dataset",
      versions: [
        version("issues-train:v0", "2024-11-04T09:00:00", {
          rows: 41_002,
          size: 51_220_113,
        }),
        version("issues-train:v1", "2024-12-02T09:00:00", {
          rows: 44_870,
          size: 56_004_920,
        }),
        version("issues-train:v2", "2025-01-03T09:00:00", {
          aliases: ["latest"],
          rows: 48_213,
          size: 60_183_377,
        }),
      ],
    },
    {
      kind: "sequence",
      name: "issues-test",
      type: "dataset",
      versions: [
        version("issues-test:v0", "2024-11-04T09:05:00", {
          aliases: ["latest"],
          rows: 5_357,
          size: 6_688_201,
        }),
      ],
    },
    {
      kind: "sequence",
      name: "glove-embeddings",
      type: "embeddings",
      versions: [
        version("glove-embeddings:v0", "2024-10-01T12:00:00", {
          size: 862_182_613,
        }),
        version("glove-embeddings:v1", "2024-12-10T12:00:00", {
          aliases: ["latest"],
          size: 862_182_613,
        }),
      ],
    },
  ];
}

/** The model a run logged at its end: `model-<run id>` v0. */
function modelLoggedBy(run: FakeRun): FakeArtifactCollection {
  return {
    kind: "sequence",
    name: `model-${run.name}`,
    type: "model",
    versions: [{
      digest: digestOf(`model-${run.name}:v0`),
      aliases: ["latest"],
      createdAt: run.heartbeatAt ?? run.createdAt,
      createdBy: { run: run.name },
      metadata: { base_model: "distilroberta-base" },
      size: 328_512_004,
      fileCount: 6,
    }],
  };
}

/** The organisation's model registry: the production run's model as `production`. */
function registryProject(production: FakeRun): FakeProject {
  return {
    entity: EVIDENCE_ORG_ENTITY,
    name: EVIDENCE_REGISTRY_PROJECT,
    runs: [],
    artifactCollections: [{
      kind: "portfolio",
      name: EVIDENCE_REGISTRY_COLLECTION,
      type: "model",
      versions: [{
        source: {
          entity: BENCH_ENTITY,
          project: BENCH_PROJECT,
          collection: `model-${production.name}`,
          version: 0,
        },
        aliases: [PRODUCTION_ALIAS, "latest"],
      }],
    }],
  };
}

/** A normally distributed number (Box-Muller), mean 0, deviation 1. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) *
    Math.cos(2 * Math.PI * random());
}

/**
 * A run's history: {@linkcode HISTORY_STEPS} rows, each with `_step`,
 * `_runtime`, `_timestamp` and every metric of {@linkcode LOGGED_METRICS},
 * as float32 values (what a PyTorch script logs), so each value takes as
 * many digits in JSON as W&B serves. Losses fall and flatten, accuracies
 * rise and flatten, with noise a few percent of the change: curves that
 * converge.
 */
function trainingHistory(
  run: FakeRun,
  random: () => number,
): Record<string, unknown>[] {
  const start = Date.parse(`${run.createdAt}Z`) / 1000;
  const secondsPerStep = 2.5 + random();
  const floor = 0.2 + random() * 0.2;
  const ceiling = 0.86 + random() * 0.08;
  const pace = 120 + random() * 60;
  const rows: Record<string, unknown>[] = [];
  for (let step = 0; step < HISTORY_STEPS; step++) {
    const left = Math.exp(-step / pace);
    const noisy = (value: number, deviation: number) =>
      Math.fround(value + deviation * gaussian(random));
    const runtime = (step + 1) * secondsPerStep;
    rows.push({
      _step: step,
      _runtime: Math.fround(runtime),
      _timestamp: start + runtime,
      loss: noisy(floor + 1.9 * left, 0.02),
      val_loss: noisy(floor + 0.08 + 1.7 * left, 0.025),
      acc: noisy(ceiling - 0.55 * left, 0.006),
      val_acc: noisy(ceiling - 0.03 - 0.5 * left, 0.008),
      val_f1: noisy(ceiling - 0.05 - 0.5 * left, 0.009),
      lr: Math.fround(
        5e-5 * Math.min(1, (step + 1) / 50) * (1 - step / HISTORY_STEPS),
      ),
      grad_norm: noisy(0.6 + 2.4 * left, 0.05),
      throughput: noisy(190, 6),
    });
  }
  return rows;
}

/** A stable 32-hex-digit content digest for a label. */
function digestOf(label: string): string {
  let text = "";
  for (let round = 0; round < 4; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (const char of label) {
      hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    }
    text += hash.toString(16).padStart(8, "0");
  }
  return text;
}
