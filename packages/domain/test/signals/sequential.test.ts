import { describe, expect, it } from 'vitest';
import {
  cusum,
  maxSprtAlpha,
  maxSprtCriticalValue,
  maxSprtLlr,
  maxSprtMonitor,
  poissonCusumReference,
} from '../../src/signals/sequential';

describe('Poisson MaxSPRT (Kulldorff et al. 2011)', () => {
  it('gives critical value 3.467952 for alpha 0.05 and 10 expected events (R Sequential::CV.Poisson documentation example)', () => {
    expect(maxSprtCriticalValue(0.05, 10)).toBeCloseTo(3.467952, 5);
  });

  it('matches the closed form when surveillance ends before the second event’s boundary', () => {
    // With cv = 3, a single event signals if it comes before μ1 with ln(1/μ1) − 1 + μ1 = 3.
    const cv = 3;
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (Math.log(1 / mid) - 1 + mid >= cv) lo = mid;
      else hi = mid;
    }
    const mu1 = lo;
    // Surveillance T = 1.01·μ1 < μ2: no signal iff no event by μ1 and at most one more by T.
    const dt = 0.01 * mu1;
    expect(maxSprtAlpha(cv, mu1 + dt)).toBeCloseTo(1 - Math.exp(-mu1) * Math.exp(-dt) * (1 + dt), 12);
  });

  it('computes LLR c·ln(c/μ) − (c − μ) for c > μ and 0 otherwise', () => {
    expect(maxSprtLlr(10, 4)).toBeCloseTo(10 * Math.log(2.5) - 6, 12);
    expect(maxSprtLlr(3, 4)).toBe(0);
  });

  it('flags the first look whose LLR reaches the critical value', () => {
    const r = maxSprtMonitor([1, 3, 9, 12], [1, 2, 3, 4], 3.467952);
    expect(r.firstSignal).toBe(2);
    expect(r.looks.map((l) => l.signal)).toEqual([false, false, true, false]);
  });
});

describe('one-sided CUSUM (Page 1954)', () => {
  it('accumulates x − k above zero and alarms at h', () => {
    const r = cusum([3, 5, 9, 8, 2, 1], 5, 6);
    expect(r.statistic).toEqual([0, 0, 4, 7, 4, 0]);
    expect(r.alarms).toEqual([3]);
  });

  it('restarts from zero after an alarm when asked', () => {
    expect(cusum([10, 10], 2, 5, true).statistic).toEqual([8, 8]);
  });

  it('uses Lucas (1985) reference k = (μ1 − μ0)/ln(μ1/μ0): 4/ln 2 for μ0 = 4, μ1 = 8', () => {
    expect(poissonCusumReference(4, 8)).toBeCloseTo(4 / Math.LN2, 12);
  });

  it('rejects a negative count naming the period', () => {
    expect(() => cusum([1, -1], 1, 2)).toThrow(/period 2/);
  });
});
