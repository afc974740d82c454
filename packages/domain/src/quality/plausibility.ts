import { DomainInputError, requireFinite } from '../grading/input';

/**
 * Plausibility limits of numeric measures: the values a measure can physically take, not the normal range.
 * A laboratory information system refuses a result outside its "absurd value" (reportable or plausibility)
 * limits as a transcription or unit error before anyone sees it (CLSI AUTO10-A, Autoverification of Clinical
 * Laboratory Test Results, 2006, §5 "limit checks"); CGTLINK does the same at entry. The limits are kept
 * generous — wider than any value reported in a living patient — so an abnormal value is never refused, only
 * an impossible one (a misplaced decimal, a wrong unit, `1e308`).
 *
 * Every limit is in the canonical unit of its measure (the unit the follow-up catalogue converts to).
 */
export interface PlausibleRange {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  /** Why these limits: the physical bound or the extreme value reported. */
  readonly source: string;
}

const AUTO10 = 'CLSI AUTO10-A (2006) limit check';

/** The follow-up observations, by catalogue code, in the catalogue's canonical unit. */
export const OBSERVATION_RANGES: Readonly<Record<string, PlausibleRange>> = {
  hb: {
    min: 0,
    max: 30,
    unit: 'g/dL',
    source: `${AUTO10}; haemoglobin above ~25 g/dL is unreported even in polycythaemia vera (Tietz Textbook of Clinical Chemistry, 6th ed., 2018, ch. 'Hemoglobin')`,
  },
  anc: {
    min: 0,
    max: 1000,
    unit: '10^9/L',
    source: `${AUTO10}; no neutrophil count reaches the leukocyte counts of hyperleukocytic leukaemia (≤ ~1000 × 10⁹/L)`,
  },
  wbc: {
    min: 0,
    max: 1500,
    unit: '10^9/L',
    source: `${AUTO10}; hyperleukocytosis in acute and chronic leukaemia rarely exceeds 1000 × 10⁹/L`,
  },
  lymphocytes: {
    min: 0,
    max: 1500,
    unit: '10^9/L',
    source: `${AUTO10}; bounded by the leukocyte limit (CLL lymphocytosis ≤ ~1000 × 10⁹/L)`,
  },
  platelets: {
    min: 0,
    max: 5000,
    unit: '10^9/L',
    source: `${AUTO10}; essential thrombocythaemia rarely exceeds 3000 × 10⁹/L`,
  },
  'neutrophil-percent': { min: 0, max: 100, unit: '%', source: 'a fraction of leukocytes: 0–100 %' },
  ferritin: {
    min: 0,
    max: 500_000,
    unit: 'ng/mL',
    source: `${AUTO10}; serum ferritin in haemophagocytic lymphohistiocytosis is reported up to a few 100 000 ng/mL`,
  },
  alt: {
    min: 0,
    max: 50_000,
    unit: 'U/L',
    source: `${AUTO10}; ischaemic or toxic hepatitis is reported with aminotransferases up to ~30 000 U/L`,
  },
  ast: {
    min: 0,
    max: 50_000,
    unit: 'U/L',
    source: `${AUTO10}; ischaemic or toxic hepatitis is reported with aminotransferases up to ~30 000 U/L`,
  },
  bilirubin: {
    min: 0,
    max: 100,
    unit: 'mg/dL',
    source: `${AUTO10}; total bilirubin above ~60 mg/dL (1000 µmol/L) is exceptional even in neonatal or fulminant liver failure`,
  },
  creatinine: {
    min: 0,
    max: 40,
    unit: 'mg/dL',
    source: `${AUTO10}; serum creatinine in untreated end-stage renal failure rarely exceeds ~25 mg/dL (2200 µmol/L)`,
  },
  chimerism: { min: 0, max: 100, unit: '%', source: 'a fraction of cells: 0–100 %' },
  vcn: {
    min: 0,
    max: 100,
    unit: 'copies/cell',
    source:
      'gene-modified cell products are commonly released at < 5 copies/cell and blood VCN after engraftment is lower; 100 leaves room for any assay',
  },
  inr: { min: 0.5, max: 20, unit: 'INR', source: `${AUTO10}; coagulometers report INR up to ~15–20` },
  temperature: {
    min: 25,
    max: 45,
    unit: '°C',
    source: 'clinical thermometers read ~25–45 °C; a follow-up reading outside is a unit or typing error',
  },
  'heart-rate': { min: 20, max: 300, unit: '/min', source: 'infant supraventricular tachycardia ≤ ~300/min' },
  'bp-systolic': { min: 40, max: 300, unit: 'mmHg', source: 'sphygmomanometer scales end at 300 mmHg' },
  'bp-diastolic': {
    min: 20,
    max: 200,
    unit: 'mmHg',
    source: 'sphygmomanometer scales; diastolic < systolic limit',
  },
  spo2: {
    min: 50,
    max: 100,
    unit: '%',
    source: 'pulse oximeters are calibrated only down to ~70 % (ISO 80601-2-61)',
  },
  weight: {
    min: 0.3,
    max: 500,
    unit: 'kg',
    source:
      'from an extremely preterm neonate (~0.3 kg) to the heaviest recorded adults (~600 kg are case reports)',
  },
  height: {
    min: 20,
    max: 260,
    unit: 'cm',
    source: 'from an extremely preterm neonate (~25 cm) to the tallest recorded person (272 cm)',
  },
  'lic-mri': {
    min: 0,
    max: 60,
    unit: 'mg/g',
    source:
      'R2/R2* MRI calibrations end near 40–45 mg Fe/g dry weight (St Pierre 2005, Blood 105:855; Wood 2005, Blood 106:1460)',
  },
  'cardiac-t2star': {
    min: 1,
    max: 150,
    unit: 'ms',
    source: 'myocardial T2* at 1.5 T spans ~2–60 ms (Anderson 2001, Eur Heart J 22:2171)',
  },
  meld: { min: 6, max: 40, unit: 'score', source: 'MELD is bounded to 6–40 by definition (OPTN policy 9)' },
  'koos-pain': { min: 0, max: 100, unit: 'score', source: 'KOOS subscale 0–100 (Roos 1998)' },
  'koos-symptoms': { min: 0, max: 100, unit: 'score', source: 'KOOS subscale 0–100 (Roos 1998)' },
  'koos-adl': { min: 0, max: 100, unit: 'score', source: 'KOOS subscale 0–100 (Roos 1998)' },
  'koos-sport': { min: 0, max: 100, unit: 'score', source: 'KOOS subscale 0–100 (Roos 1998)' },
  'koos-qol': { min: 0, max: 100, unit: 'score', source: 'KOOS subscale 0–100 (Roos 1998)' },
};

/**
 * Laboratory (QC, control-chart and manufacturing) values by unit: the unit carries the dimension of a
 * cell-therapy release test whatever the analyte is called (viability, CD34, CD73 … in %; endotoxin in EU/mL).
 * Units are matched after trimming and lower-casing.
 */
export const LABORATORY_UNIT_RANGES: Readonly<Record<string, PlausibleRange>> = {
  '%': { min: 0, max: 100, unit: '%', source: 'a fraction: 0–100 %' },
  'eu/ml': {
    min: 0,
    max: 1e6,
    unit: 'EU/mL',
    source:
      'kinetic LAL assays report 0.005–50 EU/mL before dilution (Ph. Eur. 2.6.14); 10⁶ covers any dilution',
  },
  'eu/kg': { min: 0, max: 1e6, unit: 'EU/kg', source: 'Ph. Eur. 2.6.14 endotoxin, per kg (limit 5 EU/kg/h)' },
  'copies/cell': {
    min: 0,
    max: 100,
    unit: 'copies/cell',
    source: 'vector copy number: released lots ≤ 5 copies/cell; 100 leaves room for any assay',
  },
  '×10⁶/kg': {
    min: 0,
    max: 1e4,
    unit: '×10⁶/kg',
    source:
      'cell doses per kg: CD34⁺ grafts 2–20 × 10⁶/kg, MSC ≤ ~10 × 10⁶/kg; 10⁴ is hundreds of times the largest',
  },
  '10^6/kg': {
    min: 0,
    max: 1e4,
    unit: '10^6/kg',
    source:
      'cell doses per kg: CD34⁺ grafts 2–20 × 10⁶/kg, MSC ≤ ~10 × 10⁶/kg; 10⁴ is hundreds of times the largest',
  },
  'cells/µl': {
    min: 0,
    max: 1e8,
    unit: 'cells/µL',
    source: 'flow cytometric counts; a packed cell pellet ~10⁶/µL',
  },
  'cells/ul': {
    min: 0,
    max: 1e8,
    unit: 'cells/µL',
    source: 'flow cytometric counts; a packed cell pellet ~10⁶/µL',
  },
  cells: {
    min: 0,
    max: 1e13,
    unit: 'cells',
    source: 'a whole leukapheresis product holds ~10¹⁰–10¹¹ cells; 10¹³ is the cell count of an adult body',
  },
  ml: { min: 0, max: 5000, unit: 'mL', source: 'a cell-therapy bag or apheresis collection ≤ ~1 L' },
  '°c': { min: -273.15, max: 150, unit: '°C', source: 'absolute zero to autoclave temperatures' },
};

/**
 * Manufacturing step parameters by name (CGTLink's own parameter names): total cells, viability, volume and the
 * CD34⁺ cell counts and doses.
 */
export const STEP_PARAMETER_RANGES: Readonly<Record<string, PlausibleRange>> = {
  totalCells: LABORATORY_UNIT_RANGES.cells!,
  totalNucleatedCells: LABORATORY_UNIT_RANGES.cells!,
  cd34Cells: LABORATORY_UNIT_RANGES.cells!,
  viabilityPercent: LABORATORY_UNIT_RANGES['%']!,
  cd34Percent: LABORATORY_UNIT_RANGES['%']!,
  volumeMl: LABORATORY_UNIT_RANGES.ml!,
  cd34PerKg: LABORATORY_UNIT_RANGES['×10⁶/kg']!,
  dosePerKg: LABORATORY_UNIT_RANGES['×10⁶/kg']!,
};

/**
 * The bound of any number without a measure-specific range (an unknown analyte or unit, a free parameter):
 * |x| ≤ 10¹⁵. It is wider than any count CGTLink records (10¹³ cells) and keeps every statistic finite: the sum
 * of squares of a million such values is 10³⁶, far below the largest double (1.8 × 10³⁰⁸).
 */
export const GENERAL_RANGE: PlausibleRange = {
  min: -1e15,
  max: 1e15,
  unit: '',
  source: 'no measure exceeds 10¹⁵ in its unit; the bound keeps sums of squares finite in IEEE 754 doubles',
};

function check(value: unknown, field: string, range: PlausibleRange, what: string): number {
  const n = requireFinite(value, field);
  if (n < range.min || n > range.max) {
    throw new DomainInputError(
      field,
      `${what} ${n} is outside the plausible range ${range.min}–${range.max}${range.unit ? ` ${range.unit}` : ''}`,
    );
  }
  return n;
}

/** The plausible range of an observation code, or undefined for a code without one. */
export function observationRange(code: string): PlausibleRange | undefined {
  return OBSERVATION_RANGES[code];
}

/** Whether a stored observation value (canonical unit) is plausible; a reader skips one that is not. */
export function isPlausibleObservation(code: string, canonicalValue: number): boolean {
  const range = OBSERVATION_RANGES[code] ?? GENERAL_RANGE;
  return Number.isFinite(canonicalValue) && canonicalValue >= range.min && canonicalValue <= range.max;
}

/**
 * An observation value already converted to its canonical unit: returns it, or throws naming `field` when it is
 * not finite or outside the code's plausible range.
 */
export function requirePlausibleObservation(code: string, canonicalValue: unknown, field = 'value'): number {
  return check(canonicalValue, field, OBSERVATION_RANGES[code] ?? GENERAL_RANGE, code);
}

/** The range a laboratory value in `unit` must lie in (the unit's, or the general bound). */
export function laboratoryRange(unit: string | null | undefined): PlausibleRange {
  return (unit && LABORATORY_UNIT_RANGES[unit.trim().toLowerCase()]) || GENERAL_RANGE;
}

/** A QC result, control run or control target of `analyte` in `unit`: finite and within the unit's range. */
export function requirePlausibleLaboratoryValue(
  analyte: string,
  unit: string | null | undefined,
  value: unknown,
  field = 'value',
): number {
  return check(value, field, laboratoryRange(unit), analyte);
}

/** Whether a stored laboratory value is plausible in its unit; a chart skips one that is not. */
export function isPlausibleLaboratoryValue(unit: string | null | undefined, value: number): boolean {
  const range = laboratoryRange(unit);
  return Number.isFinite(value) && value >= range.min && value <= range.max;
}

/** The numeric parameters of a manufacturing step, each within its named range or the general bound. */
export function requirePlausibleStepParameters(
  parameters: Readonly<Record<string, number | string>>,
  field = 'parameters',
): void {
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value !== 'number') continue;
    check(value, `${field}.${name}`, STEP_PARAMETER_RANGES[name] ?? GENERAL_RANGE, name);
  }
}
