/**
 * A data-driven treatment-pathway state machine (DESIGN.md §2: "a step cannot be recorded out of order"). Each
 * technology's pathway is a table of steps; this module only interprets tables, so the autologous gene-therapy,
 * allogeneic/haploidentical HSCT and MSC pathways differ in data, not in code.
 *
 * Recorded history is append-only: a correction is a new entry that references the entry it corrects and never
 * changes which steps have happened (21 CFR 11.10(e): changes must not obscure previously recorded information).
 */

/** The end of the platform that records a step. */
export type StepParty = 'hospital' | 'laboratory';

export interface StepDefinition {
  readonly id: string;
  readonly party: StepParty;
  /** Steps that must all have been recorded before this one. */
  readonly after: readonly string[];
  /** May be recorded several times (several apheresis cycles, follow-up visits). */
  readonly repeatable?: boolean;
  /** A repeatable step is closed once any of these later steps has been recorded. */
  readonly closedBy?: readonly string[];
  /** Recorded only through a dedicated check (e.g. infusion through the bedside verification). */
  readonly dedicated?: boolean;
}

/**
 * Where the infused product comes from: a collection from the patient or a donor (its DIN assigned at the
 * collection step, travelling collection → laboratory → hospital), or a lot the laboratory makes from its seed
 * cell bank (its DIN assigned when the lot is allocated to the patient, travelling laboratory → hospital).
 */
export type ProductSource = 'collection' | 'laboratory_lot';

export interface PathwayDefinition {
  readonly technology: string;
  readonly steps: readonly StepDefinition[];
  /** Defaults to a collection. */
  readonly productSource?: ProductSource;
}

/** One entry of a therapy's recorded history. */
export interface RecordedEntry {
  readonly id: string;
  readonly step: string;
  readonly kind: 'step' | 'correction';
  /** For a correction: the entry it corrects. */
  readonly corrects?: string | null;
}

export type TransitionRefusal =
  | 'unknown-step'
  | 'wrong-party'
  | 'already-recorded'
  | 'closed'
  | 'out-of-order'
  | 'dedicated';

export type TransitionDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly code: TransitionRefusal; readonly reason: string };

/** Checks a table for unknown or forward references, so a mistyped table fails when it is loaded. */
export function validateDefinition(definition: PathwayDefinition): PathwayDefinition {
  const seen = new Set<string>();
  for (const step of definition.steps) {
    if (seen.has(step.id))
      throw new RangeError(`steps: ${step.id} is defined twice in ${definition.technology}`);
    for (const before of step.after) {
      if (!seen.has(before)) {
        throw new RangeError(
          `steps.${step.id}.after: ${before} is not an earlier step of ${definition.technology}`,
        );
      }
    }
    seen.add(step.id);
  }
  for (const step of definition.steps) {
    for (const later of step.closedBy ?? []) {
      if (!seen.has(later)) throw new RangeError(`steps.${step.id}.closedBy: unknown step ${later}`);
    }
  }
  return definition;
}

/** The steps that have happened (corrections change data, never the sequence). */
export function recordedSteps(history: readonly RecordedEntry[]): Set<string> {
  return new Set(history.filter((e) => e.kind === 'step').map((e) => e.step));
}

/**
 * Whether `party` may record `stepId` next, given the history. A refusal carries a stable code and a sentence
 * naming the missing predecessor, so the hospital or laboratory sees why.
 */
export function checkTransition(
  definition: PathwayDefinition,
  history: readonly RecordedEntry[],
  stepId: string,
  party: StepParty,
  options: { viaDedicatedCheck?: boolean } = {},
): TransitionDecision {
  const step = definition.steps.find((s) => s.id === stepId);
  if (!step) {
    return {
      allowed: false,
      code: 'unknown-step',
      reason: `${stepId} is not a step of the ${definition.technology} pathway`,
    };
  }
  if (step.party !== party) {
    return {
      allowed: false,
      code: 'wrong-party',
      reason: `${stepId} is recorded by the ${step.party}, not the ${party}`,
    };
  }
  if (step.dedicated && !options.viaDedicatedCheck) {
    return {
      allowed: false,
      code: 'dedicated',
      reason: `${stepId} is recorded only through its dedicated check`,
    };
  }
  const done = recordedSteps(history);
  if (done.has(stepId) && !step.repeatable) {
    return {
      allowed: false,
      code: 'already-recorded',
      reason: `${stepId} has already been recorded; record a correction of that entry instead`,
    };
  }
  const closer = (step.closedBy ?? []).find((s) => done.has(s));
  if (closer) {
    return {
      allowed: false,
      code: 'closed',
      reason: `${stepId} can no longer be recorded once ${closer} has been`,
    };
  }
  const missing = step.after.filter((s) => !done.has(s));
  if (missing.length > 0) {
    return {
      allowed: false,
      code: 'out-of-order',
      reason: `${stepId} needs ${missing.join(', ')} first`,
    };
  }
  return { allowed: true };
}

/** The steps `party` may record now (for the web app's "next step" choices). */
export function availableSteps(
  definition: PathwayDefinition,
  history: readonly RecordedEntry[],
  party: StepParty,
): string[] {
  return definition.steps
    .filter((s) => !s.dedicated && checkTransition(definition, history, s.id, party).allowed)
    .map((s) => s.id);
}

/**
 * Whether an entry may be corrected: it must exist and be the latest version of its record (a correction of a
 * correction references the correction, so the chain of versions stays linear and nothing is lost).
 */
export function checkCorrection(history: readonly RecordedEntry[], targetId: string): TransitionDecision {
  const target = history.find((e) => e.id === targetId);
  if (!target)
    return { allowed: false, code: 'unknown-step', reason: `entry ${targetId} is not in this pathway` };
  const newer = history.find((e) => e.kind === 'correction' && e.corrects === targetId);
  if (newer) {
    return {
      allowed: false,
      code: 'already-recorded',
      reason: `entry ${targetId} has already been corrected by ${newer.id}; correct that entry instead`,
    };
  }
  return { allowed: true };
}

/** The last recorded step in table order: the therapy's current state. */
export function currentStep(definition: PathwayDefinition, history: readonly RecordedEntry[]): string | null {
  const done = recordedSteps(history);
  let last: string | null = null;
  for (const step of definition.steps) if (done.has(step.id)) last = step.id;
  return last;
}
