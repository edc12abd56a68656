import assert from "node:assert/strict";
import { runNodeSchema, UNKNOWN_STATE } from "../lib/wandb_run.ts";

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
