/**
 * Training curves for the demo runs: deterministic histories that end exactly on a run's summary, with
 * losses that fall then flatten, accuracies that rise then flatten, a little noise, validation metrics logged
 * every other step, and optionally a validation loss that turns back up (an overfitting run).
 *
 * @module
 */

import { seededRandom } from "./_history.ts";

/** How one metric moves from its first to its last logged value. */
export interface MetricCurve {
  /** The value at step 0. */
  start: number;
  /** The value at the last step: the run's summary value, kept exactly. */
  final: number;
  /** Log the metric every `every` steps (and at the last step); every step when absent. */
  every?: number;
  /** Round values (all but the last) to multiples of this, e.g. `0.125` for accuracy on 8 examples. */
  quantum?: number;
  /**
   * Turn back at this fraction of the run: the curve reaches `turnValue` there, then moves to `final`
   * (a validation loss that rises again: the run overfits).
   */
  turnAt?: number;
  /** The value at `turnAt`. */
  turnValue?: number;
}

/** What to build a history from. */
export interface CurveHistoryOptions {
  /** The last step (the summary's `_step`); rows run from step 0 to it. */
  lastStep: number;
  /** The curves by metric key. */
  metrics: Record<string, MetricCurve>;
  /** The summary's `_runtime`: rows get a rising `_runtime` ending on it. */
  runtime: number;
  /** The summary's `_timestamp`, when it has one: rows then get `_timestamp` ending on it. */
  timestamp?: number;
  /** How fast curves settle: higher is faster; 6 when absent (flat for the last third or so). */
  rate?: number;
  /** Seeds the noise, e.g. the run id; the same seed gives the same history. */
  seed: string;
  /** Extra values logged at the last step only (e.g. a final evaluation). */
  lastRowExtras?: Record<string, unknown>;
}

/**
 * Builds a run's history: one row per step from 0 to `lastStep`, each with `_step`, `_runtime`, maybe
 * `_timestamp`, and the metrics logged at that step; the last row equals the summary values given.
 *
 * @param options The last step, the curves, the bookkeeping values and the noise seed.
 * @returns The rows, oldest first.
 */
export function curveHistory(
  options: CurveHistoryOptions,
): Record<string, unknown>[] {
  const { lastStep, runtime, timestamp, rate = 6 } = options;
  const noise = seededRandom(hashText(options.seed));
  const rows: Record<string, unknown>[] = [];
  for (let step = 0; step <= lastStep; step++) {
    const last = step === lastStep;
    const progress = lastStep === 0 ? 1 : step / lastStep;
    const elapsed = last
      ? runtime
      : round(runtime * (step + 1) / (lastStep + 1), 3);
    const row: Record<string, unknown> = { _step: step, _runtime: elapsed };
    if (timestamp !== undefined) {
      row._timestamp = last
        ? timestamp
        : round(timestamp - runtime + elapsed, 3);
    }
    for (const [key, curve] of Object.entries(options.metrics)) {
      const jitter = noise() * 2 - 1;
      if (!last && step % (curve.every ?? 1) !== 0) continue;
      row[key] = last ? curve.final : pointOf(curve, progress, rate, jitter);
    }
    if (last) Object.assign(row, options.lastRowExtras);
    rows.push(row);
  }
  return rows;
}

/** The value of a curve at `progress` (0 to 1), before the last step. */
function pointOf(
  curve: MetricCurve,
  progress: number,
  rate: number,
  jitter: number,
): number {
  const { start, final, turnAt, turnValue } = curve;
  let value: number;
  let span: number;
  if (turnAt !== undefined && turnValue !== undefined) {
    span = Math.abs(start - turnValue);
    value = progress <= turnAt
      ? turnValue + (start - turnValue) * settle(progress / turnAt, rate)
      : turnValue +
        (final - turnValue) * ((progress - turnAt) / (1 - turnAt)) ** 1.5;
  } else {
    span = Math.abs(start - final);
    value = final + (start - final) * settle(progress, rate);
  }
  value += jitter * 0.03 * span;
  if (curve.quantum !== undefined) {
    value = Math.round(value / curve.quantum) * curve.quantum;
  }
  const bounded = start <= 1 && final <= 1 && start >= 0 && final >= 0
    ? Math.min(1, Math.max(0, value))
    : value;
  return round(bounded, 6);
}

/** 1 at progress 0, 0 at progress 1, falling fast then flattening. */
function settle(progress: number, rate: number): number {
  return (Math.exp(-rate * progress) - Math.exp(-rate)) / (1 - Math.exp(-rate));
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** FNV-1a of a text, as a 32-bit seed. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (const char of text) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * A fake content digest (32 hex digits) derived from a label, so demo artifacts have stable, distinct digests.
 *
 * @param label Any text, e.g. `issues-train:v1`.
 * @returns 32 lowercase hex digits.
 */
export function fakeDigest(label: string): string {
  return [0, 1, 2, 3].map((round) =>
    hashText(`${round}:${label}`).toString(16).padStart(8, "0")
  ).join("");
}
