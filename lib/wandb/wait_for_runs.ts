import { InputError } from "../errors.ts";
import type { FetchedRuns } from "./fetch_runs.ts";
import { quoteForMessage } from "../_message.ts";
import { sleep as defaultSleep } from "../http/retry.ts";
import { UNKNOWN_STATE } from "./run.ts";

/** Candidate states that may still change; W&B giving no state may mean any. */
const UNSETTLED_STATES = ["running", "pending", "preempting", UNKNOWN_STATE];

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000 };

/**
 * Reads a duration such as `45m`, `30s`, `1h30m` or `90` (seconds).
 *
 * @example
 * ```ts
 * import { parseDuration } from "./wait_for_runs.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseDuration("WAIT_TIMEOUT", "1h30m"), 5_400_000);
 * ```
 *
 * @param input The input's name, for the error message.
 * @param text The text given.
 * @returns Milliseconds.
 */
export function parseDuration(input: string, text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  if (
    trimmed === "" || parts.map((part) => part[0]).join("") !== trimmed
  ) {
    throw new InputError(
      input,
      `expected a duration like 45m, 30s or 1h30m, got ${
        quoteForMessage(text)
      }`,
    );
  }
  return parts.reduce(
    (total, [, amount, unit]) => total + Number(amount) * UNITS[unit],
    0,
  );
}

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
  return fetched.candidates.length > 0 &&
    fetched.candidates.every((run) => !UNSETTLED_STATES.includes(run.state));
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
      `poll ${polls} after ${formatWait(waitedMs)}: ${describeStates(fetched)}`,
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

function describeStates(fetched: FetchedRuns): string {
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
