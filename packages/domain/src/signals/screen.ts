/**
 * Screens every product–event pair of a report table with the frequentist (PRR, ROR), BCPNN (IC) and MGPS
 * (EBGM, EB05, EB95) measures, fitting the MGPS prior once on the whole table.
 */
import { expectedCount, type PairTable } from './contingency';
import { disproportionality } from './disproportionality';
import { fitPrior, type GammaMixturePrior, type PriorFit, posteriorScores } from './mgps';

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

/** Scores all pairs of `table`; `prior` skips the fit when given (e.g. a prior from a reference period). */
export function screenTable(table: PairTable, prior?: GammaMixturePrior & { logLik?: number }): ScreenResult {
  const m = table.a.length;
  if (m === 0) throw new RangeError('pairs: the table has no product–event pairs');
  const expected = new Float64Array(m);
  for (let i = 0; i < m; i++) expected[i] = expectedCount(table, i);
  const fitted: PriorFit = prior
    ? { ...prior, logLik: prior.logLik ?? Number.NaN, iterations: 0 }
    : fitPrior(table.a, expected);
  // Many pairs share (N, E) in sparse tables: score each distinct point once.
  const cache = new Map<number, Map<number, ReturnType<typeof posteriorScores>>>();
  const pairs: PairScores[] = new Array(m);
  for (let i = 0; i < m; i++) {
    const a = table.a[i]!;
    const e = expected[i]!;
    let inner = cache.get(a);
    if (!inner) {
      inner = new Map();
      cache.set(a, inner);
    }
    let post = inner.get(e);
    if (!post) {
      post = posteriorScores(fitted, a, e);
      inner.set(e, post);
    }
    const productTotal = table.productTotal[table.product[i]!]!;
    const eventTotal = table.eventTotal[table.event[i]!]!;
    const b = productTotal - a;
    const c = eventTotal - a;
    const d = table.total - a - b - c;
    const dp = disproportionality({ a, b, c, d });
    pairs[i] = {
      index: i,
      a,
      expected: e,
      prr: dp.prr,
      prrChisq: dp.prrChisq,
      ror: dp.ror,
      rorLower: dp.rorLower,
      rorUpper: dp.rorUpper,
      ic: dp.ic,
      ic025: dp.ic025,
      ebgm: post.ebgm,
      eb05: post.eb05,
      eb95: post.eb95,
      signal: dp.evans,
    };
  }
  return { prior: fitted, pairs };
}
