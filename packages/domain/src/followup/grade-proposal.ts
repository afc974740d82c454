import { type CtcaeGrade, type CtcaeLabGrade, gradeCtcaeLab } from '../grading/ctcae-lab';
import { DomainInputError, requireIntegerInRange } from '../grading/input';
import { canonicalUnitOf, type LabCode, labCodeInfo } from './catalog';

export interface LabValueForGrading {
  readonly code: LabCode;
  readonly value: number;
  readonly unit: string;
  /** The laboratory's limits of normal, in `limitUnit` (default: `unit`). */
  readonly lln?: number | null;
  readonly uln?: number | null;
  readonly limitUnit?: string | null;
  /** The patient's pre-treatment value, in `unit`. */
  readonly baseline?: number | null;
}

export interface GradeProposal extends CtcaeLabGrade {
  /** Whether the limits of normal came from the laboratory report or from the catalogue's default range. */
  readonly limits: 'report' | 'default';
}

/**
 * Proposes a CTCAE v5.0 grade for an adverse event from a laboratory value, by the grading module's rules for
 * the code's term (e.g. ANC → "Neutrophil count decreased"). The clinician confirms or overrides it; see
 * {@link decideGrade}. Returns null for a code CTCAE does not grade from a number (ferritin, chimerism, VCN).
 */
export function proposeGradeFromLab(input: LabValueForGrading): GradeProposal | null {
  const info = labCodeInfo(input?.code);
  if (!info.ctcaeTerm) return null;
  const fromReport = input.lln != null || input.uln != null;
  const defaults = info.defaultLimits ?? {};
  const lln = input.lln ?? undefined;
  const uln = input.uln ?? undefined;
  const grade = gradeCtcaeLab({
    term: info.ctcaeTerm,
    value: input.value,
    unit: input.unit,
    ...(fromReport
      ? {
          ...(lln !== undefined ? { lln } : {}),
          ...(uln !== undefined ? { uln } : {}),
          ...(input.limitUnit ? { limitUnit: input.limitUnit } : {}),
        }
      : { ...defaults, limitUnit: canonicalUnitOf(info.code) }),
    ...(input.baseline != null ? { baseline: input.baseline } : {}),
  });
  return { ...grade, limits: fromReport ? 'report' : 'default' };
}

export interface GradeDecision {
  readonly grade: CtcaeGrade;
  readonly proposedGrade: CtcaeGrade | null;
  readonly overridden: boolean;
  readonly overrideReason: string | null;
}

/**
 * The grade recorded on an adverse event: the clinician's grade, which must carry a reason whenever it differs
 * from the automatic proposal (CTCAE v5.0 leaves the final grade to clinical judgement; the audit trail keeps
 * why the number was not followed). Grades run 1–5 (an adverse event of grade 0 is no adverse event).
 */
export function decideGrade(input: {
  proposedGrade: CtcaeGrade | null;
  chosenGrade: number;
  overrideReason?: string | null;
}): GradeDecision {
  const grade = requireIntegerInRange(input.chosenGrade, 'grade', 1, 5) as CtcaeGrade;
  const overridden = input.proposedGrade !== null && grade !== input.proposedGrade;
  const reason = input.overrideReason?.trim() || null;
  if (overridden && !reason) {
    throw new DomainInputError(
      'overrideReason',
      `grade ${grade} differs from the proposed grade ${input.proposedGrade}: give the reason for the override`,
    );
  }
  return {
    grade,
    proposedGrade: input.proposedGrade,
    overridden,
    overrideReason: overridden ? reason : null,
  };
}
