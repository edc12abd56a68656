/**
 * Did a training curve converge? A metric's history, read as a curve over
 * the steps, converged when it improved clearly and then stopped moving.
 *
 * The rule: sort the points by step and read the values so that lower is
 * better (a `max` metric's values negated). Its *start* is the first value;
 * its *end* is the mean of its last quarter, the last ⌈n/4⌉ points; its
 * *improvement* is start − end. Fit a least-squares line to the last
 * quarter: its *drift* is the line's change over the quarter's steps, and its
 * *swing* is four standard deviations of the quarter's values around the
 * line, the width of the band that holds 95% of normal noise (about the
 * max − min of 25 noisy points, but not growing with the number of points).
 * The curve converged when each of these holds, checked in this order, the
 * first that fails giving the reason:
 *
 * 1. every value is a finite number ("has a NaN at step 40");
 * 2. it has at least 10 points ("has only 3 points; at least 10 are needed");
 * 3. not every value is the same ("is flat from the start (every value 0.693)");
 * 4. it got better by more than its swing; else, when it got worse by more
 *    than its swing, it "is rising" (a `max` metric "is falling"), and
 *    otherwise it "swings without a net improvement", as an oscillating or
 *    a noisy flat curve does;
 * 5. its drift is at most 10% of its improvement ("is still falling at the
 *    end", or "is rising again at the end");
 * 6. its swing is at most 25% of its improvement ("is not settled at the
 *    end");
 * 7. its improvement is at least half of its best one, start − the best
 *    value, so that it did not give most of its gain back ("gives back most
 *    of its fall").
 *
 * The start is the first value, not the first quarter's mean: a curve that
 * falls fast spends most of its first quarter near its floor already. The
 * rule compares differences of values with each other only, so a curve
 * multiplied by a positive number or shifted by any constant gets the same
 * verdict. It accepts an exponential fall to a floor whose noise has a
 * standard deviation of up to about 4% of the fall (for 100 points or more;
 * short curves need less noise) and refuses one with 20%. The thresholds are
 * {@linkcode CONVERGENCE_RULE}.
 *
 * @example A loss that fell and flattened, and one still falling
 * ```ts
 * import { convergenceProblem } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const steps = Array.from({ length: 40 }, (_, step) => step);
 * const settled = steps.map((step) => ({ step, value: 0.3 + 2 * Math.exp(-step / 4) }));
 * assert.equal(convergenceProblem(settled, "min"), undefined);
 * const falling = steps.map((step) => ({ step, value: 2 - step / 20 }));
 * assert.match(convergenceProblem(falling, "min")!, /^is still falling at the end/);
 * ```
 *
 * @module
 */

import type { Direction } from "./metric_goals.ts";
import type { HistoryPoint } from "../wandb/sampled_history.ts";

/**
 * The rule's thresholds, exported so the README and tests quote them.
 *
 * @example Quote the rule
 * ```ts
 * import { CONVERGENCE_RULE } from "./convergence.ts";
 * import assert from "node:assert/strict";
 *
 * const { minPoints, maxTailDrift, maxTailSwing } = CONVERGENCE_RULE;
 * assert.equal(
 *   `at least ${minPoints} points; a last quarter that moves by at most ${maxTailDrift * 100}% ` +
 *     `and swings over at most ${maxTailSwing * 100}% of the improvement`,
 *   "at least 10 points; a last quarter that moves by at most 10% and swings over at most 25% of the improvement",
 * );
 * ```
 */
export const CONVERGENCE_RULE: {
  /** The fewest points a curve needs to be judged. */
  readonly minPoints: number;
  /** The share of the points, at the end, that must have settled (rounded up). */
  readonly tailFraction: number;
  /** The most the last part's least-squares line may move, as a share of the improvement. */
  readonly maxTailDrift: number;
  /** How many standard deviations of the last part around its line make its swing. */
  readonly swingDeviations: number;
  /** The largest swing of the last part, as a share of the improvement. */
  readonly maxTailSwing: number;
  /** The least share of its best improvement (start − best value) a curve must keep at its end. */
  readonly minKeptImprovement: number;
} = Object.freeze({
  minPoints: 10,
  tailFraction: 0.25,
  maxTailDrift: 0.1,
  swingDeviations: 4,
  maxTailSwing: 0.25,
  minKeptImprovement: 0.5,
});

/**
 * Why a curve did not converge: a short phrase for a gate message (no run or metric name in it), e.g. "is flat from the start (every value 0.69)".
 *
 * The rule is the module's ({@linkcode CONVERGENCE_RULE} holds its
 * thresholds). Numbers in the phrase have 3 significant digits; values are
 * in the metric's units, whatever its direction.
 *
 * @example A NaN, a curve too short, and an accuracy that fell
 * ```ts
 * import { convergenceProblem } from "@ml-review/wandb-runs/review";
 * import assert from "node:assert/strict";
 *
 * const curve = (values: number[]) => values.map((value, index) => ({ step: 10 * index, value }));
 * assert.equal(convergenceProblem(curve([2.3, 1.1, NaN, 0.7]), "min"), "has a NaN at step 20");
 * assert.equal(
 *   convergenceProblem(curve([2.3, 1.1, 0.7]), "min"),
 *   "has only 3 points; at least 10 are needed",
 * );
 * const accuracy = curve([0.9, 0.88, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4]);
 * assert.equal(
 *   convergenceProblem(accuracy, "max"),
 *   "is falling: its last quarter averages 0.45 against 0.9 at its start",
 * );
 * ```
 *
 * @param points The metric's history, in any order.
 * @param direction Which way the metric improves.
 * @returns `undefined` when the curve converged, else why not.
 * @throws {RangeError} when a point's step is not a finite number.
 */
export function convergenceProblem(
  points: readonly HistoryPoint[],
  direction: Direction,
): string | undefined {
  for (const { step } of points) {
    if (!Number.isFinite(step)) {
      throw new RangeError(
        `Cannot judge a curve's convergence: a point's step is ${step}; steps must be finite numbers`,
      );
    }
  }
  const sorted = points.toSorted((a, b) => a.step - b.step);
  const bad = sorted.find(({ value }) => !Number.isFinite(value));
  if (bad !== undefined) {
    const what = Number.isNaN(bad.value) ? "a NaN" : String(bad.value);
    return `has ${what} at step ${bad.step}`;
  }
  const { minPoints } = CONVERGENCE_RULE;
  if (sorted.length < minPoints) {
    const count = sorted.length === 0
      ? "no points"
      : `only ${sorted.length} point${sorted.length === 1 ? "" : "s"}`;
    return `has ${count}; at least ${minPoints} are needed`;
  }
  if (sorted.every(({ value }) => value === sorted[0].value)) {
    return `is flat from the start (every value ${short(sorted[0].value)})`;
  }
  return shapeProblem(sorted, direction);
}

/** The checks of the curve's shape, 4 to 7 of the rule, on a sorted curve of enough finite values. */
function shapeProblem(
  sorted: readonly HistoryPoint[],
  direction: Direction,
): string | undefined {
  // Oriented values: lower is better whatever the direction.
  const sign = direction === "min" ? 1 : -1;
  const oriented = sorted.map(({ value }) => sign * value);
  const tailLength = Math.ceil(sorted.length * CONVERGENCE_RULE.tailFraction);
  const tail = sorted.slice(-tailLength);
  const { end, drift, swing } = tailLine(
    tail.map(({ step }) => step),
    oriented.slice(-tailLength),
  );
  const start = oriented[0];
  const improvement = start - end;
  const words = direction === "min"
    ? { better: "falling", worse: "rising", gain: "fall" }
    : { better: "rising", worse: "falling", gain: "rise" };
  const averages = `its last quarter averages ${short(sign * end)} against ${
    short(sign * start)
  } at its start`;
  if (improvement <= swing) {
    return -improvement > swing
      ? `is ${words.worse}: ${averages}`
      : `swings without a net improvement: ${averages}, and swings over ${
        short(swing)
      }`;
  }
  const ofWhole = (amount: number) =>
    `${
      Math.round((100 * amount) / improvement)
    }% of its whole ${words.gain} of ${short(improvement)}`;
  if (Math.abs(drift) > CONVERGENCE_RULE.maxTailDrift * improvement) {
    const still = drift < 0 ? `still ${words.better}` : `${words.worse} again`;
    return `is ${still} at the end: by ${
      short(Math.abs(drift))
    } over its last quarter, ${ofWhole(Math.abs(drift))}`;
  }
  if (swing > CONVERGENCE_RULE.maxTailSwing * improvement) {
    return `is not settled at the end: its last quarter swings over ${
      short(swing)
    } around its trend, ${ofWhole(swing)}`;
  }
  const bestIndex = oriented.reduce(
    (best, value, index) => value < oriented[best] ? index : best,
    0,
  );
  const bestImprovement = start - oriented[bestIndex];
  if (improvement < CONVERGENCE_RULE.minKeptImprovement * bestImprovement) {
    return `gives back most of its ${words.gain}: it reached ${
      short(sorted[bestIndex].value)
    } at step ${sorted[bestIndex].step}, but ${averages}`;
  }
  return undefined;
}

/**
 * The last part of a curve against its least-squares line: the mean value,
 * the line's change from the first step to the last, and four standard
 * deviations of the values around the line. When every point has the same
 * step, the line is flat.
 */
function tailLine(
  steps: readonly number[],
  values: readonly number[],
): { end: number; drift: number; swing: number } {
  const count = values.length;
  const meanStep = steps.reduce((sum, step) => sum + step, 0) / count;
  const end = values.reduce((sum, value) => sum + value, 0) / count;
  let stepSquares = 0;
  let products = 0;
  steps.forEach((step, index) => {
    stepSquares += (step - meanStep) ** 2;
    products += (step - meanStep) * (values[index] - end);
  });
  const slope = stepSquares === 0 ? 0 : products / stepSquares;
  const squares = values.reduce(
    (sum, value, index) =>
      sum + (value - (end + slope * (steps[index] - meanStep))) ** 2,
    0,
  );
  return {
    end,
    drift: slope * (steps[count - 1] - steps[0]),
    swing: CONVERGENCE_RULE.swingDeviations * Math.sqrt(squares / count),
  };
}

/** A number to 3 significant digits, without trailing zeros: 0.6931 → "0.693", 12345 → "12300". */
function short(value: number): string {
  return String(Number(value.toPrecision(3)));
}
