/** action.yml, parsed, and its run: step executed the way the GitHub runner executes it. */
import { parse as parseYaml } from "yaml";
import { type CommandResult, runCommand } from "./_helpers.ts";

/** The repository's root folder. */
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** action.yml as text. */
export const ACTION_TEXT = await Deno.readTextFile(`${ROOT}/action.yml`);

/** One step of a composite action. */
export interface ActionStep {
  id?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}
/** The parts of action.yml the tests read. */
export interface Action {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string; description: string }>;
  runs: { using: string; steps: ActionStep[] };
}
/** action.yml, parsed. */
export const action = parseYaml(ACTION_TEXT) as Action;
/** The step that runs the CLI. */
export const runStep = action.runs.steps.find((step) =>
  step.run !== undefined
)!;

/** Runs action.yml's run: step as the runner would: bash -eo pipefail, env from env:. */
export async function runActionStep(
  inputs: Record<string, string>,
  workspace: string,
  runnerEnv: Record<string, string> = {},
): Promise<CommandResult> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: `${workspace}/github_output`,
    ...runnerEnv,
  };
  const denoDir = Deno.env.get("DENO_DIR");
  if (denoDir) env.DENO_DIR = denoDir;
  for (const [name, expression] of Object.entries(runStep.env!)) {
    const input = expression.match(/^\$\{\{ inputs\.(\w+) \}\}$/)![1];
    env[name] = inputs[input] ?? action.inputs[input].default ?? "";
  }
  await Deno.writeTextFile(env.GITHUB_OUTPUT, "");
  const script = `${workspace}/../step-${crypto.randomUUID()}.sh`;
  await Deno.writeTextFile(script, runStep.run!);
  try {
    return await runCommand("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", script],
      cwd: workspace,
      env,
      clearEnv: true,
    });
  } finally {
    await Deno.remove(script);
  }
}
