import assert from "node:assert/strict";
import {
  type ArtifactPath,
  formatArtifactPath,
  isRegistryProject,
  parseArtifactPath,
  REGISTRY_PREFIX,
} from "../lib/wandb/artifact_path.ts";

/** Every accepted spelling, with the parts a reader sees in it. */
const ACCEPTED: [string, ArtifactPath][] = [
  ["mnist-test:latest", { collection: "mnist-test", alias: "latest" }],
  ["mnist-test:v3", { collection: "mnist-test", alias: "v3" }],
  [
    "data/mnist-test:latest",
    { project: "data", collection: "mnist-test", alias: "latest" },
  ],
  [
    "acme/data/mnist-test:v0",
    { entity: "acme", project: "data", collection: "mnist-test", alias: "v0" },
  ],
  [
    "wandb-registry-model/issue-labeler:production",
    {
      project: "wandb-registry-model",
      collection: "issue-labeler",
      alias: "production",
    },
  ],
  [
    "acme-org/wandb-registry-model/issue-labeler:production",
    {
      entity: "acme-org",
      project: "wandb-registry-model",
      collection: "issue-labeler",
      alias: "production",
    },
  ],
  [
    "acme/model-registry/issue-labeler:staging",
    {
      entity: "acme",
      project: "model-registry",
      collection: "issue-labeler",
      alias: "staging",
    },
  ],
  // Split at the first ":": the alias keeps any "/" and ":" after it.
  [
    "acme/models/labeler:release/2026-q3",
    {
      entity: "acme",
      project: "models",
      collection: "labeler",
      alias: "release/2026-q3",
    },
  ],
  ["labeler:build:42", { collection: "labeler", alias: "build:42" }],
  ["eval.set_v2:latest", { collection: "eval.set_v2", alias: "latest" }],
];

Deno.test("parseArtifactPath reads every accepted form", async (t) => {
  for (const [text, expected] of ACCEPTED) {
    await t.step(text, () => {
      assert.deepEqual(parseArtifactPath(text), expected);
    });
  }
});

Deno.test("parseArtifactPath refuses a malformed path with a TypeError saying what is wrong", async (t) => {
  const cases: [string, string][] = [
    ["mnist", '"mnist" has no alias'],
    ["mnist:", '"mnist:" has no alias'],
    ["acme/data/mnist", '"acme/data/mnist" has no alias'],
    [":latest", '":latest" has no name before ":"'],
    [
      "acme//mnist:latest",
      '"acme//mnist:latest" has an empty "/"-separated part',
    ],
    ["/mnist:latest", '"/mnist:latest" has an empty "/"-separated part'],
    ["data/:latest", '"data/:latest" has an empty "/"-separated part'],
    [
      "a/b/c/mnist:latest",
      '"a/b/c/mnist:latest" has more than 3 "/"-separated parts before ":"',
    ],
    [
      "mnist test:latest",
      '"mnist test:latest" has white space or a control character',
    ],
    ["mnist:lat est", '"mnist:lat est" has white space or a control character'],
    [" mnist:latest", '" mnist:latest" has white space or a control character'],
    [
      "mnist:latest\n",
      '"mnist:latest " has white space or a control character',
    ],
    [
      "mn\u0007ist:v1",
      '"mn\\u0007ist:v1" has white space or a control character',
    ],
    [
      "wandb-registry-/labeler:production",
      '"wandb-registry-/labeler:production" names no registry after "wandb-registry-"',
    ],
  ];
  for (const [text, message] of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(() => parseArtifactPath(text), {
        name: "TypeError",
        message,
      });
    });
  }
});

Deno.test("isRegistryProject is true for wandb-registry-<name> only", () => {
  assert.equal(REGISTRY_PREFIX, "wandb-registry-");
  assert.equal(isRegistryProject("wandb-registry-model"), true);
  assert.equal(isRegistryProject("wandb-registry-dataset"), true);
  assert.equal(isRegistryProject("wandb-registry-"), false);
  assert.equal(isRegistryProject("model-registry"), false);
  assert.equal(isRegistryProject("my-wandb-registry-model"), false);
  assert.equal(isRegistryProject("predict-issue-labels"), false);
});

Deno.test("formatArtifactPath writes each accepted form back as it was written", async (t) => {
  for (const [text, path] of ACCEPTED) {
    await t.step(text, () => {
      assert.equal(formatArtifactPath(path), text);
      assert.deepEqual(parseArtifactPath(formatArtifactPath(path)), path);
    });
  }
  await t.step("an entity without a project is refused", () => {
    assert.throws(
      () =>
        formatArtifactPath({
          entity: "acme",
          collection: "mnist",
          alias: "v1",
        }),
      {
        name: "TypeError",
        message: 'the artifact path "mnist:v1" has an entity but no project',
      },
    );
  });
});
