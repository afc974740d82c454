/**
 * The reference registry search: compares the patient with every donor record one by one, with plain string
 * comparisons. It defines what the columnar index (index.ts) must return, hit for hit and in the same order.
 */
import type { MatchLocus } from '../match';
import {
  cmvRank,
  DEFAULT_SEARCH_LOCI,
  type DonorRecord,
  DPB1_CLASS_RANK,
  type Dpb1Class,
  type LocusHit,
  rankKey,
  type SearchHit,
  type SearchQuery,
  sexRank,
} from './donor';

/** TCE group of a DPB1 name (1, 2, 3) or undefined when unknown: supplied by the caller (see tce.ts). */
export type TceLookup = (dpb1: string) => number | undefined;

function isNull(name: string): boolean {
  return /\dN$/.test(name);
}

/** Expressed alleles of a pair: a null allele stands for the other one (see match.ts). */
export function expressedPair(pair: readonly [string, string]): string[] {
  const [a, b] = pair;
  if (isNull(a) && isNull(b)) return [];
  if (isNull(a)) return [b, b];
  if (isNull(b)) return [a, a];
  return [a, b];
}

/** GvH and HvG mismatch counts of one locus (slots absent from the other side). */
export function locusMismatch(
  patient: readonly string[],
  donor: readonly string[],
): { gvh: number; hvg: number } {
  return {
    gvh: patient.filter((a) => !donor.includes(a)).length,
    hvg: donor.filter((a) => !patient.includes(a)).length,
  };
}

/** DPB1 class of a patient/donor pair for the ranking (donor.ts, criterion 3). */
export function dpb1Class(
  patient: readonly [string, string] | undefined,
  donor: readonly [string, string] | undefined,
  tce: TceLookup,
): Dpb1Class {
  if (!patient || !donor) return 'unknown';
  const p = expressedPair(patient);
  const d = expressedPair(donor);
  const { gvh, hvg } = locusMismatch(p, d);
  if (gvh === 0 && hvg === 0) return 'match';
  const pg = p.map(tce);
  const dg = d.map(tce);
  if (p.length === 0 || d.length === 0 || pg.includes(undefined) || dg.includes(undefined)) return 'unknown';
  return Math.min(...(pg as number[])) === Math.min(...(dg as number[])) ? 'permissive' : 'non-permissive';
}

/** True when the donor passes the query's filters. */
export function passesFilters(donor: DonorRecord, query: SearchQuery): boolean {
  const f = query.filters ?? {};
  if (f.minAge !== undefined && donor.age < f.minAge) return false;
  if (f.maxAge !== undefined && donor.age > f.maxAge) return false;
  if (f.sex && !f.sex.includes(donor.sex)) return false;
  if (f.cmv && !f.cmv.includes(donor.cmv)) return false;
  if (f.abo && !f.abo.includes(donor.abo)) return false;
  if (f.registries && !f.registries.includes(donor.registry)) return false;
  return true;
}

/**
 * Brute-force search over donor records: every donor with at most `maxMismatches` over the searched loci that
 * passes the filters, ranked as donor.ts documents. An untyped donor locus counts no mismatch and is flagged.
 */
export function bruteForceSearch(
  donors: Iterable<DonorRecord>,
  query: SearchQuery,
  tce: TceLookup,
): SearchHit[] {
  const loci = query.loci ?? DEFAULT_SEARCH_LOCI;
  for (const locus of loci) {
    if (!query.patient[locus]) throw new RangeError(`patient: locus ${locus} is searched but not typed`);
  }
  const hits: { key: number; hit: SearchHit }[] = [];
  for (const donor of donors) {
    if (!passesFilters(donor, query)) continue;
    let mismatches = 0;
    let gvh = 0;
    let hvg = 0;
    const perLocus: LocusHit[] = [];
    for (const locus of loci) {
      const d = donor.typing[locus];
      if (!d) {
        perLocus.push({ locus, gvh: 0, hvg: 0, mismatches: 0, untyped: true });
        continue;
      }
      const m = locusMismatch(expressedPair(query.patient[locus] as [string, string]), expressedPair(d));
      const count = Math.max(m.gvh, m.hvg);
      perLocus.push({ locus, ...m, mismatches: count, untyped: false });
      mismatches += count;
      gvh += m.gvh;
      hvg += m.hvg;
    }
    if (mismatches > query.maxMismatches) continue;
    const dpb1 = dpb1Class(query.patient.DPB1, donor.typing.DPB1, tce);
    const key = rankKey(
      mismatches,
      gvh,
      hvg,
      DPB1_CLASS_RANK[dpb1],
      donor.age,
      cmvRank(query.patientCmv, donor.cmv),
      sexRank(donor.sex),
      donor.donorNo,
    );
    hits.push({
      key,
      hit: {
        donorNo: donor.donorNo,
        mismatches,
        gvh,
        hvg,
        dpb1,
        age: donor.age,
        sex: donor.sex,
        cmv: donor.cmv,
        abo: donor.abo,
        registry: donor.registry,
        loci: perLocus,
      },
    });
  }
  hits.sort((a, b) => a.key - b.key);
  return hits.slice(0, query.limit ?? hits.length).map((h) => h.hit);
}

export type { MatchLocus };
