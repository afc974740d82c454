import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cusum,
  maxSprtAlpha,
  maxSprtCriticalValue,
  maxSprtLlr,
  maxSprtMonitor,
  poissonCusumReference,
} from '../../src/signals/sequential';
import { maxSprtAlphaReference, maxSprtCriticalValueReference } from '../../src/signals/sequential-reference';

/**
 * Exact critical values of the continuous Poisson MaxSPRT for alpha = 0.05 and D = 0, by surveillance length T
 * (expected events) and minimum events M: the table of Silva and Kulldorff shipped with R Sequential
 * (TableCV.PoissonM, inlined in R/CV.Poisson.R of the CRAN sources; CV.Poisson returns these values), whose
 * M = 1 column is the critical value table of Kulldorff et al. (2011).
 */
const PUBLISHED: { T: number; M: number; cv: number }[] = [
  { T: 1, M: 1, cv: 2.85393700326128 },
  { T: 2, M: 1, cv: 3.0469774628286 },
  { T: 5, M: 1, cv: 3.29718279728549 },
  { T: 10, M: 1, cv: 3.46795158033368 },
  { T: 20, M: 1, cv: 3.62812301587201 },
  { T: 50, M: 1, cv: 3.81990269391777 },
  { T: 100, M: 1, cv: 3.95232090599911 },
  { T: 200, M: 1, cv: 4.07482766406364 },
  { T: 500, M: 1, cv: 4.22263170622893 },
  { T: 1000, M: 1, cv: 4.32491732176988 },
  { T: 3, M: 6, cv: 1.76648463065627 },
  { T: 4, M: 8, cv: 1.56463589358817 },
  { T: 10, M: 2, cv: 3.23800870652229 },
  { T: 10, M: 4, cv: 2.92156132978567 },
  { T: 10, M: 10, cv: 2.2814406139523 },
  { T: 50, M: 4, cv: 3.4555214311217 },
  { T: 100, M: 2, cv: 3.81014086931301 },
  { T: 100, M: 10, cv: 3.35579446678864 },
];

describe('Poisson MaxSPRT (Kulldorff et al. 2011)', () => {
  it('gives critical value 3.467952 for alpha 0.05 and 10 expected events (R Sequential::CV.Poisson documentation example)', () => {
    expect(maxSprtCriticalValue(0.05, 10)).toBeCloseTo(3.467952, 5);
  });

  it.each(PUBLISHED)('gives the published critical value for T = $T, M = $M: $cv', ({ T, M, cv }) => {
    expect(maxSprtCriticalValue(0.05, T, M)).toBeCloseTo(cv, 9);
  });

  it('has exactly the published type I error at the published critical values', () => {
    for (const { T, M, cv } of PUBLISHED.filter((p) => p.T <= 100)) {
      expect(maxSprtAlpha(cv, T, M)).toBeCloseTo(0.05, 10);
    }
  });

  it('answers as the straightforward evaluation (ln Γ per term, full convolution) on a grid', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 6, noNaN: true }),
        fc.double({ min: 0.05, max: 40, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (cv, T, M) => {
          expect(Math.abs(maxSprtAlpha(cv, T, M) - maxSprtAlphaReference(cv, T, M))).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 150 },
    );
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(0.01, 0.05, 0.1),
        (T, M, alpha) => {
          const ref = maxSprtCriticalValueReference(alpha, T, M);
          expect(Math.abs(maxSprtCriticalValue(alpha, T, M) - ref)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('keeps the smallest bracket end when no critical value can spend alpha (P(N(T) ≥ M) < alpha)', () => {
    // P(N(1) ≥ 4) = 0.019 < 0.05: R Sequential refuses; the straightforward bisection ends at 10⁻⁶ too.
    expect(maxSprtCriticalValue(0.05, 1, 4)).toBeCloseTo(maxSprtCriticalValueReference(0.05, 1, 4), 9);
  });

  it('rejects a minimum number of events that is not a positive integer', () => {
    expect(() => maxSprtAlpha(3, 10, 1.5)).toThrow(/minEvents/);
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
