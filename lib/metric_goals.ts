import { InputError } from "./errors.ts";
import { quoteForMessage } from "./_message.ts";

/** Which way a metric improves: `max` (higher is better) or `min`. */
export type Direction = "max" | "min";

/** A metric's direction, and whether it was inferred from the name. */
export interface MetricGoal {
  /** The metric name as in `DISPLAY_METRICS`. */
  metric: string;
  /** Which way it improves. */
  direction: Direction;
  /** `true` when guessed from the name rather than given in `METRIC_GOALS`. */
  inferred: boolean;
}

/** Name parts that mean lower is better. */
const LOWER_IS_BETTER = [
  "loss",
  "error",
  "err",
  "mse",
  "mae",
  "rmse",
  "perplexity",
  "wer",
  "cer",
  "latency",
  "time",
];

/**
 * Guesses a metric's direction from its name: a part of the name (split on
 * `_`, `/`, `.`, `-` and spaces) that is, or ends in, loss, error, err, mse,
 * mae, rmse, perplexity, wer, cer, latency or time means lower is better
 * (`val_loss`, `eval/rmse`, `runtime`); anything else, higher.
 *
 * @example
 * ```ts
 * import { inferDirection } from "./metric_goals.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inferDirection("val_loss"), "min");
 * assert.equal(inferDirection("val_acc"), "max");
 * ```
 *
 * @param metric The metric name.
 * @returns `min` or `max`.
 */
export function inferDirection(metric: string): Direction {
  const parts = metric.toLowerCase().split(/[_/.\-\s]+/);
  const lower = parts.some((part) =>
    LOWER_IS_BETTER.some((word) => part === word || part.endsWith(word))
  );
  return lower ? "min" : "max";
}

/**
 * Reads `METRIC_GOALS`: `name:max` or `name:min` entries separated by commas
 * or newlines, e.g. `val_acc:max, loss:min`.
 *
 * @param text The input's text; empty means none.
 * @returns Metric name to direction.
 * @throws {InputError} naming `METRIC_GOALS` for anything else.
 */
export function parseMetricGoals(text: string): Map<string, Direction> {
  const goals = new Map<string, Direction>();
  for (const entry of text.split(/[,\r\n]+/)) {
    const trimmed = entry.trim();
    if (trimmed === "") continue;
    const match = trimmed.match(/^(.+?)\s*:\s*(max|min)$/i);
    if (!match) {
      throw new InputError(
        "METRIC_GOALS",
        `expected entries like "val_acc:max, loss:min", got ${
          quoteForMessage(trimmed)
        }`,
      );
    }
    goals.set(match[1], match[2].toLowerCase() as Direction);
  }
  return goals;
}

/**
 * The goal of each displayed metric: from `METRIC_GOALS` when given there,
 * else inferred from its name.
 *
 * @param metrics The display metrics.
 * @param explicit Directions given by the user.
 * @returns One goal per metric, in order.
 * @throws {InputError} when `METRIC_GOALS` names a metric that is not displayed.
 */
export function metricGoals(
  metrics: readonly string[],
  explicit: ReadonlyMap<string, Direction> = new Map(),
): MetricGoal[] {
  for (const metric of explicit.keys()) {
    if (!metrics.includes(metric)) {
      throw new InputError(
        "METRIC_GOALS",
        `${
          quoteForMessage(metric)
        } is not one of DISPLAY_METRICS; add it there first`,
      );
    }
  }
  return metrics.map((metric) => {
    const given = explicit.get(metric);
    return given === undefined
      ? { metric, direction: inferDirection(metric), inferred: true }
      : { metric, direction: given, inferred: false };
  });
}
