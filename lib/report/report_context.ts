/**
 * What every part of the Markdown report is drawn from besides the runs, and
 * the report's row type.
 *
 * @module
 */

import type {
  BaselineAggregate,
  RunAnalysis,
} from "../review/baseline_comparison.ts";
import type { CategorisedRuns, RunCategory } from "../review/categorise.ts";
import type { GateResult } from "../review/gates.ts";
import type { MetricGoal } from "../review/metric_goals.ts";
import type { RunCounts } from "../review/run_counts.ts";
import type { SizeLimit } from "../github/limits.ts";
import type { RunEvidence } from "../review/evidence.ts";
import type { NoiseTest } from "../review/noise.ts";
import type { WandbRun } from "../wandb/run.ts";

/** Everything the report shows besides the runs. */
export interface MarkdownReportContext {
  /** The W&B app URL, for links. */
  appUrl: string;
  /** The W&B entity. */
  entity: string;
  /** The W&B project. */
  project: string;
  /** What was queried. */
  selection: { runId?: string; githubSha?: string; secondarySha?: string };
  /** The display metrics and their directions. */
  goals: readonly MetricGoal[];
  /** The display config vars. */
  configVars: readonly string[];
  /** How baselines were aggregated. */
  aggregate: BaselineAggregate;
  /** Baseline values and candidate comparisons. */
  analysis: RunAnalysis;
  /** The run counts. */
  counts: RunCounts;
  /** The gates' verdict, when gates were asked for. */
  gate?: GateResult;
  /** Whether to draw a Mermaid bar chart per metric. */
  charts: boolean;
  /** The CSV's file name, named when rows are left out. */
  csvName: string;
  /**
   * How large the report may be, e.g. GitHub's comment or job summary limit
   * (`lib/github/limits.ts`); no limit when absent.
   */
  limit?: SizeLimit;
  /** What W&B recorded beyond summaries: production baseline, curves, data; none when absent. */
  evidence?: RunEvidence;
  /** The significance tests per compared metric, shown when `significance` is set. */
  noise?: readonly NoiseTest[];
  /** The significance level asked for (e.g. 0.05); no significance section when absent. */
  significance?: number;
  /**
   * Where a reader sets metric directions (an input's or option's name),
   * named after the directions when some were inferred; left unsaid when
   * absent.
   */
  directionsSetting?: string;
}

/** One run of the report, with its category. */
export interface ReportRow {
  /** The run. */
  run: WandbRun;
  /** Whether it is a candidate or a baseline. */
  category: RunCategory;
}

/**
 * The report's rows: every candidate, then every baseline.
 *
 * @param runs The categorised runs.
 * @returns The rows, in that order.
 */
export function reportRows(runs: CategorisedRuns): ReportRow[] {
  return [
    ...runs.candidates.map((run) => ({ run, category: "candidate" as const })),
    ...runs.baselines.map((run) => ({ run, category: "baseline" as const })),
  ];
}

/**
 * Whether a run is the production baseline of the review.
 *
 * @param context The report's context.
 * @param run The run.
 * @returns `true` for the run behind the production alias.
 */
export function isProduction(
  context: Pick<MarkdownReportContext, "evidence">,
  run: WandbRun,
): boolean {
  return context.evidence?.production?.runId === run.runId;
}
