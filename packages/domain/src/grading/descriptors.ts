import type { CtcaeGrade } from './ctcae-lab';
import { DomainInputError } from './input';

/**
 * The general grade descriptors of CTCAE v5.0 ("Grades", p. 1 of the criteria): the meaning of each grade
 * for a term the clinician grades rather than a laboratory value. Activities of daily living (ADL):
 * instrumental ADL are preparing meals, shopping, using the telephone, managing money; self-care ADL are
 * bathing, dressing, feeding, using the toilet, taking medications, not being bedridden.
 */
export const CTCAE_GRADE_DESCRIPTORS: Readonly<Record<Exclude<CtcaeGrade, 0>, string>> = {
  1: 'Mild; asymptomatic or mild symptoms; clinical or diagnostic observations only; intervention not indicated',
  2: 'Moderate; minimal, local or noninvasive intervention indicated; limiting age-appropriate instrumental ADL',
  3: 'Severe or medically significant but not immediately life-threatening; hospitalization or prolongation of hospitalization indicated; disabling; limiting self-care ADL',
  4: 'Life-threatening consequences; urgent intervention indicated',
  5: 'Death related to adverse event',
};

/** What the clinician recorded about an adverse event, in the terms the CTCAE v5.0 descriptors use. */
export interface ClinicalAeFindings {
  readonly present: boolean;
  readonly death?: boolean;
  readonly lifeThreatening?: boolean;
  readonly urgentInterventionIndicated?: boolean;
  readonly hospitalizationIndicated?: boolean;
  readonly limitsSelfCareAdl?: boolean;
  readonly disabling?: boolean;
  readonly medicallySignificant?: boolean;
  readonly limitsInstrumentalAdl?: boolean;
  readonly minimalInterventionIndicated?: boolean;
}

export interface ClinicalAeGrade {
  readonly grade: CtcaeGrade;
  readonly descriptor: string;
  readonly reason: string;
}

/**
 * Grades a clinician-graded adverse event by the CTCAE v5.0 general descriptors: the highest grade whose
 * descriptor the findings meet (death 5; life-threatening or urgent intervention 4; hospitalization,
 * disabling, self-care ADL limited or medically significant 3; instrumental ADL limited or minimal
 * intervention 2; otherwise present 1). A term-specific CTCAE definition, where one exists, takes precedence.
 */
export function gradeByGeneralDescriptors(findings: ClinicalAeFindings): ClinicalAeGrade {
  if (typeof findings?.present !== 'boolean') throw new DomainInputError('present', 'must be true or false');
  const grade = ((): CtcaeGrade => {
    if (!findings.present) return 0;
    if (findings.death) return 5;
    if (findings.lifeThreatening || findings.urgentInterventionIndicated) return 4;
    if (
      findings.hospitalizationIndicated ||
      findings.disabling ||
      findings.limitsSelfCareAdl ||
      findings.medicallySignificant
    ) {
      return 3;
    }
    if (findings.limitsInstrumentalAdl || findings.minimalInterventionIndicated) return 2;
    return 1;
  })();
  const descriptor = grade === 0 ? 'No adverse event' : CTCAE_GRADE_DESCRIPTORS[grade];
  return { grade, descriptor, reason: `CTCAE v5.0 grade ${grade}: ${descriptor}` };
}
