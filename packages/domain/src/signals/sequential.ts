/**
 * Sequential early warning for an adverse-event count against its expected count: Page's one-sided CUSUM and the
 * Poisson maximized sequential probability ratio test (MaxSPRT) of Kulldorff et al. (2011), Sequential Analysis
 * 30:58–78, used in vaccine-safety surveillance (CDC Vaccine Safety Datalink).
 */
import { logGamma } from '../stats/distributions';

export interface CusumResult {
  /** S_t after each period. */
  statistic: number[];
  /** Indices of the periods where S_t reached the decision limit. */
  alarms: number[];
}

/**
 * One-sided upper CUSUM (Page 1954): S_t = max(0, S_{t−1} + x_t − k); alarm when S_t ≥ h. With `reset`, S is set
 * back to 0 after an alarm. `reference` (k) and `limit` (h) are in counts per period.
 */
export function cusum(
  observed: readonly number[],
  reference: number,
  limit: number,
  reset = false,
): CusumResult {
  if (!(limit > 0)) throw new RangeError(`limit must be > 0 (got ${limit})`);
  if (!Number.isFinite(reference)) throw new RangeError(`reference must be a number (got ${reference})`);
  const statistic: number[] = [];
  const alarms: number[] = [];
  let s = 0;
  for (const [t, x] of observed.entries()) {
    if (!Number.isFinite(x) || x < 0)
      throw new RangeError(`observed count must be ≥ 0 (period ${t + 1}: ${x})`);
    s = Math.max(0, s + x - reference);
    statistic.push(s);
    if (s >= limit) {
      alarms.push(t);
      if (reset) s = 0;
    }
  }
  return { statistic, alarms };
}

/**
 * Reference value of the Poisson CUSUM that is optimal for detecting a shift of the mean from μ0 to μ1:
 * k = (μ1 − μ0)/(ln μ1 − ln μ0) (Lucas 1985, Technometrics 27:129).
 */
export function poissonCusumReference(mu0: number, mu1: number): number {
  if (!(mu0 > 0 && mu1 > mu0)) throw new RangeError('need 0 < μ0 < μ1');
  return (mu1 - mu0) / (Math.log(mu1) - Math.log(mu0));
}

/** Poisson MaxSPRT log-likelihood ratio for c observed against μ expected: c·ln(c/μ) − (c − μ) if c > μ, else 0. */
export function maxSprtLlr(observed: number, expected: number): number {
  if (!(expected > 0)) throw new RangeError(`expected must be > 0 (got ${expected})`);
  if (observed <= expected) return 0;
  return observed * Math.log(observed / expected) - (observed - expected);
}

/** The expected count μ < k at which k events give LLR = cv (the latest time the k-th event can come and signal). */
function boundaryTime(k: number, cv: number): number {
  let lo = 0;
  let hi = k;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (maxSprtLlr(k, mid) >= cv) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Type I error of continuous Poisson MaxSPRT monitoring with critical value `cv`, surveillance length `length`
 * (expected events under H0) and at least `minEvents` events to signal, computed exactly by propagating the
 * Poisson distribution of the count between the boundary times (Kulldorff et al. 2011, §3).
 */
export function maxSprtAlpha(cv: number, length: number, minEvents = 1): number {
  const boundaries: { k: number; time: number }[] = [];
  for (let k = minEvents; ; k++) {
    const time = boundaryTime(k, cv);
    if (time >= length) break;
    boundaries.push({ k, time });
  }
  const maxK = boundaries.length ? boundaries[boundaries.length - 1]!.k : minEvents - 1;
  // q[j] = P(j events so far and no signal); counts above maxK can always signal before `length`.
  let q = new Float64Array(maxK + 1);
  q[0] = 1;
  let now = 0;
  const advance = (to: number, keepBelow: number) => {
    const dt = to - now;
    const next = new Float64Array(q.length);
    for (let j = 0; j < keepBelow && j < q.length; j++) {
      let total = 0;
      for (let i = 0; i <= j; i++) {
        if (q[i] === 0) continue;
        const m = j - i;
        total += q[i]! * Math.exp(m * Math.log(dt) - dt - logGamma(m + 1));
      }
      next[j] = dt === 0 ? q[j]! : total;
    }
    q = next;
    now = to;
  };
  for (const b of boundaries) advance(b.time, b.k);
  advance(length, maxK + 1);
  let noSignal = 0;
  for (const v of q) noSignal += v;
  return 1 - noSignal;
}

/**
 * Critical value of the continuous Poisson MaxSPRT for significance `alpha` and surveillance length `length`
 * (R Sequential::CV.Poisson with D = 0), by bisection on the exact type I error.
 */
export function maxSprtCriticalValue(alpha: number, length: number, minEvents = 1): number {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5) (got ${alpha})`);
  if (!(length > 0)) throw new RangeError(`length must be > 0 expected events (got ${length})`);
  let lo = 1e-6;
  let hi = 50;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (maxSprtAlpha(mid, length, minEvents) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface MaxSprtLook {
  observed: number;
  expected: number;
  llr: number;
  signal: boolean;
}

/**
 * Monitors cumulative (observed, expected) pairs, one per look, against critical value `cv`; surveillance stops
 * at the first signal (later looks are still reported, flagged false).
 */
export function maxSprtMonitor(
  observed: readonly number[],
  expected: readonly number[],
  cv: number,
): {
  looks: MaxSprtLook[];
  firstSignal: number;
} {
  if (observed.length !== expected.length) throw new RangeError('observed and expected need the same length');
  let firstSignal = -1;
  const looks = observed.map((c, i) => {
    const llr = maxSprtLlr(c, expected[i]!);
    const signal = firstSignal < 0 && llr >= cv;
    if (signal) firstSignal = i;
    return { observed: c, expected: expected[i]!, llr, signal };
  });
  return { looks, firstSignal };
}
