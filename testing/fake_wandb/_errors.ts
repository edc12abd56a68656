/**
 * The error the fake answers a refused request with (HTTP 400), shared by every resolver.
 *
 * @module
 */

/** A request W&B refuses for a reason other than its filter (a bad cursor, order, page size, spec or projection key). */
export class BadRequestError extends Error {
  /** The HTTP status to answer with. */
  readonly status = 400;

  /**
   * Creates the error for a refused request.
   *
   * @param message The error message.
   */
  constructor(message: string) {
    super(message);
    this.name = "BadRequestError";
  }
}
