import { describe, expect, it } from 'vitest';
import {
  ancFromDifferential,
  assessEngraftment,
  type BloodCountRecord,
  type EngraftmentInput,
} from '../../src/clinical/index';
import { DomainInputError } from '../../src/grading/input';

// A typical post-infusion course: counts fall to a nadir around day +7, then recover.
const ancSeries: [number, number][] = [
  [0, 2.1],
  [3, 0.6],
  [7, 0.0],
  [10, 0.1],
  [14, 0.4],
  [17, 0.6],
  [18, 0.4],
  [19, 0.7],
  [20, 0.9],
  [21, 1.2],
  [24, 1.8],
];
const counts = (pairs: [number, number][], key: keyof BloodCountRecord = 'anc'): BloodCountRecord[] =>
  pairs.map(([day, value]) => ({ day, [key]: value }));

const base: EngraftmentInput = { source: 'gene-therapy', countUnit: '10^9/L', counts: counts(ancSeries) };

describe('neutrophil engraftment (CIBMTR: first of 3 consecutive values on different days ≥ 0.5 ×10⁹/L after the nadir)', () => {
  it('gives day +19: day 17 (0.6) is broken by day 18 (0.4); days 19, 20, 21 qualify', () => {
    const result = assessEngraftment(base).neutrophil;
    expect(result.status).toBe('engrafted');
    expect(result.engraftmentDay).toBe(19);
    expect(result.qualifyingDays).toEqual([19, 20, 21]);
    expect(result.nadirDay).toBe(7);
    expect(result.reason).toContain('day +19');
  });

  it('ignores values ≥ 0.5 before the nadir (day 0 at 2.1, day 3 at 0.6)', () => {
    const early = assessEngraftment({
      ...base,
      counts: counts([
        [0, 2.1],
        [1, 1.9],
        [2, 1.5],
        [5, 0.2],
        [9, 0.5],
        [10, 0.5],
        [11, 0.5],
      ]),
    });
    expect(early.neutrophil.engraftmentDay).toBe(9);
  });

  it('counts exactly 0.5 ×10⁹/L as qualifying (≥ 0.5) and 500/mm³ the same after conversion', () => {
    const mm3 = assessEngraftment({
      ...base,
      countUnit: '/mm3',
      counts: counts([
        [5, 0],
        [12, 499],
        [13, 500],
        [14, 500],
        [15, 500],
      ]),
    });
    expect(mm3.neutrophil.engraftmentDay).toBe(13);
  });

  it('uses the lowest of two values on one day, so one day cannot count twice', () => {
    const result = assessEngraftment({
      ...base,
      counts: counts([
        [5, 0],
        [12, 0.6],
        [12, 0.3],
        [13, 0.6],
        [14, 0.6],
        [15, 0.6],
      ]),
    });
    expect(result.neutrophil.engraftmentDay).toBe(13);
  });

  it('derives ANC from WBC × (segmented + band %) when ANC is missing: 1.2 × 45% = 0.54', () => {
    expect(ancFromDifferential(1.2, 45)).toBeCloseTo(0.54, 12);
    const result = assessEngraftment({
      ...base,
      counts: [
        { day: 6, anc: 0.0 },
        { day: 15, wbc: 1.2, neutrophilPercent: 45 },
        { day: 16, wbc: 1.0, neutrophilPercent: 50 },
        { day: 17, anc: 0.8 },
      ],
    });
    expect(result.neutrophil.engraftmentDay).toBe(15);
    expect(result.derivedAncDays).toEqual([15, 16]);
  });

  it('reports graft failure when not engrafted by day +42 (gene therapy) and pending before it', () => {
    const low = counts([
      [7, 0.0],
      [20, 0.2],
      [30, 0.3],
      [42, 0.4],
    ]);
    expect(assessEngraftment({ ...base, counts: low }).neutrophil.status).toBe('graft-failure');
    expect(assessEngraftment({ ...base, counts: low.slice(0, 3) }).neutrophil.status).toBe('pending');
    expect(assessEngraftment({ ...base, counts: low, failureDeadlineDay: 43 }).neutrophil.status).toBe(
      'pending',
    );
  });

  it('uses day +30 for bone marrow and peripheral blood and +42 for cord blood (DESIGN.md §3.3)', () => {
    const late = counts([
      [7, 0],
      [31, 0.6],
      [32, 0.7],
      [33, 0.9],
    ]);
    expect(assessEngraftment({ ...base, source: 'bone-marrow', counts: late }).neutrophil.status).toBe(
      'engrafted-after-deadline',
    );
    expect(
      assessEngraftment({ ...base, source: 'peripheral-blood', counts: late }).neutrophil.deadlineDay,
    ).toBe(30);
    expect(assessEngraftment({ ...base, source: 'cord-blood', counts: late }).neutrophil.status).toBe(
      'engrafted',
    );
  });

  it('engraftment on the deadline day itself is not failure; a run starting on it is pending until confirmed', () => {
    const onDeadline = counts([
      [7, 0],
      [30, 0.5],
      [31, 0.6],
      [32, 0.7],
    ]);
    expect(assessEngraftment({ ...base, source: 'bone-marrow', counts: onDeadline }).neutrophil.status).toBe(
      'engrafted',
    );
    const unconfirmed = assessEngraftment({ ...base, source: 'bone-marrow', counts: onDeadline.slice(0, 3) });
    expect(unconfirmed.neutrophil.status).toBe('pending');
  });

  it('reports never-below-threshold when ANC never fell below 0.5', () => {
    const result = assessEngraftment({
      ...base,
      counts: counts([
        [1, 1.0],
        [5, 0.8],
        [9, 1.1],
      ]),
    });
    expect(result.neutrophil.status).toBe('never-below-threshold');
  });
});

describe('platelet engraftment (CIBMTR: ≥ 20 ×10⁹/L on 3 consecutive days, no transfusion in the 7 days before)', () => {
  const plt = counts(
    [
      [8, 9],
      [12, 15],
      [20, 22],
      [21, 25],
      [22, 27],
      [23, 30],
      [30, 35],
      [31, 40],
      [32, 45],
    ],
    'platelets',
  );
  it('gives day +20 with no transfusion', () => {
    expect(assessEngraftment({ ...base, counts: plt }).platelet.engraftmentDay).toBe(20);
  });
  it('a transfusion on day 13 (7 days before day 20) moves engraftment to day +21', () => {
    expect(
      assessEngraftment({ ...base, counts: plt, plateletTransfusionDays: [13] }).platelet.engraftmentDay,
    ).toBe(21);
  });
  it('a transfusion on day 12 (8 days before day 20) does not', () => {
    expect(
      assessEngraftment({ ...base, counts: plt, plateletTransfusionDays: [12] }).platelet.engraftmentDay,
    ).toBe(20);
  });
  it('a transfusion during the three values (day 22) excludes every window that contains or follows it within 7 days', () => {
    const result = assessEngraftment({ ...base, counts: plt, plateletTransfusionDays: [22] });
    expect(result.platelet.engraftmentDay).toBe(30);
  });
  it('is pending without three clean values', () => {
    const result = assessEngraftment({ ...base, counts: plt.slice(0, 4) });
    expect(result.platelet.status).toBe('pending');
  });
});

describe('bad input names the field', () => {
  it.each([
    [{ ...base, source: 'liver' as never }, 'source'],
    [{ ...base, counts: [{ day: 1.5, anc: 1 }] }, 'counts[0].day'],
    [{ ...base, counts: [{ day: 1, anc: -1 }] }, 'counts[0].anc'],
    [{ ...base, counts: [{ day: 1, wbc: 2 }] }, 'counts[0].neutrophilPercent'],
    [{ ...base, counts: [{ day: 1, wbc: 2, neutrophilPercent: 140 }] }, 'counts[0].neutrophilPercent'],
    [{ ...base, countUnit: 'g/L' }, 'counts[0].ancUnit'],
    [{ ...base, plateletTransfusionDays: [Number.NaN] }, 'plateletTransfusionDays[0]'],
  ])('%# → %s', (input, field) => {
    try {
      assessEngraftment(input as EngraftmentInput);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainInputError);
      expect((error as DomainInputError).field).toBe(field);
    }
  });
});
