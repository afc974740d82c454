/**
 * DuMouchel's (1999) Gamma-Poisson Shrinker (the MGPS of FDA data mining): N ~ Poisson(λE) with λ drawn from
 * the two-gamma mixture P·Γ(α1, β1) + (1 − P)·Γ(α2, β2); the prior is fitted by maximum likelihood on the
 * observed pairs (N ≥ 1: a mixture of zero-truncated negative binomials, DuMouchel & Pregibon 2001, as openEBGM's
 * negLL with N_star = 1), and each pair gets the posterior geometric mean EBGM and the 5% / 95% quantiles.
 */
import { digamma, logGamma, normalQuantile } from '../stats/distributions';
import { gammaMixtureQuantile } from './gammaMixture';

export interface GammaMixturePrior {
  alpha1: number;
  beta1: number;
  alpha2: number;
  beta2: number;
  p: number;
}

export interface PriorFit extends GammaMixturePrior {
  /** Maximised (truncated) marginal log-likelihood. */
  logLik: number;
  iterations: number;
}

/** Starting points: DuMouchel's (1999) and the others used in openEBGM's vignettes. */
export const DEFAULT_STARTS: GammaMixturePrior[] = [
  { alpha1: 0.2, beta1: 0.1, alpha2: 2, beta2: 4, p: 1 / 3 },
  { alpha1: 0.1, beta1: 0.1, alpha2: 10, beta2: 10, p: 0.2 },
  { alpha1: 0.3, beta1: 0.5, alpha2: 6, beta2: 6, p: 0.5 },
];

/**
 * Pairs with identical (N, E) merged into one weighted point (a lossless form of DuMouchel & Pregibon's 2001 data
 * squashing), and log-gamma and digamma terms computed once per distinct count.
 */
interface Prepared {
  n: Float64Array;
  e: Float64Array;
  /** log E of each point, fixed during the fit. */
  logE: Float64Array;
  weight: Float64Array;
  /** Index of each point's count in `distinct`. */
  level: Int32Array;
  distinct: Float64Array;
  logFactorial: Float64Array;
  pairs: number;
}

function prepare(n: ArrayLike<number>, e: ArrayLike<number>): Prepared {
  const m = n.length;
  if (e.length !== m) throw new RangeError(`expected: ${e.length} values for ${m} counts`);
  // Bucket the pairs by count (counting sort over the few distinct counts), then sort each bucket's E values so
  // equal points are adjacent: no per-pair map entries, which dominate the cost at a million pairs.
  const levelOf = new Map<number, number>();
  const distinctCounts: number[] = [];
  const levelOfPair = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const v = n[i]!;
    const ev = e[i]!;
    if (!Number.isInteger(v) || v < 1)
      throw new RangeError(`count must be a whole number ≥ 1 (pair ${i + 1}: ${v})`);
    if (!(ev > 0) || !Number.isFinite(ev))
      throw new RangeError(`expected count must be > 0 (pair ${i + 1}: ${ev})`);
    let level = levelOf.get(v);
    if (level === undefined) {
      level = distinctCounts.length;
      levelOf.set(v, level);
      distinctCounts.push(v);
    }
    levelOfPair[i] = level;
  }
  const k = distinctCounts.length;
  const start = new Int32Array(k + 1);
  for (let i = 0; i < m; i++) start[levelOfPair[i]! + 1]!++;
  for (let j = 0; j < k; j++) start[j + 1]! += start[j]!;
  const sortedE = new Float64Array(m);
  const fill = start.slice(0, k);
  for (let i = 0; i < m; i++) sortedE[fill[levelOfPair[i]!]!++] = e[i]!;
  const buckets: CountBucket[] = [];
  let points = 0;
  for (let j = 0; j < k; j++) {
    const values = sortedE.subarray(start[j]!, start[j + 1]!).sort();
    // Identical (N, E) become one weighted point.
    const pe: number[] = [];
    const pw: number[] = [];
    for (let i = 0; i < values.length; i++) {
      if (i > 0 && values[i] === values[i - 1]) pw[pw.length - 1]!++;
      else {
        pe.push(values[i]!);
        pw.push(1);
      }
    }
    points += pe.length;
    buckets.push({ count: distinctCounts[j]!, e: pe, weight: pw });
  }
  if (points > SQUASH_ABOVE) squash(buckets, points);
  const size = buckets.reduce((acc, b) => acc + b.e.length, 0);
  const out: Prepared = {
    n: new Float64Array(size),
    e: new Float64Array(size),
    logE: new Float64Array(size),
    weight: new Float64Array(size),
    level: new Int32Array(size),
    distinct: Float64Array.from(distinctCounts),
    logFactorial: Float64Array.from(distinctCounts, (v) => logGamma(v + 1)),
    pairs: m,
  };
  let at = 0;
  buckets.forEach((b, j) => {
    for (let i = 0; i < b.e.length; i++, at++) {
      out.n[at] = b.count;
      out.e[at] = b.e[i]!;
      out.logE[at] = Math.log(b.e[i]!);
      out.weight[at] = b.weight[i]!;
      out.level[at] = j;
    }
  });
  return out;
}

/** The distinct expected counts (ascending) of one count N with their numbers of pairs. */
interface CountBucket {
  count: number;
  e: number[];
  weight: number[];
}

/** Above this many distinct (N, E) points the fit runs on squashed data. */
const SQUASH_ABOVE = 50_000;

/**
 * Data squashing (DuMouchel & Pregibon 2001; openEBGM squashData): within one count N, points with neighbouring
 * E are merged into a bin with their mean E and summed weight. Applied only to large tables, so that about
 * SQUASH_ABOVE points remain; counts with few points stay exact. Rewrites the buckets in place.
 */
function squash(buckets: CountBucket[], points: number): void {
  const binSize = Math.ceil(points / (SQUASH_ABOVE / 2));
  for (const bucket of buckets) {
    const { e, weight } = bucket;
    if (e.length < binSize * 10) continue;
    const be: number[] = [];
    const bw: number[] = [];
    for (let k = 0; k < e.length; k += binSize) {
      let w = 0;
      let sum = 0;
      for (let j = k; j < Math.min(k + binSize, e.length); j++) {
        w += weight[j]!;
        sum += weight[j]! * e[j]!;
      }
      be.push(sum / w);
      bw.push(w);
    }
    bucket.e = be;
    bucket.weight = bw;
  }
}

/** θ in unconstrained coordinates: log α1, log β1, log α2, log β2, logit P. */
function toTheta(prior: GammaMixturePrior): number[] {
  return [
    Math.log(prior.alpha1),
    Math.log(prior.beta1),
    Math.log(prior.alpha2),
    Math.log(prior.beta2),
    Math.log(prior.p / (1 - prior.p)),
  ];
}

/** Box for the search (α, β in [1e-6, 1e4], P in (2e-9, 1 − 2e-9)), so degenerate priors cannot run away. */
const LOG_LOW = Math.log(1e-6);
const LOG_HIGH = Math.log(1e4);
function clampTheta(theta: number[]): number[] {
  return theta.map((t, j) =>
    j < 4 ? Math.min(LOG_HIGH, Math.max(LOG_LOW, t)) : Math.min(20, Math.max(-20, t)),
  );
}

function fromTheta(theta: number[]): GammaMixturePrior {
  return {
    alpha1: Math.exp(theta[0]!),
    beta1: Math.exp(theta[1]!),
    alpha2: Math.exp(theta[2]!),
    beta2: Math.exp(theta[3]!),
    p: 1 / (1 + Math.exp(-theta[4]!)),
  };
}

/**
 * Truncated marginal log-likelihood Σ log[P·f1(n)/(1 − f1(0)) + (1 − P)·f2(n)/(1 − f2(0))] with f_c the
 * negative binomial NB(n; α_c, β_c/(β_c + E)), and its gradient in the unconstrained coordinates.
 */
function logLikelihood(
  data: Prepared,
  theta: number[],
  wantGradient: boolean,
): { value: number; gradient: number[] } {
  const { alpha1: a1, beta1: b1, alpha2: a2, beta2: b2, p } = fromTheta(theta);
  const k = data.distinct.length;
  // Per distinct count: log Γ(α + n) − log Γ(α) − log n!, and ψ(α + n) − ψ(α).
  const lg1 = new Float64Array(k);
  const lg2 = new Float64Array(k);
  const dg1 = new Float64Array(k);
  const dg2 = new Float64Array(k);
  const la1 = logGamma(a1);
  const la2 = logGamma(a2);
  const da1 = digamma(a1);
  const da2 = digamma(a2);
  for (let j = 0; j < k; j++) {
    const v = data.distinct[j]!;
    lg1[j] = logGamma(a1 + v) - la1 - data.logFactorial[j]!;
    lg2[j] = logGamma(a2 + v) - la2 - data.logFactorial[j]!;
    if (wantGradient) {
      dg1[j] = digamma(a1 + v) - da1;
      dg2[j] = digamma(a2 + v) - da2;
    }
  }
  const logB1 = Math.log(b1);
  const logB2 = Math.log(b2);
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let value = 0;
  let gA1 = 0;
  let gB1 = 0;
  let gA2 = 0;
  let gB2 = 0;
  let gP = 0;
  const { n, e, level, weight } = data;
  for (let i = 0; i < n.length; i++) {
    const wt = weight[i]!;
    const ni = n[i]!;
    const ei = e[i]!;
    const lv = level[i]!;
    const logE = data.logE[i]!;
    const logBE1 = Math.log(b1 + ei);
    const logBE2 = Math.log(b2 + ei);
    // log NB pmf and log P(N = 0) of each component; each component is truncated at zero on its own.
    const logH1 = a1 * (logB1 - logBE1);
    const logH2 = a2 * (logB2 - logBE2);
    const h1 = Math.exp(logH1);
    const h2 = Math.exp(logH2);
    const logStar1 = lg1[lv]! + logH1 + ni * (logE - logBE1) - Math.log1p(-h1);
    const logStar2 = lg2[lv]! + logH2 + ni * (logE - logBE2) - Math.log1p(-h2);
    const t1 = logP + logStar1;
    const t2 = logQ + logStar2;
    const top = Math.max(t1, t2);
    const w1raw = Math.exp(t1 - top);
    const w2raw = Math.exp(t2 - top);
    value += wt * (top + Math.log(w1raw + w2raw));
    if (!wantGradient) continue;
    const w1 = (wt * w1raw) / (w1raw + w2raw);
    const w2 = wt - w1;
    // d/dθ log[g/(1 − h)] = d log g/dθ + (dh/dθ)/(1 − h).
    const dA1 = dg1[lv]! + (logB1 - logBE1) + (h1 * (logB1 - logBE1)) / (1 - h1);
    const dA2 = dg2[lv]! + (logB2 - logBE2) + (h2 * (logB2 - logBE2)) / (1 - h2);
    const dB1 = a1 / b1 - (a1 + ni) / (b1 + ei) + (h1 * a1 * ei) / (b1 * (b1 + ei) * (1 - h1));
    const dB2 = a2 / b2 - (a2 + ni) / (b2 + ei) + (h2 * a2 * ei) / (b2 * (b2 + ei) * (1 - h2));
    gA1 += w1 * dA1;
    gA2 += w2 * dA2;
    gB1 += w1 * dB1;
    gB2 += w2 * dB2;
    gP += w1 / p - w2 / (1 - p);
  }
  return { value, gradient: [gA1 * a1, gB1 * b1, gA2 * a2, gB2 * b2, gP * p * (1 - p)] };
}

/**
 * Maximum-likelihood fit of the two-gamma mixture prior (DuMouchel 1999 §4; openEBGM autoHyper keeps the best
 * of several starts): BFGS with backtracking line search in log/logit coordinates, from each start.
 */
export function fitPrior(
  counts: ArrayLike<number>,
  expected: ArrayLike<number>,
  starts: GammaMixturePrior[] = DEFAULT_STARTS,
): PriorFit {
  const data = prepare(counts, expected);
  if (data.pairs === 0) throw new RangeError('pairs: no product–event pairs to fit the prior to');
  let best: PriorFit | null = null;
  for (const start of starts) {
    const fit = bfgs(data, toTheta(start));
    if (Number.isFinite(fit.logLik) && (!best || fit.logLik > best.logLik)) best = fit;
  }
  if (!best) throw new RangeError('pairs: the prior fit did not converge from any starting point');
  return best;
}

function bfgs(data: Prepared, theta0: number[]): PriorFit {
  const dim = theta0.length;
  let theta = theta0.slice();
  let cur = logLikelihood(data, theta, true);
  // Minimise the negative log-likelihood; H approximates the inverse Hessian.
  let grad = cur.gradient.map((g) => -g);
  let h = identity(dim);
  let iterations = 0;
  for (; iterations < 300; iterations++) {
    const dir = h.map((row) => -row.reduce((s, v, j) => s + v * grad[j]!, 0));
    let slope = dir.reduce((s, v, j) => s + v * grad[j]!, 0);
    if (slope >= 0) {
      h = identity(dim);
      for (let j = 0; j < dim; j++) dir[j] = -grad[j]!;
      slope = -grad.reduce((s, g) => s + g * g, 0);
    }
    let step = 1;
    // Keep steps in log coordinates moderate so exp() cannot overflow.
    const maxComponent = Math.max(...dir.map(Math.abs));
    if (maxComponent > 5) step = 5 / maxComponent;
    let next = theta;
    let nextValue: { value: number; gradient: number[] } | null = null;
    for (let k = 0; k < 60; k++) {
      next = clampTheta(theta.map((t, j) => t + step * dir[j]!));
      // The first trial step is usually accepted: value and gradient in one pass over the data.
      const trial = logLikelihood(data, next, k === 0);
      if (Number.isFinite(trial.value) && -trial.value <= -cur.value + 1e-4 * step * slope) {
        nextValue = k === 0 ? trial : logLikelihood(data, next, true);
        break;
      }
      step /= 2;
    }
    if (!nextValue) break;
    const nextGrad = nextValue.gradient.map((g) => -g);
    const s = next.map((t, j) => t - theta[j]!);
    const y = nextGrad.map((g, j) => g - grad[j]!);
    const improvement = nextValue.value - cur.value;
    theta = next;
    cur = nextValue;
    grad = nextGrad;
    const sy = s.reduce((acc, v, j) => acc + v * y[j]!, 0);
    if (sy > 1e-300) h = bfgsUpdate(h, s, y, sy);
    const gradNorm = Math.max(...grad.map(Math.abs));
    if (
      gradNorm < 1e-7 * Math.max(1, Math.abs(cur.value) / data.pairs) ||
      Math.abs(improvement) < 1e-13 * Math.abs(cur.value)
    )
      break;
  }
  return { ...fromTheta(theta), logLik: cur.value, iterations };
}

function identity(dim: number): number[][] {
  return Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0)));
}

function bfgsUpdate(h: number[][], s: number[], y: number[], sy: number): number[][] {
  const dim = s.length;
  const hy = h.map((row) => row.reduce((acc, v, j) => acc + v * y[j]!, 0));
  const yhy = y.reduce((acc, v, j) => acc + v * hy[j]!, 0);
  const out = identity(dim);
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++)
      out[i]![j] =
        h[i]![j]! + ((sy + yhy) * s[i]! * s[j]!) / (sy * sy) - (hy[i]! * s[j]! + s[i]! * hy[j]!) / sy;
  return out;
}

export interface PosteriorScores {
  /** Posterior probability that λ came from the first mixture component (openEBGM's Qn). */
  qn: number;
  ebgm: number;
  eb05: number;
  eb95: number;
}

const Z05 = normalQuantile(0.05);
/** Counts below this have their terms cached in an array, larger ones in a map. */
const SMALL_COUNTS = 4096;
const Z95 = normalQuantile(0.95);

/**
 * Posterior of λ given N = n: Qn·Γ(α1 + n, β1 + E) + (1 − Qn)·Γ(α2 + n, β2 + E). EBGM = exp(E[log λ])
 * (DuMouchel 1999 eq. 11); EB05 and EB95 are the posterior 5% and 95% quantiles. The terms that depend on n
 * only (log Γ(α + n) − log Γ(α), ψ(α + n)) are computed once per distinct n, so scoring a whole table costs
 * a few logarithms and two quantile searches per pair.
 */
export class PosteriorScorer {
  private readonly prior: GammaMixturePrior;
  private readonly logP: number;
  private readonly logQ: number;
  private readonly lgA1: number;
  private readonly lgA2: number;
  /** Per count n (small counts in arrays, the rest in a map): log Γ(α1 + n), log Γ(α2 + n), ψ(α1 + n), ψ(α2 + n). */
  private small = new Float64Array(4 * 16).fill(Number.NaN);
  private readonly large = new Map<number, Float64Array>();
  private readonly terms = new Float64Array(4);

  constructor(prior: GammaMixturePrior) {
    const { alpha1, beta1, alpha2, beta2, p } = prior;
    for (const [name, v] of Object.entries({ alpha1, beta1, alpha2, beta2 }))
      if (!(v > 0) || !Number.isFinite(v))
        throw new RangeError(`${name}: must be a finite number > 0, got ${v}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`p: must lie in [0, 1], got ${p}`);
    this.prior = prior;
    this.logP = Math.log(p);
    this.logQ = Math.log1p(-p);
    this.lgA1 = logGamma(alpha1);
    this.lgA2 = logGamma(alpha2);
  }

  private termsOf(n: number): Float64Array {
    const { alpha1: a1, alpha2: a2 } = this.prior;
    if (Number.isInteger(n) && n < SMALL_COUNTS) {
      const at = 4 * n;
      if (at >= this.small.length) {
        // Grown on demand, so scoring a single pair stays cheap.
        const grown = new Float64Array(Math.min(4 * SMALL_COUNTS, Math.max(2 * this.small.length, at + 4)));
        grown.fill(Number.NaN).set(this.small);
        this.small = grown;
      }
      const t = this.small;
      if (Number.isNaN(t[at]!)) {
        t[at] = logGamma(a1 + n);
        t[at + 1] = logGamma(a2 + n);
        t[at + 2] = digamma(a1 + n);
        t[at + 3] = digamma(a2 + n);
      }
      this.terms.set(t.subarray(at, at + 4));
      return this.terms;
    }
    let t = this.large.get(n);
    if (!t) {
      t = Float64Array.of(logGamma(a1 + n), logGamma(a2 + n), digamma(a1 + n), digamma(a2 + n));
      this.large.set(n, t);
    }
    return t;
  }

  /** Scores the pair with count n ≥ 0 and expected count e > 0 into `out`. */
  score(n: number, e: number, out: PosteriorScores): void {
    if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`n: must be a finite count ≥ 0, got ${n}`);
    if (!(e > 0) || !Number.isFinite(e)) throw new RangeError(`e: must be a finite number > 0, got ${e}`);
    const { alpha1: a1, beta1: b1, alpha2: a2, beta2: b2 } = this.prior;
    const t = this.termsOf(n);
    const lgS1 = t[0]!;
    const lgS2 = t[1]!;
    const logE = Math.log(e);
    const logR1 = Math.log(b1 + e);
    const logR2 = Math.log(b2 + e);
    // log NB(n; α, β/(β + E)) without log n!, which cancels in Qn.
    const t1 = this.logP + lgS1 - this.lgA1 + a1 * (Math.log(b1) - logR1) + n * (logE - logR1);
    const t2 = this.logQ + lgS2 - this.lgA2 + a2 * (Math.log(b2) - logR2) + n * (logE - logR2);
    const qn = 1 / (1 + Math.exp(t2 - t1));
    out.qn = qn;
    out.ebgm = Math.exp(qn * (t[2]! - logR1) + (1 - qn) * (t[3]! - logR2));
    out.eb05 = gammaMixtureQuantile(0.05, Z05, qn, a1 + n, b1 + e, lgS1, a2 + n, b2 + e, lgS2);
    out.eb95 = gammaMixtureQuantile(0.95, Z95, qn, a1 + n, b1 + e, lgS1, a2 + n, b2 + e, lgS2);
  }
}

/** Posterior scores of one pair (see PosteriorScorer; build one scorer to score many pairs). */
export function posteriorScores(prior: GammaMixturePrior, n: number, e: number): PosteriorScores {
  const out: PosteriorScores = { qn: 0, ebgm: 0, eb05: 0, eb95: 0 };
  new PosteriorScorer(prior).score(n, e, out);
  return out;
}

/**
 * Quantile of w·Gamma(s1, r1) + (1 − w)·Gamma(s2, r2) (rates r_c): Halley iteration on the mixture distribution
 * function from the Wilson–Hilferty approximation of the heavier component (see gammaMixtureQuantile).
 */
export function mixtureQuantile(
  prob: number,
  w: number,
  s1: number,
  r1: number,
  s2: number,
  r2: number,
): number {
  return gammaMixtureQuantile(prob, normalQuantile(prob), w, s1, r1, logGamma(s1), s2, r2, logGamma(s2));
}
