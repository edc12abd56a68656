import { breakLegacyCommands } from "../_message.ts";

/**
 * Formats step outputs for the file named by `$GITHUB_OUTPUT`, each as
 * `NAME<<DELIMITER` / value / `DELIMITER` with a fresh random delimiter, so
 * that no value, whatever it holds, can end its block early and set another
 * output.
 *
 * @example
 * ```ts
 * import { formatGithubOutputs } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * // A fixed delimiter, to show the form; in real use leave it out, for a random one.
 * const text = formatGithubOutputs({ NUM_FINISHED: "2" }, () => "ghadelimiter_1");
 * assert.equal(text, "NUM_FINISHED<<ghadelimiter_1\n2\nghadelimiter_1\n");
 * // in real use: await Deno.writeTextFile(Deno.env.get("GITHUB_OUTPUT")!, text, { append: true });
 * ```
 *
 * @param outputs Output name to value.
 * @param newDelimiter Makes a delimiter; random by default.
 * @returns The text to append to `$GITHUB_OUTPUT`.
 */
export function formatGithubOutputs(
  outputs: Record<string, string>,
  newDelimiter: () => string = () => `ghadelimiter_${crypto.randomUUID()}`,
): string {
  let text = "";
  for (const [name, value] of Object.entries(outputs)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      throw new TypeError(`Cannot write output "${name}": not a valid name`);
    }
    const delimiter = newDelimiter();
    if (value.includes(delimiter)) {
      throw new TypeError(
        `Cannot write output "${name}": its value holds the delimiter`,
      );
    }
    text += `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }
  return text;
}

/**
 * Formats outputs as `NAME=value` lines, for logs and CI systems other than
 * GitHub Actions (GitLab's dotenv reports read this form). Line breaks in a
 * value are written as `\n` (a lone CR, which log readers also take for a
 * line end, as `\r`) so that each output stays on one line, and `##[` /
 * `##vso[`, which GitHub's runner and Azure Pipelines obey anywhere in a
 * line, as `# #[` / `# #vso[`.
 *
 * @example
 * ```ts
 * import { formatPlainOutputs } from "@ml-review/wandb-runs/github";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   formatPlainOutputs({ GATE_FAILURES: "a\nb\r##[set-output name=x;]1" }),
 *   "GATE_FAILURES=a\\nb\\r# #[set-output name=x;]1\n",
 * );
 * ```
 *
 * @param outputs Output name to value.
 * @returns The lines, each ending in `\n`.
 */
export function formatPlainOutputs(outputs: Record<string, string>): string {
  return Object.entries(outputs).map(([name, value]) =>
    `${name}=${
      breakLegacyCommands(
        value.replace(/\r?\n/g, "\\n").replace(/\r/g, "\\r"),
      )
    }\n`
  ).join("");
}

/**
 * Appends outputs to the file named by `$GITHUB_OUTPUT`, in one write, in the
 * form of {@linkcode formatGithubOutputs}.
 *
 * @param path The `$GITHUB_OUTPUT` file.
 * @param outputs Output name to value.
 */
export async function writeGithubOutputs(
  path: string,
  outputs: Record<string, string>,
): Promise<void> {
  await Deno.writeTextFile(path, formatGithubOutputs(outputs), {
    append: true,
  });
}
