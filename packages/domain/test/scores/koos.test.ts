import { describe, expect, it } from 'vitest';
import { type KoosResponses, scoreKoos, scoreKoosSubscale } from '../../src/scores/index';

const filled = (n: number, v: number) => Array.from({ length: n }, () => v);

// Scoring: KOOS User's Guide (koos.nu, scoring 2012): 100 − mean × 100/4; 1–2 missing items replaced by the
// subscale mean; more than 2 missing → subscale not scored.
describe('KOOS subscale scores (KOOS User’s Guide 2012)', () => {
  it('all items 0 → 100 (no problems), all 4 → 0 (extreme problems)', () => {
    expect(scoreKoosSubscale('pain', filled(9, 0)).score).toBe(100);
    expect(scoreKoosSubscale('adl', filled(17, 4)).score).toBe(0);
  });

  it('pain items summing to 18 over 9 items (mean 2) → 50', () => {
    expect(scoreKoosSubscale('pain', [2, 2, 2, 2, 2, 2, 2, 2, 2]).score).toBe(50);
    expect(scoreKoosSubscale('pain', [0, 4, 1, 3, 2, 2, 2, 3, 1]).score).toBe(50);
  });

  it('symptoms [1,1,1,1,1,1,2] → 100 − (8/7)×25 = 71.43', () => {
    expect(scoreKoosSubscale('symptoms', [1, 1, 1, 1, 1, 1, 2]).score).toBeCloseTo(71.4286, 3);
  });

  it('two missing items are replaced by the subscale mean; three missing → not scored', () => {
    const two = scoreKoosSubscale('qol', [1, null, 3, undefined]);
    expect(two.score).toBe(50);
    expect(two.missing).toBe(2);
    const three = scoreKoosSubscale('sport', [1, null, null, null, 2]);
    expect(three.score).toBeNull();
    expect(three.reason).toContain('not scored');
  });

  it('scores all five subscales', () => {
    const responses: KoosResponses = {
      pain: filled(9, 1),
      symptoms: filled(7, 0),
      adl: filled(17, 2),
      sport: filled(5, 3),
      qol: filled(4, 4),
    };
    const r = scoreKoos(responses);
    expect([r.pain.score, r.symptoms.score, r.adl.score, r.sport.score, r.qol.score]).toEqual([
      75, 100, 50, 25, 0,
    ]);
  });

  it('rejects a wrong item count, a score of 5 and a fractional score, naming the item', () => {
    expect(() => scoreKoosSubscale('qol', [1, 2, 3])).toThrow(/qol: expected 4 items/);
    expect(() => scoreKoosSubscale('qol', [1, 2, 3, 5])).toThrow(/qol\[3\]/);
    expect(() => scoreKoosSubscale('qol', [1, 2.5, 3, 4])).toThrow(/qol\[1\]/);
  });
});
