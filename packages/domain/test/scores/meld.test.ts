import { describe, expect, it } from 'vitest';
import { DomainInputError } from '../../src/grading/input';
import { calculateMeld, type MeldInput } from '../../src/scores/index';

const input = (cr: number, bili: number, inr: number, sodium?: number, dialysis = false): MeldInput => ({
  creatinine: { value: cr, unit: 'mg/dL' },
  bilirubin: { value: bili, unit: 'mg/dL' },
  inr,
  dialysisTwiceInPastWeek: dialysis,
  ...(sodium === undefined ? {} : { sodiumMmolL: sodium }),
});

// Formula and bounds: OPTN Policy 9.1 (MELD-Na, January 2016). Worked values computed from that formula.
describe('MELD / MELD-Na (OPTN Policy 9.1)', () => {
  it('bilirubin 1.9, INR 1.2, creatinine 1.3 → MELD 13 (calculatorlib.com worked example: 13.41 → 13)', () => {
    expect(calculateMeld(input(1.3, 1.9, 1.2)).meld).toBe(13);
  });

  it('INR 1.1, bilirubin 1.5, creatinine 2.7, Na 135 → MELD(i) 19, MELD-Na 20 (thecalculator.co example inputs)', () => {
    // 0.957 ln 2.7 + 0.378 ln 1.5 + 1.12 ln 1.1 + 0.643 = 1.854 → 19; 19 + 1.32·2 − 0.033·19·2 = 20.39 → 20.
    const r = calculateMeld(input(2.7, 1.5, 1.1, 135));
    expect(r.meld).toBe(19);
    expect(r.meldNa).toBe(20);
  });

  it('creatinine 1.9, bilirubin 4.0, INR 1.8, Na 128 → MELD 24, MELD-Na 29 (tools.gera.services example inputs)', () => {
    const r = calculateMeld(input(1.9, 4.0, 1.8, 128));
    expect(r.meld).toBe(24);
    expect(r.meldNa).toBe(29);
  });

  it('values < 1 set to 1 → minimum MELD 6; sodium adjustment skipped when MELD(i) ≤ 11', () => {
    const r = calculateMeld(input(0.5, 0.4, 0.9, 120));
    expect(r.meld).toBe(6);
    expect(r.meldNa).toBe(6);
    expect(r.used).toEqual({ creatinineMgDl: 1, bilirubinMgDl: 1, inr: 1, sodiumMmolL: 125 });
  });

  it('MELD(i) exactly 11 is not adjusted; 12 is (MELD-Na applies when MELD > 11)', () => {
    // creatinine 1.0, bilirubin 1.0, INR e^((1.1-0.643)/1.12) ≈ 1.5038 → MELD(i) 11.
    const eleven = calculateMeld(input(1, 1, 1.5, 125));
    expect(eleven.meld).toBe(11);
    expect(eleven.meldNa).toBe(11);
    const twelve = calculateMeld(input(1, 1.3, 1.5, 125));
    expect(twelve.meld).toBe(12);
    expect(twelve.meldNa).toBe(Math.round(12 + 1.32 * 12 - 0.033 * 12 * 12));
  });

  it('caps creatinine at 4.0 and sets it to 4.0 on dialysis; caps the score at 40', () => {
    expect(calculateMeld(input(6.0, 1, 1)).used.creatinineMgDl).toBe(4);
    expect(calculateMeld(input(1.2, 1, 1, undefined, true)).used.creatinineMgDl).toBe(4);
    expect(calculateMeld(input(1.2, 1, 1, undefined, true)).meld).toBe(calculateMeld(input(4, 1, 1)).meld);
    expect(calculateMeld(input(4, 40, 3, 120)).meld).toBe(40);
    expect(calculateMeld(input(4, 40, 3, 120)).meldNa).toBe(40);
  });

  it('bounds sodium to 137 above the range: Na 140 gives no adjustment', () => {
    const r = calculateMeld(input(1.9, 4.0, 1.8, 140));
    expect(r.meldNa).toBe(r.meld);
  });

  it('converts µmol/L: creatinine 168 µmol/L (1.9 mg/dL), bilirubin 68.4 µmol/L (4.0 mg/dL)', () => {
    const r = calculateMeld({
      creatinine: { value: 1.9 * 88.4, unit: 'umol/L' },
      bilirubin: { value: 68.4, unit: 'µmol/L' },
      inr: 1.8,
      dialysisTwiceInPastWeek: false,
    });
    expect(r.meld).toBe(24);
  });

  it('names the field on bad input', () => {
    expect(() => calculateMeld(input(0, 1, 1))).toThrow(/creatinine.value/);
    expect(() => calculateMeld(input(1, 1, Number.NaN))).toThrow(/inr/);
    expect(() => calculateMeld(input(1, 1, 1, 13.5))).toThrow(DomainInputError);
    expect(() => calculateMeld({ ...input(1, 1, 1), dialysisTwiceInPastWeek: undefined as never })).toThrow(
      /dialysisTwiceInPastWeek/,
    );
  });
});
