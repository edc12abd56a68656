import type { FetchedRuns } from "./fetch_runs.ts";
import { sleep as defaultSleep } from "../http/retry.ts";
import { allSettled } from "./run_state.ts";

/** How {@linkcode waitForRuns} polls. */
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

/** What waiting ended with. */
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
