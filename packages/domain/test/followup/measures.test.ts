import { describe, expect, it } from 'vitest';
import {
  canonicalUnitOf,
  checkMethod,
  codesOf,
  labCodeInfo,
  toCanonicalLab,
} from '../../src/followup/catalog';
import type { CanonicalLab } from '../../src/followup/endpoints';
import { gvhdHistory, ironTrend, KOOS_MIC, koosChange, meldTrend } from '../../src/followup/measures';
import { productEventSignals } from '../../src/followup/registry-monitor';
import { DomainInputError } from '../../src/grading/input';
import { posteriorScores } from '../../src/signals/mgps';

const lab = (code: string, date: string, value: number) => ({ code, date, value }) as CanonicalLab;

describe('vitals, imaging and scores in the observation catalogue', () => {
  it('carries the LOINC vital-sign codes and sorts codes by category', () => {
    expect(labCodeInfo('temperature').loinc).toBe('8310-5');
    expect(labCodeInfo('heart-rate').loinc).toBe('8867-4');
    expect(labCodeInfo('bp-systolic').loinc).toBe('8480-6');
    expect(labCodeInfo('bp-diastolic').loinc).toBe('8462-4');
    expect(labCodeInfo('spo2').loinc).toBe('59408-5');
    expect(labCodeInfo('weight').loinc).toBe('29463-7');
    expect(labCodeInfo('inr').loinc).toBe('6301-6');
    expect(labCodeInfo('lic-mri').loinc).toBeNull();
    expect(codesOf('imaging')).toEqual(['lic-mri', 'cardiac-t2star']);
    expect(codesOf('vital')).toHaveLength(6);
    expect(codesOf('laboratory')).toContain('hb');
    expect(codesOf('laboratory')).not.toContain('weight');
  });

  it('converts units: 98.6 °F = 37 °C, 16 kPa = 120.0 mmHg, 154 lb = 69.85 kg, 179 µmol/g = 10 mg/g', () => {
    expect(toCanonicalLab('temperature', 98.6, '°F')).toBeCloseTo(37, 6);
    // 16 / 0.133322 = 120.01
    expect(toCanonicalLab('bp-systolic', 16, 'kPa')).toBeCloseTo(120.01, 2);
    expect(toCanonicalLab('weight', 154, 'lb')).toBeCloseTo(69.853, 3);
    expect(toCanonicalLab('weight', 3500, 'g')).toBeCloseTo(3.5, 9);
    expect(toCanonicalLab('lic-mri', 179, 'µmol/g')).toBeCloseTo(10, 9);
    expect(canonicalUnitOf('lic-mri')).toBe('mg/g');
  });

  it('turns a cardiac R2* of 50 Hz into a T2* of 20 ms', () => {
    expect(toCanonicalLab('cardiac-t2star', 50, 'Hz')).toBeCloseTo(20, 9);
    expect(canonicalUnitOf('cardiac-t2star')).toBe('ms');
  });

  it('refuses implausible values, wrong units, a fractional MELD, naming the field', () => {
    expect(() => toCanonicalLab('temperature', 98.6, '°C')).toThrow(/plausible range 25–45/);
    expect(() => toCanonicalLab('spo2', 101, '%')).toThrow(DomainInputError);
    expect(() => toCanonicalLab('heart-rate', 70, 'Hz')).toThrow(/not accepted for heart-rate/);
    expect(() => toCanonicalLab('cardiac-t2star', 0, 'Hz')).toThrow(/plausible/);
    expect(() => toCanonicalLab('meld', 20.5, 'score')).toThrow(/whole number/);
    expect(() => toCanonicalLab('koos-pain', 100.5, 'score')).toThrow(/0–100/);
    try {
      toCanonicalLab('weight', 70, 'stone');
    } catch (e) {
      expect((e as DomainInputError).field).toBe('valueUnit');
    }
  });

  it('requires the MRI method for LIC and refuses one elsewhere', () => {
    expect(checkMethod('lic-mri', 'R2*')).toBe('R2*');
    expect(() => checkMethod('lic-mri', undefined)).toThrow(/R2, R2\*/);
    expect(() => checkMethod('lic-mri', 'CT')).toThrow(DomainInputError);
    expect(checkMethod('hb', null)).toBeNull();
    expect(() => checkMethod('hb', 'R2')).toThrow(/takes no method/);
  });
});

describe('iron status trend', () => {
  it('categorises cardiac T2* at its boundaries: 9.9 severe, 10 and 20 moderate, 20.1 none', () => {
    const t = ironTrend([
      lab('cardiac-t2star', '2025-01-01', 9.9),
      lab('cardiac-t2star', '2025-02-01', 10),
      lab('cardiac-t2star', '2025-03-01', 20),
      lab('cardiac-t2star', '2025-04-01', 20.1),
    ]);
    expect(t.points.map((p) => p.level)).toEqual(['severe', 'moderate', 'moderate', 'target']);
    expect(t.latest.t2star?.value).toBe(20.1);
    expect(t.change.t2star).toBeCloseTo(0.1, 9);
  });

  it('categorises LIC (3 mild, 7 moderate, 15 severe) and takes the worst latest measure overall', () => {
    const t = ironTrend([
      lab('lic-mri', '2025-01-01', 2.9),
      lab('lic-mri', '2025-02-01', 3),
      lab('lic-mri', '2025-03-01', 7),
      lab('lic-mri', '2025-04-01', 15),
      lab('ferritin', '2025-04-01', 900),
      lab('cardiac-t2star', '2025-04-01', 25),
      lab('hb', '2025-04-01', 11),
    ]);
    expect(t.points.filter((p) => p.measure === 'lic').map((p) => p.level)).toEqual([
      'target',
      'mild',
      'moderate',
      'severe',
    ]);
    expect(t.overall).toBe('severe');
    expect(t.points).toHaveLength(6);
    expect(ironTrend([lab('hb', '2025-01-01', 10)]).overall).toBeNull();
  });
});

describe('MELD trend', () => {
  it('computes MELD 20 from bilirubin 2.0, creatinine 1.5, INR 1.8 on the same day (worked by hand)', () => {
    // 0.957 ln 1.5 + 0.378 ln 2 + 1.120 ln 1.8 + 0.643 = 1.9514 → 19.51 → 20
    const t = meldTrend([
      lab('bilirubin', '2025-01-10', 2),
      lab('creatinine', '2025-01-10', 1.5),
      lab('inr', '2025-01-10', 1.8),
      lab('bilirubin', '2025-02-10', 2),
      lab('meld', '2025-03-01', 25),
    ]);
    expect(t.points).toEqual([
      { date: '2025-01-10', meld: 20, source: 'computed' },
      { date: '2025-03-01', meld: 25, source: 'entered' },
    ]);
    expect(t.latest?.meld).toBe(25);
  });

  it('recomputes when bilirubin is corrected to 4.0 mg/dL: MELD 22', () => {
    // 0.378 ln 4 = 0.5240 → 2.2134 → 22
    const t = meldTrend([
      lab('bilirubin', '2025-01-10', 4),
      lab('creatinine', '2025-01-10', 1.5),
      lab('inr', '2025-01-10', 1.8),
    ]);
    expect(t.latest?.meld).toBe(22);
  });
});

describe('KOOS change from baseline', () => {
  it('calls a change of exactly the MIC (10 points) important, 9.9 not', () => {
    expect(KOOS_MIC).toBe(10);
    const k = koosChange(
      [
        lab('koos-pain', '2025-01-01', 50),
        lab('koos-pain', '2025-07-01', 60),
        lab('koos-adl', '2025-01-01', 50),
        lab('koos-adl', '2025-07-01', 59.9),
        lab('koos-qol', '2024-12-01', 40),
        lab('koos-qol', '2025-01-01', 50),
        lab('koos-qol', '2025-07-01', 30),
      ],
      '2025-01-05',
    );
    expect(k.pain).toMatchObject({ change: 10, verdict: 'improved' });
    expect(k.adl.verdict).toBe('no-important-change');
    expect(k.adl.change).toBeCloseTo(9.9, 9);
    // Baseline is the last score on or before the infusion (50 on 1 January), not the first.
    expect(k.qol).toMatchObject({ baseline: { score: 50 }, change: -20, verdict: 'worsened' });
    expect(k.sport).toMatchObject({ change: null, verdict: 'not-assessable' });
  });

  it('uses the first score as the baseline when none precedes the infusion', () => {
    const k = koosChange(
      [lab('koos-pain', '2025-03-01', 30), lab('koos-pain', '2025-09-01', 45)],
      '2025-01-05',
    );
    expect(k.pain).toMatchObject({ baseline: { score: 30 }, latest: { score: 45 }, change: 15 });
  });
});

describe('GVHD grade history', () => {
  it('follows onset grade, changes and resolution, and ignores other terms', () => {
    const h = gvhdHistory([
      {
        id: 'g1',
        term: 'Acute GVHD',
        onsetDate: '2025-02-01',
        resolutionDate: '2025-04-01',
        grade: 1,
        followUps: [
          { date: '2025-02-10', grade: 3, fromGrade: 2 },
          { date: '2025-03-01' },
          { date: '2025-03-10', grade: 1, fromGrade: 3 },
        ],
      },
      {
        id: 'g2',
        term: 'Chronic graft-versus-host disease',
        onsetDate: '2025-06-01',
        resolutionDate: null,
        grade: 2,
        followUps: [],
      },
      { id: 'x', term: 'Fever', onsetDate: '2025-01-01', resolutionDate: null, grade: 4, followUps: [] },
    ]);
    expect(h.points.map((p) => [p.date, p.grade, p.kind])).toEqual([
      ['2025-02-01', 2, 'onset'],
      ['2025-02-10', 3, 'change'],
      ['2025-03-10', 1, 'change'],
      ['2025-04-01', 0, 'resolved'],
      ['2025-06-01', 2, 'onset'],
    ]);
    expect(h.maxGrade).toBe(3);
    expect(h.active).toEqual([{ eventId: 'g2', term: 'Chronic graft-versus-host disease', grade: 2 }]);
  });
});

describe('EBGM and EB05 of product–event pairs', () => {
  const reports = (product: string, term: string, n: number) =>
    Array.from({ length: n }, () => ({ product, term }));
  const all = [
    ...reports('A', 'VOD', 8),
    ...reports('A', 'Fever', 2),
    ...reports('B', 'Fever', 30),
    ...reports('B', 'VOD', 1),
  ];

  it('scores each pair with DuMouchel’s prior on a small registry and shrinks the ratio towards 1', () => {
    const pair = productEventSignals(all).find((p) => p.product === 'A' && p.term === 'VOD')!;
    // E = 10 × 9 / 41
    const e = (10 * 9) / 41;
    const reference = posteriorScores({ alpha1: 0.2, beta1: 0.1, alpha2: 2, beta2: 4, p: 1 / 3 }, 8, e);
    expect(pair.ebgm).toBeCloseTo(reference.ebgm, 9);
    expect(pair.eb05).toBeCloseTo(reference.eb05, 9);
    expect(pair.ebgm).toBeLessThan(8 / e);
    expect(pair.eb05).toBeLessThan(pair.ebgm);
    expect(pair.eb95).toBeGreaterThan(pair.ebgm);
    expect(pair.ebSignal).toBe(pair.eb05 >= 2);
    const fever = productEventSignals(all).find((p) => p.product === 'B' && p.term === 'Fever')!;
    expect(fever.ebSignal).toBe(false);
  });
});
