/**
 * A W&B run's state, and every question asked of it in one place: whether a
 * run finished, whether its state may still change, which count it falls in,
 * and when a set of candidates is settled or complete.
 *
 * W&B's states are `running`, `pending`, `preempting`, `finished`, `crashed`,
 * `failed`, `killed` (a legacy `aborted`) and `preempted`; a run whose state
 * W&B gave as null reads as {@linkcode UNKNOWN_STATE}.
 *
 * @module
 */

/** The state of a run whose state W&B gave as null: not finished, and not known to be settled. */
export const UNKNOWN_STATE = "unknown";

/** What a state is asked of: a run, or anything else with a `state`. */
export interface HasState {
  /** The run's state in lower case, e.g. `finished`. */
  state: string;
}

/**
 * States that may still change: a run running, waiting to start or being
 * preempted, and a state W&B did not give, which may be any of them.
 */
const UNSETTLED_STATES: ReadonlySet<string> = new Set([
  "running",
  "pending",
  "preempting",
  UNKNOWN_STATE,
]);

/**
 * The groups candidates are counted in, each with the states it holds: a
 * run stopped by its user is `killed` (W&B's older name was `aborted`), and a
 * run being or having been preempted counts as `preempted`.
 */
export const STATE_GROUPS = {
  finished: ["finished"],
  running: ["running"],
  crashed: ["crashed"],
  aborted: ["killed", "aborted"],
  failed: ["failed"],
  pending: ["pending"],
  preempted: ["preempting", "preempted"],
  unknown: [UNKNOWN_STATE],
} as const satisfies Record<string, readonly string[]>;

/** One of the {@linkcode STATE_GROUPS}. */
export type StateGroup = keyof typeof STATE_GROUPS;

/**
 * Whether a run finished: the only state whose metrics are final, and the
 * only one the CSV's candidate rows, the gates, the baselines compared with
 * and the charts take.
 *
 * @example
 * ```ts
 * import { isFinished } from "./run_state.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isFinished({ state: "finished" }), true);
 * assert.equal(isFinished({ state: "crashed" }), false);
 * ```
 *
 * @param run The run.
 * @returns `true` for state `finished`.
 */
export function isFinished(run: HasState): boolean {
  return run.state === "finished";
}

/**
 * Whether a run's state may still change: running, pending, preempting, or
 * unknown. Every other state is terminal.
 *
 * @example
 * ```ts
 * import { isUnsettled, UNKNOWN_STATE } from "./run_state.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isUnsettled({ state: "running" }), true);
 * assert.equal(isUnsettled({ state: UNKNOWN_STATE }), true);
 * assert.equal(isUnsettled({ state: "crashed" }), false);
 * ```
 *
 * @param run The run.
 * @returns `true` when waiting may change the state.
 */
export function isUnsettled(run: HasState): boolean {
  return UNSETTLED_STATES.has(run.state);
}

/**
 * Whether a set of candidates is settled: at least one exists and none may
 * still change. Waiting longer cannot change them.
 *
 * @param candidates The candidate runs.
 * @returns `true` when every candidate's state is terminal.
 */
export function allSettled(candidates: readonly HasState[]): boolean {
  return candidates.length > 0 && !candidates.some(isUnsettled);
}

/**
 * Whether a set of candidates is complete: settled, and at least one
 * finished (what `BOOL_COMPLETE` reports).
 *
 * @param candidates The candidate runs.
 * @returns `true` when settled with a finished run.
 */
export function allComplete(candidates: readonly HasState[]): boolean {
  return allSettled(candidates) && candidates.some(isFinished);
}

/**
 * How many runs are in each {@linkcode STATE_GROUPS} group; a state in no
 * group (one W&B may add) is counted in none.
 *
 * @example
 * ```ts
 * import { countStates } from "./run_state.ts";
 * import assert from "node:assert/strict";
 *
 * const counts = countStates([{ state: "killed" }, { state: "preempting" }]);
 * assert.equal(counts.aborted, 1);
 * assert.equal(counts.preempted, 1);
 * assert.equal(counts.finished, 0);
 * ```
 *
 * @param runs The runs.
 * @returns The count of each group.
 */
export function countStates(
  runs: readonly HasState[],
): Record<StateGroup, number> {
  const groupOf = new Map<string, StateGroup>();
  const counts = {} as Record<StateGroup, number>;
  for (const [group, states] of Object.entries(STATE_GROUPS)) {
    counts[group as StateGroup] = 0;
    for (const state of states) groupOf.set(state, group as StateGroup);
  }
  for (const run of runs) {
    const group = groupOf.get(run.state);
    if (group !== undefined) counts[group]++;
  }
  return counts;
}
