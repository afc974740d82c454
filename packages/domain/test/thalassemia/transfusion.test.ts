import { describe, expect, it } from 'vitest';
import { DomainInputError } from '../../src/grading/input';
import {
  addCalendarMonths,
  assessTransfusionDependence,
  assessTransfusionIndependence,
  formatIsoDate,
  parseIsoDate,
  type RedCellTransfusion,
  timeWeightedMean,
} from '../../src/thalassemia/index';

/** Transfusions every `everyDays` days going back two years from 2026-01-01. */
function history(everyDays: number, volumeMl?: number): RedCellTransfusion[] {
  const end = parseIsoDate('2026-01-01', 'ref');
  const out: RedCellTransfusion[] = [];
  for (let d = end - everyDays; d >= end - 730; d -= everyDays) {
    out.push({ date: formatIsoDate(d), ...(volumeMl === undefined ? {} : { volumeMl }) });
  }
  return out;
}

// Definition: ≥ 100 mL/kg/year or ≥ 8 transfusions/year over the two years before enrolment
// (Locatelli F et al., N Engl J Med 2022;386:415–27, HGB-207 eligibility; DESIGN.md §3.3).
describe('transfusion dependence (beti-cel HGB-207 eligibility: ≥ 100 mL/kg/yr or ≥ 8 events/yr over 2 years)', () => {
  it('every 3 weeks (≈ 17 events/year) → dependent by events', () => {
    const r = assessTransfusionDependence({ transfusions: history(21), referenceDate: '2026-01-01' });
    expect(r.dependent).toBe(true);
    expect(r.criterion).toBe('events');
    expect(r.years[0].events).toBeGreaterThanOrEqual(17);
  });

  it('exactly 8 events in each year → dependent; 7 in each → not', () => {
    const make = (n: number) =>
      ['2025', '2024'].flatMap((y) =>
        Array.from({ length: n }, (_, i) => ({ date: `${y}-${String(i + 2).padStart(2, '0')}-15` })),
      );
    expect(
      assessTransfusionDependence({ transfusions: make(8), referenceDate: '2026-01-01' }).dependent,
    ).toBe(true);
    expect(
      assessTransfusionDependence({ transfusions: make(7), referenceDate: '2026-01-01' }).dependent,
    ).toBe(false);
  });

  it('volume: 6 events/year of 500 mL at 30 kg = 100 mL/kg/year → dependent by volume (boundary inclusive)', () => {
    const transfusions = ['2025', '2024'].flatMap((y) =>
      [2, 4, 6, 8, 10, 12].map((m) => ({ date: `${y}-${String(m).padStart(2, '0')}-01`, volumeMl: 500 })),
    );
    const r = assessTransfusionDependence({ transfusions, referenceDate: '2026-01-01', weightKg: 30 });
    expect(r.meanVolumeMlPerKgPerYear).toBeCloseTo(100, 9);
    expect(r.criterion).toBe('volume');
    const lighter = assessTransfusionDependence({
      transfusions,
      referenceDate: '2026-01-01',
      weightKg: 30.1,
    });
    expect(lighter.dependent).toBe(false);
  });

  it('several records on one date are one event; each-year mode needs both years', () => {
    const oneYearHeavy = [
      ...Array.from({ length: 12 }, (_, i) => ({ date: `2025-${String(i + 1).padStart(2, '0')}-10` })),
      { date: '2025-03-10' },
      { date: '2024-05-10' },
      { date: '2024-06-10' },
      { date: '2024-07-10' },
      { date: '2024-08-10' },
    ];
    const avg = assessTransfusionDependence({ transfusions: oneYearHeavy, referenceDate: '2026-01-01' });
    expect(avg.years[0].events).toBe(12);
    expect(avg.meanEventsPerYear).toBe(8);
    expect(avg.dependent).toBe(true);
    expect(
      assessTransfusionDependence({
        transfusions: oneYearHeavy,
        referenceDate: '2026-01-01',
        mode: 'each-year',
      }).dependent,
    ).toBe(false);
  });

  it('missing weight with a volume names the field; a bad date names its index', () => {
    expect(() =>
      assessTransfusionDependence({
        transfusions: [{ date: '2025-05-01', volumeMl: 300 }],
        referenceDate: '2026-01-01',
      }),
    ).toThrow(/transfusions\[0\].weightKg/);
    expect(() =>
      assessTransfusionDependence({ transfusions: [{ date: '2025-02-30' }], referenceDate: '2026-01-01' }),
    ).toThrow(DomainInputError);
  });
});

describe('time weighting of Hb', () => {
  it('trapezoid: 8 → 10 over 10 days then 10 for 30 days = (90 + 300)/40 = 9.75; step: (80 + 300)/40 = 9.5', () => {
    const points = [
      { day: 0, value: 8 },
      { day: 10, value: 10 },
      { day: 40, value: 10 },
    ];
    expect(timeWeightedMean(points, 'trapezoid')).toBeCloseTo(9.75, 12);
    expect(timeWeightedMean(points, 'step')).toBeCloseTo(9.5, 12);
    expect(timeWeightedMean(points.slice(0, 1), 'step')).toBeNull();
  });
  it('calendar months clamp the day: 2024-01-31 + 1 month = 2024-02-29', () => {
    expect(formatIsoDate(addCalendarMonths(parseIsoDate('2024-01-31', 'd'), 1))).toBe('2024-02-29');
  });
});

/** Monthly Hb values from `from` for `months` months. */
function monthlyHb(from: string, months: number, value: (i: number) => number) {
  const start = parseIsoDate(from, 'from');
  return Array.from({ length: months + 1 }, (_, i) => ({
    date: formatIsoDate(addCalendarMonths(start, i)),
    value: value(i),
    unit: 'g/dL',
  }));
}

// Definition: weighted average Hb ≥ 9 g/dL without red-cell transfusion for ≥ 12 months (Locatelli F et al.,
// N Engl J Med 2022;386:415–27, beti-cel primary end point); evaluation from 60 days after the last transfusion.
describe('transfusion independence (beti-cel: weighted Hb ≥ 9 g/dL, no transfusion ≥ 12 months)', () => {
  const base = {
    infusionDate: '2024-01-10',
    transfusions: [{ date: '2023-12-20' }, { date: '2024-01-25' }, { date: '2024-02-20' }],
  };

  it('achieved: last transfusion 2024-02-20, evaluation from 2024-04-20 (60-day washout), Hb 11.7 for 14 months', () => {
    const r = assessTransfusionIndependence({ ...base, hemoglobin: monthlyHb('2024-04-20', 14, () => 11.7) });
    expect(r.status).toBe('achieved');
    expect(r.period?.start).toBe('2024-04-20');
    expect(r.period?.weightedHbGdl).toBeCloseTo(11.7, 9);
    expect(r.period?.durationDays).toBe(parseIsoDate('2025-06-20', 'd') - parseIsoDate('2024-04-20', 'd'));
    expect(r.reason).toContain('2024-04-20');
  });

  it('in progress at 11 months; achieved exactly at 12 calendar months (boundary)', () => {
    expect(
      assessTransfusionIndependence({ ...base, hemoglobin: monthlyHb('2024-04-20', 11, () => 10) }).status,
    ).toBe('in-progress');
    const twelve = assessTransfusionIndependence({
      ...base,
      hemoglobin: monthlyHb('2024-04-20', 12, () => 10),
    });
    expect(twelve.status).toBe('achieved');
    expect(twelve.period?.end).toBe('2025-04-20');
  });

  it('weighted Hb exactly 9.0 meets the threshold; 8.99 does not', () => {
    expect(
      assessTransfusionIndependence({ ...base, hemoglobin: monthlyHb('2024-04-20', 13, () => 9.0) }).status,
    ).toBe('achieved');
    expect(
      assessTransfusionIndependence({ ...base, hemoglobin: monthlyHb('2024-04-20', 13, () => 8.99) }).status,
    ).toBe('not-met');
  });

  it('a transfusion at month 8 breaks the period; a later 12-month period qualifies', () => {
    const r = assessTransfusionIndependence({
      ...base,
      transfusions: [...base.transfusions, { date: '2024-12-20' }],
      hemoglobin: monthlyHb('2024-04-20', 30, () => 10),
    });
    expect(r.status).toBe('achieved');
    expect(r.period?.start).toBe('2025-02-18');
    expect(r.periods[0]?.atLeast12Months).toBe(false);
  });

  it('converts Hb in g/L (117 g/L = 11.7 g/dL) and needs two Hb values to weight', () => {
    const hb = monthlyHb('2024-04-20', 13, () => 117).map((h) => ({ ...h, unit: 'g/L' }));
    expect(assessTransfusionIndependence({ ...base, hemoglobin: hb }).period?.weightedHbGdl).toBeCloseTo(
      11.7,
      9,
    );
    const one = assessTransfusionIndependence({
      ...base,
      hemoglobin: [{ date: '2024-05-01', value: 11, unit: 'g/dL' }],
      lastFollowUpDate: '2025-06-01',
    });
    expect(one.status).toBe('not-met');
    expect(one.reason).toContain('fewer than two Hb values');
  });

  it('bad Hb unit and missing Hb value name the field', () => {
    expect(() =>
      assessTransfusionIndependence({
        ...base,
        hemoglobin: [{ date: '2024-05-01', value: 11, unit: 'mg/dL' }],
      }),
    ).toThrow(/hemoglobin\[0\]/);
    expect(() =>
      assessTransfusionIndependence({ ...base, hemoglobin: [{ date: '2024-05-01', unit: 'g/dL' } as never] }),
    ).toThrow(/hemoglobin\[0\].value/);
  });
});
