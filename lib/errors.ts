/**
 * The two kinds of failure a caller may want to tell apart: an input that is
 * wrong before anything is asked of W&B, and an answer from W&B that ends the
 * job.
 *
 * @module
 */

/** An input (action input, CLI flag or option) that is missing or malformed. */
export class InputError extends Error {
  /** The input's name as the user wrote it, e.g. `PROJECT_NAME`. */
  readonly input: string;

  /**
   * Makes the error; its message reads `INPUT: detail`.
   *
   * @param input The input's name, e.g. `BASELINE_TAGS`.
   * @param detail What was expected, e.g. `expected a list like ['a', 'b']`.
   */
  constructor(input: string, detail: string) {
    super(`${input}: ${detail}`);
    this.name = "InputError";
    this.input = input;
  }
}

/** A failure reported by W&B or on the way to it, after retries ran out. */
export class WandbError extends Error {
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;

  /**
   * Makes the error.
   *
   * @param message One line saying what failed and what was expected.
   * @param options The HTTP status of the last answer, if any.
   */
  constructor(message: string, options: { status?: number } = {}) {
    super(message);
    this.name = "WandbError";
    this.status = options.status;
  }
}
