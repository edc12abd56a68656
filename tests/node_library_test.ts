/**
 * The library outside Deno, as JSR promises it: mod.ts bundled with its runtime packages, then run by Node.js
 * against the fake W&B started here, and its review set against the same review made in Deno.
 */
import assert from "node:assert/strict";
import {
  csvReport,
  jsonReport,
  markdownReport,
  reviewRuns,
  type ReviewRunsOptions,
} from "@ml-review/wandb-runs";
import { ROOT } from "./_action_step.ts";
import { runCommand, startDemoWandb, tempFolder } from "./_helpers.ts";
import {
  DEMO_API_KEY,
  DEMO_ENTITY,
  DEMO_PROJECT,
  DEMO_SHA,
} from "../testing/fake_wandb/sample_data.ts";

/** The Node.js program: reviews the demo commit with the bundle, then tries a wrong key; prints JSON. */
const SCENARIO = `
import { csvReport, jsonReport, markdownReport, reviewRuns, WandbError } from "./mod.mjs";

const options = JSON.parse(process.argv[2]);
const retries = [];
const review = await reviewRuns({
  ...options,
  sleep: () => Promise.resolve(),
  onRetry: (line) => retries.push(line),
});
let refused;
try {
  await reviewRuns({ ...options, apiKey: "wrong-" + "0".repeat(40), sleep: () => Promise.resolve() });
} catch (error) {
  refused = {
    name: error.name,
    isWandbError: error instanceof WandbError,
    status: error.status,
    message: error.message,
  };
}
console.log(JSON.stringify({
  deno: typeof globalThis.Deno,
  retries,
  counts: review.counts,
  gate: review.gate,
  csv: csvReport(review),
  markdown: markdownReport(review),
  json: jsonReport(review),
  refused,
}));
`;

/** What the Node.js program printed. */
interface NodeResult {
  deno: string;
  retries: string[];
  counts: unknown;
  gate: unknown;
  csv: string;
  markdown: string;
  json: string;
  refused?: {
    name: string;
    isWandbError: boolean;
    status?: number;
    message: string;
  };
}

/** The npm packages (`name@version`) bundled, from the source comments esbuild writes before each module. */
function bundledPackages(bundle: string): string[] {
  const packages = new Set<string>();
  const comment =
    /^\/\/ .*?registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\/(\d[^/]*)\//gm;
  for (const [, name, version] of bundle.matchAll(comment)) {
    packages.add(`${name}@${version}`);
  }
  return [...packages].sort();
}

/** Bundles mod.ts as JSR's users would load it, with the published configuration; returns the bundle's text. */
async function bundleLibrary(output: string): Promise<string> {
  const result = await runCommand(Deno.execPath(), {
    args: [
      "bundle",
      `--config=${ROOT}/deno.json`,
      "--platform=deno",
      "--format=esm",
      `--output=${output}`,
      `${ROOT}/mod.ts`,
    ],
    cwd: ROOT,
  });
  assert.equal(result.code, 0, result.stderr);
  return await Deno.readTextFile(output);
}

/** The demo commit's review, with gates, against the fake at `baseUrl`. */
function demoOptions(baseUrl: string): ReviewRunsOptions {
  return {
    apiKey: DEMO_API_KEY,
    entity: DEMO_ENTITY,
    project: DEMO_PROJECT,
    commit: DEMO_SHA,
    baselineTags: ["baseline", "reference"],
    metrics: ["acc", "loss", "val_acc", "val_loss"],
    configVars: ["learning_rate", "num_layers"],
    thresholds: [{ metric: "val_acc", operator: ">=", value: 0.6 }],
    failOnRegression: ["val_acc"],
    baseUrl,
  };
}

Deno.test("the bundled library reviews runs under Node.js as under Deno, through retries and a refused key", async (t) => {
  const folder = await tempFolder();
  const fake = startDemoWandb();
  try {
    await t.step("mod.ts bundles with its runtime packages only", async () => {
      const bundle = await bundleLibrary(`${folder.path}/mod.mjs`);
      assert.deepEqual(bundledPackages(bundle), [
        "csv-stringify@6.9.0",
        "zod@4.6.7",
      ]);
      assert.doesNotMatch(bundle, /^\/\/ (testing|tests|bench)\//m);
    });

    const options = demoOptions(fake.url);
    let node: NodeResult | undefined;
    await t.step(
      "node runs the review, retrying a 503 and an answer cut off",
      async () => {
        await Deno.writeTextFile(`${folder.path}/scenario.mjs`, SCENARIO);
        // An answer cut off makes fetch throw, which once asked for Deno.errors.
        fake.failNext({ kind: "status", status: 503 }, {
          kind: "closeMidBody",
        });
        const result = await runCommand("node", {
          args: ["scenario.mjs", JSON.stringify(options)],
          cwd: folder.path,
        });
        assert.equal(result.code, 0, result.stderr);
        node = JSON.parse(result.stdout) as NodeResult;
        assert.equal(node.deno, "undefined");
        assert.equal(node.retries.length, 2);
        assert.match(
          node.retries[0],
          /attempt 1 of 5 failed: W&B answered HTTP 503/,
        );
        assert.match(node.retries[1], /attempt 2 of 5 failed: /);
      },
    );

    await t.step("its review is the one Deno makes, to the byte", async () => {
      assert.ok(node, "the review under node");
      const review = await reviewRuns(options);
      assert.deepEqual(node.counts, review.counts);
      assert.deepEqual(node.gate, review.gate);
      assert.equal(node.csv, csvReport(review));
      assert.equal(node.markdown, markdownReport(review));
      assert.equal(node.json, jsonReport(review));
      assert.equal(JSON.parse(node.json).runs.length, 9);
    });

    await t.step("a refused key is a WandbError under node too", () => {
      assert.ok(node?.refused, "the wrong key was refused");
      assert.equal(node.refused.name, "WandbError");
      assert.equal(node.refused.isWandbError, true);
      assert.equal(node.refused.status, 401);
      assert.match(node.refused.message, /refused the API key/);
    });
  } finally {
    await fake.close();
    await folder.remove();
  }
});
