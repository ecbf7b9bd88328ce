/**
 * A problem the user can fix (bad input, bad config, unwritable output). The CLI prints
 * only its one-line message, never a stack trace, and exits with `exitCode`
 * (2 bad input or usage, 3 partial result).
 */
export class UserError extends Error {
  constructor(message: string, public exitCode = 2) {
    super(message);
    this.name = "UserError";
  }
}
