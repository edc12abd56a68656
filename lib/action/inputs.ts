import { z } from "zod";
import { InputError } from "../errors.ts";
import { listEntries, parseListInput } from "./list_input.ts";
import {
  checkGoalsNamed,
  parseBaselineAggregate,
  parseMetricGoals,
  parseThresholds,
  parseTolerance,
} from "./parse_review.ts";
import { parseDuration } from "./parse_duration.ts";
import {
  DEFAULT_DATA_ARTIFACT_TYPES,
  parseBaselineArtifact,
  parseDataArtifactTypes,
  parseExpectedData,
  parseHistorySamples,
  parseSignificance,
} from "./parse_evidence.ts";
import type { BaselineAggregate } from "../review/baseline_comparison.ts";
import type { GateOptions } from "../review/gates.ts";
import { type MetricGoal, metricGoals } from "../review/metric_goals.ts";
import {
  DEFAULT_COMMENT_KEY,
  isCommentKey,
  isGithubLogin,
} from "../github/comment_marker.ts";
import { DEFAULT_PAGE_SIZE } from "../wandb/fetch_runs.ts";
import type { ArtifactPath } from "../wandb/artifact_path.ts";
import { appUrlFor } from "../wandb/run_url.ts";
import { baseUrlText, checkHttpUrl, hideUserInfo } from "../http/url.ts";
import { quoteForMessage } from "../_message.ts";

/** The action's inputs by name: the original nine, then the ones added here. */
export const INPUT_NAMES = [
  "WANDB_API_KEY",
  "PROJECT_NAME",
  "RUN_ID",
  "FILTER_GITHUB_SHA",
  "FILTER_SECONDARY_SHA",
  "BASELINE_TAGS",
  "DISPLAY_METRICS",
  "DISPLAY_CONFIG_VARS",
  "DEBUG",
  "WANDB_BASE_URL",
  "WANDB_APP_URL",
  "OUTPUT_PATH",
  "PAGE_SIZE",
  "REPORT_MARKDOWN",
  "JOB_SUMMARY",
  "METRIC_GOALS",
  "BASELINE_AGGREGATE",
  "REPORT_CHARTS",
  "THRESHOLDS",
  "FAIL_ON_REGRESSION",
  "REGRESSION_TOLERANCE",
  "REQUIRE_COMPLETE",
  "FAIL_ON_GATE",
  "REPORT_JSON",
  "HISTORY_METRICS",
  "HISTORY_SAMPLES",
  "CONVERGENCE",
  "DATA_ARTIFACT_TYPES",
  "REQUIRE_SAME_DATA",
  "EXPECTED_DATA",
  "BASELINE_ARTIFACT",
  "SIGNIFICANCE",
  "WAIT_TIMEOUT",
  "POLL_INTERVAL",
  "FAIL_ON_TIMEOUT",
  "COMMENT",
  "COMMENT_KEY",
  "COMMENT_AUTHOR",
  "GITHUB_TOKEN",
] as const;

/** One of {@linkcode INPUT_NAMES}. */
export type InputName = typeof INPUT_NAMES[number];

/** Inputs as text, as they arrive from `INPUT_*` variables or flags; empty means unset. */
export type RawInputs = Partial<Record<InputName, string>>;

/** The W&B API used when neither the input nor `WANDB_BASE_URL` names one. */
export const DEFAULT_BASE_URL = "https://api.wandb.ai";

/** The CSV's file name when `OUTPUT_PATH` is not given. */
export const DEFAULT_CSV_NAME = "wandb_report.csv";

/** The Markdown report's file name when `REPORT_MARKDOWN` is not given. */
export const DEFAULT_MARKDOWN_NAME = "wandb_report.md";

/**
 * Inputs that ask for the review report; any of them set writes the Markdown
 * file. So does `REQUIRE_SAME_DATA` when on (`false`, its default in
 * `action.yml`, asks for nothing).
 */
const REPORT_INPUTS: readonly InputName[] = [
  "REPORT_MARKDOWN",
  "REPORT_JSON",
  "METRIC_GOALS",
  "BASELINE_AGGREGATE",
  "THRESHOLDS",
  "FAIL_ON_REGRESSION",
  "HISTORY_METRICS",
  "CONVERGENCE",
  "DATA_ARTIFACT_TYPES",
  "EXPECTED_DATA",
  "BASELINE_ARTIFACT",
  "SIGNIFICANCE",
];

/** Validated inputs: everything the job needs, nothing left to parse. */
export interface ActionInputs {
  /** The W&B API key; never printed. */
  apiKey: string;
  /** The W&B entity (user or team) that owns the project. */
  entity: string;
  /** The W&B project name. */
  project: string;
  /** The run id (the 8-character name in run URLs) of the candidate run. */
  runId?: string;
  /** Candidates are the runs whose config `github_sha` equals this. */
  githubSha?: string;
  /** With `githubSha`: candidates also have config `secondary_sha` equal to this. */
  secondarySha?: string;
  /** Runs carrying any of these tags are baselines, unless they are candidates. */
  baselineTags: string[];
  /** Summary metric names (or dotted paths into nested summaries) to show. */
  metrics: string[];
  /** Config names (or dotted paths) to show, as `_<name>` columns. */
  configVars: string[];
  /** Whether to log debug lines. */
  debug: boolean;
  /** The W&B API base URL, without a trailing `/`. */
  baseUrl: string;
  /** The W&B web app that run links point to, without a trailing `/`. */
  appUrl: string;
  /** Where the CSV is written. */
  outputPath: string;
  /** Runs asked for per request. */
  pageSize: number;
  /** What the review report shows and where it goes. */
  report: ReportInputs;
  /** What the gates check. */
  gates: GateOptions;
  /** Whether a failed gate fails the step (after everything is written). */
  failOnGate: boolean;
  /**
   * Training curves, data lineage, the production baseline and significance.
   * Its gates (`history.convergence`, `lineage.requireSameData`,
   * `lineage.expected`) are gates as those of `gates` are: `FAIL_ON_GATE`
   * applies to them too.
   */
  evidence: EvidenceInputs;
  /** How to wait for unfinished candidates; absent means no waiting. */
  wait?: WaitInputs;
  /** The sticky PR comment, when `COMMENT` is on. */
  comment?: CommentInputs;
}

/** The three questions' inputs: curves, lineage, production baseline, significance. */
export interface EvidenceInputs {
  /** Metric histories to sample; absent when HISTORY_METRICS and CONVERGENCE are unset. */
  history?: {
    /** `HISTORY_METRICS`, then the `CONVERGENCE` metrics not among them: history keys as W&B stores them (a nested value as `eval.f1`), each once. */
    metrics: string[];
    /** `HISTORY_SAMPLES`: points per metric per run. */
    samples: number;
    /** `CONVERGENCE`: metrics whose curves must have converged (a gate). */
    convergence: string[];
  };
  /** Data lineage; absent when DATA_ARTIFACT_TYPES, REQUIRE_SAME_DATA and EXPECTED_DATA are unset. */
  lineage?: {
    /** `DATA_ARTIFACT_TYPES`, each once; `["dataset"]` when unset. */
    types: string[];
    /** Whether `DATA_ARTIFACT_TYPES` was set, so the report shows the lineage column. */
    showColumn: boolean;
    /** `REQUIRE_SAME_DATA`: candidates and baselines must have used the same data (a gate). */
    requireSameData: boolean;
    /** `EXPECTED_DATA`: artifact versions, as written, the candidates must have used (a gate); an entity or project left out is the review's. */
    expected: ArtifactPath[];
  };
  /**
   * `BASELINE_ARTIFACT`: the artifact version whose producing run is the
   * production baseline, as written (it always names a project). An entity
   * left out is the review's, or for a W&B Registry project the organisation
   * of the review's entity.
   */
  productionArtifact?: ArtifactPath;
  /** `SIGNIFICANCE`: the level at which `FAIL_ON_REGRESSION` counts a candidate as worse. */
  significance?: number;
}

/** The inputs of the sticky pull request comment. */
export interface CommentInputs {
  /** Tells this comment apart from other sticky ones on the pull request. */
  key: string;
  /** The GitHub token; never printed. */
  token: string;
  /** The login the token writes comments as, when `GET /user` cannot tell (another GitHub App's token). */
  author?: string;
}

/** The inputs for waiting until the candidates finish. */
export interface WaitInputs {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Milliseconds between polls. */
  intervalMs: number;
  /** Whether a timeout fails the step (after everything is written). */
  failOnTimeout: boolean;
}

/** The review report's inputs. */
export interface ReportInputs {
  /** Where the Markdown report goes; absent when no report option is on. */
  markdownPath?: string;
  /** Where the JSON report goes, when asked for. */
  jsonPath?: string;
  /** Whether to append the report to `$GITHUB_STEP_SUMMARY`. */
  jobSummary: boolean;
  /** Each display metric's direction. */
  goals: MetricGoal[];
  /**
   * Every metric compared with the baselines, with its direction: the
   * display metrics, then `FAIL_ON_REGRESSION` metrics that are not
   * displayed (those are fetched and judged, but not shown).
   */
  comparedGoals: MetricGoal[];
  /** Which baseline value candidates are compared with. */
  aggregate: BaselineAggregate;
  /** Whether to draw Mermaid bar charts. */
  charts: boolean;
}

/** Where defaults come from when an input is unset. */
export interface InputDefaults {
  /** `$GITHUB_WORKSPACE`, the CSV's default folder inside Actions. */
  githubWorkspace?: string;
  /** Whether a job summary can be written (`$GITHUB_STEP_SUMMARY` is set): `JOB_SUMMARY` then defaults to on. */
  jobSummaryAvailable?: boolean;
}

/** The result of {@linkcode parseInputs}: the inputs and notices for the log. */
export interface ParsedInputs {
  /** The validated inputs. */
  inputs: ActionInputs;
  /** Things the user should know that are not errors, one line each. */
  notices: string[];
}

const API_KEY_MIN_LENGTH = 40;
const TRUE_WORDS = ["true", "1", "yes", "on"];
const FALSE_WORDS = ["", "false", "0", "no", "off"];

const projectPath = z.string().regex(
  /^[^/\s]+\/[^/\s]+$/,
  'expected "entity/project"',
);
const singleToken = z.string().regex(/^[^\s]+$/, "expected no white space");
const pageSize = z.coerce.number().int().min(1).max(1000);

/**
 * Validates raw inputs the way the original action did, plus the checks it
 * lacked. Lists are parsed, never evaluated.
 *
 * @example
 * ```ts
 * import { parseInputs } from "./inputs.ts";
 * import assert from "node:assert/strict";
 *
 * const { inputs } = parseInputs({
 *   WANDB_API_KEY: "x".repeat(40),
 *   PROJECT_NAME: "github/predict-issue-labels",
 *   FILTER_GITHUB_SHA: "86edd034",
 *   BASELINE_TAGS: "['baseline']",
 * });
 * assert.equal(inputs.entity, "github");
 * assert.deepEqual(inputs.baselineTags, ["baseline"]);
 * ```
 *
 * @param raw The inputs as text; a missing or empty value is unset.
 * @param defaults Where unset paths default from.
 * @returns The validated inputs and any notices.
 * @throws {InputError} naming the first input that is wrong.
 */
export function parseInputs(
  raw: RawInputs,
  defaults: InputDefaults = {},
): ParsedInputs {
  const read = valueReader(raw);
  const notices: string[] = [];
  const { apiKey, entity, project } = parseAccess(read);
  const selection = parseSelection(read, notices);
  const evidence = parseEvidence(raw);
  const { metrics, comment, report, gates } = parseReview(raw, defaults, {
    asked: evidence.lineage?.requireSameData === true,
  });
  checkProductionBaseline(report.aggregate, evidence);
  const baseUrl = parseBaseUrl(read("WANDB_BASE_URL") ?? DEFAULT_BASE_URL);
  const inputs: ActionInputs = {
    apiKey,
    entity,
    project,
    ...selection,
    baselineTags: parseListInput("BASELINE_TAGS", raw.BASELINE_TAGS ?? ""),
    metrics,
    configVars: parseListInput(
      "DISPLAY_CONFIG_VARS",
      raw.DISPLAY_CONFIG_VARS ?? "",
    ),
    debug: parseSwitch("DEBUG", raw.DEBUG ?? ""),
    baseUrl,
    appUrl: parseAppUrl(read("WANDB_APP_URL")) ?? appUrlFor(baseUrl),
    outputPath: read("OUTPUT_PATH") ?? inWorkspace(defaults, DEFAULT_CSV_NAME),
    pageSize: check(
      "PAGE_SIZE",
      pageSize,
      read("PAGE_SIZE") ?? DEFAULT_PAGE_SIZE,
    ),
    report,
    gates,
    failOnGate: parseSwitch("FAIL_ON_GATE", raw.FAIL_ON_GATE ?? ""),
    evidence,
    ...parseWait(raw),
    ...comment,
  };
  checkDistinctPaths([
    ["OUTPUT_PATH", inputs.outputPath],
    ["REPORT_MARKDOWN", report.markdownPath],
    ["REPORT_JSON", report.jsonPath],
  ]);
  return { inputs, notices };
}

/** Reads an input's text, trimmed; `undefined` when it is missing or empty. */
type ValueReader = (name: InputName) => string | undefined;

function valueReader(raw: RawInputs): ValueReader {
  return (name) => {
    const text = raw[name]?.trim();
    return text === "" ? undefined : text;
  };
}

/** A file in the workspace (`$GITHUB_WORKSPACE`), else in the current folder. */
function inWorkspace(defaults: InputDefaults, name: string): string {
  return defaults.githubWorkspace
    ? `${defaults.githubWorkspace.replace(/\/+$/, "")}/${name}`
    : `./${name}`;
}

/** `WANDB_API_KEY` and `PROJECT_NAME`: who asks W&B, and about which project. */
function parseAccess(
  read: ValueReader,
): { apiKey: string; entity: string; project: string } {
  const apiKey = read("WANDB_API_KEY");
  if (apiKey === undefined) {
    throw new InputError(
      "WANDB_API_KEY",
      "required; set the input or the WANDB_API_KEY environment variable",
    );
  }
  checkApiKey(apiKey);
  const projectName = read("PROJECT_NAME");
  if (projectName === undefined) {
    throw new InputError("PROJECT_NAME", 'required, as "entity/project"');
  }
  check("PROJECT_NAME", projectPath, projectName);
  const [entity, project] = projectName.split("/");
  return { apiKey, entity, project };
}

/** `RUN_ID`, or `FILTER_GITHUB_SHA` and `FILTER_SECONDARY_SHA`: which runs are candidates. */
function parseSelection(
  read: ValueReader,
  notices: string[],
): Pick<ActionInputs, "runId" | "githubSha" | "secondarySha"> {
  const runId = read("RUN_ID");
  const githubSha = read("FILTER_GITHUB_SHA");
  const secondarySha = read("FILTER_SECONDARY_SHA");
  if (secondarySha !== undefined && githubSha === undefined) {
    throw new InputError(
      "FILTER_SECONDARY_SHA",
      "needs FILTER_GITHUB_SHA as well",
    );
  }
  if (runId === undefined && githubSha === undefined) {
    throw new InputError(
      "RUN_ID",
      "one of RUN_ID or FILTER_GITHUB_SHA is required",
    );
  }
  if (runId !== undefined) check("RUN_ID", singleToken, runId);
  if (githubSha !== undefined) {
    check("FILTER_GITHUB_SHA", singleToken, githubSha);
  }
  if (secondarySha !== undefined) {
    check("FILTER_SECONDARY_SHA", singleToken, secondarySha);
  }
  if (runId !== undefined && githubSha !== undefined) {
    notices.push(
      "RUN_ID is set, so FILTER_GITHUB_SHA and FILTER_SECONDARY_SHA are ignored",
    );
  }
  return runId !== undefined
    ? { runId }
    : { githubSha, ...(secondarySha !== undefined ? { secondarySha } : {}) };
}

/**
 * What the review shows, compares and judges, and the comment it may post;
 * `review.asked` when another input (`REQUIRE_SAME_DATA` on) asks for the
 * report.
 */
function parseReview(
  raw: RawInputs,
  defaults: InputDefaults,
  review: { asked: boolean },
): {
  metrics: string[];
  comment: { comment?: CommentInputs };
  report: ReportInputs;
  gates: GateOptions;
} {
  const metrics = parseListInput("DISPLAY_METRICS", raw.DISPLAY_METRICS ?? "");
  const comment = parseComment(raw);
  const failOnRegression = parseListInput(
    "FAIL_ON_REGRESSION",
    raw.FAIL_ON_REGRESSION ?? "",
  );
  const comparedGoals = parseComparedGoals(raw, [
    ...new Set([...metrics, ...failOnRegression]),
  ]);
  const report = parseReport(raw, defaults, {
    asked: review.asked || comment.comment !== undefined,
    goals: comparedGoals.slice(0, metrics.length),
    comparedGoals,
  });
  const gates: GateOptions = {
    thresholds: parseThresholds(
      entriesAsLines(
        "THRESHOLDS",
        raw.THRESHOLDS,
        'expected entries like "val_acc>=0.9, loss<=0.35"',
      ),
    ),
    failOnRegression,
    tolerance: parseTolerance(raw.REGRESSION_TOLERANCE ?? ""),
    requireComplete: parseSwitch(
      "REQUIRE_COMPLETE",
      raw.REQUIRE_COMPLETE ?? "",
    ),
  };
  return { metrics, comment, report, gates };
}

/**
 * `HISTORY_METRICS`, `HISTORY_SAMPLES`, `CONVERGENCE`, `DATA_ARTIFACT_TYPES`,
 * `REQUIRE_SAME_DATA`, `EXPECTED_DATA`, `BASELINE_ARTIFACT` and
 * `SIGNIFICANCE`. Every one is checked, whether or not what it tunes is on.
 */
function parseEvidence(raw: RawInputs): EvidenceInputs {
  const read = valueReader(raw);
  const historyMetrics = parseListInput(
    "HISTORY_METRICS",
    raw.HISTORY_METRICS ?? "",
  );
  const convergence = parseListInput("CONVERGENCE", raw.CONVERGENCE ?? "");
  const samples = parseHistorySamples(raw.HISTORY_SAMPLES ?? "");
  const types = parseDataArtifactTypes(raw.DATA_ARTIFACT_TYPES ?? "");
  const requireSameData = parseSwitch(
    "REQUIRE_SAME_DATA",
    raw.REQUIRE_SAME_DATA ?? "",
  );
  const expected = parseExpectedData(raw.EXPECTED_DATA ?? "");
  const artifactText = read("BASELINE_ARTIFACT");
  const significance = parseSignificance(raw.SIGNIFICANCE ?? "");
  const historyAsked = historyMetrics.length > 0 || convergence.length > 0;
  const lineageAsked = types.length > 0 || requireSameData ||
    expected.length > 0;
  return {
    ...(historyAsked
      ? {
        history: {
          metrics: [...new Set([...historyMetrics, ...convergence])],
          samples,
          convergence: [...new Set(convergence)],
        },
      }
      : {}),
    ...(lineageAsked
      ? {
        lineage: {
          types: types.length > 0 ? types : [...DEFAULT_DATA_ARTIFACT_TYPES],
          showColumn: types.length > 0,
          requireSameData,
          expected,
        },
      }
      : {}),
    ...(artifactText !== undefined
      ? { productionArtifact: parseBaselineArtifact(artifactText) }
      : {}),
    ...(significance !== undefined ? { significance } : {}),
  };
}

/** `BASELINE_AGGREGATE: production` compares with the run behind `BASELINE_ARTIFACT`, so it needs one. */
function checkProductionBaseline(
  aggregate: BaselineAggregate,
  evidence: EvidenceInputs,
): void {
  if (aggregate === "production" && evidence.productionArtifact === undefined) {
    throw new InputError(
      "BASELINE_AGGREGATE",
      "production needs BASELINE_ARTIFACT, the production artifact such as entity/project/model:production",
    );
  }
}

/** The direction of every compared metric: from `METRIC_GOALS`, else inferred. */
function parseComparedGoals(
  raw: RawInputs,
  compared: readonly string[],
): MetricGoal[] {
  const explicit = parseMetricGoals(
    entriesAsLines(
      "METRIC_GOALS",
      raw.METRIC_GOALS,
      'expected entries like "val_acc:max, loss:min"',
    ),
  );
  checkGoalsNamed(explicit, compared);
  return metricGoals(compared, explicit);
}

/** Where the review report goes and what it shows. */
function parseReport(
  raw: RawInputs,
  defaults: InputDefaults,
  review: { asked: boolean } & Pick<ReportInputs, "goals" | "comparedGoals">,
): ReportInputs {
  const read = valueReader(raw);
  const reportAsked = review.asked ||
    REPORT_INPUTS.some((name) => read(name) !== undefined);
  const jsonPath = read("REPORT_JSON");
  return {
    ...(reportAsked
      ? {
        markdownPath: read("REPORT_MARKDOWN") ??
          inWorkspace(defaults, DEFAULT_MARKDOWN_NAME),
      }
      : {}),
    ...(jsonPath !== undefined ? { jsonPath } : {}),
    jobSummary: read("JOB_SUMMARY") === undefined
      ? defaults.jobSummaryAvailable === true
      : parseSwitch("JOB_SUMMARY", raw.JOB_SUMMARY ?? ""),
    goals: review.goals,
    comparedGoals: review.comparedGoals,
    aggregate: parseBaselineAggregate(raw.BASELINE_AGGREGATE ?? ""),
    charts: read("REPORT_CHARTS") === undefined ||
      parseSwitch("REPORT_CHARTS", raw.REPORT_CHARTS ?? ""),
  };
}

/**
 * An entries input (`THRESHOLDS`, `METRIC_GOALS`) with its entries one per
 * line, whether they came comma-separated or as a YAML list of `- ` lines.
 */
function entriesAsLines(
  input: InputName,
  text: string | undefined,
  expected: string,
): string {
  return listEntries(input, text ?? "", expected).join("\n");
}

/** Two outputs written to one file would overwrite each other: refused. */
function checkDistinctPaths(
  paths: readonly [InputName, string | undefined][],
): void {
  const seen = new Map<string, [InputName, string]>();
  for (const [input, path] of paths) {
    if (path === undefined) continue;
    const key = path.replace(/^(\.\/)+/, "");
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new InputError(
        input,
        `is the same file as ${earlier[0]} (${
          quoteForMessage(earlier[1])
        }); give each its own path`,
      );
    }
    seen.set(key, [input, path]);
  }
}

function parseComment(raw: RawInputs): { comment?: CommentInputs } {
  if (!parseSwitch("COMMENT", raw.COMMENT ?? "")) return {};
  const key = raw.COMMENT_KEY?.trim() || DEFAULT_COMMENT_KEY;
  if (!isCommentKey(key)) {
    throw new InputError(
      "COMMENT_KEY",
      `expected 1 to 64 letters, digits, "_", "." or "-", got ${
        quoteForMessage(key)
      }`,
    );
  }
  const token = raw.GITHUB_TOKEN?.trim() ?? "";
  if (token === "") {
    throw new InputError(
      "GITHUB_TOKEN",
      "required with COMMENT: true (the action passes github.token by default)",
    );
  }
  const author = raw.COMMENT_AUTHOR?.trim() ?? "";
  if (author !== "" && !isGithubLogin(author)) {
    throw new InputError(
      "COMMENT_AUTHOR",
      `expected a GitHub login such as "my-app[bot]", got ${
        quoteForMessage(author)
      }`,
    );
  }
  return {
    comment: { key, token, ...(author === "" ? {} : { author }) },
  };
}

function parseWait(raw: RawInputs): { wait?: WaitInputs } {
  const timeout = raw.WAIT_TIMEOUT?.trim() ?? "";
  const failOnTimeout = parseSwitch(
    "FAIL_ON_TIMEOUT",
    raw.FAIL_ON_TIMEOUT ?? "",
  );
  const interval = raw.POLL_INTERVAL?.trim() || "30s";
  const intervalMs = parseDuration("POLL_INTERVAL", interval);
  const timeoutMs = timeout === "" ? 0 : parseDuration("WAIT_TIMEOUT", timeout);
  if (timeoutMs === 0) return {};
  if (intervalMs < 1000) {
    throw new InputError(
      "POLL_INTERVAL",
      `expected at least 1s, got ${quoteForMessage(interval)}`,
    );
  }
  return { wait: { timeoutMs, intervalMs, failOnTimeout } };
}

/**
 * Reads an on/off input: `true`, `1`, `yes`, `on` (any case) are on; empty,
 * `false`, `0`, `no`, `off` are off; anything else is an error.
 *
 * @param input The input's name, for the error message.
 * @param text The text given.
 * @returns Whether the switch is on.
 */
export function parseSwitch(input: string, text: string): boolean {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new InputError(
    input,
    `expected true or false (also 1/0, yes/no, on/off), got ${
      quoteForMessage(text)
    }`,
  );
}

/**
 * Checks a W&B API base URL and strips trailing slashes: it must be http(s),
 * carry no credentials, and may be plain http only on a loopback host.
 *
 * @param text The URL given.
 * @returns The URL without trailing `/`.
 */
export function parseBaseUrl(text: string): string {
  const { url, problems: [problem] } = checkHttpUrl(text);
  const expected = `expected an http(s) URL such as ${DEFAULT_BASE_URL}`;
  const fail = (detail: string): never => {
    throw new InputError("WANDB_BASE_URL", detail);
  };
  switch (problem) {
    case undefined:
      return baseUrlText(url!);
    case "unparsable":
      return fail(`${expected}, got ${quoteForMessage(hideUserInfo(text))}`);
    case "scheme":
      return fail(
        `${expected}, got the scheme ${quoteForMessage(url!.protocol)}`,
      );
    case "credentials":
      return fail(
        "must not contain credentials; pass the key as WANDB_API_KEY",
      );
    case "plain-http":
      return fail(
        `plain http would send the API key unencrypted to ${
          quoteForMessage(url!.host)
        }; use https`,
      );
    case "query":
      return fail("expected a base URL without a query or fragment");
  }
}

/**
 * Reads `WANDB_APP_URL`, the web app run links point to when it cannot be
 * derived from the API URL: an http(s) URL without credentials, query or
 * fragment. Nothing is sent there; it only appears in links, so plain http
 * is fine on any host.
 *
 * @param text The input, or `undefined` when unset.
 * @returns The URL without a trailing `/`, or `undefined` when unset.
 * @throws {InputError} naming `WANDB_APP_URL` when it is not such a URL.
 */
export function parseAppUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const { url, problems } = checkHttpUrl(text);
  if (url === undefined || problems.some((each) => each !== "plain-http")) {
    throw new InputError(
      "WANDB_APP_URL",
      `expected an http(s) URL such as https://wandb.ai, without credentials, query or fragment, got ${
        quoteForMessage(hideUserInfo(text))
      }`,
    );
  }
  return baseUrlText(url);
}

function checkApiKey(apiKey: string): void {
  if (/\s/.test(apiKey)) {
    throw new InputError("WANDB_API_KEY", "expected no white space in the key");
  }
  const prefix = apiKey.slice(0, apiKey.indexOf("-") + 1);
  const counted = apiKey.length - prefix.length;
  if (counted >= API_KEY_MIN_LENGTH) return;
  if (prefix === "") {
    throw new InputError(
      "WANDB_API_KEY",
      `expected a W&B API key of at least ${API_KEY_MIN_LENGTH} characters, got ${counted}`,
    );
  }
  // A prefix such as "local-" is named; one that is not a word may be a
  // piece of the key itself, so only its length is.
  const named = /^[A-Za-z_]{1,20}-$/.test(prefix)
    ? `the prefix ${quoteForMessage(prefix)}`
    : `the first "-" (a prefix of ${prefix.length} characters, not shown)`;
  throw new InputError(
    "WANDB_API_KEY",
    `expected at least ${API_KEY_MIN_LENGTH} characters after ${named}, got ${counted} (${apiKey.length} in all)`,
  );
}

function check<T>(input: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problem = result.error.issues[0]?.message ?? "invalid value";
  throw new InputError(
    input,
    `${problem}, got ${quoteForMessage(String(value))}`,
  );
}
