import { analyseRuns, type RunAnalysis } from "./baseline_comparison.ts";
import type { CategorisedRuns } from "./categorise.ts";
import { categoriseRuns } from "./categorise.ts";
import { csvColumns, csvPieces } from "./csv_report.ts";
import { WandbError } from "./errors.ts";
import { type FetchedRuns, fetchRuns } from "./fetch_runs.ts";
import { evaluateGates, gateOutputs, type GateResult } from "./gates.ts";
import { formatPlainOutputs, writeGithubOutputs } from "./github_outputs.ts";
import type { WandbConnection } from "./graphql_transport.ts";
import type { ActionInputs } from "./inputs.ts";
import { jsonReport } from "./json_report.ts";
import type { Log } from "./log.ts";
import {
  COMMENT_MAX_LENGTH,
  markdownReport,
  type MarkdownReportContext,
  SUMMARY_MAX_LENGTH,
} from "./markdown_report.ts";
import { buildQueryPlan } from "./query_plan.ts";
import { countOutputs, countRuns, type RunCounts } from "./run_counts.ts";
import { writeFileAtomically } from "./atomic_write.ts";
import { stringifyExactJson } from "./exact_json.ts";
import { waitForRuns } from "./wait_for_runs.ts";
import {
  commentMarker,
  GithubCommentError,
  pullRequestNumber,
  upsertPrComment,
} from "./pr_comment.ts";

/** What the job needs from its surroundings, injectable for tests. */
export interface JobEnvironment
  extends
    Pick<WandbConnection, "fetch" | "sleep" | "now" | "random" | "timeoutMs"> {
  /** Where lines for people go. */
  log: Log;
  /** `$GITHUB_OUTPUT`: when set, outputs are appended there; else printed. */
  githubOutputPath?: string;
  /** `$GITHUB_STEP_SUMMARY`: where the job summary is appended. */
  stepSummaryPath?: string;
  /** Prints outputs when not inside GitHub Actions. */
  printOutputs: (text: string) => void;
  /** Where a pull request comment goes: `$GITHUB_API_URL`, `$GITHUB_REPOSITORY`, `$GITHUB_EVENT_PATH`. */
  github?: { apiUrl?: string; repository?: string; eventPath?: string };
}

/** What the job produced. */
export interface JobResult extends Omit<RunAssessment, "reportContext"> {
  /** The outputs as written. */
  outputs: Record<string, string>;
  /** Whether waiting for the candidates timed out. */
  timedOut: boolean;
}

/**
 * The action's work from validated inputs to files: query W&B, categorise,
 * count, compare with baselines, judge the gates, then write the CSV (always),
 * the reports asked for, and the outputs. Nothing is written when W&B fails;
 * a failed gate is reported, and failing the step is left to the caller.
 *
 * @param inputs The validated inputs.
 * @param environment The log, output destinations and injectable I/O.
 * @returns The runs, counts, comparisons, gate verdict and outputs.
 */
export async function runJob(
  inputs: ActionInputs,
  environment: JobEnvironment,
): Promise<JobResult> {
  const { log } = environment;
  csvColumns(inputs); // a column collision is an input error: fail before asking W&B
  const plan = buildQueryPlan(inputs);
  log.debug(`candidate filter: ${JSON.stringify(plan.candidateFilter)}`);
  log.debug(`baseline filter: ${JSON.stringify(plan.baselineFilter)}`);
  const fetchOnce = () =>
    fetchRuns(plan, {
      baseUrl: inputs.baseUrl,
      apiKey: inputs.apiKey,
      pageSize: inputs.pageSize,
      // Thresholds may name metrics that are not displayed: those are needed too.
      metrics: [
        ...new Set([
          ...inputs.metrics,
          ...inputs.gates.thresholds.map((threshold) => threshold.metric),
        ]),
      ],
      configVars: inputs.configVars,
      fetch: environment.fetch,
      sleep: environment.sleep,
      now: environment.now,
      random: environment.random,
      timeoutMs: environment.timeoutMs,
      log: (line) => log.debug(line),
    });
  let fetched;
  let timedOut = false;
  if (inputs.wait === undefined) {
    fetched = await fetchOnce();
  } else {
    log.group("Waiting for the candidate runs to finish");
    try {
      const waited = await waitForRuns(fetchOnce, {
        timeoutMs: inputs.wait.timeoutMs,
        intervalMs: inputs.wait.intervalMs,
        now: environment.now,
        sleep: environment.sleep,
        progress: (line) => log.info(line),
      });
      fetched = waited.fetched;
      timedOut = waited.timedOut;
    } finally {
      log.endGroup();
    }
    if (timedOut) {
      log.warning(
        `WAIT_TIMEOUT: candidates still unfinished after ${
          Math.round(inputs.wait.timeoutMs / 1000)
        } s; reporting the runs as they are now`,
      );
    }
  }
  if (plan.runId !== undefined && fetched.candidates.length === 0) {
    throw new WandbError(
      `RUN_ID: W&B has no run "${plan.runId}" in project "${inputs.entity}/${inputs.project}"`,
    );
  }
  const { runs, counts, analysis, gate, reportContext } = assessRuns(
    fetched,
    inputs,
  );
  const { report } = inputs;
  const outputs = { ...countOutputs(counts), ...gateOutputs(gate) };

  await writeOutputFile(
    "OUTPUT_PATH",
    inputs.outputPath,
    csvPieces(runs, inputs),
  );
  if (report.markdownPath !== undefined) {
    await writeOutputFile(
      "REPORT_MARKDOWN",
      report.markdownPath,
      markdownReport(runs, reportContext),
    );
  }
  if (report.jsonPath !== undefined) {
    await writeOutputFile(
      "REPORT_JSON",
      report.jsonPath,
      `${
        stringifyExactJson(jsonReport(runs, { ...reportContext, gate }), 2)
      }\n`,
    );
  }
  if (report.jobSummary && environment.stepSummaryPath) {
    await Deno.writeTextFile(
      environment.stepSummaryPath,
      markdownReport(runs, { ...reportContext, maxLength: SUMMARY_MAX_LENGTH }),
      { append: true },
    );
  }
  log.info(
    `${counts.candidates} candidate run(s) (${counts.finished} finished, ${counts.running} running) and ${counts.baselines} baseline run(s) in ${inputs.entity}/${inputs.project}; CSV written to ${inputs.outputPath} in ${fetched.requests} request(s)`,
  );
  for (const failure of gate.failures) log.error(`Gate: ${failure.message}`);
  if (environment.githubOutputPath) {
    await writeGithubOutputs(environment.githubOutputPath, outputs);
  } else {
    environment.printOutputs(formatPlainOutputs(outputs));
  }
  if (inputs.comment !== undefined) {
    await commentOnPullRequest(
      inputs.comment,
      (maxLength) => markdownReport(runs, { ...reportContext, maxLength }),
      environment,
    );
  }
  return { runs, counts, analysis, gate, outputs, timedOut };
}

/** The runs judged: what every output is made from. */
export interface RunAssessment {
  /** The runs, categorised. */
  runs: CategorisedRuns;
  /** Their counts. */
  counts: RunCounts;
  /** Each candidate compared with the baselines. */
  analysis: RunAnalysis;
  /** The gates' verdict. */
  gate: GateResult;
  /** What the Markdown and JSON reports need, without a size limit. */
  reportContext: MarkdownReportContext;
}

/**
 * The job's work between fetching and writing: categorise the runs, count
 * them, compare candidates with baselines and judge the gates.
 *
 * @param fetched The candidate and baseline runs W&B returned.
 * @param inputs The validated inputs.
 * @returns The assessment every output is written from.
 */
export function assessRuns(
  fetched: Pick<FetchedRuns, "candidates" | "baselines">,
  inputs: ActionInputs,
): RunAssessment {
  const runs = categoriseRuns(fetched.candidates, fetched.baselines);
  const counts = countRuns(runs);
  const { report } = inputs;
  const analysis = analyseRuns(runs, {
    goals: report.goals,
    aggregate: report.aggregate,
  });
  const gate = evaluateGates(
    runs.candidates.filter((run) => run.state === "finished").map((run) => ({
      run,
      comparisons: analysis.comparisons.get(run.runId) ?? [],
    })),
    { counts, options: inputs.gates },
  );
  const reportContext: MarkdownReportContext = {
    appUrl: inputs.appUrl,
    entity: inputs.entity,
    project: inputs.project,
    selection: {
      runId: inputs.runId,
      githubSha: inputs.githubSha,
      secondarySha: inputs.secondarySha,
    },
    goals: report.goals,
    configVars: inputs.configVars,
    aggregate: report.aggregate,
    analysis,
    counts,
    gate,
    charts: report.charts,
    csvName: inputs.outputPath.slice(inputs.outputPath.lastIndexOf("/") + 1),
  };
  return { runs, counts, analysis, gate, reportContext };
}

async function writeOutputFile(
  input: string,
  path: string,
  text: string | Iterable<string>,
): Promise<void> {
  await writeFileAtomically(path, text).catch((error: unknown) => {
    throw new Error(
      `${input}: cannot write "${path}": ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  });
}

/**
 * Posts or updates the sticky comment. A run that is not for a pull request,
 * or a token that may not comment (a fork's), is a warning: the report is
 * still in the job summary and the files.
 */
async function commentOnPullRequest(
  comment: { key: string; token: string },
  report: (maxLength: number) => string,
  environment: JobEnvironment,
): Promise<void> {
  const { log, github = {} } = environment;
  const event = github.eventPath === undefined
    ? undefined
    : JSON.parse(await Deno.readTextFile(github.eventPath));
  const pullNumber = pullRequestNumber(event);
  if (pullNumber === undefined || github.repository === undefined) {
    log.warning(
      "COMMENT: this run is not for a pull request, so no comment was posted; the report is in the job summary",
    );
    return;
  }
  try {
    const result = await upsertPrComment({
      apiUrl: github.apiUrl ?? "https://api.github.com",
      repository: github.repository,
      pullNumber,
      token: comment.token,
      commentKey: comment.key,
      body: report(COMMENT_MAX_LENGTH - commentMarker(comment.key).length - 1),
      fetch: environment.fetch,
      sleep: environment.sleep,
      now: environment.now,
      random: environment.random,
      timeoutMs: environment.timeoutMs,
    });
    log.info(`Pull request comment ${result.action}: ${result.url}`);
  } catch (error) {
    if (!(error instanceof GithubCommentError) || !error.forbidden) throw error;
    log.warning(`COMMENT: ${error.message}; the report is in the job summary`);
  }
}
