/**
 * Integration tests of `lib/wandb/artifact_lookup.ts` against the fake W&B
 * server's demo registry over loopback: which version an alias points to,
 * which run logged it, what a registry path without its organisation costs,
 * and why a path does not resolve.
 *
 * @module
 */

import assert from "node:assert/strict";
import { WandbError } from "../lib/errors.ts";
import {
  type ArtifactLookupOptions,
  type FoundArtifact,
  lookUpArtifacts,
  type MissingArtifact,
} from "../lib/wandb/artifact_lookup.ts";
import { parseArtifactPath } from "../lib/wandb/artifact_path.ts";
import {
  DEMO_API_KEY,
  DEMO_ENTITY,
  DEMO_MEMBER_ENTITY,
  DEMO_ORG_ENTITY,
  DEMO_PRODUCTION_RUN,
  DEMO_PROJECT,
  demoArchiveProject,
  demoProject,
  demoWandbOptions,
} from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeArtifactSequence,
  type FakeWandb,
  type FakeWandbOptions,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";
import { startDemoWandb } from "./_helpers.ts";

function lookupOptions(
  fake: FakeWandb,
  entity: string = DEMO_ENTITY,
): ArtifactLookupOptions {
  return {
    baseUrl: fake.url,
    apiKey: DEMO_API_KEY,
    entity,
    project: DEMO_PROJECT,
  };
}

async function lookUp(fake: FakeWandb, paths: string[], entity?: string) {
  return await lookUpArtifacts(
    paths.map(parseArtifactPath),
    lookupOptions(fake, entity),
  );
}

function found(result: FoundArtifact | MissingArtifact): FoundArtifact {
  assert.ok(
    result.found,
    `expected a version, got: ${(result as MissingArtifact).reason}`,
  );
  return result;
}

function missing(result: FoundArtifact | MissingArtifact): MissingArtifact {
  assert.ok(!result.found, "expected no version");
  return result;
}

/** A version of a demo sequence as the fake stores it. */
function storedVersion(
  project: { artifactCollections?: unknown[] },
  collection: string,
  index: number,
) {
  const sequence = (project.artifactCollections as FakeArtifactSequence[])
    .find((each) => each.name === collection);
  assert.ok(sequence !== undefined, `no collection ${collection}`);
  return sequence.versions[index];
}

/** Starts the demo with changes to its options. */
function startEdited(
  edit: (options: Pick<FakeWandbOptions, "projects" | "organizations">) => void,
): FakeWandb {
  const options = demoWandbOptions();
  edit(options);
  return startFakeWandb({ ...options, apiKeys: [DEMO_API_KEY] });
}

Deno.test("registry aliases and the runs behind them", async (t) => {
  await t.step(
    "org/registry/collection:production: the version, its run, one request",
    async () => {
      const fake = startDemoWandb();
      try {
        const { results, requests } = await lookUp(fake, [
          "github-org/wandb-registry-model/issue-labeler:production",
        ]);
        assert.equal(requests, 1);
        assert.equal(fake.requests.length, 1);
        const result = found(results[0]);
        assert.deepEqual(result.producer, {
          entity: DEMO_ENTITY,
          project: DEMO_PROJECT,
          runId: DEMO_PRODUCTION_RUN,
        });
        assert.deepEqual(result.version, {
          collection: `model-${DEMO_PRODUCTION_RUN}`,
          versionIndex: 0,
          type: "model",
          digest: storedVersion(
            demoProject(),
            `model-${DEMO_PRODUCTION_RUN}`,
            0,
          ).digest,
        });
        assert.deepEqual(fake.requests[0].variables, {
          e0: DEMO_ORG_ENTITY,
          p0: "wandb-registry-model",
          n0: "issue-labeler:production",
        });
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    "registry/collection:production without the org: two requests, the org of entity github",
    async () => {
      const fake = startDemoWandb();
      try {
        const { results, requests } = await lookUp(fake, [
          "wandb-registry-model/issue-labeler:production",
        ]);
        assert.equal(requests, 2);
        assert.equal(fake.requests.length, 2);
        assert.match(fake.requests[0].query, /entity\(name: \$entity\)/);
        assert.deepEqual(fake.requests[0].variables, { entity: DEMO_ENTITY });
        assert.equal(fake.requests[1].variables.e0, DEMO_ORG_ENTITY);
        assert.equal(found(results[0]).producer?.runId, DEMO_PRODUCTION_RUN);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("manual: a user uploaded it, so no producing run", async () => {
    const fake = startDemoWandb();
    try {
      const { results } = await lookUp(fake, [
        "github-org/wandb-registry-model/issue-labeler:manual",
      ]);
      const result = found(results[0]);
      assert.equal(result.producer, null);
      assert.equal(result.version.collection, "issue-labeler-hand-tuned");
      assert.equal(
        result.version.digest,
        storedVersion(demoProject(), "issue-labeler-hand-tuned", 0).digest,
      );
    } finally {
      await fake.close();
    }
  });

  await t.step(
    "archived: its run's project is hidden from the key, so no producing run",
    async () => {
      const fake = startDemoWandb();
      try {
        const { results } = await lookUp(fake, [
          "github-org/wandb-registry-model/issue-labeler:archived",
        ]);
        const result = found(results[0]);
        assert.equal(result.producer, null);
        // The registry link itself stays readable.
        assert.equal(result.version.collection, "model-a7rc9kd2");
        assert.equal(
          result.version.digest,
          storedVersion(demoArchiveProject(), "model-a7rc9kd2", 0).digest,
        );
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("staging and v1 resolve to their own versions", async () => {
    const fake = startDemoWandb();
    try {
      const { results, requests } = await lookUp(fake, [
        "github-org/wandb-registry-model/issue-labeler:staging",
        "github-org/wandb-registry-model/issue-labeler:v1",
      ]);
      assert.equal(requests, 1);
      assert.equal(found(results[0]).producer?.runId, "v6q1n4ts");
      assert.equal(found(results[1]).producer?.runId, DEMO_PRODUCTION_RUN);
    } finally {
      await fake.close();
    }
  });
});

Deno.test("paths that do not resolve", async (t) => {
  await t.step(
    "an unknown alias: the reason names the collection, alias and project",
    async () => {
      const fake = startDemoWandb();
      try {
        const { results, requests } = await lookUp(fake, [
          "github-org/wandb-registry-model/issue-labeler:champion",
        ]);
        assert.equal(requests, 1);
        const { reason } = missing(results[0]);
        assert.match(reason, /issue-labeler:champion/);
        assert.match(reason, /"github-org\/wandb-registry-model"/);
        assert.match(reason, /no such collection or alias/);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    "an unknown project: no project, named with the path",
    async () => {
      const fake = startDemoWandb();
      try {
        const { results } = await lookUp(fake, ["no-such-data/mnist:latest"]);
        const { reason, path } = missing(results[0]);
        assert.deepEqual(path, {
          project: "no-such-data",
          collection: "mnist",
          alias: "latest",
        });
        assert.match(reason, /no project "github\/no-such-data"/);
        assert.match(reason, /no-such-data\/mnist:latest/);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("a project hidden from the key is no project", async () => {
    const fake = startDemoWandb();
    try {
      const { results } = await lookUp(fake, [
        "issue-labels-archive/model-a7rc9kd2:latest",
      ]);
      assert.match(
        missing(results[0]).reason,
        /no project "github\/issue-labels-archive"/,
      );
    } finally {
      await fake.close();
    }
  });
});

Deno.test("the reviewed project's datasets", async (t) => {
  await t.step("issues-train:latest is v1, with its digest", async () => {
    const fake = startDemoWandb();
    try {
      const { results, requests } = await lookUp(fake, [
        "issues-train:latest",
      ]);
      assert.equal(requests, 1);
      assert.deepEqual(fake.requests[0].variables, {
        e0: DEMO_ENTITY,
        p0: DEMO_PROJECT,
        n0: "issues-train:latest",
      });
      const result = found(results[0]);
      assert.equal(result.version.versionIndex, 1);
      assert.equal(
        result.version.digest,
        storedVersion(demoProject(), "issues-train", 1).digest,
      );
      assert.equal(result.producer, null); // the user github uploaded it
    } finally {
      await fake.close();
    }
  });

  await t.step("several paths in one request, answers in order", async () => {
    const fake = startDemoWandb();
    try {
      const paths = [
        "github-org/wandb-registry-model/issue-labeler:production",
        "issues-train:latest",
        "issues-train:v0",
        "github/predict-issue-labels/issues-test:latest",
        "issues-test:v7",
        "nowhere/issues-test:latest",
      ];
      const { results, requests } = await lookUp(fake, paths);
      assert.equal(requests, 1);
      assert.equal(fake.requests.length, 1);
      assert.deepEqual(
        results.map((result) => result.path),
        paths.map(parseArtifactPath),
      );
      assert.deepEqual(
        results.map((result) =>
          result.found
            ? `${result.version.collection}:v${result.version.versionIndex}`
            : "missing"
        ),
        [
          `model-${DEMO_PRODUCTION_RUN}:v0`,
          "issues-train:v1",
          "issues-train:v0",
          "issues-test:v0",
          "missing",
          "missing",
        ],
      );
      assert.notEqual(
        found(results[1]).version.digest,
        found(results[2]).version.digest,
      );
    } finally {
      await fake.close();
    }
  });

  await t.step("no paths, no request", async () => {
    const fake = startDemoWandb();
    try {
      const { results, requests } = await lookUpArtifacts(
        [],
        lookupOptions(fake),
      );
      assert.deepEqual([results, requests], [[], 0]);
      assert.equal(fake.requests.length, 0);
    } finally {
      await fake.close();
    }
  });
});

Deno.test("the organisation of a registry path without one", async (t) => {
  await t.step(
    "a personal entity in one organisation uses that organisation",
    async () => {
      const fake = startDemoWandb();
      try {
        const { results, requests } = await lookUp(
          fake,
          ["wandb-registry-model/issue-labeler:production"],
          DEMO_MEMBER_ENTITY,
        );
        assert.equal(requests, 2);
        assert.deepEqual(fake.requests[0].variables, {
          entity: DEMO_MEMBER_ENTITY,
        });
        assert.equal(fake.requests[1].variables.e0, DEMO_ORG_ENTITY);
        assert.equal(found(results[0]).producer?.runId, DEMO_PRODUCTION_RUN);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    "an entity of no organisation: not found, the reason says to write the org in the path",
    async () => {
      const fake = startEdited((options) => {
        options.projects.push({ entity: "loner", name: "solo", runs: [] });
      });
      try {
        const { results, requests } = await lookUp(
          fake,
          [
            "wandb-registry-model/issue-labeler:production",
            "issues-train:latest",
          ],
          "loner",
        );
        // The org look-up, then the one path that can be asked (in loner/predict-issue-labels).
        assert.equal(requests, 2);
        const { reason } = missing(results[0]);
        assert.match(reason, /no organization for entity "loner"/);
        assert.match(reason, /wandb-registry-model\/issue-labeler:production/);
        assert.match(
          reason,
          /needs its organization first, e\.g\. my-org\/wandb-registry-model\//,
        );
        assert.match(
          missing(results[1]).reason,
          /no project "loner\/predict-issue-labels"/,
        );
        assert.ok(!fake.requests[1].query.includes("a0:"));
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    "a personal entity in two organisations: not found, the reason counts them",
    async () => {
      const fake = startEdited((options) => {
        options.organizations!.push({
          name: "Other",
          orgEntity: "other-org",
          teamEntities: [],
          userEntities: [DEMO_MEMBER_ENTITY],
        });
      });
      try {
        const { results, requests } = await lookUp(
          fake,
          ["wandb-registry-model/issue-labeler:production"],
          DEMO_MEMBER_ENTITY,
        );
        assert.equal(requests, 1);
        assert.match(
          missing(results[0]).reason,
          /^W&B names 2 organizations for entity "octocat", so .*e\.g\. my-org\/wandb-registry-model\//,
        );
      } finally {
        await fake.close();
      }
    },
  );

  await t.step("an entity W&B does not know: no organisation", async () => {
    const fake = startDemoWandb();
    try {
      const { results } = await lookUp(
        fake,
        ["wandb-registry-model/issue-labeler:production"],
        "nobody-at-all",
      );
      assert.match(
        missing(results[0]).reason,
        /no organization for entity "nobody-at-all"/,
      );
    } finally {
      await fake.close();
    }
  });
});

Deno.test("names travel as variables, never inside the document", async (t) => {
  await t.step(
    'a collection name with a quote and "}" is asked, and answered as missing',
    async () => {
      const fake = startDemoWandb();
      try {
        const hostile = 'x"){viewer{username}}#';
        const { results, requests } = await lookUp(fake, [`${hostile}:latest`]);
        assert.equal(requests, 1);
        assert.equal(fake.requests[0].status, 200);
        assert.equal(fake.requests[0].variables.n0, `${hostile}:latest`);
        assert.ok(!fake.requests[0].query.includes(hostile));
        assert.match(missing(results[0]).reason, /no such collection or alias/);
      } finally {
        await fake.close();
      }
    },
  );

  await t.step(
    'an alias with a quote and "}" resolves to its version',
    async () => {
      const alias = 'gold"}{';
      const fake = startEdited((options) => {
        const data = options.projects[0];
        storedVersion(data, "issues-test", 0).aliases!.push(alias);
      });
      try {
        const { results } = await lookUp(fake, [
          `github/predict-issue-labels/issues-test:${alias}`,
        ]);
        assert.equal(fake.requests[0].status, 200);
        assert.ok(!fake.requests[0].query.includes(alias));
        assert.equal(
          found(results[0]).version.digest,
          storedVersion(demoProject(), "issues-test", 0).digest,
        );
      } finally {
        await fake.close();
      }
    },
  );
});

Deno.test("malformed answers are errors naming the path or entity", async (t) => {
  await t.step("an artifact without a digest", async () => {
    const fake = startDemoWandb();
    fake.failNext({
      kind: "transform",
      transform: (body) => {
        delete body.data.a0.artifactCollectionMembership.artifact.digest;
        return body;
      },
    });
    try {
      await assert.rejects(
        () => lookUp(fake, ["issues-train:latest"]),
        (error: unknown) => {
          assert.ok(error instanceof WandbError);
          assert.match(
            error.message,
            /^W&B answered malformed data for artifact "issues-train:latest": .* at digest$/,
          );
          return true;
        },
      );
    } finally {
      await fake.close();
    }
  });

  await t.step("an organisation list that is not a list", async () => {
    const fake = startDemoWandb();
    fake.failNext({
      kind: "transform",
      transform: (body) => {
        body.data.entity.user = { organizations: "GitHub" };
        return body;
      },
    });
    try {
      await assert.rejects(
        () => lookUp(fake, ["wandb-registry-model/issue-labeler:production"]),
        (error: unknown) => {
          assert.ok(error instanceof WandbError);
          assert.match(
            error.message,
            /^W&B answered malformed data about the organization of entity "github": .* at data\.entity\.user\.organizations$/,
          );
          return true;
        },
      );
      assert.equal(fake.requests.length, 1);
    } finally {
      await fake.close();
    }
  });
});
