/**
 * A realistic W&B project for the benchmark: 100,000 runs (by default) whose
 * summaries hold ~150 keys (flat numbers, nested objects, media references, a
 * histogram, long strings, `_step`, `_runtime`, `_timestamp`, `_wandb`),
 * whose configs hold ~60 keys (the fake adds `_wandb`), and whose system
 * metrics are ~1 KB.
 *
 * Some runs carry config `github_sha` equal to a benchmark SHA, one SHA per
 * scale, spread over the project's history; a few are tagged `baseline`; the
 * rest logged other commits. Only the matching and baseline runs get objects
 * of their own: the others share a pool of template summaries and configs
 * (same shape and size), which keeps 100,000 runs in a few hundred MB while
 * every run still filters by its own SHA and tags.
 *
 * @module
 */

import type { FakeProject, FakeRun } from "../testing/fake_wandb/server.ts";
import { seededRandom } from "../testing/fake_wandb/_history.ts";

/** The entity of the benchmark project. */
export const BENCH_ENTITY = "ml-review";

/** The name of the benchmark project. */
export const BENCH_PROJECT = "predict-issue-labels";

/** The API key the benchmark's fake W&B accepts (fake: `bench-` and 40 hex digits). */
export const BENCH_API_KEY = "bench-2f8a6c4e0b1d3f5a7c9e1b3d5f7a9c0e2b4d6f8a";

/** The tag that marks baseline runs. */
export const BASELINE_TAG = "baseline";

/** The summary metrics the benchmark displays; `eval.f1` reaches into a nested object. */
export const DISPLAY_METRICS: readonly string[] = [
  "acc",
  "loss",
  "val_acc",
  "eval.f1",
];

/** The config values the benchmark displays. */
export const DISPLAY_CONFIG_VARS: readonly string[] = [
  "learning_rate",
  "num_layers",
];

/** How to build the project. */
export interface RealisticProjectOptions {
  /** Runs in the project, all sets included. */
  totalRuns: number;
  /** One set of matching runs per count, each under its own SHA ({@linkcode benchSha}). */
  matchingRunCounts: readonly number[];
  /** Runs tagged {@linkcode BASELINE_TAG}, with other SHAs. Default 5. */
  baselineRuns?: number;
}

/** The project, and where its interesting runs are. */
export interface RealisticProject {
  /** The project for `startFakeWandb`. */
  project: FakeProject;
  /** The runs matching each count's SHA, oldest first, by count. */
  matchingRuns: Map<number, FakeRun[]>;
  /** The baseline-tagged runs, oldest first. */
  baselineRuns: FakeRun[];
}

/** A deterministic random number generator (mulberry32, seeded), so every build is the same. */
type Random = () => number;

/**
 * The 40-hex-digit commit SHA whose runs make the set of `matchingRuns` runs.
 *
 * @param matchingRuns The size of the set.
 * @returns A fixed SHA per size.
 */
export function benchSha(matchingRuns: number): string {
  return hexDigits(seededRandom(0x5ba + matchingRuns), 40);
}

function hexDigits(random: Random, length: number): string {
  let text = "";
  for (let index = 0; index < length; index++) {
    text += Math.floor(random() * 16).toString(16);
  }
  return text;
}

/** A multiplier coprime to 36^8, so that distinct indices give distinct run ids. */
const RUN_ID_MULTIPLIER = 2654435761;
const RUN_ID_SPACE = 36 ** 8;

/** An 8-character lower-case run id, as W&B makes them, unique per index. */
function runIdFor(index: number): string {
  return ((index + 1) * RUN_ID_MULTIPLIER % RUN_ID_SPACE).toString(36)
    .padStart(8, "0");
}

const ADJECTIVES = [
  "dashing",
  "silver",
  "happy",
  "brisk",
  "misty",
  "quiet",
  "gentle",
  "proud",
  "lively",
  "wild",
  "eager",
  "stellar",
];
const NOUNS = [
  "leaf",
  "oak",
  "frog",
  "wave",
  "moon",
  "sun",
  "fire",
  "star",
  "dew",
  "field",
  "fox",
  "river",
];

/** A display name such as W&B invents: `dashing-leaf-4`. */
function displayNameFor(index: number): string {
  return `${ADJECTIVES[index % ADJECTIVES.length]}-${
    NOUNS[Math.floor(index / ADJECTIVES.length) % NOUNS.length]
  }-${index + 1}`;
}

const PROJECT_START = Date.UTC(2025, 0, 6);
/** Seconds between runs: 100,000 runs span about two months. */
const SECONDS_BETWEEN_RUNS = 53;

/** A W&B timestamp: ISO-8601 without an offset, meaning UTC. */
function wandbTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19);
}

// Long strings shared by every summary: their text is not the point, their size is.
const MODEL_CARD = [
  "Issue label classifier fine-tuned from distilroberta-base on 48,213 GitHub issues",
  "(bug, feature, question). Trained with AdamW and a linear warm-up, early-stopped on",
  "validation F1. Known weaknesses: short issues with only a stack trace are labelled",
  "bug even when they ask a question; issues mixing several languages score lower.",
  "Evaluation uses the held-out split of March; macro-F1 is reported with per-class",
  "precision and recall. Intended for triage suggestions, never for closing issues.",
].join(" ");
const SAMPLE_PREDICTION =
  'Input: "App crashes when I click save twice, see trace below ..." -> predicted ' +
  '"bug" (0.93), "question" (0.05), "feature" (0.02); expected "bug". ' +
  "Tokens used: 412 of 512; truncated: false; latency 18.4 ms on the eval GPU.";
const CHECKPOINT_PATH =
  "s3://ml-review-models/predict-issue-labels/checkpoints/2025-01-06/distilroberta-base/epoch-12/model.safetensors";

/** The numeric metrics logged per layer, as a training script logs gradients and weights. */
const LAYER_METRICS = ["grad_norm", "weight_norm", "update_ratio"] as const;
const LAYERS = 43;

/**
 * A summary of ~150 top-level keys, as a training run leaves it.
 *
 * @param random Where the values come from.
 * @param step The last step logged.
 * @param runtime Seconds the run took.
 * @param timestamp When it last logged, in seconds since the epoch.
 * @returns The summary.
 */
function realisticSummary(
  random: Random,
  step: number,
  runtime: number,
  timestamp: number,
): Record<string, unknown> {
  const acc = 0.82 + random() * 0.12;
  const valAcc = acc - 0.02 - random() * 0.05;
  const summary: Record<string, unknown> = {
    acc,
    loss: 0.2 + random() * 0.4,
    val_acc: valAcc,
    val_loss: 0.3 + random() * 0.5,
    eval: {
      f1: valAcc - 0.01 - random() * 0.03,
      precision: valAcc + random() * 0.02,
      recall: valAcc - random() * 0.04,
      auc: 0.9 + random() * 0.09,
      accuracy: valAcc,
    },
    per_class: {
      bug: {
        precision: random(),
        recall: random(),
        f1: random(),
        support: 612,
      },
      feature: {
        precision: random(),
        recall: random(),
        f1: random(),
        support: 488,
      },
      question: {
        precision: random(),
        recall: random(),
        f1: random(),
        support: 301,
      },
    },
    confusion_matrix: {
      _type: "table-file",
      path:
        `media/table/confusion_matrix_${step}_0f3a9c2e7b4d1a5c8e6f.table.json`,
      sha256:
        "0f3a9c2e7b4d1a5c8e6f2b9d0c7a4e1f3b5d8c6a9e2f0b4d7c1a3e5f8b6d9c0a",
      size: 2431,
      ncols: 3,
      nrows: 9,
    },
    "gradients/all": SHARED_HISTOGRAM,
    model_card: MODEL_CARD,
    sample_prediction: SAMPLE_PREDICTION,
    checkpoint_path: CHECKPOINT_PATH,
    epoch: 12,
    lr: 1.2e-5 * random(),
    "train/throughput": 180 + random() * 40,
    "train/tokens_seen": 48213 * 12 * 412,
    best_val_loss: 0.28 + random() * 0.1,
    best_epoch: 9,
  };
  for (let layer = 0; layer < LAYERS; layer++) {
    for (const metric of LAYER_METRICS) {
      summary[`layers/${layer}/${metric}`] = random() * 3;
    }
  }
  summary._step = step;
  summary._runtime = runtime;
  summary._timestamp = timestamp;
  summary._wandb = { runtime: Math.round(runtime) };
  return summary;
}

/** A 64-bin histogram, as `wandb.Histogram` logs it; shared, it is only payload. */
const SHARED_HISTOGRAM = (() => {
  const random = seededRandom(64);
  return {
    _type: "histogram",
    values: Array.from({ length: 64 }, () => Math.floor(random() * 5000)),
    bins: Array.from(
      { length: 65 },
      (_, index) => Number((-0.08 + index * 0.0025).toFixed(4)),
    ),
  };
})();

/**
 * A config of ~60 keys (the fake adds `_wandb`), as a training script logs
 * its hyper-parameters and provenance.
 *
 * @param random Where the values come from.
 * @param githubSha The commit the run logged.
 * @returns The plain config values.
 */
function realisticConfig(
  random: Random,
  githubSha: string,
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    learning_rate: [1e-5, 2e-5, 3e-5, 5e-5][Math.floor(random() * 4)],
    num_layers: 2 + Math.floor(random() * 5),
    batch_size: 32,
    epochs: 12,
    optimizer: "adamw",
    optimizer_config: { betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0.01 },
    scheduler: "linear",
    warmup_steps: 500,
    model_name: "distilroberta-base",
    tokenizer: "distilroberta-base",
    max_seq_length: 512,
    dropout: 0.1,
    attention_dropout: 0.1,
    hidden_sizes: [768, 384, 3],
    seed: Math.floor(random() * 100000),
    dataset: "gs://ml-review-data/issues/2025-01/train-*.parquet",
    eval_dataset: "gs://ml-review-data/issues/2025-01/validation-*.parquet",
    labels: ["bug", "feature", "question"],
    class_weights: { bug: 1, feature: 1.2, question: 1.9 },
    gradient_accumulation_steps: 2,
    fp16: true,
    gradient_checkpointing: false,
    early_stopping_patience: 3,
    docker_digest:
      "sha256:4c1e2a0f9d7b3e5a6c8d0f1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
    github_ref: "refs/heads/main",
    github_repository: "ml-review/predict-issue-labels",
    github_run_id: 9000000000 + Math.floor(random() * 1e8),
    github_sha: githubSha,
  };
  for (let index = 0; index < 32; index++) {
    config[`augmentation_${index}`] = index % 3 === 0
      ? random() < 0.5
      : Number((random() * 0.5).toFixed(3));
  }
  return config;
}

const GPU_METRICS = [
  "gpu",
  "memory",
  "temp",
  "powerWatts",
  "powerPercent",
  "memoryAllocated",
  "smClock",
] as const;

/** ~1 KB of system metrics, as the SDK's system monitor leaves them. */
function realisticSystemMetrics(random: Random): Record<string, unknown> {
  const metrics: Record<string, unknown> = {
    "system.cpu": random() * 100,
    "system.memory": random() * 100,
    "system.disk": 41.2,
    "system.network.sent": Math.floor(random() * 1e9),
    "system.network.recv": Math.floor(random() * 1e9),
    "system.proc.memory.rssMB": random() * 16000,
    "system.proc.cpu.threads": 48,
  };
  for (let gpu = 0; gpu < 4; gpu++) {
    for (const name of GPU_METRICS) {
      metrics[`system.gpu.${gpu}.${name}`] = Number(
        (random() * 100).toFixed(2),
      );
    }
  }
  return metrics;
}

/** What one run is in the project. */
type Role =
  | { kind: "matching"; sha: string; count: number }
  | { kind: "baseline" }
  | { kind: "other" };

/** Templates the non-matching runs share (configs carry their own SHAs). */
const SHARED_SUMMARIES = 16;
const SHARED_CONFIGS = 512;

/** The state of a matching run: mostly finished, as a CI project is. */
function matchingState(random: Random): string {
  const draw = random();
  if (draw < 0.94) return "finished";
  if (draw < 0.97) return "running";
  if (draw < 0.98) return "crashed";
  if (draw < 0.99) return "killed";
  return "failed";
}

/**
 * Builds the project. Matching runs are spread evenly over its history, each
 * set under its own SHA; baselines sit in its first half.
 *
 * @param options The project's size and its sets.
 * @returns The project and its interesting runs.
 */
export function realisticProject(
  options: RealisticProjectOptions,
): RealisticProject {
  const { totalRuns, matchingRunCounts } = options;
  const baselineCount = options.baselineRuns ?? 5;
  const roles: Role[] = new Array(totalRuns);
  const place = (position: number, role: Role) => {
    let free = position % totalRuns;
    while (roles[free] !== undefined) free = (free + 1) % totalRuns;
    roles[free] = role;
  };
  for (let baseline = 0; baseline < baselineCount; baseline++) {
    place(
      Math.floor((baseline + 0.5) * totalRuns / (2 * baselineCount)),
      { kind: "baseline" },
    );
  }
  for (const count of [...matchingRunCounts].sort((a, b) => b - a)) {
    if (count > totalRuns - baselineCount) {
      throw new RangeError(
        `Cannot build the project: ${count} matching runs do not fit in ${totalRuns}`,
      );
    }
    const role: Role = { kind: "matching", sha: benchSha(count), count };
    for (let index = 0; index < count; index++) {
      place(Math.floor((index + 0.37) * totalRuns / count), role);
    }
  }

  const random = seededRandom(2025);
  const sharedSummaries = Array.from(
    { length: SHARED_SUMMARIES },
    (_, index) => realisticSummary(random, 3000 + index, 3600, 1736150400),
  );
  const sharedConfigs = Array.from(
    { length: SHARED_CONFIGS },
    () => realisticConfig(random, hexDigits(random, 40)),
  );
  const sharedSystemMetrics = Array.from(
    { length: SHARED_SUMMARIES },
    () => realisticSystemMetrics(random),
  );
  const otherStates = ["finished", "finished", "finished", "crashed", "killed"];
  const otherTags = [[], [], ["nightly"], ["sweep", "nightly"]];

  const runs: FakeRun[] = [];
  const matchingRuns = new Map<number, FakeRun[]>(
    matchingRunCounts.map((count) => [count, []]),
  );
  const baselineRuns: FakeRun[] = [];
  for (let index = 0; index < totalRuns; index++) {
    const role = roles[index] ?? { kind: "other" };
    const created = PROJECT_START + index * SECONDS_BETWEEN_RUNS * 1000 +
      Math.floor(random() * 20_000);
    const runtime = 600 + random() * 3000;
    const run: FakeRun = {
      name: runIdFor(index),
      displayName: displayNameFor(index),
      state: otherStates[index % otherStates.length],
      tags: otherTags[index % otherTags.length],
      createdAt: wandbTime(created),
      heartbeatAt: wandbTime(created + runtime * 1000),
      config: sharedConfigs[index % SHARED_CONFIGS],
      summaryMetrics: sharedSummaries[index % SHARED_SUMMARIES],
      systemMetrics: sharedSystemMetrics[index % SHARED_SUMMARIES],
      commit: null,
    };
    if (role.kind !== "other") {
      const sha = role.kind === "matching" ? role.sha : hexDigits(random, 40);
      run.state = role.kind === "matching" ? matchingState(random) : "finished";
      run.tags = role.kind === "matching" ? ["ci"] : [BASELINE_TAG];
      run.config = realisticConfig(random, sha);
      run.summaryMetrics = realisticSummary(
        random,
        2000 + Math.floor(random() * 2000),
        runtime,
        Math.floor((created + runtime * 1000) / 1000),
      );
      run.systemMetrics = realisticSystemMetrics(random);
      run.commit = sha;
      if (index % 7 === 0) {
        run.description = `Trained by CI for ${
          sha.slice(0, 7)
        }, "nightly" settings, batch 32\nsee the PR for details`;
      }
      if (role.kind === "matching") matchingRuns.get(role.count)!.push(run);
      else baselineRuns.push(run);
    }
    runs.push(run);
  }
  return {
    project: { entity: BENCH_ENTITY, name: BENCH_PROJECT, runs },
    matchingRuns,
    baselineRuns,
  };
}
