/**
 * Synthetic registries for tests and benchmarks. The frequencies are MADE UP; only their shape imitates real
 * registries: allele frequencies fall off like a power law (a few alleles cover most donors, a long tail of rare
 * ones: Gragert L et al., N Engl J Med 2014;371:339–348, Fig. 1 shape), donors carry two haplotypes drawn from a
 * skewed pool of linked haplotypes with some recombinants, and DPB1 is typed for only part of the donors.
 * Deterministic for a given seed.
 */
import { MATCH_LOCI, type MatchLocus } from '../match';
import { lgxOfAllele } from '../reduce';
import { type HlaRelease, isNullAllele } from '../release';
import type { AboGroup, CmvStatus, DonorRecord, Sex } from './donor';

/** Mulberry32 pseudo-random generator (public-domain 32-bit PRNG): returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative weights of a Zipf law with exponent `s` over `n` ranks (rank 1 most frequent). */
function zipfCumulative(n: number, s: number): Float64Array {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s;
    cumulative[k] = total;
  }
  for (let k = 0; k < n; k++) cumulative[k] = (cumulative[k] as number) / total;
  return cumulative;
}

function draw(cumulative: Float64Array, random: () => number): number {
  const u = random();
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface SyntheticOptions {
  donors: number;
  seed?: number;
  /** Allele names per locus (e.g. lgx names from the release); shuffled by the seed, then Zipf-weighted. */
  alleles: Record<MatchLocus, readonly string[]>;
  /** Size of the haplotype pool (default 5000). */
  haplotypes?: number;
  /** Share of donors with a recombinant (freshly drawn) haplotype (default 0.1). */
  recombinantShare?: number;
  /** Share of donors typed at DPB1 (default 0.6). */
  dpb1TypedShare?: number;
  registries?: readonly string[];
  /** First donor number (default 0). */
  firstDonorNo?: number;
}

const ABO_WEIGHTS: [AboGroup, number][] = [
  ['O', 0.45],
  ['A', 0.4],
  ['B', 0.11],
  ['AB', 0.04],
];

/** Generates `donors` synthetic donor records (see the module comment); records are fresh objects. */
export function* syntheticDonors(options: SyntheticOptions): Generator<DonorRecord> {
  const random = mulberry32(options.seed ?? 1);
  const pools = MATCH_LOCI.map((locus) => {
    const names = [...options.alleles[locus]];
    if (names.length === 0) throw new RangeError(`alleles.${locus}: no allele names given`);
    for (let i = names.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [names[i], names[j]] = [names[j] as string, names[i] as string];
    }
    return { names, cumulative: zipfCumulative(names.length, 1.3) };
  });
  const drawHaplotype = (): string[] => pools.map((p) => p.names[draw(p.cumulative, random)] as string);
  const pool = Array.from({ length: options.haplotypes ?? 5000 }, drawHaplotype);
  const poolCumulative = zipfCumulative(pool.length, 1.0);
  const recombinant = options.recombinantShare ?? 0.1;
  const dpb1Typed = options.dpb1TypedShare ?? 0.6;
  const registries = options.registries ?? ['REG-A', 'REG-B', 'REG-C', 'REG-D'];
  const registryCumulative = zipfCumulative(registries.length, 1.0);
  const pick = (): string[] =>
    random() < recombinant ? drawHaplotype() : (pool[draw(poolCumulative, random)] as string[]);
  const first = options.firstDonorNo ?? 0;
  for (let n = 0; n < options.donors; n++) {
    const h1 = pick();
    const h2 = pick();
    const typing: Partial<Record<MatchLocus, readonly [string, string]>> = {};
    MATCH_LOCI.forEach((locus, l) => {
      if (locus === 'DPB1' && random() >= dpb1Typed) return;
      typing[locus] = [h1[l] as string, h2[l] as string];
    });
    let u = random();
    let abo: AboGroup = 'O';
    for (const [group, weight] of ABO_WEIGHTS) {
      abo = group;
      if (u < weight) break;
      u -= weight;
    }
    const cmvDraw = random();
    const cmv: CmvStatus = cmvDraw < 0.45 ? 'pos' : cmvDraw < 0.97 ? 'neg' : 'unknown';
    const sexDraw = random();
    const sex: Sex = sexDraw < 0.48 ? 'M' : sexDraw < 0.99 ? 'F' : 'U';
    yield {
      donorNo: first + n,
      typing,
      age: 18 + Math.floor(random() * 43),
      sex,
      cmv,
      abo,
      registry: registries[draw(registryCumulative, random)] as string,
    };
  }
}

/** Distinct lgx names of the expressed alleles of each matching locus in a release: allele pools for the generator. */
export function lgxAllelePools(release: HlaRelease): Record<MatchLocus, string[]> {
  const pools = Object.fromEntries(MATCH_LOCI.map((locus) => [locus, new Set<string>()])) as Record<
    MatchLocus,
    Set<string>
  >;
  for (const [name, info] of release.alleles) {
    const pool = pools[info.parsed.locus as MatchLocus];
    if (pool && !isNullAllele(name)) pool.add(lgxOfAllele(release, name));
  }
  return Object.fromEntries(MATCH_LOCI.map((locus) => [locus, [...pools[locus]]])) as Record<
    MatchLocus,
    string[]
  >;
}
