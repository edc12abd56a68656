/**
 * The benchmark's results: their shape, the verdict on each target of the
 * issue, and their rendering as the Markdown tables printed by
 * `deno task bench` and kept in `BENCHMARKS.md`.
 *
 * @module
 */

import type { ActionStepRun, StartUp } from "./_cold_start.ts";
import {
  type EvidenceCost,
  evidenceVerdicts,
  renderEvidenceCost,
} from "./_evidence_cost.ts";
import type { Measurement, OurMeasurement } from "./_measure.ts";
import type { OutputCost } from "./_report_cost.ts";
import {
  formatBytes,
  formatCount,
  formatMs,
  formatRatio,
  markdownTable,
} from "./_table.ts";

/** The machine the benchmark ran on. */
export interface Machine {
  /** Logical CPUs. */
  cpus: number;
  /** Total memory, in bytes. */
  memoryBytes: number;
  /** The OS and kernel. */
  os: string;
  /** Deno's version. */
  deno: string;
  /** V8's version. */
  v8: string;
}

/** The generated project. */
export interface ProjectShape {
  /** Runs in the project. */
  totalRuns: number;
  /** Milliseconds it took to generate. */
  generationMs: number;
  /** Top-level keys of a matching run's summary. */
  summaryKeys: number;
  /** JSON bytes of a matching run's summary. */
  summaryBytes: number;
  /** Keys of a matching run's config (the fake adds `_wandb`). */
  configKeys: number;
  /** JSON bytes of a matching run's config as served (wrapped, with `_wandb`). */
  configBytes: number;
  /** JSON bytes of a matching run's system metrics. */
  systemMetricsBytes: number;
}

/** One scale: ours, the peer and the limit for the same runs. */
export interface ScaleResult {
  /** Runs matching the SHA (candidates). */
  matchingRuns: number;
  /** Baseline runs. */
  baselineRuns: number;
  /** Our CLI. */
  ours: OurMeasurement;
  /** Our CLI without the Markdown report (measured at the largest scale only). */
  oursCsvOnly?: OurMeasurement;
  /** The peer. */
  peer: Measurement;
  /** The limit. */
  limit: { requests: number; bytes: number };
}

/** Everything one `deno task bench` measured. */
export interface BenchResults {
  /** When it ran (ISO-8601). */
  date: string;
  /** Whether `--quick` (a smaller project) was used. */
  quick: boolean;
  /** The machine. */
  machine: Machine;
  /** The fake W&B's delay per request, in milliseconds. */
  latencyMs: number;
  /** Runs of our CLI per measurement; the figures are their medians. */
  ourRepeats: number;
  /** The V8 flags our CLI ran with: those of action.yml's `deno run`. */
  ourV8Flags: string[];
  /** The generated project. */
  project: ProjectShape;
  /** One result per scale, smallest first. */
  scales: ScaleResult[];
  /** What producing each output costs at the largest scale. */
  outputCosts: { runs: number; costs: OutputCost[] };
  /** The start-up: the action step cold and warm, the README one-liner. */
  startUp: StartUp;
  /** What the evidence inputs (curves, lineage, production baseline) add. */
  evidence: EvidenceCost;
}

/** A target of the issue and whether it was met. */
export interface TargetVerdict {
  /** The target, in the issue's words. */
  target: string;
  /** The measured figure(s). */
  measured: string;
  /** Whether the target was met. */
  met: boolean;
}

/** The page our client asks for, and the page size that "one request" refers to. */
const PAGE_SIZE = 1000;
/** The peak memory allowed at the largest scale, in bytes (200 MB). */
const MEMORY_BUDGET_BYTES = 200e6;
/** Issue 9's budgets at 20,000 runs: peak memory (150 MB) and CPU (600 ms). */
const LARGEST_BUDGET = { peakRssBytes: 150e6, cpuMs: 600 };
/** Issue 9's budgets for the action step with an empty cache. */
const COLD_START_BUDGET = { cacheBytes: 15e6, firstRequestMs: 1500 };

/**
 * Judges each target of the issue against the results.
 *
 * @param results The measurements.
 * @returns One verdict per target.
 */
export function judgeTargets(results: BenchResults): TargetVerdict[] {
  const { scales } = results;
  const largest = scales.at(-1)!;
  const onePage = scales.filter((scale) =>
    scale.matchingRuns <= PAGE_SIZE && scale.baselineRuns <= PAGE_SIZE
  );
  const atThousand = scales.find((scale) => scale.matchingRuns === 1000);
  const verdicts: TargetVerdict[] = [
    {
      target: "One request for up to a page (1,000) of runs",
      measured: onePage.map((scale) =>
        `${formatCount(scale.matchingRuns)} runs: ${scale.ours.requests}`
      ).join("; "),
      met: onePage.every((scale) => scale.ours.requests === 1),
    },
    {
      target: "Bytes within 1.5x of the limit",
      measured: scales.map((scale) =>
        `${formatCount(scale.matchingRuns)} runs: ${
          formatRatio(scale.ours.responseBytes / scale.limit.bytes)
        }x`
      ).join("; "),
      met: scales.every((scale) =>
        scale.ours.responseBytes <= 1.5 * scale.limit.bytes
      ),
    },
  ];
  if (atThousand !== undefined) {
    const { ours, peer } = atThousand;
    verdicts.push(
      {
        target: "At 1,000 runs, at least 10x fewer bytes than the peer",
        measured: `${
          formatRatio(peer.responseBytes / ours.responseBytes)
        }x fewer (${formatBytes(ours.responseBytes)} vs ${
          formatBytes(peer.responseBytes)
        })`,
        met: peer.responseBytes >= 10 * ours.responseBytes,
      },
      {
        target: "At 1,000 runs, at least 5x less wall time than the peer",
        measured: `${formatRatio(peer.wallMs / ours.wallMs)}x less (${
          formatMs(ours.wallMs)
        } vs ${formatMs(peer.wallMs)})`,
        met: peer.wallMs >= 5 * ours.wallMs,
      },
    );
  }
  const { ours } = largest;
  const latencyAloneMs = ours.requests * results.latencyMs;
  verdicts.push(
    {
      target: `${
        formatCount(largest.matchingRuns)
      } runs processed (CSV and Markdown written) within 200 MB peak memory`,
      measured: `${formatBytes(ours.peakRssBytes)} peak RSS; ${
        formatCount(ours.csvRows)
      } CSV rows checked, Markdown written`,
      met: ours.peakRssBytes <= MEMORY_BUDGET_BYTES,
    },
    {
      target:
        "CPU time per run small enough that the network dominates (our CPU < the round-trip latency alone)",
      measured: `${formatMs(ours.cpuMs)} CPU (${
        microsPerRun(ours.cpuMs, largest)
      } µs/run) vs ${formatMs(latencyAloneMs)} of latency (${
        microsPerRun(latencyAloneMs, largest)
      } µs/run); wall ${formatMs(ours.wallMs)}${
        ours.samples === undefined
          ? ""
          : `; CPU of each CLI run: ${
            ours.samples.map((sample) => formatMs(sample.cpuMs)).join(", ")
          }`
      }`,
      met: ours.cpuMs < latencyAloneMs,
    },
  );
  verdicts.push(
    ...issueNineTargets(results),
    ...evidenceVerdicts(results.evidence),
  );
  return verdicts;
}

/** The targets of issue 9, section 3: what users pay. */
function issueNineTargets(results: BenchResults): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const { scales } = results;
  const largest = scales.at(-1)!;
  const atThousand = scales.find((scale) => scale.matchingRuns === 1000);
  const smallest = scales[0];
  const runs = (scale: ScaleResult) => formatCount(scale.matchingRuns);
  verdicts.push(
    {
      target: `${runs(largest)} runs: peak memory at most ${
        formatBytes(LARGEST_BUDGET.peakRssBytes)
      }`,
      measured: `${formatBytes(largest.ours.peakRssBytes)} peak RSS${
        samplesOf(largest.ours, (sample) => formatBytes(sample.peakRssBytes))
      }`,
      met: largest.ours.peakRssBytes <= LARGEST_BUDGET.peakRssBytes,
    },
    {
      target: `${runs(largest)} runs: CPU at most ${
        formatMs(LARGEST_BUDGET.cpuMs)
      }`,
      measured: `${formatMs(largest.ours.cpuMs)} CPU${
        samplesOf(largest.ours, (sample) => formatMs(sample.cpuMs))
      }`,
      met: largest.ours.cpuMs <= LARGEST_BUDGET.cpuMs,
    },
  );
  if (atThousand !== undefined) {
    verdicts.push({
      target:
        `1,000 runs: CPU from main to its return at most one request's latency (${
          formatMs(results.latencyMs)
        })`,
      measured: `${formatMs(atThousand.ours.cpuMs)} CPU${
        samplesOf(atThousand.ours, (sample) => formatMs(sample.cpuMs))
      }`,
      met: atThousand.ours.cpuMs <= results.latencyMs,
    });
  }
  verdicts.push(
    {
      target: `${runs(smallest)} runs: CPU no higher than the peer's`,
      measured: `${formatMs(smallest.ours.cpuMs)} vs ${
        formatMs(smallest.peer.cpuMs)
      } (${formatRatio(smallest.ours.cpuMs / smallest.peer.cpuMs)}x)`,
      met: smallest.ours.cpuMs <= smallest.peer.cpuMs,
    },
    {
      target: `${runs(smallest)} runs: peak memory no higher than the peer's`,
      measured: `${formatBytes(smallest.ours.peakRssBytes)} vs ${
        formatBytes(smallest.peer.peakRssBytes)
      } (${
        formatRatio(smallest.ours.peakRssBytes / smallest.peer.peakRssBytes)
      }x)`,
      met: smallest.ours.peakRssBytes <= smallest.peer.peakRssBytes,
    },
  );
  const cold = results.startUp.action.find((start) => start.cache === "cold");
  if (cold !== undefined) {
    const { median, samples } = cold;
    verdicts.push(
      {
        target: `The action step with an empty Deno cache leaves at most ${
          formatBytes(COLD_START_BUDGET.cacheBytes)
        } in the cache`,
        measured: `${formatBytes(median.cacheBytes)} (${
          formatCount(median.cacheFiles)
        } files) after downloading ${formatBytes(median.downloadedBytes)}`,
        met: median.cacheBytes <= COLD_START_BUDGET.cacheBytes,
      },
      {
        target:
          `The action step with an empty Deno cache sends its first request to W&B within ${
            formatMs(COLD_START_BUDGET.firstRequestMs)
          } of Deno starting`,
        measured: `${formatMs(median.firstRequestMs)} (runs: ${
          samples.map((run) => formatMs(run.firstRequestMs)).join(", ")
        })`,
        met: median.firstRequestMs <= COLD_START_BUDGET.firstRequestMs,
      },
    );
  }
  return verdicts;
}

/** `; runs: a, b, c` of a measurement's samples, or nothing. */
function samplesOf(
  measurement: OurMeasurement,
  format: (sample: NonNullable<OurMeasurement["samples"]>[number]) => string,
): string {
  return measurement.samples === undefined
    ? ""
    : ` (runs: ${measurement.samples.map(format).join(", ")})`;
}

function microsPerRun(ms: number, scale: ScaleResult): string {
  return Math.round(ms * 1000 / (scale.matchingRuns + scale.baselineRuns))
    .toString();
}

/**
 * Renders the results as Markdown: the setup, the measurements per scale,
 * the ratios, the targets, the output costs and the cold starts.
 *
 * @param results The measurements.
 * @returns The Markdown text.
 */
export function renderResults(results: BenchResults): string {
  const { machine, project, scales } = results;
  const setup = [
    `- Machine: ${machine.cpus} CPUs, ${
      formatBytes(machine.memoryBytes)
    } RAM, ${machine.os}, Deno ${machine.deno} (V8 ${machine.v8}); measured ${
      results.date.slice(0, 10)
    }${results.quick ? " with `--quick`" : ""}.`,
    `- Project: ${formatCount(project.totalRuns)} runs, generated in ${
      formatMs(project.generationMs)
    }; a matching run's summary has ${project.summaryKeys} keys (${
      formatBytes(project.summaryBytes)
    }), its config ${project.configKeys} keys plus \`_wandb\` (${
      formatBytes(project.configBytes)
    } as served), its system metrics ${
      formatBytes(project.systemMetricsBytes)
    }.`,
    `- The fake W&B waits ${results.latencyMs} ms before each answer; \`fake W&B CPU\` is its CPU time while it answered that client.`,
    `- Ours: the median of ${results.ourRepeats} runs, with the V8 flags of action.yml's \`deno run\` (${
      results.ourV8Flags.length === 0
        ? "none"
        : results.ourV8Flags.map((flags) => `\`--v8-flags=${flags}\``).join(
          ", ",
        )
    }); the peer: one run. CPU and peak RSS are each client's own (a subprocess).`,
  ].join("\n");
  const sides = scales.flatMap((scale) => [
    sideRow(scale, "ours", scale.ours),
    ...(scale.oursCsvOnly === undefined
      ? []
      : [sideRow(scale, "ours, CSV only", scale.oursCsvOnly)]),
    sideRow(scale, "peer", scale.peer),
    [
      formatCount(scale.matchingRuns),
      "limit",
      "",
      String(scale.limit.requests),
      formatBytes(scale.limit.bytes),
      "",
      "",
      "",
    ],
  ]);
  const measurements = markdownTable(
    [
      "matching runs",
      "client",
      "wall",
      "requests",
      "response bytes",
      "peak RSS",
      "CPU",
      "fake W&B CPU",
    ],
    sides,
    ["right", "left", "right", "right", "right", "right", "right", "right"],
  );
  const ratios = markdownTable(
    [
      "matching runs",
      "wall ours/peer",
      "same, fake's CPU taken out",
      "requests ours/peer",
      "bytes ours/peer",
      "requests ours/limit",
      "bytes ours/limit",
      "CPU ours/peer",
      "peak RSS ours/peer",
      "our CPU per run",
    ],
    scales.map((scale) => [
      formatCount(scale.matchingRuns),
      formatRatio(scale.ours.wallMs / scale.peer.wallMs),
      formatRatio(
        (scale.ours.wallMs - scale.ours.fakeCpuMs) /
          (scale.peer.wallMs - scale.peer.fakeCpuMs),
      ),
      formatRatio(scale.ours.requests / scale.peer.requests),
      formatRatio(scale.ours.responseBytes / scale.peer.responseBytes),
      formatRatio(scale.ours.requests / scale.limit.requests),
      formatRatio(scale.ours.responseBytes / scale.limit.bytes),
      formatRatio(scale.ours.cpuMs / scale.peer.cpuMs),
      formatRatio(scale.ours.peakRssBytes / scale.peer.peakRssBytes),
      `${microsPerRun(scale.ours.cpuMs, scale)} µs`,
    ]),
    Array(10).fill("right"),
  );
  const targets = markdownTable(
    ["target", "measured", "verdict"],
    judgeTargets(results).map((verdict) => [
      verdict.target,
      verdict.measured,
      verdict.met ? "met" : "**missed**",
    ]),
  );
  const outputs = markdownTable(
    ["step", "median time", "characters", "runs shown"],
    results.outputCosts.costs.map((cost) => [
      cost.output,
      formatMs(cost.medianMs),
      formatCount(cost.characters),
      formatCount(cost.runsShown),
    ]),
    ["left", "right", "right", "right"],
  );
  const { startUp } = results;
  const actionStep = markdownTable(
    [
      "Deno cache",
      "runs",
      "Deno start to first W&B request",
      "Deno start to step end",
      "downloaded from the npm registry",
      "registry connections",
      "cache size after",
    ],
    startUp.action.map(({ cache, median, samples }) => [
      cache === "cold" ? "empty (cold)" : "filled (warm)",
      String(samples.length),
      `${formatMs(median.firstRequestMs)} (${
        samplesText(samples, (run) => run.firstRequestMs)
      })`,
      `${formatMs(median.totalMs)} (${
        samplesText(samples, (run) => run.totalMs)
      })`,
      formatBytes(median.downloadedBytes),
      String(median.registryConnections),
      `${formatBytes(median.cacheBytes)} in ${
        formatCount(median.cacheFiles)
      } files`,
    ]),
    ["left", "right", "right", "right", "right", "right", "right"],
  );
  const oneLiner = markdownTable(
    ["command", "median wall time", "samples"],
    startUp.oneLiner.map((start) => [
      start.command,
      formatMs(start.medianMs),
      start.samplesMs.map((ms) => Math.round(ms)).join(", "),
    ]),
    ["left", "right", "left"],
  );
  return [
    setup,
    "### Ours, the peer and the limit",
    measurements,
    "### Ratios",
    ratios,
    "### Targets",
    targets,
    renderEvidenceCost(results.evidence),
    `### Where our CPU goes at ${
      formatCount(results.outputCosts.runs)
    } runs (our code called in-process, median of 3)`,
    outputs,
    "### Start-up: the action step with an empty and a filled Deno cache (medians, each run in brackets)",
    actionStep,
    "### Start-up: the README one-liner, dependencies cached (median of 5)",
    oneLiner,
  ].join("\n\n");
}

function samplesText(
  runs: readonly ActionStepRun[],
  pick: (run: ActionStepRun) => number,
): string {
  return runs.map((run) => Math.round(pick(run))).join(", ");
}

function sideRow(
  scale: ScaleResult,
  client: string,
  measurement: Measurement,
): string[] {
  return [
    formatCount(scale.matchingRuns),
    client,
    formatMs(measurement.wallMs),
    formatCount(measurement.requests),
    formatBytes(measurement.responseBytes),
    formatBytes(measurement.peakRssBytes),
    formatMs(measurement.cpuMs),
    formatMs(measurement.fakeCpuMs),
  ];
}

/** Where the generated results start and end in `BENCHMARKS.md`. */
export const RESULTS_MARKERS = {
  start: "<!-- bench:results:start (written by deno task bench) -->",
  end: "<!-- bench:results:end -->",
};

/**
 * Replaces the results section of `BENCHMARKS.md`.
 *
 * @param document The file's text.
 * @param section The new results, in Markdown.
 * @returns The new text.
 * @throws {Error} when the markers are missing.
 */
export function replaceResultsSection(
  document: string,
  section: string,
): string {
  const start = document.indexOf(RESULTS_MARKERS.start);
  const end = document.indexOf(RESULTS_MARKERS.end);
  if (start < 0 || end < start) {
    throw new Error(
      `Cannot update BENCHMARKS.md: the markers "${RESULTS_MARKERS.start}" and "${RESULTS_MARKERS.end}" are missing`,
    );
  }
  return `${
    document.slice(0, start + RESULTS_MARKERS.start.length)
  }\n\n${section}\n\n${document.slice(end)}`;
}
