/**
 * Screens every product–event pair of a report table with the frequentist (PRR, ROR), BCPNN (IC) and MGPS
 * (EBGM, EB05, EB95) measures, fitting the MGPS prior once on the whole table.
 */
import { logGamma, normalQuantile } from '../stats/distributions';
import { expectedCount, type PairTable } from './contingency';
import { gammaMixtureQuantile } from './gammaMixture';
import {
  fitPrior,
  type GammaMixturePrior,
  PosteriorScorer,
  type PosteriorScores,
  type PriorFit,
} from './mgps';

export interface PairScores {
  index: number;
  a: number;
  expected: number;
  prr: number;
  prrChisq: number;
  ror: number;
  rorLower: number;
  rorUpper: number;
  ic: number;
  ic025: number;
  ebgm: number;
  eb05: number;
  eb95: number;
  /** Evans et al. (2001) criteria met: PRR ≥ 2, χ² ≥ 4, a ≥ 3. */
  signal: boolean;
}

export interface ScreenResult {
  prior: PriorFit;
  pairs: PairScores[];
}

/** Scores of every pair as parallel columns (index i is pair i of the table); no per-pair objects. */
export interface ScreenColumns {
  prior: PriorFit;
  expected: Float64Array;
  prr: Float64Array;
  prrChisq: Float64Array;
  ror: Float64Array;
  rorLower: Float64Array;
  rorUpper: Float64Array;
  ic: Float64Array;
  ic025: Float64Array;
  ebgm: Float64Array;
  eb05: Float64Array;
  eb95: Float64Array;
  /** 1 when the Evans et al. (2001) criteria are met. */
  signal: Uint8Array;
}

/** Scores all pairs of `table`; `prior` skips the fit when given (e.g. a prior from a reference period). */
export function screenTable(table: PairTable, prior?: GammaMixturePrior & { logLik?: number }): ScreenResult {
  const c = screenColumns(table, prior);
  const pairs: PairScores[] = new Array(table.a.length);
  for (let i = 0; i < pairs.length; i++)
    pairs[i] = {
      index: i,
      a: table.a[i]!,
      expected: c.expected[i]!,
      prr: c.prr[i]!,
      prrChisq: c.prrChisq[i]!,
      ror: c.ror[i]!,
      rorLower: c.rorLower[i]!,
      rorUpper: c.rorUpper[i]!,
      ic: c.ic[i]!,
      ic025: c.ic025[i]!,
      ebgm: c.ebgm[i]!,
      eb05: c.eb05[i]!,
      eb95: c.eb95[i]!,
      signal: c.signal[i] === 1,
    };
  return { prior: c.prior, pairs };
}

const Z975 = normalQuantile(0.975);
const Z025 = normalQuantile(0.025);

/**
 * screenTable in columns: the same measures as `disproportionality` and `PosteriorScorer` (PRR with Yates χ²,
 * ROR with the Woolf 95% interval, IC with IC025, EBGM/EB05/EB95), computed straight into typed arrays so a
 * table of a million pairs allocates a dozen arrays rather than millions of objects.
 */
export function screenColumns(
  table: PairTable,
  prior?: GammaMixturePrior & { logLik?: number },
): ScreenColumns {
  const m = table.a.length;
  if (m === 0) throw new RangeError('pairs: the table has no product–event pairs');
  const expected = new Float64Array(m);
  for (let i = 0; i < m; i++) expected[i] = expectedCount(table, i);
  const fitted: PriorFit = prior
    ? { ...prior, logLik: prior.logLik ?? Number.NaN, iterations: 0 }
    : fitPrior(table.a, expected);
  const out: ScreenColumns = {
    prior: fitted,
    expected,
    prr: new Float64Array(m),
    prrChisq: new Float64Array(m),
    ror: new Float64Array(m),
    rorLower: new Float64Array(m),
    rorUpper: new Float64Array(m),
    ic: new Float64Array(m),
    ic025: new Float64Array(m),
    ebgm: new Float64Array(m),
    eb05: new Float64Array(m),
    eb95: new Float64Array(m),
    signal: new Uint8Array(m),
  };
  const scorer = new PosteriorScorer(fitted);
  const post: PosteriorScores = { qn: 0, ebgm: 0, eb05: 0, eb95: 0 };
  const total = table.total;
  // IC025 needs log Γ(a + ½) per distinct a; counts are mostly small integers.
  const halfLogGamma = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const a = table.a[i]!;
    const e = expected[i]!;
    scorer.score(a, e, post);
    out.ebgm[i] = post.ebgm;
    out.eb05[i] = post.eb05;
    out.eb95[i] = post.eb95;
    const productTotal = table.productTotal[table.product[i]!]!;
    const eventTotal = table.eventTotal[table.event[i]!]!;
    const b = productTotal - a;
    const c = eventTotal - a;
    const d = total - a - b - c;
    // Same definitions as `disproportionality` (Evans et al. 2001; van Puijenbroek et al. 2002; Norén et al. 2013).
    const prr = a / (a + b) / (c / (c + d));
    const chisq = yatesChiSquareOf(a, b, c, d);
    const ror = (a * d) / (b * c);
    const se = Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
    const logRor = Math.log(ror);
    out.prr[i] = prr;
    out.prrChisq[i] = chisq;
    out.ror[i] = ror;
    out.rorLower[i] = Math.exp(logRor - Z975 * se);
    out.rorUpper[i] = Math.exp(logRor + Z975 * se);
    out.ic[i] = Math.log2((a + 0.5) / (e + 0.5));
    let lg = halfLogGamma.get(a);
    if (lg === undefined) {
      lg = logGamma(a + 0.5);
      halfLogGamma.set(a, lg);
    }
    out.ic025[i] = Math.log2(gammaMixtureQuantile(0.025, Z025, 1, a + 0.5, e + 0.5, lg, 1, 1, 0));
    out.signal[i] = prr >= 2 && chisq >= 4 && a >= 3 ? 1 : 0;
  }
  return out;
}

/** yatesChiSquare of the table [a, b; c, d] without building it (the per-pair hot path of screenColumns). */
function yatesChiSquareOf(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const c2 = b + d;
  return (
    yatesTerm(a, (r1 * c1) / n) +
    yatesTerm(b, (r1 * c2) / n) +
    yatesTerm(c, (r2 * c1) / n) +
    yatesTerm(d, (r2 * c2) / n)
  );
}

function yatesTerm(observed: number, expected: number): number {
  if (expected === 0) return Number.NaN;
  const dev = Math.abs(observed - expected);
  const corrected = dev - Math.min(0.5, dev);
  return (corrected * corrected) / expected;
}
