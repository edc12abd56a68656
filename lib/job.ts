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
  COMMENT_LIMIT,
  markdownReport,
  type MarkdownReportContext,
  type SizeLimit,
  SUMMARY_LIMIT,
  textSize,
} from "./markdown_report.ts";
import { buildQueryPlan } from "./query_plan.ts";
import { countOutputs, countRuns, type RunCounts } from "./run_counts.ts";
import { writeFileAtomically } from "./atomic_write.ts";
import { stringifyExactJson } from "./exact_json.ts";
import { waitForRuns } from "./wait_for_runs.ts";
import { formatSeconds } from "./_message.ts";
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
      // Gates may name metrics that are not displayed: those are needed too.
      metrics: [
        ...new Set([
          ...inputs.report.comparedGoals.map((goal) => goal.metric),
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
  let waitedMs = 0;
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
      waitedMs = waited.waitedMs;
    } finally {
      log.endGroup();
    }
    if (timedOut) {
      log.warning(
        `WAIT_TIMEOUT: candidates still unfinished after ${
          formatSeconds(waitedMs)
        }; reporting the runs as they are now`,
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
    await appendJobSummary(
      environment.stepSummaryPath,
      (limit) => markdownReport(runs, { ...reportContext, limit }),
      log,
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
      (limit) => markdownReport(runs, { ...reportContext, limit }),
      {
        ...environment,
        reportElsewhere: whereTheReportIs(inputs, environment),
      },
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
    goals: report.comparedGoals,
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
 * Appends the report to the job summary, within what is left of GitHub's
 * 1 MiB (in UTF-8 bytes, as the runner measures the file) after whatever the
 * step wrote there before.
 */
async function appendJobSummary(
  path: string,
  report: (limit: SizeLimit) => string,
  log: Log,
): Promise<void> {
  // Opened for appending only, its size read by seeking to its end: no
  // permission to read the file is needed.
  using file = await Deno.open(path, { append: true, create: true });
  const written = await file.seek(0, Deno.SeekMode.End);
  const left = SUMMARY_LIMIT.max - written;
  const text = report({ max: left, unit: SUMMARY_LIMIT.unit });
  if (textSize(text, "bytes") > left) {
    log.warning(
      `JOB_SUMMARY: the step's summary already holds ${written} bytes, too many to add the report within GitHub's ${SUMMARY_LIMIT.max} bytes`,
    );
    return;
  }
  const bytes = new TextEncoder().encode(text);
  for (let offset = 0; offset < bytes.length;) {
    offset += await file.write(bytes.subarray(offset));
  }
}

/** Where a reader finds the report when the comment cannot be posted. */
function whereTheReportIs(
  inputs: ActionInputs,
  environment: JobEnvironment,
): string {
  if (inputs.report.jobSummary && environment.stepSummaryPath) {
    return "the report is in the job summary";
  }
  if (inputs.report.markdownPath !== undefined) {
    return `the report is in ${inputs.report.markdownPath}`;
  }
  return `the runs are in ${inputs.outputPath}`;
}

/**
 * Posts or updates the sticky comment. A run that is not for a pull request,
 * or a token that may not comment (a fork's), is a warning that says where
 * the report is instead.
 */
async function commentOnPullRequest(
  comment: { key: string; token: string; author?: string },
  report: (limit: SizeLimit) => string,
  environment: JobEnvironment & { reportElsewhere: string },
): Promise<void> {
  const { log, github = {}, reportElsewhere } = environment;
  const event = github.eventPath === undefined
    ? undefined
    : JSON.parse(await Deno.readTextFile(github.eventPath));
  const pullNumber = pullRequestNumber(event);
  if (pullNumber === undefined || github.repository === undefined) {
    log.warning(
      `COMMENT: this run is not for a pull request, so no comment was posted; ${reportElsewhere}`,
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
      commentAuthor: comment.author,
      body: report({
        max: COMMENT_LIMIT.max -
          textSize(commentMarker(comment.key), COMMENT_LIMIT.unit) - 1,
        unit: COMMENT_LIMIT.unit,
      }),
      fetch: environment.fetch,
      sleep: environment.sleep,
      now: environment.now,
      random: environment.random,
      timeoutMs: environment.timeoutMs,
    });
    log.info(`Pull request comment ${result.action}: ${result.url}`);
    if (result.warning !== undefined) log.warning(`COMMENT: ${result.warning}`);
  } catch (error) {
    if (!(error instanceof GithubCommentError) || !error.forbidden) throw error;
    log.warning(`COMMENT: ${error.message}; ${reportElsewhere}`);
  }
}
