import { describe, expect, it } from 'vitest';
import { type CrsInput, gradeCrs, gradeIcans, type IcansInput } from '../../src/clinical/index';
import { DomainInputError } from '../../src/grading/input';

// ASTCT consensus: Lee DW et al., Biol Blood Marrow Transplant 2019;25:625–638, Table 3 (CRS), Table 5 (ICANS).
const calm: CrsInput = { maxTemperatureC: 38.5, hypotension: false, oxygen: { device: 'none' } };

describe('ASTCT CRS grade (Lee 2019 Table 3)', () => {
  it('fever alone → grade 1; 37.9 °C → no CRS; 38.0 °C → grade 1', () => {
    expect(gradeCrs(calm).grade).toBe(1);
    expect(gradeCrs({ ...calm, maxTemperatureC: 37.9 }).grade).toBe(0);
    expect(gradeCrs({ ...calm, maxTemperatureC: 38.0 }).grade).toBe(1);
  });
  it('hypotension without vasopressors or low-flow O₂ ≤ 6 L/min → grade 2', () => {
    expect(gradeCrs({ ...calm, hypotension: true }).grade).toBe(2);
    expect(gradeCrs({ ...calm, oxygen: { device: 'low-flow-nasal-cannula', flowLPerMin: 6 } }).grade).toBe(2);
    expect(gradeCrs({ ...calm, oxygen: { device: 'blow-by' } }).grade).toBe(2);
  });
  it('one vasopressor (with or without vasopressin) or > 6 L/min / facemask → grade 3', () => {
    expect(
      gradeCrs({ ...calm, hypotension: true, vasopressors: ['norepinephrine', 'vasopressin'] }).grade,
    ).toBe(3);
    expect(gradeCrs({ ...calm, hypotension: true, vasopressors: ['vasopressin'] }).grade).toBe(3);
    expect(gradeCrs({ ...calm, oxygen: { device: 'low-flow-nasal-cannula', flowLPerMin: 7 } }).grade).toBe(3);
    expect(gradeCrs({ ...calm, oxygen: { device: 'venturi-mask' } }).grade).toBe(3);
  });
  it('several vasopressors (excluding vasopressin) or positive pressure → grade 4', () => {
    expect(
      gradeCrs({ ...calm, hypotension: true, vasopressors: ['norepinephrine', 'phenylephrine'] }).grade,
    ).toBe(4);
    expect(gradeCrs({ ...calm, oxygen: { device: 'bipap' } }).grade).toBe(4);
  });
  it('grade is the worse of hypotension and hypoxia: one pressor + low-flow O₂ → 3', () => {
    const r = gradeCrs({
      ...calm,
      hypotension: true,
      vasopressors: ['norepinephrine'],
      oxygen: { device: 'low-flow-nasal-cannula', flowLPerMin: 2 },
    });
    expect(r).toMatchObject({ grade: 3, hypotensionGrade: 3, hypoxiaGrade: 2 });
  });
  it('fever masked by tocilizumab no longer required (Lee 2019): 37.0 °C with hypotension → grade 2', () => {
    expect(
      gradeCrs({ ...calm, maxTemperatureC: 37.0, hypotension: true, feverMaskedByTreatment: true }).grade,
    ).toBe(2);
  });
  it('missing flow for a nasal cannula and a Fahrenheit temperature name the field', () => {
    expect(() => gradeCrs({ ...calm, oxygen: { device: 'low-flow-nasal-cannula' } })).toThrow(
      /oxygen.flowLPerMin/,
    );
    expect(() => gradeCrs({ ...calm, maxTemperatureC: 101 })).toThrow(DomainInputError);
  });
});

const alert: IcansInput = {
  iceScore: 10,
  consciousness: 'normal',
  seizure: 'none',
  deepFocalMotorWeakness: false,
  cerebralEdema: 'none',
};

describe('ASTCT ICANS grade for adults (Lee 2019 Table 5)', () => {
  it.each([
    [10, 0],
    [9, 1],
    [7, 1],
    [6, 2],
    [3, 2],
    [2, 3],
    [0, 3],
  ])('ICE score %s → grade %s', (iceScore, grade) => {
    expect(gradeIcans({ ...alert, iceScore }).grade).toBe(grade);
  });
  it('unarousable → grade 4 without an ICE score', () => {
    const { iceScore: _none, ...rest } = alert;
    expect(gradeIcans({ ...rest, consciousness: 'unarousable' }).grade).toBe(4);
  });
  it('raised by other domains: awakens to voice 2, seizure 3, prolonged seizure 4, motor weakness 4, focal oedema 3', () => {
    expect(gradeIcans({ ...alert, iceScore: 8, consciousness: 'awakens-to-voice' }).grade).toBe(2);
    expect(gradeIcans({ ...alert, iceScore: 8, seizure: 'rapidly-resolving' }).grade).toBe(3);
    expect(gradeIcans({ ...alert, seizure: 'prolonged-or-repetitive' }).grade).toBe(4);
    expect(gradeIcans({ ...alert, deepFocalMotorWeakness: true }).grade).toBe(4);
    const focal = gradeIcans({ ...alert, iceScore: 5, cerebralEdema: 'focal' });
    expect(focal.grade).toBe(3);
    expect(focal.reason).toContain('edema');
  });
  it('missing or fractional ICE score names iceScore', () => {
    const { iceScore: _none, ...rest } = alert;
    expect(() => gradeIcans(rest)).toThrow(/iceScore/);
    expect(() => gradeIcans({ ...alert, iceScore: 7.5 })).toThrow(/iceScore/);
  });
});
