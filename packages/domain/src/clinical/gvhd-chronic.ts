import { DomainInputError, requireIntegerInRange } from '../grading/input';

/**
 * NIH global severity of chronic GVHD: Jagasia MH et al., Biol Blood Marrow Transplant 2015;21:389–401
 * (2014 NIH Consensus, Diagnosis and Staging Working Group report). Each organ is scored 0–3.
 *
 * - Mild: one or two organs involved, none scoring more than 1, and lung score 0.
 * - Moderate: three or more organs scoring 1, or any organ other than lung scoring 2, or lung score 1.
 * - Severe: any organ scoring 3, or lung score 2 or 3.
 */
export type ChronicGvhdOrgan = 'skin' | 'mouth' | 'eyes' | 'gi' | 'liver' | 'lungs' | 'joints' | 'genital';

export const CHRONIC_GVHD_ORGANS: readonly ChronicGvhdOrgan[] = [
  'skin',
  'mouth',
  'eyes',
  'gi',
  'liver',
  'lungs',
  'joints',
  'genital',
];

export type ChronicGvhdScores = Readonly<Partial<Record<ChronicGvhdOrgan, number>>>;

export type ChronicGvhdSeverity = 'none' | 'mild' | 'moderate' | 'severe';

export interface ChronicGvhdAssessment {
  readonly severity: ChronicGvhdSeverity;
  readonly involvedOrgans: readonly ChronicGvhdOrgan[];
  readonly reason: string;
}

/**
 * NIH global severity from organ scores (Jagasia 2015, Table 7). Every organ must be scored: a missing
 * score throws, because an unscored organ could change the severity.
 */
export function assessChronicGvhd(scores: ChronicGvhdScores): ChronicGvhdAssessment {
  const values = new Map<ChronicGvhdOrgan, number>();
  for (const organ of CHRONIC_GVHD_ORGANS) {
    const score = scores?.[organ];
    if (score === undefined) throw new DomainInputError(organ, 'organ score 0–3 is required');
    values.set(organ, requireIntegerInRange(score, organ, 0, 3));
  }
  const involved = CHRONIC_GVHD_ORGANS.filter((o) => values.get(o)! > 0);
  const lung = values.get('lungs')!;
  const others = CHRONIC_GVHD_ORGANS.filter((o) => o !== 'lungs').map((o) => values.get(o)!);
  if (involved.length === 0) {
    return { severity: 'none', involvedOrgans: [], reason: 'no organ involved (NIH 2014)' };
  }
  if (others.some((s) => s === 3) || lung >= 2) {
    return {
      severity: 'severe',
      involvedOrgans: involved,
      reason: 'severe: an organ scores 3 or the lung scores 2–3 (NIH 2014 global severity)',
    };
  }
  if (involved.length >= 3 || others.some((s) => s === 2) || lung === 1) {
    return {
      severity: 'moderate',
      involvedOrgans: involved,
      reason:
        'moderate: three or more organs score 1, an organ other than lung scores 2, or the lung scores 1 (NIH 2014)',
    };
  }
  return {
    severity: 'mild',
    involvedOrgans: involved,
    reason: `mild: ${involved.length} organ(s) scoring 1 and lung 0 (NIH 2014 global severity)`,
  };
}
