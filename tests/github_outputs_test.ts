import assert from "node:assert/strict";
import {
  formatGithubOutputs,
  formatPlainOutputs,
} from "../lib/github_outputs.ts";

/** Reads a GITHUB_OUTPUT file the way the runner does. */
function readOutputsFile(text: string): Record<string, string> {
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

Deno.test("outputs use fresh random delimiters so a value cannot inject another output", () => {
  const hostile =
    "x\nghadelimiter_guess\nNUM_FINISHED=999\n::set-output name=a::b";
  const text = formatGithubOutputs({
    GATE_FAILURES: hostile,
    NUM_FINISHED: "2",
  });
  const delimiters = [...text.matchAll(/<<(.+)\n/g)].map((match) => match[1]);
  assert.equal(delimiters.length, 2);
  assert.notEqual(delimiters[0], delimiters[1]);
  assert.match(delimiters[0], /^ghadelimiter_[0-9a-f-]{36}$/);
  assert.deepEqual(readOutputsFile(text), {
    GATE_FAILURES: hostile,
    NUM_FINISHED: "2",
  });
});

Deno.test("a value holding the delimiter is refused", () => {
  assert.throws(
    () => formatGithubOutputs({ A: "ghadelimiter_1" }, () => "ghadelimiter_1"),
    /its value holds the delimiter/,
  );
});

Deno.test("plain outputs are NAME=value lines, one per output", () => {
  assert.equal(
    formatPlainOutputs({ BOOL_COMPLETE: "True", LIST: "a\nb" }),
    "BOOL_COMPLETE=True\nLIST=a\\nb\n",
  );
});
