import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MatchLocus } from '../../src/hla/match';
import { bruteForceSearch, type TceLookup } from '../../src/hla/registry/brute-force';
import type { DonorRecord, SearchQuery } from '../../src/hla/registry/donor';
import { RegistryIndex } from '../../src/hla/registry/index';
import { syntheticDonors } from '../../src/hla/registry/synthetic';

// Small allele pools make collisions (matches, homozygotes, shared alleles) frequent in random registries.
const POOL: Record<MatchLocus, string[]> = {
  A: ['A*01:01', 'A*02:01', 'A*03:01', 'A*24:02', 'A*24:09N'],
  B: ['B*07:02', 'B*08:01', 'B*44:02', 'B*44:03'],
  C: ['C*07:01', 'C*07:02', 'C*05:01'],
  DRB1: ['DRB1*15:01', 'DRB1*03:01', 'DRB1*04:01', 'DRB1*07:01'],
  DQB1: ['DQB1*06:02', 'DQB1*02:01', 'DQB1*03:02'],
  DPB1: ['DPB1*04:01', 'DPB1*09:01', 'DPB1*03:01', 'DPB1*02:01', 'DPB1*99:01'],
};
// TCE groups of the pool (tce/dpb_tce.csv, IPD-IMGT/HLA 3.58.0, V2); DPB1*99:01 stands for an unassigned allele.
const TCE: Record<string, number> = { 'DPB1*04:01': 3, 'DPB1*09:01': 1, 'DPB1*03:01': 2, 'DPB1*02:01': 3 };
const tce: TceLookup = (name) => TCE[name];

const LOCI = Object.keys(POOL) as MatchLocus[];
const pair = (locus: MatchLocus) =>
  fc.tuple(fc.constantFrom(...POOL[locus]), fc.constantFrom(...POOL[locus])) as fc.Arbitrary<
    [string, string]
  >;
const typing = (untypedRate: number) =>
  fc.record(
    Object.fromEntries(LOCI.map((l) => [l, fc.option(pair(l), { freq: untypedRate })])) as Record<
      MatchLocus,
      fc.Arbitrary<[string, string] | null>
    >,
  );
const clean = (t: Record<MatchLocus, [string, string] | null>) =>
  Object.fromEntries(Object.entries(t).filter(([, v]) => v !== null)) as DonorRecord['typing'];

const donorArb = fc.record({
  typing: typing(8),
  age: fc.integer({ min: 18, max: 60 }),
  sex: fc.constantFrom('M' as const, 'F' as const, 'U' as const),
  cmv: fc.constantFrom('pos' as const, 'neg' as const, 'unknown' as const),
  abo: fc.constantFrom('A' as const, 'B' as const, 'AB' as const, 'O' as const, 'unknown' as const),
  registry: fc.constantFrom('REG-A', 'REG-B', 'REG-C'),
});

const queryArb = fc.record({
  patient: typing(1000),
  maxMismatches: fc.integer({ min: 0, max: 6 }),
  loci: fc.subarray(LOCI, { minLength: 1 }),
  patientCmv: fc.constantFrom('pos' as const, 'neg' as const, 'unknown' as const),
  minAge: fc.option(fc.integer({ min: 18, max: 60 })),
  sex: fc.option(fc.subarray(['M', 'F', 'U'] as const, { minLength: 1 })),
  registries: fc.option(fc.subarray(['REG-A', 'REG-B', 'REG-C'], { minLength: 1 })),
});

type QueryInput = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

function toQuery(q: QueryInput): SearchQuery {
  const query: SearchQuery = {
    patient: clean(q.patient),
    maxMismatches: q.maxMismatches,
    loci: q.loci,
    patientCmv: q.patientCmv,
    filters: {
      ...(q.minAge !== null ? { minAge: q.minAge } : {}),
      ...(q.sex !== null ? { sex: q.sex } : {}),
      ...(q.registries !== null ? { registries: q.registries } : {}),
    },
  };
  for (const locus of q.loci) query.patient[locus] ??= [POOL[locus][0] as string, POOL[locus][1] as string];
  return query;
}

describe('registry index', () => {
  it('returns exactly the brute-force hits, in the documented order, on random registries', () => {
    fc.assert(
      fc.property(fc.array(donorArb, { maxLength: 120 }), queryArb, fc.boolean(), (donors, q, postings) => {
        const records: DonorRecord[] = donors.map((d, donorNo) => ({
          ...d,
          donorNo,
          typing: clean(d.typing),
        }));
        // A small initial capacity exercises growth; `postings` forces the posting-list path or the full scan.
        const index = new RegistryIndex(tce, {
          initialCapacity: 4,
          postingLoci: ['A', 'DRB1', 'DPB1'],
          maxPostingShare: postings ? Number.POSITIVE_INFINITY : 0,
        });
        for (const r of records) index.upsert(r);
        const query = toQuery(q);
        expect(index.search(query)).toEqual(bruteForceSearch(records, query, tce));
      }),
      { numRuns: 300 },
    );
  });

  it('stays equal to brute force through incremental replacements and removals', () => {
    fc.assert(
      fc.property(
        fc.array(donorArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.tuple(fc.nat(), fc.option(donorArb, { freq: 3 })), { maxLength: 80 }),
        queryArb,
        (donors, changes, q) => {
          const live = new Map<number, DonorRecord>();
          const index = new RegistryIndex(tce, {
            initialCapacity: 1,
            maxPostingShare: Number.POSITIVE_INFINITY,
          });
          donors.forEach((d, donorNo) => {
            const record = { ...d, donorNo, typing: clean(d.typing) };
            live.set(donorNo, record);
            index.upsert(record);
          });
          for (const [n, change] of changes) {
            const donorNo = n % (donors.length + 5);
            if (change === null) {
              expect(index.remove(donorNo)).toBe(live.delete(donorNo));
            } else {
              const record = { ...change, donorNo, typing: clean(change.typing) };
              live.set(donorNo, record);
              index.upsert(record);
            }
          }
          const query = toQuery(q);
          expect(index.donorCount).toBe(live.size);
          expect(index.search(query)).toEqual(bruteForceSearch(live.values(), query, tce));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ranks by mismatches, then GvH before HvG, then DPB1 permissiveness, age, CMV and sex (donor.ts order)', () => {
    const base = {
      A: ['A*01:01', 'A*02:01'],
      B: ['B*07:02', 'B*08:01'],
      C: ['C*07:01', 'C*07:02'],
      DRB1: ['DRB1*15:01', 'DRB1*03:01'],
      DPB1: ['DPB1*04:01', 'DPB1*04:01'],
    } as unknown as DonorRecord['typing'];
    const donor = (donorNo: number, changes: Partial<DonorRecord>, typing: DonorRecord['typing'] = {}) =>
      ({
        donorNo,
        typing: { ...base, ...typing },
        age: 30,
        sex: 'M',
        cmv: 'neg',
        abo: 'O',
        registry: 'R',
        ...changes,
      }) as DonorRecord;
    const records = [
      donor(0, {}, { A: ['A*01:01', 'A*03:01'] }), // 1 bidirectional mismatch
      donor(1, {}, { A: ['A*01:01', 'A*01:01'] }), // homozygous donor: 1 GvH mismatch
      donor(2, {}, { B: ['B*07:02', 'B*44:02'] }), // 1 bidirectional
      donor(3, { age: 45 }), // 0 mismatches, older
      donor(4, { age: 25, sex: 'F' }), // 0, younger, female
      donor(5, { age: 25, cmv: 'pos' }), // 0, younger, CMV differs from a negative patient
      donor(6, { age: 25 }, { DPB1: ['DPB1*04:01', 'DPB1*09:01'] }), // 0, DPB1 non-permissive (TCE 3 vs 1)
      donor(7, { age: 50 }, { DPB1: ['DPB1*04:01', 'DPB1*02:01'] }), // 0, DPB1 permissive (TCE 3 vs 3)
    ];
    const index = new RegistryIndex(tce);
    for (const r of records) index.upsert(r);
    const hits = index.search({ patient: base, maxMismatches: 1, patientCmv: 'neg' });
    expect(hits.map((h) => h.donorNo)).toEqual([4, 5, 3, 7, 6, 1, 0, 2]);
    expect(hits.find((h) => h.donorNo === 1)).toMatchObject({ mismatches: 1, gvh: 1, hvg: 0 });
    expect(hits.find((h) => h.donorNo === 6)?.dpb1).toBe('non-permissive');
    expect(hits.find((h) => h.donorNo === 7)?.dpb1).toBe('permissive');
  });

  it('rejects a search locus the patient is not typed at, naming it', () => {
    const index = new RegistryIndex(tce);
    expect(() =>
      index.search({ patient: { A: ['A*01:01', 'A*02:01'] }, maxMismatches: 0, loci: ['A', 'B'] }),
    ).toThrow(/locus B/);
  });

  it('rejects a donor with a bad field, naming it', () => {
    const index = new RegistryIndex(tce);
    const bad = {
      donorNo: 1,
      typing: {},
      age: 17.5,
      sex: 'M',
      cmv: 'neg',
      abo: 'O',
      registry: 'R',
    } as DonorRecord;
    expect(() => index.upsert(bad)).toThrow(/age/);
  });

  it('keeps under 64 bytes per donor on a synthetic registry of 20,000 donors (issue 5 target)', () => {
    const index = new RegistryIndex(tce, { initialCapacity: 20_000 });
    for (const d of syntheticDonors({ donors: 20_000, seed: 3, alleles: POOL })) index.upsert(d);
    const stats = index.stats();
    expect(stats.donors).toBe(20_000);
    expect(stats.bytesPerDonor).toBeLessThanOrEqual(64);
  });

  it('generates the same synthetic registry for the same seed and skewed allele frequencies', () => {
    const first = [...syntheticDonors({ donors: 2000, seed: 9, alleles: POOL })];
    const again = [...syntheticDonors({ donors: 2000, seed: 9, alleles: POOL })];
    expect(again).toEqual(first);
    const counts = new Map<string, number>();
    for (const d of first) for (const a of d.typing.A ?? []) counts.set(a, (counts.get(a) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    // A power-law pool: the most frequent A allele is well above the uniform share (4000 / 5 = 800).
    expect(sorted[0]).toBeGreaterThan(1200);
  });
});
