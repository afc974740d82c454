/**
 * The k-sample log-rank test (Mantel 1966; Peto & Peto 1972), optionally stratified, as R's survival::survdiff
 * with rho = 0: observed and expected events per group and the chi-square of (O − E) with its hypergeometric
 * covariance, summed over strata.
 */
import { chiSquareUpperTail } from './distributions';
import { symmetricSolve } from './linearAlgebra';
import { distinctSorted, RiskSetCursor, type SortedGroup } from './survivalData';

export interface LogRankResult {
  observed: number[];
  expected: number[];
  /** Covariance matrix of O − E, row-major k × k. */
  variance: number[][];
  chisq: number;
  /** Degrees of freedom as print.survdiff reports them: groups with expected > 0, minus one. */
  df: number;
  p: number;
}

/**
 * Log-rank test across groups. `strata[s][g]` holds group g's sorted times within stratum s; pass one stratum
 * for the unstratified test. Every stratum lists the same groups (empty where a group is absent).
 */
export function logRank(strata: SortedGroup[][]): LogRankResult {
  const k = strata[0]?.length ?? 0;
  if (k < 2) throw new RangeError('group: the log-rank test needs at least two groups');
  const observed = new Array<number>(k).fill(0);
  const expected = new Array<number>(k).fill(0);
  const variance = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const nRisk = new Float64Array(k);
  const nEvent = new Float64Array(k);
  for (const groups of strata) {
    const cursors = groups.map((g) => new RiskSetCursor(g));
    const times = distinctSorted(groups.map((g) => g.eventTimes));
    for (const t of times) {
      let n = 0;
      let d = 0;
      for (let g = 0; g < k; g++) {
        const at = cursors[g]!.at(t);
        nRisk[g] = at.nRisk;
        nEvent[g] = at.nEvent;
        n += at.nRisk;
        d += at.nEvent;
      }
      for (let g = 0; g < k; g++) {
        observed[g]! += nEvent[g]!;
        expected[g]! += (d * nRisk[g]!) / n;
      }
      if (n < 2) continue;
      // Hypergeometric covariance of the event counts at this time.
      const factor = (d * (n - d)) / (n - 1);
      for (let g = 0; g < k; g++) {
        const pg = nRisk[g]! / n;
        if (pg === 0) continue;
        const row = variance[g]!;
        row[g]! += factor * pg * (1 - pg);
        for (let h = g + 1; h < k; h++) {
          const c = -factor * pg * (nRisk[h]! / n);
          row[h]! += c;
          variance[h]![g]! += c;
        }
      }
    }
  }
  // As survdiff: drop the first group (the deviations sum to zero) and solve with a generalized inverse.
  const diff = observed.slice(1).map((o, i) => o - expected[i + 1]!);
  const sub = variance.slice(1).map((row) => row.slice(1));
  const solved = symmetricSolve(sub, diff);
  let chisq = 0;
  for (let i = 0; i < diff.length; i++) chisq += diff[i]! * solved[i]!;
  const df = expected.filter((e) => e > 0).length - 1;
  return { observed, expected, variance, chisq, df, p: df > 0 ? chiSquareUpperTail(chisq, df) : Number.NaN };
}
