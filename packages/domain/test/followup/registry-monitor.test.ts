import { describe, expect, it } from 'vitest';
import { productEventSignals, seriousEventMonitor } from '../../src/followup/registry-monitor';

const reports = (product: string, term: string, n: number) =>
  Array.from({ length: n }, () => ({ product, term }));

describe('registry-level disproportionality', () => {
  it('computes the 2×2 table and PRR of a pair: a=10, b=10, c=10, d=70 gives PRR (10/20)/(10/80) = 4', () => {
    const all = [
      ...reports('A', 'VOD', 10),
      ...reports('A', 'Rash', 10),
      ...reports('B', 'VOD', 10),
      ...reports('B', 'Rash', 70),
    ];
    const pair = productEventSignals(all).find((p) => p.product === 'A' && p.term === 'VOD')!;
    expect(pair).toMatchObject({ a: 10, b: 10, c: 10, d: 70 });
    expect(pair.prr).toBeCloseTo(4, 10);
    expect(pair.evans).toBe(true); // Evans et al. 2001: PRR ≥ 2, χ² ≥ 4, a ≥ 3
    expect(productEventSignals(all)[0]).toMatchObject({ product: 'A', term: 'VOD' });
  });
  it('gives no pair without a comparator product', () => {
    expect(productEventSignals(reports('A', 'VOD', 5))).toEqual([]);
  });
});

describe('sequential monitoring of a product’s serious-event rate', () => {
  const month = (i: number) => `2025-${String(i + 1).padStart(2, '0')}`;
  it('raises neither CUSUM nor MaxSPRT when the count follows the expected rate', () => {
    // 100 patients, 0.12 serious events per patient-year → 1 expected per month; 1 observed each month.
    const months = Array.from({ length: 12 }, (_, i) => ({
      month: month(i),
      patientMonths: 100,
      seriousEvents: 1,
    }));
    const r = seriousEventMonitor({ months, expectedPerPatientYear: 0.12 });
    expect(r.months[0]!.expected).toBeCloseTo(1, 10);
    expect(r.cusumReference).toBeCloseTo(1 / Math.log(2), 10); // Lucas 1985: (μ1 − μ0)/(ln μ1 − ln μ0)
    expect(r.cusumAlarm).toBeNull();
    expect(r.maxSprtSignal).toBeNull();
  });
  it('alarms in the month the excess crosses the limits when the rate triples', () => {
    const months = Array.from({ length: 12 }, (_, i) => ({
      month: month(i),
      patientMonths: 100,
      seriousEvents: i < 4 ? 1 : 3,
    }));
    const r = seriousEventMonitor({ months, expectedPerPatientYear: 0.12 });
    // CUSUM: S grows by 3 − 1/ln 2 ≈ 1.557 a month from May: 1.557, 3.115, 4.672 ≥ 4 in July.
    expect(r.cusumAlarm).toBe('2025-07');
    expect(r.maxSprtSignal).not.toBeNull();
    expect(r.months.find((m) => m.month === r.maxSprtSignal)!.llr).toBeGreaterThanOrEqual(r.criticalValue!);
  });
  it('refuses a zero expected rate naming the field', () => {
    expect(() => seriousEventMonitor({ months: [], expectedPerPatientYear: 0 })).toThrow(
      /expectedPerPatientYear/,
    );
  });
});
