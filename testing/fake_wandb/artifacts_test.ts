import assert from "node:assert/strict";
import {
  type GraphQLObjectType,
  type GraphQLUnionType,
  isNonNullType,
} from "graphql";
import { postGraphQL, queryData, withDemoFake } from "./_test_client.ts";
import {
  DEMO_API_KEY,
  DEMO_ARCHIVE_PROJECT,
  DEMO_ARCHIVED_ALIAS,
  DEMO_ENTITY,
  DEMO_MANUAL_ALIAS,
  DEMO_MEMBER_ENTITY,
  DEMO_ORG_ENTITY,
  DEMO_ORG_NAME,
  DEMO_OVERFITTING_RUN,
  DEMO_PRODUCTION_ALIAS,
  DEMO_PRODUCTION_RUN,
  DEMO_PROJECT,
  DEMO_REGISTRY_COLLECTION,
  DEMO_REGISTRY_PROJECT,
  DEMO_STALE_DATA_RUN,
} from "./sample_data.ts";
import { wandbSchema } from "./schema.ts";
import {
  type FakeArtifactUse,
  type FakeProject,
  startFakeWandb,
} from "./server.ts";

/** `run.used_artifacts()` and `run.logged_artifacts()` in one request (wandb-api-history-artifacts.md §2). */
const RUN_LINEAGE = `
query RunLineage($entity: String!, $project: String!, $run: String!, $cursor: String, $perPage: Int) {
  project(name: $project, entityName: $entity) {
    run(name: $run) {
      used: inputArtifacts(after: $cursor, first: $perPage) { totalCount pageInfo { endCursor hasNextPage } edges { node { ...Art } } }
      logged: outputArtifacts(first: $perPage) { totalCount pageInfo { endCursor hasNextPage } edges { node { ...Art } } }
    }
  }
}
fragment Art on Artifact {
  id digest versionIndex state createdAt artifactType { name }
  artifactSequence { name project { name entity { name } } } aliases { alias artifactCollection { __typename name } }
}`;

/** `api.artifact("entity/project/name:alias")` (wandb-api-history-artifacts.md §3). */
const ARTIFACT_BY_ALIAS = `
query ArtifactByAlias($entity: String!, $project: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    artifactCollectionMembership(name: $name) {
      id versionIndex aliases { alias }
      artifactCollection { __typename name project { name entity { name } } }
      artifact { id digest versionIndex artifactType { name } artifactSequence { name project { name entity { name } } } }
    }
  }
}`;

/** Alias to producing run in one request (wandb-api-history-artifacts.md §3, "The producing run"). */
const BASELINE_RUN = `
query BaselineRun($entity: String!, $project: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    artifactCollectionMembership(name: $name) {
      versionIndex aliases { alias }
      artifact {
        id digest artifactSequence { name }
        createdBy { __typename ... on Run { name displayName state project { name entity { name } } } }
      }
    }
  }
}`;

/** The SDK's org look-up (wandb-api-history-artifacts.md §3, "Names"). */
const ORG_OF = `
query OrgOf($entity: String!) {
  entity(name: $entity) { organization { name orgEntity { name } } user { organizations { name orgEntity { name } } } }
}`;

const DEMO = { entity: DEMO_ENTITY, project: DEMO_PROJECT };
const REGISTRY = { entity: DEMO_ORG_ENTITY, project: DEMO_REGISTRY_PROJECT };

interface ArtNode {
  versionIndex: number | null;
  artifactSequence: { name: string };
}

/** `<sequence>:v<N>` of each node, as W&B's clients name artifacts. */
function artifactNames(edges: { node: ArtNode | null }[]): (string | null)[] {
  return edges.map(({ node }) =>
    node === null ? null : `${node.artifactSequence.name}:v${node.versionIndex}`
  );
}

Deno.test("RunLineage: the artifacts a run used and the ones it logged", async (t) => {
  await withDemoFake(async (fake) => {
    const lineage = async (run: string) =>
      (await queryData(fake, RUN_LINEAGE, { ...DEMO, run, perPage: 100 }))
        .project.run;
    await t.step(
      "a candidate's inputs and its model, as documented",
      async () => {
        const { used, logged } = await lineage(DEMO_OVERFITTING_RUN);
        assert.equal(used.totalCount, 3);
        assert.deepEqual(used.pageInfo.hasNextPage, false);
        assert.deepEqual(artifactNames(used.edges), [
          "issues-train:v1",
          "issues-test:v0",
          "glove-embeddings:v2",
        ]);
        const train = used.edges[0].node;
        assert.equal(train.state, "COMMITTED");
        assert.deepEqual(train.artifactType, { name: "dataset" });
        assert.equal(train.createdAt, "2020-02-27T16:40:00");
        assert.match(train.digest, /^[0-9a-f]{32}$/);
        assert.deepEqual(train.artifactSequence, {
          name: "issues-train",
          project: { name: DEMO_PROJECT, entity: { name: DEMO_ENTITY } },
        });
        assert.deepEqual(train.aliases, [{
          alias: "latest",
          artifactCollection: {
            __typename: "ArtifactSequence",
            name: "issues-train",
          },
        }]);
        assert.deepEqual(used.edges[2].node.artifactType, {
          name: "embeddings",
        });
        assert.deepEqual(artifactNames(logged.edges), [
          `model-${DEMO_OVERFITTING_RUN}:v0`,
        ]);
        assert.deepEqual(
          logged.edges[0].node.aliases,
          [
            {
              alias: "latest",
              artifactCollection: {
                __typename: "ArtifactSequence",
                name: `model-${DEMO_OVERFITTING_RUN}`,
              },
            },
            {
              alias: "staging",
              artifactCollection: {
                __typename: "ArtifactPortfolio",
                name: DEMO_REGISTRY_COLLECTION,
              },
            },
            {
              alias: "latest",
              artifactCollection: {
                __typename: "ArtifactPortfolio",
                name: DEMO_REGISTRY_COLLECTION,
              },
            },
          ],
          "aliases in every collection holding the version, registry included",
        );
      },
    );
    await t.step("happy-frog-3 used the stale training set", async () => {
      const { used } = await lineage(DEMO_STALE_DATA_RUN);
      assert.deepEqual(artifactNames(used.edges), [
        "issues-train:v0",
        "issues-test:v0",
      ]);
      assert.deepEqual(used.edges[0].node.aliases, [], "v0 is not latest");
    });
    await t.step("a run that used and logged nothing", async () => {
      const { used, logged } = await lineage("c4d7g2ms");
      assert.deepEqual(used, {
        totalCount: 0,
        pageInfo: { endCursor: null, hasNextPage: false },
        edges: [],
      });
      assert.equal(logged.totalCount, 0);
    });
    await t.step("an artifact's id finds it again, with usedBy", async () => {
      const { used } = await lineage(DEMO_STALE_DATA_RUN);
      const data = await queryData(
        fake,
        `query($id: ID!) { artifact(id: $id) { digest usedBy { edges { node { name } } } } }`,
        { id: used.edges[0].node.id },
      );
      assert.equal(data.artifact.digest, used.edges[0].node.digest);
      assert.deepEqual(data.artifact.usedBy.edges, [{
        node: { name: DEMO_STALE_DATA_RUN },
      }]);
      const unknown = await queryData(
        fake,
        `{ artifact(id: "QXJ0aWZhY3Q6MTIz") { id } }`,
      );
      assert.equal(unknown.artifact, null);
    });
  });
});

/** A project whose run used `count` versions of one dataset, some edges null. */
function manyInputs(count: number, nullAt: number[] = []): FakeProject {
  const createdAt = "2026-01-01T00:00:00";
  const usedArtifacts: FakeArtifactUse[] = Array.from(
    { length: count },
    (_, version) => ({
      entity: "ci",
      project: "lineage",
      collection: "data",
      version,
      usedAs: [`part-${version}`],
      nullNode: nullAt.includes(version),
    }),
  );
  return {
    entity: "ci",
    name: "lineage",
    runs: [{
      name: "reader01",
      displayName: "reader",
      state: "finished",
      createdAt,
      usedArtifacts,
    }],
    artifactCollections: [{
      kind: "sequence",
      name: "data",
      type: "dataset",
      versions: Array.from({ length: count }, (_, version) => ({
        digest: `digest-${version}`,
        createdAt,
        createdBy: null,
      })),
    }],
  };
}

const INPUT_PAGE = `
query Inputs($cursor: String, $perPage: Int) {
  project(name: "lineage", entityName: "ci") {
    run(name: "reader01") {
      inputArtifacts(after: $cursor, first: $perPage) {
        totalCount pageInfo { endCursor hasNextPage }
        edges { cursor usedAs node { versionIndex artifactSequence { name } } }
      }
    }
  }
}`;

Deno.test("inputArtifacts pages with offset cursors, capped pages and null nodes", async (t) => {
  await t.step("a cap of 3: first 100 gets 3, paging reads all 7", async () => {
    const fake = startFakeWandb({
      projects: [manyInputs(7, [4])],
      apiKeys: [DEMO_API_KEY],
      maxPageSize: 3,
    });
    try {
      const seen: (string | null)[] = [];
      const usedAs: string[][] = [];
      let cursor: string | null = null;
      let requests = 0;
      for (;;) {
        const data = await queryData(fake, INPUT_PAGE, {
          cursor,
          perPage: 100,
        });
        const page = data.project.run.inputArtifacts;
        requests++;
        assert.equal(page.totalCount, 7);
        assert.ok(page.edges.length <= 3);
        seen.push(...artifactNames(page.edges));
        usedAs.push(
          ...page.edges.map((edge: { usedAs: string[] }) => edge.usedAs),
        );
        if (!page.pageInfo.hasNextPage) break;
        cursor = page.pageInfo.endCursor;
      }
      assert.equal(requests, 3);
      assert.deepEqual(seen, [
        "data:v0",
        "data:v1",
        "data:v2",
        "data:v3",
        null,
        "data:v5",
        "data:v6",
      ]);
      assert.deepEqual(usedAs[4], ["part-4"], "a null node keeps its edge");
    } finally {
      await fake.close();
    }
  });
  await t.step(
    "uncapped: 50 by default; a bad cursor or negative first is a 400",
    () =>
      withDemoFake(async (fake) => {
        const data = await queryData(fake, INPUT_PAGE, {});
        const page = data.project.run.inputArtifacts;
        assert.equal(page.edges.length, 50);
        assert.equal(page.totalCount, 60);
        assert.equal(page.pageInfo.hasNextPage, true);
        const badCursor = await postGraphQL(fake, INPUT_PAGE, {
          cursor: "bm9wZQ==",
        });
        assert.equal(badCursor.status, 400);
        assert.match(
          badCursor.body.errors[0].message,
          /^Cannot page inputArtifacts: invalid cursor "bm9wZQ=="/,
        );
        const negative = await postGraphQL(fake, INPUT_PAGE, { perPage: -1 });
        assert.equal(negative.status, 400);
      }, { projects: [manyInputs(60)] }),
  );
});

Deno.test("ArtifactByAlias: a registry alias gives the registry version and the source artifact", async (t) => {
  await withDemoFake(async (fake) => {
    const byAlias = async (
      where: { entity: string; project: string },
      name: string,
    ) =>
      (await queryData(fake, ARTIFACT_BY_ALIAS, { ...where, name })).project
        .artifactCollectionMembership;
    await t.step(
      "production: registry v1, source model-j5x2m8cw:v0",
      async () => {
        const membership = await byAlias(
          REGISTRY,
          `${DEMO_REGISTRY_COLLECTION}:${DEMO_PRODUCTION_ALIAS}`,
        );
        assert.equal(membership.versionIndex, 1, "the version in the registry");
        assert.deepEqual(membership.aliases, [{
          alias: DEMO_PRODUCTION_ALIAS,
        }]);
        assert.deepEqual(membership.artifactCollection, {
          __typename: "ArtifactPortfolio",
          name: DEMO_REGISTRY_COLLECTION,
          project: {
            name: DEMO_REGISTRY_PROJECT,
            entity: { name: DEMO_ORG_ENTITY },
          },
        });
        assert.equal(
          membership.artifact.versionIndex,
          0,
          "the version at source",
        );
        assert.deepEqual(membership.artifact.artifactType, { name: "model" });
        assert.deepEqual(membership.artifact.artifactSequence, {
          name: `model-${DEMO_PRODUCTION_RUN}`,
          project: { name: DEMO_PROJECT, entity: { name: DEMO_ENTITY } },
        });
      },
    );
    await t.step("the same version by vN", async () => {
      const byIndex = await byAlias(REGISTRY, `${DEMO_REGISTRY_COLLECTION}:v1`);
      const named = await byAlias(
        REGISTRY,
        `${DEMO_REGISTRY_COLLECTION}:${DEMO_PRODUCTION_ALIAS}`,
      );
      assert.deepEqual(byIndex, named);
    });
    await t.step("a sequence alias in a team project", async () => {
      const membership = await byAlias(DEMO, "issues-train:latest");
      assert.equal(membership.versionIndex, 1);
      assert.equal(membership.artifact.versionIndex, 1);
      assert.equal(
        membership.artifactCollection.__typename,
        "ArtifactSequence",
      );
      assert.deepEqual(
        (await byAlias(DEMO, "glove-embeddings:v2")).aliases,
        [{ alias: "latest" }],
      );
    });
    await t.step(
      "an unknown alias, version or collection is null",
      async () => {
        for (
          const name of [
            `${DEMO_REGISTRY_COLLECTION}:champion`,
            `${DEMO_REGISTRY_COLLECTION}:v99`,
            "no-such-model:production",
            `${DEMO_REGISTRY_COLLECTION}:Production`,
          ]
        ) {
          assert.equal(await byAlias(REGISTRY, name), null, name);
        }
      },
    );
    await t.step("an unknown or hidden project is null, HTTP 200", async () => {
      for (
        const where of [
          { entity: DEMO_ORG_ENTITY, project: "wandb-registry-dataset" },
          { entity: DEMO_ENTITY, project: DEMO_REGISTRY_PROJECT },
          { entity: DEMO_ENTITY, project: DEMO_ARCHIVE_PROJECT },
        ]
      ) {
        const answer = await postGraphQL(fake, ARTIFACT_BY_ALIAS, {
          ...where,
          name: `${DEMO_REGISTRY_COLLECTION}:${DEMO_PRODUCTION_ALIAS}`,
        });
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { data: { project: null } });
      }
    });
    await t.step("a name without a colon is a 400", async () => {
      const answer = await postGraphQL(fake, ARTIFACT_BY_ALIAS, {
        ...REGISTRY,
        name: DEMO_REGISTRY_COLLECTION,
      });
      assert.equal(answer.status, 400);
      assert.match(
        answer.body.errors[0].message,
        /expected "<collection>:<alias or vN>"/,
      );
    });
  });
});

Deno.test("BaselineRun: the creator of a registry version is a Run, a User or null", async (t) => {
  await withDemoFake(async (fake) => {
    const creator = async (alias: string) =>
      (await queryData(fake, BASELINE_RUN, {
        ...REGISTRY,
        name: `${DEMO_REGISTRY_COLLECTION}:${alias}`,
      })).project.artifactCollectionMembership;
    await t.step("production: the run in its own project", async () => {
      const membership = await creator(DEMO_PRODUCTION_ALIAS);
      assert.deepEqual(membership.artifact.createdBy, {
        __typename: "Run",
        name: DEMO_PRODUCTION_RUN,
        displayName: "gentle-fire-8",
        state: "finished",
        project: { name: DEMO_PROJECT, entity: { name: DEMO_ENTITY } },
      });
      assert.equal(
        membership.artifact.artifactSequence.name,
        `model-${DEMO_PRODUCTION_RUN}`,
      );
    });
    await t.step(
      "every Run field is there, summaryMetrics and sampledHistory too",
      async () => {
        const data = await queryData(
          fake,
          `query($entity: String!, $project: String!, $name: String!, $specs: [JSONString!]!) {
          project(name: $project, entityName: $entity) {
            artifactCollectionMembership(name: $name) { artifact { createdBy {
              ... on Run { tags summaryMetrics(keys: ["val_loss"]) sampledHistory(specs: $specs) }
            } } }
          }
        }`,
          {
            ...REGISTRY,
            name: `${DEMO_REGISTRY_COLLECTION}:${DEMO_PRODUCTION_ALIAS}`,
            specs: [
              JSON.stringify({ keys: ["_step", "val_loss"], samples: 500 }),
            ],
          },
        );
        const run =
          data.project.artifactCollectionMembership.artifact.createdBy;
        assert.deepEqual(run.tags, ["reference"], "not tagged baseline");
        assert.deepEqual(JSON.parse(run.summaryMetrics), {
          val_loss: 0.9927386045455933,
        });
        assert.equal(run.sampledHistory[0].length, 26);
      },
    );
    await t.step("manual: uploaded by a user", async () => {
      const data = await queryData(
        fake,
        `query($entity: String!, $project: String!, $name: String!) {
          project(name: $project, entityName: $entity) {
            artifactCollectionMembership(name: $name) { artifact { createdBy {
              __typename ... on User { username }
            } } }
          }
        }`,
        {
          ...REGISTRY,
          name: `${DEMO_REGISTRY_COLLECTION}:${DEMO_MANUAL_ALIAS}`,
        },
      );
      assert.deepEqual(
        data.project.artifactCollectionMembership.artifact.createdBy,
        {
          __typename: "User",
          username: DEMO_MEMBER_ENTITY,
        },
      );
    });
    await t.step(
      "archived: the run's project is hidden from the key, so null",
      async () => {
        const membership = await creator(DEMO_ARCHIVED_ALIAS);
        assert.equal(membership.versionIndex, 3);
        assert.equal(membership.artifact.createdBy, null);
        const data = await queryData(fake, ARTIFACT_BY_ALIAS, {
          ...REGISTRY,
          name: `${DEMO_REGISTRY_COLLECTION}:${DEMO_ARCHIVED_ALIAS}`,
        });
        assert.equal(
          data.project.artifactCollectionMembership.artifact.artifactSequence
            .project,
          null,
          "the source project is hidden too",
        );
      },
    );
    await t.step("no creator recorded: null", async () => {
      const project = manyInputs(1);
      const fakeWithNull = startFakeWandb({
        projects: [project],
        apiKeys: [DEMO_API_KEY],
      });
      try {
        const data = await queryData(fakeWithNull, BASELINE_RUN, {
          entity: "ci",
          project: "lineage",
          name: "data:v0",
        });
        assert.equal(
          data.project.artifactCollectionMembership.artifact.createdBy,
          null,
        );
      } finally {
        await fakeWithNull.close();
      }
    });
  });
});

Deno.test("OrgOf: a team entity's organisation, a personal entity's organisations", async (t) => {
  await withDemoFake(async (fake) => {
    const orgOf = async (entity: string) =>
      (await queryData(fake, ORG_OF, { entity })).entity;
    const org = { name: DEMO_ORG_NAME, orgEntity: { name: DEMO_ORG_ENTITY } };
    await t.step("the team entity", async () => {
      assert.deepEqual(await orgOf(DEMO_ENTITY), {
        organization: org,
        user: null,
      });
    });
    await t.step("the org entity itself", async () => {
      assert.deepEqual(await orgOf(DEMO_ORG_ENTITY), {
        organization: org,
        user: null,
      });
    });
    await t.step("a member's personal entity", async () => {
      assert.deepEqual(await orgOf(DEMO_MEMBER_ENTITY), {
        organization: null,
        user: { organizations: [org] },
      });
    });
    await t.step("an unknown entity is null", async () => {
      assert.equal(await orgOf("nobody-here"), null);
    });
    await t.step("the org display name is not an entity", async () => {
      assert.equal(await orgOf(DEMO_ORG_NAME), null);
    });
  });
});

Deno.test("artifact fields W&B does not have are refused, with HTTP 400", async (t) => {
  await withDemoFake(async (fake) => {
    const cases: [string, string, RegExp][] = [
      [
        "Artifact.name",
        `{ project(name: "${DEMO_PROJECT}", entityName: "${DEMO_ENTITY}") { run(name: "${DEMO_OVERFITTING_RUN}") { inputArtifacts { edges { node { name } } } } } }`,
        /Cannot query field "name" on type "Artifact"/,
      ],
      [
        "Project.artifact(name:)",
        `{ project(name: "${DEMO_PROJECT}", entityName: "${DEMO_ENTITY}") { artifact(name: "issues-train:v1") { id } } }`,
        /Cannot query field "artifact" on type "Project"/,
      ],
      [
        "a union member without a fragment",
        `{ artifact(id: "x") { createdBy { name } } }`,
        /Cannot query field "name" on type "Initiator"/,
      ],
      [
        "inputArtifacts(filters:)",
        `{ project(name: "${DEMO_PROJECT}", entityName: "${DEMO_ENTITY}") { run(name: "${DEMO_OVERFITTING_RUN}") { inputArtifacts(filters: "{}") { totalCount } } } }`,
        /Unknown argument "filters"/,
      ],
      [
        "serverInfo",
        `{ serverInfo { features { name isEnabled } } }`,
        /Cannot query field "serverInfo" on type "Query"/,
      ],
    ];
    for (const [name, query, message] of cases) {
      await t.step(name, async () => {
        const answer = await postGraphQL(fake, query);
        assert.equal(answer.status, 400);
        assert.match(answer.body.errors[0].message, message);
      });
    }
  });
});

Deno.test("the artifact schema is as nullable as W&B's clients say", () => {
  const fieldTypes = (typeName: string) =>
    Object.fromEntries(
      Object.values(
        (wandbSchema.getType(typeName) as GraphQLObjectType).getFields(),
      ).map((field) => [field.name, String(field.type)]),
    );
  assert.deepEqual(
    [
      "sampledHistory",
      "inputArtifacts",
      "outputArtifacts",
      "historyKeys",
    ].map((name) => fieldTypes("Run")[name]),
    ["[JSON]", "InputArtifactConnection", "ArtifactConnection", "JSON"],
  );
  const artifact = fieldTypes("Artifact");
  assert.deepEqual(
    [
      "id",
      "digest",
      "versionIndex",
      "state",
      "createdAt",
      "updatedAt",
      "artifactType",
      "artifactSequence",
      "aliases",
      "metadata",
      "createdBy",
    ].map((name) => artifact[name]),
    [
      "ID!",
      "String!",
      "Int",
      "ArtifactState!",
      "DateTime!",
      "DateTime",
      "ArtifactType!",
      "ArtifactSequence!",
      "[ArtifactAlias!]!",
      "JSONString",
      "Initiator",
    ],
  );
  assert.equal(fieldTypes("ArtifactSequence").project, "Project");
  assert.equal(
    fieldTypes("ArtifactAlias").artifactCollection,
    "ArtifactCollection",
  );
  for (const connection of ["ArtifactConnection", "InputArtifactConnection"]) {
    assert.equal(fieldTypes(connection).totalCount, "Int!");
  }
  assert.equal(fieldTypes("InputArtifactEdge").node, "Artifact");
  assert.equal(fieldTypes("InputArtifactEdge").usedAs, "[String!]!");
  assert.equal(fieldTypes("ArtifactEdge").node, "Artifact");
  const membership = fieldTypes("ArtifactCollectionMembership");
  assert.deepEqual(
    [
      membership.versionIndex,
      membership.artifact,
      membership.artifactCollection,
    ],
    ["Int", "Artifact", "ArtifactCollection"],
  );
  assert.equal(
    fieldTypes("Project").artifactCollectionMembership,
    "ArtifactCollectionMembership",
  );
  assert.equal(fieldTypes("Project").entity, "Entity!");
  assert.equal(fieldTypes("Query").entity, "Entity");
  assert.equal(fieldTypes("User").organizations, "[Organization!]!");
  const initiator = wandbSchema.getType("Initiator") as GraphQLUnionType;
  assert.deepEqual(initiator.getTypes().map(String), ["Run", "User"]);
  assert.ok(
    !isNonNullType(
      (wandbSchema.getType("Organization") as GraphQLObjectType).getFields()
        .orgEntity.type,
    ),
  );
});

Deno.test("artifact states: a pending version has no index; a deleted one is not found by name", () => {
  const project = manyInputs(2);
  const sequence = project.artifactCollections![0];
  if (sequence.kind !== "sequence") throw new Error("a sequence");
  sequence.versions[0].state = "DELETED";
  sequence.versions[0].aliases = ["old"];
  sequence.versions[1].state = "PENDING";
  return withDemoFake(async (fake) => {
    const data = await queryData(fake, INPUT_PAGE, {});
    assert.deepEqual(
      data.project.run.inputArtifacts.edges.map((edge: { node: ArtNode }) =>
        edge.node.versionIndex
      ),
      [0, null],
    );
    const state = await queryData(
      fake,
      `{ project(name: "lineage", entityName: "ci") { run(name: "reader01") {
        inputArtifacts { edges { node { state } } } } } }`,
    );
    assert.deepEqual(
      state.project.run.inputArtifacts.edges.map((
        edge: { node: { state: string } },
      ) => edge.node.state),
      ["DELETED", "PENDING"],
    );
    for (const name of ["data:old", "data:v0"]) {
      const found = await queryData(fake, ARTIFACT_BY_ALIAS, {
        entity: "ci",
        project: "lineage",
        name,
      });
      assert.equal(found.project.artifactCollectionMembership, null, name);
    }
  }, { projects: [project] });
});

Deno.test("dangling or inconsistent artifact data fails loudly", async (t) => {
  const start = (projects: FakeProject[]) =>
    startFakeWandb({ projects, apiKeys: [DEMO_API_KEY] });
  await t.step("a used version that does not exist", () => {
    const project = manyInputs(1);
    project.runs[0].usedArtifacts!.push({
      entity: "ci",
      project: "lineage",
      collection: "data",
      version: 5,
    });
    assert.throws(
      () => start([project]),
      /run ci\/lineage\/reader01 refers to ci\/lineage\/data:v5, but the collection has 1 versions/,
    );
  });
  await t.step(
    "a creator run that is not in the project: HTTP 500 once served",
    async () => {
      const project = manyInputs(1);
      const sequence = project.artifactCollections![0];
      if (sequence.kind !== "sequence") throw new Error("a sequence");
      sequence.versions[0].createdBy = { run: "ghost123" };
      const fake = start([project]);
      try {
        const answer = await postGraphQL(fake, BASELINE_RUN, {
          entity: "ci",
          project: "lineage",
          name: "data:v0",
        });
        assert.equal(answer.status, 500);
        assert.match(
          answer.body.errors[0].message,
          /ci\/lineage\/data:v0 was created by run "ghost123", which is not in its project/,
        );
      } finally {
        await fake.close();
      }
    },
  );
  await t.step("a creator that is neither a run nor a user", () => {
    const project = manyInputs(1);
    const sequence = project.artifactCollections![0];
    if (sequence.kind !== "sequence") throw new Error("a sequence");
    sequence.versions[0].createdBy = { team: "x" } as never;
    assert.throws(
      () => start([project]),
      /collection ci\/lineage\/data: v0 has createdBy \{"team":"x"\}; expected \{run\}, \{user\} or null/,
    );
  });
  await t.step("an alias on two versions, or shaped like vN", () => {
    for (
      const [aliases, message] of [
        [["best", "best"], /alias "best" is on two versions/],
        [["v7"], /has alias "v7"; expected a name that is not vN/],
      ] as const
    ) {
      const project = manyInputs(2);
      const sequence = project.artifactCollections![0];
      if (sequence.kind !== "sequence") throw new Error("a sequence");
      sequence.versions[0].aliases = [aliases[0]];
      sequence.versions[1].aliases = aliases.slice(1);
      assert.throws(() => start([project]), message);
    }
  });
  await t.step("a registry owned by a team, not an org entity", () => {
    assert.throws(
      () => start([{ entity: "ci", name: "wandb-registry-model", runs: [] }]),
      /registry project ci\/wandb-registry-model must be owned by an organisation's orgEntity/,
    );
  });
  await t.step("a link to another type or to a portfolio", () => {
    const link = (collection: string) => ({
      source: { entity: "ci", project: "lineage", collection, version: 0 },
    });
    const wrongType = manyInputs(1);
    wrongType.artifactCollections!.push({
      kind: "portfolio",
      name: "models",
      type: "model",
      versions: [link("data")],
    });
    assert.throws(
      () => start([wrongType]),
      /collection ci\/lineage\/models: v0 links to a dataset; expected type model/,
    );
    const chained = manyInputs(1);
    chained.artifactCollections!.push(
      {
        kind: "portfolio",
        name: "sets",
        type: "dataset",
        versions: [link("data")],
      },
      {
        kind: "portfolio",
        name: "meta",
        type: "dataset",
        versions: [link("sets")],
      },
    );
    assert.throws(
      () => start([chained]),
      /collection ci\/lineage\/meta: v0 links to a portfolio; expected a sequence version/,
    );
  });
  await t.step(
    "a ref broken after start is an HTTP 500 naming it",
    async () => {
      const project = manyInputs(1);
      const fake = startFakeWandb({
        projects: [project],
        apiKeys: [DEMO_API_KEY],
      });
      try {
        project.artifactCollections = [];
        const answer = await postGraphQL(fake, INPUT_PAGE, {});
        assert.equal(answer.status, 500);
        assert.match(
          answer.body.errors[0].message,
          /refers to ci\/lineage\/data:v0, but no such collection exists/,
        );
      } finally {
        await fake.close();
      }
    },
  );
  await t.step("an entity both a team and a member", () => {
    assert.throws(
      () =>
        startFakeWandb({
          projects: [],
          apiKeys: [],
          organizations: [{
            name: "Acme",
            orgEntity: "acme-org",
            teamEntities: ["acme"],
            userEntities: ["acme"],
          }],
        }),
      /entity "acme" is both a team and a member's personal entity/,
    );
  });
});
