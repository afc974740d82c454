/**
 * The straightforward evaluation of the Poisson MaxSPRT type I error and critical value (Kulldorff et al. 2011,
 * Sequential Analysis 30:58–78, §3): every boundary time by bisection on the LLR, every Poisson probability from
 * ln Γ, the full convolution between boundary times and 60 bisections on the critical value. It is kept as the
 * reference the fast evaluation in `sequential.ts` is tested against, and for the benchmark's before figure;
 * it costs O(K³) ln Γ calls per type I error (K ≈ the expected count at the end), 13 s on the demo.
 */
import { logGamma } from '../stats/distributions';
import { maxSprtLlr } from './sequential';

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

/** Type I error of continuous Poisson MaxSPRT monitoring, by full propagation of the count's distribution. */
export function maxSprtAlphaReference(cv: number, length: number, minEvents = 1): number {
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

/** Critical value by 60 bisections of [10⁻⁶, 50] on `maxSprtAlphaReference`. */
export function maxSprtCriticalValueReference(alpha: number, length: number, minEvents = 1): number {
  let lo = 1e-6;
  let hi = 50;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (maxSprtAlphaReference(mid, length, minEvents) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}
