import type { FetchedRuns } from "./fetch_runs.ts";
import { sleep as defaultSleep } from "../http/retry.ts";
import { allSettled } from "./run_state.ts";

/**
 * How {@linkcode waitForRuns} polls.
 *
 * @example A clock that moves only when the wait sleeps, and the progress lines
 * ```ts
 * import { type FetchedRuns, waitForRuns, type WaitOptions } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * let clock = 0;
 * const lines: string[] = [];
 * const options: WaitOptions = {
 *   timeoutMs: 60_000,
 *   intervalMs: 20_000,
 *   now: () => clock,
 *   sleep: (ms) => Promise.resolve(void (clock += ms)),
 *   progress: (line) => lines.push(line),
 * };
 * // No candidate run ever appears.
 * const poll = (): Promise<FetchedRuns> => Promise.resolve({ candidates: [], baselines: [], requests: 1 });
 * const { timedOut, polls } = await waitForRuns(poll, options);
 * assert.deepEqual([timedOut, polls], [true, 4]); // at 0, 20, 40 and 60 s
 * assert.equal(lines[0], "poll 1 after 0s: no candidate run yet");
 * assert.equal(lines[3], "poll 4 after 1m00s: no candidate run yet");
 * ```
 */
export interface WaitOptions {
  /** Give up after this many milliseconds of waiting. */
  timeoutMs: number;
  /** Milliseconds between polls. */
  intervalMs: number;
  /** The clock, in milliseconds. */
  now?: () => number;
  /** Waits between polls; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Receives one progress line per poll. */
  progress?: (line: string) => void;
}

/**
 * What waiting ended with.
 *
 * @example A run that crashed: settled, so the wait ends, but not finished
 * ```ts
 * import { type FetchedRuns, waitForRuns, type WaitResult } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * let clock = 0;
 * const states = ["pending", "running", "crashed"];
 * const poll = (): Promise<FetchedRuns> => Promise.resolve({
 *   candidates: [{ runId: "e6lo523p", displayName: "dashing-leaf-4", state: states.shift()!, tags: [],
 *     description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: {} }],
 *   baselines: [],
 *   requests: 1,
 * });
 * const result: WaitResult = await waitForRuns(poll, {
 *   timeoutMs: 600_000, intervalMs: 30_000, now: () => clock, sleep: (ms) => Promise.resolve(void (clock += ms)),
 * });
 * assert.equal(result.timedOut, false);
 * assert.deepEqual([result.polls, result.waitedMs], [3, 60_000]);
 * assert.equal(result.fetched.candidates[0].state, "crashed");
 * ```
 */
export interface WaitResult {
  /** The runs seen by the last poll. */
  fetched: FetchedRuns;
  /** `true` when the timeout passed before every candidate settled. */
  timedOut: boolean;
  /** How many polls were made. */
  polls: number;
  /** Milliseconds waited in all. */
  waitedMs: number;
}

/**
 * Whether the candidates are done: at least one exists and none is running,
 * pending, preempting, or of a state W&B did not give.
 *
 * @param fetched The runs of one poll.
 * @returns `true` when waiting longer cannot change the candidates.
 */
export function candidatesSettled(fetched: FetchedRuns): boolean {
  return allSettled(fetched.candidates);
}

/**
 * Polls W&B until every candidate has reached a terminal state (and at least
 * one exists) or the timeout passes, printing one progress line per poll.
 *
 * @example Waiting for a run to finish (in use, `poll` calls `fetchRuns`)
 * ```ts
 * import { type FetchedRuns, waitForRuns } from "@ml-review/wandb-runs/wandb";
 * import assert from "node:assert/strict";
 *
 * const states = ["running", "running", "finished"];
 * const poll = (): Promise<FetchedRuns> => Promise.resolve({
 *   candidates: [{ runId: "e6lo523p", displayName: "dashing-leaf-4", state: states.shift()!, tags: [],
 *     description: null, createdAt: "2026-08-01T12:00:00.000Z", config: {}, summary: { acc: 0.9 } }],
 *   baselines: [],
 *   requests: 1,
 * });
 * // `sleep` is stubbed so that the example does not wait 30 s between polls.
 * const { fetched, timedOut, polls } = await waitForRuns(poll, {
 *   timeoutMs: 600_000, intervalMs: 30_000, sleep: () => Promise.resolve(),
 * });
 * assert.deepEqual([timedOut, polls], [false, 3]);
 * assert.equal(fetched.candidates[0].state, "finished");
 * ```
 *
 * @param poll Fetches the runs once (one small, projected request).
 * @param options The timeout, interval, clock and progress sink.
 * @returns The last poll's runs, and whether the wait timed out.
 */
export async function waitForRuns(
  poll: () => Promise<FetchedRuns>,
  options: WaitOptions,
): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const started = now();
  for (let polls = 1;; polls++) {
    const fetched = await poll();
    const waitedMs = now() - started;
    options.progress?.(
      `poll ${polls} after ${formatWait(waitedMs)}: ${describePoll(fetched)}`,
    );
    if (candidatesSettled(fetched)) {
      return { fetched, timedOut: false, polls, waitedMs };
    }
    if (waitedMs + options.intervalMs > options.timeoutMs) {
      return { fetched, timedOut: true, polls, waitedMs };
    }
    await sleep(options.intervalMs);
  }
}

/** The candidates of one poll by their states as W&B gave them: `2 finished, 1 running`. */
function describePoll(fetched: FetchedRuns): string {
  if (fetched.candidates.length === 0) return "no candidate run yet";
  const counts = new Map<string, number>();
  for (const run of fetched.candidates) {
    counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
  }
  return [...counts].map(([state, count]) => `${count} ${state}`).join(", ");
}

function formatWait(ms: number): string {
  if (ms < 10_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const seconds = Math.round(ms / 1000);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}
