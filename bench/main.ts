/**
 * `deno task bench`: measures our CLI against the W&B Python SDK's requests
 * (the peer, replayed) and against the least any client could transfer (the
 * limit), on a realistic project of 100,000 runs served by the fake W&B with
 * 80 ms of latency per request, at 10, 1,000 and 20,000 matching runs; then
 * what writing the outputs costs, and the start-up: action.yml's step with an
 * empty Deno cache (downloading its packages from the npm registry) and with
 * the cache filled. First of all it measures what the evidence inputs
 * (curves, lineage, the production baseline) add to a review of 10, 50 and
 * 120 runs, and fails (exit code 1) when they break the issue's promise on
 * requests. Prints the tables and writes them to `bench/results.json` and
 * into `BENCHMARKS.md`.
 *
 * ```sh
 * deno task bench            # the full run, about 4 minutes on 2 CPUs
 * deno task bench --quick    # 10,000 runs, up to 2,000 matching; prints only
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  type FakeWandb,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";
import { epochMs, measureStartUp, type StartUpRepeats } from "./_cold_start.ts";
import {
  evidenceVerdicts,
  measureEvidenceCost,
  renderEvidenceCost,
} from "./_evidence_cost.ts";
import {
  actionV8Flags,
  cliEnvironment,
  type CliInputs,
  measureOursRepeatedly,
  measurePeer,
  PROJECT_ROOT,
} from "./_measure.ts";
import { measureOutputCosts } from "./_report_cost.ts";
import {
  type BenchResults,
  judgeTargets,
  type Machine,
  type ProjectShape,
  renderResults,
  replaceResultsSection,
  type ScaleResult,
} from "./_results.ts";
import { limitBytes, limitRequests } from "./limit.ts";
import {
  BASELINE_TAG,
  BENCH_API_KEY,
  BENCH_ENTITY,
  BENCH_PROJECT,
  benchSha,
  DISPLAY_CONFIG_VARS,
  DISPLAY_METRICS,
  type RealisticProject,
  realisticProject,
} from "./realistic_project.ts";

/** The fake W&B's delay per request, as a CI runner sees W&B. */
const LATENCY_MS = 80;

/** Runs of our CLI per measurement (the median is kept); the peer runs once. */
const OUR_REPEATS = 3;

/**
 * The project and the scales of a full run and of `--quick`, and the runs of
 * the action step with an empty cache and with the cache filled.
 */
const SIZES = {
  full: {
    totalRuns: 100_000,
    scales: [10, 1_000, 20_000],
    startUp: { cold: 3, warm: 5 },
  },
  quick: {
    totalRuns: 10_000,
    scales: [10, 1_000, 2_000],
    startUp: { cold: 1, warm: 2 },
  },
};

const USAGE = `Usage: deno task bench [--quick]

Measures our CLI, the W&B SDK's requests replayed (the peer) and the limit on a
realistic project served by the fake W&B with ${LATENCY_MS} ms latency per request,
then the action's step with an empty Deno cache (it downloads its packages from
the npm registry) and with the cache filled. First, what the evidence inputs
add to a review of 10, 50 and 120 runs: it exits with 1 when they cost more
requests than the issue promises.

  --quick   a project of 10,000 runs, up to 2,000 matching; prints the tables
            but leaves bench/results.json and BENCHMARKS.md alone
  --help    this text`;

/** Progress goes to stderr, so that stdout holds only the tables. */
function log(line: string): void {
  console.error(line);
}

/** What a matching run of the generated project looks like, for the setup line. */
function projectShape(
  generated: RealisticProject,
  generationMs: number,
): ProjectShape {
  const run = generated.matchingRuns.values().next().value![0];
  const servedConfig = {
    ...Object.fromEntries(
      Object.entries(run.config!).map(([key, value]) => [key, { value }]),
    ),
    _wandb: { value: { cli_version: "0.21.0" } },
  };
  return {
    totalRuns: generated.project.runs.length,
    generationMs,
    summaryKeys: Object.keys(run.summaryMetrics!).length,
    summaryBytes: JSON.stringify(run.summaryMetrics).length,
    configKeys: Object.keys(run.config!).length,
    configBytes: JSON.stringify(servedConfig).length,
    systemMetricsBytes: JSON.stringify(run.systemMetrics).length,
  };
}

/** Our CLI's inputs for the set of `matchingRuns` runs. */
function cliInputs(matchingRuns: number): CliInputs {
  return {
    projectName: `${BENCH_ENTITY}/${BENCH_PROJECT}`,
    githubSha: benchSha(matchingRuns),
    baselineTags: [BASELINE_TAG],
    metrics: DISPLAY_METRICS,
    configVars: DISPLAY_CONFIG_VARS,
    apiKey: BENCH_API_KEY,
  };
}

/** Measures ours, the peer and the limit for one scale. */
async function measureScale(
  fake: FakeWandb,
  generated: RealisticProject,
  matchingRuns: number,
  options: {
    folder: string;
    withCsvOnly: boolean;
    repeats: number;
    v8Flags: readonly string[];
  },
): Promise<ScaleResult> {
  const { folder, v8Flags } = options;
  const expected = {
    candidates: generated.matchingRuns.get(matchingRuns)!,
    baselines: generated.baselineRuns,
  };
  log(`${matchingRuns} matching runs: ours ...`);
  const ours = await measureOursRepeatedly(fake, cliInputs(matchingRuns), {
    folder,
    expected,
    v8Flags,
    repeats: options.repeats,
  });
  let oursCsvOnly;
  if (options.withCsvOnly) {
    log(`${matchingRuns} matching runs: ours, CSV only ...`);
    oursCsvOnly = await measureOursRepeatedly(fake, cliInputs(matchingRuns), {
      folder,
      expected,
      v8Flags,
      markdown: false,
      repeats: options.repeats,
    });
  }
  log(`${matchingRuns} matching runs: peer ...`);
  const peer = await measurePeer(fake, {
    baseUrl: fake.url,
    apiKey: BENCH_API_KEY,
    entity: BENCH_ENTITY,
    project: BENCH_PROJECT,
    githubSha: benchSha(matchingRuns),
    baselineTags: [BASELINE_TAG],
  }, expected);
  return {
    matchingRuns,
    baselineRuns: expected.baselines.length,
    ours,
    ...(oursCsvOnly === undefined ? {} : { oursCsvOnly }),
    peer,
    limit: {
      requests: limitRequests([
        expected.candidates.length,
        expected.baselines.length,
      ]),
      bytes: limitBytes([...expected.candidates, ...expected.baselines], {
        metrics: DISPLAY_METRICS,
        configVars: DISPLAY_CONFIG_VARS,
      }),
    },
  };
}

/**
 * Measures the start-up (the action step with an empty and a filled cache,
 * the README one-liner) against a small project without latency.
 */
async function startUp(folder: string, repeats: StartUpRepeats) {
  const small = realisticProject({ totalRuns: 100, matchingRunCounts: [10] });
  const arrivals = new Map<number, number>();
  const fake = startFakeWandb({
    projects: [small.project],
    apiKeys: [BENCH_API_KEY],
    onRequest: (index) => void arrivals.set(index, epochMs()),
  });
  try {
    return await measureStartUp({
      fake,
      arrivals,
      apiKey: BENCH_API_KEY,
      projectName: `${BENCH_ENTITY}/${BENCH_PROJECT}`,
      githubSha: benchSha(10),
      baselineTags: [BASELINE_TAG],
      metrics: DISPLAY_METRICS,
      configVars: DISPLAY_CONFIG_VARS,
      candidates: small.matchingRuns.get(10)!.length,
      runId: small.matchingRuns.get(10)![0].name,
      folder,
    }, { log, repeats });
  } finally {
    await fake.close();
  }
}

/** Times our CSV and Markdown code on the largest set, with the CLI's inputs and W&B's own URL (as its links would be). */
function outputCosts(generated: RealisticProject, matchingRuns: number) {
  const environment = cliEnvironment(cliInputs(matchingRuns), {
    baseUrl: "https://api.wandb.ai",
    csvPath: "wandb_report.csv",
    markdownPath: "wandb_report.md",
  });
  const rawInputs = Object.fromEntries(
    Object.entries(environment).map((
      [name, value],
    ) => [name.replace(/^INPUT_/, ""), value]),
  );
  return measureOutputCosts({
    candidates: generated.matchingRuns.get(matchingRuns)!,
    baselines: generated.baselineRuns,
  }, rawInputs);
}

/** The machine this runs on. */
function thisMachine(): Machine {
  return {
    cpus: navigator.hardwareConcurrency,
    memoryBytes: Deno.systemMemoryInfo().total,
    os: `${Deno.build.os} ${Deno.osRelease()} (${Deno.build.arch})`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

/**
 * Writes `bench/results.json` and the results section of `BENCHMARKS.md`,
 * then formats that file as `deno fmt` would (it wraps the generated
 * paragraphs as it wraps the rest).
 */
async function writeResults(results: BenchResults, section: string) {
  await Deno.writeTextFile(
    `${PROJECT_ROOT}bench/results.json`,
    `${
      JSON.stringify({ ...results, targets: judgeTargets(results) }, null, 2)
    }\n`,
  );
  const benchmarksPath = `${PROJECT_ROOT}BENCHMARKS.md`;
  await Deno.writeTextFile(
    benchmarksPath,
    replaceResultsSection(await Deno.readTextFile(benchmarksPath), section),
  );
  const formatted = await new Deno.Command("deno", {
    args: ["fmt", "--quiet", "BENCHMARKS.md"],
    cwd: PROJECT_ROOT,
  }).output();
  if (!formatted.success) {
    throw new Error("Cannot format BENCHMARKS.md: deno fmt failed");
  }
}

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { quick: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const quick = values.quick === true;
  // Our CLI runs with the V8 flags the action gives Deno, if any.
  const v8Flags = await actionV8Flags();
  const folder = await Deno.makeTempDir({ prefix: "wandb-runs-bench-" });
  try {
    await measureAll(quick, v8Flags, folder);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

/**
 * Measures the evidence (failing at once when it breaks a promise), then
 * ours, the peer and the limit, the output costs and the start-up; prints
 * the results and, unless `quick`, writes them.
 */
async function measureAll(
  quick: boolean,
  v8Flags: string[],
  folder: string,
): Promise<void> {
  const size = quick ? SIZES.quick : SIZES.full;
  const largest = size.scales.at(-1)!;
  log("Measuring what the evidence inputs add ...");
  const evidence = await measureEvidenceCost({
    latencyMs: LATENCY_MS,
    repeats: OUR_REPEATS,
    folder,
    v8Flags,
    log,
  });
  const broken = evidenceVerdicts(evidence).filter((verdict) => !verdict.met);
  if (broken.length > 0) {
    console.log(`\n${renderEvidenceCost(evidence)}\n`);
    throw new Error(
      `The evidence inputs broke the issue's promise: ${
        broken.map((verdict) => `${verdict.target} (${verdict.measured})`)
          .join("; ")
      }`,
    );
  }

  log(`Generating a project of ${size.totalRuns} runs ...`);
  const generationStart = performance.now();
  const generated = realisticProject({
    totalRuns: size.totalRuns,
    matchingRunCounts: size.scales,
  });
  const project = projectShape(generated, performance.now() - generationStart);

  const fake = startFakeWandb({
    projects: [generated.project],
    apiKeys: [BENCH_API_KEY],
    latencyMs: LATENCY_MS,
  });
  try {
    log("Warming up (compiling the CLI and the peer) ...");
    await measureScale(fake, generated, size.scales[0], {
      folder,
      withCsvOnly: false,
      v8Flags,
      repeats: 1,
    });
    const scales: ScaleResult[] = [];
    for (const matchingRuns of size.scales) {
      scales.push(
        await measureScale(fake, generated, matchingRuns, {
          folder,
          withCsvOnly: matchingRuns === largest,
          v8Flags,
          repeats: OUR_REPEATS,
        }),
      );
    }
    await fake.close();

    log(`Timing our CSV and Markdown code for ${largest} runs ...`);
    const costs = outputCosts(generated, largest);
    log("Measuring the start-up (the action step downloads its packages) ...");
    const results: BenchResults = {
      date: new Date().toISOString(),
      quick,
      machine: thisMachine(),
      latencyMs: LATENCY_MS,
      ourRepeats: OUR_REPEATS,
      ourV8Flags: v8Flags,
      project,
      scales,
      outputCosts: { runs: largest + generated.baselineRuns.length, costs },
      startUp: await startUp(folder, size.startUp),
      evidence,
    };

    const section = renderResults(results);
    console.log(`\n${section}\n`);
    if (!quick) {
      await writeResults(results, section);
      log("Wrote bench/results.json and the results section of BENCHMARKS.md");
    }
  } finally {
    await fake.close();
  }
}

if (import.meta.main) {
  await main(Deno.args);
}
