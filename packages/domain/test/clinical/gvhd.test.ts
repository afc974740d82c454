import { describe, expect, it } from 'vitest';
import {
  type AcuteGvhdInput,
  assessAcuteGvhd,
  assessChronicGvhd,
  type ChronicGvhdScores,
  gradeAcuteGvhdFromStages,
  stageLiver,
  stageLowerGi,
  stageSkin,
} from '../../src/clinical/index';
import { DomainInputError } from '../../src/grading/input';

// MAGIC criteria: Harris AC et al., Biol Blood Marrow Transplant 2016;22:4–10, Table 1 (staging), Table 2 (grade).
describe('MAGIC skin stage (Harris 2016 Table 1)', () => {
  it.each([
    [0, false, 0],
    [1, false, 1],
    [24.9, false, 1],
    [25, false, 2],
    [50, false, 2],
    [50.1, false, 3],
    [100, false, 3],
    [60, true, 4],
    [40, true, 2],
  ])('rash %s%% BSA, bullae %s → stage %s', (bsa, bullae, stage) => {
    expect(stageSkin(bsa, bullae)).toBe(stage);
  });
  it('rejects 120% BSA naming the field', () => {
    expect(() => stageSkin(120)).toThrow(/skinRashBsaPercent/);
  });
});

describe('MAGIC liver stage by bilirubin mg/dL: <2, 2–3, 3.1–6, 6.1–15, >15 (Harris 2016 Table 1)', () => {
  it.each([
    [1.9, 0],
    [2.0, 1],
    [3.0, 1],
    [3.1, 2],
    [6.0, 2],
    [6.1, 3],
    [15.0, 3],
    [15.1, 4],
  ])('bilirubin %s mg/dL → stage %s', (value, stage) => {
    expect(stageLiver({ value, unit: 'mg/dL' })).toBe(stage);
  });
  it('converts µmol/L: 34.2 µmol/L = 2.0 mg/dL → stage 1; 33 µmol/L → stage 0', () => {
    expect(stageLiver({ value: 34.2, unit: 'umol/L' })).toBe(1);
    expect(stageLiver({ value: 33, unit: 'umol/L' })).toBe(0);
  });
});

describe('MAGIC lower GI stage, adult and child thresholds (Harris 2016 Table 1)', () => {
  it.each([
    [499, 0],
    [500, 1],
    [999, 1],
    [1000, 2],
    [1500, 2],
    [1501, 3],
  ])('adult stool %s mL/day → stage %s', (volume, stage) => {
    expect(stageLowerGi({ population: 'adult', stoolVolumeMlPerDay: volume })).toBe(stage);
  });
  it.each([
    [2, 0],
    [3, 1],
    [4, 1],
    [5, 2],
    [7, 2],
    [8, 3],
  ])('adult %s episodes/day → stage %s', (episodes, stage) => {
    expect(stageLowerGi({ population: 'adult', stoolEpisodesPerDay: episodes })).toBe(stage);
  });
  it.each([
    [199, 0],
    [200, 1],
    [398, 1],
    [400, 2],
    [600, 2],
    [602, 3],
  ])('child of 20 kg with %s mL/day (<10, 10–19.9, 20–30, >30 mL/kg) → stage %s', (volume, stage) => {
    expect(stageLowerGi({ population: 'child', stoolVolumeMlPerDay: volume, weightKg: 20 })).toBe(stage);
  });
  it.each([
    [3, 0],
    [4, 1],
    [6, 1],
    [7, 2],
    [10, 2],
    [11, 3],
  ])('child %s episodes/day (<4, 4–6, 7–10, >10) → stage %s', (episodes, stage) => {
    expect(stageLowerGi({ population: 'child', stoolEpisodesPerDay: episodes })).toBe(stage);
  });
  it('stage 4 for severe pain/ileus or grossly bloody stool whatever the volume', () => {
    expect(stageLowerGi({ population: 'adult', stoolVolumeMlPerDay: 100, grosslyBloodyStool: true })).toBe(4);
    expect(stageLowerGi({ population: 'child', severePainOrIleus: true })).toBe(4);
  });
  it('prefers measured volume over episodes', () => {
    expect(stageLowerGi({ population: 'adult', stoolVolumeMlPerDay: 400, stoolEpisodesPerDay: 8 })).toBe(0);
  });
  it('missing data: no volume nor episodes, or child volume without weight, names the field', () => {
    expect(() => stageLowerGi({ population: 'adult' })).toThrow(DomainInputError);
    expect(() => stageLowerGi({ population: 'child', stoolVolumeMlPerDay: 300 })).toThrow(/lowerGi.weightKg/);
  });
});

describe('MAGIC overall grade is not the maximum stage (Harris 2016 Table 2)', () => {
  it.each([
    [{ skin: 0, liver: 0, upperGi: 0, lowerGi: 0 }, 0],
    [{ skin: 2, liver: 0, upperGi: 0, lowerGi: 0 }, 1],
    [{ skin: 3, liver: 0, upperGi: 0, lowerGi: 0 }, 2],
    [{ skin: 0, liver: 1, upperGi: 0, lowerGi: 0 }, 2],
    [{ skin: 1, liver: 0, upperGi: 1, lowerGi: 0 }, 2],
    [{ skin: 0, liver: 0, upperGi: 0, lowerGi: 1 }, 2],
    [{ skin: 3, liver: 2, upperGi: 1, lowerGi: 0 }, 3],
    [{ skin: 0, liver: 0, upperGi: 0, lowerGi: 3 }, 3],
    [{ skin: 4, liver: 0, upperGi: 0, lowerGi: 0 }, 4],
    [{ skin: 0, liver: 4, upperGi: 0, lowerGi: 0 }, 4],
    [{ skin: 0, liver: 0, upperGi: 1, lowerGi: 4 }, 4],
  ] as const)('stages %o → grade %s', (stages, grade) => {
    expect(gradeAcuteGvhdFromStages(stages).grade).toBe(grade);
  });

  it('assesses a full case: rash 30% BSA, bilirubin 3.5 mg/dL, 800 mL stool → skin 2, liver 2, lower GI 1 → grade III', () => {
    const input: AcuteGvhdInput = {
      skinRashBsaPercent: 30,
      bilirubin: { value: 3.5, unit: 'mg/dL' },
      upperGiPersistentSymptoms: false,
      lowerGi: { population: 'adult', stoolVolumeMlPerDay: 800 },
    };
    const result = assessAcuteGvhd(input);
    expect(result.stages).toEqual({ skin: 2, liver: 2, upperGi: 0, lowerGi: 1 });
    expect(result.gradeLabel).toBe('III');
  });
});

// NIH 2014 consensus: Jagasia MH et al., Biol Blood Marrow Transplant 2015;21:389–401, global severity.
describe('NIH chronic GVHD global severity (Jagasia 2015)', () => {
  const zero: ChronicGvhdScores = {
    skin: 0,
    mouth: 0,
    eyes: 0,
    gi: 0,
    liver: 0,
    lungs: 0,
    joints: 0,
    genital: 0,
  };
  it.each([
    [{}, 'none'],
    [{ skin: 1 }, 'mild'],
    [{ skin: 1, mouth: 1 }, 'mild'],
    [{ skin: 1, mouth: 1, eyes: 1 }, 'moderate'],
    [{ mouth: 2 }, 'moderate'],
    [{ lungs: 1 }, 'moderate'],
    [{ skin: 3 }, 'severe'],
    [{ lungs: 2 }, 'severe'],
    [{ lungs: 3, skin: 1 }, 'severe'],
  ] as const)('%o → %s', (scores, severity) => {
    expect(assessChronicGvhd({ ...zero, ...scores }).severity).toBe(severity);
  });
  it('refuses a missing organ score and a score of 4', () => {
    const { lungs: _omitted, ...noLung } = zero;
    expect(() => assessChronicGvhd(noLung)).toThrow(/lungs/);
    expect(() => assessChronicGvhd({ ...zero, eyes: 4 })).toThrow(/eyes/);
  });
});
