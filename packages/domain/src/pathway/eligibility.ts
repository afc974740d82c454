import { isAbove, isAtLeast, isBelow } from '../grading/compare';
import { DomainInputError, requirePositive } from '../grading/input';
import { parseIsoDate } from '../thalassemia/dates';
import { assessIronOverload } from '../thalassemia/iron';
import { assessTransfusionDependence, type RedCellTransfusion } from '../thalassemia/transfusion';

/**
 * A filing's eligibility criteria (data, versioned with the protocol). The defaults of the gene-therapy
 * programmes: age 4–50 (exa-cel CLIMB-111: 12–35; beti-cel HGB-207: ≤ 50), transfusion dependence (≥ 100 mL/kg/
 * year or ≥ 8 events/year over 2 years), cardiac T2* ≥ 10 ms, LIC < 15 mg/g, ALT and AST ≤ 3 × ULN, estimated
 * GFR ≥ 70 mL/min/1.73 m² (DESIGN.md §3.3–3.4; Locatelli F et al., N Engl J Med 2022;386:415–27).
 */
export interface EligibilityCriteria {
  readonly ageMinYears: number;
  readonly ageMaxYears: number;
  readonly requireTransfusionDependence: boolean;
  /** Exclusion when cardiac T2* is below this (ms). */
  readonly minCardiacT2StarMs?: number;
  /** Exclusion when LIC is at or above this (mg Fe/g dry weight). */
  readonly maxLicMgG?: number;
  /** Exclusion when ALT or AST is above this multiple of the upper limit of normal. */
  readonly maxTransaminaseTimesUln?: number;
  /** Exclusion when eGFR is below this (mL/min/1.73 m²). */
  readonly minEgfr?: number;
}

export const GENE_THERAPY_CRITERIA: EligibilityCriteria = {
  ageMinYears: 4,
  ageMaxYears: 50,
  requireTransfusionDependence: true,
  minCardiacT2StarMs: 10,
  maxLicMgG: 15,
  maxTransaminaseTimesUln: 3,
  minEgfr: 70,
};

export interface EligibilityInput {
  readonly birthDate: string;
  /** Screening date, `YYYY-MM-DD`. */
  readonly referenceDate: string;
  readonly weightKg?: number;
  readonly transfusions?: readonly RedCellTransfusion[];
  readonly cardiacT2StarMs?: number;
  readonly licMgG?: number;
  readonly altUL?: number;
  readonly astUL?: number;
  /** Upper limit of normal of the laboratory that measured ALT and AST, U/L. */
  readonly transaminaseUlnUL?: number;
  readonly egfr?: number;
}

export type CriterionVerdict = 'met' | 'not-met' | 'missing';

export interface CriterionResult {
  readonly id:
    | 'age'
    | 'transfusion_dependence'
    | 'cardiac_iron'
    | 'liver_iron'
    | 'liver_function'
    | 'renal_function';
  readonly value: string;
  readonly verdict: CriterionVerdict;
  readonly reason: string;
}

export interface EligibilityResult {
  readonly allMet: boolean;
  readonly criteria: readonly CriterionResult[];
}

/** Completed years of age on the reference date. */
export function ageInYears(birthDate: string, referenceDate: string): number {
  parseIsoDate(birthDate, 'birthDate');
  parseIsoDate(referenceDate, 'referenceDate');
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = referenceDate.split('-').map(Number) as [number, number, number];
  const age = ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
  if (age < 0) throw new DomainInputError('birthDate', 'is after the reference date');
  return age;
}

/**
 * Evaluates each criterion of a filing with the domain rules and reports its value and verdict; a criterion
 * whose data are missing is `missing` (never silently met), and enrolment needs every criterion `met`.
 */
export function evaluateEligibility(
  criteria: EligibilityCriteria,
  input: EligibilityInput,
): EligibilityResult {
  const results: CriterionResult[] = [];
  const age = ageInYears(input.birthDate, input.referenceDate);
  const ageOk = age >= criteria.ageMinYears && age <= criteria.ageMaxYears;
  results.push({
    id: 'age',
    value: `${age} years`,
    verdict: ageOk ? 'met' : 'not-met',
    reason: `age ${age} ${ageOk ? 'within' : 'outside'} ${criteria.ageMinYears}–${criteria.ageMaxYears} years`,
  });

  if (criteria.requireTransfusionDependence) {
    if (!input.transfusions || input.transfusions.length === 0) {
      results.push({
        id: 'transfusion_dependence',
        value: 'no transfusion history',
        verdict: 'missing',
        reason: 'the two-year transfusion history is needed',
      });
    } else {
      const tdt = assessTransfusionDependence({
        transfusions: input.transfusions,
        referenceDate: input.referenceDate,
        ...(input.weightKg !== undefined ? { weightKg: input.weightKg } : {}),
      });
      const volume = tdt.meanVolumeMlPerKgPerYear;
      results.push({
        id: 'transfusion_dependence',
        value: `${tdt.meanEventsPerYear} events/year; ${volume === null ? 'volume unknown' : `${volume.toFixed(1)} mL/kg/year`}`,
        verdict: tdt.dependent ? 'met' : 'not-met',
        reason: tdt.reason,
      });
    }
  }

  if (criteria.minCardiacT2StarMs !== undefined) {
    if (input.cardiacT2StarMs === undefined) {
      results.push({ id: 'cardiac_iron', value: '—', verdict: 'missing', reason: 'cardiac T2* is needed' });
    } else {
      const iron = assessIronOverload({ cardiacT2StarMs: input.cardiacT2StarMs });
      const ok = !isBelow(input.cardiacT2StarMs, criteria.minCardiacT2StarMs);
      results.push({
        id: 'cardiac_iron',
        value: `T2* ${input.cardiacT2StarMs} ms (${iron.cardiac})`,
        verdict: ok ? 'met' : 'not-met',
        reason: ok
          ? `cardiac T2* ≥ ${criteria.minCardiacT2StarMs} ms`
          : `cardiac T2* < ${criteria.minCardiacT2StarMs} ms excludes`,
      });
    }
  }

  if (criteria.maxLicMgG !== undefined) {
    if (input.licMgG === undefined) {
      results.push({
        id: 'liver_iron',
        value: '—',
        verdict: 'missing',
        reason: 'liver iron concentration is needed',
      });
    } else {
      const iron = assessIronOverload({ lic: { value: input.licMgG, unit: 'mg/g' } });
      const ok = !isAtLeast(input.licMgG, criteria.maxLicMgG);
      results.push({
        id: 'liver_iron',
        value: `LIC ${input.licMgG} mg/g (${iron.lic})`,
        verdict: ok ? 'met' : 'not-met',
        reason: ok ? `LIC < ${criteria.maxLicMgG} mg/g` : `LIC ≥ ${criteria.maxLicMgG} mg/g excludes`,
      });
    }
  }

  if (criteria.maxTransaminaseTimesUln !== undefined) {
    if (input.altUL === undefined || input.astUL === undefined || input.transaminaseUlnUL === undefined) {
      results.push({
        id: 'liver_function',
        value: '—',
        verdict: 'missing',
        reason: 'ALT, AST and their ULN are needed',
      });
    } else {
      const uln = requirePositive(input.transaminaseUlnUL, 'transaminaseUlnUL');
      const alt = input.altUL / uln;
      const ast = input.astUL / uln;
      const limit = criteria.maxTransaminaseTimesUln;
      const ok = !isAbove(alt, limit) && !isAbove(ast, limit);
      results.push({
        id: 'liver_function',
        value: `ALT ${alt.toFixed(1)} × ULN, AST ${ast.toFixed(1)} × ULN`,
        verdict: ok ? 'met' : 'not-met',
        reason: ok ? `ALT and AST ≤ ${limit} × ULN` : `ALT or AST > ${limit} × ULN excludes`,
      });
    }
  }

  if (criteria.minEgfr !== undefined) {
    if (input.egfr === undefined) {
      results.push({ id: 'renal_function', value: '—', verdict: 'missing', reason: 'eGFR is needed' });
    } else {
      const ok = !isBelow(input.egfr, criteria.minEgfr);
      results.push({
        id: 'renal_function',
        value: `eGFR ${input.egfr} mL/min/1.73 m²`,
        verdict: ok ? 'met' : 'not-met',
        reason: ok ? `eGFR ≥ ${criteria.minEgfr}` : `eGFR < ${criteria.minEgfr} excludes`,
      });
    }
  }
  return { allMet: results.every((r) => r.verdict === 'met'), criteria: results };
}
