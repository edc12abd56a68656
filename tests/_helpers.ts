/** Test helpers shared by the integration tests: a demo fake, a captured log, a temp folder. */
import { createLog, type Log } from "../lib/action/log.ts";
import type { WandbRun } from "../lib/wandb/run.ts";
import {
  DEMO_API_KEY,
  demoWandbOptions,
} from "../testing/fake_wandb/sample_data.ts";
import {
  type FakeProject,
  type FakeWandb,
  startFakeWandb,
} from "../testing/fake_wandb/server.ts";

/**
 * Starts the fake W&B server with the demo project, its organisation and
 * model registry (or the given projects instead).
 */
export function startDemoWandb(
  projects?: FakeProject[],
  options: { onRequest?: (index: number, fake: FakeWandb) => void } = {},
): FakeWandb {
  return startFakeWandb({
    ...demoWandbOptions(),
    ...projects === undefined ? {} : { projects },
    apiKeys: [DEMO_API_KEY],
    ...options,
  });
}

/** A log that keeps every line it was given. */
export function captureLog(
  options: { debug?: boolean; githubActions?: boolean } = {},
): { log: Log; lines: string[] } {
  const lines: string[] = [];
  const log = createLog({
    write: (line) => lines.push(line),
    githubActions: options.githubActions ?? false,
    debug: options.debug ?? false,
    secrets: [DEMO_API_KEY],
  });
  return { log, lines };
}

/** A fresh temporary folder, removed by the returned function. */
export async function tempFolder(): Promise<
  { path: string; remove: () => Promise<void> }
> {
  const path = await Deno.makeTempDir({ prefix: "wandb-runs-test-" });
  return { path, remove: () => Deno.remove(path, { recursive: true }) };
}

/** Every file below a folder, as path to text. */
export async function readTree(
  folder: string,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const entry of Deno.readDir(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) Object.assign(files, await readTree(path));
    else files[path] = await Deno.readTextFile(path);
  }
  return files;
}

/** Reads a `$GITHUB_OUTPUT` file the way the runner does. */
export function readOutputsFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line === "") continue;
    const heredoc = line.match(/^([^=<]+)<<(.+)$/);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (index++; lines[index] !== delimiter; index++) {
        if (index >= lines.length) throw new Error(`unterminated ${name}`);
        value.push(lines[index]);
      }
      outputs[name] = value.join("\n");
    } else {
      const at = line.indexOf("=");
      outputs[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return outputs;
}

/** What a finished subprocess printed, decoded. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and decodes its output. */
export async function runCommand(
  program: string,
  options: Deno.CommandOptions,
): Promise<CommandResult> {
  const result = await new Deno.Command(program, options).output();
  const decoder = new TextDecoder();
  return {
    code: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

/** The outputs for the demo project, FILTER_GITHUB_SHA=DEMO_SHA, baselines ['baseline', 'reference']. */
export const DEMO_SHA_OUTPUTS: Readonly<Record<string, string>> = {
  BOOL_COMPLETE: "False",
  BOOL_SINGLE_RUN: "False",
  NUM_FINISHED: "3",
  NUM_RUNNING: "1",
  NUM_CRASHED: "1",
  NUM_ABORTED: "1",
  NUM_BASELINES: "3",
  NUM_CANDIDATES: "6",
  NUM_FAILED: "0",
  NUM_PENDING: "0",
  NUM_PREEMPTED: "0",
  NUM_UNKNOWN: "0",
  BOOL_PASSED: "True",
  GATE_FAILURES: "",
};

/** A finished run with no tags, config or summary, changed by `fields`. */
export function makeRun(
  fields: Partial<WandbRun> & { runId: string },
): WandbRun {
  return {
    displayName: fields.runId,
    state: "finished",
    tags: [],
    description: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    config: {},
    summary: {},
    ...fields,
  };
}
