import { describe, expect, it } from 'vitest';
import { clopperPearson, wilson } from '../../src/stats/proportions';
import props from './fixtures/proportions.json';
import { expectClose } from './helpers';

describe('binomial intervals against R binom.test and prop.test (fixtures/proportions.json)', () => {
  for (const c of props.cases) {
    it(`${c.x}/${c.n}: ${c.r}`, () => {
      const cp = clopperPearson(c.x, c.n);
      expectClose(cp.lower, c.cpLower, 'Clopper–Pearson lower', 1e-9);
      expectClose(cp.upper, c.cpUpper, 'Clopper–Pearson upper', 1e-9);
      const w = wilson(c.x, c.n);
      expectClose(w.lower, c.wilsonLower, 'Wilson lower', 1e-9);
      expectClose(w.upper, c.wilsonUpper, 'Wilson upper', 1e-9);
    });
  }

  // Newcombe RG (1998) Two-sided confidence intervals for the single proportion, Stat Med 17:857–872, Table II
  // (method 5 exact Clopper–Pearson, method 3 Wilson score), four decimals.
  const newcombe: [number, number, number, number, number, number][] = [
    [81, 263, 0.2527, 0.3676, 0.2553, 0.3662],
    [15, 148, 0.0578, 0.1617, 0.0624, 0.1605],
    [0, 20, 0, 0.1684, 0, 0.1611],
    [1, 29, 0.0009, 0.1776, 0.0061, 0.1718],
  ];
  for (const [x, n, cpLo, cpHi, wLo, wHi] of newcombe) {
    it(`gives Newcombe (1998) Table II intervals for ${x}/${n}: exact ${cpLo}–${cpHi}, Wilson ${wLo}–${wHi}`, () => {
      const cp = clopperPearson(x, n);
      expect(cp.lower).toBeCloseTo(cpLo, 4);
      expect(cp.upper).toBeCloseTo(cpHi, 4);
      const w = wilson(x, n);
      expect(w.lower).toBeCloseTo(wLo, 4);
      expect(w.upper).toBeCloseTo(wHi, 4);
    });
  }

  it('rejects x > n, naming x', () => {
    expect(() => clopperPearson(11, 10)).toThrow(/x must/);
  });
});
