import type { RunAnalysis } from "../review/baseline_comparison.ts";
import type { CategorisedRuns } from "../review/categorise.ts";
import { judgeRuns, metricsToFetch } from "../review/judge_runs.ts";
import { columnCollision, csvPieces } from "../report/csv.ts";
import { WandbError } from "../errors.ts";
import { type FetchedRuns, fetchRuns } from "../wandb/fetch_runs.ts";
import { gateOutputs, type GateResult } from "../review/gates.ts";
import { formatPlainOutputs, writeGithubOutputs } from "../github/outputs.ts";
import type { WandbConnection } from "../wandb/graphql_transport.ts";
import type { KeptValues } from "../wandb/run.ts";
import type { ActionInputs, InputName } from "./inputs.ts";
import { jsonReport } from "../report/json.ts";
import type { Log } from "./log.ts";
import {
  markdownReport,
  type MarkdownReportContext,
} from "../report/markdown.ts";
import {
  COMMENT_LIMIT,
  commentBodyLimit,
  type SizeLimit,
  SUMMARY_LIMIT,
} from "../github/limits.ts";
import { buildQueryPlan, type QueryPlan } from "../wandb/query_plan.ts";
import {
  countsAsOutputs,
  describeStates,
  type RunCounts,
} from "../review/run_counts.ts";
import {
  AtomicWriteError,
  type FileToWrite,
  missingPermissions,
  partialPathFor,
  writeAll,
  writeFilesAtomically,
} from "./atomic_write.ts";
import { stringifyExactJson } from "../wandb/exact_json.ts";
import { waitForRuns } from "../wandb/wait_for_runs.ts";
import { type GatheredEvidence, gatherEvidence } from "../gather_evidence.ts";
import {
  dataInputs,
  noEvidence,
  type RunEvidence,
} from "../review/evidence.ts";
import { formatSeconds, quoteForMessage } from "../_message.ts";
import {
  GithubCommentError,
  pullRequestNumber,
  upsertPrComment,
} from "../github/pr_comment.ts";
import {
  authorWarning,
  columnCollisionError,
  nameEvidenceInput,
  nameGateInputs,
  nameWandbInput,
  withMessage,
} from "./input_messages.ts";

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
 * the reports asked for, and the outputs. Nothing is written when W&B fails,
 * or when any of the files cannot be written: Deno's permissions for each are
 * checked before W&B is asked, and every file is created before any is
 * written. A failed gate is reported, and failing the step is left to the
 * caller.
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
  // A column collision is an input error: fail before asking W&B.
  const collision = columnCollision({
    ...inputs,
    dataArtifacts: inputs.evidence.lineage?.showColumn ?? false,
  });
  if (collision !== undefined) throw columnCollisionError(collision);
  checkPermissions(inputs, environment);
  const plan = buildQueryPlan(inputs);
  log.debug(`candidate filter: ${JSON.stringify(plan.candidateFilter)}`);
  log.debug(`baseline filter: ${JSON.stringify(plan.baselineFilter)}`);
  const { fetched, timedOut } = await fetchCandidates(
    plan,
    inputs,
    environment,
  );
  if (plan.runId !== undefined && fetched.candidates.length === 0) {
    throw new WandbError(
      `RUN_ID: W&B has no run "${plan.runId}" in project "${inputs.entity}/${inputs.project}"`,
    );
  }
  const gathered = await gatherForReview(fetched, inputs, environment);
  const assessment = judgeForReports(gathered.runs, inputs, gathered.evidence);
  const { runs, counts, analysis, gate } = assessment;
  const outputs = { ...countsAsOutputs(counts), ...gateOutputs(gate) };
  await writeOutputFiles(reportFiles(assessment, inputs));
  const report = (limit: SizeLimit) =>
    markdownReport(runs, { ...assessment.reportContext, limit });
  if (inputs.report.jobSummary && environment.stepSummaryPath) {
    await appendJobSummary(environment.stepSummaryPath, report, log);
  }
  const states = describeStates(counts);
  log.info(
    `${counts.candidates} candidate run(s)${
      states.length === 0 ? "" : ` (${states.join(", ")})`
    } and ${counts.baselines} baseline run(s) in ${inputs.entity}/${inputs.project}; CSV written to ${inputs.outputPath} in ${
      fetched.requests + gathered.requests
    } request(s)`,
  );
  for (const failure of gate.failures) log.error(`Gate: ${failure.message}`);
  if (environment.githubOutputPath) {
    await writeGithubOutputs(environment.githubOutputPath, outputs);
  } else {
    environment.printOutputs(formatPlainOutputs(outputs));
  }
  if (inputs.comment !== undefined) {
    await commentOnPullRequest(inputs.comment, report, {
      ...environment,
      reportElsewhere: whereTheReportIs(inputs, environment),
    });
  }
  return { runs, counts, analysis, gate, outputs, timedOut };
}

/**
 * Gathers what the evidence inputs ask for (production baseline, curves,
 * data lineage; nothing, and no request, when none is set). A W&B failure
 * names the input at fault.
 */
async function gatherForReview(
  fetched: FetchedRuns,
  inputs: ActionInputs,
  environment: JobEnvironment,
): Promise<GatheredEvidence> {
  const { history, lineage, productionArtifact } = inputs.evidence;
  const gathered = await gatherEvidence(fetched, {
    entity: inputs.entity,
    project: inputs.project,
    historyMetrics: history?.metrics ?? [],
    samples: history?.samples ?? 0,
    dataTypes: lineage?.types,
    expectedData: lineage?.expected ?? [],
    production: productionArtifact,
    goals: inputs.report.comparedGoals,
    aggregate: inputs.report.aggregate,
    kept: keptValues(inputs),
  }, wandbConnection(inputs, environment)).catch((error: unknown) => {
    throw nameEvidenceInput(error);
  });
  environment.log.debug(
    `evidence: ${gathered.requests} request(s), ${gathered.evidence.history.size} run(s) with curves, ${gathered.evidence.inputs.size} with lineage`,
  );
  return gathered;
}

/** How the job reaches W&B: the inputs' URL and key, the environment's I/O, retries logged. */
function wandbConnection(
  inputs: ActionInputs,
  environment: JobEnvironment,
): WandbConnection {
  const { log } = environment;
  return {
    baseUrl: inputs.baseUrl,
    apiKey: inputs.apiKey,
    fetch: environment.fetch,
    sleep: environment.sleep,
    now: environment.now,
    random: environment.random,
    timeoutMs: environment.timeoutMs,
    log: (line) => log.debug(line),
    onRetry: (line) => log.info(line),
  };
}

/** The summary metrics and config values every run is read with, fetched or gathered. */
function keptValues(inputs: ActionInputs): KeptValues {
  return {
    metrics: metricsToFetch({
      goals: inputs.report.comparedGoals,
      gates: inputs.gates,
    }),
    configVars: inputs.configVars,
  };
}

/**
 * Fetches the runs once, or, with `WAIT_TIMEOUT`, polls until every
 * candidate settled or the wait timed out (a warning then says so).
 */
async function fetchCandidates(
  plan: QueryPlan,
  inputs: ActionInputs,
  environment: JobEnvironment,
): Promise<{ fetched: FetchedRuns; timedOut: boolean }> {
  const fetchOnce = runFetcher(plan, inputs, environment);
  const { log } = environment;
  if (inputs.wait === undefined) {
    return { fetched: await fetchOnce(), timedOut: false };
  }
  log.group("Waiting for the candidate runs to finish");
  let waited;
  try {
    waited = await waitForRuns(fetchOnce, {
      timeoutMs: inputs.wait.timeoutMs,
      intervalMs: inputs.wait.intervalMs,
      now: environment.now,
      sleep: environment.sleep,
      progress: (line) => log.info(line),
    });
  } finally {
    log.endGroup();
  }
  if (waited.timedOut) {
    log.warning(
      `WAIT_TIMEOUT: candidates still unfinished after ${
        formatSeconds(waited.waitedMs)
      }; reporting the runs as they are now`,
    );
  }
  return { fetched: waited.fetched, timedOut: waited.timedOut };
}

/**
 * Fetches the plan's runs, each time it is called. A W&B failure names the
 * input at fault; a short SHA that matched nothing is warned of on the first
 * fetch, so that a wait for runs does not pass silently.
 */
function runFetcher(
  plan: QueryPlan,
  inputs: ActionInputs,
  environment: JobEnvironment,
): () => Promise<FetchedRuns> {
  const { log } = environment;
  const connection = wandbConnection(inputs, environment);
  const kept = keptValues(inputs);
  let firstFetch = true;
  return async () => {
    const fetched = await fetchRuns(plan, {
      ...connection,
      ...kept,
      pageSize: inputs.pageSize,
    }).catch((error: unknown) => {
      throw nameWandbInput(error);
    });
    if (firstFetch && fetched.candidates.length === 0) {
      warnOfShortSha(inputs, log);
    }
    firstFetch = false;
    return fetched;
  };
}

/**
 * The CSV, and the reports asked for, each with the input that named it.
 * The Markdown file keeps to GitHub's comment limit, so that it can be
 * posted as a comment as it is.
 */
function reportFiles(
  assessment: RunAssessment,
  inputs: ActionInputs,
): [InputName, FileToWrite][] {
  const { runs, gate, reportContext } = assessment;
  const { report } = inputs;
  const evidence = reportContext.evidence ?? noEvidence();
  const files: [InputName, FileToWrite][] = [
    ["OUTPUT_PATH", {
      path: inputs.outputPath,
      text: csvPieces(runs, {
        ...inputs,
        dataArtifacts: inputs.evidence.lineage?.showColumn ?? false,
        dataInputs: (run) => dataInputs(evidence, run.runId),
      }),
    }],
  ];
  if (report.markdownPath !== undefined) {
    files.push(["REPORT_MARKDOWN", {
      path: report.markdownPath,
      text: markdownReport(runs, { ...reportContext, limit: COMMENT_LIMIT }),
    }]);
  }
  if (report.jsonPath !== undefined) {
    files.push(["REPORT_JSON", {
      path: report.jsonPath,
      text: `${
        stringifyExactJson(jsonReport(runs, { ...reportContext, gate }), 2)
      }\n`,
    }]);
  }
  return files;
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
 * @param evidence The production baseline, curves and data gathered, if any.
 * @returns The assessment every output is written from.
 */
export function judgeForReports(
  fetched: Pick<FetchedRuns, "candidates" | "baselines">,
  inputs: ActionInputs,
  evidence: RunEvidence = noEvidence(),
): RunAssessment {
  const { report } = inputs;
  const judged = judgeRuns(fetched, {
    goals: report.comparedGoals,
    aggregate: report.aggregate,
    gates: {
      ...inputs.gates,
      significance: inputs.evidence.significance,
      convergence: inputs.evidence.history?.convergence ?? [],
      requireSameData: inputs.evidence.lineage?.requireSameData ?? false,
    },
    evidence,
  });
  const { runs, counts, analysis } = judged;
  const gate = nameGateInputs(judged.gate);
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
    directionsSetting: "METRIC_GOALS",
    evidence,
    noise: judged.noise,
    significance: inputs.evidence.significance,
  };
  return { runs, counts, analysis, gate, reportContext };
}

/**
 * Checks, before W&B is asked, that Deno's permissions let every file be
 * written: the CSV and the reports (each with its `.partial` twin), the step
 * outputs and the job summary. A missing grant would otherwise show only
 * after the files before it were written.
 */
function checkPermissions(
  inputs: ActionInputs,
  environment: JobEnvironment,
): void {
  const { report } = inputs;
  const targets: [string, string | undefined, boolean][] = [
    ["OUTPUT_PATH", inputs.outputPath, true],
    ["REPORT_MARKDOWN", report.markdownPath, true],
    ["REPORT_JSON", report.jsonPath, true],
    ["GITHUB_OUTPUT", environment.githubOutputPath, false],
    [
      "GITHUB_STEP_SUMMARY",
      report.jobSummary ? environment.stepSummaryPath : undefined,
      false,
    ],
  ];
  for (const [name, path, atomic] of targets) {
    if (path === undefined) continue;
    const missing = missingPermissions(path, { atomic });
    if (missing.length === 0) continue;
    const grant = atomic
      ? ` (grant the file and "${
        partialPathFor(path)
      }" to --allow-read and --allow-write)`
      : "";
    throw new Error(
      `${name}: cannot write "${path}": ${
        missing.join(" and ")
      } does not grant it${grant}; nothing was written`,
    );
  }
}

/** Writes the CSV and the reports all or none; an error names the input whose file failed. */
async function writeOutputFiles(
  files: readonly [InputName, FileToWrite][],
): Promise<void> {
  try {
    await writeFilesAtomically(files.map(([, file]) => file));
  } catch (error) {
    if (!(error instanceof AtomicWriteError)) throw error;
    const [input, { path }] = files[error.index];
    // Of the file system error's class (a NotFound stays one), it the cause.
    throw withMessage(
      error.cause,
      `${input}: cannot write "${path}": ${error.message}; ${
        error.written.length === 0
          ? "nothing was written"
          : `written before it: ${error.written.join(", ")}`
      }`,
    );
  }
}

/**
 * A FILTER_GITHUB_SHA shorter than a commit's 40 hex characters that
 * matched nothing: W&B compares the whole value, and training jobs usually
 * log the full SHA. Said only when nothing matched, so that runs that did log
 * a short SHA keep working quietly.
 */
function warnOfShortSha(inputs: ActionInputs, log: Log): void {
  const sha = inputs.githubSha;
  if (sha === undefined || !/^[0-9a-f]{1,39}$/i.test(sha)) return;
  const secondary = inputs.secondarySha === undefined
    ? ""
    : ` and secondary_sha ${quoteForMessage(inputs.secondarySha)}`;
  log.warning(
    `FILTER_GITHUB_SHA: no run has config github_sha "${sha}" (${sha.length} characters)${secondary}; W&B compares the whole value, and training jobs usually log the full 40-character SHA: pass the full SHA`,
  );
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
  const bytes = new TextEncoder().encode(
    report({ max: left, unit: SUMMARY_LIMIT.unit }),
  );
  if (bytes.length > left) {
    log.warning(
      `JOB_SUMMARY: the step's summary already holds ${written} bytes, too many to add the report within GitHub's ${SUMMARY_LIMIT.max} bytes`,
    );
    return;
  }
  await writeAll(file, bytes);
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
      body: report(commentBodyLimit(comment.key)),
      fetch: environment.fetch,
      sleep: environment.sleep,
      now: environment.now,
      random: environment.random,
      timeoutMs: environment.timeoutMs,
    });
    log.info(`Pull request comment ${result.action}: ${result.url}`);
    const warning = authorWarning(result);
    if (warning !== undefined) log.warning(`COMMENT: ${warning}`);
  } catch (error) {
    if (!(error instanceof GithubCommentError) || !error.forbidden) throw error;
    log.warning(`COMMENT: ${error.message}; ${reportElsewhere}`);
  }
}
