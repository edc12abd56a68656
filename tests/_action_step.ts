/** action.yml, parsed, and its run: step executed the way the GitHub runner executes it. */
import { parse as parseYaml } from "yaml";
import { type CommandResult, runCommand } from "./_helpers.ts";

/** The repository's root folder. */
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** The Deno version the action pins, from `.dvmrc`. */
export const DENO_VERSION = (await Deno.readTextFile(`${ROOT}/.dvmrc`)).trim();
/** action.yml as text. */
export const ACTION_TEXT = await Deno.readTextFile(`${ROOT}/action.yml`);

/** One step of a composite action. */
export interface ActionStep {
  id?: string;
  uses?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
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
export const runStep = action.runs.steps.find((step) => step.id === "report")!;
/** The step that reads the pinned Deno version and the lockfile's hash. */
export const pinStep = action.runs.steps.find((step) => step.id === "deno")!;
/** The step that installs Deno. */
export const setupStep = action.runs.steps.find((step) =>
  step.uses?.startsWith("denoland/setup-deno@")
)!;

/** Environment variables that say how this machine reaches the network. */
const NETWORK_SETTINGS = [
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "DENO_CERT",
  "DENO_TLS_CA_STORE",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "NPM_CONFIG_REGISTRY",
];

/** The Deno cache the developer's tests use: `$DENO_DIR`, else Deno's default. */
export function developerDenoDir(): string {
  return Deno.env.get("DENO_DIR") ??
    `${Deno.env.get("HOME") ?? ""}/.cache/deno`;
}

/** How to run a step beyond its inputs. */
export interface StepOptions {
  /** `runner.temp`; a fresh folder by default. */
  runnerTemp?: string;
  /**
   * Use the Deno cache action.yml names (under `runner.temp`, empty on a
   * fresh runner). Off by default: tests use the developer's cache, so that
   * they do not download.
   */
  coldCache?: boolean;
}

/**
 * The value of one `env:` entry: `${{ inputs.X }}` is the input (or its
 * default), `${{ runner.temp }}` the runner's temporary folder.
 */
function evaluate(
  expression: string,
  inputs: Record<string, string>,
  runnerTemp: string,
): string {
  const input = expression.match(/^\$\{\{ inputs\.(\w+) \}\}$/)?.[1];
  if (input !== undefined) {
    return inputs[input] ?? action.inputs[input].default ?? "";
  }
  const rest = expression.match(/^\$\{\{ runner\.temp \}\}(.*)$/)?.[1];
  if (rest !== undefined) return `${runnerTemp}${rest}`;
  throw new Error(`The test runner cannot evaluate ${expression}`);
}

/** Runs one of action.yml's run: steps as the runner would: bash -eo pipefail, env from env:. */
export async function runStepScript(
  step: ActionStep,
  env: Record<string, string>,
  cwd: string,
): Promise<CommandResult> {
  const script = `${cwd}/../step-${crypto.randomUUID()}.sh`;
  await Deno.writeTextFile(script, step.run!);
  try {
    return await runCommand("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", script],
      cwd,
      env,
      clearEnv: true,
    });
  } finally {
    await Deno.remove(script);
  }
}

/** Runs action.yml's report step as the runner would: bash -eo pipefail, env from env:. */
export async function runActionStep(
  inputs: Record<string, string>,
  workspace: string,
  runnerEnv: Record<string, string> = {},
  options: StepOptions = {},
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
  // The machine's own network settings (its CA certificates, a proxy), as a
  // runner has them: a cold cache downloads packages through them.
  for (const name of NETWORK_SETTINGS) {
    const value = Deno.env.get(name);
    if (value !== undefined && !(name in runnerEnv)) env[name] = value;
  }
  const runnerTemp = options.runnerTemp ?? `${workspace}/../runner-temp`;
  for (const [name, expression] of Object.entries(runStep.env!)) {
    env[name] = evaluate(expression, inputs, runnerTemp);
  }
  if (!options.coldCache) env.DENO_DIR = developerDenoDir();
  await Deno.writeTextFile(env.GITHUB_OUTPUT, "");
  return await runStepScript(runStep, env, workspace);
}
