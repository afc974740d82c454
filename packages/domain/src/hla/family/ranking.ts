/**
 * Ranking of related donors once each relative is classified (haplotypes.ts). Criteria, compared in order, each
 * shown with its value and verdict:
 * 1. donor-specific anti-HLA antibodies (DSA) of the patient against the donor's alleles, by the strongest MFI
 *    (EBMT DSA guidelines: Ciurea SO et al., Bone Marrow Transplant 2018;53:521–534; Chang YJ et al., J Hematol
 *    Oncol 2015;8:84: DSA ≥ 10,000 MFI with primary graft rejection, ≥ 2,000 with poor graft function);
 * 2. HLA-identical before haploidentical, then undetermined, then mismatched;
 * then, policy 'ebmt' (Ciurea SO et al., EBMT consensus on haploidentical donor selection, Bone Marrow Transplant
 * 2020;55:12–24; the same order in McCurdy SR, Fuchs EJ, Semin Hematol 2016;53:246–251):
 * 3. ABO: identical, then minor, then major or bidirectional incompatibility;
 * 4. younger donor (by age band, the exact age breaking the last ties);
 * 5. sex: male donor; a female donor for a male patient is worse, a parous one worst;
 * 6. CMV serostatus equal to the patient's;
 * or policy 'china' (Chinese Society of Hematology consensus: Xu L et al., J Hematol Oncol 2018;11:33; Chang YJ
 * et al., J Hematol Oncol 2016;9:35; Wang Y et al., Blood 2014;124:843–850: younger and male donors, children
 * before siblings, fathers before mothers, older sisters after fathers):
 * 3. sex (as above), 4. age band, 5. relationship (child, sibling, father, other relative, mother), 6. ABO, 7. CMV.
 */
import type { Classification, Relation } from './haplotypes';

export type Sex = 'M' | 'F';
export type AboGroup = 'O' | 'A' | 'B' | 'AB';
export type CmvStatus = 'pos' | 'neg';
export type RankingPolicy = 'ebmt' | 'china';

/**
 * DSA MFI at or above which a donor is to be avoided, and from which caution applies (desensitisation, repeat
 * testing). The values are the project's defaults (issue 5); published cut-offs differ by laboratory and study
 * (EBMT DSA guidelines, Ciurea 2018; Chang 2015: 2,000 and 10,000 MFI), hence configurable (RankingOptions).
 */
export const DSA_AVOID_MFI = 5000;
export const DSA_CAUTION_MFI = 1000;
/** Width of the age bands compared before sex and CMV (configurable; a design choice, see the module comment). */
export const AGE_BAND_YEARS = 10;

/** One antibody of the patient: an allele (A*24:02), an allele group (A*24) or a serologic antigen (A24). */
export interface Antibody {
  specificity: string;
  mfi: number;
}

export interface DonorFacts {
  id: string;
  relation: Relation;
  classification: Classification;
  /** Alleles the donor carries (all loci). */
  alleles: readonly string[];
  age?: number;
  sex?: Sex;
  /** Pregnancies of a female donor (0 = nulliparous); undefined when unknown. */
  parity?: number;
  abo?: AboGroup;
  cmv?: CmvStatus;
}

export interface RecipientFacts {
  sex?: Sex;
  abo?: AboGroup;
  cmv?: CmvStatus;
  antibodies: readonly Antibody[];
}

export interface RankingOptions {
  policy?: RankingPolicy;
  avoidMfi?: number;
  cautionMfi?: number;
  ageBandYears?: number;
  /** Serologic antigens of an allele (e.g. from rel_dna_ser.txt), to match antigen-level antibodies. */
  antigensOf?: (allele: string) => readonly string[];
}

export interface Criterion {
  name: 'DSA' | 'HLA' | 'ABO' | 'age' | 'sex' | 'relationship' | 'CMV';
  value: string;
  /** Lower is better; compared in the order of the criteria list. */
  rank: number;
  verdict: 'preferred' | 'acceptable' | 'caution' | 'avoid' | 'unknown';
  note: string;
}

export interface RankedDonor {
  id: string;
  relation: Relation;
  classification: Classification;
  position: number;
  criteria: Criterion[];
}

/** Donor alleles an antibody is directed against: equal allele, allele group prefix, or serologic antigen. */
export function antibodyTargets(
  antibody: Antibody,
  alleles: readonly string[],
  antigensOf?: (allele: string) => readonly string[],
): string[] {
  const spec = antibody.specificity.trim();
  if (spec.includes('*')) {
    return alleles.filter((a) => a === spec || a.startsWith(`${spec}:`));
  }
  if (!antigensOf) return [];
  return alleles.filter((a) => antigensOf(a).includes(spec));
}

/** DSA criterion: the strongest antibody against the donor and its tier (thresholds above). */
export function dsaCriterion(
  donor: DonorFacts,
  antibodies: readonly Antibody[],
  options: RankingOptions = {},
): Criterion {
  const avoid = options.avoidMfi ?? DSA_AVOID_MFI;
  const caution = options.cautionMfi ?? DSA_CAUTION_MFI;
  const hits = antibodies
    .map((ab) => ({ ab, targets: antibodyTargets(ab, donor.alleles, options.antigensOf) }))
    .filter((h) => h.targets.length > 0)
    .sort((a, b) => b.ab.mfi - a.ab.mfi);
  const top = hits[0];
  if (!top) return { name: 'DSA', value: 'none', rank: 0, verdict: 'preferred', note: 'no DSA' };
  const value = hits.map((h) => `${h.ab.specificity} ${h.ab.mfi} MFI (${h.targets.join(', ')})`).join('; ');
  const mfi = top.ab.mfi;
  if (mfi >= avoid) {
    return { name: 'DSA', value, rank: 2, verdict: 'avoid', note: `DSA MFI ${mfi} ≥ ${avoid}: avoid` };
  }
  if (mfi >= caution) {
    return {
      name: 'DSA',
      value,
      rank: 1,
      verdict: 'caution',
      note: `DSA MFI ${mfi} in ${caution}–${avoid - 1}: caution (desensitisation, repeat testing)`,
    };
  }
  return { name: 'DSA', value, rank: 0, verdict: 'acceptable', note: `DSA MFI ${mfi} below ${caution}` };
}

const HLA_RANK: Readonly<Record<Classification, number>> = {
  'HLA-identical': 0,
  haploidentical: 1,
  undetermined: 2,
  mismatched: 3,
};

function hlaCriterion(donor: DonorFacts): Criterion {
  const rank = HLA_RANK[donor.classification];
  const verdict = rank === 0 ? 'preferred' : rank === 1 ? 'acceptable' : rank === 2 ? 'unknown' : 'avoid';
  return { name: 'HLA', value: donor.classification, rank, verdict, note: donor.classification };
}

function antigens(group: AboGroup): string[] {
  return group === 'AB' ? ['A', 'B'] : group === 'O' ? [] : [group];
}

/**
 * ABO compatibility of donor and recipient: major when the donor carries an antigen the recipient lacks (the
 * recipient's antibodies meet the donor's red cells), minor when the recipient carries one the donor lacks,
 * bidirectional when both (EBMT Handbook, 2019, chapter on ABO-incompatible transplantation).
 */
export function aboCompatibility(
  donor: AboGroup,
  recipient: AboGroup,
): 'identical' | 'minor' | 'major' | 'bidirectional' {
  const d = antigens(donor);
  const r = antigens(recipient);
  const major = d.some((a) => !r.includes(a));
  const minor = r.some((a) => !d.includes(a));
  if (major && minor) return 'bidirectional';
  if (major) return 'major';
  if (minor) return 'minor';
  return 'identical';
}

function aboCriterion(donor: DonorFacts, recipient: RecipientFacts): Criterion {
  if (!donor.abo || !recipient.abo) {
    return { name: 'ABO', value: 'unknown', rank: 3, verdict: 'unknown', note: 'ABO not given' };
  }
  const kind = aboCompatibility(donor.abo, recipient.abo);
  const value = `${donor.abo} → ${recipient.abo}: ${kind}`;
  if (kind === 'identical')
    return { name: 'ABO', value, rank: 0, verdict: 'preferred', note: 'ABO identical' };
  if (kind === 'minor') return { name: 'ABO', value, rank: 1, verdict: 'acceptable', note: 'minor mismatch' };
  return { name: 'ABO', value, rank: 2, verdict: 'caution', note: `${kind} mismatch` };
}

function ageCriterion(donor: DonorFacts, band: number): Criterion {
  if (donor.age === undefined) {
    return { name: 'age', value: 'unknown', rank: 99, verdict: 'unknown', note: 'age not given' };
  }
  const rank = Math.floor(donor.age / band);
  const from = rank * band;
  return {
    name: 'age',
    value: `${donor.age} y`,
    rank,
    verdict: donor.age < 30 ? 'preferred' : donor.age < 50 ? 'acceptable' : 'caution',
    note: `band ${from}–${from + band - 1} y (younger preferred; < 30 y best: Wang 2014)`,
  };
}

function sexCriterion(donor: DonorFacts, recipient: RecipientFacts): Criterion {
  if (!donor.sex)
    return { name: 'sex', value: 'unknown', rank: 3, verdict: 'unknown', note: 'sex not given' };
  if (donor.sex === 'M')
    return { name: 'sex', value: 'male', rank: 0, verdict: 'preferred', note: 'male donor' };
  const parity = donor.parity === undefined ? 'parity unknown' : donor.parity > 0 ? 'parous' : 'nulliparous';
  const value = `female (${parity})`;
  if (recipient.sex === 'M') {
    if (donor.parity === 0) {
      return { name: 'sex', value, rank: 1, verdict: 'acceptable', note: 'female donor to a male patient' };
    }
    return {
      name: 'sex',
      value,
      rank: 2,
      verdict: 'caution',
      note: 'female donor with (possible) pregnancies to a male patient: avoid when another donor exists',
    };
  }
  return { name: 'sex', value, rank: 1, verdict: 'acceptable', note: 'female donor' };
}

const RELATION_RANK: Readonly<Record<Relation, number>> = {
  child: 0,
  sibling: 1,
  father: 2,
  other: 3,
  mother: 4,
};

function relationCriterion(donor: DonorFacts): Criterion {
  const rank = RELATION_RANK[donor.relation];
  return {
    name: 'relationship',
    value: donor.relation,
    rank,
    verdict: rank <= 1 ? 'preferred' : rank === 4 ? 'caution' : 'acceptable',
    note: 'children, siblings, father, other, mother (Wang 2014; Chang 2016)',
  };
}

function cmvCriterion(donor: DonorFacts, recipient: RecipientFacts): Criterion {
  if (!donor.cmv || !recipient.cmv) {
    return { name: 'CMV', value: 'unknown', rank: 1, verdict: 'unknown', note: 'serostatus not given' };
  }
  const value = `donor ${donor.cmv}, patient ${recipient.cmv}`;
  return donor.cmv === recipient.cmv
    ? { name: 'CMV', value, rank: 0, verdict: 'preferred', note: 'seromatched' }
    : { name: 'CMV', value, rank: 1, verdict: 'acceptable', note: 'not seromatched' };
}

/** The criteria of one donor, in the policy's order (module comment). */
export function donorCriteria(
  donor: DonorFacts,
  recipient: RecipientFacts,
  options: RankingOptions = {},
): Criterion[] {
  const band = options.ageBandYears ?? AGE_BAND_YEARS;
  if (!(band > 0)) throw new RangeError(`ageBandYears: ${band} is not positive`);
  const head = [dsaCriterion(donor, recipient.antibodies, options), hlaCriterion(donor)];
  if ((options.policy ?? 'ebmt') === 'china') {
    return [
      ...head,
      sexCriterion(donor, recipient),
      ageCriterion(donor, band),
      relationCriterion(donor),
      aboCriterion(donor, recipient),
      cmvCriterion(donor, recipient),
    ];
  }
  return [
    ...head,
    aboCriterion(donor, recipient),
    ageCriterion(donor, band),
    sexCriterion(donor, recipient),
    cmvCriterion(donor, recipient),
  ];
}

/**
 * Ranks related donors: lexicographic on the criteria ranks, then exact age (younger first), then id. Every
 * donor keeps its criteria, so the reason for each place can be read.
 */
export function rankDonors(
  donors: readonly DonorFacts[],
  recipient: RecipientFacts,
  options: RankingOptions = {},
): RankedDonor[] {
  for (const ab of recipient.antibodies) {
    if (!Number.isFinite(ab.mfi) || ab.mfi < 0) {
      throw new RangeError(`patient.antibodies: MFI of ${ab.specificity} is not a non-negative number`);
    }
  }
  const rows = donors.map((donor) => ({ donor, criteria: donorCriteria(donor, recipient, options) }));
  rows.sort((a, b) => {
    for (let c = 0; c < a.criteria.length; c++) {
      const d = (a.criteria[c]?.rank ?? 0) - (b.criteria[c]?.rank ?? 0);
      if (d !== 0) return d;
    }
    const age = (a.donor.age ?? 999) - (b.donor.age ?? 999);
    return age !== 0 ? age : a.donor.id.localeCompare(b.donor.id);
  });
  return rows.map((row, i) => ({
    id: row.donor.id,
    relation: row.donor.relation,
    classification: row.donor.classification,
    position: i + 1,
    criteria: row.criteria,
  }));
}
