import { DomainInputError, requireOneOf } from '../grading/input';
import { formatIsoDate, parseIsoDate } from '../thalassemia/dates';

/**
 * Expedited safety reporting of suspected unexpected serious adverse reactions (SUSAR): CDE standard for
 * expedited safety reporting during clinical trials (2018) and GVP (NMPA, 2021), after ICH E2A: a fatal or
 * life-threatening SUSAR within 7 calendar days of the sponsor's first knowledge, any other SUSAR within 15
 * calendar days (DESIGN.md §5). Day 0 is the day of first knowledge.
 */
export const CAUSALITY = ['certain', 'probable', 'possible', 'unlikely', 'unrelated'] as const;
export type Causality = (typeof CAUSALITY)[number];

/** WHO-UMC categories that count as a suspected reaction ("reasonable possibility" of a causal relationship). */
export function isRelated(causality: Causality): boolean {
  return causality === 'certain' || causality === 'probable' || causality === 'possible';
}

/** ICH E2A seriousness criteria. */
export const SERIOUSNESS_CRITERIA = [
  'death',
  'life-threatening',
  'hospitalization',
  'disability',
  'congenital-anomaly',
  'medically-important',
] as const;
export type SeriousnessCriterion = (typeof SERIOUSNESS_CRITERIA)[number];

export interface ExpeditedInput {
  readonly seriousness: readonly SeriousnessCriterion[];
  readonly causalityProduct: Causality;
  readonly causalityProcedure?: Causality;
  readonly expected: boolean;
  /** Day of first knowledge, `YYYY-MM-DD`. */
  readonly awarenessDate: string;
}

export interface ExpeditedClock {
  readonly required: boolean;
  /** 7 or 15 calendar days; null when no expedited report is required. */
  readonly days: 7 | 15 | null;
  readonly dueDate: string | null;
  readonly reason: string;
}

/**
 * Whether an adverse event starts the expedited-report clock and when the report is due: serious, suspected
 * related to the product (or to the procedure of administering it) and unexpected against the reference
 * safety information.
 */
export function expeditedClock(input: ExpeditedInput): ExpeditedClock {
  if (!Array.isArray(input?.seriousness)) throw new DomainInputError('seriousness', 'expected a list');
  input.seriousness.forEach((c, i) => {
    requireOneOf(c, `seriousness[${i}]`, SERIOUSNESS_CRITERIA);
  });
  const product = requireOneOf(input.causalityProduct, 'causalityProduct', CAUSALITY);
  const procedure =
    input.causalityProcedure === undefined
      ? 'unrelated'
      : requireOneOf(input.causalityProcedure, 'causalityProcedure', CAUSALITY);
  const awareness = parseIsoDate(input.awarenessDate, 'awarenessDate');
  const serious = input.seriousness.length > 0;
  const related = isRelated(product) || isRelated(procedure);
  if (!serious || !related || input.expected) {
    const why = !serious ? 'not serious' : !related ? 'not suspected to be related' : 'expected';
    return { required: false, days: null, dueDate: null, reason: `no expedited report: ${why}` };
  }
  const urgent = input.seriousness.includes('death') || input.seriousness.includes('life-threatening');
  const days = urgent ? 7 : 15;
  return {
    required: true,
    days,
    dueDate: formatIsoDate(awareness + days),
    reason: `SUSAR${urgent ? ' (fatal or life-threatening)' : ''}: report within ${days} calendar days of first knowledge`,
  };
}

export type ExpeditedStatus = 'not-required' | 'pending' | 'overdue' | 'submitted-on-time' | 'submitted-late';

/**
 * The state of an expedited report on `today`: submitted on or before the due date is on time; a report
 * still missing after the due date is overdue; one submitted after it is late (both are flagged).
 */
export function expeditedStatus(
  clock: Pick<ExpeditedClock, 'required' | 'dueDate'>,
  submittedOn: string | null,
  today: string,
): ExpeditedStatus {
  if (!clock.required || !clock.dueDate) return 'not-required';
  const due = parseIsoDate(clock.dueDate, 'dueDate');
  if (submittedOn)
    return parseIsoDate(submittedOn, 'submittedOn') <= due ? 'submitted-on-time' : 'submitted-late';
  return parseIsoDate(today, 'today') <= due ? 'pending' : 'overdue';
}

/** The flag the regulator sees: overdue and late reports. */
export function isLate(status: ExpeditedStatus): boolean {
  return status === 'overdue' || status === 'submitted-late';
}
