import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradeCrs, gradeIcans, stageLiver, stageLowerGi, stageSkin } from '../../src/clinical/index';

// Property: a worse finding never gives a lower stage or grade (MAGIC, Harris 2016; ASTCT, Lee 2019).
describe('monotonicity of clinical staging (property)', () => {
  const pair = (max: number) =>
    fc
      .tuple(fc.double({ min: 0, max, noNaN: true }), fc.double({ min: 0, max, noNaN: true }))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

  it('MAGIC liver stage never falls as bilirubin rises', () => {
    fc.assert(
      fc.property(pair(40), ([low, high]) => {
        expect(stageLiver({ value: high, unit: 'mg/dL' })).toBeGreaterThanOrEqual(
          stageLiver({ value: low, unit: 'mg/dL' }),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('MAGIC skin stage never falls as rash BSA rises', () => {
    fc.assert(
      fc.property(pair(100), fc.boolean(), ([low, high], bullae) => {
        expect(stageSkin(high, bullae)).toBeGreaterThanOrEqual(stageSkin(low, bullae));
      }),
      { numRuns: 2000 },
    );
  });

  it('MAGIC lower GI stage never falls as stool volume rises (adult, and child per kg)', () => {
    fc.assert(
      fc.property(pair(4000), fc.double({ min: 2, max: 100, noNaN: true }), ([low, high], weightKg) => {
        expect(stageLowerGi({ population: 'adult', stoolVolumeMlPerDay: high })).toBeGreaterThanOrEqual(
          stageLowerGi({ population: 'adult', stoolVolumeMlPerDay: low }),
        );
        expect(
          stageLowerGi({ population: 'child', stoolVolumeMlPerDay: high, weightKg }),
        ).toBeGreaterThanOrEqual(stageLowerGi({ population: 'child', stoolVolumeMlPerDay: low, weightKg }));
      }),
      { numRuns: 2000 },
    );
  });

  it('ICANS grade never falls as the ICE score falls', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), (a, b) => {
        const grade = (iceScore: number) =>
          gradeIcans({
            iceScore,
            consciousness: 'normal',
            seizure: 'none',
            deepFocalMotorWeakness: false,
            cerebralEdema: 'none',
          }).grade;
        expect(grade(Math.min(a, b))).toBeGreaterThanOrEqual(grade(Math.max(a, b)));
      }),
    );
  });

  it('CRS grade never falls as nasal-cannula oxygen flow rises', () => {
    fc.assert(
      fc.property(pair(15), ([low, high]) => {
        const grade = (flowLPerMin: number) =>
          gradeCrs({
            maxTemperatureC: 39,
            hypotension: false,
            oxygen: { device: 'low-flow-nasal-cannula', flowLPerMin },
          }).grade;
        expect(grade(high)).toBeGreaterThanOrEqual(grade(low));
      }),
      { numRuns: 1000 },
    );
  });
});
