import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CTCAE_LAB_TERMS,
  type CtcaeLabInput,
  type CtcaeLabTerm,
  ctcaeDirection,
  DomainInputError,
  gradeCtcaeLab,
} from '../../src/grading/index';

const grade = (input: CtcaeLabInput) => gradeCtcaeLab(input).grade;

// Every expected grade below is read off the published grade columns of CTCAE v5.0 (NCI, 27 Nov 2017).
describe('CTCAE v5.0 Neutrophil count decreased: <LLN–1.5, <1.5–1.0, <1.0–0.5, <0.5 ×10⁹/L', () => {
  const anc = (value: number, unit = '10^9/L', lln = 2.0, limitUnit?: string) =>
    grade({ term: 'neutrophil-count-decreased', value, unit, lln, ...(limitUnit ? { limitUnit } : {}) });
  it.each([
    [2.0, 0],
    [1.99, 1],
    [1.5, 1],
    [1.49, 2],
    [1.0, 2],
    [0.99, 3],
    [0.8, 3],
    [0.5, 3],
    [0.49, 4],
    [0, 4],
  ])('ANC %s ×10⁹/L with LLN 2.0 → grade %s (CTCAE v5.0 Neutrophil count decreased)', (value, expected) => {
    expect(anc(value)).toBe(expected);
  });
  it('grades 500/mm³ as grade 3 and 499/mm³ as grade 4 (CTCAE v5.0 prints <1000–500/mm³ and <500/mm³)', () => {
    expect(anc(500, '/mm3', 2000)).toBe(3);
    expect(anc(499, '/mm3', 2000)).toBe(4);
    expect(anc(1500, '/uL', 2.0, '10^9/L')).toBe(1);
  });
  it('gives a reason naming the criterion', () => {
    const r = gradeCtcaeLab({ term: 'neutrophil-count-decreased', value: 0.8, unit: '10^9/L', lln: 2 });
    expect(r.reason).toContain('Neutrophil count decreased grade 3');
    expect(r.reason).toContain('<1.0 – 0.5 × 10⁹/L');
  });
});

describe('CTCAE v5.0 Platelet count decreased: <LLN–75, <75–50, <50–25, <25 ×10⁹/L', () => {
  it.each([
    [150, 0],
    [149, 1],
    [75, 1],
    [74.9, 2],
    [50, 2],
    [49, 3],
    [25, 3],
    [24.9, 4],
  ])('platelets %s ×10⁹/L with LLN 150 → grade %s (CTCAE v5.0)', (value, expected) => {
    expect(grade({ term: 'platelet-count-decreased', value, unit: '10^9/L', lln: 150 })).toBe(expected);
  });
  it('converts 75,000/mm³ to 75 ×10⁹/L → grade 1 (CTCAE v5.0 <LLN – 75,000/mm³)', () => {
    expect(grade({ term: 'platelet-count-decreased', value: 75000, unit: '/mm3', lln: 150000 })).toBe(1);
    expect(
      grade({ term: 'platelet-count-decreased', value: 24999, unit: '/mm3', lln: 150, limitUnit: '10^9/L' }),
    ).toBe(4);
  });
});

describe('CTCAE v5.0 White blood cell decreased and Lymphocyte count decreased', () => {
  it.each([
    [3.0, 1],
    [2.99, 2],
    [2.0, 2],
    [1.99, 3],
    [1.0, 3],
    [0.99, 4],
  ])(
    'WBC %s ×10⁹/L (LLN 4.0) → grade %s (CTCAE v5.0 <LLN–3.0, <3.0–2.0, <2.0–1.0, <1.0)',
    (value, expected) => {
      expect(grade({ term: 'white-blood-cell-decreased', value, unit: '10^9/L', lln: 4.0 })).toBe(expected);
    },
  );
  it.each([
    [800, 1],
    [799, 2],
    [500, 2],
    [499, 3],
    [200, 3],
    [199, 4],
  ])(
    'lymphocytes %s/mm³ (LLN 1000/mm³) → grade %s (CTCAE v5.0 <LLN–800, <800–500, <500–200, <200)',
    (v, g) => {
      expect(grade({ term: 'lymphocyte-count-decreased', value: v, unit: '/mm3', lln: 1000 })).toBe(g);
    },
  );
});

describe('CTCAE v5.0 Anemia: Hgb <LLN–10.0, <10.0–8.0, <8.0 g/dL (grade 4 is clinical only)', () => {
  it.each([
    [12.0, 'g/dL', 12.0, 0],
    [11.9, 'g/dL', 12.0, 1],
    [10.0, 'g/dL', 12.0, 1],
    [9.9, 'g/dL', 12.0, 2],
    [8.0, 'g/dL', 12.0, 2],
    [7.9, 'g/dL', 12.0, 3],
    [3.0, 'g/dL', 12.0, 3],
    [100, 'g/L', 120, 1],
    [99, 'g/L', 120, 2],
    [79, 'g/L', 120, 3],
    [6.2, 'mmol/L', 7.4, 1],
    [6.1, 'mmol/L', 7.4, 2],
    [4.9, 'mmol/L', 7.4, 2],
    [4.8, 'mmol/L', 7.4, 3],
  ])(
    'Hb %s %s (LLN %s) → grade %s (CTCAE v5.0 Anemia, thresholds as printed per unit)',
    (value, unit, lln, g) => {
      expect(grade({ term: 'anemia', value, unit, lln })).toBe(g);
    },
  );
  it('accepts an LLN in g/dL for a value in g/L (95 g/L, LLN 12 g/dL → grade 2)', () => {
    expect(grade({ term: 'anemia', value: 95, unit: 'g/L', lln: 12, limitUnit: 'g/dL' })).toBe(2);
  });
});

describe('CTCAE v5.0 ALT/AST increased with the baseline rule', () => {
  const alt = (value: number, baseline?: number, term: CtcaeLabTerm = 'alt-increased') =>
    grade({ term, value, unit: 'U/L', uln: 40, ...(baseline === undefined ? {} : { baseline }) });
  it.each([
    [40, 0],
    [41, 1],
    [120, 1],
    [121, 2],
    [200, 2],
    [201, 3],
    [800, 3],
    [801, 4],
  ])(
    'ALT %s U/L, ULN 40, normal baseline → grade %s (CTCAE v5.0 >ULN–3.0, >3.0–5.0, >5.0–20.0, >20.0 ×ULN)',
    (v, g) => {
      expect(alt(v, 30)).toBe(g);
      expect(alt(v, undefined, 'ast-increased')).toBe(g);
    },
  );
  it.each([
    [119, 0],
    [120, 1],
    [240, 1],
    [241, 2],
    [400, 2],
    [401, 3],
    [1600, 3],
    [1601, 4],
  ])(
    'ALT %s U/L with abnormal baseline 80 (ULN 40) → grade %s (CTCAE v5.0 1.5–3.0, >3.0–5.0, >5.0–20.0, >20 × baseline)',
    (v, g) => {
      expect(alt(v, 80)).toBe(g);
    },
  );
  it('converts µkat/L: 2.0 µkat/L = 120 U/L → grade 1 with ULN 40 U/L', () => {
    expect(grade({ term: 'alt-increased', value: 2.0, unit: 'ukat/L', uln: 40, limitUnit: 'U/L' })).toBe(1);
  });
  it('reports the baseline basis', () => {
    const r = gradeCtcaeLab({ term: 'alt-increased', value: 250, unit: 'U/L', uln: 40, baseline: 80 });
    expect(r.basis).toBe('baseline');
    expect(r.reason).toContain('abnormal baseline');
  });
});

describe('CTCAE v5.0 Blood bilirubin increased: >ULN–1.5, >1.5–3.0, >3.0–10.0, >10.0 ×ULN', () => {
  it.each([
    [1.2, 0],
    [1.21, 1],
    [1.8, 1],
    [1.81, 2],
    [3.6, 2],
    [3.61, 3],
    [12.0, 3],
    [12.1, 4],
  ])('bilirubin %s mg/dL with ULN 1.2 mg/dL → grade %s (1.5 × 1.2 = 1.8 stays grade 1)', (v, g) => {
    expect(grade({ term: 'blood-bilirubin-increased', value: v, unit: 'mg/dL', uln: 1.2 })).toBe(g);
  });
  it('converts µmol/L ↔ mg/dL (17.1): 51.3 µmol/L = 3.0 mg/dL with ULN 1.0 mg/dL → grade 2; 51.4 → grade 3', () => {
    expect(
      grade({ term: 'blood-bilirubin-increased', value: 51.3, unit: 'umol/L', uln: 1.0, limitUnit: 'mg/dL' }),
    ).toBe(2);
    expect(
      grade({ term: 'blood-bilirubin-increased', value: 51.4, unit: 'µmol/L', uln: 1.0, limitUnit: 'mg/dL' }),
    ).toBe(3);
  });
  it('abnormal baseline 2.0 (ULN 1.0): 2.0 → 0, 2.1 → 1, 3.1 → 2, 6.1 → 3, 20.1 → 4 (>1.0–1.5 … >10 × baseline)', () => {
    const bili = (v: number) =>
      grade({ term: 'blood-bilirubin-increased', value: v, unit: 'mg/dL', uln: 1.0, baseline: 2.0 });
    expect([2.0, 2.1, 3.1, 6.1, 20.1].map(bili)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('CTCAE v5.0 Creatinine increased: ULN multiples and baseline multiples', () => {
  const cr = (value: number, baseline?: number, unit = 'mg/dL') =>
    grade({
      term: 'creatinine-increased',
      value,
      unit,
      uln: 1.0,
      limitUnit: 'mg/dL',
      ...(baseline === undefined ? {} : { baseline, baselineUnit: 'mg/dL' }),
    });
  it.each([
    [1.0, 0],
    [1.01, 1],
    [1.5, 1],
    [1.51, 2],
    [3.0, 2],
    [3.01, 3],
    [6.0, 3],
    [6.01, 4],
  ])('creatinine %s mg/dL, ULN 1.0 → grade %s (>ULN–1.5, >1.5–3.0, >3.0–6.0, >6.0 ×ULN)', (v, g) => {
    expect(cr(v)).toBe(g);
  });
  it('baseline 0.5: 0.76 (1.52 × baseline) → grade 2; 1.6 (3.2 × baseline) → grade 3 (CTCAE v5.0 × baseline)', () => {
    expect(cr(0.75, 0.5)).toBe(0);
    expect(cr(0.76, 0.5)).toBe(2);
    expect(cr(1.6, 0.5)).toBe(3);
  });
  it('converts µmol/L (88.4): 132.6 µmol/L = 1.5 mg/dL → grade 1; 133 → grade 2', () => {
    expect(cr(132.6, undefined, 'umol/L')).toBe(1);
    expect(cr(133, undefined, 'umol/L')).toBe(2);
  });
});

describe('CTCAE v5.0 Hypokalemia and Hyperkalemia', () => {
  it.each([
    [3.5, false, 0],
    [3.4, false, 1],
    [3.0, false, 1],
    [3.0, true, 2],
    [2.9, false, 3],
    [2.5, false, 3],
    [2.4, false, 4],
  ])('K %s mmol/L (LLN 3.5), symptomatic %s → grade %s (CTCAE v5.0 Hypokalemia)', (v, symptomatic, g) => {
    expect(
      grade({
        term: 'hypokalemia',
        value: v,
        unit: 'mmol/L',
        lln: 3.5,
        symptomaticOrInterventionIndicated: symptomatic,
      }),
    ).toBe(g);
  });
  it.each([
    [5.1, 0],
    [5.2, 1],
    [5.5, 1],
    [5.6, 2],
    [6.0, 2],
    [6.1, 3],
    [7.0, 3],
    [7.1, 4],
  ])(
    'K %s mEq/L (ULN 5.1) → grade %s (CTCAE v5.0 Hyperkalemia >ULN–5.5, >5.5–6.0, >6.0–7.0, >7.0)',
    (v, g) => {
      expect(grade({ term: 'hyperkalemia', value: v, unit: 'mEq/L', uln: 5.1 })).toBe(g);
    },
  );
});

describe('bad input is an error naming the field, never a grade', () => {
  const cases: [string, Partial<CtcaeLabInput>, string][] = [
    ['missing value', { term: 'anemia', unit: 'g/dL', lln: 12 }, 'value'],
    ['NaN value', { term: 'anemia', value: Number.NaN, unit: 'g/dL', lln: 12 }, 'value'],
    ['negative count', { term: 'neutrophil-count-decreased', value: -1, unit: '10^9/L', lln: 2 }, 'value'],
    ['missing LLN', { term: 'neutrophil-count-decreased', value: 1, unit: '10^9/L' }, 'lln'],
    ['missing ULN', { term: 'alt-increased', value: 100, unit: 'U/L' }, 'uln'],
    ['zero ULN', { term: 'alt-increased', value: 100, unit: 'U/L', uln: 0 }, 'uln'],
    ['wrong unit', { term: 'anemia', value: 9, unit: 'mg/dL', lln: 12 }, 'valueUnit'],
    ['unknown term', { term: 'x' as CtcaeLabTerm, value: 1, unit: 'g/dL' }, 'term'],
    ['bad baseline', { term: 'alt-increased', value: 100, unit: 'U/L', uln: 40, baseline: -3 }, 'baseline'],
  ];
  it.each(cases)('%s → DomainInputError on %s', (_name, input, field) => {
    try {
      gradeCtcaeLab(input as CtcaeLabInput);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainInputError);
      expect((error as DomainInputError).field).toBe(field);
    }
  });
});

describe('grading monotonicity (property): a worse value never gives a lower grade', () => {
  const unitFor: Record<CtcaeLabTerm, string> = {
    'neutrophil-count-decreased': '10^9/L',
    'platelet-count-decreased': '10^9/L',
    'white-blood-cell-decreased': '10^9/L',
    'lymphocyte-count-decreased': '10^9/L',
    anemia: 'g/dL',
    'alt-increased': 'U/L',
    'ast-increased': 'U/L',
    'blood-bilirubin-increased': 'mg/dL',
    'creatinine-increased': 'mg/dL',
    hypokalemia: 'mmol/L',
    hyperkalemia: 'mmol/L',
  };
  it('holds for every term over random limits, baselines and value pairs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CTCAE_LAB_TERMS),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0.1, max: 200, noNaN: true }),
        fc.option(fc.double({ min: 0.1, max: 400, noNaN: true })),
        fc.boolean(),
        (term, a, b, limit, baseline, symptomatic) => {
          const [better, worse] =
            ctcaeDirection(term) === 'higher-is-worse'
              ? [Math.min(a, b), Math.max(a, b)]
              : [Math.max(a, b), Math.min(a, b)];
          const base = {
            term,
            unit: unitFor[term],
            lln: limit,
            uln: limit,
            symptomaticOrInterventionIndicated: symptomatic,
            ...(baseline === null ? {} : { baseline }),
          };
          expect(grade({ ...base, value: worse })).toBeGreaterThanOrEqual(grade({ ...base, value: better }));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
