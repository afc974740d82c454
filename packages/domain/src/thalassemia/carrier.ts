import { DomainInputError, requireInRange, requireNonNegative, requirePositive } from '../grading/input';

/**
 * Thalassaemia carrier screening interpretation (NHS Sickle Cell and Thalassaemia Screening Programme,
 * Handbook for laboratories; TIF "Prevention of Thalassaemias and Other Haemoglobin Disorders", 2nd ed., 2013;
 * DESIGN.md §3.4):
 *
 * - Red-cell indices: act on MCH < 27 pg (MCV < 80 fL is the common companion).
 * - HbA2 ≥ 3.5% indicates a β-thalassaemia carrier; ≥ 4.0% is typical; 3.5–3.9% and 3.3–3.4% are borderline
 *   (mild β⁺ alleles, or co-inherited α- or δ-thalassaemia) and need DNA analysis.
 * - Iron deficiency lowers HbA2 and can mask a β-carrier: with low ferritin and a normal HbA2, repeat after
 *   iron or test DNA.
 * - α-carriers have a normal HbA2 and need DNA testing; MCH < 25 pg flags a possible α⁰ (two-gene deletion,
 *   e.g. --SEA, common in southern China).
 */
export type CarrierStatus =
  | 'screen-negative'
  | 'beta-carrier'
  | 'beta-borderline'
  | 'alpha0-suspected'
  | 'alpha-plus-possible'
  | 'masked-by-iron-deficiency'
  | 'hba2-needed'
  | 'not-tested';

export interface CarrierScreeningInput {
  readonly mchPg: number;
  readonly mcvFl?: number;
  readonly hbA2Percent?: number;
  /** Serum ferritin, ng/mL (= µg/L). */
  readonly ferritinNgMl?: number;
  /** Ferritin below which iron deficiency is assumed; default 15 ng/mL (WHO, adults). */
  readonly ironDeficiencyFerritinNgMl?: number;
}

export interface CarrierScreeningResult {
  readonly status: CarrierStatus;
  readonly suspicion: 'beta' | 'alpha0' | 'alpha' | 'none' | 'undetermined';
  readonly reasons: readonly string[];
  readonly recommendations: readonly string[];
}

export const MCH_ACTION_PG = 27;
export const MCH_ALPHA0_PG = 25;
export const MCV_ACTION_FL = 80;
export const HBA2_BETA_CARRIER_PERCENT = 3.5;
export const HBA2_BORDERLINE_LOW_PERCENT = 3.3;
export const HBA2_TYPICAL_BETA_PERCENT = 4.0;

/** Interprets one person's screening results (NHS SCT programme; TIF prevention guidelines). */
export function interpretCarrierScreening(input: CarrierScreeningInput): CarrierScreeningResult {
  const mch = requirePositive(input?.mchPg, 'mchPg');
  const mcv = input.mcvFl === undefined ? undefined : requirePositive(input.mcvFl, 'mcvFl');
  const hbA2 =
    input.hbA2Percent === undefined ? undefined : requireInRange(input.hbA2Percent, 'hbA2Percent', 0, 100);
  const ferritin =
    input.ferritinNgMl === undefined ? undefined : requireNonNegative(input.ferritinNgMl, 'ferritinNgMl');
  const ironCutoff =
    input.ironDeficiencyFerritinNgMl === undefined
      ? 15
      : requirePositive(input.ironDeficiencyFerritinNgMl, 'ironDeficiencyFerritinNgMl');
  const microcytic = mch < MCH_ACTION_PG || (mcv !== undefined && mcv < MCV_ACTION_FL);
  const reasons: string[] = [
    `MCH ${mch} pg${mcv === undefined ? '' : `, MCV ${mcv} fL`}: ${microcytic ? 'hypochromic/microcytic (MCH < 27 pg or MCV < 80 fL)' : 'normal indices'}`,
  ];
  const ironDeficient = ferritin !== undefined && ferritin < ironCutoff;

  if (hbA2 !== undefined && hbA2 >= HBA2_BETA_CARRIER_PERCENT) {
    const borderline = hbA2 < HBA2_TYPICAL_BETA_PERCENT;
    reasons.push(
      `HbA2 ${hbA2}% ≥ 3.5%: β-thalassaemia carrier${borderline ? ' (3.5–3.9%: borderline range)' : ''}`,
    );
    return {
      status: 'beta-carrier',
      suspicion: 'beta',
      reasons,
      recommendations: [
        'test the partner (full blood count and HbA2)',
        ...(borderline ? ['confirm by β-globin DNA analysis (mild β⁺ allele possible)'] : []),
      ],
    };
  }
  if (hbA2 !== undefined && hbA2 >= HBA2_BORDERLINE_LOW_PERCENT) {
    reasons.push(`HbA2 ${hbA2}% in 3.3–3.4%: borderline`);
    return {
      status: 'beta-borderline',
      suspicion: 'undetermined',
      reasons,
      recommendations: ['β- and α-globin DNA analysis', 'test the partner'],
    };
  }
  if (!microcytic) {
    if (hbA2 !== undefined) reasons.push(`HbA2 ${hbA2}% normal`);
    return { status: 'screen-negative', suspicion: 'none', reasons, recommendations: [] };
  }
  if (hbA2 === undefined) {
    return {
      status: 'hba2-needed',
      suspicion: 'undetermined',
      reasons,
      recommendations: ['measure HbA2 (HPLC or capillary electrophoresis) and ferritin'],
    };
  }
  reasons.push(`HbA2 ${hbA2}% < 3.3%: not suggestive of β-carrier`);
  if (ironDeficient) {
    reasons.push(
      `ferritin ${ferritin} ng/mL < ${ironCutoff}: iron deficiency can lower HbA2 and mask a β-carrier`,
    );
    return {
      status: 'masked-by-iron-deficiency',
      suspicion: 'undetermined',
      reasons,
      recommendations: [
        'treat iron deficiency and repeat HbA2, or test globin DNA without delay in pregnancy',
        'test the partner now',
      ],
    };
  }
  if (mch < MCH_ALPHA0_PG) {
    reasons.push('MCH < 25 pg with normal HbA2 and no iron deficiency: α⁰-thalassaemia carrier suspected');
    return {
      status: 'alpha0-suspected',
      suspicion: 'alpha0',
      reasons,
      recommendations: ['α-globin DNA analysis for α⁰ deletions (e.g. --SEA)', 'test the partner'],
    };
  }
  reasons.push('MCH 25–27 pg with normal HbA2: α⁺-thalassaemia carrier possible');
  return {
    status: 'alpha-plus-possible',
    suspicion: 'alpha',
    reasons,
    recommendations: ['α-globin DNA analysis if the partner is an α⁰ carrier'],
  };
}

export interface CoupleRisk {
  readonly risk: 'high' | 'low' | 'undetermined';
  /** Chance per pregnancy of an affected fetus, when known. */
  readonly riskPerPregnancy?: number;
  readonly condition?: string;
  readonly recommendation: string;
}

const UNRESOLVED: readonly CarrierStatus[] = ['beta-borderline', 'masked-by-iron-deficiency', 'hba2-needed'];
const CARRIER: readonly CarrierStatus[] = ['beta-carrier', 'alpha0-suspected', 'alpha-plus-possible'];

/**
 * The couple's risk from each partner's status (TIF prevention guidelines; DESIGN.md §3.4): two β-carriers —
 * 25% per pregnancy of β-thalassaemia major; two α⁰-carriers — 25% of Hb Bart's hydrops fetalis; α⁰ with α⁺
 * — 25% of HbH disease. High risk → genetic counselling and the offer of prenatal diagnosis.
 */
export function assessCoupleRisk(first: CarrierStatus, second: CarrierStatus): CoupleRisk {
  for (const [field, status] of [
    ['first', first],
    ['second', second],
  ] as const) {
    if (![...UNRESOLVED, ...CARRIER, 'screen-negative', 'not-tested'].includes(status)) {
      throw new DomainInputError(field, `unknown carrier status ${String(status)}`);
    }
  }
  const pair = new Set([first, second]);
  const both = (s: CarrierStatus) => first === s && second === s;
  const counselling = 'genetic counselling and offer of prenatal diagnosis in each pregnancy';
  if (both('beta-carrier')) {
    return {
      risk: 'high',
      riskPerPregnancy: 0.25,
      condition: 'β-thalassaemia major',
      recommendation: counselling,
    };
  }
  if (both('alpha0-suspected')) {
    return {
      risk: 'high',
      riskPerPregnancy: 0.25,
      condition: "Hb Bart's hydrops fetalis",
      recommendation: `confirm α⁰ deletions by DNA in both partners; ${counselling}`,
    };
  }
  if (pair.has('alpha0-suspected') && pair.has('alpha-plus-possible')) {
    return {
      risk: 'high',
      riskPerPregnancy: 0.25,
      condition: 'HbH disease',
      recommendation: 'α-globin DNA analysis of both partners and genetic counselling',
    };
  }
  const carriers = [first, second].filter((s) => CARRIER.includes(s));
  if (
    carriers.length > 0 &&
    (pair.has('not-tested') || [first, second].some((s) => UNRESOLVED.includes(s)))
  ) {
    return {
      risk: 'undetermined',
      recommendation: pair.has('not-tested')
        ? 'test the partner (full blood count, HbA2, ferritin) as soon as possible'
        : "resolve the partner's result by globin DNA analysis",
    };
  }
  if (
    first === 'not-tested' ||
    second === 'not-tested' ||
    [first, second].every((s) => UNRESOLVED.includes(s))
  ) {
    return { risk: 'undetermined', recommendation: 'complete screening of both partners' };
  }
  return {
    risk: 'low',
    recommendation:
      carriers.length > 0
        ? 'no risk of a severe thalassaemia syndrome from this combination; inform the carrier'
        : 'no further action',
  };
}
