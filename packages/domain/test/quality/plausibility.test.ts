import { describe, expect, it } from 'vitest';
import { OBSERVATION_CODES, toCanonicalLab } from '../../src/followup/catalog';
import {
  OBSERVATION_RANGES,
  requirePlausibleLaboratoryValue,
  requirePlausibleStepParameters,
} from '../../src/quality/plausibility';

describe('plausibility limits', () => {
  it('give every observation code a range with its source', () => {
    for (const code of OBSERVATION_CODES) {
      expect(OBSERVATION_RANGES[code], code).toBeDefined();
      expect(OBSERVATION_RANGES[code]!.source.length, code).toBeGreaterThan(10);
    }
  });

  it('keep extreme but real values and refuse impossible ones, in any unit', () => {
    // Hb 1.5 g/dL and 22 g/dL, ALT 20 000 U/L, bilirubin 800 µmol/L (46.8 mg/dL), platelets 2500 × 10⁹/L.
    expect(toCanonicalLab('hb', 15, 'g/L')).toBeCloseTo(1.5, 10);
    expect(toCanonicalLab('hb', 22, 'g/dL')).toBe(22);
    expect(toCanonicalLab('alt', 20_000, 'U/L')).toBe(20_000);
    expect(toCanonicalLab('bilirubin', 800, 'µmol/L')).toBeCloseTo(46.78, 2);
    expect(toCanonicalLab('platelets', 2500, '10^9/L')).toBe(2500);
    // 310 g/L is 31 g/dL; 1e308 anything; ANC 2000 × 10⁹/L.
    expect(() => toCanonicalLab('hb', 310, 'g/L')).toThrow(/plausible range 0–30 g\/dL/);
    expect(() => toCanonicalLab('hb', 1e308, 'g/dL')).toThrow(/plausible/);
    expect(() => toCanonicalLab('anc', 2000, '10^9/L')).toThrow(/plausible/);
    expect(() => toCanonicalLab('weight', 1200, 'lb')).toThrow(/plausible/);
  });

  it('bound laboratory values by unit, and any other number by 10¹⁵', () => {
    expect(requirePlausibleLaboratoryValue('Viability', '%', 93.1)).toBe(93.1);
    expect(() => requirePlausibleLaboratoryValue('Viability', ' % ', 101)).toThrow(/0–100 %/);
    expect(() => requirePlausibleLaboratoryValue('Odd', 'widgets', 1e308)).toThrow(/plausible/);
    expect(() => requirePlausibleLaboratoryValue('Odd', null, Number.NaN)).toThrow(/finite/);
    expect(() =>
      requirePlausibleStepParameters({ totalCells: 1.02e9, viabilityPercent: 93.1 }),
    ).not.toThrow();
    expect(() => requirePlausibleStepParameters({ viabilityPercent: 130 })).toThrow(
      /parameters\.viabilityPercent/,
    );
  });
});
