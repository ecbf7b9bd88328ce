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

/**
 * An analysis stopped by its AbortSignal at a frame boundary. What was analysed is committed as a
 * checkpoint in `out`, so the same job with `resume` continues from `lastFrame` (-1: nothing yet).
 * Named AbortError, as the platform's own aborts are.
 */
export class AnalysisAborted extends Error {
  constructor(readonly out: string, readonly lastFrame: number, readonly framesAnalysed: number, cause?: unknown) {
    super(`${out}: analysis stopped after ${framesAnalysed} frames; run it again with resume to continue`, { cause });
    this.name = "AbortError";
  }
}
