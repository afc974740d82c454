import { describe, expect, it } from 'vitest';
import {
  type CdfPoint,
  gammaCdfAndDensity,
  gammaMixtureQuantile,
  gammaQuantileFast,
  temmeLowerGamma,
} from '../../src/signals/gammaMixture';
import { type GammaMixturePrior, PosteriorScorer, posteriorScores } from '../../src/signals/mgps';
import { gammaP, logGamma } from '../../src/stats/distributions';
import dist from '../stats/fixtures/distributions.json';
import { expectClose } from '../stats/helpers';

/**
 * Reference quantile by plain bisection on the mixture distribution function (the definition, computed with the
 * independent stats/distributions gammaP), bracketed by doubling and narrowed to 1e-14 relative.
 */
function bisectionQuantile(prob: number, w: number, s1: number, r1: number, s2: number, r2: number): number {
  const cdf = (x: number) => w * gammaP(s1, r1 * x) + (1 - w) * gammaP(s2, r2 * x);
  let lo = 0;
  let hi = 1;
  while (cdf(hi) < prob) hi *= 2;
  while (cdf(hi / 2) >= prob && hi > 1e-300) hi /= 2;
  lo = hi / 2;
  for (let i = 0; i < 2000 && hi - lo > 1e-14 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (cdf(mid) < prob) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Priors: DuMouchel's (1999) start, openEBGM's caers fit, and a large-table fit with a very narrow component. */
const PRIORS: [string, GammaMixturePrior][] = [
  ['DuMouchel 1999 start', { alpha1: 0.2, beta1: 0.1, alpha2: 2, beta2: 4, p: 1 / 3 }],
  [
    'openEBGM caers fit',
    { alpha1: 3.25596685, beta1: 0.39998994, alpha2: 2.02376139, beta2: 1.90614108, p: 0.06530755 },
  ],
  ['narrow second component', { alpha1: 6.33, beta1: 1.53, alpha2: 2068.7, beta2: 2214.3, p: 0.0203 }],
];
const COUNTS = [0, 1, 2, 3, 7, 40, 250, 5000, 200000];
const EXPECTED = [1e-4, 0.036, 0.4, 1, 6, 90, 3000];

describe('gammaMixtureQuantile agrees with bisection on the posterior mixture', () => {
  for (const [name, prior] of PRIORS)
    it(`EB05 and EB95 within 1e-6 relative over n ∈ {${COUNTS.join(', ')}} × E ∈ {${EXPECTED.join(', ')}} (${name})`, () => {
      const scorer = new PosteriorScorer(prior);
      const out = { qn: 0, ebgm: 0, eb05: 0, eb95: 0 };
      let worst = 0;
      for (const n of COUNTS)
        for (const e of EXPECTED) {
          scorer.score(n, e, out);
          const { alpha1: a1, beta1: b1, alpha2: a2, beta2: b2 } = prior;
          for (const [prob, got] of [
            [0.05, out.eb05],
            [0.95, out.eb95],
          ] as const) {
            const want = bisectionQuantile(prob, out.qn, a1 + n, b1 + e, a2 + n, b2 + e);
            const rel = Math.abs(got / want - 1);
            worst = Math.max(worst, rel);
            expect(rel, `n=${n} E=${e} p=${prob}: ${got} vs bisection ${want}`).toBeLessThan(1e-6);
          }
          expect(out.eb05).toBeLessThan(out.eb95);
        }
      expect(worst).toBeLessThan(1e-6);
    });

  it('handles a narrow component far from a wide one with comparable weights (n = 6, E = 1.62, narrow prior)', () => {
    const prior = PRIORS[2]![1];
    const out = { qn: 0, ebgm: 0, eb05: 0, eb95: 0 };
    new PosteriorScorer(prior).score(6, 1.6214, out);
    // Both components carry weight: the 95% quantile lies in the wide one, well above the narrow one near 0.94.
    expect(out.qn).toBeGreaterThan(0.2);
    expect(out.qn).toBeLessThan(0.8);
    const { alpha1: a1, beta1: b1, alpha2: a2, beta2: b2 } = prior;
    for (const [prob, got] of [
      [0.05, out.eb05],
      [0.95, out.eb95],
    ] as const)
      expectClose(
        got,
        bisectionQuantile(prob, out.qn, a1 + 6, b1 + 1.6214, a2 + 6, b2 + 1.6214),
        `q${prob}`,
        1e-9,
      );
    expect(out.eb95).toBeGreaterThan(3);
  });

  it('finds the quantile of an evenly weighted mixture of well-separated gammas (F(x) = 0.05 by definition)', () => {
    // w = ½, Gamma(2, 1) and Gamma(50, 0.5): at the 5% quantile the mixture CDF must be exactly 0.05.
    const x = gammaMixtureQuantile(0.05, -1.6448536269514729, 0.5, 2, 1, logGamma(2), 50, 0.5, logGamma(50));
    const cdf = 0.5 * gammaP(2, x) + 0.5 * gammaP(50, 0.5 * x);
    expect(Math.abs(cdf - 0.05)).toBeLessThan(1e-12);
    expectClose(x, bisectionQuantile(0.05, 0.5, 2, 1, 50, 0.5), 'x', 1e-9);
  });

  it('rejects a probability outside (0, 1), naming it', () => {
    expect(() => gammaMixtureQuantile(1, 0, 1, 2, 1, 0, 2, 1, 0)).toThrow(/prob/);
  });
});

describe('gammaQuantileFast', () => {
  for (const q of dist.qgamma)
    it(`matches R qgamma(${q.p}, ${q.shape}, ${q.rate}) = ${q.q} (fixtures/distributions.json)`, () => {
      expectClose(gammaQuantileFast(q.p, q.shape, q.rate, logGamma(q.shape)), q.q, 'quantile', 1e-9);
    });
});

describe('gammaCdfAndDensity', () => {
  it('equals the regularized incomplete gamma P(s, y) and the Gamma(s, 1) density on both sides of y = s + 1', () => {
    const out: CdfPoint = { cdf: 0, density: 0 };
    for (const s of [0.3, 1, 4.5, 120])
      for (const y of [0.01, 0.9, 5, 150]) {
        gammaCdfAndDensity(s, y, logGamma(s), out);
        expectClose(out.cdf, gammaP(s, y), `P(${s}, ${y})`, 1e-12);
        expectClose(out.density, Math.exp((s - 1) * Math.log(y) - y - logGamma(s)), `g(${s}, ${y})`, 1e-12);
      }
  });
});

describe('PosteriorScorer', () => {
  it('gives the same scores as posteriorScores pair by pair, whether a count is cached or not', () => {
    const prior = PRIORS[1]![1];
    const scorer = new PosteriorScorer(prior);
    const out = { qn: 0, ebgm: 0, eb05: 0, eb95: 0 };
    for (const [n, e] of [
      [16, 0.40643623],
      [16, 2.5],
      [9000, 4000],
      [9000, 4000.5],
    ] as const) {
      scorer.score(n, e, out);
      expect(out).toEqual(posteriorScores(prior, n, e));
    }
  });

  it('rejects a negative count and a zero expected count, naming the field', () => {
    const scorer = new PosteriorScorer(PRIORS[0]![1]);
    const out = { qn: 0, ebgm: 0, eb05: 0, eb95: 0 };
    expect(() => scorer.score(-1, 1, out)).toThrow(/n:/);
    expect(() => scorer.score(1, 0, out)).toThrow(/e:/);
  });
});

describe('temmeLowerGamma', () => {
  it('agrees with the series / continued fraction P(s, y) to 2e-9 for s ≥ 300 (DLMF 8.12, truncated after c₁)', () => {
    for (const s of [300, 2069.5, 10000, 250000])
      for (const z of [-8, -3, -1.645, -0.2, -1e-3, 0, 1e-6, 4e-3, 0.5, 1.645, 3, 9]) {
        const y = s + z * Math.sqrt(s);
        expect(Math.abs(temmeLowerGamma(s, y) - gammaP(s, y)), `s=${s} y=${y}`).toBeLessThan(2e-9);
      }
  });

  it('is ½ + O(1/√s) at y = s: P(1000, 1000) = 0.5 + 1/(3√(2π·1000)) up to O(s^-3/2) (DLMF 8.12.12, c₀(0) = −1/3)', () => {
    expect(
      Math.abs(temmeLowerGamma(1000, 1000) - (0.5 + 1 / (3 * Math.sqrt(2 * Math.PI * 1000)))),
    ).toBeLessThan(1e-6);
  });
});
