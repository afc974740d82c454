import { isAbove, isAtLeast, isBelow } from '../grading/compare';
import { DomainInputError, requireNonNegative, requirePositive } from '../grading/input';

/**
 * Iron-overload category from serum ferritin, liver iron concentration (LIC, MRI R2/R2*) and cardiac T2*
 * (TIF Guidelines for the Management of Transfusion Dependent Thalassaemia, 4th ed., 2021, ch. 4; DESIGN.md §3.4):
 *
 * - Ferritin (ng/mL = µg/L): < 1000 target; 1000–2500 moderate; > 2500 high (cardiac risk).
 * - LIC (mg Fe/g dry weight): < 3 target; 3–< 7 mild; 7–< 15 moderate; ≥ 15 severe.
 * - Cardiac T2* (ms): > 20 normal; 10–20 mild to moderate; < 10 severe.
 *
 * Gene-therapy programmes commonly exclude cardiac T2* < 10 ms and LIC ≥ 15 mg/g (beti-cel HGB-207 and exa-cel
 * CLIMB-111 exclusion criteria); those flags are reported separately.
 */
export type IronLevel = 'target' | 'mild' | 'moderate' | 'severe';

const ORDER: Readonly<Record<IronLevel, number>> = { target: 0, mild: 1, moderate: 2, severe: 3 };

export interface IronInput {
  readonly ferritin?: { readonly value: number; readonly unit: 'ng/mL' | 'ug/L' | 'µg/L' | 'pmol/L' };
  readonly lic?: { readonly value: number; readonly unit: 'mg/g' | 'umol/g' | 'µmol/g' };
  readonly cardiacT2StarMs?: number;
}

export interface IronAssessment {
  /** The worst category among the measures given. */
  readonly overall: IronLevel;
  readonly ferritin?: IronLevel;
  readonly lic?: IronLevel;
  readonly cardiac?: IronLevel;
  /** Reasons a gene-therapy protocol would usually exclude the patient (T2* < 10 ms, LIC ≥ 15 mg/g). */
  readonly geneTherapyExclusions: readonly string[];
  readonly reasons: readonly string[];
}

/** 1 ng/mL ferritin = 2.247 pmol/L (ferritin ≈ 445 kDa); 1 mg Fe/g = 17.9 µmol Fe/g (Fe 55.845 g/mol). */
const FERRITIN_TO_NG_ML: Readonly<Record<string, number>> = {
  'ng/mL': 1,
  'ug/L': 1,
  'µg/L': 1,
  'pmol/L': 1 / 2.247,
};
const LIC_TO_MG_G: Readonly<Record<string, number>> = { 'mg/g': 1, 'umol/g': 1 / 17.9, 'µmol/g': 1 / 17.9 };

function convert(
  table: Readonly<Record<string, number>>,
  value: number,
  unit: unknown,
  field: string,
): number {
  const factor = typeof unit === 'string' ? table[unit] : undefined;
  if (factor === undefined) {
    throw new DomainInputError(
      `${field}.unit`,
      `expected one of ${Object.keys(table).join(', ')}, got ${String(unit)}`,
    );
  }
  return requireNonNegative(value, `${field}.value`) * factor;
}

/** Serum ferritin in ng/mL (= µg/L) from any accepted unit; 1 ng/mL = 2.247 pmol/L. */
export function ferritinToNgMl(value: number, unit: string, field = 'ferritin'): number {
  return convert(FERRITIN_TO_NG_ML, value, unit, field);
}

/** The ferritin units {@link ferritinToNgMl} accepts. */
export const FERRITIN_UNITS: readonly string[] = Object.keys(FERRITIN_TO_NG_ML);

/** Ferritin category (TIF 2021). */
export function ferritinLevel(ngMl: number): IronLevel {
  if (isBelow(ngMl, 1000)) return 'target';
  if (isAbove(ngMl, 2500)) return 'severe';
  return 'moderate';
}

/** LIC category in mg Fe/g dry weight (TIF 2021). */
export function licLevel(mgPerG: number): IronLevel {
  if (isAtLeast(mgPerG, 15)) return 'severe';
  if (isAtLeast(mgPerG, 7)) return 'moderate';
  if (isAtLeast(mgPerG, 3)) return 'mild';
  return 'target';
}

/** Cardiac T2* category (TIF 2021): > 20 ms normal, 10–20 mild to moderate, < 10 severe. */
export function cardiacT2StarLevel(ms: number): IronLevel {
  if (isBelow(ms, 10)) return 'severe';
  if (ms > 20) return 'target';
  return 'moderate';
}

/** Iron-overload assessment from whatever measures are available; at least one is required. */
export function assessIronOverload(input: IronInput): IronAssessment {
  const reasons: string[] = [];
  const exclusions: string[] = [];
  const levels: IronLevel[] = [];
  let ferritin: IronLevel | undefined;
  let lic: IronLevel | undefined;
  let cardiac: IronLevel | undefined;
  if (input?.ferritin !== undefined) {
    const ngMl = convert(FERRITIN_TO_NG_ML, input.ferritin.value, input.ferritin.unit, 'ferritin');
    ferritin = ferritinLevel(ngMl);
    levels.push(ferritin);
    reasons.push(`ferritin ${ngMl.toFixed(0)} ng/mL: ${ferritin} (target < 1000; > 2500 high)`);
  }
  if (input?.lic !== undefined) {
    const mgG = convert(LIC_TO_MG_G, input.lic.value, input.lic.unit, 'lic');
    lic = licLevel(mgG);
    levels.push(lic);
    reasons.push(`LIC ${mgG.toFixed(1)} mg/g dw: ${lic} (< 3 target, 3–7 mild, 7–15 moderate, ≥ 15 severe)`);
    if (isAtLeast(mgG, 15)) exclusions.push(`LIC ${mgG.toFixed(1)} mg/g ≥ 15 mg/g`);
  }
  if (input?.cardiacT2StarMs !== undefined) {
    const ms = requirePositive(input.cardiacT2StarMs, 'cardiacT2StarMs');
    cardiac = cardiacT2StarLevel(ms);
    levels.push(cardiac);
    reasons.push(
      `cardiac T2* ${ms} ms: ${cardiac === 'target' ? 'normal' : cardiac} (> 20 normal, 10–20 mild to moderate, < 10 severe)`,
    );
    if (isBelow(ms, 10)) exclusions.push(`cardiac T2* ${ms} ms < 10 ms`);
  }
  if (levels.length === 0) {
    throw new DomainInputError('ferritin', 'at least one of ferritin, lic or cardiacT2StarMs is required');
  }
  const overall = levels.reduce((worst, l) => (ORDER[l] > ORDER[worst] ? l : worst), 'target' as IronLevel);
  return {
    overall,
    ...(ferritin ? { ferritin } : {}),
    ...(lic ? { lic } : {}),
    ...(cardiac ? { cardiac } : {}),
    geneTherapyExclusions: exclusions,
    reasons,
  };
}
