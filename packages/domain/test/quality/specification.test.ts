import { describe, expect, it } from 'vitest';
import { DomainInputError } from '../../src/grading/input';
import {
  cd34DosePerKg,
  cellDosePerKg,
  evaluateSpecification,
  type ReleaseSpecification,
  type TestResult,
  totalCellsFromConcentration,
  validateSpecification,
} from '../../src/quality/index';

// Criteria from DESIGN.md §3.5 (beti-cel label and typical gene-modified CD34⁺ release tests).
const betiCelLike: ReleaseSpecification = {
  id: 'SPEC-LVV-CD34',
  product: 'autologous LVV-transduced CD34+ cells',
  version: '2',
  tests: [
    {
      kind: 'quantitative',
      analyte: 'CD34+ dose',
      method: 'flow cytometry (ISHAGE)',
      unit: '10^6/kg',
      comparator: '>=',
      limit: 5.0,
    },
    {
      kind: 'quantitative',
      analyte: 'viability',
      method: '7-AAD flow cytometry',
      unit: '%',
      comparator: '>=',
      limit: 70,
    },
    {
      kind: 'quantitative',
      analyte: 'VCN',
      method: 'ddPCR',
      unit: 'copies/cell',
      comparator: 'between',
      lower: 0.5,
      upper: 10,
    },
    {
      kind: 'quantitative',
      analyte: 'endotoxin',
      method: 'LAL kinetic',
      unit: 'EU/mL',
      comparator: '<=',
      limit: 0.5,
    },
    {
      kind: 'qualitative',
      analyte: 'sterility',
      method: 'Ph. Eur. 2.6.27, 14 days',
      expected: ['negative', 'no growth'],
    },
    { kind: 'qualitative', analyte: 'mycoplasma', method: 'NAT', expected: ['negative'] },
    { kind: 'qualitative', analyte: 'RCL', method: 'VSV-G qPCR', expected: ['not detected'] },
  ],
};

const passing: TestResult[] = [
  { analyte: 'CD34+ dose', value: 5.0, unit: '10^6/kg' },
  { analyte: 'viability', value: 70, unit: '%' },
  { analyte: 'VCN', value: 10, unit: 'copies/cell' },
  { analyte: 'endotoxin', value: 0.5, unit: 'EU/mL' },
  { analyte: 'sterility', value: 'No growth' },
  { analyte: 'mycoplasma', value: 'negative' },
  { analyte: 'RCL', value: 'not detected' },
];

describe('release specification evaluation (DESIGN.md §3.5; ICH Q6B)', () => {
  it('passes when every result sits exactly on its limit (≥ 5.0 ×10⁶/kg, ≥ 70%, ≤ 10 copies, ≤ 0.5 EU/mL)', () => {
    const r = evaluateSpecification(betiCelLike, passing);
    expect(r.status).toBe('pass');
    expect(r.outcomes.every((o) => o.status === 'pass')).toBe(true);
    expect(r.version).toBe('2');
  });

  it('fails (OOS) with reasons: dose 4.9 ×10⁶/kg, viability 69.9%, VCN 10.1, sterility positive', () => {
    const results = passing.map((res) => {
      switch (res.analyte) {
        case 'CD34+ dose':
          return { ...res, value: 4.9 };
        case 'viability':
          return { ...res, value: 69.9 };
        case 'VCN':
          return { ...res, value: 10.1 };
        case 'sterility':
          return { ...res, value: 'growth detected' };
        default:
          return res;
      }
    });
    const r = evaluateSpecification(betiCelLike, results);
    expect(r.status).toBe('fail');
    expect(r.outOfSpecification).toEqual(['CD34+ dose', 'viability', 'VCN', 'sterility']);
    expect(r.outcomes[0]?.reason).toBe('CD34+ dose: 4.9 10^6/kg outside ≥ 5 10^6/kg (out of specification)');
  });

  it('is incomplete when a result is missing, and fail wins over missing', () => {
    const r = evaluateSpecification(betiCelLike, passing.slice(0, 5));
    expect(r.status).toBe('incomplete');
    expect(r.missing).toEqual(['mycoplasma', 'RCL']);
    const both = evaluateSpecification(betiCelLike, [{ analyte: 'viability', value: 50, unit: '%' }]);
    expect(both.status).toBe('fail');
  });

  it('supports strict comparators > and <', () => {
    const spec: ReleaseSpecification = {
      id: 'S',
      product: 'MSC',
      version: '1',
      tests: [
        { kind: 'quantitative', analyte: 'CD73', method: 'flow', unit: '%', comparator: '>', limit: 95 },
        { kind: 'quantitative', analyte: 'CD45', method: 'flow', unit: '%', comparator: '<', limit: 2 },
      ],
    };
    const at = evaluateSpecification(spec, [
      { analyte: 'CD73', value: 95, unit: '%' },
      { analyte: 'CD45', value: 2, unit: '%' },
    ]);
    expect(at.outOfSpecification).toEqual(['CD73', 'CD45']);
  });

  it('reports results the specification does not list', () => {
    const r = evaluateSpecification(betiCelLike, [...passing, { analyte: 'colour', value: 'clear' }]);
    expect(r.unexpected).toEqual(['colour']);
  });

  it('bad input names the field: unit mismatch, wrong value type, duplicate analyte', () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(DomainInputError);
        return (e as DomainInputError).field;
      }
      return 'no error';
    };
    expect(
      field(() =>
        evaluateSpecification(betiCelLike, [{ analyte: 'viability', value: 80, unit: 'fraction' }]),
      ),
    ).toBe('results[0].unit');
    expect(field(() => evaluateSpecification(betiCelLike, [{ analyte: 'sterility', value: 0 }]))).toBe(
      'results[0].value',
    );
    expect(field(() => evaluateSpecification(betiCelLike, [{ analyte: 'viability', value: 'ok' }]))).toBe(
      'results[0].value',
    );
    expect(field(() => evaluateSpecification(betiCelLike, [passing[1]!, passing[1]!]))).toBe(
      'results[1].analyte',
    );
  });

  it('validates the specification itself: missing limit, lower > upper, duplicate analyte, no version', () => {
    const broken =
      (tests: ReleaseSpecification['tests'], version = '1') =>
      () =>
        validateSpecification({ id: 'S', product: 'P', version, tests });
    expect(
      broken([{ kind: 'quantitative', analyte: 'a', method: 'm', unit: '%', comparator: '>=' }]),
    ).toThrow(/tests\[0\].limit/);
    expect(
      broken([
        {
          kind: 'quantitative',
          analyte: 'a',
          method: 'm',
          unit: '%',
          comparator: 'between',
          lower: 5,
          upper: 1,
        },
      ]),
    ).toThrow(/tests\[0\].lower/);
    expect(
      broken([
        { kind: 'qualitative', analyte: 'a', method: 'm', expected: ['x'] },
        { kind: 'qualitative', analyte: 'A', method: 'm', expected: ['x'] },
      ]),
    ).toThrow(/tests\[1\].analyte/);
    expect(broken([{ kind: 'qualitative', analyte: 'a', method: 'm', expected: ['x'] }], ' ')).toThrow(
      /version/,
    );
  });
});

describe('cell dose per kg (beti-cel minimum 5.0 ×10⁶ CD34⁺/kg)', () => {
  it('3.5 ×10⁸ CD34⁺ cells for 70 kg → 5.0 ×10⁶/kg', () => {
    expect(cellDosePerKg(3.5e8, 70).millionsPerKg).toBeCloseTo(5.0, 12);
  });
  it('TNC 2 ×10⁹ × 20% CD34⁺ × 90% viable / 40 kg = 9.0 ×10⁶/kg', () => {
    expect(
      cd34DosePerKg({ totalNucleatedCells: 2e9, cd34Percent: 20, viabilityPercent: 90, weightKg: 40 })
        .millionsPerKg,
    ).toBeCloseTo(9.0, 12);
  });
  it('concentration 5 ×10⁶/mL × 20 mL = 1 ×10⁸ cells', () => {
    expect(totalCellsFromConcentration(5e6, 20)).toBe(1e8);
  });
  it('names weightKg and cd34Percent on bad input', () => {
    expect(() => cellDosePerKg(1e8, 0)).toThrow(/weightKg/);
    expect(() => cd34DosePerKg({ totalNucleatedCells: 1e9, cd34Percent: 101, weightKg: 50 })).toThrow(
      /cd34Percent/,
    );
  });
});
