/**
 * Command-line entry: reads the action's `INPUT_*` variables and flags,
 * queries W&B, writes the CSV and the step outputs.
 *
 * ```sh
 * deno run --no-prompt --allow-net=api.wandb.ai --allow-env=WANDB_API_KEY \
 *   --allow-read=wandb_report.csv,wandb_report.csv.partial \
 *   --allow-write=wandb_report.csv,wandb_report.csv.partial \
 *   jsr:@ml-review/wandb-runs/cli --project github/predict-issue-labels \
 *   --sha "$GITHUB_SHA" --baseline-tags baseline --metrics "acc, loss"
 * ```
 *
 * Exit codes: 0 done, 1 W&B or the file system failed, 2 an input is wrong,
 * 3 a gate failed with `FAIL_ON_GATE`, 4 the wait timed out with
 * `FAIL_ON_TIMEOUT`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import denoConfig from "./deno.json" with { type: "json" };
import { InputError } from "./lib/errors.ts";
import {
  type ActionInputs,
  DEFAULT_BASE_URL,
  INPUT_NAMES,
  type InputName,
  parseInputs,
  type RawInputs,
} from "./lib/action/inputs.ts";
import {
  createLog,
  escapeCommandData,
  type Log,
  type LogOptions,
  safeLogText,
} from "./lib/action/log.ts";
import { runJob } from "./lib/action/job.ts";
import type { GateResult } from "./lib/review/gates.ts";
import { isPermissionError } from "./lib/http/retry.ts";

/** Every environment variable the CLI reads; one that `--allow-env` does not grant reads as unset. */
export const ENVIRONMENT_VARIABLES: readonly string[] = [
  ...INPUT_NAMES.map((name) => `INPUT_${name}`),
  "WANDB_API_KEY",
  "WANDB_BASE_URL",
  "WANDB_APP_URL",
  "GITHUB_WORKSPACE",
  "GITHUB_OUTPUT",
  "GITHUB_STEP_SUMMARY",
  "GITHUB_ACTIONS",
  "GITHUB_TOKEN",
  "GITHUB_EVENT_PATH",
  "GITHUB_API_URL",
  "GITHUB_REPOSITORY",
];

const FLAGS: Record<string, InputName> = {
  "project": "PROJECT_NAME",
  "run-id": "RUN_ID",
  "sha": "FILTER_GITHUB_SHA",
  "secondary-sha": "FILTER_SECONDARY_SHA",
  "baseline-tags": "BASELINE_TAGS",
  "metrics": "DISPLAY_METRICS",
  "config-vars": "DISPLAY_CONFIG_VARS",
  "out": "OUTPUT_PATH",
  "base-url": "WANDB_BASE_URL",
  "app-url": "WANDB_APP_URL",
  "page-size": "PAGE_SIZE",
  "debug": "DEBUG",
  "report-markdown": "REPORT_MARKDOWN",
  "job-summary": "JOB_SUMMARY",
  "metric-goals": "METRIC_GOALS",
  "baseline-aggregate": "BASELINE_AGGREGATE",
  "report-charts": "REPORT_CHARTS",
  "thresholds": "THRESHOLDS",
  "fail-on-regression": "FAIL_ON_REGRESSION",
  "regression-tolerance": "REGRESSION_TOLERANCE",
  "require-complete": "REQUIRE_COMPLETE",
  "fail-on-gate": "FAIL_ON_GATE",
  "report-json": "REPORT_JSON",
  "history-metrics": "HISTORY_METRICS",
  "history-samples": "HISTORY_SAMPLES",
  "convergence": "CONVERGENCE",
  "data-artifact-types": "DATA_ARTIFACT_TYPES",
  "require-same-data": "REQUIRE_SAME_DATA",
  "expected-data": "EXPECTED_DATA",
  "baseline-artifact": "BASELINE_ARTIFACT",
  "significance": "SIGNIFICANCE",
  "wait-timeout": "WAIT_TIMEOUT",
  "poll-interval": "POLL_INTERVAL",
  "fail-on-timeout": "FAIL_ON_TIMEOUT",
  "comment": "COMMENT",
  "comment-key": "COMMENT_KEY",
  "comment-author": "COMMENT_AUTHOR",
};

/** Flags whose value is true or false: each takes one, and alone means true. */
const SWITCH_FLAGS: ReadonlySet<string> = new Set([
  "debug",
  "job-summary",
  "report-charts",
  "require-complete",
  "fail-on-gate",
  "require-same-data",
  "fail-on-timeout",
  "comment",
]);

const HELP = `Usage: cli.ts [options]

Queries W&B for the runs of a commit (or one run) and baseline runs, writes
them to a CSV and prints the counts as NAME=value lines (or appends them to
$GITHUB_OUTPUT inside GitHub Actions).

Options (each also read from INPUT_<NAME>; a flag wins):
  --project <entity/project>   PROJECT_NAME, required
  --run-id <id>                RUN_ID: the candidate run's id
  --sha <sha>                  FILTER_GITHUB_SHA: candidates have config github_sha = sha
  --secondary-sha <sha>        FILTER_SECONDARY_SHA: and config secondary_sha = sha
  --baseline-tags <list>       BASELINE_TAGS, e.g. "baseline, reference" or "['baseline']"
  --metrics <list>             DISPLAY_METRICS: summary metrics (dotted paths allowed)
  --config-vars <list>         DISPLAY_CONFIG_VARS: config values, as _<name> columns
  --out <path>                 OUTPUT_PATH (default $GITHUB_WORKSPACE/wandb_report.csv
                               or ./wandb_report.csv)
  --base-url <url>             WANDB_BASE_URL (default $WANDB_BASE_URL or https://api.wandb.ai)
  --app-url <url>              WANDB_APP_URL: where run links point (default $WANDB_APP_URL, else derived from the API URL)
  --page-size <n>              PAGE_SIZE: runs per request, 1-1000 (default 1000)
  --debug [<bool>]             DEBUG: log requests and filters

Review report and gates (all optional):
  --report-markdown <path>     REPORT_MARKDOWN (default $GITHUB_WORKSPACE/wandb_report.md
                               when any report or gate option is set)
  --report-json <path>         REPORT_JSON: every run, comparison and gate result as JSON
  --job-summary [<bool>]       JOB_SUMMARY: append the report to $GITHUB_STEP_SUMMARY
                               (default true inside GitHub Actions)
  --metric-goals <list>        METRIC_GOALS, e.g. "val_acc:max, loss:min" (default: from the name)
  --baseline-aggregate <how>   BASELINE_AGGREGATE: best (default), mean, latest or production (needs --baseline-artifact)
  --report-charts [<bool>]     REPORT_CHARTS: Mermaid bar charts (default true)
  --thresholds <list>          THRESHOLDS, e.g. "val_acc>=0.9, loss<=0.35"
  --fail-on-regression <list>  FAIL_ON_REGRESSION: metrics that may not get worse
  --regression-tolerance <t>   REGRESSION_TOLERANCE: 0.01 or 2% (default 0)
  --require-complete [<bool>]  REQUIRE_COMPLETE: fail unless BOOL_COMPLETE
  --fail-on-gate [<bool>]      FAIL_ON_GATE: exit 3 when a gate fails (default false)

Training curves, data lineage and the production baseline (all optional):
  --history-metrics <list>     HISTORY_METRICS: history keys to sample per run, e.g. "loss, val_loss"
  --history-samples <n>        HISTORY_SAMPLES: points per metric per run, 2-10000 (default 200)
  --convergence <list>         CONVERGENCE: a gate: these metrics' curves must have converged (sampled too)
  --data-artifact-types <list> DATA_ARTIFACT_TYPES: artifact types shown as data lineage (default dataset)
  --require-same-data [<bool>] REQUIRE_SAME_DATA: a gate: each candidate used the same data as its baseline
  --expected-data <list>       EXPECTED_DATA: a gate: data each candidate must have used, e.g. "mnist-test:latest"
  --baseline-artifact <path>   BASELINE_ARTIFACT: the production model, entity/project/name:alias or wandb-registry-<r>/name:alias
  --significance <level>       SIGNIFICANCE: --fail-on-regression fails only when worse at this level (0 to 1), e.g. 0.05

Waiting for runs (optional):
  --wait-timeout <duration>    WAIT_TIMEOUT, e.g. 45m: poll until every candidate finished
  --poll-interval <duration>   POLL_INTERVAL (default 30s)
  --fail-on-timeout [<bool>]   FAIL_ON_TIMEOUT: exit 4 when the wait times out (default false)

Pull request comment (optional; needs GITHUB_TOKEN in the environment):
  --comment [<bool>]           COMMENT: post the report as a sticky PR comment, updated on reruns
  --comment-key <key>          COMMENT_KEY: keeps several sticky comments apart (default "default")
  --comment-author <login>     COMMENT_AUTHOR: the login the token comments as, e.g. "my-app[bot]"
                               (default: GET /user, else github-actions[bot])
  --help, --version

A <bool> is true or false (also 1/0, yes/no, on/off, any case); a <bool> flag
given alone means true: --debug is --debug true.

Outputs (NAME=value lines on stdout; appended to $GITHUB_OUTPUT inside Actions):
  BOOL_COMPLETE     True when a candidate finished and none is running, pending,
                    preempting or of unknown state; else False
  BOOL_SINGLE_RUN   True when exactly one candidate matched, whatever its state
  NUM_FINISHED      candidates in state finished
  NUM_RUNNING       candidates in state running
  NUM_CRASHED       candidates in state crashed
  NUM_ABORTED       candidates stopped by their user (killed)
  NUM_BASELINES     baseline runs, any state
  NUM_CANDIDATES    all candidates, any state
  NUM_FAILED        candidates in state failed
  NUM_PENDING       candidates in state pending
  NUM_PREEMPTED     candidates in state preempting or preempted
  NUM_UNKNOWN       candidates whose state W&B did not give
  BOOL_PASSED       True when every gate passed (or none was set); else False
  GATE_FAILURES     the failed gates, one per line; empty when none failed

The API key comes from INPUT_WANDB_API_KEY or WANDB_API_KEY, never a flag.
Exit codes: 0 done, 1 W&B or the file system failed, 2 an input is wrong,
3 a gate failed with FAIL_ON_GATE, 4 the wait timed out with FAIL_ON_TIMEOUT.`;

/** What {@linkcode main} reads and writes, injectable for tests. */
export interface CliEnvironment {
  /**
   * Reads an environment variable. It may throw `Deno.errors.NotCapable` for
   * a variable that may not be read: that variable then reads as unset, and
   * is named where that matters (the key, the W&B URL).
   */
  getEnv: (name: string) => string | undefined;
  /** Writes a line to standard output. */
  stdout: (line: string) => void;
  /** Writes a line to standard error. */
  stderr: (line: string) => void;
  /** The `fetch` used to reach W&B. */
  fetch?: typeof fetch;
}

/**
 * Runs the CLI.
 *
 * @param args The command-line arguments.
 * @param environment The environment and output streams; the process's by default.
 * @returns The exit code.
 */
export async function main(
  args: readonly string[],
  environment: CliEnvironment = processEnvironment(),
): Promise<number> {
  const { getEnv, unreadable } = guardedGetEnv(environment.getEnv);
  const inGithubActions = getEnv("GITHUB_ACTIONS") === "true";
  let secrets: string[] = [];
  const reportError = (message: string) => {
    const line = safeLogText(message, secrets);
    environment.stderr(
      inGithubActions
        ? `::error::${escapeCommandData(line)}`
        : `Error: ${line}`,
    );
  };
  try {
    const flags = readFlags(args);
    if (flags.help || flags.version) {
      environment.stdout(flags.help ? HELP : denoConfig.version);
      return 0;
    }
    const raw = readRawInputs(getEnv, flags.values);
    secrets = secretForms(raw);
    if (inGithubActions) maskApiKey(raw, environment.stdout);
    checkUnreadable(raw, unreadable);
    const { inputs, log, stepSummaryPath } = prepareInputs(raw, {
      getEnv,
      unreadable,
      write: environment.stderr,
      githubActions: inGithubActions,
      secrets,
    });
    const { gate, timedOut } = await runJob(inputs, {
      log,
      fetch: environment.fetch,
      githubOutputPath: getEnv("GITHUB_OUTPUT") || undefined,
      stepSummaryPath,
      printOutputs: (text) => environment.stdout(text.trimEnd()),
      github: {
        apiUrl: getEnv("GITHUB_API_URL") || undefined,
        repository: getEnv("GITHUB_REPOSITORY") || undefined,
        eventPath: getEnv("GITHUB_EVENT_PATH") || undefined,
      },
    });
    return finalExitCode(inputs, { gate, timedOut }, reportError);
  } catch (error) {
    reportError(error instanceof Error ? error.message : String(error));
    return error instanceof InputError ? 2 : 1;
  }
}

/**
 * Reads variables through `getEnv`, a variable that may not be read (Deno's
 * `NotCapable`) reading as unset and being noted in `unreadable`.
 */
function guardedGetEnv(
  getEnv: CliEnvironment["getEnv"],
): { getEnv: CliEnvironment["getEnv"]; unreadable: Set<string> } {
  const unreadable = new Set<string>();
  return {
    getEnv: (name) => {
      try {
        return getEnv(name);
      } catch (error) {
        if (!isPermissionError(error)) throw error;
        unreadable.add(name);
        return undefined;
      }
    },
    unreadable,
  };
}

/**
 * Masks the API key in GitHub's log, escaped as the toolkit's setSecret does;
 * a key with white space in it (refused later) is masked part by part and
 * cannot end the line.
 */
function maskApiKey(raw: RawInputs, stdout: (line: string) => void): void {
  for (const part of raw.WANDB_API_KEY?.split(/\s+/) ?? []) {
    if (part !== "") stdout(`::add-mask::${escapeCommandData(part)}`);
  }
}

/** Validates the inputs, then makes the log and tells it the notices. */
function prepareInputs(
  raw: RawInputs,
  context: Omit<LogOptions, "debug"> & {
    getEnv: CliEnvironment["getEnv"];
    unreadable: ReadonlySet<string>;
  },
): { inputs: ActionInputs; log: Log; stepSummaryPath?: string } {
  const { getEnv, unreadable } = context;
  const stepSummaryPath = getEnv("GITHUB_STEP_SUMMARY") || undefined;
  const { inputs, notices } = parseInputs(raw, {
    githubWorkspace: getEnv("GITHUB_WORKSPACE"),
    jobSummaryAvailable: stepSummaryPath !== undefined,
  });
  const log = createLog({
    write: context.write,
    githubActions: context.githubActions,
    debug: inputs.debug,
    secrets: context.secrets,
  });
  notices.forEach((notice) => log.notice(notice));
  if (unreadable.has("WANDB_BASE_URL") && !raw.WANDB_BASE_URL?.trim()) {
    log.debug(
      `WANDB_BASE_URL could not be read (--allow-env does not grant it); using ${inputs.baseUrl}`,
    );
  }
  return { inputs, log, stepSummaryPath };
}

/** 3 for a failed gate with `FAIL_ON_GATE`, 4 for a timed-out wait with `FAIL_ON_TIMEOUT`, else 0. */
function finalExitCode(
  inputs: ActionInputs,
  result: { gate: GateResult; timedOut: boolean },
  reportError: (message: string) => void,
): number {
  if (inputs.failOnGate && !result.gate.passed) {
    reportError(
      `FAIL_ON_GATE: ${result.gate.failures.length} gate failure(s); see GATE_FAILURES`,
    );
    return 3;
  }
  if (inputs.wait?.failOnTimeout && result.timedOut) {
    reportError(
      "FAIL_ON_TIMEOUT: candidate runs were still unfinished when WAIT_TIMEOUT passed",
    );
    return 4;
  }
  return 0;
}

/**
 * Every form in which a secret could reach a message: the key and the token
 * as used (trimmed), and the key's HTTP Basic credentials `api:<key>` in
 * base64, also without its `=` padding, which a server may drop or encode
 * when it echoes the request.
 */
function secretForms(raw: RawInputs): string[] {
  const apiKey = raw.WANDB_API_KEY?.trim() ?? "";
  const token = raw.GITHUB_TOKEN?.trim() ?? "";
  const forms = [apiKey, token];
  if (apiKey !== "") {
    try {
      const basic = btoa(`api:${apiKey}`);
      forms.push(basic, basic.replace(/=+$/, ""));
    } catch {
      // Not Latin-1: no Basic header can be built from it, so none is sent.
    }
  }
  return forms.filter((form) => form !== "");
}

/**
 * Variables that could not be read and matter: the API key when nothing else
 * gave one, and `WANDB_BASE_URL` when the default W&B it falls back to is not
 * granted either, so that the error names the variable, not `--allow-net`.
 */
function checkUnreadable(raw: RawInputs, unreadable: ReadonlySet<string>) {
  const notGranted = "could not be read (--allow-env does not grant it)";
  if (!raw.WANDB_API_KEY?.trim() && unreadable.has("WANDB_API_KEY")) {
    throw new InputError(
      "WANDB_API_KEY",
      `required; the WANDB_API_KEY environment variable ${notGranted}: add it to --allow-env`,
    );
  }
  if (!raw.WANDB_BASE_URL?.trim() && unreadable.has("WANDB_BASE_URL")) {
    const url = new URL(DEFAULT_BASE_URL);
    const host = `${url.hostname}:${url.port || "443"}`;
    if (Deno.permissions.querySync({ name: "net", host }).state !== "granted") {
      throw new InputError(
        "WANDB_BASE_URL",
        `the environment variable ${notGranted}, so the default ${DEFAULT_BASE_URL} was taken, which --allow-net does not grant either; add WANDB_BASE_URL to --allow-env, or pass --base-url`,
      );
    }
  }
}

interface Flags {
  help: boolean;
  version: boolean;
  values: RawInputs;
}

/**
 * The arguments with every boolean flag given a value: a flag followed by
 * anything but another flag takes it as its value (no positional arguments
 * exist to mistake it for); alone, it gets `true`.
 */
function withSwitchValues(args: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    result.push(arg);
    if (arg === "--") {
      result.push(...args.slice(index + 1));
      break;
    }
    const name = /^--([^=]+)$/.exec(arg)?.[1];
    if (name === undefined || !Object.hasOwn(FLAGS, name)) continue;
    const next = args[index + 1];
    if (next !== undefined && !next.startsWith("-")) {
      result.push(next);
      index++;
    } else if (SWITCH_FLAGS.has(name)) {
      result.push("true");
    }
  }
  return result;
}

function readFlags(args: readonly string[]): Flags {
  const options = Object.fromEntries(
    Object.keys(FLAGS).map((flag) => [flag, { type: "string" as const }]),
  );
  let parsed;
  try {
    parsed = parseArgs({
      args: withSwitchValues(args),
      options: {
        ...options,
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new InputError(
      "arguments",
      `${error instanceof Error ? error.message : String(error)}; see --help`,
      { cause: error },
    );
  }
  const values: RawInputs = {};
  for (const [flag, input] of Object.entries(FLAGS)) {
    const value = (parsed.values as Record<string, unknown>)[flag];
    if (typeof value === "string") values[input] = value;
  }
  return {
    help: parsed.values.help === true,
    version: parsed.values.version === true,
    values,
  };
}

/** Flags first, then `INPUT_<NAME>`, then the plain W&B variables. */
function readRawInputs(
  getEnv: (name: string) => string | undefined,
  flags: RawInputs,
): RawInputs {
  const raw: RawInputs = {};
  for (const name of INPUT_NAMES) {
    const fromEnv = getEnv(`INPUT_${name}`);
    raw[name] = flags[name] ?? (fromEnv?.trim() ? fromEnv : undefined);
  }
  raw.WANDB_API_KEY ??= getEnv("WANDB_API_KEY");
  raw.WANDB_BASE_URL ??= getEnv("WANDB_BASE_URL");
  raw.WANDB_APP_URL ??= getEnv("WANDB_APP_URL");
  raw.GITHUB_TOKEN ??= getEnv("GITHUB_TOKEN");
  return raw;
}

/**
 * A variable's value. One that `--allow-env` does not grant throws
 * `NotCapable` (asked first, so that Deno never prompts), and `main` reads it
 * as unset: `--allow-env=WANDB_API_KEY` is enough when every input comes by
 * flag.
 */
function readGrantedVariable(name: string): string | undefined {
  if (
    Deno.permissions.querySync({ name: "env", variable: name }).state !==
      "granted"
  ) {
    throw new Deno.errors.NotCapable(
      `Requires env access to "${name}", run again with the --allow-env flag`,
    );
  }
  return Deno.env.get(name);
}

function processEnvironment(): CliEnvironment {
  const encoder = new TextEncoder();
  return {
    getEnv: readGrantedVariable,
    stdout: (line) => Deno.stdout.writeSync(encoder.encode(`${line}\n`)),
    stderr: (line) => Deno.stderr.writeSync(encoder.encode(`${line}\n`)),
  };
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
