/**
 * In-memory registry search index: columnar typed arrays (one Uint16 allele id per locus and chromosome, one byte
 * each for age, packed sex/CMV/ABO/active flags and registry, a one-byte genotype signature per locus), allele →
 * donor posting lists at A, B and DRB1, about 58 bytes per donor in all. A search first narrows the donors by two
 * pigeonhole bounds on the mismatch count:
 * - genotype signatures (genotype-signature.ts): a hit has the patient's exact genotype at all but at most
 *   maxMismatches searched loci, tested for four loci at once per 32-bit word in one pass over the registry;
 * - posting lists, used instead of the pass when the patient's alleles are rare enough: a hit shares an allele at
 *   one of any ⌊maxMismatches/2⌋+1 searched loci.
 * The few donors left are checked exactly, visiting the searched loci rarest-first for the patient's alleles and
 * leaving a donor as soon as its mismatch count exceeds the bound. Donors are added, replaced and removed one by
 * one (a server keeps one index and applies donor changes as they come).
 * Results equal bruteForceSearch (brute-force.ts), in the order documented in donor.ts.
 */
import { MATCH_LOCI, type MatchLocus } from '../match';
import type { TceLookup } from './brute-force';
import {
  ABO_GROUPS,
  type AboGroup,
  CMV_STATUSES,
  type CmvStatus,
  DEFAULT_SEARCH_LOCI,
  type DonorRecord,
  DPB1_CLASS_RANK,
  type Dpb1Class,
  type LocusHit,
  rankKey,
  SEXES,
  type SearchHit,
  type SearchQuery,
  type Sex,
  validateDonor,
} from './donor';
import { genotypeByte, laneCount, scanLowSignatures, UNTYPED_BYTE, zeroLanes } from './genotype-signature';

/** Allele id 0: locus untyped. */
const UNTYPED = 0;
/** Allele id 1: both alleles null, no expressed allele at the locus. */
const NO_EXPRESSED = 1;
const FIRST_ALLELE_ID = 2;
const ACTIVE = 1;
const DONOR_NO_SPAN = 2 ** 26;
const DPB1 = MATCH_LOCI.indexOf('DPB1');

function isNull(name: string): boolean {
  return /\dN$/.test(name);
}

class AlleleDictionary {
  readonly ids = new Map<string, number>();
  readonly names: string[] = ['', ''];
  counts = new Float64Array(64);

  constructor(readonly locus: MatchLocus) {}

  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      if (id > 0xffff) throw new RangeError(`typing.${this.locus}: more than 65534 distinct alleles`);
      this.ids.set(name, id);
      this.names.push(name);
      if (id >= this.counts.length) {
        const grown = new Float64Array(this.counts.length * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
    }
    return id;
  }
}

interface Scan {
  n: number;
  c1: Uint16Array[];
  c2: Uint16Array[];
  p1s: Int32Array;
  p2s: Int32Array;
  flagOk: Uint8Array;
  registryOk: Uint8Array;
  minAge: number;
  maxAge: number;
  maxMismatches: number;
}

/**
 * The genotype-signature bound of one search (genotype-signature.ts): the patient's bytes, lanes that always
 * count (loci not searched), and the least number of counted lanes a hit can have.
 */
interface SignatureFilter {
  patientLo: number;
  alwaysLo: number;
  patientHi: number;
  alwaysHi: number;
  useHi: boolean;
  required: number;
}

/** Loci in the low signature word (lanes 0–3, MATCH_LOCI order); DQB1 and DPB1 are lanes 0–1 of the high one. */
const LOW_LANES = 4;

interface PatientDpb1 {
  ids: [number, number];
  groups: [number, number];
}

/** Donor numbers carrying one allele at one locus; append-only, stale entries dropped when they pile up. */
class PostingList {
  data = new Uint32Array(4);
  length = 0;
  stale = 0;

  push(donorNo: number): void {
    if (this.length === this.data.length) {
      // Growth by 1.25 keeps the spare capacity (memory per donor) small on incremental loads.
      const grown = new Uint32Array(Math.ceil(this.data.length * 1.25) + 4);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = donorNo;
  }
}

export interface IndexOptions {
  /** Donor numbers to make room for at once (default 1024; grows by doubling). */
  initialCapacity?: number;
  /**
   * Loci with allele → donor posting lists (at most 8 bytes per donor and locus). Default A, B and DRB1, the
   * most polymorphic loci, which keeps the whole index under 64 bytes per donor.
   */
  postingLoci?: readonly MatchLocus[];
  /**
   * Posting lists are used when their entries are at most this share of the donors, else the signature pass.
   * Default 0.02: a posting entry costs several times a signature test (random access, duplicate marks), so the
   * lists pay only for rare patient alleles (bench/hla.bench.ts).
   */
  maxPostingShare?: number;
}

export interface IndexStats {
  donors: number;
  capacity: number;
  bytes: number;
  bytesPerDonor: number;
  alleles: Record<string, number>;
}

/** The columnar, incrementally updated donor index. */
export class RegistryIndex {
  private capacity = 0;
  private size = 0;
  private active = 0;
  private columns: Uint16Array[] = [];
  private age = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private registry = new Uint8Array(0);
  private readonly registries: string[] = [];
  private readonly dictionaries = MATCH_LOCI.map((locus) => new AlleleDictionary(locus));
  private tceById = new Uint8Array(64);
  /** Posting lists per indexed locus: allele id → donors; wildcard list: donors untyped or without expressed allele. */
  private readonly postings: (PostingList | undefined)[][] = MATCH_LOCI.map(() => []);
  private readonly wildcards = MATCH_LOCI.map(() => new PostingList());
  private readonly postingLoci: Set<number>;
  private readonly maxPostingShare: number;
  private marks = new Uint8Array(0);
  /** Genotype signatures (genotype-signature.ts): A, B, C, DRB1 in one word, DQB1 and DPB1 in a half word. */
  private signatureLo = new Int32Array(0);
  private signatureHi = new Uint16Array(0);

  /** `tce` gives the TCE group of a DPB1 name (tce.ts: tceGroup), used for the DPB1 ranking criterion. */
  constructor(
    private readonly tce: TceLookup,
    options: IndexOptions = {},
  ) {
    this.postingLoci = new Set(
      (options.postingLoci ?? ['A', 'B', 'DRB1']).map((locus) => MATCH_LOCI.indexOf(locus)),
    );
    this.maxPostingShare = options.maxPostingShare ?? 0.02;
    this.grow(options.initialCapacity ?? 1024);
  }

  /** Number of donors in the index. */
  get donorCount(): number {
    return this.active;
  }

  /** Makes room for donor numbers below `capacity` at once (avoids repeated growth while loading). */
  reserve(capacity: number): void {
    if (capacity > this.capacity) this.grow(capacity);
  }

  private grow(minimum: number): void {
    // Doubling for donor-by-donor growth; an explicit larger size (reserve) is taken exactly.
    const next = Math.max(1024, minimum, this.capacity * 2);
    const copy = <T extends Uint8Array | Uint16Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const fresh = make(next);
      fresh.set(old);
      return fresh;
    };
    this.columns = Array.from({ length: MATCH_LOCI.length * 2 }, (_, c) =>
      copy(this.columns[c] ?? new Uint16Array(0), (n) => new Uint16Array(n)),
    );
    this.age = copy(this.age, (n) => new Uint8Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.registry = copy(this.registry, (n) => new Uint8Array(n));
    this.signatureLo = copy(this.signatureLo, (n) => new Int32Array(n));
    this.signatureHi = copy(this.signatureHi, (n) => new Uint16Array(n));
    this.marks = new Uint8Array(Math.ceil(next / 8));
    this.capacity = next;
  }

  private registryId(name: string): number {
    let id = this.registries.indexOf(name);
    if (id < 0) {
      if (this.registries.length >= 256)
        throw new RangeError(`registry: more than 256 registries ("${name}")`);
      id = this.registries.push(name) - 1;
    }
    return id;
  }

  private alleleId(l: number, name: string): number {
    const dictionary = this.dictionaries[l] as AlleleDictionary;
    const id = dictionary.idOf(name);
    if (l === DPB1) {
      if (id >= this.tceById.length) {
        const grown = new Uint8Array(this.tceById.length * 2);
        grown.set(this.tceById);
        this.tceById = grown;
      }
      this.tceById[id] = this.tce(name) ?? 0;
    }
    return id;
  }

  /** Adds a donor, or replaces the donor with the same number. Throws RangeError naming a bad field. */
  upsert(record: DonorRecord): void {
    validateDonor(record);
    const slot = record.donorNo;
    if (slot >= this.capacity) this.grow(slot + 1);
    if ((this.flags[slot] as number) & ACTIVE) this.remove(slot);
    let signatureLo = 0;
    let signatureHi = 0;
    for (let l = 0; l < MATCH_LOCI.length; l++) {
      const pair = record.typing[MATCH_LOCI[l] as MatchLocus];
      let a = UNTYPED;
      let b = UNTYPED;
      if (pair) {
        const [x, y] = pair;
        if (isNull(x) && isNull(y)) {
          a = NO_EXPRESSED;
          b = NO_EXPRESSED;
        } else {
          a = this.alleleId(l, isNull(x) ? y : x);
          b = this.alleleId(l, isNull(y) ? x : y);
          const counts = (this.dictionaries[l] as AlleleDictionary).counts;
          counts[a] = (counts[a] as number) + 1;
          if (b !== a) counts[b] = (counts[b] as number) + 1;
        }
      }
      (this.columns[2 * l] as Uint16Array)[slot] = a;
      (this.columns[2 * l + 1] as Uint16Array)[slot] = b;
      const lane = a === UNTYPED ? UNTYPED_BYTE : genotypeByte(a, b);
      if (l < LOW_LANES) signatureLo |= lane << (8 * l);
      else signatureHi |= lane << (8 * (l - LOW_LANES));
      if (this.postingLoci.has(l)) {
        if (a < FIRST_ALLELE_ID) this.wildcards[l]?.push(slot);
        else {
          this.postingList(l, a).push(slot);
          if (b !== a) this.postingList(l, b).push(slot);
        }
      }
    }
    this.signatureLo[slot] = signatureLo;
    this.signatureHi[slot] = signatureHi;
    this.age[slot] = record.age;
    this.flags[slot] =
      ACTIVE |
      (SEXES.indexOf(record.sex) << 1) |
      (CMV_STATUSES.indexOf(record.cmv) << 3) |
      (ABO_GROUPS.indexOf(record.abo) << 5);
    this.registry[slot] = this.registryId(record.registry);
    this.size = Math.max(this.size, slot + 1);
    this.active++;
  }

  /** Removes a donor by number; returns false when it was not in the index. */
  remove(donorNo: number): boolean {
    if (donorNo < 0 || donorNo >= this.size || !((this.flags[donorNo] as number) & ACTIVE)) return false;
    // Cleared first, so that a posting list rewritten below already drops this donor.
    this.flags[donorNo] = 0;
    for (let l = 0; l < MATCH_LOCI.length; l++) {
      const a = (this.columns[2 * l] as Uint16Array)[donorNo] as number;
      const b = (this.columns[2 * l + 1] as Uint16Array)[donorNo] as number;
      const counts = (this.dictionaries[l] as AlleleDictionary).counts;
      if (a >= FIRST_ALLELE_ID) counts[a] = (counts[a] as number) - 1;
      if (b >= FIRST_ALLELE_ID && b !== a) counts[b] = (counts[b] as number) - 1;
      if (this.postingLoci.has(l)) {
        if (a < FIRST_ALLELE_ID) this.markStale(l, this.wildcards[l] as PostingList, -1);
        else {
          this.markStale(l, this.postingList(l, a), a);
          if (b !== a) this.markStale(l, this.postingList(l, b), b);
        }
      }
    }
    this.active--;
    return true;
  }

  private postingList(l: number, id: number): PostingList {
    const lists = this.postings[l] as (PostingList | undefined)[];
    let list = lists[id];
    if (!list) {
      list = new PostingList();
      lists[id] = list;
    }
    return list;
  }

  /**
   * Records that one entry of `list` no longer holds; once half the entries are stale the list is rewritten with
   * the active donors that still carry the allele (`id`; -1 for the wildcard list), each once.
   */
  private markStale(l: number, list: PostingList, id: number): void {
    list.stale++;
    if (list.stale * 2 < list.length || list.length < 16) return;
    const c1 = this.columns[2 * l] as Uint16Array;
    const c2 = this.columns[2 * l + 1] as Uint16Array;
    const kept = new Uint32Array(Math.max(4, list.length - list.stale + 4));
    let n = 0;
    for (let e = 0; e < list.length; e++) {
      const d = list.data[e] as number;
      const byte = d >>> 3;
      const bit = 1 << (d & 7);
      if ((this.marks[byte] as number) & bit) continue;
      const holds = id < 0 ? (c1[d] as number) < FIRST_ALLELE_ID : c1[d] === id || c2[d] === id;
      if (!((this.flags[d] as number) & ACTIVE) || !holds) continue;
      this.marks[byte] = (this.marks[byte] as number) | bit;
      if (n === kept.length) break;
      kept[n++] = d;
    }
    for (let e = 0; e < n; e++) {
      const d = kept[e] as number;
      this.marks[d >>> 3] = 0;
    }
    list.data = kept;
    list.length = n;
    list.stale = 0;
  }

  /**
   * Candidate donors from the posting lists, or undefined when a full scan is cheaper. A locus where donor and
   * patient share no expressed allele counts 2 mismatches (both directions miss both alleles), so a donor within
   * `maxMismatches` misses at most ⌊maxMismatches/2⌋ loci entirely: it shares an allele (or is untyped) at one of
   * any ⌊maxMismatches/2⌋+1 searched loci. The rarest indexed loci are used.
   */
  private postingCandidates(
    plan: { l: number; p1: number; p2: number }[],
    maxMismatches: number,
    searched: Set<MatchLocus>,
  ): Uint32Array | undefined {
    const needed = Math.floor(maxMismatches / 2) + 1;
    const chosen = plan
      .filter(
        (p) =>
          this.postingLoci.has(p.l) && p.p1 !== NO_EXPRESSED && searched.has(MATCH_LOCI[p.l] as MatchLocus),
      )
      .slice(0, needed);
    if (chosen.length < needed) return undefined;
    const lists: PostingList[] = [];
    for (const p of chosen) {
      lists.push(this.wildcards[p.l] as PostingList);
      for (const id of p.p1 === p.p2 ? [p.p1] : [p.p1, p.p2]) {
        const list = id >= FIRST_ALLELE_ID ? this.postings[p.l]?.[id] : undefined;
        if (list) lists.push(list);
      }
    }
    const estimate = lists.reduce((sum, list) => sum + list.length, 0);
    if (estimate > this.size * this.maxPostingShare) return undefined;
    const out = new Uint32Array(estimate);
    let n = 0;
    for (const list of lists) {
      for (let e = 0; e < list.length; e++) {
        const d = list.data[e] as number;
        const byte = d >>> 3;
        const bit = 1 << (d & 7);
        if ((this.marks[byte] as number) & bit) continue;
        this.marks[byte] = (this.marks[byte] as number) | bit;
        out[n++] = d;
      }
    }
    for (let e = 0; e < n; e++) this.marks[(out[e] as number) >>> 3] = 0;
    return out.subarray(0, n);
  }

  /** Memory held by the columns (typed arrays at their allocated capacity) and bytes per indexed donor. */
  stats(): IndexStats {
    const columnBytes = this.columns.reduce((sum, c) => sum + c.byteLength, 0);
    let postingBytes = 0;
    for (const l of this.postingLoci) {
      postingBytes += (this.wildcards[l] as PostingList).data.byteLength;
      for (const list of this.postings[l] ?? []) postingBytes += list ? list.data.byteLength : 0;
    }
    const bytes =
      columnBytes +
      this.age.byteLength +
      this.flags.byteLength +
      this.registry.byteLength +
      this.marks.byteLength +
      this.signatureLo.byteLength +
      this.signatureHi.byteLength +
      postingBytes;
    const alleles: Record<string, number> = {};
    for (const d of this.dictionaries) alleles[d.locus] = d.names.length - FIRST_ALLELE_ID;
    return {
      donors: this.active,
      capacity: this.capacity,
      bytes,
      bytesPerDonor: this.active === 0 ? 0 : bytes / this.active,
      alleles,
    };
  }

  private patientIds(pair: readonly [string, string], l: number): [number, number] {
    const dictionary = this.dictionaries[l] as AlleleDictionary;
    const [x, y] = pair;
    if (isNull(x) && isNull(y)) return [NO_EXPRESSED, NO_EXPRESSED];
    // A patient allele no donor carries gets an id no column holds (-1): it never matches.
    const a = dictionary.ids.get(isNull(x) ? y : x) ?? -1;
    const b = dictionary.ids.get(isNull(y) ? x : y) ?? -1;
    return [a, b];
  }

  private filterTables(query: SearchQuery): { flagOk: Uint8Array; registryOk: Uint8Array } {
    const f = query.filters ?? {};
    const flagOk = new Uint8Array(256);
    for (let s = 0; s < SEXES.length; s++) {
      if (f.sex && !f.sex.includes(SEXES[s] as Sex)) continue;
      for (let c = 0; c < CMV_STATUSES.length; c++) {
        if (f.cmv && !f.cmv.includes(CMV_STATUSES[c] as CmvStatus)) continue;
        for (let a = 0; a < ABO_GROUPS.length; a++) {
          if (f.abo && !f.abo.includes(ABO_GROUPS[a] as AboGroup)) continue;
          flagOk[ACTIVE | (s << 1) | (c << 3) | (a << 5)] = 1;
        }
      }
    }
    const registryOk = new Uint8Array(256);
    this.registries.forEach((name, id) => {
      registryOk[id] = !f.registries || f.registries.includes(name) ? 1 : 0;
    });
    return { flagOk, registryOk };
  }

  /** Searches the index (semantics and order: bruteForceSearch and donor.ts). */
  search(query: SearchQuery): SearchHit[] {
    const loci = query.loci ?? DEFAULT_SEARCH_LOCI;
    const maxMismatches = query.maxMismatches;
    if (!Number.isInteger(maxMismatches) || maxMismatches < 0) {
      throw new RangeError(`maxMismatches: ${maxMismatches} is not a non-negative integer`);
    }
    const plan = loci.map((locus) => {
      const l = MATCH_LOCI.indexOf(locus);
      const pair = query.patient[locus];
      if (l < 0 || !pair) throw new RangeError(`patient: locus ${locus} is searched but not typed`);
      const [p1, p2] = this.patientIds(pair, l);
      const counts = (this.dictionaries[l] as AlleleDictionary).counts;
      const share = (p1 > 0 ? (counts[p1] ?? 0) : 0) + (p2 > 0 && p2 !== p1 ? (counts[p2] ?? 0) : 0);
      return { l, p1, p2, share };
    });
    // Rarest patient alleles first: the loci most likely to exceed the bound end the scan of a donor soonest.
    plan.sort((a, b) => a.share - b.share);
    const n = plan.length;
    const c1 = plan.map((p) => this.columns[2 * p.l] as Uint16Array);
    const c2 = plan.map((p) => this.columns[2 * p.l + 1] as Uint16Array);
    const p1s = Int32Array.from(plan, (p) => p.p1);
    const p2s = Int32Array.from(plan, (p) => p.p2);
    const { flagOk, registryOk } = this.filterTables(query);
    const minAge = query.filters?.minAge ?? 0;
    const maxAge = query.filters?.maxAge ?? 255;

    const scan: Scan = { n, c1, c2, p1s, p2s, flagOk, registryOk, minAge, maxAge, maxMismatches };
    const candidates = this.postingCandidates(plan, maxMismatches, new Set(loci));
    const filter = this.signatureFilter(loci, plan, maxMismatches);
    const dpb1 = this.patientDpb1(query);
    const cmvWanted = query.patientCmv === 'pos' ? CMV_STATUSES.indexOf('pos') : CMV_STATUSES.indexOf('neg');
    let keys = new Float64Array(1024);
    let found = 0;
    const consider = (i: number): void => {
      const packed = this.qualifies(i, scan);
      if (packed < 0) return;
      if (found === keys.length) {
        const grown = new Float64Array(keys.length * 2);
        grown.set(keys);
        keys = grown;
      }
      const flags = this.flags[i] as number;
      const sex = (flags >> 1) & 3;
      keys[found++] = rankKey(
        packed >> 10,
        (packed >> 5) & 31,
        packed & 31,
        this.dpb1Rank(dpb1, i),
        this.age[i] as number,
        ((flags >> 3) & 3) === cmvWanted ? 0 : 1,
        sex,
        i,
      );
    };
    if (candidates) {
      for (const i of candidates) if (!filter || this.passesSignature(i, filter)) consider(i);
    } else if (filter) {
      this.scanSignatures(filter, consider);
    } else {
      for (let i = 0; i < this.size; i++) consider(i);
    }
    const sorted = keys.subarray(0, found).sort();
    const limit = Math.min(found, query.limit ?? found);
    const lociIds = loci.map((locus) => MATCH_LOCI.indexOf(locus));
    const patientIds = MATCH_LOCI.map((locus, l) => {
      const pair = query.patient[locus];
      return pair ? this.patientIds(pair, l) : undefined;
    });
    const hits: SearchHit[] = [];
    for (let h = 0; h < limit; h++) {
      hits.push(this.hit(lociIds, patientIds, dpb1, (sorted[h] as number) % DONOR_NO_SPAN));
    }
    return hits;
  }

  /**
   * The genotype-signature bound of a search, or undefined when it cannot exclude anyone (maxMismatches at least
   * the number of searched loci).
   */
  private signatureFilter(
    loci: readonly MatchLocus[],
    plan: { l: number; p1: number; p2: number }[],
    maxMismatches: number,
  ): SignatureFilter | undefined {
    let patientLo = 0;
    let patientHi = 0;
    let alwaysLo = 0x80808080;
    let alwaysHi = 0x8080;
    let useHi = false;
    for (const { l, p1, p2 } of plan) {
      // A patient allele no donor carries (id -1) allows no exact genotype: only untyped donors pass the lane.
      const lane = p1 < 0 || p2 < 0 ? UNTYPED_BYTE : genotypeByte(p1, p2);
      if (l < LOW_LANES) {
        patientLo |= lane << (8 * l);
        alwaysLo &= ~(0x80 << (8 * l));
      } else {
        patientHi |= lane << (8 * (l - LOW_LANES));
        alwaysHi &= ~(0x80 << (8 * (l - LOW_LANES)));
        useHi = true;
      }
    }
    const lanes = useHi ? LOW_LANES + 2 : LOW_LANES;
    const required = lanes - maxMismatches;
    if (maxMismatches >= loci.length || required <= 0) return undefined;
    return { patientLo: patientLo | 0, alwaysLo: alwaysLo | 0, patientHi, alwaysHi, useHi, required };
  }

  /** Counted signature lanes of one donor slot: equal to the patient's, untyped, or not searched. */
  private signatureLanes(i: number, f: SignatureFilter): number {
    const lo = this.signatureLo[i] as number;
    let count = laneCount(zeroLanes(lo ^ f.patientLo) | zeroLanes(lo) | f.alwaysLo);
    if (f.useHi) {
      const hi = this.signatureHi[i] as number;
      count += laneCount((zeroLanes(hi ^ f.patientHi) | zeroLanes(hi) | f.alwaysHi) & 0x8080);
    }
    return count;
  }

  private passesSignature(i: number, f: SignatureFilter): boolean {
    return this.signatureLanes(i, f) >= f.required;
  }

  /** Full pass over the signatures; only donors meeting the bound reach `consider` (the exact check). */
  private scanSignatures(f: SignatureFilter, consider: (i: number) => void): void {
    if (!f.useHi) {
      scanLowSignatures(this.signatureLo, this.size, f.patientLo, f.alwaysLo, f.required, consider);
      return;
    }
    // DQB1 or DPB1 searched: the low word alone must already reach the bound less the two high lanes.
    scanLowSignatures(this.signatureLo, this.size, f.patientLo, f.alwaysLo, f.required - 2, (i) => {
      if (this.signatureLanes(i, f) >= f.required) consider(i);
    });
  }

  /**
   * Filters and the mismatch bound for one donor slot, loci in plan order, leaving at the first excess.
   * Returns -1 for a donor left out, else mismatches·1024 + GvH·32 + HvG over the searched loci.
   */
  private qualifies(i: number, s: Scan): number {
    if (s.flagOk[this.flags[i] as number] === 0) return -1;
    const age = this.age[i] as number;
    if (age < s.minAge || age > s.maxAge || s.registryOk[this.registry[i] as number] === 0) return -1;
    let mismatches = 0;
    let gvhSum = 0;
    let hvgSum = 0;
    for (let k = 0; k < s.n; k++) {
      const d1 = (s.c1[k] as Uint16Array)[i] as number;
      if (d1 === UNTYPED) continue;
      const d2 = (s.c2[k] as Uint16Array)[i] as number;
      const p1 = s.p1s[k] as number;
      const p2 = s.p2s[k] as number;
      let gvh: number;
      let hvg: number;
      if (d1 === NO_EXPRESSED) {
        gvh = p1 === NO_EXPRESSED ? 0 : 2;
        hvg = 0;
      } else if (p1 === NO_EXPRESSED) {
        gvh = 0;
        hvg = 2;
      } else {
        gvh = (p1 !== d1 && p1 !== d2 ? 1 : 0) + (p2 !== d1 && p2 !== d2 ? 1 : 0);
        hvg = (d1 !== p1 && d1 !== p2 ? 1 : 0) + (d2 !== p1 && d2 !== p2 ? 1 : 0);
      }
      mismatches += Math.max(gvh, hvg);
      if (mismatches > s.maxMismatches) return -1;
      gvhSum += gvh;
      hvgSum += hvg;
    }
    return mismatches * 1024 + gvhSum * 32 + hvgSum;
  }

  private locusDetail(l: number, patient: [number, number], slot: number): LocusHit {
    const locus = MATCH_LOCI[l] as MatchLocus;
    const d1 = (this.columns[2 * l] as Uint16Array)[slot] as number;
    const d2 = (this.columns[2 * l + 1] as Uint16Array)[slot] as number;
    if (d1 === UNTYPED) return { locus, gvh: 0, hvg: 0, mismatches: 0, untyped: true };
    const [p1, p2] = patient;
    let gvh: number;
    let hvg: number;
    if (d1 === NO_EXPRESSED) {
      gvh = p1 === NO_EXPRESSED ? 0 : 2;
      hvg = 0;
    } else if (p1 === NO_EXPRESSED) {
      gvh = 0;
      hvg = 2;
    } else {
      gvh = (p1 !== d1 && p1 !== d2 ? 1 : 0) + (p2 !== d1 && p2 !== d2 ? 1 : 0);
      hvg = (d1 !== p1 && d1 !== p2 ? 1 : 0) + (d2 !== p1 && d2 !== p2 ? 1 : 0);
    }
    return { locus, gvh, hvg, mismatches: Math.max(gvh, hvg), untyped: false };
  }

  /** Patient DPB1 ids and TCE groups (looked up by name: the patient's allele may be in no donor). */
  private patientDpb1(query: SearchQuery): PatientDpb1 | undefined {
    const pair = query.patient.DPB1;
    if (!pair) return undefined;
    const ids = this.patientIds(pair, DPB1);
    const names = pair.map((name, i) => (isNull(name) ? pair[1 - i] : name)) as [string, string];
    return { ids, groups: [this.tce(names[0]) ?? 0, this.tce(names[1]) ?? 0] };
  }

  private dpb1Class(patient: PatientDpb1 | undefined, slot: number): Dpb1Class {
    if (!patient) return 'unknown';
    const detail = this.locusDetail(DPB1, patient.ids, slot);
    if (detail.untyped) return 'unknown';
    if (detail.gvh === 0 && detail.hvg === 0) return 'match';
    const d1 = (this.columns[2 * DPB1] as Uint16Array)[slot] as number;
    const d2 = (this.columns[2 * DPB1 + 1] as Uint16Array)[slot] as number;
    if (d1 === NO_EXPRESSED || patient.ids[0] === NO_EXPRESSED) return 'unknown';
    const groups = [...patient.groups, this.tceById[d1] ?? 0, this.tceById[d2] ?? 0];
    if (groups.includes(0)) return 'unknown';
    const [g1, g2, g3, g4] = groups as [number, number, number, number];
    return Math.min(g1, g2) === Math.min(g3, g4) ? 'permissive' : 'non-permissive';
  }

  /** DPB1_CLASS_RANK of dpb1Class without building objects (the hot path of the ranking). */
  private dpb1Rank(patient: PatientDpb1 | undefined, slot: number): number {
    if (!patient) return DPB1_CLASS_RANK.unknown;
    const d1 = (this.columns[2 * DPB1] as Uint16Array)[slot] as number;
    if (d1 === UNTYPED) return DPB1_CLASS_RANK.unknown;
    const d2 = (this.columns[2 * DPB1 + 1] as Uint16Array)[slot] as number;
    const [p1, p2] = patient.ids;
    if (d1 === NO_EXPRESSED || p1 === NO_EXPRESSED) {
      return d1 === p1 ? DPB1_CLASS_RANK.match : DPB1_CLASS_RANK.unknown;
    }
    const same =
      (p1 === d1 || p1 === d2) &&
      (p2 === d1 || p2 === d2) &&
      (d1 === p1 || d1 === p2) &&
      (d2 === p1 || d2 === p2);
    if (same) return DPB1_CLASS_RANK.match;
    const g1 = patient.groups[0];
    const g2 = patient.groups[1];
    const g3 = this.tceById[d1] as number;
    const g4 = this.tceById[d2] as number;
    if (g1 === 0 || g2 === 0 || g3 === 0 || g4 === 0) return DPB1_CLASS_RANK.unknown;
    return Math.min(g1, g2) === Math.min(g3, g4)
      ? DPB1_CLASS_RANK.permissive
      : DPB1_CLASS_RANK['non-permissive'];
  }

  private hit(
    loci: number[],
    patientIds: ([number, number] | undefined)[],
    dpb1: PatientDpb1 | undefined,
    slot: number,
  ): SearchHit {
    const details = loci.map((l) => this.locusDetail(l, patientIds[l] as [number, number], slot));
    const flags = this.flags[slot] as number;
    const hit: SearchHit = {
      donorNo: slot,
      mismatches: details.reduce((s, d) => s + d.mismatches, 0),
      gvh: details.reduce((s, d) => s + d.gvh, 0),
      hvg: details.reduce((s, d) => s + d.hvg, 0),
      dpb1: this.dpb1Class(dpb1, slot),
      age: this.age[slot] as number,
      sex: SEXES[(flags >> 1) & 3] as Sex,
      cmv: CMV_STATUSES[(flags >> 3) & 3] as CmvStatus,
      abo: ABO_GROUPS[(flags >> 5) & 7] as AboGroup,
      registry: this.registries[this.registry[slot] as number] ?? '',
      loci: details,
    };
    return hit;
  }
}
