import { type CrsInput, gradeCrs, gradeIcans, type IcansInput } from '../clinical/crs-icans';
import { type AcuteGvhdInput, assessAcuteGvhd } from '../clinical/gvhd-acute';
import type { CtcaeGrade } from '../grading/ctcae-lab';
import { DomainInputError, requireOneOf } from '../grading/input';

/**
 * Adverse-event forms graded by their own consensus rules rather than CTCAE's generic descriptors: acute GVHD by
 * the MAGIC criteria (overall grade I–IV reported as grade 1–4), CRS and ICANS by the ASTCT consensus (Lee et
 * al. 2019, grades 1–4). The clinical module does the grading; this maps a form to the reported term and grade.
 */
export const GRADED_FORMS = ['acute-gvhd', 'crs', 'icans'] as const;
export type GradedFormKind = (typeof GRADED_FORMS)[number];

export type GradedForm =
  | { readonly kind: 'acute-gvhd'; readonly input: AcuteGvhdInput }
  | { readonly kind: 'crs'; readonly input: CrsInput }
  | { readonly kind: 'icans'; readonly input: IcansInput };

export interface FormGrade {
  readonly termName: string;
  readonly grade: CtcaeGrade;
  readonly reason: string;
}

/**
 * The term and grade a form reports. A form that grades 0 (no GVHD, no CRS) is no adverse event and is
 * refused naming `form`.
 */
export function gradeForm(form: GradedForm): FormGrade {
  const kind = requireOneOf(form?.kind, 'form.kind', GRADED_FORMS);
  if (!form.input || typeof form.input !== 'object')
    throw new DomainInputError('form.input', 'expected the form fields');
  let result: FormGrade;
  switch (kind) {
    case 'acute-gvhd': {
      const a = assessAcuteGvhd(form.input as AcuteGvhdInput);
      result = {
        termName: 'Acute GVHD',
        grade: a.grade,
        reason: `MAGIC overall grade ${a.gradeLabel}: ${a.reasons.join('; ')}`,
      };
      break;
    }
    case 'crs': {
      const c = gradeCrs(form.input as CrsInput);
      result = {
        termName: 'Cytokine release syndrome',
        grade: c.grade,
        reason: `ASTCT CRS grade ${c.grade}: ${c.reason}`,
      };
      break;
    }
    case 'icans': {
      const i = gradeIcans(form.input as IcansInput);
      result = {
        termName: 'Immune effector cell-associated neurotoxicity syndrome',
        grade: i.grade,
        reason: `ASTCT ICANS grade ${i.grade}: ${i.reason}`,
      };
      break;
    }
  }
  if (result.grade === 0)
    throw new DomainInputError('form', `${result.termName} grades 0 by the form: no adverse event to report`);
  return result;
}
