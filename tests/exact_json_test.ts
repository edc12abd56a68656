import assert from "node:assert/strict";
import {
  hasUnsafeInteger,
  parseExactJson,
  stringifyExactJson,
} from "../lib/wandb/exact_json.ts";

/** The exact reading alone, as `parseExactJson` did before it had a quick path. */
function parseSlowly(text: string): unknown {
  return JSON.parse(
    text,
    ((_key: string, value: unknown, context?: { source?: string }) =>
      typeof value === "number" && !Number.isSafeInteger(value) &&
        /^-?\d+$/.test(context?.source ?? "")
        ? BigInt(context!.source!)
        : value) as (key: string, value: unknown) => unknown,
  );
}

/** A page of W&B summaries as JSON text: realistic floats, nested objects, lists. */
function summaryPage(runs: number, extra: (run: number) => string = () => "") {
  const summaries = Array.from(
    { length: runs },
    (_, run) =>
      `{"acc": ${0.8 + run / 1e5}, "loss": ${1 / (run + 3)}, "_step": ${
        run * 1000
      }, "_timestamp": 1767225600.123456, "eval": {"f1": ${
        0.7 + run / 3e5
      }, "hist": [1, 2.5, -3e-7, 1e21]}, "name": "run-${run} 12345678901234567890"${
        extra(run)
      }}`,
  );
  return `[${summaries.join(", ")}]`;
}

Deno.test("the quick reading and the exact reading agree on a page without unsafe integers", () => {
  const text = summaryPage(200);
  const value = parseExactJson(text);
  assert.deepEqual(value, parseSlowly(text));
  assert.deepEqual(value, JSON.parse(text));
});

Deno.test("a page with one unsafe integer is read exactly, every other value the same", () => {
  const text = summaryPage(
    200,
    (run) => run === 137 ? `, "seed": 12345678901234567890` : "",
  );
  const value = parseExactJson(text) as Record<string, unknown>[];
  assert.deepEqual(value, parseSlowly(text));
  assert.equal(value[137].seed, 12345678901234567890n);
  assert.equal(value[136].seed, undefined);
  assert.equal(stringifyExactJson(value[137].seed), "12345678901234567890");
});

Deno.test("integers just past 2^53, negative ones and ones deep in lists stay exact", async (t) => {
  const cases: [string, unknown][] = [
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", 9007199254740992n],
    ["9007199254740993", 9007199254740993n],
    ["-9007199254740993", -9007199254740993n],
    ['{"a": [[{"b": 123456789012345678901234567890}]]}', {
      a: [[{ b: 123456789012345678901234567890n }]],
    }],
  ];
  for (const [text, expected] of cases) {
    await t.step(text, () => {
      assert.deepEqual(parseExactJson(text), expected);
      assert.deepEqual(parseExactJson(text), parseSlowly(text));
    });
  }
});

Deno.test("large numbers that are not integer literals stay numbers, as JSON.parse reads them", () => {
  for (
    const text of ["1e21", "12345678901234567890.5", "-1.5e300", "[1E400]"]
  ) {
    assert.deepEqual(parseExactJson(text), JSON.parse(text), text);
    assert.deepEqual(parseExactJson(text), parseSlowly(text), text);
  }
});

Deno.test("with pick, only the part kept is checked, and it stays exact", () => {
  const text =
    '{"acc": 0.9, "seed": 12345678901234567890, "eval": {"step": 9007199254740993}}';
  const keepAcc = (value: unknown) => ({
    acc: (value as { acc: number }).acc,
  });
  assert.deepEqual(parseExactJson(text, keepAcc), { acc: 0.9 });
  const keepEval = (value: unknown) => ({
    eval: (value as { eval: unknown }).eval,
  });
  assert.deepEqual(parseExactJson(text, keepEval), {
    eval: { step: 9007199254740993n },
  });
});

Deno.test("text that is not JSON is a SyntaxError either way", () => {
  assert.throws(() => parseExactJson("{"), SyntaxError);
  assert.throws(() => parseExactJson('{"a": 1} x'), SyntaxError);
});

Deno.test("hasUnsafeInteger finds an unsafe integer at any depth, and nothing else", () => {
  assert.equal(hasUnsafeInteger(2 ** 53), true);
  assert.equal(hasUnsafeInteger(-(2 ** 53)), true);
  assert.equal(hasUnsafeInteger(1e300), true);
  assert.equal(hasUnsafeInteger({ a: [{ b: [2 ** 60] }] }), true);
  assert.equal(hasUnsafeInteger(2 ** 53 - 1), false);
  assert.equal(hasUnsafeInteger(1.5), false);
  assert.equal(hasUnsafeInteger(Infinity), false);
  assert.equal(hasUnsafeInteger(["12345678901234567890", null, true]), false);
});
