/**
 * Cox proportional hazards regression (Cox 1972) by Newton–Raphson on the partial likelihood, with Efron's (1977)
 * or Breslow's (1974) handling of tied event times, as R's survival::coxph (defaults: Efron, 95% intervals).
 */
import { chiSquareUpperTail, normalQuantile, normalUpperTail } from './distributions';
import { symmetricInverse, symmetricSolve } from './linearAlgebra';
import { argsortNonNegative } from './sorting';

export type CoxTies = 'efron' | 'breslow';

export interface CoxInput {
  time: ArrayLike<number>;
  event: ArrayLike<number>;
  /** Covariate columns (already coded: factors as 0/1 dummy columns). */
  covariates: ArrayLike<number>[];
  names: string[];
  ties?: CoxTies;
  confLevel?: number;
}

export interface CoxTerm {
  term: string;
  coef: number;
  se: number;
  hr: number;
  lower: number;
  upper: number;
  z: number;
  p: number;
}

export interface CoxFit {
  terms: CoxTerm[];
  /** Partial log-likelihood at β = 0 and at the estimate (R: fit$loglik). */
  loglikNull: number;
  loglik: number;
  n: number;
  events: number;
  wald: { chisq: number; df: number; p: number };
  likelihoodRatio: { chisq: number; df: number; p: number };
  score: { chisq: number; df: number; p: number };
  iterations: number;
  variance: number[][];
}

interface Pass {
  loglik: number;
  score: number[];
  information: number[][];
}

const MAX_ITERATIONS = 50;

/**
 * Fits the Cox model. Throws RangeError for no events or mismatched columns. Covariates are centred on their
 * means for numerical stability (the estimates do not depend on it).
 */
export function coxRegression(input: CoxInput): CoxFit {
  const n = input.time.length;
  const p = input.covariates.length;
  const ties = input.ties ?? 'efron';
  if (p === 0) throw new RangeError('covariates: at least one covariate is needed');
  for (const [j, col] of input.covariates.entries())
    if (col.length !== n)
      throw new RangeError(`covariate ${input.names[j]}: ${col.length} values, time has ${n}`);
  const time = Float64Array.from(input.time);
  for (let i = 0; i < n; i++)
    if (!(time[i]! >= 0) || !Number.isFinite(time[i]!))
      throw new RangeError(`time must be ≥ 0 (row ${i + 1})`);
  const order = argsortNonNegative(time);
  // Sorted copies, descending time, covariates row-major and centred.
  const t = new Float64Array(n);
  const d = new Uint8Array(n);
  const x = new Float64Array(n * p);
  const means = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const col = input.covariates[j]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += col[i]!;
    means[j] = s / n;
  }
  let events = 0;
  for (let k = 0; k < n; k++) {
    const i = order[n - 1 - k]!;
    t[k] = time[i]!;
    const e = input.event[i]!;
    if (e !== 0 && e !== 1) throw new RangeError(`event must be 0 or 1 (row ${i + 1})`);
    d[k] = e;
    events += e;
    for (let j = 0; j < p; j++) {
      const v = input.covariates[j]![i]!;
      if (!Number.isFinite(v))
        throw new RangeError(`covariate ${input.names[j]} is not a finite number (row ${i + 1})`);
      x[k * p + j] = v - means[j]!;
    }
  }
  if (events === 0) throw new RangeError('event: no events, so the Cox model cannot be fitted');

  let beta = new Array<number>(p).fill(0);
  const initial = partialLikelihood(t, d, x, p, beta, ties);
  let current = initial;
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const step = symmetricSolve(current.information, current.score);
    let candidate = beta.map((b, j) => b + step[j]!);
    let next = partialLikelihood(t, d, x, p, candidate, ties);
    // Step halving, as coxph does, when the likelihood got worse.
    for (let halving = 0; halving < 30 && !(next.loglik >= current.loglik); halving++) {
      candidate = candidate.map((c, j) => (c + beta[j]!) / 2);
      next = partialLikelihood(t, d, x, p, candidate, ties);
    }
    const change = Math.abs(1 - current.loglik / next.loglik);
    const betaChange = Math.max(
      ...candidate.map((c, j) => Math.abs(c - beta[j]!) / Math.max(1, Math.abs(c))),
    );
    beta = candidate;
    current = next;
    if (change < 1e-14 || betaChange < 1e-12) break;
  }
  const variance = symmetricInverse(current.information);
  const z = normalQuantile(1 - (1 - (input.confLevel ?? 0.95)) / 2);
  const terms = beta.map((coef, j): CoxTerm => {
    const se = Math.sqrt(variance[j]![j]!);
    const zStat = coef / se;
    return {
      term: input.names[j]!,
      coef,
      se,
      hr: Math.exp(coef),
      lower: Math.exp(coef - z * se),
      upper: Math.exp(coef + z * se),
      z: zStat,
      p: 2 * normalUpperTail(Math.abs(zStat)),
    };
  });
  // Wald statistic βᵀ V⁻¹ β with V the inverse information.
  const waldChisq = quadraticForm(current.information, beta);
  const lr = 2 * (current.loglik - initial.loglik);
  const scoreSolve = symmetricSolve(initial.information, initial.score);
  const scoreChisq = initial.score.reduce((s, u, j) => s + u * scoreSolve[j]!, 0);
  return {
    terms,
    loglikNull: initial.loglik,
    loglik: current.loglik,
    n,
    events,
    wald: { chisq: waldChisq, df: p, p: chiSquareUpperTail(waldChisq, p) },
    likelihoodRatio: { chisq: lr, df: p, p: chiSquareUpperTail(lr, p) },
    score: { chisq: scoreChisq, df: p, p: chiSquareUpperTail(scoreChisq, p) },
    iterations,
    variance,
  };
}

function quadraticForm(a: number[][], v: number[]): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) for (let j = 0; j < v.length; j++) s += v[i]! * a[i]![j]! * v[j]!;
  return s;
}

/**
 * Log partial likelihood, score vector and observed information at β, one pass over subjects sorted by
 * decreasing time. Risk-set sums S0 = Σ r, S1 = Σ r·x, S2 = Σ r·x·xᵀ (r = exp(xβ)) grow as time decreases;
 * Efron's correction removes the fraction l/d of the tied deaths' sums for the l-th of d tied deaths.
 */
function partialLikelihood(
  t: Float64Array,
  d: Uint8Array,
  x: Float64Array,
  p: number,
  beta: number[],
  ties: CoxTies,
): Pass {
  const n = t.length;
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p * p);
  const d1 = new Float64Array(p);
  const d2 = new Float64Array(p * p);
  const u = new Float64Array(p);
  const info = new Float64Array(p * p);
  const a1 = new Float64Array(p);
  let s0 = 0;
  let loglik = 0;
  let i = 0;
  while (i < n) {
    const ti = t[i]!;
    let d0 = 0;
    let deaths = 0;
    d1.fill(0);
    d2.fill(0);
    // Add everyone with this time to the risk set; accumulate the deaths' sums separately.
    for (; i < n && t[i] === ti; i++) {
      const row = i * p;
      let eta = 0;
      for (let j = 0; j < p; j++) eta += beta[j]! * x[row + j]!;
      const r = Math.exp(eta);
      s0 += r;
      for (let j = 0; j < p; j++) {
        const xr = x[row + j]! * r;
        s1[j]! += xr;
        for (let k = 0; k <= j; k++) s2[j * p + k]! += xr * x[row + k]!;
      }
      if (d[i] === 1) {
        deaths++;
        d0 += r;
        loglik += eta;
        for (let j = 0; j < p; j++) {
          const xj = x[row + j]!;
          u[j]! += xj;
          d1[j]! += xj * r;
          for (let k = 0; k <= j; k++) d2[j * p + k]! += xj * r * x[row + k]!;
        }
      }
    }
    if (deaths === 0) continue;
    for (let l = 0; l < deaths; l++) {
      const frac = ties === 'efron' ? l / deaths : 0;
      const denom = s0 - frac * d0;
      loglik -= Math.log(denom);
      for (let j = 0; j < p; j++) {
        a1[j] = (s1[j]! - frac * d1[j]!) / denom;
        u[j]! -= a1[j]!;
      }
      for (let j = 0; j < p; j++)
        for (let k = 0; k <= j; k++)
          info[j * p + k]! += (s2[j * p + k]! - frac * d2[j * p + k]!) / denom - a1[j]! * a1[k]!;
    }
  }
  const information = Array.from({ length: p }, (_, j) =>
    Array.from({ length: p }, (_, k) => (k <= j ? info[j * p + k]! : info[k * p + j]!)),
  );
  return { loglik, score: Array.from(u), information };
}
