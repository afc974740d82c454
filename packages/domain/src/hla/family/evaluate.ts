/**
 * Family evaluation in one call: the patient's haplotypes, each relative's classification and the ranking of
 * the relatives as donors (haplotypes.ts, ranking.ts).
 */
import {
  classifyRelative,
  FAMILY_LOCI,
  type FamilyTyping,
  inferHaplotypes,
  type PatientHaplotypes,
  RELATIONS,
  type RelativeMatch,
  type RelativeTyping,
  validateTyping,
} from './haplotypes';
import {
  type AboGroup,
  type Antibody,
  type CmvStatus,
  type RankedDonor,
  type RankingOptions,
  rankDonors,
  type Sex,
} from './ranking';

export interface FamilyPatient {
  typing: FamilyTyping;
  sex?: Sex;
  abo?: AboGroup;
  cmv?: CmvStatus;
  antibodies?: Antibody[];
}

export interface FamilyRelative extends RelativeTyping {
  age?: number;
  sex?: Sex;
  parity?: number;
  abo?: AboGroup;
  cmv?: CmvStatus;
}

export interface FamilyInput {
  patient: FamilyPatient;
  relatives: FamilyRelative[];
}

export interface FamilyEvaluation {
  haplotypes: PatientHaplotypes;
  relatives: RelativeMatch[];
  ranking: RankedDonor[];
}

const SEXES: readonly string[] = ['M', 'F'];
const ABO: readonly string[] = ['O', 'A', 'B', 'AB'];
const CMV: readonly string[] = ['pos', 'neg'];

function checkEnum(field: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new RangeError(`${field}: "${String(value)}" is not one of ${allowed.join(', ')}`);
  }
}

/** Checks the input's fields; throws a RangeError naming the first bad one. */
export function validateFamily(input: FamilyInput): void {
  validateTyping(input.patient.typing, 'patient.typing');
  checkEnum('patient.sex', input.patient.sex, SEXES);
  checkEnum('patient.abo', input.patient.abo, ABO);
  checkEnum('patient.cmv', input.patient.cmv, CMV);
  (input.patient.antibodies ?? []).forEach((ab, i) => {
    if (typeof ab.specificity !== 'string' || ab.specificity.trim() === '') {
      throw new RangeError(`patient.antibodies[${i}].specificity: expected an allele or antigen name`);
    }
    if (typeof ab.mfi !== 'number' || !Number.isFinite(ab.mfi) || ab.mfi < 0) {
      throw new RangeError(`patient.antibodies[${i}].mfi: expected a non-negative number`);
    }
  });
  const ids = new Set<string>();
  input.relatives.forEach((r, i) => {
    const field = `relatives[${i}]`;
    if (typeof r.id !== 'string' || r.id === '')
      throw new RangeError(`${field}.id: expected a non-empty string`);
    if (ids.has(r.id)) throw new RangeError(`${field}.id: "${r.id}" given twice`);
    ids.add(r.id);
    checkEnum(`${field}.relation`, r.relation, RELATIONS);
    validateTyping(r.typing, `${field}.typing`);
    checkEnum(`${field}.sex`, r.sex, SEXES);
    checkEnum(`${field}.abo`, r.abo, ABO);
    checkEnum(`${field}.cmv`, r.cmv, CMV);
    if (r.age !== undefined && !(Number.isFinite(r.age) && r.age >= 0 && r.age < 130)) {
      throw new RangeError(`${field}.age: ${r.age} is not an age in years`);
    }
    if (r.parity !== undefined && !(Number.isInteger(r.parity) && r.parity >= 0)) {
      throw new RangeError(`${field}.parity: ${r.parity} is not a non-negative integer`);
    }
  });
}

/** Evaluates a family: haplotypes (inferHaplotypes), classification (classifyRelative) and ranking (rankDonors). */
export function evaluateFamily(input: FamilyInput, options: RankingOptions = {}): FamilyEvaluation {
  validateFamily(input);
  const { patient, relatives } = input;
  const haplotypes = inferHaplotypes(patient.typing, relatives);
  const father = relatives.find((r) => r.relation === 'father')?.typing;
  const mother = relatives.find((r) => r.relation === 'mother')?.typing;
  const parents = { ...(father ? { father } : {}), ...(mother ? { mother } : {}) };
  const matches = relatives.map((r) => classifyRelative(patient.typing, haplotypes, r, parents));
  const ranking = rankDonors(
    relatives.map((r, i) => ({
      id: r.id,
      relation: r.relation,
      classification: (matches[i] as RelativeMatch).classification,
      alleles: FAMILY_LOCI.flatMap((l) => r.typing[l] ?? []),
      ...(r.age !== undefined ? { age: r.age } : {}),
      ...(r.sex !== undefined ? { sex: r.sex } : {}),
      ...(r.parity !== undefined ? { parity: r.parity } : {}),
      ...(r.abo !== undefined ? { abo: r.abo } : {}),
      ...(r.cmv !== undefined ? { cmv: r.cmv } : {}),
    })),
    {
      antibodies: patient.antibodies ?? [],
      ...(patient.sex !== undefined ? { sex: patient.sex } : {}),
      ...(patient.abo !== undefined ? { abo: patient.abo } : {}),
      ...(patient.cmv !== undefined ? { cmv: patient.cmv } : {}),
    },
    options,
  );
  return { haplotypes, relatives: matches, ranking };
}
