import type { CategorisedRuns } from "./categorise.ts";
import { categoriseRuns } from "./categorise.ts";
import { csvColumns, csvText } from "./csv_report.ts";
import { WandbError } from "./errors.ts";
import { fetchRuns } from "./fetch_runs.ts";
import { formatPlainOutputs, writeGithubOutputs } from "./github_outputs.ts";
import type { WandbConnection } from "./graphql_transport.ts";
import type { ActionInputs } from "./inputs.ts";
import type { Log } from "./log.ts";
import { buildQueryPlan } from "./query_plan.ts";
import { countOutputs, countRuns, type RunCounts } from "./run_counts.ts";
import { appUrlFor } from "./run_url.ts";
import { writeFileAtomically } from "./atomic_write.ts";

/** What the job needs from its surroundings, injectable for tests. */
export interface JobEnvironment
  extends Pick<WandbConnection, "fetch" | "sleep" | "now" | "random"> {
  /** Where lines for people go. */
  log: Log;
  /** `$GITHUB_OUTPUT`: when set, outputs are appended there; else printed. */
  githubOutputPath?: string;
  /** Prints outputs when not inside GitHub Actions. */
  printOutputs: (text: string) => void;
}

/** What the job produced. */
export interface JobResult {
  /** The runs, categorised. */
  runs: CategorisedRuns;
  /** Their counts. */
  counts: RunCounts;
  /** The outputs as written. */
  outputs: Record<string, string>;
}

/**
 * The action's work from validated inputs to files: query W&B, categorise,
 * count, write the CSV (atomically, always), then the outputs. Nothing is
 * written when any step before fails.
 *
 * @param inputs The validated inputs.
 * @param environment The log, output destinations and injectable I/O.
 * @returns The runs, counts and outputs.
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
  const fetched = await fetchRuns(plan, {
    baseUrl: inputs.baseUrl,
    apiKey: inputs.apiKey,
    pageSize: inputs.pageSize,
    metrics: inputs.metrics,
    configVars: inputs.configVars,
    fetch: environment.fetch,
    sleep: environment.sleep,
    now: environment.now,
    random: environment.random,
    log: (line) => log.debug(line),
  });
  if (plan.runId !== undefined && fetched.candidates.length === 0) {
    throw new WandbError(
      `RUN_ID: W&B has no run "${plan.runId}" in project "${inputs.entity}/${inputs.project}"`,
    );
  }
  const runs = categoriseRuns(fetched.candidates, fetched.baselines);
  const counts = countRuns(runs);
  const outputs = countOutputs(counts);

  await writeFileAtomically(
    inputs.outputPath,
    csvText(runs, { ...inputs, appUrl: appUrlFor(inputs.baseUrl) }),
  ).catch((error: unknown) => {
    throw new Error(
      `OUTPUT_PATH: cannot write the CSV to "${inputs.outputPath}": ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  });
  log.info(
    `${counts.candidates} candidate run(s) (${counts.finished} finished, ${counts.running} running) and ${counts.baselines} baseline run(s) in ${inputs.entity}/${inputs.project}; CSV written to ${inputs.outputPath} in ${fetched.requests} request(s)`,
  );
  if (environment.githubOutputPath) {
    await writeGithubOutputs(environment.githubOutputPath, outputs);
  } else {
    environment.printOutputs(formatPlainOutputs(outputs));
  }
  return { runs, counts, outputs };
}
