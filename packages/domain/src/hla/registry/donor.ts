/**
 * Donor records of an unrelated-donor registry search and the ranking criteria applied to them.
 * Ranking order (documented, and the same in the index and the brute-force reference):
 * 1. fewer mismatches over the searched loci (each locus counts the larger of its GvH and HvG mismatches);
 * 2. fewer graft-versus-host mismatches, then fewer host-versus-graft mismatches (a one-way HvG mismatch of a
 *    homozygous donor carries less GVHD risk than a GvH one: Fernández-Viña MA et al., Blood 2013;121:4603–4610);
 * 3. DPB1: allele-matched, then TCE-permissive, then unknown or untyped, then non-permissive (Fleischhauer K et
 *    al., Lancet Oncol 2012;13:366–374);
 * 4. younger donor (Kollman C et al., Blood 2016;127:260–267: donor age is the main non-HLA factor);
 * 5. CMV serostatus equal to the patient's (negative preferred when the patient's is unknown);
 * 6. male before female before unknown sex (Kollman 2016);
 * 7. lower donor number (a stable tie-break).
 */
import type { MatchLocus } from '../match';

export type Sex = 'M' | 'F' | 'U';
export type CmvStatus = 'pos' | 'neg' | 'unknown';
export type AboGroup = 'A' | 'B' | 'AB' | 'O' | 'unknown';

export const SEXES: readonly Sex[] = ['M', 'F', 'U'];
export const CMV_STATUSES: readonly CmvStatus[] = ['neg', 'pos', 'unknown'];
export const ABO_GROUPS: readonly AboGroup[] = ['O', 'A', 'B', 'AB', 'unknown'];

/**
 * A registry donor. `donorNo` is a dense non-negative integer chosen by the caller (e.g. a database sequence):
 * the index stores donors by that number, so it needs no id map. Typings are two allele names per locus,
 * already at the matching resolution (lgx two-field names; a null allele keeps its `N`); a missing locus is
 * untyped.
 */
export interface DonorRecord {
  donorNo: number;
  typing: Partial<Record<MatchLocus, readonly [string, string]>>;
  age: number;
  sex: Sex;
  cmv: CmvStatus;
  abo: AboGroup;
  registry: string;
}

/** Filters of a search; an absent filter lets every donor through. */
export interface DonorFilters {
  minAge?: number;
  maxAge?: number;
  sex?: readonly Sex[];
  cmv?: readonly CmvStatus[];
  abo?: readonly AboGroup[];
  registries?: readonly string[];
}

export interface SearchQuery {
  patient: Partial<Record<MatchLocus, readonly [string, string]>>;
  maxMismatches: number;
  /** Loci counted for mismatches; default A, B, C, DRB1 (the 8/8 match). */
  loci?: readonly MatchLocus[];
  patientCmv?: CmvStatus;
  filters?: DonorFilters;
  /** Most hits returned (after ranking); default all. */
  limit?: number;
}

export type Dpb1Class = 'match' | 'permissive' | 'unknown' | 'non-permissive';

export interface LocusHit {
  locus: MatchLocus;
  gvh: number;
  hvg: number;
  mismatches: number;
  untyped: boolean;
}

export interface SearchHit {
  donorNo: number;
  mismatches: number;
  gvh: number;
  hvg: number;
  dpb1: Dpb1Class;
  age: number;
  sex: Sex;
  cmv: CmvStatus;
  abo: AboGroup;
  registry: string;
  loci: LocusHit[];
}

export const DEFAULT_SEARCH_LOCI: readonly MatchLocus[] = ['A', 'B', 'C', 'DRB1'];

export const DPB1_CLASS_RANK: Readonly<Record<Dpb1Class, number>> = {
  match: 0,
  permissive: 1,
  unknown: 2,
  'non-permissive': 3,
};

/** CMV rank: 0 when the donor's serostatus equals the patient's (unknown patient: negative donor preferred). */
export function cmvRank(patient: CmvStatus | undefined, donor: CmvStatus): number {
  const wanted = patient === 'pos' ? 'pos' : 'neg';
  return donor === wanted ? 0 : 1;
}

/** Sex rank: male 0, female 1, unknown 2 (Kollman 2016). */
export function sexRank(sex: Sex): number {
  return sex === 'M' ? 0 : sex === 'F' ? 1 : 2;
}

/**
 * The ranking key of a hit as one number (lower ranks first), exact in a double: the criteria above packed
 * from the most to the least significant; ties are broken by donor number.
 */
export function rankKey(
  mismatches: number,
  gvh: number,
  hvg: number,
  dpb1Rank: number,
  age: number,
  cmv: number,
  sex: number,
  donorNo: number,
): number {
  let key = mismatches;
  key = key * 32 + gvh;
  key = key * 32 + hvg;
  key = key * 4 + dpb1Rank;
  key = key * 256 + Math.min(255, Math.max(0, Math.round(age)));
  key = key * 2 + cmv;
  key = key * 4 + sex;
  return key * 2 ** 26 + donorNo;
}

/** Checks a donor record's fields; throws a RangeError naming the bad field. */
export function validateDonor(record: DonorRecord): void {
  if (!Number.isInteger(record.donorNo) || record.donorNo < 0 || record.donorNo >= 2 ** 26) {
    throw new RangeError(`donorNo: ${record.donorNo} is not an integer in 0..${2 ** 26 - 1}`);
  }
  if (!Number.isInteger(record.age) || record.age < 0 || record.age > 255) {
    throw new RangeError(`age: ${record.age} (donor ${record.donorNo}) is not an integer in 0..255`);
  }
  if (!SEXES.includes(record.sex)) throw new RangeError(`sex: "${record.sex}" (donor ${record.donorNo})`);
  if (!CMV_STATUSES.includes(record.cmv))
    throw new RangeError(`cmv: "${record.cmv}" (donor ${record.donorNo})`);
  if (!ABO_GROUPS.includes(record.abo))
    throw new RangeError(`abo: "${record.abo}" (donor ${record.donorNo})`);
}
