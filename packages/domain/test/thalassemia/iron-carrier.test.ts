import { describe, expect, it } from 'vitest';
import {
  assessCoupleRisk,
  assessIronOverload,
  cardiacT2StarLevel,
  ferritinLevel,
  interpretCarrierScreening,
  licLevel,
} from '../../src/thalassemia/index';

// TIF Guidelines for the Management of TDT, 4th ed. (2021), ch. 4 iron overload; DESIGN.md §3.4.
describe('iron overload categories (TIF 2021)', () => {
  it.each([
    [999, 'target'],
    [1000, 'moderate'],
    [2500, 'moderate'],
    [2501, 'severe'],
  ] as const)('ferritin %s ng/mL → %s', (v, level) => expect(ferritinLevel(v)).toBe(level));
  it.each([
    [2.9, 'target'],
    [3, 'mild'],
    [6.9, 'mild'],
    [7, 'moderate'],
    [14.9, 'moderate'],
    [15, 'severe'],
  ] as const)('LIC %s mg/g dw → %s', (v, level) => expect(licLevel(v)).toBe(level));
  it.each([
    [20.1, 'target'],
    [20, 'moderate'],
    [10, 'moderate'],
    [9.9, 'severe'],
  ] as const)('cardiac T2* %s ms → %s (> 20 normal, 10–20 mild–moderate, < 10 severe)', (v, level) =>
    expect(cardiacT2StarLevel(v)).toBe(level),
  );

  it('overall is the worst measure and flags gene-therapy exclusions T2* < 10 ms and LIC ≥ 15 mg/g', () => {
    const r = assessIronOverload({
      ferritin: { value: 800, unit: 'ng/mL' },
      lic: { value: 15, unit: 'mg/g' },
      cardiacT2StarMs: 8,
    });
    expect(r.overall).toBe('severe');
    expect(r.ferritin).toBe('target');
    expect(r.geneTherapyExclusions).toHaveLength(2);
  });

  it('converts µmol/g LIC (÷ 17.9) and pmol/L ferritin (÷ 2.247); requires at least one measure', () => {
    expect(assessIronOverload({ lic: { value: 125.3, unit: 'umol/g' } }).lic).toBe('moderate');
    expect(assessIronOverload({ ferritin: { value: 2247, unit: 'pmol/L' } }).ferritin).toBe('moderate');
    expect(() => assessIronOverload({})).toThrow(/at least one/);
    expect(() => assessIronOverload({ lic: { value: 3, unit: 'mg/dL' as never } })).toThrow(/lic.unit/);
  });
});

// NHS Sickle Cell and Thalassaemia Screening Programme laboratory handbook; TIF prevention guidelines (2013).
describe('carrier screening interpretation (NHS SCT handbook; TIF prevention)', () => {
  it('MCH 20 pg, HbA2 5.2% → β-carrier; test partner', () => {
    const r = interpretCarrierScreening({ mchPg: 20, mcvFl: 63, hbA2Percent: 5.2 });
    expect(r.status).toBe('beta-carrier');
    expect(r.recommendations).toContain('test the partner (full blood count and HbA2)');
  });
  it('HbA2 exactly 3.5% → β-carrier with DNA confirmation (borderline 3.5–3.9%)', () => {
    const r = interpretCarrierScreening({ mchPg: 24, hbA2Percent: 3.5 });
    expect(r.status).toBe('beta-carrier');
    expect(r.recommendations.join(' ')).toContain('DNA');
  });
  it('HbA2 3.3–3.4% → borderline; 3.2% with MCH 26 → α⁺ possible', () => {
    expect(interpretCarrierScreening({ mchPg: 26, hbA2Percent: 3.3 }).status).toBe('beta-borderline');
    expect(interpretCarrierScreening({ mchPg: 26, hbA2Percent: 3.2 }).status).toBe('alpha-plus-possible');
  });
  it('MCH 24.9 pg with normal HbA2 → α⁰ suspected; MCH 25.0 → α⁺ possible (MCH < 25 flags α⁰)', () => {
    expect(interpretCarrierScreening({ mchPg: 24.9, hbA2Percent: 2.4, ferritinNgMl: 60 }).status).toBe(
      'alpha0-suspected',
    );
    expect(interpretCarrierScreening({ mchPg: 25.0, hbA2Percent: 2.4, ferritinNgMl: 60 }).status).toBe(
      'alpha-plus-possible',
    );
  });
  it('low ferritin with normal HbA2 → possibly masked β-carrier (iron deficiency lowers HbA2)', () => {
    const r = interpretCarrierScreening({ mchPg: 22, hbA2Percent: 2.8, ferritinNgMl: 6 });
    expect(r.status).toBe('masked-by-iron-deficiency');
  });
  it('MCH 27 pg and MCV 85 fL → screen negative; MCH 26.9 without HbA2 → HbA2 needed', () => {
    expect(interpretCarrierScreening({ mchPg: 27, mcvFl: 85 }).status).toBe('screen-negative');
    expect(interpretCarrierScreening({ mchPg: 26.9 }).status).toBe('hba2-needed');
  });
  it('names bad fields', () => {
    expect(() => interpretCarrierScreening({ mchPg: 0 })).toThrow(/mchPg/);
    expect(() => interpretCarrierScreening({ mchPg: 25, hbA2Percent: 120 })).toThrow(/hbA2Percent/);
  });
});

describe('couple risk (TIF prevention: two carriers of the same type → 25% per pregnancy)', () => {
  it('two β-carriers → 25% β-thalassaemia major, counselling and prenatal diagnosis', () => {
    const r = assessCoupleRisk('beta-carrier', 'beta-carrier');
    expect(r).toMatchObject({ risk: 'high', riskPerPregnancy: 0.25, condition: 'β-thalassaemia major' });
    expect(r.recommendation).toContain('prenatal diagnosis');
  });
  it("two α⁰ → Hb Bart's hydrops; α⁰ + α⁺ → HbH disease", () => {
    expect(assessCoupleRisk('alpha0-suspected', 'alpha0-suspected').condition).toBe(
      "Hb Bart's hydrops fetalis",
    );
    expect(assessCoupleRisk('alpha-plus-possible', 'alpha0-suspected').condition).toBe('HbH disease');
  });
  it('β-carrier with untested or borderline partner → undetermined; with negative partner → low', () => {
    expect(assessCoupleRisk('beta-carrier', 'not-tested').risk).toBe('undetermined');
    expect(assessCoupleRisk('beta-borderline', 'beta-carrier').risk).toBe('undetermined');
    expect(assessCoupleRisk('beta-carrier', 'screen-negative').risk).toBe('low');
    expect(assessCoupleRisk('beta-carrier', 'alpha0-suspected').risk).toBe('low');
  });
  it('rejects an unknown status naming the partner', () => {
    expect(() => assessCoupleRisk('beta-carrier', 'maybe' as never)).toThrow(/second/);
  });
});
