import { DomainInputError, requireIntegerInRange } from '../grading/input';

/**
 * Knee injury and Osteoarthritis Outcome Score (KOOS): Roos EM et al., J Orthop Sports Phys Ther
 * 1998;28:88–96; scoring per the KOOS User's Guide (koos.nu, "KOOS scoring 2012").
 *
 * 42 items scored 0 (no problems) to 4 (extreme problems) in five subscales — Pain (P1–P9), Symptoms (S1–S7),
 * Function in daily living (A1–A17), Function in sport and recreation (SP1–SP5), Quality of life (Q1–Q4).
 * Each subscale is 100 − mean(item scores) × 100 / 4, where 100 means no problems. Missing items: one or two
 * missing in a subscale are replaced by the mean of that subscale's answered items; with more than two
 * missing, the subscale is not scored.
 *
 * Items are passed as scored on the form (0–4). S4 and S5 (straighten / bend the knee fully) are printed in
 * reverse order on the questionnaire; their box position already maps to 0 = "Always" (no problem).
 */
export type KoosSubscale = 'pain' | 'symptoms' | 'adl' | 'sport' | 'qol';

export const KOOS_ITEM_COUNTS: Readonly<Record<KoosSubscale, number>> = {
  pain: 9,
  symptoms: 7,
  adl: 17,
  sport: 5,
  qol: 4,
};

const MAX_MISSING = 2;

export type KoosResponses = Readonly<Record<KoosSubscale, readonly (number | null | undefined)[]>>;

export interface KoosSubscaleScore {
  /** 0–100 (100 = no problems), or null when more than two items are missing. */
  readonly score: number | null;
  readonly answered: number;
  readonly missing: number;
  readonly reason: string;
}

/** Scores one KOOS subscale (KOOS User's Guide, scoring 2012). */
export function scoreKoosSubscale(
  subscale: KoosSubscale,
  items: readonly (number | null | undefined)[],
): KoosSubscaleScore {
  const expected = KOOS_ITEM_COUNTS[subscale];
  if (!Array.isArray(items) || items.length !== expected) {
    throw new DomainInputError(
      subscale,
      `expected ${expected} items, got ${Array.isArray(items) ? items.length : 'none'}`,
    );
  }
  const answered: number[] = [];
  items.forEach((item, i) => {
    if (item === null || item === undefined) return;
    answered.push(requireIntegerInRange(item, `${subscale}[${i}]`, 0, 4));
  });
  const missing = expected - answered.length;
  if (missing > MAX_MISSING) {
    return {
      score: null,
      answered: answered.length,
      missing,
      reason: `${subscale}: ${missing} of ${expected} items missing (more than 2): not scored (KOOS User's Guide)`,
    };
  }
  // Replacing missing items by the answered mean leaves the mean unchanged, so the mean of answered items is used.
  const mean = answered.reduce((a, b) => a + b, 0) / answered.length;
  const score = 100 - (mean * 100) / 4;
  return {
    score,
    answered: answered.length,
    missing,
    reason:
      missing === 0
        ? `${subscale}: 100 − mean ${mean.toFixed(2)} × 25`
        : `${subscale}: ${missing} missing item(s) replaced by the subscale mean ${mean.toFixed(2)}`,
  };
}

/** All five KOOS subscale scores. */
export function scoreKoos(responses: KoosResponses): Readonly<Record<KoosSubscale, KoosSubscaleScore>> {
  if (responses === null || typeof responses !== 'object') {
    throw new DomainInputError('responses', 'expected the five KOOS subscales');
  }
  return {
    pain: scoreKoosSubscale('pain', responses.pain),
    symptoms: scoreKoosSubscale('symptoms', responses.symptoms),
    adl: scoreKoosSubscale('adl', responses.adl),
    sport: scoreKoosSubscale('sport', responses.sport),
    qol: scoreKoosSubscale('qol', responses.qol),
  };
}
