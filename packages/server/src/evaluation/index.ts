/**
 * The evaluation centre's API (issue 9): `evaluateFiling(db, principal, filters)` returns the efficacy, safety
 * and quality sections of a cohort; `EvaluationService` adds the patients behind a figure, comparisons and
 * the signed, reproducible reports.
 */
export { type Cutoff, cohortCte, outcomesQuery, resolveCutoff } from './cohort';
export {
  type CohortPatient,
  type Evaluation,
  evaluateFiling,
  METRICS,
  type Metric,
  patientsBehind,
} from './evaluate';
export {
  type Comparison,
  EvaluationService,
  evaluationReportSignable,
  type Report,
  snapshotHash,
} from './evaluation.service';
export * from './filters';
