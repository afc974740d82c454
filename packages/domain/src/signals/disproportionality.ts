/**
 * Frequentist and simple Bayesian disproportionality measures of one product–event pair from its 2×2 table:
 *   a = reports with product and event, b = product without event, c = event without product, d = neither.
 */
import { gammaQuantile, normalQuantile } from '../stats/distributions';

export interface TwoByTwo {
  a: number;
  b: number;
  c: number;
  d: number;
}

export interface Disproportionality {
  expected: number;
  prr: number;
  prrChisq: number;
  ror: number;
  rorLower: number;
  rorUpper: number;
  ic: number;
  ic025: number;
  /** Evans et al. (2001) signal: PRR ≥ 2, χ² ≥ 4 and at least 3 reports. */
  evans: boolean;
}

/**
 * Pearson chi-square with Yates' continuity correction, the correction capped at |O − E| in each cell as R's
 * chisq.test(correct = TRUE) does; the χ² of the Evans criteria.
 */
export function yatesChiSquare({ a, b, c, d }: TwoByTwo): number {
  const n = a + b + c + d;
  const rows = [a + b, c + d];
  const cols = [a + c, b + d];
  const observed = [
    [a, b],
    [c, d],
  ];
  let chisq = 0;
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) {
      const e = (rows[i]! * cols[j]!) / n;
      if (e === 0) return Number.NaN;
      const dev = Math.abs(observed[i]![j]! - e);
      const corrected = dev - Math.min(0.5, dev);
      chisq += (corrected * corrected) / e;
    }
  return chisq;
}

/**
 * PRR = [a/(a+b)]/[c/(c+d)] with its Yates χ² and the Evans criteria (Evans, Waller & Davis 2001,
 * Pharmacoepidemiol Drug Saf 10:483); ROR = ad/(bc) with the Woolf 95% interval exp(ln ROR ± z·√(1/a+1/b+1/c+1/d))
 * (van Puijenbroek et al. 2002); BCPNN information component IC = log2((a + ½)/(E + ½)) with the lower 2.5%
 * credibility limit log2 of the Gamma(a + ½, E + ½) 2.5% quantile (Norén et al. 2013, Stat Methods Med Res 22:57).
 */
export function disproportionality(t: TwoByTwo, level = 0.95): Disproportionality {
  const { a, b, c, d } = t;
  const n = a + b + c + d;
  const expected = ((a + b) * (a + c)) / n;
  const prr = a / (a + b) / (c / (c + d));
  const prrChisq = yatesChiSquare(t);
  const ror = (a * d) / (b * c);
  const z = normalQuantile(1 - (1 - level) / 2);
  const se = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  const ic = Math.log2((a + 0.5) / (expected + 0.5));
  const ic025 = Math.log2(gammaQuantile((1 - level) / 2, a + 0.5, expected + 0.5));
  return {
    expected,
    prr,
    prrChisq,
    ror,
    rorLower: Math.exp(Math.log(ror) - z * se),
    rorUpper: Math.exp(Math.log(ror) + z * se),
    ic,
    ic025,
    evans: prr >= 2 && prrChisq >= 4 && a >= 3,
  };
}
