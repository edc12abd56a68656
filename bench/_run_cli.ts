/**
 * Runs our CLI once inside this process, as `deno task bench` measures it,
 * and prints one JSON line: its exit code, its outputs and what the work cost
 * (wall time, CPU time, peak memory). Run as a subprocess so that the cost is
 * the CLI's own:
 *
 * ```sh
 * deno run --allow-net=127.0.0.1:PORT --allow-read=DIR --allow-write=DIR \
 *   bench/_run_cli.ts '{"INPUT_PROJECT_NAME": "...", ...}'
 * ```
 *
 * The argument is the environment the CLI sees (its `INPUT_*` variables,
 * `WANDB_API_KEY`, `WANDB_BASE_URL`), as JSON.
 *
 * @module
 */

import { main } from "../cli.ts";
import { finishWork, startWork, type WorkCost } from "./_process_stats.ts";

/** What one CLI run printed and cost. */
export interface CliRunResult extends WorkCost {
  /** The CLI's exit code. */
  exitCode: number;
  /** The step outputs it printed, `NAME` to value. */
  outputs: Record<string, string>;
  /** What it wrote to stderr. */
  stderr: string[];
}

/** The `NAME=value` lines the CLI prints outside GitHub Actions, as a record. */
function parsePlainOutputs(lines: readonly string[]): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of lines.join("\n").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
  }
  return outputs;
}

if (import.meta.main) {
  const environment: Record<string, string> = JSON.parse(Deno.args[0] ?? "{}");
  const stdout: string[] = [];
  const stderr: string[] = [];
  const start = startWork();
  const exitCode = await main([], {
    getEnv: (name) => environment[name],
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  const cost = finishWork(start);
  const outputs = parsePlainOutputs(stdout);
  const result: CliRunResult = { exitCode, outputs, stderr, ...cost };
  console.log(JSON.stringify(result));
}
