import { describe, expect, it } from 'vitest';
import { immuneKind, summariseAdverseEvents } from '../src/evaluation/adverse-events';

const ev = (patientId: string, term: string, grade: number | null, serious = false, expected = true) => ({
  patientId,
  term,
  grade,
  serious,
  expected,
});

describe('the safety tables of a cohort', () => {
  it('recognises GVHD, CRS and ICANS by term', () => {
    expect(immuneKind('Acute GVHD')).toBe('gvhd');
    expect(immuneKind('Chronic graft-versus-host disease')).toBe('gvhd');
    expect(immuneKind('Cytokine release syndrome')).toBe('crs');
    expect(immuneKind('Immune effector cell-associated neurotoxicity syndrome')).toBe('icans');
    expect(immuneKind('Sepsis')).toBeNull();
  });

  it('counts events at their grade, patients once per row, and the worst immune grade per patient', () => {
    // 4 patients, 2 patient-years. A: GVHD G2 then G3 (serious), sepsis G3 (serious, unexpected);
    // B: GVHD G1; C: sepsis G3 (expected). D has none.
    const s = summariseAdverseEvents(
      [
        ev('A', 'Acute GVHD', 2),
        ev('A', 'Acute GVHD', 3, true),
        ev('A', 'Sepsis', 3, true, false),
        ev('B', 'Acute GVHD', 1),
        ev('C', 'Sepsis', 3),
      ],
      4,
      2,
    );
    expect(s.byTerm.map((r) => [r.term, r.grade, r.events, r.patients])).toEqual([
      ['Acute GVHD', 1, 1, 1],
      ['Acute GVHD', 2, 1, 1],
      ['Acute GVHD', 3, 1, 1],
      ['Acute GVHD', null, 3, 2],
      ['Sepsis', 3, 2, 2],
      ['Sepsis', null, 2, 2],
    ]);
    expect(s.any).toMatchObject({ events: 5, patients: 3, serious: 2, unexpected: 1 });
    // 3 of 4 patients: 0.75; 5 events in 2 patient-years: 2.5 per patient-year.
    expect(s.any.incidence.estimate).toBeCloseTo(0.75, 10);
    expect(s.any.rate.perPatientYear).toBeCloseTo(2.5, 10);
    expect(s.serious).toMatchObject({ events: 2, patients: 1 });
    expect(s.unexpected).toMatchObject({ events: 1, patients: 1 });
    expect(s.seriousUnexpected).toEqual({ events: 1, patients: 1 });
    expect(s.immune).toEqual([
      { kind: 'gvhd', grade: 1, patients: 1 },
      { kind: 'gvhd', grade: 3, patients: 1 },
    ]);
  });
});
