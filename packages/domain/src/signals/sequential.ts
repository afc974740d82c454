/**
 * Sequential early warning for an adverse-event count against its expected count: Page's one-sided CUSUM and the
 * Poisson maximized sequential probability ratio test (MaxSPRT) of Kulldorff et al. (2011), Sequential Analysis
 * 30:58–78, used in vaccine-safety surveillance (CDC Vaccine Safety Datalink).
 */
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

/**
 * The expected count μ < k at which k events give LLR = cv: the latest time the k-th event can come and still
 * signal. With x = μ/k the LLR equation is x − 1 − ln x = cv/k, solved by Newton's method from x₀ = e^(−1−cv/k),
 * left of the root; the function is convex and decreasing on (0, 1), so the iterates rise monotonically to the
 * root and the loop ends when they stop rising (at machine precision). x − 1 and ln x = log1p(x − 1) keep the
 * cancellation near x = 1 (large k) small.
 */
function boundaryTime(k: number, cv: number): number {
  const target = cv / k;
  let x = Math.exp(-1 - target);
  for (let i = 0; i < 100; i++) {
    const d = x - 1;
    const g = d - Math.log1p(d) - target;
    const next = x - g / (1 - 1 / x);
    if (!(next > x) || next >= 1) break;
    x = next;
  }
  return k * x;
}

/** ln m for m = 0, 1, 2, …, grown on demand: the Poisson recurrence needs one per term. */
let logInt = new Float64Array([Number.NEGATIVE_INFINITY, 0]);
function logIntegers(n: number): Float64Array {
  if (n < logInt.length) return logInt;
  const grown = new Float64Array(Math.max(n + 1, 2 * logInt.length));
  grown.set(logInt);
  for (let m = logInt.length; m < grown.length; m++) grown[m] = Math.log(m);
  logInt = grown;
  return logInt;
}

/** Poisson probabilities below this (absolutely) are dropped: the mass left out is ≤ K × 10⁻²⁴ in all. */
const NEGLIGIBLE = 1e-24;

/**
 * Type I error of continuous Poisson MaxSPRT monitoring with critical value `cv`, surveillance length `length`
 * (expected events under H0) and at least `minEvents` events to signal (Kulldorff et al. 2011, §3): the k-th
 * event signals iff it comes by the boundary time μ_k, so the probability of no signal is that of the count
 * staying below k at every μ_k < length, propagated exactly between boundary times.
 *
 * Between two boundary times the count grows by a Poisson(Δ) number, whose probabilities come from the
 * recurrence ln p_m = ln p_(m−1) + ln Δ − ln m (no ln Γ per term) and stop where the rest of the tail is below
 * 10⁻²⁴; count states whose probability fell below 10⁻²⁴ are dropped from the bottom. That makes each step
 * O(window × tail) instead of O(K²) ln Γ calls; what is left out is below 10⁻²⁰ of α for K up to 10⁴, far
 * inside double precision of α itself. `sequential-reference.ts` keeps the straightforward evaluation.
 */
export function maxSprtAlpha(cv: number, length: number, minEvents = 1): number {
  if (!(cv > 0)) throw new RangeError(`critical value must be > 0 (got ${cv})`);
  if (!(length > 0)) throw new RangeError(`length must be > 0 expected events (got ${length})`);
  if (!(Number.isInteger(minEvents) && minEvents >= 1))
    throw new RangeError(`minEvents must be an integer ≥ 1 (got ${minEvents})`);
  const times: number[] = [];
  for (let k = minEvents; ; k++) {
    const time = boundaryTime(k, cv);
    if (time >= length) break;
    times.push(time);
  }
  const maxK = minEvents - 1 + times.length;
  // q[j] = P(j events so far and no signal) for lo ≤ j ≤ hi; counts above maxK can always signal by `length`.
  let q = new Float64Array(maxK + 1);
  let next = new Float64Array(maxK + 1);
  let pmf = new Float64Array(64);
  q[0] = 1;
  let lo = 0;
  let hi = 0;
  let now = 0;
  const advance = (to: number, keepBelow: number) => {
    const dt = to - now;
    now = to;
    const top = Math.min(keepBelow - 1, maxK);
    if (!(dt > 0)) {
      hi = Math.min(hi, top);
      return;
    }
    // Poisson(dt) probabilities p_0 … p_L, L no further than any count that can still be kept.
    const span = top - lo;
    const ln = logIntegers(span + 1);
    const lnDt = Math.log(dt);
    let lp = -dt;
    let L = 0;
    for (let m = 0; m <= span; m++) {
      if (m > 0) lp += lnDt - ln[m]!;
      if (m >= pmf.length) {
        const grown = new Float64Array(2 * pmf.length);
        grown.set(pmf);
        pmf = grown;
      }
      const p = Math.exp(lp);
      pmf[m] = p;
      L = m;
      // Past the mode the terms fall by dt/(m+1) each, so the tail after m is below p·(m+1)/(m+1−dt).
      if (m + 1 > dt && (p * (m + 1)) / (m + 1 - dt) < NEGLIGIBLE) break;
    }
    const newHi = Math.min(top, hi + L);
    for (let j = lo; j <= newHi; j++) {
      let s = 0;
      const from = Math.max(lo, j - L);
      const last = Math.min(j, hi);
      for (let i = from; i <= last; i++) s += q[i]! * pmf[j - i]!;
      next[j] = s;
    }
    const swap = q;
    q = next;
    next = swap;
    hi = newHi;
    while (lo < hi && q[lo]! < NEGLIGIBLE) lo++;
  };
  for (const [i, time] of times.entries()) advance(time, minEvents + i);
  advance(length, maxK + 1);
  let noSignal = 0;
  for (let j = lo; j <= hi; j++) noSignal += q[j]!;
  return 1 - noSignal;
}

/** Critical values already computed, by (length, alpha, minEvents): the monitor asks for the same ones again. */
const criticalValues = new Map<string, number>();
const CACHE_SIZE = 4096;

/** Forgets the cached critical values (for timing the computation itself). */
export function clearCriticalValueCache(): void {
  criticalValues.clear();
}

/**
 * Critical value of the continuous Poisson MaxSPRT for significance `alpha`, surveillance length `length`
 * (expected events under H0) and minimum events `minEvents` (R Sequential::CV.Poisson with D = 0): the smallest
 * cv whose exact type I error is ≤ alpha, to 10⁻¹² (absolute). The type I error falls continuously with cv; the
 * root is bracketed and found by regula falsi with the Illinois modification (a bisection step when one end
 * is kept three times running), about 20 evaluations where bisection to the same precision takes 45. Where
 * even cv → 0 keeps the error below alpha (P(N(length) ≥ minEvents) < alpha) the answer is the bracket's
 * lower end, 10⁻⁶. Results are cached.
 */
export function maxSprtCriticalValue(alpha: number, length: number, minEvents = 1): number {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5) (got ${alpha})`);
  if (!(length > 0)) throw new RangeError(`length must be > 0 expected events (got ${length})`);
  const key = `${length}|${alpha}|${minEvents}`;
  const cached = criticalValues.get(key);
  if (cached !== undefined) return cached;
  const f = (cv: number) => maxSprtAlpha(cv, length, minEvents) - alpha;
  let a = 1e-6;
  let b = 50;
  let fa = f(a);
  let fb = f(b);
  let cv: number;
  if (fa <= 0) cv = a;
  else {
    while (fb > 0 && b < 1e4) {
      a = b;
      fa = fb;
      b *= 2;
      fb = f(b);
    }
    // fa > 0 ≥ fb: the root lies in (a, b]. An end kept three times running is moved by bisection.
    let side = 0;
    let kept = 0;
    for (let i = 0; i < 200 && b - a > 1e-12; i++) {
      let c = b - (fb * (b - a)) / (fb - fa);
      if (!(c > a && c < b) || kept >= 3) {
        c = a + (b - a) / 2;
        kept = 0;
      }
      const fc = f(c);
      if (fc > 0) {
        a = c;
        fa = fc;
        if (side === -1) {
          fb /= 2;
          kept++;
        } else kept = 0;
        side = -1;
      } else {
        b = c;
        fb = fc;
        if (side === 1) {
          fa /= 2;
          kept++;
        } else kept = 0;
        side = 1;
      }
    }
    cv = b;
  }
  if (criticalValues.size >= CACHE_SIZE) criticalValues.delete(criticalValues.keys().next().value!);
  criticalValues.set(key, cv);
  return cv;
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
