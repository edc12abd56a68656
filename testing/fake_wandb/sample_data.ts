/**
 * Demo data for the fake W&B server: the seed README's example project, grown to cover every case the action
 * must handle, and generated runs for paging tests.
 *
 * @module
 */

import type { FakeProject, FakeRun } from "./server.ts";

/** The demo entity (the seed's `github/predict-issue-labels`). */
export const DEMO_ENTITY = "github";

/** The demo project. */
export const DEMO_PROJECT = "predict-issue-labels";

/** The commit the demo's candidate runs logged as config `github_sha`. */
export const DEMO_SHA = "86edd034aaba1498dbae6465cf994de90be6a4b2";

/** An older commit, logged by the demo's baselines and by runs that match nothing. */
export const DEMO_OTHER_SHA = "1b7e4d2f9c03a8e5b6d1f4a7c2e9b0d3f5a8c6e1";

/** The data version one demo candidate logged as config `secondary_sha`. */
export const DEMO_SECONDARY_SHA = "9a4c2e7f1b3d5a6c8e0f2b4d6a8c0e1f3b5d7a90";

/** The API key the demo server accepts (fake: `demo-` and 40 hex digits). */
export const DEMO_API_KEY = "demo-5f0c7a9e2b4d6f81a3c5e7092b4d6f8a1c3e5f70";

const DEMO_USER = { name: "GitHub Actions", username: "github" };

/** A finished run's bookkeeping summary entries. */
function finishedSummary(step: number, runtime: number, timestamp: number) {
  return {
    _step: step,
    _runtime: runtime,
    _timestamp: timestamp,
    _wandb: { runtime: Math.round(runtime) },
  };
}

/**
 * The demo project, `github/predict-issue-labels`, its runs in creation order:
 *
 * | id | display name | state | tags | github_sha | role in a query for {@link DEMO_SHA} with tag `baseline` |
 * |---|---|---|---|---|---|
 * | `cqigzoxc` | dandy-river-1 | finished | baseline | other (legacy config format) | baseline |
 * | `p9f3k7ra` | silver-oak-2 | finished | baseline | none | baseline (only via `$exists: false`) |
 * | `15u8cbod` | happy-frog-3 | finished | baseline, test | DEMO_SHA | candidate, though tagged baseline |
 * | `e6lo523p` | dashing-leaf-4 | finished | | DEMO_SHA | candidate (nested `eval.f1`) |
 * | `k3m9p2xq` | brisk-wave-5 | running | | DEMO_SHA | candidate, no val metrics yet |
 * | `w2h7d5qe` | misty-moon-6 | crashed | | DEMO_SHA | candidate, loss `NaN` |
 * | `t4n8b1zv` | quiet-sun-7 | killed | | DEMO_SHA | candidate, in a sweep |
 * | `j5x2m8cw` | gentle-fire-8 | finished | reference | other | baseline only for tag `reference` |
 * | `v6q1n4ts` | proud-star-9 | finished | | DEMO_SHA, secondary_sha | candidate; the only one for DEMO_SECONDARY_SHA |
 * | `h8r3e6ou` | lively-dew-10 | finished | | other | nothing |
 * | `c4d7g2ms` | wild-field-11 | failed | test | none | nothing |
 *
 * @returns A fresh copy each call, so tests may edit it.
 */
export function demoProject(): FakeProject {
  const runs: FakeRun[] = [
    {
      name: "cqigzoxc",
      displayName: "dandy-river-1",
      state: "finished",
      tags: ["baseline"],
      legacyConfigFormat: true,
      config: {
        learning_rate: 0.001,
        num_layers: 2,
        github_sha: DEMO_OTHER_SHA,
      },
      summaryMetrics: {
        acc: 0.9253731369972229,
        loss: 0.44147372245788574,
        val_acc: 0.375,
        val_loss: 1.0953259468078613,
        ...finishedSummary(9, 41.87912368774414, 1582909432),
      },
      commit: DEMO_OTHER_SHA,
      createdAt: "2020-02-28T17:03:11",
      heartbeatAt: "2020-02-28T17:03:53",
      user: DEMO_USER,
    },
    {
      name: "p9f3k7ra",
      displayName: "silver-oak-2",
      state: "finished",
      tags: ["baseline"],
      config: { learning_rate: 0.002, num_layers: 2 },
      summaryMetrics: {
        acc: 0.9104477763175964,
        loss: 0.4721580445766449,
        val_acc: 0.625,
        val_loss: 1.0712043046951294,
        ...finishedSummary(9, 39.51067590713501, 1583055187),
      },
      description: "Baseline trained by hand, before github_sha was logged",
      createdAt: "2020-03-01T09:32:27",
      heartbeatAt: "2020-03-01T09:33:07",
      user: DEMO_USER,
    },
    {
      name: "15u8cbod",
      displayName: "happy-frog-3",
      state: "finished",
      tags: ["baseline", "test"],
      config: { learning_rate: 0.001, num_layers: 3, github_sha: DEMO_SHA },
      summaryMetrics: {
        acc: 0.8805969953536987,
        loss: 0.6051486134529114,
        val_acc: 0.5,
        val_loss: 1.0803697109222412,
        ...finishedSummary(9, 44.62135577201843, 1583226101),
      },
      description:
        'Re-run of the baseline, "frozen" embeddings\nsecond line of the description',
      commit: DEMO_SHA,
      createdAt: "2020-03-03T09:00:56",
      heartbeatAt: "2020-03-03T09:01:41",
      user: DEMO_USER,
    },
    {
      name: "e6lo523p",
      displayName: "dashing-leaf-4",
      state: "finished",
      tags: [],
      config: { learning_rate: 0.0005, num_layers: 3, github_sha: DEMO_SHA },
      summaryMetrics: {
        acc: 0.8962264060974121,
        loss: 0.5400477123260498,
        val_acc: 1,
        val_loss: 1.0541656017303467,
        eval: { f1: 0.8812154696132597 },
        ...finishedSummary(9, 43.25040578842163, 1583226412),
      },
      commit: DEMO_SHA,
      createdAt: "2020-03-03T09:06:08",
      heartbeatAt: "2020-03-03T09:06:52",
      user: DEMO_USER,
    },
    {
      name: "k3m9p2xq",
      displayName: "brisk-wave-5",
      state: "running",
      config: {
        learning_rate: 0.0001,
        num_layers: 4,
        docker_digest:
          "sha256:4c1e2a0f9d7b3e5a6c8d0f1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
        github_sha: DEMO_SHA,
      },
      summaryMetrics: {
        acc: 0.7014925479888916,
        loss: 0.8123409152030945,
        _step: 3,
        _runtime: 15.203,
        _timestamp: 1583226731,
      },
      commit: DEMO_SHA,
      createdAt: "2020-03-03T09:12:01",
      heartbeatAt: "2020-03-03T09:12:16",
      user: DEMO_USER,
    },
    {
      name: "w2h7d5qe",
      displayName: "misty-moon-6",
      state: "crashed",
      config: {
        learning_rate: 0.1,
        num_layers: 4,
        docker_digest:
          "sha256:4c1e2a0f9d7b3e5a6c8d0f1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
        github_sha: DEMO_SHA,
      },
      summaryMetrics: {
        acc: 0.1044776141643524,
        loss: Number.NaN,
        _step: 2,
        _runtime: 9.8,
        _timestamp: 1583226802,
      },
      commit: DEMO_SHA,
      createdAt: "2020-03-03T09:13:12",
      heartbeatAt: "2020-03-03T09:13:22",
      user: DEMO_USER,
    },
    {
      name: "t4n8b1zv",
      displayName: "quiet-sun-7",
      state: "killed",
      config: {
        learning_rate: 0.003,
        num_layers: 2,
        docker_digest:
          "sha256:4c1e2a0f9d7b3e5a6c8d0f1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
        github_sha: DEMO_SHA,
      },
      summaryMetrics: {
        acc: 0.8358209133148193,
        loss: 0.6644880175590515,
        _step: 5,
        _runtime: 22.4,
      },
      sweepName: "q8w2e4r6",
      group: "lr-sweep",
      jobType: "train",
      commit: DEMO_SHA,
      createdAt: "2020-03-03T09:15:40",
      heartbeatAt: "2020-03-03T09:16:03",
      user: DEMO_USER,
    },
    {
      name: "j5x2m8cw",
      displayName: "gentle-fire-8",
      state: "finished",
      tags: ["reference"],
      config: {
        learning_rate: 0.001,
        num_layers: 6,
        github_sha: DEMO_OTHER_SHA,
      },
      summaryMetrics: {
        acc: 0.9402984976768494,
        loss: 0.3907356560230255,
        val_acc: 0.75,
        val_loss: 0.9927386045455933,
        ...finishedSummary(9, 61.03350591659546, 1583227600),
      },
      notes: "Current production model",
      commit: DEMO_OTHER_SHA,
      createdAt: "2020-03-03T09:25:38",
      heartbeatAt: "2020-03-03T09:26:40",
      user: DEMO_USER,
    },
    {
      name: "v6q1n4ts",
      displayName: "proud-star-9",
      state: "finished",
      config: {
        learning_rate: 0.0005,
        num_layers: 3,
        docker_digest:
          "sha256:4c1e2a0f9d7b3e5a6c8d0f1b2a3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
        github_sha: DEMO_SHA,
        secondary_sha: DEMO_SECONDARY_SHA,
      },
      summaryMetrics: {
        acc: 0.9029850959777832,
        loss: 0.5132960081100464,
        val_acc: 0.875,
        val_loss: 1.0227680206298828,
        ...finishedSummary(9, 44.09918284416199, 1583227960),
      },
      commit: DEMO_SHA,
      createdAt: "2020-03-03T09:31:55",
      heartbeatAt: "2020-03-03T09:32:40",
      user: DEMO_USER,
    },
    {
      name: "h8r3e6ou",
      displayName: "lively-dew-10",
      state: "finished",
      config: {
        learning_rate: 0.01,
        num_layers: 1,
        github_sha: DEMO_OTHER_SHA,
      },
      summaryMetrics: {
        acc: 0.6567164063453674,
        loss: 0.9011822938919067,
        val_acc: 0.25,
        val_loss: 1.3011599779129028,
        ...finishedSummary(9, 30.7431435585022, 1583228315),
      },
      commit: DEMO_OTHER_SHA,
      createdAt: "2020-03-03T09:38:05",
      heartbeatAt: "2020-03-03T09:38:36",
      user: DEMO_USER,
    },
    {
      name: "c4d7g2ms",
      displayName: "wild-field-11",
      state: "failed",
      tags: ["test"],
      config: { learning_rate: 0.001, num_layers: 3 },
      summaryMetrics: { _step: 0, _runtime: 1.2 },
      createdAt: "2020-03-03T09:40:17",
      heartbeatAt: "2020-03-03T09:40:19",
      user: DEMO_USER,
    },
  ];
  return { entity: DEMO_ENTITY, name: DEMO_PROJECT, runs };
}

/** Options of {@link generateRuns}. */
export interface GenerateRunsOptions {
  /** Config `github_sha` of every run; none when absent. */
  sha?: string;
  /** Tags of every run. */
  tags?: string[];
  /** The index of the first run; runs with different indices never share an id. */
  startIndex?: number;
  /** The state of every run; `finished` when absent. */
  state?: string;
}

/**
 * Generates deterministic, distinct runs for paging tests: ids `g` + 7 base-36 digits of the index,
 * display names `generated-run-<index>`, one minute apart from 2024-01-01T00:00:00 (UTC) on.
 *
 * @param count How many runs.
 * @param options Their shared SHA, tags and state, and the first index.
 * @returns The runs, oldest first.
 */
export function generateRuns(
  count: number,
  options: GenerateRunsOptions = {},
): FakeRun[] {
  const start = options.startIndex ?? 0;
  return Array.from({ length: count }, (_, offset) => {
    const index = start + offset;
    const config: Record<string, unknown> = {
      learning_rate: 0.001 * (1 + index % 10),
      num_layers: 1 + index % 4,
    };
    if (options.sha !== undefined) config.github_sha = options.sha;
    const acc = 0.5 + (index * 7919 % 4999) / 10000;
    return {
      name: `g${index.toString(36).padStart(7, "0")}`,
      displayName: `generated-run-${index}`,
      state: options.state ?? "finished",
      tags: [...options.tags ?? []],
      config,
      summaryMetrics: {
        acc,
        loss: 1 - acc,
        _step: index % 100,
        _runtime: 10 + index % 50,
      },
      createdAt: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString()
        .slice(0, 19),
    };
  });
}
