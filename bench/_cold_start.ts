/**
 * Cold start: the wall time of a fresh `deno run cli.ts` process, with its
 * dependencies already cached, for `--help` and for a one-run query (`RUN_ID`)
 * against a fake W&B without latency. Each runs once unmeasured (to fill the
 * caches), then {@linkcode COLD_START_REPEATS} times; the median is kept.
 *
 * @module
 */

import { PROJECT_ROOT } from "./_measure.ts";

/** Measured runs per command. */
export const COLD_START_REPEATS = 5;

/** The cold start of one command. */
export interface ColdStart {
  /** What was run. */
  command: string;
  /** The median wall time, in milliseconds. */
  medianMs: number;
  /** Every measured wall time, in milliseconds. */
  samplesMs: number[];
}

/** A one-run query: where the fake is and which run to ask for. */
export interface OneRunQuery {
  /** The fake's base URL. */
  baseUrl: string;
  /** The API key. */
  apiKey: string;
  /** `entity/project`. */
  projectName: string;
  /** The run id. */
  runId: string;
  /** A folder to write the CSV in. */
  folder: string;
}

/**
 * Measures `deno run cli.ts --help` and a one-run query, each as the README's
 * one-liner runs it (narrow permissions, inputs by flag, the key from the
 * environment).
 *
 * @param query The one-run query.
 * @returns The cold start of each command.
 */
export async function measureColdStarts(
  query: OneRunQuery,
): Promise<ColdStart[]> {
  const csvPath = `${query.folder}/cold_start.csv`;
  const files = `${csvPath},${csvPath}.partial`;
  const permissions = [
    "--no-prompt",
    `--allow-net=${new URL(query.baseUrl).host}`,
    "--allow-env=WANDB_API_KEY",
    `--allow-read=${files}`,
    `--allow-write=${files}`,
  ];
  const help = ["run", ...permissions, "cli.ts", "--help"];
  const oneRun = [
    "run",
    ...permissions,
    "cli.ts",
    "--project",
    query.projectName,
    "--run-id",
    query.runId,
    "--base-url",
    query.baseUrl,
    "--out",
    csvPath,
  ];
  return [
    await medianWallTime("deno run cli.ts --help", help, query.apiKey),
    await medianWallTime(
      "deno run cli.ts --run-id <id> (one request, no latency)",
      oneRun,
      query.apiKey,
    ),
  ];
}

async function medianWallTime(
  command: string,
  args: string[],
  apiKey: string,
): Promise<ColdStart> {
  const samplesMs: number[] = [];
  for (let run = 0; run <= COLD_START_REPEATS; run++) {
    const start = performance.now();
    const output = await new Deno.Command("deno", {
      args,
      cwd: PROJECT_ROOT,
      env: { WANDB_API_KEY: apiKey },
      stdout: "null",
      stderr: "piped",
    }).output();
    const wallMs = performance.now() - start;
    if (!output.success) {
      throw new Error(
        `Cannot measure "${command}": exit code ${output.code}: ${
          new TextDecoder().decode(output.stderr)
        }`,
      );
    }
    if (run > 0) samplesMs.push(wallMs);
  }
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    command,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    samplesMs,
  };
}
