/**
 * Threshold comparisons that treat values within a relative 1e-9 of the threshold as equal. Unit conversions
 * and multiples of a limit produce values such as 1.5 × 1.2 = 1.7999999999999998; without the tolerance a
 * bilirubin of exactly 1.5 × ULN would read as "> 1.5 × ULN" and be graded one step too high.
 */
const RELATIVE_TOLERANCE = 1e-9;

function tolerance(threshold: number): number {
  return RELATIVE_TOLERANCE * Math.max(1, Math.abs(threshold));
}

/** value < threshold, with values equal within tolerance counted as not below. */
export function isBelow(value: number, threshold: number): boolean {
  return value < threshold - tolerance(threshold);
}

/** value > threshold, with values equal within tolerance counted as not above. */
export function isAbove(value: number, threshold: number): boolean {
  return value > threshold + tolerance(threshold);
}

/** value ≥ threshold (within tolerance). */
export function isAtLeast(value: number, threshold: number): boolean {
  return !isBelow(value, threshold);
}

/** value ≤ threshold (within tolerance). */
export function isAtMost(value: number, threshold: number): boolean {
  return !isAbove(value, threshold);
}
