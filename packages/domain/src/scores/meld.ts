import { DomainInputError, requireFinite, requirePositive } from '../grading/input';
import { toCanonical } from '../grading/units';

/**
 * MELD and MELD-Na as used by UNOS/OPTN for liver allocation from January 2016 (OPTN Policy 9.1;
 * Kim WR et al., N Engl J Med 2008;359:1018–26 for the sodium term):
 *
 *   MELD(i) = 0.957 × ln(creatinine mg/dL) + 0.378 × ln(bilirubin mg/dL) + 1.120 × ln(INR) + 0.643,
 *   rounded to the tenth decimal place and multiplied by 10.
 *   If MELD(i) > 11: MELD = MELD(i) + 1.32 × (137 − Na) − [0.033 × MELD(i) × (137 − Na)].
 *
 * Bounds: laboratory values below 1.0 are set to 1.0; creatinine is capped at 4.0 mg/dL and set to 4.0 after
 * two or more dialyses in the past week (or 24 h of CVVHD); sodium is bounded to 125–137 mmol/L; the score is
 * capped at 40.
 */
export interface MeldInput {
  readonly creatinine: { readonly value: number; readonly unit: string };
  readonly bilirubin: { readonly value: number; readonly unit: string };
  readonly inr: number;
  /** Sodium in mmol/L (= mEq/L); needed for MELD-Na. */
  readonly sodiumMmolL?: number;
  /** Dialysis at least twice in the past 7 days, or 24 hours of CVVHD in the past 7 days. */
  readonly dialysisTwiceInPastWeek: boolean;
}

export interface MeldResult {
  /** MELD(i) after rounding (an integer between 6 and 40). */
  readonly meld: number;
  /** MELD-Na (equals `meld` when MELD(i) ≤ 11); undefined without sodium. */
  readonly meldNa?: number;
  /** The bounded values actually used. */
  readonly used: {
    readonly creatinineMgDl: number;
    readonly bilirubinMgDl: number;
    readonly inr: number;
    readonly sodiumMmolL?: number;
  };
  readonly notes: readonly string[];
}

const MELD_MAX = 40;

/** MELD and MELD-Na (OPTN Policy 9.1, 2016 formula with UNOS bounds). */
export function calculateMeld(input: MeldInput): MeldResult {
  if (typeof input?.dialysisTwiceInPastWeek !== 'boolean') {
    throw new DomainInputError('dialysisTwiceInPastWeek', 'must be true or false');
  }
  const notes: string[] = [];
  const rawCr = toCanonical(
    'creatinine',
    requirePositive(input.creatinine?.value, 'creatinine.value'),
    input.creatinine.unit,
    'creatinine',
  );
  const rawBili = toCanonical(
    'bilirubin',
    requirePositive(input.bilirubin?.value, 'bilirubin.value'),
    input.bilirubin.unit,
    'bilirubin',
  );
  const rawInr = requirePositive(input.inr, 'inr');

  let creatinine = Math.max(1, rawCr);
  if (input.dialysisTwiceInPastWeek) {
    creatinine = 4;
    notes.push('creatinine set to 4.0 mg/dL: dialysis twice in the past week');
  } else if (creatinine > 4) {
    creatinine = 4;
    notes.push('creatinine capped at 4.0 mg/dL');
  }
  const bilirubin = Math.max(1, rawBili);
  const inr = Math.max(1, rawInr);
  if (rawCr < 1 || rawBili < 1 || rawInr < 1) notes.push('values below 1.0 set to 1.0');

  const raw = 0.957 * Math.log(creatinine) + 0.378 * Math.log(bilirubin) + 1.12 * Math.log(inr) + 0.643;
  // "Round to the tenth decimal place and multiply by 10" (OPTN): an integer score.
  const meldI = Math.min(MELD_MAX, Math.round(raw * 10));
  const used = { creatinineMgDl: creatinine, bilirubinMgDl: bilirubin, inr };
  if (input.sodiumMmolL === undefined) return { meld: meldI, used, notes };

  const rawNa = requireFinite(input.sodiumMmolL, 'sodiumMmolL');
  if (rawNa < 90 || rawNa > 200) {
    throw new DomainInputError('sodiumMmolL', `expected mmol/L between 90 and 200, got ${rawNa}`);
  }
  const sodium = Math.min(137, Math.max(125, rawNa));
  if (sodium !== rawNa) notes.push(`sodium bounded to ${sodium} mmol/L (125–137)`);
  let meldNa = meldI;
  if (meldI > 11) {
    meldNa = Math.min(MELD_MAX, Math.round(meldI + 1.32 * (137 - sodium) - 0.033 * meldI * (137 - sodium)));
  } else {
    notes.push('MELD(i) ≤ 11: no sodium adjustment');
  }
  return { meld: meldI, meldNa, used: { ...used, sodiumMmolL: sodium }, notes };
}
