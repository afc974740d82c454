import { describe, expect, it } from 'vitest';
import { evaluateWestgard, leveyJenningsStats, type WestgardRule } from '../../src/quality/index';

const target = { mean: 100, sd: 2 };
/** Values at the given z-scores for mean 100, SD 2. */
const at = (...zs: number[]) => zs.map((z) => 100 + 2 * z);
const rulesAtLast = (values: number[]): WestgardRule[] => {
  const r = evaluateWestgard(values, target);
  return [...r.points[r.points.length - 1]!.rules];
};

// Rules: Westgard JO, Barry PL, Hunt MR, Groth T. Clin Chem 1981;27:493–501 (multirule Shewhart chart).
describe('Westgard rules (Westgard et al., Clin Chem 1981)', () => {
  it('1-2s is a warning only: z = 2.1 → warning; z = 2.0 exactly → accept', () => {
    expect(evaluateWestgard(at(0, 2.1), target).status).toBe('warning');
    expect(evaluateWestgard(at(0, 2.0), target).status).toBe('accept');
  });
  it('1-3s: z = 3.01 → reject; z = −3.0 → warning only', () => {
    expect(rulesAtLast(at(3.01))).toEqual(['1-2s', '1-3s']);
    expect(evaluateWestgard(at(-3.0), target).status).toBe('warning');
  });
  it('2-2s: two consecutive beyond +2 SD → reject; +2.5 then −2.5 is R-4s, not 2-2s', () => {
    expect(rulesAtLast(at(2.5, 2.2))).toContain('2-2s');
    const r4 = rulesAtLast(at(2.5, -2.5));
    expect(r4).toContain('R-4s');
    expect(r4).not.toContain('2-2s');
  });
  it('R-4s needs both beyond 2 SD: +2.5 then −1.9 (range 4.4 SD) is not R-4s', () => {
    expect(rulesAtLast(at(2.5, -1.9))).not.toContain('R-4s');
  });
  it('4-1s: four consecutive beyond −1 SD → reject; three do not', () => {
    expect(rulesAtLast(at(-1.2, -1.5, -1.1, -1.3))).toEqual(['4-1s']);
    expect(rulesAtLast(at(0.5, -1.5, -1.1, -1.3))).toEqual([]);
  });
  it('10-x: ten consecutive above the mean → reject; nine do not; a value exactly at the mean breaks the run', () => {
    expect(rulesAtLast(at(0.2, 0.5, 0.1, 0.8, 0.3, 0.4, 0.6, 0.2, 0.1, 0.3))).toEqual(['10-x']);
    expect(rulesAtLast(at(0.5, 0.1, 0.8, 0.3, 0.4, 0.6, 0.2, 0.1, 0.3))).toEqual([]);
    expect(rulesAtLast(at(0.2, 0.5, 0.1, 0.8, 0, 0.4, 0.6, 0.2, 0.1, 0.3))).toEqual([]);
  });
  it('reports the involved indices and lets a subset of rules be chosen', () => {
    const r = evaluateWestgard(at(0, -1.2, -1.5, -1.1, -1.3), target);
    expect(r.violations).toEqual([
      expect.objectContaining({ rule: '4-1s', index: 4, indices: [1, 2, 3, 4] }),
    ]);
    expect(evaluateWestgard(at(2.5, 2.5), target, ['1-3s']).status).toBe('accept');
  });
  it('rejects SD 0 and a NaN value naming the field', () => {
    expect(() => evaluateWestgard([100], { mean: 100, sd: 0 })).toThrow(/sd/);
    expect(() => evaluateWestgard([100, Number.NaN], target)).toThrow(/values\[1\]/);
    expect(() => evaluateWestgard([100], target, ['2-3s' as WestgardRule])).toThrow(/rules\[0\]/);
  });
});

describe('Levey–Jennings statistics (sample SD, CLSI C24)', () => {
  it('98, 100, 102, 100 → mean 100, SD √(8/3) = 1.633, CV 1.633%', () => {
    const s = leveyJenningsStats([98, 100, 102, 100]);
    expect(s.mean).toBe(100);
    expect(s.sd).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.cvPercent).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.zScores?.[0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 12);
    expect(s.limits['2'][1]).toBeCloseTo(100 + 2 * Math.sqrt(8 / 3), 12);
  });
  it('SD 0 gives no z-scores; one value is refused', () => {
    expect(leveyJenningsStats([5, 5, 5]).zScores).toBeNull();
    expect(() => leveyJenningsStats([5])).toThrow(/values/);
  });
});
