import { describe, expect, it } from 'vitest';
import { intern, tableFromCounts, tableFromReports } from '../../src/signals/contingency';
import { disproportionality, yatesChiSquare } from '../../src/signals/disproportionality';
import { fitPrior, posteriorScores } from '../../src/signals/mgps';
import { screenTable } from '../../src/signals/screen';
import dist from '../stats/fixtures/distributions.json';
import { expectClose } from '../stats/helpers';

describe('2×2 disproportionality', () => {
  for (const t of dist.yates) {
    it(`Yates χ² of [${t.a}, ${t.b}; ${t.c}, ${t.d}] equals R chisq.test(correct = TRUE) (fixtures/distributions.json)`, () => {
      expectClose(yatesChiSquare(t), t.chisq, 'chisq', 1e-9);
    });
  }

  it('computes PRR, ROR with Woolf interval and IC by their definitions (a=10, b=90, c=200, d=9700)', () => {
    const r = disproportionality({ a: 10, b: 90, c: 200, d: 9700 });
    expect(r.prr).toBeCloseTo(0.1 / (200 / 9900), 12);
    expect(r.ror).toBeCloseTo((10 * 9700) / (90 * 200), 12);
    const se = Math.sqrt(1 / 10 + 1 / 90 + 1 / 200 + 1 / 9700);
    expect(r.rorLower).toBeCloseTo(r.ror * Math.exp(-1.959963984540054 * se), 10);
    expect(r.expected).toBeCloseTo((100 * 210) / 10000, 12);
    expect(r.ic).toBeCloseTo(Math.log2(10.5 / 2.6), 12);
    expect(r.evans).toBe(true);
  });

  it('takes IC025 from the Gamma(a + ½, E + ½) 2.5% quantile (R qgamma(0.025, 20.5, 3.3), fixtures/distributions.json)', () => {
    // a = 20 with E = 40·70/1000 = 2.8, so the posterior is Gamma(20.5, 3.3) (Norén et al. 2013).
    const q = dist.qgamma.find((x) => x.shape === 20.5 && x.rate === 3.3)!;
    const r = disproportionality({ a: 20, b: 20, c: 50, d: 910 });
    expectClose(r.expected, 2.8, 'E', 1e-12);
    expectClose(r.ic025, Math.log2(q.q), 'IC025', 1e-9);
  });

  it('is not an Evans signal with fewer than 3 reports even when PRR and χ² are large', () => {
    expect(disproportionality({ a: 2, b: 0, c: 1, d: 10000 }).evans).toBe(false);
  });
});

describe('report tables', () => {
  it('counts distinct reports for pairs, margins and total (a duplicated row counts once)', () => {
    const rows = [
      ['r1', 'P', 'X'],
      ['r1', 'P', 'X'],
      ['r1', 'P', 'Y'],
      ['r2', 'P', 'X'],
      ['r2', 'Q', 'X'],
      ['r3', 'Q', 'Y'],
    ];
    const r = intern(rows.map((x) => x[0]!));
    const p = intern(rows.map((x) => x[1]!));
    const e = intern(rows.map((x) => x[2]!));
    const t = tableFromReports(r.ids, p.ids, e.ids, 3, 2, 2);
    expect(t.total).toBe(3);
    expect(Array.from(t.productTotal)).toEqual([2, 2]);
    expect(Array.from(t.eventTotal)).toEqual([2, 2]);
    expect(Array.from(t.a)).toEqual([2, 1, 1, 1]);
  });

  it('sums aggregated counts', () => {
    const t = tableFromCounts(Int32Array.from([0, 0, 1]), Int32Array.from([0, 1, 0]), [5, 3, 2], 2, 2);
    expect(t.total).toBe(10);
    expect(Array.from(t.productTotal)).toEqual([8, 2]);
    expect(() => tableFromCounts(Int32Array.from([0]), Int32Array.from([0]), [-1], 1, 1)).toThrow(/count/);
  });
});

describe('MGPS posterior scores against openEBGM 0.9.1 vignette "Empirical Bayes Metrics" (caers)', () => {
  // Hyperparameters printed by autoHyper on the squashed caers data (openEBGM vignette "Hyperparameter
  // Estimation", hyper_estimates_squashed$estimates); N, E and the rounded EBGM/QUANT_05/QUANT_95 are the
  // vignette's printed rows. openEBGM rounds to 2 decimals and finds quantiles by bisection to ~0.01.
  const theta = {
    alpha1: 3.25374319,
    beta1: 0.39988512,
    alpha2: 2.02611022,
    beta2: 1.90806892,
    p: 0.06534614,
  };
  const rows: [string, number, number, number, number, number][] = [
    ['1-PHENYLALANINE / HEART RATE INCREASED', 1, 0.0360548272, 2.23, 0.49, 13.85],
    ['11 UNSPECIFIED VITAMINS / ASTHMA', 1, 0.0038736591, 2.58, 0.52, 15.78],
    ['11 UNSPECIFIED VITAMINS / DYSPNOEA', 1, 0.076579261, 1.92, 0.47, 11.77],
    ['REUMOFAN PLUS / WEIGHT INCREASED', 16, 0.40643623, 23.26, 15.68, 33.48],
    ['HYDROXYCUT REGULAR RAPID RELEASE CAPLETS / EMOTIONAL DISTRESS', 19, 0.89690107, 16.78, 11.65, 23.55],
    ['REUMOFAN PLUS / IMMOBILE', 6, 0.07866508, 18.28, 10.16, 30.83],
    ['HYDROXYCUT HARDCORE CAPSULES / CARDIO-RESPIRATORY DISTRESS', 8, 0.30482718, 15.25, 9.0, 24.52],
  ];
  for (const [pair, n, e, ebgm, q05, q95] of rows) {
    it(`${pair}: N=${n}, E=${e} → EBGM ${ebgm}, QUANT_05 ${q05}, QUANT_95 ${q95}`, () => {
      const s = posteriorScores(theta, n, e);
      expect(Math.abs(s.ebgm - ebgm)).toBeLessThan(0.0051);
      expect(Math.abs(s.eb05 - q05)).toBeLessThan(0.011);
      expect(Math.abs(s.eb95 - q95)).toBeLessThan(0.011);
    });
  }

  it('gives Qn 0.2819737 for the first caers pair (vignette head(qn))', () => {
    expect(posteriorScores(theta, 1, 0.0360548272).qn).toBeCloseTo(0.2819737, 4);
  });
});

describe('MGPS prior fit', () => {
  it('recovers a known two-gamma prior from simulated counts (maximum likelihood moves towards the truth)', () => {
    // Deterministic pseudo-random generator (mulberry32) for reproducible simulation.
    let seed = 12345;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const gamma = (shape: number): number => {
      // Marsaglia & Tsang (2000), boosted for shape < 1.
      if (shape < 1) return gamma(shape + 1) * rand() ** (1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const u1 = rand();
        const u2 = rand();
        const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        const v = (1 + c * z) ** 3;
        if (v > 0 && Math.log(rand()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    const poisson = (mean: number): number => {
      let k = 0;
      let p = Math.exp(-mean);
      let s = p;
      const u = rand();
      while (u > s) {
        k++;
        p *= mean / k;
        s += p;
      }
      return k;
    };
    const n: number[] = [];
    const e: number[] = [];
    while (n.length < 20000) {
      const ei = 0.05 + 3 * rand();
      const lambda = rand() < 0.1 ? gamma(4) / 0.5 : gamma(3) / 3;
      const count = poisson(lambda * ei);
      if (count > 0) {
        n.push(count);
        e.push(ei);
      }
    }
    const fit = fitPrior(n, e);
    const [big, small] = fit.alpha1 / fit.beta1 > fit.alpha2 / fit.beta2 ? [1, 2] : [2, 1];
    const mean = (k: number) => (k === 1 ? fit.alpha1 / fit.beta1 : fit.alpha2 / fit.beta2);
    expect(mean(big)).toBeGreaterThan(5);
    expect(mean(big)).toBeLessThan(11);
    expect(Math.abs(mean(small) - 1)).toBeLessThan(0.2);
  });
});

describe('screenTable', () => {
  it('returns one scored row per pair with the fitted prior', () => {
    const rows: [string, string, number][] = [];
    for (let i = 0; i < 40; i++)
      for (let j = 0; j < 30; j++)
        if ((i * 7 + j * 3) % 5 === 0) rows.push([`P${i}`, `E${j}`, 1 + ((i + j) % 4)]);
    rows.push(['P0', 'E0', 40]);
    const p = intern(rows.map((r) => r[0]));
    const e = intern(rows.map((r) => r[1]));
    const table = tableFromCounts(
      p.ids,
      e.ids,
      rows.map((r) => r[2]),
      p.labels.length,
      e.labels.length,
    );
    const result = screenTable(table);
    expect(result.pairs.length).toBe(table.a.length);
    const top = result.pairs.find((x) => x.a >= 40)!;
    expect(top.ebgm).toBeGreaterThan(1);
    expect(top.eb05).toBeLessThan(top.ebgm);
    expect(top.eb95).toBeGreaterThan(top.ebgm);
    expect(Number.isFinite(result.prior.logLik)).toBe(true);
  });
});
