/**
 * A run's metric history as W&B's `Run.sampledHistory(specs:)` serves it.
 *
 * W&B returns only the rows in which every key of a spec is present, so each
 * metric gets a spec of its own, `{"keys": ["_step", metric], "samples": N}`,
 * and the answer holds one list of rows per spec, in the specs' order. Rows
 * may come in any order and `_step` may arrive as a float: points are sorted
 * by step, and steps truncated to integers. Non-finite values arrive as the
 * strings `"NaN"`, `"Infinity"` and `"-Infinity"` and are kept as numbers, so
 * that a gate can see them; a row whose value is anything else (a histogram,
 * an image) is not a point of a curve and is left out.
 *
 * @module
 */

import { z } from "zod";

/** Points sampled per metric and run unless asked otherwise (`HISTORY_SAMPLES`, `history.samples`). */
export const DEFAULT_HISTORY_SAMPLES = 200;

/**
 * The samples one may ask for per metric and run: a curve needs two points;
 * W&B documents no cap, so 10,000 bounds an answer's size.
 */
export const HISTORY_SAMPLES_RANGE = { min: 2, max: 10_000 } as const;

/**
 * One point of a metric's history. The value may be NaN or ±Infinity, as W&B logs them.
 *
 * @example
 * ```ts
 * import type { HistoryPoint } from "@ml-review/wandb-runs";
 * import assert from "node:assert/strict";
 *
 * const points: HistoryPoint[] = [{ step: 0, value: 2.31 }, { step: 50, value: NaN }];
 * assert.ok(points.some(({ value }) => !Number.isFinite(value)));
 * ```
 */
export interface HistoryPoint {
  /** The step (`_step`), an integer. */
  step: number;
  /** The metric's value at that step. */
  value: number;
}

/**
 * The specs that sample `metrics`: one JSON text per metric, each keyed on
 * `_step` and the metric alone, so that a row missing another metric does
 * not hide this one's.
 *
 * @example
 * ```ts
 * import { historySpecs } from "./sampled_history.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(historySpecs(["loss", "val_loss"], 200), [
 *   '{"keys":["_step","loss"],"samples":200}',
 *   '{"keys":["_step","val_loss"],"samples":200}',
 * ]);
 * ```
 *
 * @param metrics The history keys.
 * @param samples The most points per metric.
 * @returns One spec per metric, in order.
 */
export function historySpecs(
  metrics: readonly string[],
  samples: number,
): string[] {
  return metrics.map((metric) =>
    JSON.stringify({ keys: ["_step", metric], samples })
  );
}

const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: NaN,
  Infinity: Infinity,
  "-Infinity": -Infinity,
};

const rowsSchema = z.array(
  z.array(z.record(z.string(), z.unknown()).nullable()).nullable(),
).nullable();

/**
 * Reads a `sampledHistory` answer for the specs of {@linkcode historySpecs}:
 * each metric's points, sorted by step. A null answer (a run without history)
 * gives no points; an answer that is not one list per spec is malformed.
 *
 * @example Steps as floats, rows out of order, W&B's "NaN"
 * ```ts
 * import { readSampledHistory } from "./sampled_history.ts";
 * import assert from "node:assert/strict";
 *
 * const history = readSampledHistory([
 *   [{ _step: 50.0, loss: 1.02 }, { _step: 0, loss: 2.31 }, { _step: 99, loss: "NaN" }],
 *   [{ _step: 0, val_loss: 2.4 }],
 * ], ["loss", "val_loss"]);
 * assert.deepEqual(history.get("loss"), [
 *   { step: 0, value: 2.31 }, { step: 50, value: 1.02 }, { step: 99, value: NaN },
 * ]);
 * assert.deepEqual(history.get("val_loss"), [{ step: 0, value: 2.4 }]);
 * ```
 *
 * @param answer The `sampledHistory` value of one run.
 * @param metrics The metrics the specs asked for, in the specs' order.
 * @returns Each metric's points.
 * @throws {TypeError} when the answer is not one list of rows per spec.
 */
export function readSampledHistory(
  answer: unknown,
  metrics: readonly string[],
): Map<string, HistoryPoint[]> {
  const parsed = rowsSchema.safeParse(answer);
  if (!parsed.success) {
    throw new TypeError(
      `expected a list of row lists, one per spec: ${
        parsed.error.issues[0].message
      } at ${["sampledHistory", ...parsed.error.issues[0].path].join(".")}`,
    );
  }
  const lists = parsed.data ?? [];
  if (parsed.data !== null && lists.length !== metrics.length) {
    throw new TypeError(
      `expected ${metrics.length} row lists (one per spec), got ${lists.length}`,
    );
  }
  return new Map(
    metrics.map((metric, index) => [metric, points(lists[index], metric)]),
  );
}

function points(
  rows: readonly (Record<string, unknown> | null)[] | null | undefined,
  metric: string,
): HistoryPoint[] {
  const read: HistoryPoint[] = [];
  for (const row of rows ?? []) {
    if (row === null) continue;
    const step = row._step;
    const value = numberOf(row[metric]);
    if (typeof step !== "number" || !Number.isFinite(step)) continue;
    if (value === undefined) continue;
    read.push({ step: Math.trunc(step), value });
  }
  return read.sort((a, b) => a.step - b.step);
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && Object.hasOwn(NON_FINITE, value)) {
    return NON_FINITE[value];
  }
  return undefined;
}
