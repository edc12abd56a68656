/**
 * W&B's MongoDB-style run filters, evaluated the way W&B's SQL backend does.
 *
 * A filter is checked as a whole before any run is looked at, so a bad key fails even in an empty project.
 * A comparison with a missing config or summary key is false for every operator (`$ne` and `$nin` too);
 * only `{"$exists": false}` matches a missing key.
 *
 * @module
 */

import { isDeepStrictEqual } from "node:util";
import type { FakeRun } from "./server.ts";

/** A filter W&B refuses, with the HTTP status it answers it with. */
export class FilterError extends Error {
  /** The HTTP status W&B answers with: 400 for a filter it rejects, 500 for one that breaks it. */
  readonly status: number;

  /**
   * Creates the error for a refused filter.
   *
   * @param status The HTTP status to answer with.
   * @param message The error message, as W&B words it where known.
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = "FilterError";
    this.status = status;
  }
}

/** A compiled filter: whether one run matches. */
export type RunPredicate = (run: FakeRun) => boolean;

/**
 * Checks a filter document and turns it into a predicate over runs.
 *
 * @param filter The parsed `filters` JSON (`{}` matches every run).
 * @returns The predicate.
 * @throws {FilterError} When W&B would refuse the filter.
 */
export function compileFilter(filter: unknown): RunPredicate {
  if (!isPlainObject(filter)) {
    throw new FilterError(
      400,
      `Cannot parse filters: expected an object, got ${JSON.stringify(filter)}`,
    );
  }
  const parts = Object.entries(filter).map(([key, condition]) =>
    compileEntry(key, condition)
  );
  return (run) => parts.every((matches) => matches(run));
}

/**
 * Whether `run` matches the W&B filter document `filter`.
 *
 * @param run The run to test.
 * @param filter The parsed `filters` JSON.
 * @returns `true` when W&B would return the run.
 * @throws {FilterError} When W&B would refuse the filter.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchesFilter } from "./filters.ts";
 *
 * const run = {
 *   name: "e6lo523p",
 *   displayName: "dashing-leaf-4",
 *   state: "finished",
 *   createdAt: "2020-03-03T09:06:08",
 * };
 * // The run has no github_sha, so even $ne is false, as in W&B's SQL.
 * assert.equal(matchesFilter(run, { "config.github_sha": { $ne: "abc" } }), false);
 * assert.equal(matchesFilter(run, { "config.github_sha": { $exists: false } }), true);
 * ```
 */
export function matchesFilter(run: FakeRun, filter: unknown): boolean {
  return compileFilter(filter)(run);
}

/** What a filter key reads from a run: its values (several for `tags`) or `undefined` when missing. */
type FieldReader = (run: FakeRun) => unknown[] | undefined;

/** A filter key compiled: how to read it and how to turn an operand into a comparable value. */
interface Field {
  read: FieldReader;
  operand: (value: unknown) => unknown;
}

const UNSUPPORTED_LIST = "unsupported type []interface {}";

function compileEntry(key: string, condition: unknown): RunPredicate {
  if (key === "$and" || key === "$or" || key === "$nor") {
    if (!Array.isArray(condition) || condition.length === 0) {
      throw new FilterError(
        400,
        `Cannot parse filters: ${key} needs a non-empty list of filters`,
      );
    }
    const predicates = condition.map(compileFilter);
    if (key === "$and") {
      return (run) => predicates.every((matches) => matches(run));
    }
    if (key === "$or") {
      return (run) => predicates.some((matches) => matches(run));
    }
    return (run) => !predicates.some((matches) => matches(run));
  }
  if (key.startsWith("$")) {
    throw new FilterError(
      400,
      `Cannot parse filters: unknown operator "${key}"`,
    );
  }
  const field = compileField(key);
  const test = compileCondition(field, condition);
  return (run) => test(field.read(run));
}

function compileField(key: string): Field {
  const same = (value: unknown) => value;
  const scalar = (pick: (run: FakeRun) => unknown): Field => ({
    read: (run) => {
      const value = pick(run);
      return value === undefined || value === null ? undefined : [value];
    },
    operand: same,
  });
  switch (key) {
    case "name":
      return scalar((run) => run.name);
    case "state":
      return scalar((run) => run.state);
    case "displayName":
    case "display_name":
      return scalar((run) => run.displayName);
    case "sweep":
      return scalar((run) => run.sweepName);
    case "tags":
      return { read: (run) => run.tags ?? [], operand: same };
    case "created_at":
      return {
        read: (run) => [parseTime(run.createdAt)],
        operand: parseOperandTime,
      };
  }
  const [prefix, ...path] = key.split(".");
  if (prefix === "config" && path.length > 0 && path[0] !== "") {
    const [name, ...rest] = path;
    const inner = rest[0] === "value" ? rest.slice(1) : rest;
    return {
      read: (run) => readPath(run.config?.[name], inner),
      operand: same,
    };
  }
  if (prefix === "summary_metrics" && path.length > 0 && path[0] !== "") {
    return { read: (run) => readPath(run.summaryMetrics, path), operand: same };
  }
  throw new FilterError(
    400,
    `Cannot parse filters: unsupported filter key "${key}"`,
  );
}

/** Follows a dotted path into nested objects; a stored `undefined` is a missing key. */
function readPath(value: unknown, path: string[]): unknown[] | undefined {
  let current = value;
  for (const segment of path) {
    if (!isPlainObject(current)) return undefined;
    current = current[segment];
  }
  return current === undefined ? undefined : [current];
}

function compileCondition(
  field: Field,
  condition: unknown,
): (values: unknown[] | undefined) => boolean {
  if (Array.isArray(condition)) throw new FilterError(500, UNSUPPORTED_LIST);
  const operators = isPlainObject(condition) ? Object.keys(condition) : [];
  if (!operators.some((key) => key.startsWith("$"))) {
    const test = compileOperator(field, "$eq", condition);
    return (values) => values !== undefined && test(values);
  }
  const record = condition as Record<string, unknown>;
  const tests = operators.map((operator) => {
    if (operator === "$exists") {
      if (typeof record.$exists !== "boolean") {
        throw new FilterError(
          400,
          "Cannot parse filters: $exists needs true or false",
        );
      }
      const wanted = record.$exists;
      return (values: unknown[] | undefined) =>
        (values !== undefined) === wanted;
    }
    const test = compileOperator(field, operator, record[operator]);
    return (values: unknown[] | undefined) =>
      values !== undefined && test(values);
  });
  return (values) => tests.every((test) => test(values));
}

/** Compiles one operator over the values of a present key (any value may match, as for Mongo arrays). */
function compileOperator(
  field: Field,
  operator: string,
  operand: unknown,
): (values: unknown[]) => boolean {
  switch (operator) {
    case "$eq":
    case "$ne": {
      if (Array.isArray(operand)) throw new FilterError(500, UNSUPPORTED_LIST);
      const wanted = field.operand(operand);
      const has = (values: unknown[]) =>
        values.some((value) => isDeepStrictEqual(value, wanted));
      return operator === "$eq" ? has : (values) => !has(values);
    }
    case "$in":
    case "$nin": {
      if (!Array.isArray(operand)) {
        throw new FilterError(
          400,
          `Cannot parse filters: ${operator} needs a list`,
        );
      }
      const wanted = operand.map(field.operand);
      const has = (values: unknown[]) =>
        values.some((value) =>
          wanted.some((candidate) => isDeepStrictEqual(value, candidate))
        );
      return operator === "$in" ? has : (values) => !has(values);
    }
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      if (Array.isArray(operand)) throw new FilterError(500, UNSUPPORTED_LIST);
      const bound = field.operand(operand);
      const accepts = {
        $gt: (order: number) => order > 0,
        $gte: (order: number) => order >= 0,
        $lt: (order: number) => order < 0,
        $lte: (order: number) => order <= 0,
      }[operator];
      return (values) =>
        values.some((value) => {
          const order = compare(value, bound);
          return order !== undefined && accepts(order);
        });
    }
    case "$regex": {
      if (typeof operand !== "string") {
        throw new FilterError(
          400,
          "Cannot parse filters: $regex needs a string",
        );
      }
      let pattern: RegExp;
      try {
        pattern = new RegExp(operand);
      } catch {
        throw new FilterError(
          400,
          `Cannot parse filters: invalid $regex "${operand}"`,
        );
      }
      return (values) =>
        values.some((value) =>
          typeof value === "string" && pattern.test(value)
        );
    }
  }
  throw new FilterError(
    400,
    `Cannot parse filters: unknown operator "${operator}"`,
  );
}

/** Orders two numbers or two strings; anything else is incomparable (`undefined`). */
function compare(left: unknown, right: unknown): number | undefined {
  if (typeof left === "number" && typeof right === "number") {
    return Number.isNaN(left) || Number.isNaN(right) ? undefined : left - right;
  }
  if (typeof left === "string" && typeof right === "string") {
    return left < right ? -1 : left > right ? 1 : 0;
  }
  return undefined;
}

/** Milliseconds since the epoch of a W&B timestamp; one without an offset is UTC. */
export function parseTime(timestamp: string): number {
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/i.test(timestamp);
  return Date.parse(
    hasOffset || !timestamp.includes("T") ? timestamp : `${timestamp}Z`,
  );
}

function parseOperandTime(value: unknown): number {
  const time = typeof value === "string" ? parseTime(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new FilterError(
      400,
      `Cannot parse filters: created_at needs a timestamp, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return time;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
