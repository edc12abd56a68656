/**
 * Integration tests of `lib/gather_evidence.ts` against the fake W&B demo
 * over loopback: the runs are fetched first as the action's job fetches them
 * (`buildQueryPlan` + `fetchRuns` for {@linkcode DEMO_SHA}, baseline tag
 * `baseline`), then the evidence is gathered; the requests and the bytes it
 * adds are counted on the fake.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  ArtifactAliasError,
  type EvidenceRequest,
  type GatheredEvidence,
  gatherEvidence,
} from "../lib/gather_evidence.ts";
import { metricGoals } from "../lib/review/metric_goals.ts";
import { parseArtifactPath } from "../lib/wandb/artifact_path.ts";
import { type FetchedRuns, fetchRuns } from "../lib/wandb/fetch_runs.ts";
import { buildQueryPlan } from "../lib/wandb/query_plan.ts";
import type { WandbRun } from "../lib/wandb/run.ts";
import {
  DEMO_API_KEY,
  DEMO_ENTITY,
  DEMO_OTHER_SHA,
  DEMO_PRODUCTION_RUN,
  DEMO_PROJECT,
  DEMO_SHA,
  demoProject,
  demoWandbOptions,
} from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeArtifactPortfolio,
  type FakeArtifactSequence,
  type FakeProject,
  type FakeWandb,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";
import { startDemoWandb } from "./_helpers.ts";

const KEPT = { metrics: ["acc", "loss"], configVars: ["learning_rate"] };
const PRODUCTION = "github-org/wandb-registry-model/issue-labeler:production";
const PRODUCTION_NO_ORG = "wandb-registry-model/issue-labeler:production";

/** The demo's candidates for DEMO_SHA: finished, running, crashed, killed. */
const CANDIDATES = [
  "15u8cbod",
  "e6lo523p",
  "k3m9p2xq",
  "w2h7d5qe",
  "t4n8b1zv",
  "v6q1n4ts",
];
const FINISHED_CANDIDATES = ["15u8cbod", "e6lo523p", "v6q1n4ts"];

/** Fetches the runs as the job does, before any evidence. */
async function fetchDemoRuns(
  fake: FakeWandb,
  baselineTags: string[] = ["baseline"],
): Promise<FetchedRuns> {
  const plan = buildQueryPlan({
    entity: DEMO_ENTITY,
    project: DEMO_PROJECT,
    githubSha: DEMO_SHA,
    baselineTags,
  });
  return await fetchRuns(plan, {
    baseUrl: fake.url,
    apiKey: DEMO_API_KEY,
    metrics: KEPT.metrics,
    configVars: KEPT.configVars,
  });
}

function evidenceRequest(
  more: Partial<EvidenceRequest> = {},
): EvidenceRequest {
  return {
    entity: DEMO_ENTITY,
    project: DEMO_PROJECT,
    historyMetrics: [],
    samples: 500,
    expectedData: [],
    goals: metricGoals(["acc"]),
    aggregate: "best",
    kept: KEPT,
    ...more,
  };
}

/** Everything at once: curves, lineage, a production baseline and expected data. */
function everything(production = PRODUCTION): EvidenceRequest {
  return evidenceRequest({
    historyMetrics: ["loss", "val_loss"],
    dataTypes: ["dataset"],
    expectedData: [parseArtifactPath("issues-train:latest")],
    production: parseArtifactPath(production),
  });
}

/** What gathering cost on the fake: requests and response bytes after the runs were fetched. */
async function gatherOnFake(
  fake: FakeWandb,
  fetched: FetchedRuns,
  request: EvidenceRequest,
): Promise<GatheredEvidence & { asked: number; bytes: number }> {
  const before = fake.requests.length;
  const gathered = await gatherEvidence(fetched, request, {
    baseUrl: fake.url,
    apiKey: DEMO_API_KEY,
  });
  const added = fake.requests.slice(before);
  return {
    ...gathered,
    asked: added.length,
    bytes: added.reduce((sum, each) => sum + each.responseBytes, 0),
  };
}

function ids(runs: readonly WandbRun[]): string[] {
  return runs.map((run) => run.runId);
}

/** A stored demo run's logged points of one metric. */
function logged(runId: string, metric: string) {
  const run = demoProject().runs.find((each) => each.name === runId)!;
  return (run.history ?? []).flatMap((row) =>
    typeof row[metric] === "number"
      ? [{ step: row._step as number, value: row[metric] as number }]
      : []
  );
}

function storedDigest(collection: string, index: number): string {
  const sequence = demoProject().artifactCollections!.find((each) =>
    each.name === collection
  ) as FakeArtifactSequence;
  return sequence.versions[index].digest;
}

Deno.test("everything asked of the demo", async (t) => {
  const fake = startDemoWandb();
  try {
    const fetched = await fetchDemoRuns(fake);
    assert.deepEqual(ids(fetched.candidates), CANDIDATES);
    assert.deepEqual(ids(fetched.baselines), ["cqigzoxc", "p9f3k7ra"]);
    const gathered = await gatherOnFake(fake, fetched, everything());

    await t.step("costs 2 requests: the alias look-up and the records", () => {
      assert.equal(gathered.requests, 2);
      assert.equal(gathered.asked, 2);
    });

    await t.step(
      "the production run joins the baselines once, in creation order",
      () => {
        assert.deepEqual(ids(gathered.runs.candidates), CANDIDATES);
        assert.deepEqual(ids(gathered.runs.baselines), [
          "cqigzoxc",
          "p9f3k7ra",
          DEMO_PRODUCTION_RUN,
        ]);
        const production = gathered.runs.baselines[2];
        assert.equal(production.displayName, "gentle-fire-8");
        assert.deepEqual(production.tags, ["reference"]);
        assert.equal(production.location, undefined); // the reviewed project's
        assert.equal(production.summary.acc, 0.9402984976768494);
        assert.deepEqual(production.config, {
          github_sha: DEMO_OTHER_SHA,
          learning_rate: 0.001,
        });
        assert.deepEqual(gathered.evidence.production, {
          runId: DEMO_PRODUCTION_RUN,
          alias: PRODUCTION,
          version: {
            collection: `model-${DEMO_PRODUCTION_RUN}`,
            versionIndex: 0,
            type: "model",
            digest: storedDigest(`model-${DEMO_PRODUCTION_RUN}`, 0),
          },
        });
      },
    );

    await t.step("expected data: issues-train:latest is v1", () => {
      assert.deepEqual(gathered.evidence.expected, [{
        alias: "issues-train:latest",
        version: {
          collection: "issues-train",
          versionIndex: 1,
          type: "dataset",
          digest: storedDigest("issues-train", 1),
        },
      }]);
    });

    await t.step(
      "curves of the finished candidates, the compared baseline and the production run only",
      () => {
        // acc, best: dandy-river-1 (0.925) beats silver-oak-2 (0.910).
        assert.deepEqual(
          [...gathered.evidence.history.keys()].toSorted(),
          [...FINISHED_CANDIDATES, "cqigzoxc", DEMO_PRODUCTION_RUN].toSorted(),
        );
        for (const runId of gathered.evidence.history.keys()) {
          const curves = gathered.evidence.history.get(runId)!;
          assert.deepEqual(curves.get("loss"), logged(runId, "loss"), runId);
          assert.deepEqual(
            curves.get("val_loss"),
            logged(runId, "val_loss"),
            runId,
          );
        }
        assert.deepEqual(gathered.evidence.historyMetrics, [
          "loss",
          "val_loss",
        ]);
      },
    );

    await t.step("lineage of every reported run", () => {
      assert.deepEqual(
        [...gathered.evidence.inputs.keys()].toSorted(),
        [
          ...ids(gathered.runs.candidates),
          ...ids(gathered.runs.baselines),
        ].toSorted(),
      );
      assert.deepEqual(gathered.evidence.dataTypes, ["dataset"]);
      // happy-frog-3 trained on the stale issues-train:v0.
      const stale = gathered.evidence.inputs.get("15u8cbod")!
        .find((input) => input.collection === "issues-train")!;
      assert.equal(stale.versionIndex, 0);
      assert.notEqual(
        stale.digest,
        gathered.evidence.expected[0].version.digest,
      );
    });

    // Measured: 17,409 bytes in 2 answers (546 for the two aliases, 16,863 for
    // 9 runs' lineage and 5 runs' curves of 50 + 26 points, ~31 bytes a
    // point); fetching the 8 runs themselves took 3,308.
    await t.step(
      `response bytes added stay modest: ${gathered.bytes} bytes`,
      () => {
        assert.ok(gathered.bytes > 0);
        assert.ok(gathered.bytes < 24_000, `${gathered.bytes} bytes`);
      },
    );
  } finally {
    await fake.close();
  }
});

Deno.test("what gathering costs", async (t) => {
  await t.step(
    "a registry path without its org costs one request more, for the same evidence",
    async () => {
      const fake = startDemoWandb();
      try {
        const fetched = await fetchDemoRuns(fake);
        const withOrg = await gatherOnFake(fake, fetched, everything());
        const withoutOrg = await gatherOnFake(
          fake,
          fetched,
          everything(PRODUCTION_NO_ORG),
        );
        assert.equal(withoutOrg.requests, 3);
        assert.equal(withoutOrg.asked, 3);
        assert.deepEqual(withoutOrg.runs, withOrg.runs);
        assert.deepEqual(withoutOrg.evidence, {
          ...withOrg.evidence,
          production: {
            ...withOrg.evidence.production!,
            alias: PRODUCTION_NO_ORG,
          },
        });
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("nothing asked: no request, the runs as fetched", async () => {
    const fake = startDemoWandb();
    try {
      const fetched = await fetchDemoRuns(fake);
      const gathered = await gatherOnFake(fake, fetched, evidenceRequest());
      assert.equal(gathered.requests, 0);
      assert.equal(gathered.asked, 0);
      assert.deepEqual(gathered.runs, {
        candidates: fetched.candidates,
        baselines: fetched.baselines,
      });
      assert.equal(gathered.evidence.history.size, 0);
      assert.equal(gathered.evidence.inputs.size, 0);
      assert.equal(gathered.evidence.production, undefined);
    } finally {
      await fake.close();
    }
  });

  await t.step("curves only: one request, no lineage", async () => {
    const fake = startDemoWandb();
    try {
      const fetched = await fetchDemoRuns(fake);
      const gathered = await gatherOnFake(
        fake,
        fetched,
        evidenceRequest({ historyMetrics: ["loss"] }),
      );
      assert.equal(gathered.asked, 1);
      assert.equal(gathered.evidence.inputs.size, 0);
      assert.deepEqual(
        [...gathered.evidence.history.keys()].toSorted(),
        [...FINISHED_CANDIDATES, "cqigzoxc"].toSorted(),
      );
      assert.doesNotMatch(fake.requests.at(-1)!.query, /inputArtifacts/);
    } finally {
      await fake.close();
    }
  });

  await t.step(
    "expected data only: the look-up and the lineage, no curves",
    async () => {
      const fake = startDemoWandb();
      try {
        const fetched = await fetchDemoRuns(fake);
        const gathered = await gatherOnFake(
          fake,
          fetched,
          evidenceRequest({
            expectedData: [parseArtifactPath("issues-test:latest")],
          }),
        );
        assert.equal(gathered.asked, 2);
        assert.equal(gathered.evidence.history.size, 0);
        assert.equal(gathered.evidence.inputs.size, 8);
        assert.doesNotMatch(fake.requests.at(-1)!.query, /sampledHistory/);
      } finally {
        await fake.close();
      }
    },
  );
});

Deno.test("which baselines get curves", async (t) => {
  const cases: [EvidenceRequest["aggregate"], string[]][] = [
    ["best", ["cqigzoxc"]],
    ["latest", ["p9f3k7ra"]],
    ["mean", ["cqigzoxc", "p9f3k7ra"]],
    ["production", []],
  ];
  for (const [aggregate, baselines] of cases) {
    await t.step(
      `${aggregate}: ${baselines.join(", ") || "none"} and the production run`,
      async () => {
        const fake = startDemoWandb();
        try {
          const fetched = await fetchDemoRuns(fake);
          const gathered = await gatherOnFake(
            fake,
            fetched,
            evidenceRequest({
              historyMetrics: ["loss"],
              aggregate,
              production: parseArtifactPath(PRODUCTION),
            }),
          );
          assert.deepEqual(
            [...gathered.evidence.history.keys()].toSorted(),
            [...FINISHED_CANDIDATES, ...baselines, DEMO_PRODUCTION_RUN]
              .toSorted(),
          );
        } finally {
          await fake.close();
        }
      },
    );
  }
});

Deno.test("a production run already fetched as a baseline is not fetched again", async () => {
  const fake = startDemoWandb();
  try {
    const fetched = await fetchDemoRuns(fake, ["baseline", "reference"]);
    assert.deepEqual(ids(fetched.baselines), [
      "cqigzoxc",
      "p9f3k7ra",
      DEMO_PRODUCTION_RUN,
    ]);
    const gathered = await gatherOnFake(fake, fetched, everything());
    assert.equal(gathered.asked, 2);
    assert.deepEqual(gathered.runs.baselines, fetched.baselines);
    const records = fake.requests.at(-1)!;
    // No run was read whole: no config or summary asked.
    assert.equal(records.variables.configKeys, undefined);
    assert.doesNotMatch(records.query, /summaryMetrics/);
    assert.ok(gathered.evidence.history.has(DEMO_PRODUCTION_RUN));
    assert.ok(gathered.evidence.inputs.has(DEMO_PRODUCTION_RUN));
  } finally {
    await fake.close();
  }
});

Deno.test("a production run that is a candidate stays a candidate, once", async () => {
  const fake = startDemoWandb();
  try {
    const fetched = await fetchDemoRuns(fake);
    // staging points at proud-star-9's model, and proud-star-9 is a candidate.
    const gathered = await gatherOnFake(
      fake,
      fetched,
      everything("github-org/wandb-registry-model/issue-labeler:staging"),
    );
    assert.equal(gathered.asked, 2);
    assert.equal(gathered.evidence.production?.runId, "v6q1n4ts");
    assert.deepEqual(ids(gathered.runs.candidates), CANDIDATES);
    assert.deepEqual(ids(gathered.runs.baselines), ["cqigzoxc", "p9f3k7ra"]);
    assert.equal(fake.requests.at(-1)!.variables.configKeys, undefined);
  } finally {
    await fake.close();
  }
});

/** The demo, with a second project whose run logged a model the registry links as `v2-production`. */
function startWithSecondProject(runId = "n3wm0d3l"): FakeWandb {
  const options = demoWandbOptions();
  const second: FakeProject = {
    entity: DEMO_ENTITY,
    name: "issue-labels-v2",
    runs: [{
      name: runId,
      displayName: "bold-lake-1",
      state: "finished",
      tags: [],
      config: { learning_rate: 0.0002, github_sha: DEMO_OTHER_SHA },
      summaryMetrics: { acc: 0.95, loss: 0.31, val_loss: 0.9, _step: 3 },
      createdAt: "2020-02-29T12:00:00",
      history: [
        { _step: 0, loss: 1.1, val_loss: 1.2 },
        { _step: 1, loss: 0.7 },
        { _step: 2, loss: 0.5, val_loss: 1.0 },
        { _step: 3, loss: 0.31, val_loss: 0.9 },
      ],
      usedArtifacts: [{
        entity: DEMO_ENTITY,
        project: DEMO_PROJECT,
        collection: "issues-train",
        version: 1,
      }],
    }],
    artifactCollections: [{
      kind: "sequence",
      name: `model-${runId}`,
      type: "model",
      versions: [{
        digest: "5ec0ndpr0j3c7m0d3l0000000000000a",
        aliases: ["latest"],
        createdAt: "2020-02-29T12:30:00",
        createdBy: { run: runId },
      }],
    }],
  };
  options.projects.push(second);
  const registry = options.projects.find((project) =>
    project.name === "wandb-registry-model"
  )!;
  (registry.artifactCollections![0] as FakeArtifactPortfolio).versions.push({
    source: {
      entity: DEMO_ENTITY,
      project: "issue-labels-v2",
      collection: `model-${runId}`,
      version: 0,
    },
    aliases: ["v2-production"],
  });
  return startFakeWandb({ ...options, apiKeys: [DEMO_API_KEY] });
}

Deno.test("a production run in another project carries its location and summary", async () => {
  const fake = startWithSecondProject();
  try {
    const fetched = await fetchDemoRuns(fake);
    const gathered = await gatherOnFake(
      fake,
      fetched,
      everything("github-org/wandb-registry-model/issue-labeler:v2-production"),
    );
    assert.equal(gathered.asked, 2);
    // Created between dandy-river-1 and silver-oak-2.
    assert.deepEqual(ids(gathered.runs.baselines), [
      "cqigzoxc",
      "n3wm0d3l",
      "p9f3k7ra",
    ]);
    const production = gathered.runs.baselines[1];
    assert.deepEqual(production.location, {
      entity: DEMO_ENTITY,
      project: "issue-labels-v2",
    });
    assert.deepEqual(production.summary, { acc: 0.95, loss: 0.31 });
    assert.deepEqual(production.config, {
      github_sha: DEMO_OTHER_SHA,
      learning_rate: 0.0002,
    });
    assert.equal(gathered.evidence.production?.runId, "n3wm0d3l");
    assert.deepEqual(
      gathered.evidence.history.get("n3wm0d3l")?.get("val_loss"),
      [
        { step: 0, value: 1.2 },
        { step: 2, value: 1.0 },
        { step: 3, value: 0.9 },
      ],
    );
    assert.deepEqual(
      gathered.evidence.inputs.get("n3wm0d3l")?.map((input) => input.digest),
      [storedDigest("issues-train", 1)],
    );
    // The records request named both projects, as variables.
    const variables = fake.requests.at(-1)!.variables;
    assert.deepEqual(
      Object.entries(variables).filter(([name]) => /^p\dName$/.test(name))
        .map(([, value]) => value).toSorted(),
      ["issue-labels-v2", DEMO_PROJECT],
    );
  } finally {
    await fake.close();
  }
});

Deno.test("aliases that lead nowhere", async (t) => {
  const expectAliasError = async (
    request: EvidenceRequest,
    role: "production" | "expected-data",
    message: RegExp,
    requests = 1,
  ) => {
    const fake = startDemoWandb();
    try {
      const fetched = await fetchDemoRuns(fake);
      const before = fake.requests.length;
      await assert.rejects(
        () =>
          gatherEvidence(fetched, request, {
            baseUrl: fake.url,
            apiKey: DEMO_API_KEY,
          }),
        (error: unknown) => {
          assert.ok(error instanceof ArtifactAliasError, String(error));
          assert.equal(error.role, role);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /[\r\n]/);
          return true;
        },
      );
      assert.equal(fake.requests.length - before, requests);
    } finally {
      await fake.close();
    }
  };

  await t.step("production: manual, uploaded by a user", () =>
    expectAliasError(
      everything("github-org/wandb-registry-model/issue-labeler:manual"),
      "production",
      /^github-org\/wandb-registry-model\/issue-labeler:manual \(issue-labeler-hand-tuned\) was not logged by a run this API key can read/,
    ));

  await t.step(
    "production: archived, its run's project hidden from the key",
    () =>
      expectAliasError(
        everything("github-org/wandb-registry-model/issue-labeler:archived"),
        "production",
        /^github-org\/wandb-registry-model\/issue-labeler:archived \(model-a7rc9kd2\) was not logged by a run this API key can read/,
      ),
  );

  await t.step(
    "production: an alias the collection lacks",
    () =>
      expectAliasError(
        everything("github-org/wandb-registry-model/issue-labeler:champion"),
        "production",
        /issue-labeler:champion.*"github-org\/wandb-registry-model".*no such collection or alias/,
      ),
  );

  await t.step(
    "production: a registry that does not exist",
    () =>
      expectAliasError(
        everything("github-org/wandb-registry-nope/issue-labeler:production"),
        "production",
        /no project "github-org\/wandb-registry-nope".*github-org\/wandb-registry-nope\/issue-labeler:production/,
      ),
  );

  await t.step(
    "expected data: an alias the dataset lacks",
    () =>
      expectAliasError(
        evidenceRequest({
          dataTypes: ["dataset"],
          expectedData: [
            parseArtifactPath("issues-test:latest"),
            parseArtifactPath("issues-train:gold"),
          ],
        }),
        "expected-data",
        /^W&B has no version issues-train:gold in "github\/predict-issue-labels"/,
      ),
  );

  await t.step(
    "production: a registry path without its org, for an entity of no organisation",
    async () => {
      const fake = startDemoWandb();
      try {
        await assert.rejects(
          () =>
            gatherEvidence(
              { candidates: [], baselines: [] },
              evidenceRequest({
                entity: "loner",
                production: parseArtifactPath(PRODUCTION_NO_ORG),
              }),
              { baseUrl: fake.url, apiKey: DEMO_API_KEY },
            ),
          (error: unknown) => {
            assert.ok(error instanceof ArtifactAliasError);
            assert.equal(error.role, "production");
            assert.equal(
              error.message,
              `W&B names no organization for entity "loner", so ${PRODUCTION_NO_ORG} needs its organization first, e.g. my-org/${PRODUCTION_NO_ORG}`,
            );
            return true;
          },
        );
        assert.equal(fake.requests.length, 1); // the org look-up only
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("production: its run gone by the time it is read", async () => {
    const fake = startDemoWandb(undefined, {
      onRequest: (index, server) => {
        // Request 0 fetched the runs, 1 looked the alias up; then the run goes.
        if (index === 2) {
          server.projects[0].runs = server.projects[0].runs.filter((run) =>
            run.name !== DEMO_PRODUCTION_RUN
          );
        }
      },
    });
    try {
      const fetched = await fetchDemoRuns(fake);
      await assert.rejects(
        () =>
          gatherEvidence(fetched, everything(), {
            baseUrl: fake.url,
            apiKey: DEMO_API_KEY,
          }),
        (error: unknown) => {
          assert.ok(error instanceof ArtifactAliasError);
          assert.equal(error.role, "production");
          assert.equal(
            error.message,
            `W&B has no run "j5x2m8cw" in "github/predict-issue-labels" that this API key can read (it logged ${PRODUCTION})`,
          );
          return true;
        },
      );
      assert.equal(fake.requests.length, 3);
    } finally {
      await fake.close();
    }
  });
});

Deno.test("a production run that cannot be a baseline is refused", async (t) => {
  await t.step(
    "a candidate, when candidates are compared with it alone",
    async () => {
      const fake = startDemoWandb();
      try {
        const fetched = await fetchDemoRuns(fake);
        await assert.rejects(
          () =>
            gatherEvidence(fetched, {
              ...everything(
                "github-org/wandb-registry-model/issue-labeler:staging",
              ),
              aggregate: "production",
            }, { baseUrl: fake.url, apiKey: DEMO_API_KEY }),
          (error: unknown) =>
            error instanceof ArtifactAliasError &&
            error.role === "production" &&
            /was logged by run "v6q1n4ts", which is a candidate of this review/
              .test(error.message),
        );
      } finally {
        await fake.close();
      }
    },
  );
  await t.step(
    "a run of another project with a reviewed run's id",
    async () => {
      // The second project's run has dandy-river-1's id.
      const fake = startWithSecondProject("cqigzoxc");
      try {
        const fetched = await fetchDemoRuns(fake);
        await assert.rejects(
          () =>
            gatherEvidence(
              fetched,
              everything(
                "github-org/wandb-registry-model/issue-labeler:v2-production",
              ),
              { baseUrl: fake.url, apiKey: DEMO_API_KEY },
            ),
          (error: unknown) =>
            error instanceof ArtifactAliasError &&
            /in "github\/issue-labels-v2", and a run of the reviewed project has that id too/
              .test(error.message),
        );
      } finally {
        await fake.close();
      }
    },
  );
});
