import { DomainInputError, requireFinite } from './input';

/**
 * Unit conversions for the laboratory values that the grading rules read. Each quantity has a canonical unit
 * (the unit the CTCAE v5.0 thresholds are written in first) and a factor per accepted unit:
 * canonical = value × factor.
 *
 * - Cell counts: 1 × 10⁹/L = 1 × 10³/µL = 1000/mm³ (1 mm³ = 1 µL = 10⁻⁶ L).
 * - Haemoglobin: 1 g/dL = 10 g/L; 1 g/dL = 0.6206 mmol/L (Hb monomer, 16 114.5 g/mol).
 * - Bilirubin: 1 mg/dL = 17.1 µmol/L (584.66 g/mol). Creatinine: 1 mg/dL = 88.4 µmol/L (113.12 g/mol).
 * - Potassium: 1 mmol/L = 1 mEq/L (monovalent). Enzymes: 1 µkat/L = 60 U/L.
 */
export type Quantity = 'count' | 'hemoglobin' | 'bilirubin' | 'creatinine' | 'potassium' | 'enzyme';

const FACTORS: Record<Quantity, Readonly<Record<string, number>>> = {
  count: {
    '10^9/L': 1,
    '10⁹/L': 1,
    '10^3/uL': 1,
    '10³/µL': 1,
    '/mm3': 1e-3,
    '/mm³': 1e-3,
    '/uL': 1e-3,
    '/µL': 1e-3,
  },
  hemoglobin: { 'g/dL': 1, 'g/L': 0.1, 'mmol/L': 1 / 0.6206 },
  bilirubin: { 'mg/dL': 1, 'umol/L': 1 / 17.1, 'µmol/L': 1 / 17.1 },
  creatinine: { 'mg/dL': 1, 'umol/L': 1 / 88.4, 'µmol/L': 1 / 88.4 },
  potassium: { 'mmol/L': 1, 'mEq/L': 1 },
  enzyme: { 'U/L': 1, 'IU/L': 1, 'ukat/L': 60, 'µkat/L': 60 },
};

/** The canonical unit of each quantity. */
export const CANONICAL_UNIT: Readonly<Record<Quantity, string>> = {
  count: '10^9/L',
  hemoglobin: 'g/dL',
  bilirubin: 'mg/dL',
  creatinine: 'mg/dL',
  potassium: 'mmol/L',
  enzyme: 'U/L',
};

/** The units accepted for a quantity. */
export function acceptedUnits(quantity: Quantity): string[] {
  return Object.keys(FACTORS[quantity]);
}

function factorOf(quantity: Quantity, unit: unknown, field: string): number {
  const factor = typeof unit === 'string' ? FACTORS[quantity][unit] : undefined;
  if (factor === undefined) {
    throw new DomainInputError(
      field,
      `unit ${typeof unit === 'string' ? `"${unit}"` : 'missing'} is not a ${quantity} unit (accepted: ${acceptedUnits(quantity).join(', ')})`,
    );
  }
  return factor;
}

/** Converts `value` of `quantity` from one accepted unit to another; the field name is used in errors. */
export function convertUnit(
  quantity: Quantity,
  value: number,
  from: string,
  to: string,
  field = 'value',
): number {
  const v = requireFinite(value, field);
  if (from === to) {
    factorOf(quantity, from, `${field}Unit`);
    return v;
  }
  return (v * factorOf(quantity, from, `${field}Unit`)) / factorOf(quantity, to, `${field}Unit`);
}

/** Converts `value` to the canonical unit of `quantity`. */
export function toCanonical(quantity: Quantity, value: number, unit: string, field = 'value'): number {
  return convertUnit(quantity, value, unit, CANONICAL_UNIT[quantity], field);
}

/** True when `unit` is an accepted unit of `quantity`. */
export function isUnitOf(quantity: Quantity, unit: string): boolean {
  return FACTORS[quantity][unit] !== undefined;
}
