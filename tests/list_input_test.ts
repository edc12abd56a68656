import assert from "node:assert/strict";
import { InputError } from "../lib/errors.ts";
import { parseListInput } from "../lib/action/list_input.ts";

Deno.test("parseListInput reads every accepted spelling of a list", async (t) => {
  const cases: [string, string[]][] = [
    ["['acc', 'loss']", ["acc", "loss"]],
    ['["acc", "loss"]', ["acc", "loss"]],
    ["[ 'val/acc' , \"eval.f1\" , ]", ["val/acc", "eval.f1"]],
    ['[\'it\\\'s\', "say \\"hi\\""]', ["it's", 'say "hi"']],
    ['["caf\\u00e9"]', ["café"]],
    ["acc, loss", ["acc", "loss"]],
    ["acc\nloss\n", ["acc", "loss"]],
    ["baseline,reference,", ["baseline", "reference"]],
    ["val loss", ["val loss"]],
    ["[]", []],
    ["", []],
    ["   ", []],
  ];
  for (const [text, expected] of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.deepEqual(parseListInput("DISPLAY_METRICS", text), expected);
    });
  }
});

Deno.test("parseListInput refuses anything that is not a plain list", async (t) => {
  const malformed = [
    "__import__('os').system('id')",
    "['a'] + __import__('os').system('id')",
    "[__import__('os').system('id')]",
    "`id`",
    "$(id)",
    "acc; rm -rf /",
    "['acc', 3]",
    "[['acc']]",
    "['acc'",
    "['acc' 'loss']",
    "['acc', '']",
    "acc, 'loss'",
    "{'acc': 1}",
    "['a\\x41']",
  ];
  for (const text of malformed) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(
        () => parseListInput("BASELINE_TAGS", text),
        (error: unknown) =>
          error instanceof InputError && error.input === "BASELINE_TAGS" &&
          error.message.startsWith("BASELINE_TAGS: expected a list like"),
      );
    });
  }
});

Deno.test("parseListInput reads a YAML list written in a block scalar, one '- name' per line", async (t) => {
  const cases: [string, string[]][] = [
    ["- baseline\n- reference\n", ["baseline", "reference"]],
    ["  - baseline\n  - reference", ["baseline", "reference"]],
    ["- baseline\r\n- reference\r\n", ["baseline", "reference"]],
    ["- acc\n\n- loss\n", ["acc", "loss"]],
    ["- baseline", ["baseline"]],
    ["- val loss\n- eval.f1", ["val loss", "eval.f1"]],
    ["- 'val/acc'\n- \"it's\"", ["val/acc", "it's"]],
    ["-\tacc\n-  loss", ["acc", "loss"]],
  ];
  for (const [text, expected] of cases) {
    await t.step(JSON.stringify(text), () => {
      assert.deepEqual(parseListInput("BASELINE_TAGS", text), expected);
    });
  }
});

Deno.test("parseListInput refuses a '- ' list mixed with other forms, or items it cannot read plainly", async (t) => {
  const ambiguous = [
    "- baseline\nreference",
    "baseline\n- reference",
    "['baseline']\n- reference",
    "- baseline, reference",
    "baseline, - reference",
    "- baseline\n-",
    "- baseline\n- ",
    "- $(id)",
    "- __import__('os').system('id')",
    "- acc\n- $(touch MARKER)",
    "- `id`",
    "- ['a']",
    "- 'a' b",
    "- 'a",
  ];
  for (const text of ambiguous) {
    await t.step(JSON.stringify(text), () => {
      assert.throws(
        () => parseListInput("BASELINE_TAGS", text),
        (error: unknown) =>
          error instanceof InputError && error.input === "BASELINE_TAGS" &&
          error.message.startsWith("BASELINE_TAGS: expected a list like"),
      );
    });
  }
});
