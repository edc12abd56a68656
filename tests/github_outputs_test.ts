import assert from "node:assert/strict";
import { readOutputsFile } from "./_helpers.ts";
import {
  formatGithubOutputs,
  formatPlainOutputs,
} from "../lib/github/outputs.ts";

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
