import { isAbove, isAtLeast, isBelow } from '../grading/compare';
import {
  DomainInputError,
  requireInRange,
  requireNonNegative,
  requireOneOf,
  requirePositive,
} from '../grading/input';
import { toCanonical } from '../grading/units';

/**
 * Acute GVHD organ staging and overall grade by the Mount Sinai Acute GVHD International Consortium (MAGIC)
 * criteria: Harris AC et al., Biol Blood Marrow Transplant 2016;22:4–10, Table 1 and Table 2.
 *
 * Skin (active maculopapular rash, % body surface area): 0 none; 1 < 25%; 2 25–50%; 3 > 50%; 4 generalized
 * erythroderma (> 50%) with bullous formation and desquamation > 5% BSA.
 * Liver (total bilirubin, mg/dL): 0 < 2; 1 2–3; 2 3.1–6; 3 6.1–15; 4 > 15.
 * Upper GI: 0 none or intermittent; 1 persistent nausea, vomiting or anorexia.
 * Lower GI (stool output per day; volume is used when measured, episodes otherwise):
 *   adult: 0 < 500 mL or < 3 episodes; 1 500–999 mL or 3–4; 2 1000–1500 mL or 5–7; 3 > 1500 mL or > 7;
 *   child: 0 < 10 mL/kg or < 4 episodes; 1 10–19.9 mL/kg or 4–6; 2 20–30 mL/kg or 7–10; 3 > 30 mL/kg or > 10;
 *   4 (both) severe abdominal pain with or without ileus, or grossly bloody stool, whatever the volume.
 */
export type Stage = 0 | 1 | 2 | 3 | 4;
export type AcuteGvhdGrade = 0 | 1 | 2 | 3 | 4;

export interface AcuteGvhdInput {
  /** Active GVHD rash as a percentage of body surface area (0–100). */
  readonly skinRashBsaPercent: number;
  /** Bullous formation and desquamation over > 5% BSA. */
  readonly skinBullaeAndDesquamation?: boolean;
  readonly bilirubin: { readonly value: number; readonly unit: string };
  /** Persistent nausea, vomiting or anorexia. */
  readonly upperGiPersistentSymptoms: boolean;
  readonly lowerGi: LowerGiInput;
}

export interface LowerGiInput {
  readonly population: 'adult' | 'child';
  /** Stool volume in mL per day. */
  readonly stoolVolumeMlPerDay?: number;
  /** Body weight, required with a child's stool volume to express it per kg. */
  readonly weightKg?: number;
  /** Number of diarrhoea episodes per day, used when no volume is measured. */
  readonly stoolEpisodesPerDay?: number;
  readonly severePainOrIleus?: boolean;
  readonly grosslyBloodyStool?: boolean;
}

export interface AcuteGvhdStages {
  readonly skin: Stage;
  readonly liver: Stage;
  readonly upperGi: 0 | 1;
  readonly lowerGi: Stage;
}

export interface AcuteGvhdAssessment {
  readonly stages: AcuteGvhdStages;
  readonly grade: AcuteGvhdGrade;
  /** Roman numeral of the overall grade ("0", "I" … "IV"). */
  readonly gradeLabel: string;
  readonly reasons: readonly string[];
}

/** MAGIC skin stage from the rash extent (Harris 2016, Table 1). */
export function stageSkin(bsaPercent: number, bullaeAndDesquamation = false): Stage {
  const bsa = requireInRange(bsaPercent, 'skinRashBsaPercent', 0, 100);
  if (bsa === 0) return 0;
  if (isAbove(bsa, 50)) return bullaeAndDesquamation ? 4 : 3;
  if (isAtLeast(bsa, 25)) return 2;
  return 1;
}

/** MAGIC liver stage from total bilirubin (Harris 2016, Table 1); any bilirubin unit accepted. */
export function stageLiver(bilirubin: { value: number; unit: string }): Stage {
  const mgDl = toCanonical(
    'bilirubin',
    requireNonNegative(bilirubin?.value, 'bilirubin.value'),
    bilirubin.unit,
    'bilirubin',
  );
  if (isAbove(mgDl, 15)) return 4;
  if (isAbove(mgDl, 6)) return 3;
  if (isAbove(mgDl, 3)) return 2;
  if (isAtLeast(mgDl, 2)) return 1;
  return 0;
}

/** MAGIC lower GI stage for adults or children (Harris 2016, Table 1). */
export function stageLowerGi(lowerGi: LowerGiInput): Stage {
  const population = requireOneOf(lowerGi?.population, 'lowerGi.population', ['adult', 'child'] as const);
  if (lowerGi.severePainOrIleus || lowerGi.grosslyBloodyStool) return 4;
  if (lowerGi.stoolVolumeMlPerDay !== undefined) {
    const volume = requireNonNegative(lowerGi.stoolVolumeMlPerDay, 'lowerGi.stoolVolumeMlPerDay');
    if (population === 'adult') {
      if (isAbove(volume, 1500)) return 3;
      if (isAtLeast(volume, 1000)) return 2;
      if (isAtLeast(volume, 500)) return 1;
      return 0;
    }
    if (lowerGi.weightKg === undefined) {
      throw new DomainInputError('lowerGi.weightKg', "required to express a child's stool volume per kg");
    }
    const perKg = volume / requirePositive(lowerGi.weightKg, 'lowerGi.weightKg');
    if (isAbove(perKg, 30)) return 3;
    if (isAtLeast(perKg, 20)) return 2;
    if (isAtLeast(perKg, 10)) return 1;
    return 0;
  }
  if (lowerGi.stoolEpisodesPerDay !== undefined) {
    const episodes = requireNonNegative(lowerGi.stoolEpisodesPerDay, 'lowerGi.stoolEpisodesPerDay');
    // Adult cut-offs 3 / 5 / > 7 episodes; child 4 / 7 / > 10.
    const [one, two, threeAbove] = population === 'adult' ? [3, 5, 7] : [4, 7, 10];
    if (isAbove(episodes, threeAbove)) return 3;
    if (!isBelow(episodes, two)) return 2;
    if (!isBelow(episodes, one)) return 1;
    return 0;
  }
  throw new DomainInputError(
    'lowerGi',
    'stool volume or number of episodes is required (or stage-4 findings)',
  );
}

const ROMAN = ['0', 'I', 'II', 'III', 'IV'] as const;

/**
 * MAGIC overall grade from the organ stages (Harris 2016, Table 2). The grade is not the maximum stage:
 * I = skin 1–2 alone; II = skin 3 and/or liver 1, upper GI 1 or lower GI 1; III = liver 2–3 and/or lower GI
 * 2–3; IV = skin, liver or lower GI stage 4.
 */
export function gradeAcuteGvhdFromStages(stages: AcuteGvhdStages): { grade: AcuteGvhdGrade; reason: string } {
  const { skin, liver, upperGi, lowerGi } = stages;
  if (skin === 4 || liver === 4 || lowerGi === 4) {
    return { grade: 4, reason: 'grade IV: skin, liver or lower GI stage 4' };
  }
  if (liver >= 2 || lowerGi >= 2) return { grade: 3, reason: 'grade III: liver or lower GI stage 2–3' };
  if (skin === 3 || liver === 1 || upperGi === 1 || lowerGi === 1) {
    return { grade: 2, reason: 'grade II: skin stage 3 and/or liver, upper GI or lower GI stage 1' };
  }
  if (skin >= 1) return { grade: 1, reason: 'grade I: skin stage 1–2 without liver or GI involvement' };
  return { grade: 0, reason: 'no acute GVHD organ involvement' };
}

/** Stages every organ and gives the MAGIC overall grade of acute GVHD (Harris 2016). */
export function assessAcuteGvhd(input: AcuteGvhdInput): AcuteGvhdAssessment {
  if (typeof input?.upperGiPersistentSymptoms !== 'boolean') {
    throw new DomainInputError('upperGiPersistentSymptoms', 'must be true or false');
  }
  const stages: AcuteGvhdStages = {
    skin: stageSkin(input.skinRashBsaPercent, input.skinBullaeAndDesquamation === true),
    liver: stageLiver(input.bilirubin),
    upperGi: input.upperGiPersistentSymptoms ? 1 : 0,
    lowerGi: stageLowerGi(input.lowerGi),
  };
  const { grade, reason } = gradeAcuteGvhdFromStages(stages);
  return {
    stages,
    grade,
    gradeLabel: ROMAN[grade],
    reasons: [
      `skin stage ${stages.skin}, liver stage ${stages.liver}, upper GI stage ${stages.upperGi}, lower GI stage ${stages.lowerGi} (MAGIC, Harris 2016)`,
      reason,
    ],
  };
}
