/**
 * The review's inputs read from the action's text: `THRESHOLDS`,
 * `REGRESSION_TOLERANCE`, `METRIC_GOALS` and `BASELINE_AGGREGATE`. Each
 * error names its input.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { BaselineAggregate } from "../review/baseline_comparison.ts";
import type { Threshold, Tolerance } from "../review/gates.ts";
import type { Direction } from "../review/metric_goals.ts";
import { quoteForMessage } from "../_message.ts";

/**
 * Reads `THRESHOLDS`: `metric>=number` entries separated by commas or
 * newlines (`>=`, `>`, `<=`, `<`, `==`).
 *
 * @example
 * ```ts
 * import { parseThresholds } from "./parse_review.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseThresholds("val_acc>=0.9, loss<=0.35"), [
 *   { metric: "val_acc", operator: ">=", value: 0.9 },
 *   { metric: "loss", operator: "<=", value: 0.35 },
 * ]);
 * ```
 *
 * @param text The input's text; empty means none.
 * @returns The thresholds.
 * @throws {InputError} naming `THRESHOLDS` for an entry that is not a bound.
 */
export function parseThresholds(text: string): Threshold[] {
  return entriesOf(text).map((entry) => {
    const match = entry.match(/^([^<>=]+?)\s*(>=|<=|==|>|<)\s*(\S+)$/);
    const value = match ? Number(match[3]) : NaN;
    if (!match || !Number.isFinite(value)) {
      throw new InputError(
        "THRESHOLDS",
        `expected entries like "val_acc>=0.9, loss<=0.35", got ${
          quoteForMessage(entry)
        }`,
      );
    }
    return {
      metric: match[1],
      operator: match[2] as Threshold["operator"],
      value,
    };
  });
}

/**
 * Reads `REGRESSION_TOLERANCE`: an absolute amount (`0.01`) or a percentage
 * of the baseline (`2%`); empty means 0.
 *
 * @example
 * ```ts
 * import { parseTolerance } from "./parse_review.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseTolerance("2%"), { kind: "relative", value: 0.02 });
 * ```
 *
 * @param text The input's text.
 * @returns The tolerance.
 * @throws {InputError} naming `REGRESSION_TOLERANCE` for anything else.
 */
export function parseTolerance(text: string): Tolerance {
  const trimmed = text.trim();
  if (trimmed === "") return { kind: "absolute", value: 0 };
  const percent = trimmed.endsWith("%");
  const value = Number(percent ? trimmed.slice(0, -1) : trimmed);
  if (trimmed === "%" || !Number.isFinite(value) || value < 0) {
    throw new InputError(
      "REGRESSION_TOLERANCE",
      `expected a non-negative number or percentage like 0.01 or 2%, got ${
        quoteForMessage(text)
      }`,
    );
  }
  return percent
    ? { kind: "relative", value: value / 100 }
    : { kind: "absolute", value };
}

/**
 * Reads `METRIC_GOALS`: `name:max` or `name:min` entries separated by commas
 * or newlines, e.g. `val_acc:max, loss:min`.
 *
 * @example
 * ```ts
 * import { parseMetricGoals } from "./parse_review.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parseMetricGoals("val_acc:max, loss : MIN"), new Map([
 *   ["val_acc", "max"],
 *   ["loss", "min"],
 * ]));
 * ```
 *
 * @param text The input's text; empty means none.
 * @returns Metric name to direction.
 * @throws {InputError} naming `METRIC_GOALS` for anything else.
 */
export function parseMetricGoals(text: string): Map<string, Direction> {
  const goals = new Map<string, Direction>();
  for (const entry of entriesOf(text)) {
    const match = entry.match(/^(.+?)\s*:\s*(max|min)$/i);
    if (!match) {
      throw new InputError(
        "METRIC_GOALS",
        `expected entries like "val_acc:max, loss:min", got ${
          quoteForMessage(entry)
        }`,
      );
    }
    goals.set(match[1], match[2].toLowerCase() as Direction);
  }
  return goals;
}

/**
 * Checks that `METRIC_GOALS` names only metrics that are shown or judged:
 * a direction for any other would go unused.
 *
 * @param goals The directions given, from {@linkcode parseMetricGoals}.
 * @param metrics The display metrics and the `FAIL_ON_REGRESSION` ones.
 * @throws {InputError} naming `METRIC_GOALS` and the first metric that is neither.
 */
export function checkGoalsNamed(
  goals: ReadonlyMap<string, Direction>,
  metrics: readonly string[],
): void {
  const unknown = [...goals.keys()].find((metric) => !metrics.includes(metric));
  if (unknown !== undefined) {
    throw new InputError(
      "METRIC_GOALS",
      `${
        quoteForMessage(unknown)
      } is not one of DISPLAY_METRICS; add it there first`,
    );
  }
}

/** Every `BASELINE_AGGREGATE` word, the default first. */
const BASELINE_AGGREGATES: readonly BaselineAggregate[] = [
  "best",
  "mean",
  "latest",
  "production",
];

/**
 * Reads `BASELINE_AGGREGATE`: `best` (default), `mean`, `latest` or
 * `production` (the run behind `BASELINE_ARTIFACT` alone; whether that is
 * set is checked where both inputs are known).
 *
 * @example
 * ```ts
 * import { parseBaselineAggregate } from "./parse_review.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseBaselineAggregate(""), "best");
 * assert.equal(parseBaselineAggregate("Production"), "production");
 * ```
 *
 * @param text The input's text.
 * @returns The aggregate.
 * @throws {InputError} naming `BASELINE_AGGREGATE` for anything else.
 */
export function parseBaselineAggregate(text: string): BaselineAggregate {
  const word = text.trim().toLowerCase();
  if (word === "") return BASELINE_AGGREGATES[0];
  const aggregate = BASELINE_AGGREGATES.find((each) => each === word);
  if (aggregate !== undefined) return aggregate;
  throw new InputError(
    "BASELINE_AGGREGATE",
    `expected best, mean, latest or production, got ${quoteForMessage(text)}`,
  );
}

/** The entries of comma- or newline-separated text, trimmed, empty ones left out. */
function entriesOf(text: string): string[] {
  return text.split(/[,\r\n]+/).map((entry) => entry.trim()).filter((entry) =>
    entry !== ""
  );
}
