/**
 * One error family for the whole package. Every error names the argument at fault (when there
 * is one) and says what to do, so callers can branch on the class and users can read the message.
 *
 * @example
 * try { fitARIMA(y, { order: [9, 9, 9] }); } catch (e) { if (e instanceof ArgumentError) console.log(e.argument); }
 */
export class ArdiffError extends Error {
  /** The public argument (option name, CLI flag or data column) the problem is about, if any. */
  readonly argument: string | undefined;
  constructor(message: string, argument?: string) {
    super(message);
    this.name = new.target.name;
    this.argument = argument;
  }
}

/** An option has an impossible value (negative order, unknown method, level outside (0, 100)). */
export class ArgumentError extends ArdiffError {}

/** The data cannot be used as given (missing column, non-numeric cell, too short, constant, NA where none is allowed). */
export class DataError extends ArdiffError {}

/** A design or covariance matrix is singular; the message says which columns are collinear. */
export class SingularMatrixError extends ArdiffError {}

/** An optimiser or iterative method failed to reach a usable solution. */
export class ConvergenceError extends ArdiffError {}

/** A service the command needs (a Redis queue) cannot be reached, refuses the credentials, or holds data of another format. */
export class ServiceError extends ArdiffError {}

/** Throws an {@link ArgumentError} unless `cond` holds. */
export function require(cond: boolean, message: string, argument?: string): asserts cond {
  if (!cond) throw new ArgumentError(message, argument);
}
