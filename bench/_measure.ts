/**
 * One measurement of ours or of the peer: the client runs as a `deno run`
 * subprocess with narrow permissions (so its CPU time and peak memory are its
 * own) against the fake W&B in this process, which counts the requests and
 * response bytes; this process's CPU time meanwhile is the fake's.
 *
 * @module
 */

import { parse as parseCsv } from "csv-parse/sync";
import type {
  FakeRun,
  FakeWandb,
  RecordedRequest,
} from "../testing/fake_wandb/server.ts";
import { cpuTimeMs, type WorkCost } from "./_process_stats.ts";
import type { CliRunResult } from "./_run_cli.ts";
import type { PeerRequest, PeerResult } from "./peer.ts";

/** The project folder: where `deno run` finds `deno.json`. */
export const PROJECT_ROOT = new URL("..", import.meta.url).pathname;

/** What the fake saw while a client worked. */
export interface Traffic {
  /** GraphQL requests received. */
  requests: number;
  /** Response body bytes sent. */
  responseBytes: number;
  /** Request body bytes received (each request's `content-length`). */
  requestBytes: number;
  /** CPU milliseconds the fake (this process) spent answering. */
  fakeCpuMs: number;
}

/** One client's measurement. */
export interface Measurement extends WorkCost, Traffic {
  /** Milliseconds from spawning the subprocess to its exit (Deno's start-up included). */
  processWallMs: number;
}

/** Our CLI's measurement, with what it wrote. */
export interface OurMeasurement extends Measurement {
  /** CSV data rows written. */
  csvRows: number;
  /** Characters of the Markdown report file (0 when not asked for). */
  markdownCharacters: number;
  /** Runs the Markdown report file left out to stay under its size limit. */
  markdownRunsLeftOut: number;
  /** The step outputs the CLI printed, `NAME` to value (`BOOL_PASSED`, `GATE_FAILURES`, ...). */
  outputs: Record<string, string>;
  /** Each run's wall time, CPU time and peak RSS, when the figures above are medians. */
  samples?: Pick<WorkCost, "wallMs" | "cpuMs" | "peakRssBytes">[];
}

/** The sets a measurement must reproduce. */
export interface ExpectedRuns {
  /** Every candidate run. */
  candidates: readonly FakeRun[];
  /** Every baseline run. */
  baselines: readonly FakeRun[];
}

/**
 * Runs a Deno script as a subprocess in the project folder and reads the JSON
 * line it prints last.
 *
 * @param script The script, relative to the project folder.
 * @param permissions Its `--allow-*` flags.
 * @param argument Its one argument.
 * @returns The parsed line and the subprocess's wall time.
 */
async function runDenoScript<T>(
  script: string,
  permissions: readonly string[],
  argument: string,
): Promise<{ result: T; processWallMs: number }> {
  const start = performance.now();
  // Through a shell that forks: a child spawned straight from this (large)
  // process inherits its peak RSS as the child's own `ru_maxrss` on Linux.
  const output = await new Deno.Command("sh", {
    args: [
      "-c",
      'deno "$@"; exit $?',
      "sh",
      "run",
      "--no-prompt",
      ...permissions,
      script,
      argument,
    ],
    cwd: PROJECT_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const processWallMs = performance.now() - start;
  const stdout = new TextDecoder().decode(output.stdout).trim();
  if (!output.success) {
    throw new Error(
      `Cannot measure ${script}: exit code ${output.code}: ${
        new TextDecoder().decode(output.stderr)
      }`,
    );
  }
  return {
    result: JSON.parse(stdout.slice(stdout.lastIndexOf("\n") + 1)),
    processWallMs,
  };
}

/** Runs `work` and returns what the fake saw meanwhile. */
async function withTraffic<T>(
  fake: FakeWandb,
  work: () => Promise<T>,
): Promise<{ value: T; traffic: Traffic }> {
  const firstRequest = fake.requests.length;
  const cpuBefore = cpuTimeMs();
  const value = await work();
  const fakeCpuMs = cpuTimeMs() - cpuBefore;
  const requests = fake.requests.slice(firstRequest);
  const failed = requests.find((request) => request.status !== 200);
  if (failed !== undefined) {
    throw new Error(`Cannot measure: the fake answered HTTP ${failed.status}`);
  }
  return {
    value,
    traffic: {
      requests: requests.length,
      responseBytes: requests.reduce((sum, r) => sum + r.responseBytes, 0),
      requestBytes: requests.reduce(
        (sum, request) => sum + requestBodyBytes(request),
        0,
      ),
      fakeCpuMs,
    },
  };
}

/**
 * The body bytes of a request the fake recorded: its `content-length`
 * header, which Deno's `fetch` sends for the string bodies both clients post.
 *
 * @param request A recorded request.
 * @returns Its body's size in bytes.
 * @throws {Error} when the request carried no `content-length`.
 */
export function requestBodyBytes(request: RecordedRequest): number {
  const length = Number(request.headers["content-length"] ?? Number.NaN);
  if (!Number.isInteger(length)) {
    throw new Error(
      "Cannot measure request bytes: a request carried no content-length header",
    );
  }
  return length;
}

/** The inputs of a measured CLI run, besides the paths. */
export interface CliInputs {
  /** `entity/project`. */
  projectName: string;
  /** The commit under review. */
  githubSha: string;
  /** The baseline tags. */
  baselineTags: readonly string[];
  /** The displayed metrics. */
  metrics: readonly string[];
  /** The displayed config vars. */
  configVars: readonly string[];
  /** The API key. */
  apiKey: string;
  /** More inputs, by name without `INPUT_` (e.g. `HISTORY_METRICS`), as a workflow would set them. */
  extraInputs?: Readonly<Record<string, string>>;
}

/**
 * The environment our CLI gets, as a GitHub workflow would set it.
 *
 * @param inputs What to ask for.
 * @param paths The W&B base URL and where the CSV and report go.
 * @returns Variable name to value.
 */
export function cliEnvironment(
  inputs: CliInputs,
  paths: { baseUrl: string; csvPath: string; markdownPath?: string },
): Record<string, string> {
  const environment: Record<string, string> = {
    WANDB_API_KEY: inputs.apiKey,
    WANDB_BASE_URL: paths.baseUrl,
    INPUT_PROJECT_NAME: inputs.projectName,
    INPUT_FILTER_GITHUB_SHA: inputs.githubSha,
    INPUT_BASELINE_TAGS: inputs.baselineTags.join(", "),
    INPUT_DISPLAY_METRICS: inputs.metrics.join(", "),
    INPUT_DISPLAY_CONFIG_VARS: inputs.configVars.join(", "),
    INPUT_OUTPUT_PATH: paths.csvPath,
  };
  if (paths.markdownPath !== undefined) {
    environment.INPUT_REPORT_MARKDOWN = paths.markdownPath;
  }
  for (const [name, value] of Object.entries(inputs.extraInputs ?? {})) {
    environment[`INPUT_${name}`] = value;
  }
  return environment;
}

/**
 * Measures our CLI once and checks what it wrote: the counts, every CSV row
 * (finished candidates, then baselines), and the Markdown report.
 *
 * @param fake The fake W&B.
 * @param inputs What to ask for.
 * @param options The folder to write in, the runs it must find, whether to
 * write the Markdown report too (the default), and the V8 flags the action
 * runs Deno with ({@linkcode actionV8Flags}).
 * @returns The measurement.
 * @throws {Error} when the CLI fails or its output is wrong.
 */
export async function measureOurs(
  fake: FakeWandb,
  inputs: CliInputs,
  options: {
    folder: string;
    expected: ExpectedRuns;
    markdown?: boolean;
    v8Flags?: readonly string[];
  },
): Promise<OurMeasurement> {
  const withMarkdown = options.markdown ?? true;
  const csvPath = `${options.folder}/wandb_report.csv`;
  const markdownPath = `${options.folder}/wandb_report.md`;
  await Deno.remove(csvPath).catch(() => {});
  await Deno.remove(markdownPath).catch(() => {});
  const environment = cliEnvironment(inputs, {
    baseUrl: fake.url,
    csvPath,
    markdownPath: withMarkdown ? markdownPath : undefined,
  });
  const host = new URL(fake.url).host;
  const { value, traffic } = await withTraffic(
    fake,
    () =>
      runDenoScript<CliRunResult>("bench/_run_cli.ts", [
        ...(options.v8Flags ?? []).map((flags) => `--v8-flags=${flags}`),
        `--allow-net=${host}`,
        `--allow-read=${options.folder}`,
        `--allow-write=${options.folder}`,
      ], JSON.stringify(environment)),
  );
  const { result, processWallMs } = value;
  if (result.exitCode !== 0) {
    throw new Error(
      `Cannot measure our CLI: exit code ${result.exitCode}: ${
        result.stderr.join(" ")
      }`,
    );
  }
  const { candidates, baselines } = options.expected;
  const finished = candidates.filter((run) => run.state === "finished");
  expectEqual(
    "NUM_CANDIDATES",
    result.outputs.NUM_CANDIDATES,
    candidates.length,
  );
  expectEqual("NUM_FINISHED", result.outputs.NUM_FINISHED, finished.length);
  expectEqual("NUM_BASELINES", result.outputs.NUM_BASELINES, baselines.length);
  const rows: string[][] = parseCsv(await Deno.readTextFile(csvPath));
  const idColumn = rows[0].indexOf("run.id");
  const written = rows.slice(1).map((row) => row[idColumn]).join(",");
  const wanted = [...finished, ...baselines].map((run) => run.name).join(",");
  if (written !== wanted) {
    throw new Error(
      `Cannot trust our CSV: ${
        rows.length - 1
      } rows, expected the ${finished.length} finished candidates and ${baselines.length} baselines in order`,
    );
  }
  const markdown = withMarkdown ? await Deno.readTextFile(markdownPath) : "";
  const leftOut = /_(\d+) of \d+ runs left out/.exec(markdown);
  return {
    ...result,
    ...traffic,
    processWallMs,
    csvRows: rows.length - 1,
    markdownCharacters: markdown.length,
    markdownRunsLeftOut: Number(leftOut?.[1] ?? 0),
  };
}

/**
 * Measures our CLI `repeats` times ({@linkcode measureOurs}) and keeps the
 * median of each time and memory figure; requests and bytes must not vary.
 *
 * @param fake The fake W&B.
 * @param inputs What to ask for.
 * @param options As for {@linkcode measureOurs}, and how many runs.
 * @returns The medians, with every run's figures in `samples`.
 * @throws {Error} when a run fails or the traffic differs between runs.
 */
export async function measureOursRepeatedly(
  fake: FakeWandb,
  inputs: CliInputs,
  options: Parameters<typeof measureOurs>[2] & { repeats: number },
): Promise<OurMeasurement> {
  const runs: OurMeasurement[] = [];
  for (let run = 0; run < options.repeats; run++) {
    runs.push(await measureOurs(fake, inputs, options));
  }
  return medianMeasurement(runs);
}

/**
 * The median of several measurements of the same CLI run: each time and
 * memory figure is the median of the runs'; requests and bytes must not vary.
 *
 * @param runs The measurements, at least one.
 * @returns The medians, with every run's figures in `samples`.
 * @throws {Error} when the traffic differs between runs.
 */
export function medianMeasurement(
  runs: readonly OurMeasurement[],
): OurMeasurement {
  for (const run of runs) {
    expectEqual("our requests", run.requests, runs[0].requests);
    expectEqual("our response bytes", run.responseBytes, runs[0].responseBytes);
    expectEqual("our request bytes", run.requestBytes, runs[0].requestBytes);
  }
  const median = (pick: (run: OurMeasurement) => number) => {
    const sorted = runs.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  return {
    ...runs[0],
    wallMs: median((run) => run.wallMs),
    processWallMs: median((run) => run.processWallMs),
    cpuMs: median((run) => run.cpuMs),
    processCpuMs: median((run) => run.processCpuMs),
    peakRssBytes: median((run) => run.peakRssBytes),
    fakeCpuMs: median((run) => run.fakeCpuMs),
    samples: runs.map(({ wallMs, cpuMs, peakRssBytes }) => ({
      wallMs,
      cpuMs,
      peakRssBytes,
    })),
  };
}

/**
 * Measures the peer once and checks that it fetched both sets.
 *
 * @param fake The fake W&B.
 * @param request What the peer fetches.
 * @param expected The runs it must find.
 * @returns The measurement.
 * @throws {Error} when the peer fails or fetched other runs.
 */
export async function measurePeer(
  fake: FakeWandb,
  request: PeerRequest,
  expected: ExpectedRuns,
): Promise<Measurement> {
  const host = new URL(fake.url).host;
  const { value, traffic } = await withTraffic(
    fake,
    () =>
      runDenoScript<PeerResult>(
        "bench/peer.ts",
        [`--allow-net=${host}`],
        JSON.stringify(request),
      ),
  );
  const { result, processWallMs } = value;
  expectEqual("peer candidates", result.candidates, expected.candidates.length);
  expectEqual("peer baselines", result.baselines, expected.baselines.length);
  expectEqual("peer requests", result.requests, traffic.requests);
  const { wallMs, cpuMs, processCpuMs, peakRssBytes } = result;
  return {
    wallMs,
    cpuMs,
    processCpuMs,
    peakRssBytes,
    ...traffic,
    processWallMs,
  };
}

function expectEqual(
  what: string,
  actual: string | number | undefined,
  expected: number,
): void {
  if (String(actual) !== String(expected)) {
    throw new Error(
      `Cannot trust the measurement: ${what} is ${actual}, expected ${expected}`,
    );
  }
}

/**
 * The V8 flags action.yml's `report` step runs Deno with (each
 * `--v8-flags=...` in it), so that our CLI is measured as the action runs it.
 *
 * @returns Each flag list as written, e.g. `--max-semi-space-size=4`; none
 * when the action passes none.
 */
export async function actionV8Flags(): Promise<string[]> {
  const text = await Deno.readTextFile(`${PROJECT_ROOT}action.yml`);
  return [...text.matchAll(/--v8-flags=("[^"]*"|'[^']*'|[^\s"'\\]+)/g)].map(
    ([, flags]) => flags.replace(/^(["'])(.*)\1$/, "$2"),
  );
}
