import { describe, expect, it } from 'vitest';
import { dueTimePoints, missingFields, periodOf, registryFields } from '../../src/export/registry-forms';

describe('registry minimum data forms', () => {
  it('falls due at day 0, day 100, 6 months and each year (CIBMTR-style) — not yet at day 99', () => {
    expect(dueTimePoints('cibmtr', 99, null).map((p) => p.label)).toEqual(['day0']);
    expect(dueTimePoints('cibmtr', 100, null).map((p) => p.label)).toEqual(['day0', 'day100']);
    expect(dueTimePoints('cibmtr', 800, null).map((p) => p.label)).toEqual([
      'day0',
      'day100',
      'month6',
      'year1',
      'year2',
    ]);
  });

  it('has no 6-month report in the MED-A style', () => {
    expect(dueTimePoints('ebmt', 400, null).map((p) => p.label)).toEqual(['day0', 'day100', 'year1']);
  });

  it('stops after the report that covers a death', () => {
    // Death on day 50: the day-100 report records it; nothing after.
    expect(dueTimePoints('cibmtr', 900, 50).map((p) => p.label)).toEqual(['day0', 'day100']);
    // Death on day 150: reported at 6 months.
    expect(dueTimePoints('cibmtr', 900, 150).map((p) => p.label)).toEqual(['day0', 'day100', 'month6']);
  });

  it('reports on the days since the previous time point', () => {
    const points = dueTimePoints('cibmtr', 400, null);
    expect(periodOf(points, 1)).toEqual({ from: 1, to: 100 });
    expect(periodOf(points, 2)).toEqual({ from: 101, to: 183 });
    expect(periodOf(points, 3)).toEqual({ from: 184, to: 365 });
  });

  it('lists missing applicable fields; allogeneic-only fields only for allogeneic transplants', () => {
    const day0 = { label: 'day0', kind: 'day0' as const, day: 0 };
    const values = {
      sex: 'female',
      birth_year: 2014,
      disease: 'β-thalassemia major',
      hct_type: 'allogeneic',
      donor_type: 'haploidentical',
      hla_match: null,
      graft_source: 'peripheral-blood',
      conditioning: '',
      day0_date: '2025-01-01',
    };
    expect(missingFields('ebmt', day0, values, true).map((m) => m.field)).toEqual([
      'hla_match',
      'conditioning',
    ]);
    expect(missingFields('ebmt', day0, values, false).map((m) => m.field)).toEqual(['conditioning']);
    const day100 = { label: 'day100', kind: 'day100' as const, day: 100 };
    const alive = missingFields('ebmt', day100, { survival_status: 'alive' }, false).map((m) => m.field);
    expect(alive).not.toContain('cause_of_death');
    const dead = missingFields('ebmt', day100, { survival_status: 'dead' }, false);
    expect(dead.find((m) => m.field === 'cause_of_death')).toEqual({
      timePoint: 'day100',
      field: 'cause_of_death',
      critical: false,
    });
    expect(dead.find((m) => m.field === 'neutrophil_engraftment_date')?.critical).toBe(true);
  });

  it('describes every field in both languages', () => {
    for (const f of [...registryFields('cibmtr'), ...registryFields('ebmt')]) {
      expect(f.zh.length).toBeGreaterThan(0);
      expect(f.en.length).toBeGreaterThan(0);
    }
  });
});
