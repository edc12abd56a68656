/**
 * What our CPU goes to at a given number of runs, measured by calling our
 * code directly: reading the answers (parsing and validating the runs as
 * `fetchRuns` does), the
 * CSV, and the Markdown report as the job
 * renders it up to three times per run (the `REPORT_MARKDOWN` file, the job
 * summary, the pull request comment; see `lib/action/job.ts`), each with its own
 * size limit, plus one render with no limit for reference.
 *
 * @module
 */

import { csvText } from "../lib/report/csv.ts";
import { parseInputs, type RawInputs } from "../lib/action/inputs.ts";
import { judgeForReports } from "../lib/action/job.ts";
import { markdownReport } from "../lib/report/markdown.ts";
import {
  COMMENT_LIMIT,
  type SizeLimit,
  SUMMARY_LIMIT,
} from "../lib/github/limits.ts";
import { commentMarker } from "../lib/github/comment_marker.ts";
import { runNodeReader, type WandbRun } from "../lib/wandb/run.ts";
import type { FakeRun } from "../testing/fake_wandb/server.ts";
import { projectedRunNode, type WantedFields } from "./limit.ts";

/** The cost of one step of the job's work after the requests. */
export interface OutputCost {
  /** Which step, e.g. `Markdown: job summary (1 MiB limit)`. */
  output: string;
  /** Median milliseconds of one call. */
  medianMs: number;
  /** Characters produced. */
  characters: number;
  /** Runs shown (the Markdown report leaves rows out past its limit). */
  runsShown: number;
}

/** How many times each output is timed; the median is kept. */
const REPEATS = 3;

/**
 * Times the CSV and each Markdown render for these runs, as the job would
 * produce them for `rawInputs`.
 *
 * @param runs The candidate and baseline runs as stored in the fake.
 * @param rawInputs The inputs the CLI would get (metrics, config vars, ...).
 * @returns One cost per output.
 */
export function measureOutputCosts(
  runs: { candidates: readonly FakeRun[]; baselines: readonly FakeRun[] },
  rawInputs: RawInputs,
): OutputCost[] {
  const { inputs } = parseInputs(rawInputs);
  const wanted: WantedFields = inputs;
  const answers = [runs.candidates, runs.baselines].map((set) =>
    JSON.stringify({
      edges: set.map((run) => ({ node: projectedRunNode(run, wanted) })),
    })
  );
  // As fetchRuns reads them: the plain reader, the schema only for a node it leaves.
  const reader = runNodeReader({
    // The metrics the job asks for (lib/action/job.ts): compared and gated ones.
    metrics: [
      ...new Set([
        ...inputs.report.comparedGoals.map((goal) => goal.metric),
        ...inputs.gates.thresholds.map((threshold) => threshold.metric),
      ]),
    ],
    configVars: ["github_sha", ...inputs.configVars],
  });
  let fetched: WandbRun[][] = [];
  const reading = timedWork(() => {
    fetched = answers.map((text) =>
      (JSON.parse(text) as { edges: { node: unknown }[] }).edges.map((
        { node },
      ) => reader.quick(node) ?? reader.schema.parse(node))
    );
  });
  const { runs: categorised, reportContext: context } = judgeForReports(
    { candidates: fetched[0], baselines: fetched[1] },
    inputs,
  );
  const total = categorised.candidates.length + categorised.baselines.length;
  const markdown = (output: string, limit: SizeLimit): OutputCost => {
    const { medianMs, text } = timed(() =>
      markdownReport(categorised, { ...context, limit })
    );
    const leftOut = /_(\d+) of \d+ runs left out/.exec(text);
    return {
      output,
      medianMs,
      characters: text.length,
      runsShown: total - Number(leftOut?.[1] ?? 0),
    };
  };
  const csv = timed(() => csvText(categorised, inputs));
  return [
    {
      output:
        "Reading the answers: JSON.parse and the run reader (plain checks; exact JSON only past 2^53)",
      medianMs: reading,
      characters: answers.reduce((sum, text) => sum + text.length, 0),
      runsShown: total,
    },
    {
      output: "CSV",
      medianMs: csv.medianMs,
      characters: csv.text.length,
      runsShown:
        categorised.candidates.filter((run) => run.state === "finished")
          .length + categorised.baselines.length,
    },
    markdown(
      "Markdown: REPORT_MARKDOWN file (the job passes COMMENT_LIMIT, 64 Ki characters)",
      COMMENT_LIMIT,
    ),
    markdown("Markdown: job summary (1 MiB limit)", SUMMARY_LIMIT),
    markdown("Markdown: PR comment (64 Ki characters limit)", {
      ...COMMENT_LIMIT,
      max: COMMENT_LIMIT.max - commentMarker("default").length - 1,
    }),
    markdown("Markdown: one render, no limit (reference)", {
      max: Infinity,
      unit: "characters",
    }),
  ];
}

/** The median milliseconds of {@linkcode REPEATS} calls of `work`. */
function timedWork(work: () => void): number {
  const times: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** The median milliseconds of rendering, and what was rendered. */
function timed(render: () => string): { medianMs: number; text: string } {
  let text = "";
  const medianMs = timedWork(() => {
    text = render();
  });
  return { medianMs, text };
}
