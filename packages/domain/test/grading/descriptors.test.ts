import { describe, expect, it } from 'vitest';
import { convertUnit, DomainInputError, gradeByGeneralDescriptors } from '../../src/grading/index';

describe('CTCAE v5.0 general grade descriptors', () => {
  it.each([
    [{ present: false }, 0],
    [{ present: true }, 1],
    [{ present: true, limitsInstrumentalAdl: true }, 2],
    [{ present: true, minimalInterventionIndicated: true }, 2],
    [{ present: true, limitsSelfCareAdl: true, limitsInstrumentalAdl: true }, 3],
    [{ present: true, hospitalizationIndicated: true }, 3],
    [{ present: true, urgentInterventionIndicated: true, hospitalizationIndicated: true }, 4],
    [{ present: true, lifeThreatening: true }, 4],
    [{ present: true, death: true, lifeThreatening: true }, 5],
  ])('%o → grade %s (CTCAE v5.0 "Grades": the highest descriptor met)', (findings, expected) => {
    const graded = gradeByGeneralDescriptors(findings);
    expect(graded.grade).toBe(expected);
    expect(graded.reason).toContain(`grade ${expected}`);
  });
  it('describes grade 3 as "Severe or medically significant…" and rejects a missing presence flag', () => {
    expect(gradeByGeneralDescriptors({ present: true, disabling: true }).descriptor).toMatch(
      /^Severe or medically/,
    );
    expect(() => gradeByGeneralDescriptors({} as never)).toThrow(DomainInputError);
  });
});

describe('unit conversions', () => {
  it('10⁹/L ↔ /mm³: 1.5 ×10⁹/L = 1500/mm³', () => {
    expect(convertUnit('count', 1.5, '10^9/L', '/mm3')).toBeCloseTo(1500, 9);
    expect(convertUnit('count', 75000, '/mm3', '10^9/L')).toBeCloseTo(75, 9);
  });
  it('g/L ↔ g/dL and g/dL → mmol/L (× 0.6206): 100 g/L = 10 g/dL = 6.206 mmol/L', () => {
    expect(convertUnit('hemoglobin', 100, 'g/L', 'g/dL')).toBeCloseTo(10, 9);
    expect(convertUnit('hemoglobin', 10, 'g/dL', 'mmol/L')).toBeCloseTo(6.206, 9);
  });
  it('µmol/L ↔ mg/dL: bilirubin 17.1 µmol/L = 1 mg/dL; creatinine 88.4 µmol/L = 1 mg/dL', () => {
    expect(convertUnit('bilirubin', 17.1, 'umol/L', 'mg/dL')).toBeCloseTo(1, 9);
    expect(convertUnit('creatinine', 1, 'mg/dL', 'µmol/L')).toBeCloseTo(88.4, 9);
  });
  it('names the unit field on an unknown unit', () => {
    expect(() => convertUnit('creatinine', 1, 'mmol/L', 'mg/dL', 'creatinine')).toThrow(/creatinineUnit/);
  });
});
