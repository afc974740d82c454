import type { CtcaeLabTerm } from '../grading/ctcae-lab';
import { DomainInputError, requireInRange, requireNonNegative } from '../grading/input';
import { acceptedUnits, CANONICAL_UNIT, type Quantity, toCanonical } from '../grading/units';
import { OBSERVATION_RANGES } from '../quality/plausibility';
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
  'inr',
] as const;

/** Vital signs (blood pressure as its two LOINC components). */
export const VITAL_CODES = [
  'temperature',
  'heart-rate',
  'bp-systolic',
  'bp-diastolic',
  'spo2',
  'weight',
] as const;
/** Imaging results: liver iron concentration by MRI (R2 or R2*) and cardiac T2*. */
export const IMAGING_CODES = ['lic-mri', 'cardiac-t2star'] as const;
/** Scores entered as numbers: MELD as reported, and the five KOOS subscales (0–100). */
export const SCORE_CODES = [
  'meld',
  'koos-pain',
  'koos-symptoms',
  'koos-adl',
  'koos-sport',
  'koos-qol',
] as const;
/** Every code an observation may carry. */
export const OBSERVATION_CODES = [...LAB_CODES, ...VITAL_CODES, ...IMAGING_CODES, ...SCORE_CODES] as const;
export type ObservationCode = (typeof OBSERVATION_CODES)[number];
/** Historically the laboratory codes; every observation code is looked up through the same catalogue. */
export type LabCode = ObservationCode;
export type ObservationCategory = 'laboratory' | 'vital' | 'imaging' | 'score';

/**
 * A measure with its own unit table: each accepted unit maps a value to the canonical unit. Every converted value,
 * of every kind, must lie within the code's plausible range (quality/plausibility: a typing or unit mistake is
 * refused, not stored).
 */
interface MeasureConversion {
  kind: 'measure';
  canonical: string;
  units: Readonly<Record<string, (v: number) => number>>;
  integer?: boolean;
}

type Conversion =
  | { kind: 'quantity'; quantity: Quantity }
  | { kind: 'ferritin' }
  | { kind: 'fixed'; unit: string }
  | MeasureConversion;

export interface LabCodeInfo {
  readonly code: ObservationCode;
  readonly name: string;
  readonly loinc: string | null;
  readonly category: ObservationCategory;
  readonly conversion: Conversion;
  /** The acquisition methods a result must name (liver iron: MRI R2 or R2*); absent when none applies. */
  readonly methods?: readonly string[];
  /** The CTCAE v5.0 term a value is graded against, when CTCAE grades it from a number. */
  readonly ctcaeTerm: CtcaeLabTerm | null;
  /**
   * Adult reference limits used only when the laboratory report gives none (commonly printed ranges; the
   * laboratory's own range always takes precedence), in the canonical unit.
   */
  readonly defaultLimits?: { readonly lln?: number; readonly uln?: number };
}

const q = (quantity: Quantity): Conversion => ({ kind: 'quantity', quantity });
const same = (v: number) => v;
/** 1 mmHg = 0.133322 kPa; 1 lb = 0.45359237 kg (exact); °F → °C by (F − 32) × 5/9. */
const KPA_TO_MMHG = 1 / 0.133322;
const measure = (
  canonical: string,
  units: Record<string, (v: number) => number>,
  integer = false,
): Conversion => ({ kind: 'measure', canonical, units, integer });
const koos = (code: ObservationCode, name: string): LabCodeInfo => ({
  code,
  name: `KOOS ${name}`,
  loinc: null,
  category: 'score',
  conversion: measure('score', { score: same }),
  ctcaeTerm: null,
});

type CatalogEntry = Omit<LabCodeInfo, 'category'> & { category?: ObservationCategory };

const ENTRIES: Readonly<Record<ObservationCode, CatalogEntry>> = {
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
  inr: {
    code: 'inr',
    name: 'INR (prothrombin time)',
    loinc: '6301-6',
    conversion: measure('INR', { INR: same }),
    ctcaeTerm: null,
  },
  // Vital signs: LOINC vital-sign codes (the HL7 FHIR vital-signs profile uses the same).
  temperature: {
    code: 'temperature',
    name: 'Body temperature',
    loinc: '8310-5',
    category: 'vital',
    conversion: measure('°C', { '°C': same, Cel: same, '°F': (f) => ((f - 32) * 5) / 9 }),
    ctcaeTerm: null,
  },
  'heart-rate': {
    code: 'heart-rate',
    name: 'Heart rate',
    loinc: '8867-4',
    category: 'vital',
    conversion: measure('/min', { '/min': same, bpm: same }),
    ctcaeTerm: null,
  },
  'bp-systolic': {
    code: 'bp-systolic',
    name: 'Systolic blood pressure',
    loinc: '8480-6',
    category: 'vital',
    conversion: measure('mmHg', { mmHg: same, kPa: (k) => k * KPA_TO_MMHG }),
    ctcaeTerm: null,
  },
  'bp-diastolic': {
    code: 'bp-diastolic',
    name: 'Diastolic blood pressure',
    loinc: '8462-4',
    category: 'vital',
    conversion: measure('mmHg', { mmHg: same, kPa: (k) => k * KPA_TO_MMHG }),
    ctcaeTerm: null,
  },
  spo2: {
    code: 'spo2',
    name: 'Oxygen saturation by pulse oximetry',
    loinc: '59408-5',
    category: 'vital',
    conversion: measure('%', { '%': same }),
    ctcaeTerm: null,
  },
  weight: {
    code: 'weight',
    name: 'Body weight',
    loinc: '29463-7',
    category: 'vital',
    conversion: measure('kg', { kg: same, g: (g) => g / 1000, lb: (lb) => lb * 0.45359237 }),
    ctcaeTerm: null,
  },
  // Imaging: no LOINC code names these MRI measures for every method, so none is attached.
  'lic-mri': {
    code: 'lic-mri',
    name: 'Liver iron concentration by MRI',
    loinc: null,
    category: 'imaging',
    // mg Fe/g dry weight; 1 mg Fe/g = 17.9 µmol Fe/g (as the iron module).
    conversion: measure('mg/g', {
      'mg/g': same,
      'mg Fe/g dw': same,
      'umol/g': (u) => u / 17.9,
      'µmol/g': (u) => u / 17.9,
    }),
    methods: ['R2', 'R2*'],
    ctcaeTerm: null,
  },
  'cardiac-t2star': {
    code: 'cardiac-t2star',
    name: 'Cardiac T2* (myocardial iron)',
    loinc: null,
    category: 'imaging',
    // A result reported as the relaxation rate R2* (s⁻¹ = Hz) is converted by T2* (ms) = 1000 / R2*.
    conversion: measure('ms', { ms: same, Hz: (r) => 1000 / r, 's-1': (r) => 1000 / r }),
    ctcaeTerm: null,
  },
  meld: {
    code: 'meld',
    name: 'MELD score (as reported)',
    loinc: null,
    category: 'score',
    conversion: measure('score', { score: same }, true),
    ctcaeTerm: null,
  },
  'koos-pain': koos('koos-pain', 'Pain'),
  'koos-symptoms': koos('koos-symptoms', 'Symptoms'),
  'koos-adl': koos('koos-adl', 'Function in daily living'),
  'koos-sport': koos('koos-sport', 'Function in sport and recreation'),
  'koos-qol': koos('koos-qol', 'Knee-related quality of life'),
};

const CATALOG: Readonly<Record<ObservationCode, LabCodeInfo>> = Object.fromEntries(
  Object.entries(ENTRIES).map(([k, v]) => [k, { ...v, category: v.category ?? 'laboratory' }]),
) as Record<ObservationCode, LabCodeInfo>;

/** The catalogue entry of an observation code; an unknown code throws naming `field`. */
export function labCodeInfo(code: unknown, field = 'code'): LabCodeInfo {
  if (typeof code !== 'string' || !(OBSERVATION_CODES as readonly string[]).includes(code)) {
    throw new DomainInputError(
      field,
      `unknown laboratory code ${JSON.stringify(code)} (known: ${OBSERVATION_CODES.join(', ')})`,
    );
  }
  return CATALOG[code as LabCode];
}

/** The codes of one category, in catalogue order. */
export function codesOf(category: ObservationCategory): ObservationCode[] {
  return OBSERVATION_CODES.filter((c) => CATALOG[c].category === category);
}

/**
 * Checks the acquisition method of a result: required (one of the listed) for a code with methods, refused for
 * a code without. Returns the method to store.
 */
export function checkMethod(code: ObservationCode, method: unknown, field = 'method'): string | null {
  const methods = CATALOG[code].methods;
  if (!methods) {
    if (method === null || method === undefined || method === '') return null;
    throw new DomainInputError(field, `${code} takes no method`);
  }
  if (typeof method !== 'string' || !methods.includes(method)) {
    throw new DomainInputError(field, `${code} needs the method: one of ${methods.join(', ')}`);
  }
  return method;
}

/** The unit every stored value of a code is converted to. */
export function canonicalUnitOf(code: LabCode): string {
  const c = CATALOG[code].conversion;
  if (c.kind === 'quantity') return CANONICAL_UNIT[c.quantity];
  if (c.kind === 'ferritin') return 'ng/mL';
  if (c.kind === 'measure') return c.canonical;
  return c.unit;
}

/** The units accepted for a code. */
export function unitsOf(code: LabCode): readonly string[] {
  const c = CATALOG[code].conversion;
  if (c.kind === 'quantity') return acceptedUnits(c.quantity);
  if (c.kind === 'ferritin') return FERRITIN_UNITS;
  if (c.kind === 'measure') return Object.keys(c.units);
  return [c.unit];
}

/**
 * Converts a laboratory value of `code` from `unit` to the code's canonical unit with the grading module's
 * conversions (ferritin with the iron module's). Unknown units, negative or non-finite values and values outside
 * the code's plausible range (quality/plausibility) throw a {@link DomainInputError} naming `field`.
 */
export function toCanonicalLab(code: LabCode, value: number, unit: string, field = 'value'): number {
  const canonical = convertLab(code, value, unit, field);
  const range = OBSERVATION_RANGES[code];
  if (!Number.isFinite(canonical) || (range && (canonical < range.min || canonical > range.max))) {
    throw new DomainInputError(
      field,
      `${code} ${value} ${unit} is outside the plausible range ${range?.min}–${range?.max} ${range?.unit ?? ''}`.trimEnd(),
    );
  }
  return canonical;
}

function convertLab(code: LabCode, value: number, unit: string, field: string): number {
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
  if (c.kind === 'measure') {
    const convert = c.units[unit];
    if (!convert) {
      throw new DomainInputError(
        `${field}Unit`,
        `unit "${unit}" is not accepted for ${code} (accepted: ${Object.keys(c.units).join(', ')})`,
      );
    }
    const raw = requireNonNegative(value, field);
    if (c.integer && !Number.isInteger(raw)) throw new DomainInputError(field, 'must be a whole number');
    return convert(raw);
  }
  if (unit !== c.unit) {
    throw new DomainInputError(
      `${field}Unit`,
      `unit "${unit}" is not accepted for ${code} (accepted: ${c.unit})`,
    );
  }
  return c.unit === '%' ? requireInRange(value, field, 0, 100) : requireNonNegative(value, field);
}
