import type { CtcaeLabTerm } from '../grading/ctcae-lab';
import { DomainInputError, requireInRange, requireNonNegative } from '../grading/input';
import { acceptedUnits, CANONICAL_UNIT, type Quantity, toCanonical } from '../grading/units';
import { FERRITIN_UNITS, ferritinToNgMl } from '../thalassemia/iron';

/**
 * The laboratory observations CGTLink follows after cell and gene therapy, with their LOINC codes (LOINC 2.7x,
 * Regenstrief; codes for the automated-count or serum forms most laboratories report), the quantity whose unit
 * conversions apply (from the grading module) and the CTCAE v5.0 term a value is graded against.
 *
 * Chimerism and vector copy number have no single LOINC code that fits every method (STR, qPCR, ddPCR),
 * so they carry none rather than a misleading one.
 */
export const LAB_CODES = [
  'hb',
  'anc',
  'wbc',
  'neutrophil-percent',
  'lymphocytes',
  'platelets',
  'ferritin',
  'alt',
  'ast',
  'bilirubin',
  'creatinine',
  'chimerism',
  'vcn',
] as const;
export type LabCode = (typeof LAB_CODES)[number];

type Conversion =
  | { kind: 'quantity'; quantity: Quantity }
  | { kind: 'ferritin' }
  | { kind: 'fixed'; unit: string };

export interface LabCodeInfo {
  readonly code: LabCode;
  readonly name: string;
  readonly loinc: string | null;
  readonly conversion: Conversion;
  /** The CTCAE v5.0 term a value is graded against, when CTCAE grades it from a number. */
  readonly ctcaeTerm: CtcaeLabTerm | null;
  /**
   * Adult reference limits used only when the laboratory report gives none (commonly printed ranges; the
   * laboratory's own range always takes precedence), in the canonical unit.
   */
  readonly defaultLimits?: { readonly lln?: number; readonly uln?: number };
}

const q = (quantity: Quantity): Conversion => ({ kind: 'quantity', quantity });

const CATALOG: Readonly<Record<LabCode, LabCodeInfo>> = {
  hb: {
    code: 'hb',
    name: 'Hemoglobin',
    loinc: '718-7',
    conversion: q('hemoglobin'),
    ctcaeTerm: 'anemia',
    defaultLimits: { lln: 12 },
  },
  anc: {
    code: 'anc',
    name: 'Neutrophils (absolute)',
    loinc: '751-8',
    conversion: q('count'),
    ctcaeTerm: 'neutrophil-count-decreased',
    defaultLimits: { lln: 1.8 },
  },
  wbc: {
    code: 'wbc',
    name: 'Leukocytes',
    loinc: '6690-2',
    conversion: q('count'),
    ctcaeTerm: 'white-blood-cell-decreased',
    defaultLimits: { lln: 4 },
  },
  'neutrophil-percent': {
    code: 'neutrophil-percent',
    name: 'Neutrophils/100 leukocytes (segmented + band)',
    loinc: '770-8',
    conversion: { kind: 'fixed', unit: '%' },
    ctcaeTerm: null,
  },
  lymphocytes: {
    code: 'lymphocytes',
    name: 'Lymphocytes (absolute)',
    loinc: '731-0',
    conversion: q('count'),
    ctcaeTerm: 'lymphocyte-count-decreased',
    defaultLimits: { lln: 1 },
  },
  platelets: {
    code: 'platelets',
    name: 'Platelets',
    loinc: '777-3',
    conversion: q('count'),
    ctcaeTerm: 'platelet-count-decreased',
    defaultLimits: { lln: 150 },
  },
  ferritin: {
    code: 'ferritin',
    name: 'Ferritin',
    loinc: '2276-4',
    conversion: { kind: 'ferritin' },
    ctcaeTerm: null,
  },
  alt: {
    code: 'alt',
    name: 'Alanine aminotransferase',
    loinc: '1742-6',
    conversion: q('enzyme'),
    ctcaeTerm: 'alt-increased',
    defaultLimits: { uln: 40 },
  },
  ast: {
    code: 'ast',
    name: 'Aspartate aminotransferase',
    loinc: '1920-8',
    conversion: q('enzyme'),
    ctcaeTerm: 'ast-increased',
    defaultLimits: { uln: 40 },
  },
  bilirubin: {
    code: 'bilirubin',
    name: 'Bilirubin, total',
    loinc: '1975-2',
    conversion: q('bilirubin'),
    ctcaeTerm: 'blood-bilirubin-increased',
    defaultLimits: { uln: 1.2 },
  },
  creatinine: {
    code: 'creatinine',
    name: 'Creatinine',
    loinc: '2160-0',
    conversion: q('creatinine'),
    ctcaeTerm: 'creatinine-increased',
    defaultLimits: { uln: 1.1 },
  },
  chimerism: {
    code: 'chimerism',
    name: 'Donor chimerism',
    loinc: null,
    conversion: { kind: 'fixed', unit: '%' },
    ctcaeTerm: null,
  },
  vcn: {
    code: 'vcn',
    name: 'Vector copy number in peripheral blood',
    loinc: null,
    conversion: { kind: 'fixed', unit: 'copies/cell' },
    ctcaeTerm: null,
  },
};

/** The catalogue entry of a laboratory code; an unknown code throws naming `field`. */
export function labCodeInfo(code: unknown, field = 'code'): LabCodeInfo {
  if (typeof code !== 'string' || !(LAB_CODES as readonly string[]).includes(code)) {
    throw new DomainInputError(
      field,
      `unknown laboratory code ${JSON.stringify(code)} (known: ${LAB_CODES.join(', ')})`,
    );
  }
  return CATALOG[code as LabCode];
}

/** The unit every stored value of a code is converted to. */
export function canonicalUnitOf(code: LabCode): string {
  const c = CATALOG[code].conversion;
  if (c.kind === 'quantity') return CANONICAL_UNIT[c.quantity];
  if (c.kind === 'ferritin') return 'ng/mL';
  return c.unit;
}

/** The units accepted for a code. */
export function unitsOf(code: LabCode): readonly string[] {
  const c = CATALOG[code].conversion;
  if (c.kind === 'quantity') return acceptedUnits(c.quantity);
  if (c.kind === 'ferritin') return FERRITIN_UNITS;
  return [c.unit];
}

/**
 * Converts a laboratory value of `code` from `unit` to the code's canonical unit with the grading module's
 * conversions (ferritin with the iron module's). Unknown units, negative values and percentages above 100
 * throw a {@link DomainInputError} naming `field`.
 */
export function toCanonicalLab(code: LabCode, value: number, unit: string, field = 'value'): number {
  const c = CATALOG[code].conversion;
  if (c.kind === 'quantity') return toCanonical(c.quantity, requireNonNegative(value, field), unit, field);
  if (c.kind === 'ferritin') {
    // Named like the grading module's unit errors (`valueUnit`), whatever the iron module calls it.
    if (!FERRITIN_UNITS.includes(unit)) {
      throw new DomainInputError(
        `${field}Unit`,
        `unit "${unit}" is not a ferritin unit (accepted: ${FERRITIN_UNITS.join(', ')})`,
      );
    }
    return ferritinToNgMl(value, unit, field);
  }
  if (unit !== c.unit) {
    throw new DomainInputError(
      `${field}Unit`,
      `unit "${unit}" is not accepted for ${code} (accepted: ${c.unit})`,
    );
  }
  return c.unit === '%' ? requireInRange(value, field, 0, 100) : requireNonNegative(value, field);
}
