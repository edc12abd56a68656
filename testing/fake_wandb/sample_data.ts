/**
 * Demo data for the fake W&B server: the seed README's example project, grown to cover every case the action
 * must handle (training curves, the datasets each run used and the model each finished run logged included),
 * the organisation owning a model registry whose aliases lead back to runs, and generated runs for paging
 * tests.
 *
 * To serve all of it, start the fake with {@link demoWandbOptions}:
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEMO_ORG_ENTITY, DEMO_REGISTRY_PROJECT, demoWandbOptions } from "./sample_data.ts";
 * import { startFakeWandb } from "./server.ts";
 *
 * const fake = startFakeWandb({ ...demoWandbOptions(), port: 0 });
 * assert.ok(fake.projects.some((project) =>
 *   project.entity === DEMO_ORG_ENTITY && project.name === DEMO_REGISTRY_PROJECT
 * ));
 * await fake.close();
 * ```
 *
 * @module
 */

import { curveHistory, fakeDigest, type MetricCurve } from "./_demo_curves.ts";
import type {
  FakeArtifactSequence,
  FakeArtifactUse,
  FakeOrganization,
  FakeProject,
  FakeRun,
  FakeWandbOptions,
} from "./server.ts";

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

/** The demo organisation's display name. */
export const DEMO_ORG_NAME = "GitHub";

/** The org entity of {@link DEMO_ORG_NAME}: owner of the registry project. */
export const DEMO_ORG_ENTITY = "github-org";

/** A member's personal entity in {@link DEMO_ORG_NAME}; it also created the hand-tuned model. */
export const DEMO_MEMBER_ENTITY = "octocat";

/** The demo's W&B Registry project, owned by {@link DEMO_ORG_ENTITY}. */
export const DEMO_REGISTRY_PROJECT = "wandb-registry-model";

/** The registry collection (a portfolio of `model` artifacts) in {@link DEMO_REGISTRY_PROJECT}. */
export const DEMO_REGISTRY_COLLECTION = "issue-labeler";

/** The registry alias of the model in production. */
export const DEMO_PRODUCTION_ALIAS = "production";

/** The run that logged the production model: gentle-fire-8, tagged `reference`, not `baseline`. */
export const DEMO_PRODUCTION_RUN = "j5x2m8cw";

/** The registry alias of a model uploaded by a user, not logged by a run. */
export const DEMO_MANUAL_ALIAS = "manual";

/** The registry alias of a model whose run lives in {@link DEMO_ARCHIVE_PROJECT}, hidden from the demo key. */
export const DEMO_ARCHIVED_ALIAS = "archived";

/** The registry alias of the candidate model being staged: proud-star-9's, which overfits. */
export const DEMO_STAGING_ALIAS = "staging";

/** A project of {@link DEMO_ENTITY} the demo key cannot read, holding the archived model's run. */
export const DEMO_ARCHIVE_PROJECT = "issue-labels-archive";

/** The run in {@link DEMO_ARCHIVE_PROJECT} that logged the archived model. */
export const DEMO_ARCHIVE_RUN = "a7rc9kd2";

/** The run whose `val_loss` falls then rises again in its last third: proud-star-9. */
export const DEMO_OVERFITTING_RUN = "v6q1n4ts";

/** The run that used the stale training set `issues-train:v0`: happy-frog-3. */
export const DEMO_STALE_DATA_RUN = "15u8cbod";

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
 * History: every run with metrics has rows from step 0 to its summary `_step` (50 rows for the finished runs,
 * 10 for dashing-leaf-4), `loss`/`acc` every step, `val_loss`/`val_acc` every other step and at the last,
 * the last row equal to the summary; misty-moon-6's loss goes to `Infinity` then `NaN`; proud-star-9's
 * `val_loss` falls, then rises in its last third. wild-field-11 logged nothing.
 *
 * Artifacts: datasets `issues-train` (v0, v1 `latest`), `issues-test` (v0 `latest`), `glove-embeddings`
 * (`embeddings`, v0 to v2, v2 `latest`), uploaded by the user `github`; `model-<run id>` v0 `latest` logged by
 * each finished run; `issue-labeler-hand-tuned` v0 uploaded by {@link DEMO_MEMBER_ENTITY}. Used: the standard
 * inputs are `issues-train:v1`, `issues-test:v0`, `glove-embeddings:v2`; happy-frog-3 used `issues-train:v0`
 * and `issues-test:v0`; gentle-fire-8 and lively-dew-10 `issues-train:v1` and `issues-test:v0`;
 * wild-field-11 nothing.
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
        ...finishedSummary(49, 41.87912368774414, 1582909432),
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
        ...finishedSummary(49, 39.51067590713501, 1583055187),
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
        ...finishedSummary(49, 44.62135577201843, 1583226101),
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
        ...finishedSummary(49, 43.25040578842163, 1583226412),
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
        ...finishedSummary(49, 61.03350591659546, 1583227600),
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
        ...finishedSummary(49, 44.09918284416199, 1583227960),
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
        ...finishedSummary(49, 30.7431435585022, 1583228315),
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
  for (const run of runs) {
    const history = demoHistory(run);
    if (history !== undefined) run.history = history;
    const used = DEMO_INPUTS[run.name];
    if (used !== undefined) {
      run.usedArtifacts = used.map((name) => demoArtifactUse(name));
    }
  }
  return {
    entity: DEMO_ENTITY,
    name: DEMO_PROJECT,
    runs,
    artifactCollections: [
      ...demoDatasets(),
      ...runs.filter((run) => run.state === "finished").map((run) =>
        modelLoggedBy(run)
      ),
      {
        kind: "sequence",
        name: "issue-labeler-hand-tuned",
        type: "model",
        versions: [{
          digest: fakeDigest("issue-labeler-hand-tuned:v0"),
          aliases: ["latest"],
          createdAt: "2020-03-04T08:30:00",
          createdBy: { user: DEMO_MEMBER_ENTITY },
          description: "Rules tuned by hand on top of dandy-river-1's model",
          size: 48_211_904,
          fileCount: 3,
        }],
      },
    ],
  };
}

/** The standard inputs of a training run. */
const STANDARD_INPUTS = [
  "issues-train:v1",
  "issues-test:v0",
  "glove-embeddings:v2",
];

/** The artifacts each demo run used, by run id (`<collection>:v<N>` in the demo project). */
const DEMO_INPUTS: Record<string, string[]> = {
  cqigzoxc: STANDARD_INPUTS,
  p9f3k7ra: STANDARD_INPUTS,
  "15u8cbod": ["issues-train:v0", "issues-test:v0"],
  e6lo523p: STANDARD_INPUTS,
  k3m9p2xq: STANDARD_INPUTS,
  w2h7d5qe: STANDARD_INPUTS,
  t4n8b1zv: STANDARD_INPUTS,
  j5x2m8cw: ["issues-train:v1", "issues-test:v0"],
  v6q1n4ts: STANDARD_INPUTS,
  h8r3e6ou: ["issues-train:v1", "issues-test:v0"],
};

/** A use of `<collection>:v<N>` of the demo project. */
function demoArtifactUse(name: string): FakeArtifactUse {
  const [collection, version] = name.split(":v");
  return {
    entity: DEMO_ENTITY,
    project: DEMO_PROJECT,
    collection,
    version: Number(version),
  };
}

/** The demo project's datasets and embeddings, uploaded by the user `github`. */
function demoDatasets(): FakeArtifactSequence[] {
  const version = (
    label: string,
    createdAt: string,
    extra: { aliases?: string[]; rows?: number; size: number },
  ) => ({
    digest: fakeDigest(label),
    aliases: extra.aliases ?? [],
    createdAt,
    createdBy: { user: DEMO_USER.username },
    metadata: extra.rows === undefined ? null : { rows: extra.rows },
    size: extra.size,
    fileCount: 1,
  });
  return [
    {
      kind: "sequence",
      name: "issues-train",
      type: "dataset",
      versions: [
        version("issues-train:v0", "2020-02-20T10:00:00", {
          rows: 1200,
          size: 1_482_113,
        }),
        version("issues-train:v1", "2020-02-27T16:40:00", {
          aliases: ["latest"],
          rows: 1340,
          size: 1_655_902,
        }),
      ],
    },
    {
      kind: "sequence",
      name: "issues-test",
      type: "dataset",
      versions: [
        version("issues-test:v0", "2020-02-20T10:05:00", {
          aliases: ["latest"],
          rows: 8,
          size: 10_377,
        }),
      ],
    },
    {
      kind: "sequence",
      name: "glove-embeddings",
      type: "embeddings",
      versions: [
        version("glove-embeddings:v0", "2020-01-15T12:00:00", {
          size: 68_745_012,
        }),
        version("glove-embeddings:v1", "2020-02-02T12:00:00", {
          size: 68_745_012,
        }),
        version("glove-embeddings:v2", "2020-02-18T12:00:00", {
          aliases: ["latest"],
          size: 68_745_012,
        }),
      ],
    },
  ];
}

/** The model a finished run logged at its end: `model-<run id>` v0, alias `latest`. */
function modelLoggedBy(run: FakeRun): FakeArtifactSequence {
  return {
    kind: "sequence",
    name: `model-${run.name}`,
    type: "model",
    versions: [{
      digest: fakeDigest(`model-${run.name}:v0`),
      aliases: ["latest"],
      createdAt: run.heartbeatAt ?? run.createdAt,
      createdBy: { run: run.name },
      metadata: { num_layers: run.config?.num_layers },
      size: 48_000_000 + 1_000_000 * Number(run.config?.num_layers ?? 0),
      fileCount: 2,
    }],
  };
}

/**
 * A demo run's history, built from its summary: `undefined` for a run that logged no metric. misty-moon-6's
 * loss is written out (it diverges); proud-star-9's `val_loss` turns back up; runs that stopped early (not
 * finished) still fall steeply.
 */
function demoHistory(run: FakeRun): Record<string, unknown>[] | undefined {
  const summary = run.summaryMetrics ?? {};
  const step = summary._step as number;
  const runtime = summary._runtime as number;
  const timestamp = summary._timestamp as number | undefined;
  if (run.name === "w2h7d5qe") {
    const start = timestamp! - runtime;
    return [
      {
        _step: 0,
        _runtime: 3.1,
        _timestamp: start + 3.1,
        acc: 0.328358,
        loss: 2.871302,
      },
      {
        _step: 1,
        _runtime: 6.4,
        _timestamp: start + 6.4,
        acc: 0.208955,
        loss: Infinity,
      },
      {
        _step: 2,
        _runtime: runtime,
        _timestamp: timestamp,
        acc: summary.acc,
        loss: summary.loss,
      },
    ];
  }
  const metrics: Record<string, MetricCurve> = {};
  const final = (key: string) => summary[key] as number;
  if (typeof summary.loss === "number") {
    metrics.loss = { start: 1.12, final: final("loss") };
  }
  if (typeof summary.acc === "number") {
    metrics.acc = { start: 0.34, final: final("acc") };
  }
  if (typeof summary.val_loss === "number") {
    metrics.val_loss = {
      start: Math.max(1.12, final("val_loss") + 0.06),
      final: final("val_loss"),
      every: 2,
    };
  }
  if (typeof summary.val_acc === "number") {
    metrics.val_acc = {
      start: Math.min(0.25, final("val_acc") - 0.125),
      final: final("val_acc"),
      every: 2,
      quantum: 0.125,
    };
  }
  if (Object.keys(metrics).length === 0) return undefined;
  if (run.name === DEMO_OVERFITTING_RUN) {
    metrics.val_loss = {
      ...metrics.val_loss,
      turnAt: 0.62,
      turnValue: final("val_loss") - 0.09,
    };
  }
  return curveHistory({
    lastStep: step,
    metrics,
    runtime,
    timestamp,
    rate: run.state === "finished" ? 6 : 2,
    seed: run.name,
    lastRowExtras: summary.eval === undefined ? {} : { eval: summary.eval },
  });
}

/**
 * A project of {@link DEMO_ENTITY} hidden from the demo key ({@link DEMO_ARCHIVE_PROJECT}): one old finished
 * run, {@link DEMO_ARCHIVE_RUN} (old-owl-1), and the model it logged, linked in the registry as
 * {@link DEMO_ARCHIVED_ALIAS}.
 *
 * @returns A fresh copy each call.
 */
export function demoArchiveProject(): FakeProject {
  const run: FakeRun = {
    name: DEMO_ARCHIVE_RUN,
    displayName: "old-owl-1",
    state: "finished",
    tags: ["baseline"],
    config: { learning_rate: 0.001, num_layers: 2 },
    summaryMetrics: {
      acc: 0.8731343150138855,
      loss: 0.5890271663665771,
      val_acc: 0.5,
      val_loss: 1.1042883396148682,
      ...finishedSummary(29, 35.2, 1573567365),
    },
    createdAt: "2019-11-12T14:02:10",
    heartbeatAt: "2019-11-12T14:02:45",
    user: DEMO_USER,
  };
  run.history = demoHistory(run);
  return {
    entity: DEMO_ENTITY,
    name: DEMO_ARCHIVE_PROJECT,
    hiddenFromKey: true,
    runs: [run],
    artifactCollections: [modelLoggedBy(run)],
  };
}

/**
 * The registry project {@link DEMO_ORG_ENTITY}/{@link DEMO_REGISTRY_PROJECT}: the portfolio
 * {@link DEMO_REGISTRY_COLLECTION} (type `model`), each version a link to a model logged elsewhere:
 *
 * | registry version | aliases | source | created by |
 * |---|---|---|---|
 * | v0 | | `github/predict-issue-labels/model-cqigzoxc:v0` | run dandy-river-1 |
 * | v1 | `production` | `github/predict-issue-labels/model-j5x2m8cw:v0` | run gentle-fire-8 ({@link DEMO_PRODUCTION_RUN}) |
 * | v2 | `manual` | `github/predict-issue-labels/issue-labeler-hand-tuned:v0` | user {@link DEMO_MEMBER_ENTITY} |
 * | v3 | `archived` | `github/issue-labels-archive/model-a7rc9kd2:v0` | a run the key cannot read (null) |
 * | v4 | `staging`, `latest` | `github/predict-issue-labels/model-v6q1n4ts:v0` | run proud-star-9 |
 *
 * Serve it with {@link demoProject} and {@link demoArchiveProject} (its links point there) and
 * {@link demoOrganizations} (its owner must be an org entity): {@link demoWandbOptions} does.
 *
 * @returns A fresh copy each call.
 */
export function demoRegistryProject(): FakeProject {
  const link = (project: string, collection: string, aliases: string[]) => ({
    source: { entity: DEMO_ENTITY, project, collection, version: 0 },
    aliases,
  });
  return {
    entity: DEMO_ORG_ENTITY,
    name: DEMO_REGISTRY_PROJECT,
    runs: [],
    artifactCollections: [{
      kind: "portfolio",
      name: DEMO_REGISTRY_COLLECTION,
      type: "model",
      versions: [
        link(DEMO_PROJECT, "model-cqigzoxc", []),
        link(DEMO_PROJECT, `model-${DEMO_PRODUCTION_RUN}`, [
          DEMO_PRODUCTION_ALIAS,
        ]),
        link(DEMO_PROJECT, "issue-labeler-hand-tuned", [DEMO_MANUAL_ALIAS]),
        link(DEMO_ARCHIVE_PROJECT, `model-${DEMO_ARCHIVE_RUN}`, [
          DEMO_ARCHIVED_ALIAS,
        ]),
        link(DEMO_PROJECT, `model-${DEMO_OVERFITTING_RUN}`, [
          DEMO_STAGING_ALIAS,
          "latest",
        ]),
      ],
    }],
  };
}

/**
 * The demo organisation: {@link DEMO_ORG_NAME}, org entity {@link DEMO_ORG_ENTITY}, team entity
 * {@link DEMO_ENTITY}, member {@link DEMO_MEMBER_ENTITY}.
 *
 * @returns A fresh copy each call.
 */
export function demoOrganizations(): FakeOrganization[] {
  return [{
    name: DEMO_ORG_NAME,
    orgEntity: DEMO_ORG_ENTITY,
    teamEntities: [DEMO_ENTITY],
    userEntities: [DEMO_MEMBER_ENTITY],
  }];
}

/**
 * Everything the demo serves, as options for `startFakeWandb`: {@link demoProject} (first, so the viewer is
 * {@link DEMO_ENTITY}), {@link demoArchiveProject}, {@link demoRegistryProject}, {@link demoOrganizations} and
 * {@link DEMO_API_KEY}. Add `port`, `latencyMs`, `historySeed` as needed.
 *
 * @returns Fresh options each call.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEMO_API_KEY, demoWandbOptions } from "./sample_data.ts";
 *
 * const options = demoWandbOptions();
 * assert.deepEqual(options.apiKeys, [DEMO_API_KEY]);
 * assert.equal(options.projects.length, 3);
 * ```
 */
export function demoWandbOptions(): Pick<
  FakeWandbOptions,
  "projects" | "apiKeys" | "organizations"
> {
  return {
    projects: [demoProject(), demoArchiveProject(), demoRegistryProject()],
    apiKeys: [DEMO_API_KEY],
    organizations: demoOrganizations(),
  };
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
