/**
 * Start-up: what a user pays before and around the work.
 *
 * **The action step, cold and warm.** action.yml's `report` step, executed
 * as the runner executes it (`bash -eo pipefail`, its `env:` mapping, with
 * `GITHUB_ACTION_PATH` this folder), so that Deno runs exactly the action's
 * command: `deno-wandb-runs run --no-prompt --frozen
 * --config=<root>/deno.json` with the action's permission flags, `cli.ts`.
 * `deno-wandb-runs`, which setup-deno installs on a runner, is here a script
 * that writes the time it started and `exec`s the `deno` on `PATH`. Cold:
 * with an empty Deno cache (the step's `DENO_DIR` under a fresh
 * `runner.temp`), so Deno downloads the npm packages of `deno.lock` from the
 * registry, through a counting proxy ({@linkcode startRegistryProxy}) given as
 * `HTTPS_PROXY`; warm: the same step again with that cache filled. Each run
 * records when Deno started, when the first request reached the fake W&B (its
 * `onRequest`), and when the step ended; and afterwards the bytes the
 * registry sent and the size of the cache folder.
 *
 * **The README one-liner, cache filled.** `deno run cli.ts --help` and a
 * one-run query with the one-liner's permissions, wall time per process.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import { readOutputsFile } from "../tests/_helpers.ts";
import type { FakeWandb } from "../testing/fake_wandb/server.ts";
import { PROJECT_ROOT } from "./_measure.ts";
import { startRegistryProxy } from "./_registry_proxy.ts";

/** Measured runs per one-liner command. */
export const COLD_START_REPEATS = 5;

/** Runs of the action step: with an empty cache (each downloads the packages), and with the cache filled. */
export interface StartUpRepeats {
  /** Runs with an empty cache. */
  cold: number;
  /** Runs with the cache filled. */
  warm: number;
}

/** The host and port Deno downloads npm packages from (`deno.lock`'s registry). */
export const NPM_REGISTRY = "registry.npmjs.org:443";

/** The wall time of one one-liner command. */
export interface ColdStart {
  /** What was run. */
  command: string;
  /** The median wall time, in milliseconds. */
  medianMs: number;
  /** Every measured wall time, in milliseconds. */
  samplesMs: number[];
}

/** One run of the action step. */
export interface ActionStepRun {
  /** Milliseconds from Deno's start to the first request reaching W&B. */
  firstRequestMs: number;
  /** Milliseconds from Deno's start to the end of the step. */
  totalMs: number;
  /** Bytes the npm registry sent (TLS records, handshakes included). */
  downloadedBytes: number;
  /** Bytes sent to the registry. */
  uploadedBytes: number;
  /** Connections to the registry. */
  registryConnections: number;
  /** Bytes in the Deno cache folder after the step (file sizes). */
  cacheBytes: number;
  /** Files in the Deno cache folder after the step. */
  cacheFiles: number;
}

/** The action step with an empty cache, or with the cache filled. */
export interface ActionStart {
  /** `cold` (empty cache) or `warm` (cache filled). */
  cache: "cold" | "warm";
  /** The median of each figure over the runs. */
  median: ActionStepRun;
  /** Every run. */
  samples: ActionStepRun[];
}

/** Everything this module measures. */
export interface StartUp {
  /** The action step, cold then warm. */
  action: ActionStart[];
  /** The README one-liner, cache filled. */
  oneLiner: ColdStart[];
}

/** A small query: where the fake is and what to ask for. */
export interface StartUpQuery {
  /** The fake W&B (no latency), whose `onRequest` calls `arrivals.record`. */
  fake: FakeWandb;
  /** When each request reached the fake, by index in `fake.requests`. */
  arrivals: Map<number, number>;
  /** The API key. */
  apiKey: string;
  /** `entity/project`. */
  projectName: string;
  /** A commit with runs, for the action step. */
  githubSha: string;
  /** The baseline tags. */
  baselineTags: readonly string[];
  /** The displayed metrics and config vars. */
  metrics: readonly string[];
  /** The displayed config vars. */
  configVars: readonly string[];
  /** How many candidates the action must count. */
  candidates: number;
  /** A run id, for the one-liner. */
  runId: string;
  /** A folder to work in. */
  folder: string;
}

/**
 * The time now, in milliseconds since the epoch, to a microsecond: the clock
 * `date +%s%N` reads.
 *
 * @returns The time.
 */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Measures the action step cold and warm, then the one-liner.
 *
 * @param query The fake and what to ask it.
 * @param options Progress lines, and how many runs of the action step.
 * @returns The measurements.
 */
export async function measureStartUp(
  query: StartUpQuery,
  options: { log: (line: string) => void; repeats: StartUpRepeats },
): Promise<StartUp> {
  const { log, repeats } = options;
  const proxy = startRegistryProxy([NPM_REGISTRY]);
  const cold: ActionStepRun[] = [];
  const warm: ActionStepRun[] = [];
  try {
    // A fresh runner.temp holds an empty cache; the last one is reused warm.
    let runnerTemp = "";
    for (let run = 0; run < repeats.cold; run++) {
      log(`  action step, empty cache (${run + 1} of ${repeats.cold})`);
      if (runnerTemp !== "") await Deno.remove(runnerTemp, { recursive: true });
      runnerTemp = await Deno.makeTempDir({
        dir: query.folder,
        prefix: "runner-temp-",
      });
      cold.push(await runActionStep(query, runnerTemp, proxy));
    }
    for (let run = 0; run < repeats.warm; run++) {
      log(`  action step, cache filled (${run + 1} of ${repeats.warm})`);
      warm.push(await runActionStep(query, runnerTemp, proxy));
    }
    if (runnerTemp !== "") await Deno.remove(runnerTemp, { recursive: true });
  } finally {
    await proxy.close();
  }
  log("  README one-liner, cache filled");
  return {
    action: [
      { cache: "cold", median: medianRun(cold), samples: cold },
      { cache: "warm", median: medianRun(warm), samples: warm },
    ],
    oneLiner: await measureOneLiner(query),
  };
}

/**
 * The `deno-wandb-runs` of a runner: writes the time it started, in
 * nanoseconds since the epoch, to `$BENCH_DENO_START` (the step runs it for
 * `--version` first, then for the work, which writes last), then becomes the
 * `deno` on `PATH` (its own folder, first on `PATH`, left out).
 */
const DENO_SHIM = `#!/bin/sh
date +%s%N > "$BENCH_DENO_START"
PATH="\${PATH#*:}"
exec deno "$@"
`;

/** The parts of action.yml the step runner reads. */
interface ActionFile {
  inputs: Record<string, { default?: string }>;
  runs: {
    steps: { id?: string; run?: string; env?: Record<string, string> }[];
  };
}

/** action.yml's inputs and its `report` step, read afresh. */
async function reportStep() {
  const action = parseYaml(
    await Deno.readTextFile(`${PROJECT_ROOT}action.yml`),
  ) as ActionFile;
  const step = action.runs.steps.find((step) => step.id === "report");
  if (step?.run === undefined) {
    throw new Error(
      "Cannot measure the action step: action.yml has no report step",
    );
  }
  return { inputs: action.inputs, run: step.run, env: step.env ?? {} };
}

/**
 * The value of one `env:` entry: `${{ inputs.X }}` is the input or its
 * default, `${{ runner.temp }}` the runner's temporary folder.
 */
function evaluate(
  expression: string,
  values: {
    inputs: Record<string, string>;
    defaults: ActionFile["inputs"];
    runnerTemp: string;
  },
): string {
  const input = /^\$\{\{ inputs\.(\w+) \}\}$/.exec(expression)?.[1];
  if (input !== undefined) {
    return values.inputs[input] ?? values.defaults[input]?.default ?? "";
  }
  const rest = /^\$\{\{ runner\.temp \}\}(.*)$/.exec(expression)?.[1];
  if (rest !== undefined) return `${values.runnerTemp}${rest}`;
  if (!expression.includes("${{")) return expression;
  throw new Error(
    `Cannot measure the action step: cannot evaluate ${expression}`,
  );
}

/**
 * Runs action.yml's `report` step once, as the runner would, with
 * `runnerTemp` as `runner.temp` (where the step keeps Deno's cache) and
 * `proxy` as the way to the registry; checks its outputs.
 */
async function runActionStep(
  query: StartUpQuery,
  runnerTemp: string,
  proxy: ReturnType<typeof startRegistryProxy>,
): Promise<ActionStepRun> {
  const step = await reportStep();
  const workspace = await Deno.makeTempDir({
    dir: query.folder,
    prefix: "workspace-",
  });
  try {
    const shimFolder = `${workspace}/shim`;
    await Deno.mkdir(shimFolder);
    await Deno.writeTextFile(`${shimFolder}/deno-wandb-runs`, DENO_SHIM, {
      mode: 0o755,
    });
    const script = `${workspace}/step.sh`;
    await Deno.writeTextFile(script, `PATH="${shimFolder}:$PATH"\n${step.run}`);
    const inputs: Record<string, string> = {
      WANDB_API_KEY: query.apiKey,
      PROJECT_NAME: query.projectName,
      FILTER_GITHUB_SHA: query.githubSha,
      BASELINE_TAGS: query.baselineTags.join(", "),
      DISPLAY_METRICS: query.metrics.join(", "),
      DISPLAY_CONFIG_VARS: query.configVars.join(", "),
      WANDB_BASE_URL: query.fake.url,
      GITHUB_TOKEN: "",
    };
    const env: Record<string, string> = {
      HTTPS_PROXY: proxy.url,
      https_proxy: proxy.url,
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
      BENCH_DENO_START: `${workspace}/deno_start`,
      GITHUB_ACTIONS: "true",
      GITHUB_ACTION_PATH: PROJECT_ROOT.replace(/\/$/, ""),
      GITHUB_WORKSPACE: workspace,
      GITHUB_OUTPUT: `${workspace}/github_output`,
      GITHUB_STEP_SUMMARY: `${workspace}/step_summary.md`,
      WANDB_APP_URL: "",
    };
    for (const [name, expression] of Object.entries(step.env)) {
      env[name] = evaluate(expression, {
        inputs,
        defaults: step.inputs,
        runnerTemp,
      });
    }
    const denoDir = env.DENO_DIR;
    if (denoDir === undefined) {
      throw new Error(
        "Cannot measure the action step: its env: sets no DENO_DIR",
      );
    }
    await Deno.writeTextFile(env.GITHUB_OUTPUT, "");
    const firstRequest = query.fake.requests.length;
    const before = {
      down: proxy.bytesDown,
      up: proxy.bytesUp,
      tunnels: proxy.tunnels,
    };
    // The parent's environment is kept (a CA the network needs, say), with
    // the step's own variables over it.
    const output = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", script],
      cwd: workspace,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const endMs = epochMs();
    if (!output.success) {
      throw new Error(
        `Cannot measure the action step: exit code ${output.code}: ${
          new TextDecoder().decode(output.stderr)
        }`,
      );
    }
    const outputs = readOutputsFile(await Deno.readTextFile(env.GITHUB_OUTPUT));
    if (outputs.NUM_CANDIDATES !== String(query.candidates)) {
      throw new Error(
        `Cannot trust the action step: NUM_CANDIDATES is ${outputs.NUM_CANDIDATES}, expected ${query.candidates}`,
      );
    }
    const startMs = Number(await Deno.readTextFile(env.BENCH_DENO_START)) / 1e6;
    const arrived = query.arrivals.get(firstRequest);
    if (arrived === undefined || Number.isNaN(startMs)) {
      throw new Error("Cannot measure the action step: no request or no start");
    }
    const cache = await folderSize(denoDir).catch(() => ({
      bytes: 0,
      files: 0,
    }));
    return {
      firstRequestMs: arrived - startMs,
      totalMs: endMs - startMs,
      downloadedBytes: proxy.bytesDown - before.down,
      uploadedBytes: proxy.bytesUp - before.up,
      registryConnections: proxy.tunnels - before.tunnels,
      cacheBytes: cache.bytes,
      cacheFiles: cache.files,
    };
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
}

/** The sizes of the files below `folder`, and how many there are. */
async function folderSize(
  folder: string,
): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  for await (const entry of Deno.readDir(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) {
      const below = await folderSize(path);
      bytes += below.bytes;
      files += below.files;
    } else if (entry.isFile) {
      bytes += (await Deno.lstat(path)).size;
      files++;
    }
  }
  return { bytes, files };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Each figure's median over the runs. */
function medianRun(runs: ActionStepRun[]): ActionStepRun {
  const of = (pick: (run: ActionStepRun) => number) => median(runs.map(pick));
  return {
    firstRequestMs: of((run) => run.firstRequestMs),
    totalMs: of((run) => run.totalMs),
    downloadedBytes: of((run) => run.downloadedBytes),
    uploadedBytes: of((run) => run.uploadedBytes),
    registryConnections: of((run) => run.registryConnections),
    cacheBytes: of((run) => run.cacheBytes),
    cacheFiles: of((run) => run.cacheFiles),
  };
}

/**
 * Measures `deno run cli.ts --help` and a one-run query, each as the README's
 * one-liner runs it (narrow permissions, inputs by flag, the key from the
 * environment), with the developer's Deno cache.
 */
async function measureOneLiner(query: StartUpQuery): Promise<ColdStart[]> {
  const csvPath = `${query.folder}/cold_start.csv`;
  const files = `${csvPath},${csvPath}.partial`;
  const permissions = [
    "--no-prompt",
    `--allow-net=${new URL(query.fake.url).host}`,
    "--allow-env=WANDB_API_KEY",
    `--allow-read=${files}`,
    `--allow-write=${files}`,
  ];
  const help = ["run", ...permissions, "cli.ts", "--help"];
  const oneRun = [
    "run",
    ...permissions,
    "cli.ts",
    "--project",
    query.projectName,
    "--run-id",
    query.runId,
    "--base-url",
    query.fake.url,
    "--out",
    csvPath,
  ];
  return [
    await medianWallTime("deno run cli.ts --help", help, query.apiKey),
    await medianWallTime(
      "deno run cli.ts --run-id <id> (one request, no latency)",
      oneRun,
      query.apiKey,
    ),
  ];
}

async function medianWallTime(
  command: string,
  args: string[],
  apiKey: string,
): Promise<ColdStart> {
  const samplesMs: number[] = [];
  for (let run = 0; run <= COLD_START_REPEATS; run++) {
    const start = performance.now();
    const output = await new Deno.Command("deno", {
      args,
      cwd: PROJECT_ROOT,
      env: { WANDB_API_KEY: apiKey },
      stdout: "null",
      stderr: "piped",
    }).output();
    const wallMs = performance.now() - start;
    if (!output.success) {
      throw new Error(
        `Cannot measure "${command}": exit code ${output.code}: ${
          new TextDecoder().decode(output.stderr)
        }`,
      );
    }
    if (run > 0) samplesMs.push(wallMs);
  }
  return { command, medianMs: median(samplesMs), samplesMs };
}
