/** Confidence intervals for a binomial proportion x/n. */
import { betaQuantile, normalQuantile } from './distributions';

export interface ProportionInterval {
  estimate: number;
  lower: number;
  upper: number;
}

function check(x: number, n: number, level: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number ≥ 1 (got ${n})`);
  if (!Number.isInteger(x) || x < 0 || x > n)
    throw new RangeError(`x must be a whole number in 0..n (got ${x})`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1) (got ${level})`);
}

/**
 * Exact Clopper–Pearson (1934) interval: the α/2 quantile of Beta(x, n − x + 1) and the 1 − α/2 quantile of
 * Beta(x + 1, n − x), with 0 and 1 at x = 0 and x = n (R: binom.test(x, n)$conf.int).
 */
export function clopperPearson(x: number, n: number, level = 0.95): ProportionInterval {
  check(x, n, level);
  const alpha = 1 - level;
  return {
    estimate: x / n,
    lower: x === 0 ? 0 : betaQuantile(alpha / 2, x, n - x + 1),
    upper: x === n ? 1 : betaQuantile(1 - alpha / 2, x + 1, n - x),
  };
}

/**
 * Wilson (1927) score interval without continuity correction (R: prop.test(x, n, correct = FALSE)$conf.int).
 */
export function wilson(x: number, n: number, level = 0.95): ProportionInterval {
  check(x, n, level);
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, lower: x === 0 ? 0 : centre - half, upper: x === n ? 1 : centre + half };
}
