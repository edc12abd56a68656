/**
 * What a benchmark subprocess reports about itself: wall time, CPU time and
 * peak memory, read from `getrusage` (via `node:process`), which needs no
 * Deno permission.
 *
 * @module
 */

import process from "node:process";

/** The cost of a piece of work, as measured inside the process that did it. */
export interface WorkCost {
  /** Milliseconds from the start of the work to its end. */
  wallMs: number;
  /** User plus system CPU milliseconds spent by the process during the work. */
  cpuMs: number;
  /** User plus system CPU milliseconds since the process started (Deno's start-up included). */
  processCpuMs: number;
  /** The process's peak resident set size so far, in bytes (start-up included). */
  peakRssBytes: number;
}

/** A point to measure from: the clock and the CPU time. */
export interface WorkStart {
  /** `performance.now()` at the start. */
  at: number;
  /** CPU microseconds at the start. */
  cpuMicros: number;
}

function cpuMicros(): number {
  const usage = process.resourceUsage();
  return usage.userCPUTime + usage.systemCPUTime;
}

/**
 * Marks the start of the work to measure.
 *
 * @returns The clock and CPU time now.
 */
export function startWork(): WorkStart {
  return { at: performance.now(), cpuMicros: cpuMicros() };
}

/**
 * Measures the work since `start`.
 *
 * @param start What {@linkcode startWork} returned.
 * @returns Wall and CPU time since then, and the peak memory so far.
 */
export function finishWork(start: WorkStart): WorkCost {
  const wallMs = performance.now() - start.at;
  const usage = process.resourceUsage();
  const total = usage.userCPUTime + usage.systemCPUTime;
  return {
    wallMs,
    cpuMs: (total - start.cpuMicros) / 1000,
    processCpuMs: total / 1000,
    // Linux reports ru_maxrss in KiB.
    peakRssBytes: usage.maxRSS * 1024,
  };
}

/**
 * The CPU time this process has used so far, in milliseconds.
 *
 * @returns User plus system CPU milliseconds.
 */
export function cpuTimeMs(): number {
  return cpuMicros() / 1000;
}
