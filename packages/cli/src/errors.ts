/** Exit codes every `cgtlink` command keeps: 0 success, 1 a check that failed, 2 bad usage or bad input. */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

/** Bad arguments or unreadable input: printed without a stack, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A check ran and found a problem (a broken audit chain, an invalid DIN): exit 1. */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}
