import assert from "node:assert/strict";
import {
  type RunNodeReader,
  runNodeReader,
  runNodeSchema,
  valueAt,
} from "../lib/wandb/run.ts";
import { UNKNOWN_STATE } from "../lib/wandb/run_state.ts";

/** A `Run` node as W&B sends it, changed by `fields`. */
function node(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "e6lo523p",
    displayName: "dashing-leaf-4",
    state: "finished",
    tags: ["baseline"],
    description: null,
    createdAt: "2026-08-01T12:00:00",
    config: JSON.stringify({ lr: { value: 0.1 }, _wandb: { value: {} } }),
    summaryMetrics: JSON.stringify({ acc: 0.9, eval: { f1: 0.8 } }),
    ...fields,
  };
}

/** The first issue's path and message, or `undefined` when the node is valid. */
function issue(fields: Record<string, unknown>) {
  const result = runNodeSchema.safeParse(node(fields));
  if (result.success) return undefined;
  const [{ path, message }] = result.error.issues;
  return { path: path.join("."), message };
}

Deno.test("a null state is the state unknown", () => {
  assert.equal(UNKNOWN_STATE, "unknown");
  assert.equal(runNodeSchema.parse(node({ state: null })).state, "unknown");
  assert.equal(
    runNodeSchema.parse(node({ state: "RUNNING" })).state,
    "running",
  );
});

Deno.test("a null config or summary reads as an empty object, as W&B's SDK reads it", () => {
  const run = runNodeSchema.parse(node({ config: null, summaryMetrics: null }));
  assert.deepEqual(run.config, {});
  assert.deepEqual(run.summary, {});
  const { summaryMetrics: _, ...unasked } = node();
  assert.deepEqual(runNodeSchema.parse(unasked).summary, {});
});

Deno.test("null tags, tag items, display name and description are read as nothing", () => {
  const run = runNodeSchema.parse(
    node({ tags: null, displayName: null, description: null }),
  );
  assert.deepEqual(run.tags, []);
  assert.equal(run.displayName, "e6lo523p");
  assert.equal(run.description, null);
  assert.deepEqual(
    runNodeSchema.parse(node({ tags: ["a", null, "b"] })).tags,
    ["a", "b"],
  );
});

Deno.test("everything else stays strict", async (t) => {
  await t.step("a run with no name", () => {
    assert.equal(issue({ name: undefined })?.path, "name");
    assert.equal(issue({ name: null })?.path, "name");
    assert.equal(issue({ name: "" })?.path, "name");
  });
  await t.step("a state that is not a non-empty string", () => {
    assert.equal(issue({ state: "" })?.path, "state");
    assert.equal(issue({ state: 3 })?.path, "state");
    assert.equal(issue({ state: undefined })?.path, "state");
  });
  await t.step("a config that is absent or not a JSON object", () => {
    assert.equal(issue({ config: undefined })?.path, "config");
    assert.deepEqual(issue({ config: "[1]" }), {
      path: "config",
      message: "expected config to be a JSON object in a string",
    });
    assert.deepEqual(issue({ summaryMetrics: "null" }), {
      path: "summaryMetrics",
      message: "expected summaryMetrics to be a JSON object in a string",
    });
  });
  await t.step("a tag that is not a string, a bad time", () => {
    assert.equal(issue({ tags: [1] })?.path, "tags.0");
    assert.equal(issue({ createdAt: "yesterday" })?.path, "createdAt");
  });
});

/** Every way of reading a node: the quick reader must be undefined or agree with the schema. */
function assertQuickAgrees(reader: RunNodeReader, raw: unknown, label: string) {
  const quick = reader.quick(raw);
  const result = reader.schema.safeParse(raw);
  if (quick !== undefined) {
    assert.ok(result.success, `${label}: quick read a node the schema refuses`);
    assert.deepEqual(quick, result.data, label);
  }
  return { quick, result };
}

Deno.test("the quick reader reads every usual node as the schema does", () => {
  const readers = [
    runNodeReader(),
    runNodeReader({ metrics: ["acc", "eval.f1"], configVars: ["lr"] }),
  ];
  const variants: Record<string, unknown>[] = [
    {},
    { state: null, tags: null, displayName: null, description: "a, b\n" },
    { state: "RUNNING", tags: ["a", null, "b"] },
    { config: null, summaryMetrics: null },
    { summaryMetrics: undefined },
    { createdAt: "2026-08-01T12:00:00.123Z" },
    { createdAt: "2026-08-01T12:00:00+02:00" },
    { createdAt: "2024-02-29T23:59:59" },
    { summaryMetrics: '{"acc": 12345678901234567890, "eval": {"f1": 1}}' },
    { config: '{"lr": {"value": 9007199254740993}, "_wandb": {"value": 1}}' },
    { extra: "ignored", commit: null },
  ];
  for (const reader of readers) {
    for (const fields of variants) {
      const label = JSON.stringify(fields);
      const { quick } = assertQuickAgrees(reader, node(fields), label);
      assert.notEqual(quick, undefined, `${label}: a usual node`);
    }
  }
  const nested = runNodeReader({ metrics: ["eval.f1"], configVars: [] }).quick(
    node({ summaryMetrics: '{"eval": {"f1": 12345678901234567890}}' }),
  );
  assert.equal(valueAt(nested!.summary, "eval.f1"), 12345678901234567890n);
});

Deno.test("the quick reader leaves every invalid node to the schema, which names the fault", () => {
  const reader = runNodeReader({ metrics: ["acc"], configVars: [] });
  const invalid: Record<string, unknown>[] = [
    { name: undefined },
    { name: "" },
    { name: 3 },
    { state: "" },
    { state: undefined },
    { displayName: undefined },
    { description: 1 },
    { tags: [1] },
    { tags: "a" },
    { tags: undefined },
    { createdAt: "yesterday" },
    { createdAt: "2025-02-30T00:00:00Zx" },
    { createdAt: null },
    { config: undefined },
    { config: "[1]" },
    { config: "{" },
    { summaryMetrics: "null" },
    { summaryMetrics: 3 },
  ];
  for (const fields of invalid) {
    const label = JSON.stringify(fields);
    const { quick, result } = assertQuickAgrees(reader, node(fields), label);
    assert.equal(quick, undefined, label);
    assert.equal(result.success, false, label);
  }
  for (const raw of [null, [], "run", 3]) {
    assert.equal(reader.quick(raw), undefined);
    assert.equal(reader.schema.safeParse(raw).success, false);
  }
});

Deno.test("W&B's time form reads as toISOString would, also for days that do not exist", () => {
  const times = [
    "2026-08-01T12:00:00",
    "2024-02-29T00:00:00",
    "2025-02-29T00:00:00",
    "2025-04-31T10:00:00",
    "2000-02-29T23:59:59",
    "1900-02-29T00:00:00",
    "0000-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "2025-01-01T24:00:00",
    "2025-01-01T23:60:00",
    "2025-13-01T00:00:00",
    "2025-00-10T00:00:00",
    "2025-01-00T00:00:00",
  ];
  for (const createdAt of times) {
    const time = Date.parse(`${createdAt}Z`);
    const result = runNodeSchema.safeParse(node({ createdAt }));
    if (Number.isNaN(time)) {
      assert.equal(result.success, false, createdAt);
    } else {
      assert.equal(
        result.success && result.data.createdAt,
        new Date(time).toISOString(),
        createdAt,
      );
    }
    assertQuickAgrees(runNodeReader(), node({ createdAt }), createdAt);
  }
});

Deno.test("a reader that keeps some values keeps what the CSV's look-up reaches, nothing else", () => {
  const reader = runNodeReader({
    metrics: ["eval.f1", "acc", "flat.key", "hist.0", "missing.path"],
    configVars: ["optimizer.lr", "layers", "_wandb"],
  });
  const run = reader.quick(node({
    summaryMetrics: JSON.stringify({
      acc: 0.9,
      loss: 0.1,
      eval: { f1: 0.8, recall: 0.7, deep: { x: 1 } },
      "flat.key": 5,
      flat: { key: 6, other: 7 },
      hist: [1, 2, 3],
      missing: 4,
    }),
    config: JSON.stringify({
      optimizer: { value: { lr: 0.01, name: "adam" } },
      layers: { desc: null, value: [64, 32] },
      seed: { value: 3 },
      _wandb: { value: { cli_version: "0.21.0" } },
    }),
  }))!;
  assert.deepEqual(run.summary, {
    acc: 0.9,
    eval: { f1: 0.8 },
    "flat.key": 5,
    flat: { key: 6 },
    hist: [1, 2, 3],
    missing: 4,
  });
  assert.deepEqual(run.config, { optimizer: { lr: 0.01 }, layers: [64, 32] });
});

Deno.test("a kept key named __proto__ stays an own value, not the object's prototype", () => {
  const reader = runNodeReader({ metrics: ["__proto__"], configVars: [] });
  const run = reader.quick(
    node({ summaryMetrics: '{"__proto__": {"polluted": 1}}' }),
  )!;
  assert.equal(Object.getPrototypeOf(run.summary), Object.prototype);
  assert.deepEqual(valueAt(run.summary, "__proto__"), { polluted: 1 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("valueAt prefers a flat key, else follows a dotted path", () => {
  const summary = { "eval.f1": 1, eval: { f1: 2, inner: { x: 3 } }, val: null };
  assert.equal(valueAt(summary, "eval.f1"), 1);
  assert.equal(valueAt({ eval: { f1: 2 } }, "eval.f1"), 2);
  assert.equal(valueAt(summary, "eval.inner.x"), 3);
  assert.equal(valueAt(summary, "eval.missing"), undefined);
  assert.equal(valueAt(summary, "val.x"), undefined);
  assert.equal(valueAt(summary, "toString"), undefined);
});
