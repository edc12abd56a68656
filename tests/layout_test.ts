/**
 * The layout's promise: only the action's layer (`lib/action/`, `cli.ts`)
 * knows the action's input names; the domain modules speak of their own
 * values.
 */
import assert from "node:assert/strict";
import { INPUT_NAMES } from "../lib/action/inputs.ts";

const LIB = new URL("../lib/", import.meta.url);

/** Every `.ts` file below `lib/`, as a path relative to it. */
function libFiles(folder = LIB, prefix = ""): string[] {
  return [...Deno.readDirSync(folder)].flatMap((entry) =>
    entry.isDirectory
      ? libFiles(new URL(`${entry.name}/`, folder), `${prefix}${entry.name}/`)
      : entry.name.endsWith(".ts")
      ? [`${prefix}${entry.name}`]
      : []
  );
}

/** The code of a file without its comments: what can reach a message. */
function codeOf(text: string): string {
  return text.split("\n").filter((line) => !/^\s*(\*|\/\*\*|\/\/)/.test(line))
    .join("\n");
}

Deno.test("no domain module names an action input in its code", () => {
  const named = new RegExp(`\\b(${INPUT_NAMES.join("|")})\\b`, "g");
  const found: string[] = [];
  for (const path of libFiles()) {
    if (path.startsWith("action/")) continue;
    const code = codeOf(Deno.readTextFileSync(new URL(path, LIB)));
    for (const [name] of code.matchAll(named)) {
      // GitHub's own name for the workflow's token, not this action's input.
      if (name === "GITHUB_TOKEN" && path.startsWith("github/")) continue;
      found.push(`${path}: ${name}`);
    }
  }
  assert.deepEqual(found, []);
});

Deno.test("the action's inputs do not pull in the pull request comment client", () => {
  const inputs = Deno.readTextFileSync(new URL("action/inputs.ts", LIB));
  assert.doesNotMatch(inputs, /pr_comment\.ts/);
});
