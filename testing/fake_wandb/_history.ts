/**
 * Metric history as W&B serves it through `Run.sampledHistory(specs:)` and `Run.historyKeys`.
 *
 * A spec is JSON text `{"keys": [...], "samples": N, "minStep"?: int, "maxStep"?: int}`; it returns only the
 * rows in which every key is present, each row cut down to the spec's keys, `maxStep` inclusive. More rows than
 * `samples` are randomly sampled (endpoints not kept on purpose), and rows come back shuffled, because W&B
 * neither promises to keep the first or last row nor documents the row order: a client must sort by `_step`.
 * Non-finite values are served as W&B writes them: the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 *
 * W&B's backend sends `_step` as a float64; for a whole step that is the same JSON number as an integer
 * (`10.0` is `10`), so the fake cannot show the difference and has no option for it.
 *
 * @module
 */

import { BadRequestError } from "./_errors.ts";

/** One parsed `sampledHistory` spec. */
export interface HistorySpec {
  /** The keys every returned row must have; rows are cut down to them. */
  keys: string[];
  /** The most rows to return. */
  samples: number;
  /** The first step to return (inclusive). */
  minStep?: number;
  /** The last step to return (inclusive, as in W&B's `sampledHistory`). */
  maxStep?: number;
}

/** The members a spec may have; anything else is refused, so a client cannot lean on one the fake ignores. */
const SPEC_MEMBERS = new Set(["keys", "samples", "minStep", "maxStep"]);

/**
 * Parses and checks one spec as the client sent it.
 *
 * @param spec One element of `specs` (JSON text).
 * @param index Its position in `specs`, for the error message.
 * @returns The parsed spec.
 * @throws {BadRequestError} When the spec is not JSON text, lacks a non-empty string list `keys` or a positive
 *   integer `samples`, has a non-integer step bound, or has a member W&B's clients never send.
 */
export function parseHistorySpec(spec: unknown, index: number): HistorySpec {
  const refuse = (reason: string) =>
    new BadRequestError(`Cannot read sampledHistory spec ${index}: ${reason}`);
  if (typeof spec !== "string") {
    throw refuse(`expected JSON text, got ${JSON.stringify(spec)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(spec);
  } catch (error) {
    throw refuse(`expected JSON text: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw refuse(`expected a JSON object, got ${spec}`);
  }
  const members = parsed as Record<string, unknown>;
  const unknown = Object.keys(members).find((key) => !SPEC_MEMBERS.has(key));
  if (unknown !== undefined) {
    throw refuse(
      `unknown member "${unknown}"; expected keys, samples, minStep, maxStep`,
    );
  }
  const { keys, samples, minStep, maxStep } = members;
  if (
    !Array.isArray(keys) || keys.length === 0 ||
    !keys.every((key) => typeof key === "string" && key !== "")
  ) {
    throw refuse(
      `expected keys to be a non-empty list of key names, got ${
        JSON.stringify(keys)
      }`,
    );
  }
  if (!Number.isInteger(samples) || (samples as number) < 1) {
    throw refuse(
      `expected samples to be a positive integer, got ${
        JSON.stringify(samples)
      }`,
    );
  }
  for (const [name, bound] of [["minStep", minStep], ["maxStep", maxStep]]) {
    if (bound !== undefined && !Number.isInteger(bound)) {
      throw refuse(
        `expected ${name} to be an integer, got ${JSON.stringify(bound)}`,
      );
    }
  }
  return {
    keys: [...new Set(keys as string[])],
    samples: samples as number,
    ...(minStep === undefined ? {} : { minStep: minStep as number }),
    ...(maxStep === undefined ? {} : { maxStep: maxStep as number }),
  };
}

/**
 * The rows one spec returns: rows in the step range that have every key, at most `samples` of them picked at
 * random, cut down to the spec's keys, in random order, non-finite numbers as W&B's strings.
 *
 * @param history The run's rows as logged (each with an integer `_step`).
 * @param spec The parsed spec.
 * @param random The random source (`[0, 1)`), seedable for deterministic tests.
 * @returns The rows to serve.
 */
export function sampleHistory(
  history: readonly Record<string, unknown>[],
  spec: HistorySpec,
  random: () => number,
): Record<string, unknown>[] {
  const { keys, samples, minStep = -Infinity, maxStep = Infinity } = spec;
  const rows = history.filter((row) => {
    const step = row._step as number;
    return step >= minStep && step <= maxStep &&
      keys.every((key) => row[key] !== undefined);
  });
  // A partial Fisher-Yates shuffle: a uniform sample, in random order.
  const count = Math.min(samples, rows.length);
  for (let index = 0; index < count; index++) {
    const other = index + Math.floor(random() * (rows.length - index));
    [rows[index], rows[other]] = [rows[other], rows[index]];
  }
  return rows.slice(0, count).map((row) =>
    Object.fromEntries(keys.map((key) => [key, toWandbValue(row[key])]))
  );
}

/** What `Run.historyKeys` holds: the last step and, per key, how many rows hold a value of each type. */
export interface HistoryKeys {
  /** The `_step` of the last row. */
  lastStep: number;
  /** Per key, the count of each value type (`number`, `string`, `boolean`, `nil`, `list`, `map`). */
  keys: Record<string, { typeCounts: { type: string; count: number }[] }>;
}

/**
 * Summarises a history as `Run.historyKeys` does.
 *
 * @param history The run's rows as logged, oldest first.
 * @returns The last step and the type counts per key.
 */
export function historyKeysOf(
  history: readonly Record<string, unknown>[],
): HistoryKeys {
  const counts = new Map<string, Map<string, number>>();
  for (const row of history) {
    for (const [key, value] of Object.entries(row)) {
      if (value === undefined) continue;
      const types = counts.get(key) ?? new Map<string, number>();
      const type = valueType(value);
      types.set(type, (types.get(type) ?? 0) + 1);
      counts.set(key, types);
    }
  }
  return {
    lastStep: (history.at(-1)?._step as number | undefined) ?? 0,
    keys: Object.fromEntries(
      [...counts].map(([key, types]) => [key, {
        typeCounts: [...types].map(([type, count]) => ({ type, count })),
      }]),
    ),
  };
}

function valueType(value: unknown): string {
  if (value === null) return "nil";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "map";
  return typeof value;
}

/**
 * A value as W&B writes it in JSON: `NaN`, `Infinity` and `-Infinity` become those strings, at any depth.
 *
 * @param value The value as logged.
 * @returns The value safe for `JSON.stringify` without losing non-finite numbers.
 */
export function toWandbValue(value: unknown): unknown {
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : String(value);
  }
  if (Array.isArray(value)) return value.map(toWandbValue);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, toWandbValue(item)]),
    );
  }
  return value;
}

/**
 * Checks a stored history: a list of rows, each with a non-negative integer `_step`, steps strictly rising.
 *
 * @param history The rows as stored.
 * @param where Which run holds them, for the error message.
 * @throws {Error} When the history breaks those rules (a bug in test data).
 */
export function validateHistory(history: unknown, where: string): void {
  if (!Array.isArray(history)) {
    throw new Error(
      `Invalid fake W&B data: ${where} history must be a list of rows`,
    );
  }
  let previous = -1;
  history.forEach((row, index) => {
    const step = typeof row === "object" && row !== null
      ? (row as Record<string, unknown>)._step
      : undefined;
    if (!Number.isInteger(step) || (step as number) <= previous) {
      throw new Error(
        `Invalid fake W&B data: ${where} history row ${index} needs an integer _step above ${previous}, got ${
          JSON.stringify(step)
        }`,
      );
    }
    previous = step as number;
  });
}

/**
 * A seeded random source (mulberry32), so that a test can fix which rows a sampled history returns.
 *
 * @param seed Any 32-bit integer.
 * @returns A function returning numbers in `[0, 1)`.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
