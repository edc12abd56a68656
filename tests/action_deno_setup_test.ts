/**
 * How the action gets its Deno: the version the lockfile is written for
 * (`.dvmrc`), installed by setup-deno under a name of its own so that the
 * caller's `deno` is left alone, with a cache of its own keyed to the
 * action's lockfile; and a cold step resolves only the runtime packages.
 */
import assert from "node:assert/strict";
import {
  action,
  DENO_VERSION,
  developerDenoDir,
  pinStep,
  ROOT,
  runActionStep,
  runStep,
  runStepScript,
  setupStep,
} from "./_action_step.ts";
import { readOutputsFile, startDemoWandb, tempFolder } from "./_helpers.ts";
import { DEMO_API_KEY, DEMO_SHA } from "../testing/fake_wandb/sample_data.ts";

const DEMO_INPUTS = {
  WANDB_API_KEY: DEMO_API_KEY,
  PROJECT_NAME: "github/predict-issue-labels",
  FILTER_GITHUB_SHA: DEMO_SHA,
  BASELINE_TAGS: "baseline",
  DISPLAY_METRICS: "acc",
};

/** A folder holding executables for PATH. */
async function binFolder(
  parent: string,
  name: string,
  programs: Record<string, string>,
): Promise<string> {
  const folder = `${parent}/${name}`;
  await Deno.mkdir(folder);
  for (const [program, target] of Object.entries(programs)) {
    if (target.startsWith("#!")) {
      await Deno.writeTextFile(`${folder}/${program}`, target, { mode: 0o755 });
    } else {
      await Deno.symlink(target, `${folder}/${program}`);
    }
  }
  return folder;
}

/** A caller's own `deno`, of another version, that must not run the action. */
const CALLERS_DENO =
  '#!/bin/sh\nif [ "$1" = --version ]; then echo "deno 1.46.3 (the caller\'s)"; exit 0; fi\necho "the caller\'s deno ran" >&2; exit 9\n';

Deno.test("the Deno version is pinned in one place, .dvmrc, and everything agrees with it", async () => {
  assert.match(DENO_VERSION, /^\d+\.\d+\.\d+$/);
  assert.equal(Deno.version.deno, DENO_VERSION, "the tests run on it");
  const ci = await Deno.readTextFile(`${ROOT}/.ci/run`);
  assert.match(ci, /DENO_VERSION="\$\(tr -d ' \\t\\r\\n' < \.dvmrc\)"/);
  const readme = await Deno.readTextFile(`${ROOT}/README.md`);
  const mentioned = [...readme.matchAll(/deno@(\d+\.\d+\.\d+)/g)].map((m) =>
    m[1]
  );
  assert.ok(mentioned.length >= 2, "the README's two commands name it");
  assert.deepEqual([...new Set(mentioned)], [DENO_VERSION]);
});

Deno.test("setup-deno installs the pinned version as deno-wandb-runs, caching by the action's own lockfile", async (t) => {
  await t.step("the setup step", () => {
    assert.match(
      setupStep.uses!,
      /^denoland\/setup-deno@[0-9a-f]{40}$/,
    );
    assert.deepEqual(setupStep.with, {
      "deno-version": "${{ steps.deno.outputs.version }}",
      "deno-binary-name": "deno-wandb-runs",
      "cache": "true",
      "cache-hash": "${{ steps.deno.outputs.cache-hash }}",
    });
    // Its cache is the folder the report step runs with, not the caller's.
    assert.equal(setupStep.env?.DENO_DIR, runStep.env?.DENO_DIR);
    assert.match(setupStep.env!.DENO_DIR, /^\$\{\{ runner\.temp \}\}\/\S+$/);
    const order = action.runs.steps.map((step) => step.id ?? step.uses);
    assert.deepEqual(order, ["deno", setupStep.uses, "report"]);
  });
  await t.step("the pin step reads .dvmrc and hashes deno.lock", async () => {
    const folder = await tempFolder();
    try {
      const output = `${folder.path}/github_output`;
      await Deno.writeTextFile(output, "");
      const result = await runStepScript(pinStep, {
        PATH: Deno.env.get("PATH") ?? "",
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_OUTPUT: output,
      }, folder.path);
      assert.equal(result.code, 0, result.stderr);
      const lock = await Deno.readFile(`${ROOT}/deno.lock`);
      const hash = encodeHex(await crypto.subtle.digest("SHA-256", lock));
      assert.deepEqual(readOutputsFile(await Deno.readTextFile(output)), {
        version: DENO_VERSION,
        "cache-hash": `wandb-runs-${DENO_VERSION}-${hash}`,
      });
    } finally {
      await folder.remove();
    }
  });
});

Deno.test("the caller's deno is left alone: no step changes PATH or the environment of later steps", async (t) => {
  for (const step of action.runs.steps) {
    assert.doesNotMatch(step.run ?? "", /GITHUB_PATH|GITHUB_ENV/);
  }
  const fake = startDemoWandb();
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  await Deno.mkdir(workspace);
  const realDeno = Deno.execPath();
  const callers = await binFolder(parent.path, "callers", {
    deno: CALLERS_DENO,
  });
  const inputs = { ...DEMO_INPUTS, WANDB_BASE_URL: fake.url };
  const pathWith = (...folders: string[]) =>
    [...folders, Deno.env.get("PATH") ?? ""].join(":");
  try {
    await t.step(
      "deno-wandb-runs runs the action, the caller's deno does not",
      async () => {
        const ours = await binFolder(parent.path, "ours", {
          "deno-wandb-runs": realDeno,
        });
        const result = await runActionStep(inputs, workspace, {
          PATH: pathWith(ours, callers),
        });
        assert.equal(result.code, 0, result.stderr);
        assert.doesNotMatch(result.stderr, /the caller's deno ran/);
        assert.equal(
          readOutputsFile(await Deno.readTextFile(`${workspace}/github_output`))
            .NUM_FINISHED,
          "3",
        );
      },
    );
    await t.step(
      "the same version already installed as deno is used",
      async () => {
        const same = await binFolder(parent.path, "same", { deno: realDeno });
        const result = await runActionStep(inputs, workspace, {
          PATH: pathWith(same),
        });
        assert.equal(result.code, 0, result.stderr);
      },
    );
    await t.step("another version is refused with a clear error", async () => {
      const result = await runActionStep(inputs, workspace, {
        PATH: pathWith(callers),
      });
      assert.equal(result.code, 1);
      assert.match(
        result.stdout,
        new RegExp(
          `^::error::The action needs Deno ${DENO_VERSION} \\(as deno-wandb-runs or deno on PATH\\), found 1\\.46\\.3$`,
          "m",
        ),
      );
    });
  } finally {
    await fake.close();
    await parent.remove();
  }
});

Deno.test("a cold action step fetches only the runtime packages", async () => {
  const fake = startDemoWandb();
  const parent = await tempFolder();
  const workspace = `${parent.path}/workspace`;
  const runnerTemp = `${parent.path}/runner-temp`;
  await Deno.mkdir(workspace);
  await Deno.mkdir(runnerTemp);
  try {
    const result = await runActionStep(
      { ...DEMO_INPUTS, WANDB_BASE_URL: fake.url },
      workspace,
      {},
      { runnerTemp, coldCache: true },
    );
    assert.equal(result.code, 0, result.stderr);
    const denoDir = `${runnerTemp}/wandb-runs-deno-dir`;
    assert.notEqual(denoDir, developerDenoDir());
    const packages = [];
    for await (
      const entry of Deno.readDir(`${denoDir}/npm/registry.npmjs.org`)
    ) {
      if (entry.isDirectory) packages.push(entry.name);
    }
    assert.deepEqual(packages.sort(), ["csv-stringify", "zod"]);
    const bytes = await folderSize(denoDir);
    assert.ok(bytes < 15_000_000, `${bytes} bytes in the cache`);
  } finally {
    await fake.close();
    await parent.remove();
  }
});

/** Lower-case hex of a digest, as `sha256sum` prints it. */
function encodeHex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((byte) =>
    byte.toString(16).padStart(2, "0")
  ).join("");
}

async function folderSize(path: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(path)) {
    const full = `${path}/${entry.name}`;
    if (entry.isDirectory) total += await folderSize(full);
    else if (entry.isFile) total += (await Deno.stat(full)).size;
  }
  return total;
}

Deno.test("the published configuration holds only the runtime packages, at the versions the tests use", async () => {
  const read = async (path: string) =>
    JSON.parse(await Deno.readTextFile(`${ROOT}/${path}`)) as {
      imports: Record<string, string>;
      publish?: { include: string[] };
    };
  const runtime = await read("deno.json");
  const development = await read("testing/deno.json");
  assert.deepEqual(Object.keys(runtime.imports).sort(), [
    "csv-stringify/sync",
    "zod",
  ]);
  for (const [name, specifier] of Object.entries(runtime.imports)) {
    assert.equal(development.imports[name], specifier, name);
  }
  assert.ok(
    !runtime.publish!.include.some((path) => path.startsWith("tests")),
    "nothing under tests/ is published",
  );
  const lock = JSON.parse(await Deno.readTextFile(`${ROOT}/deno.lock`));
  assert.deepEqual(Object.keys(lock.npm).sort(), [
    "csv-stringify@6.9.0",
    "zod@4.6.7",
  ]);
});
