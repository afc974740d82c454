import { describe, expect, it } from 'vitest';
import { assessEngraftment } from '../../src/clinical/engraftment';
import { canonicalUnitOf, labCodeInfo, toCanonicalLab } from '../../src/followup/catalog';
import {
  altAbove3Uln,
  engraftmentOverdue,
  ferritinRising,
  grade3Event,
  hbBelowAfterIndependence,
} from '../../src/followup/early-warning';
import { type CanonicalLab, computeEndpoints, laboratoryWarnings } from '../../src/followup/endpoints';
import { expeditedClock, expeditedStatus, isLate } from '../../src/followup/expedited';
import { decideGrade, proposeGradeFromLab } from '../../src/followup/grade-proposal';
import { gradeForm } from '../../src/followup/graded-forms';
import { followUpSchedule, isLostToFollowUp, visitStatus } from '../../src/followup/schedule';
import { DomainInputError } from '../../src/grading/input';
import type { TransfusionIndependenceResult } from '../../src/thalassemia/transfusion';

describe('observation catalogue', () => {
  it('names LOINC 718-7 for hemoglobin and 751-8 for the absolute neutrophil count (LOINC)', () => {
    expect(labCodeInfo('hb').loinc).toBe('718-7');
    expect(labCodeInfo('anc').loinc).toBe('751-8');
    expect(labCodeInfo('vcn').loinc).toBeNull();
  });
  it('converts Hb 95 g/L to 9.5 g/dL and ANC 800/mm³ to 0.8 × 10⁹/L with the grading units', () => {
    expect(toCanonicalLab('hb', 95, 'g/L')).toBeCloseTo(9.5, 10);
    expect(toCanonicalLab('anc', 800, '/mm3')).toBeCloseTo(0.8, 10);
    expect(canonicalUnitOf('bilirubin')).toBe('mg/dL');
    expect(toCanonicalLab('bilirubin', 34.2, 'umol/L')).toBeCloseTo(2, 10);
  });
  it('converts ferritin 2247 pmol/L to 1000 ng/mL (1 ng/mL = 2.247 pmol/L)', () => {
    expect(toCanonicalLab('ferritin', 2247, 'pmol/L')).toBeCloseTo(1000, 6);
  });
  it('refuses an unknown unit naming the field, and a chimerism above 100%', () => {
    expect(() => toCanonicalLab('hb', 9, 'mg/mL')).toThrow(DomainInputError);
    expect(() => toCanonicalLab('hb', 9, 'mg/mL')).toThrow(/valueUnit/);
    expect(() => toCanonicalLab('chimerism', 101, '%')).toThrow(/between 0 and 100/);
    expect(() => toCanonicalLab('ferritin', 1800, 'mg/L')).toThrow(/valueUnit/);
    expect(() => labCodeInfo('sodium')).toThrow(/unknown laboratory code/);
  });
});

describe('automatic CTCAE grade proposal and its override', () => {
  it('proposes grade 3 for ANC 0.8 × 10⁹/L (CTCAE v5.0 neutrophil count decreased: <1.0–0.5)', () => {
    const p = proposeGradeFromLab({ code: 'anc', value: 0.8, unit: '10^9/L', lln: 1.8 });
    expect(p?.grade).toBe(3);
    expect(p?.termName).toBe('Neutrophil count decreased');
    expect(p?.limits).toBe('report');
  });
  it('proposes grade 3 for Hb 79 g/L (CTCAE v5.0 anemia: Hb < 8.0 g/dL) with the default LLN', () => {
    const p = proposeGradeFromLab({ code: 'hb', value: 79, unit: 'g/L' });
    expect(p?.grade).toBe(3);
    expect(p?.limits).toBe('default');
  });
  it('proposes grade 2 for ALT 121 U/L with ULN 40 (CTCAE v5.0: >3.0–5.0 × ULN) and 1 at exactly 3 × ULN', () => {
    expect(proposeGradeFromLab({ code: 'alt', value: 121, unit: 'U/L', uln: 40 })?.grade).toBe(2);
    expect(proposeGradeFromLab({ code: 'alt', value: 120, unit: 'U/L', uln: 40 })?.grade).toBe(1);
  });
  it('proposes nothing for ferritin, which CTCAE does not grade from a number', () => {
    expect(proposeGradeFromLab({ code: 'ferritin', value: 3000, unit: 'ng/mL' })).toBeNull();
  });
  it('accepts the proposed grade without a reason and an override only with one', () => {
    expect(decideGrade({ proposedGrade: 3, chosenGrade: 3 })).toMatchObject({ grade: 3, overridden: false });
    expect(() => decideGrade({ proposedGrade: 3, chosenGrade: 4 })).toThrow(/overrideReason/);
    expect(() => decideGrade({ proposedGrade: 3, chosenGrade: 4, overrideReason: '  ' })).toThrow(
      DomainInputError,
    );
    expect(
      decideGrade({ proposedGrade: 3, chosenGrade: 4, overrideReason: 'febrile, needs urgent care' }),
    ).toMatchObject({
      grade: 4,
      overridden: true,
      overrideReason: 'febrile, needs urgent care',
    });
    expect(() => decideGrade({ proposedGrade: null, chosenGrade: 0 })).toThrow(/grade/);
  });
});

describe('expedited-report clock (CDE/GVP after ICH E2A: 7 days fatal or life-threatening, 15 otherwise)', () => {
  const base = { causalityProduct: 'possible', expected: false, awarenessDate: '2026-03-01' } as const;
  it('gives 7 days for a life-threatening SUSAR: due 2026-03-08', () => {
    expect(expeditedClock({ ...base, seriousness: ['life-threatening'] })).toMatchObject({
      required: true,
      days: 7,
      dueDate: '2026-03-08',
    });
  });
  it('gives 15 days for a SUSAR requiring hospitalization: due 2026-03-16', () => {
    expect(expeditedClock({ ...base, seriousness: ['hospitalization'] })).toMatchObject({
      days: 15,
      dueDate: '2026-03-16',
    });
  });
  it('starts no clock when the event is expected, not serious, or unrelated (unless the procedure is related)', () => {
    expect(expeditedClock({ ...base, seriousness: ['death'], expected: true }).required).toBe(false);
    expect(expeditedClock({ ...base, seriousness: [] }).required).toBe(false);
    expect(expeditedClock({ ...base, seriousness: ['death'], causalityProduct: 'unlikely' }).required).toBe(
      false,
    );
    expect(
      expeditedClock({
        ...base,
        seriousness: ['death'],
        causalityProduct: 'unlikely',
        causalityProcedure: 'probable',
      }).days,
    ).toBe(7);
  });
  it('is on time on the due day and late the day after; overdue once the due day has passed', () => {
    const clock = expeditedClock({ ...base, seriousness: ['hospitalization'] });
    expect(expeditedStatus(clock, '2026-03-16', '2026-04-01')).toBe('submitted-on-time');
    expect(expeditedStatus(clock, '2026-03-17', '2026-04-01')).toBe('submitted-late');
    expect(expeditedStatus(clock, null, '2026-03-16')).toBe('pending');
    expect(expeditedStatus(clock, null, '2026-03-17')).toBe('overdue');
    expect(isLate('overdue') && isLate('submitted-late') && !isLate('pending')).toBe(true);
  });
  it('refuses an unknown seriousness criterion naming it', () => {
    expect(() => expeditedClock({ ...base, seriousness: ['bad' as 'death'] })).toThrow(/seriousness\[0\]/);
  });
});

describe('early-warning rules at their boundaries', () => {
  const counts = (lastDay: number) =>
    Array.from({ length: lastDay / 2 + 1 }, (_, i) => ({ day: i * 2, anc: 0.1 }));
  it('engraftment overdue fires at day +42 for gene therapy without engraftment, not at day +41 (CIBMTR)', () => {
    const at41 = assessEngraftment({
      source: 'gene-therapy',
      countUnit: '10^9/L',
      counts: counts(40),
      asOfDay: 41,
    });
    const at42 = assessEngraftment({
      source: 'gene-therapy',
      countUnit: '10^9/L',
      counts: counts(40),
      asOfDay: 42,
    });
    expect(engraftmentOverdue(at41)).toBeNull();
    expect(engraftmentOverdue(at42)?.rule).toBe('engraftment-overdue');
  });
  const ti: TransfusionIndependenceResult = {
    status: 'achieved',
    period: {
      start: '2025-01-01',
      end: '2026-02-01',
      ongoing: true,
      durationDays: 396,
      atLeast12Months: true,
      weightedHbGdl: 11,
      hbValues: 5,
    },
    periods: [],
    reason: '',
  };
  it('Hb after independence: 9.0 g/dL does not fire, 8.9 g/dL does (TI threshold 9 g/dL)', () => {
    expect(hbBelowAfterIndependence(ti, [{ date: '2026-01-10', gdl: 9.0 }])).toBeNull();
    expect(hbBelowAfterIndependence(ti, [{ date: '2026-01-10', gdl: 8.9 }])?.rule).toBe(
      'hb-below-after-independence',
    );
    expect(
      hbBelowAfterIndependence({ ...ti, status: 'in-progress' }, [{ date: '2026-01-10', gdl: 8 }]),
    ).toBeNull();
    expect(hbBelowAfterIndependence(ti, [{ date: '2024-12-31', gdl: 8 }])).toBeNull();
  });
  it('ferritin rising fires at +20% over three rising values, not at +19%', () => {
    const s = (c: number) => [
      { date: '2026-01-01', ngMl: 1000 },
      { date: '2026-02-01', ngMl: 1100 },
      { date: '2026-03-01', ngMl: c },
    ];
    expect(ferritinRising(s(1200))?.rule).toBe('ferritin-rising');
    expect(ferritinRising(s(1190))).toBeNull();
    expect(ferritinRising(s(1200).slice(0, 2))).toBeNull();
    expect(
      ferritinRising([
        { date: '2026-01-01', ngMl: 1000 },
        { date: '2026-02-01', ngMl: 900 },
        { date: '2026-03-01', ngMl: 1500 },
      ]),
    ).toBeNull();
  });
  it('ALT: exactly 3 × ULN does not fire, 121 U/L with ULN 40 does', () => {
    expect(altAbove3Uln({ date: '2026-01-01', ul: 120, uln: 40 })).toBeNull();
    expect(altAbove3Uln({ date: '2026-01-01', ul: 121, uln: 40 })?.rule).toBe('alt-above-3-uln');
  });
  it('a grade 3 event fires, a grade 2 event does not', () => {
    expect(grade3Event({ id: 'a', term: 'Anemia', grade: 2 })).toBeNull();
    expect(grade3Event({ id: 'a', term: 'Anemia', grade: 3 })?.key).toBe('ae:a:3');
  });
});

describe('end points recomputed from the raw records', () => {
  const infusion = '2025-01-01';
  const day = (n: number) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString().slice(0, 10);
  const ancSeries = (values: number[]): CanonicalLab[] =>
    values.map((v, i) => ({ code: 'anc', date: day(10 + i * 2), value: v }));
  it('neutrophil engraftment on day +16 moves when the day +16 value is corrected below 0.5', () => {
    const labs = ancSeries([0.05, 0.1, 0.2, 0.6, 0.7, 0.9, 1.2]);
    const before = computeEndpoints({
      infusionDate: infusion,
      graftSource: 'gene-therapy',
      labs,
      transfusions: [],
    });
    expect(before.engraftment.neutrophil.engraftmentDay).toBe(16);
    const corrected = labs.map((l) => (l.date === day(16) ? { ...l, value: 0.4 } : l));
    const after = computeEndpoints({
      infusionDate: infusion,
      graftSource: 'gene-therapy',
      labs: corrected,
      transfusions: [],
    });
    expect(after.engraftment.neutrophil.engraftmentDay).toBe(18);
  });
  it('transfusion independence is lost when a red-cell transfusion is added inside the 12 months', () => {
    const hb: CanonicalLab[] = [60, 120, 240, 360, 420, 480].map((n) => ({
      code: 'hb',
      date: day(n),
      value: 11,
    }));
    const ok = computeEndpoints({
      infusionDate: infusion,
      graftSource: 'gene-therapy',
      labs: hb,
      transfusions: [],
    });
    expect(ok.transfusionIndependence?.status).toBe('achieved');
    const withTx = computeEndpoints({
      infusionDate: infusion,
      graftSource: 'gene-therapy',
      labs: hb,
      transfusions: [{ date: day(300), product: 'red-cells' }],
    });
    expect(withTx.transfusionIndependence?.status).not.toBe('achieved');
  });
  it('gathers the laboratory warnings: ALT > 3 × ULN fires with its ULN', () => {
    const labs: CanonicalLab[] = [{ code: 'alt', date: day(30), value: 130, uln: 40 }];
    const w = laboratoryWarnings({
      infusionDate: infusion,
      graftSource: 'gene-therapy',
      labs,
      transfusions: [],
    });
    expect(w.map((x) => x.rule)).toContain('alt-above-3-uln');
  });
});

describe('follow-up schedule', () => {
  it('plans day 30, 60, 100, 180, month 12 then yearly to year 15 for gene therapy (19 visits)', () => {
    const s = followUpSchedule('gene-therapy', '2025-01-01');
    expect(s).toHaveLength(19);
    expect(s[0]).toMatchObject({
      label: 'D30',
      dueDate: '2025-01-31',
      windowStart: '2025-01-24',
      windowEnd: '2025-02-07',
    });
    expect(s[4]?.label).toBe('Y1');
    expect(s[18]).toMatchObject({ label: 'Y15', dueDate: '2040-01-01' });
  });
  it('marks a visit overdue the day after its window and lost to follow-up a year after', () => {
    const v = followUpSchedule('gene-therapy', '2025-01-01')[0]!;
    expect(visitStatus(v, null, '2025-02-07')).toBe('open');
    expect(visitStatus(v, null, '2025-02-08')).toBe('overdue');
    expect(visitStatus(v, '2025-01-30', '2025-02-08')).toBe('done');
    expect(isLostToFollowUp([{ visit: v, attendedOn: null }], null, '2026-02-06')).toBe(false);
    expect(isLostToFollowUp([{ visit: v, attendedOn: null }], null, '2026-02-07')).toBe(true);
    expect(isLostToFollowUp([{ visit: v, attendedOn: null }], '2025-06-01', '2026-02-07')).toBe(false);
  });
});

describe('adverse-event forms graded by their own rules', () => {
  it('grades acute GVHD with skin stage 3 only as MAGIC grade II → 2', () => {
    const r = gradeForm({
      kind: 'acute-gvhd',
      input: {
        skinRashBsaPercent: 60,
        bilirubin: { value: 1, unit: 'mg/dL' },
        upperGiPersistentSymptoms: false,
        lowerGi: { population: 'adult', stoolVolumeMlPerDay: 200 },
      },
    });
    expect(r).toMatchObject({ termName: 'Acute GVHD', grade: 2 });
  });
  it('grades CRS with fever and hypotension on one vasopressor as ASTCT grade 3', () => {
    const r = gradeForm({
      kind: 'crs',
      input: {
        maxTemperatureC: 39.2,
        hypotension: true,
        vasopressors: ['norepinephrine'],
        oxygen: { device: 'none' },
      },
    });
    expect(r.grade).toBe(3);
  });
  it('grades ICANS with ICE score 5 as ASTCT grade 2, and refuses a form that grades 0', () => {
    const input = {
      consciousness: 'normal',
      seizure: 'none',
      deepFocalMotorWeakness: false,
      cerebralEdema: 'none',
    } as const;
    expect(gradeForm({ kind: 'icans', input: { ...input, iceScore: 5 } }).grade).toBe(2);
    expect(() => gradeForm({ kind: 'icans', input: { ...input, iceScore: 10 } })).toThrow(/no adverse event/);
  });
});
