import { describe, expect, it } from 'vitest';
import { evaluateFamily, type FamilyRelative } from '../../src/hla/family/evaluate';
import { type FamilyTyping, HAPLOTYPE_LOCI, inferHaplotypes } from '../../src/hla/family/haplotypes';
import { aboCompatibility, DSA_AVOID_MFI, DSA_CAUTION_MFI, rankDonors } from '../../src/hla/family/ranking';

type Haplotype = Record<'A' | 'C' | 'B' | 'DRB1' | 'DQB1', string>;

// Four parental haplotypes with distinct alleles at every locus (common European haplotypes, e.g. a = 8.1 AH).
const a: Haplotype = { A: 'A*01:01', C: 'C*07:01', B: 'B*08:01', DRB1: 'DRB1*03:01', DQB1: 'DQB1*02:01' };
const b: Haplotype = { A: 'A*02:01', C: 'C*05:01', B: 'B*44:02', DRB1: 'DRB1*04:01', DQB1: 'DQB1*03:01' };
const c: Haplotype = { A: 'A*03:01', C: 'C*07:02', B: 'B*07:02', DRB1: 'DRB1*15:01', DQB1: 'DQB1*06:02' };
const d: Haplotype = { A: 'A*24:02', C: 'C*04:01', B: 'B*35:01', DRB1: 'DRB1*11:01', DQB1: 'DQB1*03:02' };

function typing(h1: Haplotype, h2: Haplotype): FamilyTyping {
  return Object.fromEntries(
    HAPLOTYPE_LOCI.map((l) => [l, [h1[l as keyof Haplotype], h2[l as keyof Haplotype]]]),
  );
}

function relative(
  id: string,
  relation: FamilyRelative['relation'],
  t: FamilyTyping,
  extra: Partial<FamilyRelative> = {},
): FamilyRelative {
  return { id, relation, typing: t, ...extra };
}

/** A haplotype carrying `first` at A, C, B and `second` at DRB1, DQB1 (a crossover between B and DRB1). */
function recombinant(first: Haplotype, second: Haplotype): Haplotype {
  return { A: first.A, C: first.C, B: first.B, DRB1: second.DRB1, DQB1: second.DQB1 };
}

function classOf(result: ReturnType<typeof evaluateFamily>, id: string) {
  return result.relatives.find((r) => r.id === id);
}

describe('family haplotypes (Mendelian segregation of the HLA haplotype)', () => {
  // Classic family: father a/b, mother c/d, patient a/c.
  const classic = {
    patient: { typing: typing(a, c) },
    relatives: [
      relative('father', 'father', typing(a, b)),
      relative('mother', 'mother', typing(c, d)),
      relative('S1', 'sibling', typing(a, c)),
      relative('S2', 'sibling', typing(a, d)),
      relative('S3', 'sibling', typing(b, d)),
      relative('S4', 'sibling', typing(b, c)),
    ],
  };

  it('phases the patient from both parents: paternal a, maternal c', () => {
    const result = evaluateFamily(classic);
    expect(result.haplotypes.labels).toEqual(['paternal', 'maternal']);
    expect(result.haplotypes.haplotypes[0]).toEqual(a);
    expect(result.haplotypes.haplotypes[1]).toEqual(c);
    expect(Object.values(result.haplotypes.phase)).toEqual([
      'parents',
      'parents',
      'parents',
      'parents',
      'parents',
    ]);
  });

  it('classifies ac sibling HLA-identical, ad and bc haploidentical, bd mismatched; parents haploidentical', () => {
    const result = evaluateFamily(classic);
    expect(classOf(result, 'S1')).toMatchObject({
      classification: 'HLA-identical',
      sharedHaplotypes: [0, 1],
    });
    expect(classOf(result, 'S2')).toMatchObject({ classification: 'haploidentical', sharedHaplotypes: [0] });
    expect(classOf(result, 'S4')).toMatchObject({ classification: 'haploidentical', sharedHaplotypes: [1] });
    expect(classOf(result, 'S3')).toMatchObject({ classification: 'mismatched', sharedHaplotypes: [] });
    expect(classOf(result, 'father')).toMatchObject({
      classification: 'haploidentical',
      sharedHaplotypes: [0],
    });
    expect(classOf(result, 'mother')).toMatchObject({
      classification: 'haploidentical',
      sharedHaplotypes: [1],
    });
  });

  it('resolves the phase through siblings when no parent is typed', () => {
    const result = evaluateFamily({
      patient: { typing: typing(a, c) },
      relatives: [
        relative('S1', 'sibling', typing(a, d)),
        relative('S2', 'sibling', typing(b, c)),
        relative('S3', 'sibling', typing(b, d)),
      ],
    });
    expect(result.haplotypes.labels).toEqual(['haplotype 1', 'haplotype 2']);
    expect(result.haplotypes.haplotypes[0]).toEqual(a);
    expect(result.haplotypes.haplotypes[1]).toEqual(c);
    expect(new Set(Object.values(result.haplotypes.phase))).toEqual(new Set(['siblings']));
    expect(classOf(result, 'S1')?.classification).toBe('haploidentical');
    expect(classOf(result, 'S2')?.classification).toBe('haploidentical');
    expect(classOf(result, 'S3')?.classification).toBe('mismatched');
  });

  it('says the phase is unresolved when the only sibling shares nothing (and still calls it mismatched)', () => {
    const result = evaluateFamily({
      patient: { typing: typing(a, c) },
      relatives: [relative('S3', 'sibling', typing(b, d))],
    });
    expect(result.haplotypes.phase['B']).toBe('unresolved');
    expect(result.haplotypes.haplotypes[0]['B']).toBeUndefined();
    expect(result.haplotypes.notes.join('\n')).toMatch(/B: phase of B\*08:01\/B\*07:02 unresolved/);
    expect(classOf(result, 'S3')?.classification).toBe('mismatched');
  });

  it('leaves to the siblings a locus where both parents carry both patient alleles', () => {
    // Father a/b' and mother c/d' where b' carries A*03:01 and d' carries A*01:01: both parents are A*01:01+A*03:01.
    const b2 = { ...b, A: 'A*03:01' };
    const d2 = { ...d, A: 'A*01:01' };
    const result = evaluateFamily({
      patient: { typing: typing(a, c) },
      relatives: [
        relative('father', 'father', typing(a, b2)),
        relative('mother', 'mother', typing(c, d2)),
        relative('S2', 'sibling', typing(a, d2)),
      ],
    });
    expect(result.haplotypes.notes.join('\n')).toMatch(/A: both parents carry both A\*01:01 and A\*03:01/);
    expect(result.haplotypes.phase['A']).toBe('siblings');
    expect(result.haplotypes.haplotypes[0]['A']).toBe('A*01:01');
  });

  it('reports homozygous loci and a homozygous father whose haplotypes cannot be told apart', () => {
    // Father a/a (homozygous everywhere), mother c/d, patient a/c; S1 got the father's "other" a: identical by state.
    const result = evaluateFamily({
      patient: { typing: typing(a, { ...c, DRB1: a.DRB1 }) },
      relatives: [
        relative('father', 'father', typing(a, a)),
        relative('mother', 'mother', typing({ ...c, DRB1: a.DRB1 }, d)),
        relative('S1', 'sibling', typing(a, { ...c, DRB1: a.DRB1 })),
      ],
    });
    const notes = result.haplotypes.notes.join('\n');
    expect(notes).toMatch(/DRB1: patient homozygous \(DRB1\*03:01\)/);
    expect(notes).toMatch(/father homozygous at every typed locus/);
    expect(result.haplotypes.phase['DRB1']).toBe('homozygous');
    const s1 = classOf(result, 'S1');
    expect(s1?.classification).toBe('HLA-identical');
    expect(s1?.reasons.join('\n')).toMatch(/father's haplotypes cannot be told apart/);
  });

  it('confirms a recombination between B and DRB1 with parental typing', () => {
    const result = evaluateFamily({
      patient: { typing: typing(a, c) },
      relatives: [
        relative('father', 'father', typing(a, b)),
        relative('mother', 'mother', typing(c, d)),
        relative('R1', 'sibling', typing(recombinant(a, b), d)),
        relative('R2', 'sibling', typing(recombinant(a, b), c)),
      ],
    });
    const r1 = classOf(result, 'R1');
    expect(r1?.classification).toBe('undetermined');
    expect(r1?.reasons.join('\n')).toMatch(
      /paternal haplotype at A, C, B but not at DRB1, DQB1: recombination \(the parent's other haplotype/,
    );
    const r2 = classOf(result, 'R2');
    expect(r2?.classification).toBe('haploidentical');
    expect(r2?.sharedHaplotypes).toEqual([1]);
    expect(r2?.reasons.join('\n')).toMatch(/recombination/);
  });

  it('only suspects the recombination when no parent is typed', () => {
    const result = evaluateFamily({
      patient: { typing: typing(a, c) },
      relatives: [
        relative('S1', 'sibling', typing(a, d)),
        relative('S2', 'sibling', typing(b, c)),
        relative('R1', 'sibling', typing(recombinant(a, b), d)),
      ],
    });
    const r1 = classOf(result, 'R1');
    expect(r1?.classification).toBe('undetermined');
    expect(r1?.reasons.join('\n')).toMatch(
      /haplotype 1 haplotype at A, C, B but not at DRB1, DQB1: recombination suspected/,
    );
  });

  it('flags a patient allele that neither parent carries (typing or relationship to check)', () => {
    const result = evaluateFamily({
      patient: { typing: { ...typing(a, c), A: ['A*01:01', 'A*68:01'] } },
      relatives: [relative('father', 'father', typing(a, b)), relative('mother', 'mother', typing(c, d))],
    });
    expect(result.haplotypes.phase['A']).toBe('inconsistent');
    expect(result.haplotypes.notes.join('\n')).toMatch(/A: patient A\*01:01\+A\*68:01 cannot come from/);
    const homozygous = evaluateFamily({
      patient: { typing: { ...typing(a, c), DQB1: ['DQB1*05:01', 'DQB1*05:01'] } },
      relatives: [relative('father', 'father', typing(a, b))],
    });
    expect(homozygous.haplotypes.notes.join('\n')).toMatch(
      /DQB1: patient homozygous DQB1\*05:01 but a parent does not carry it/,
    );
  });

  it('rejects bad input naming the field', () => {
    expect(() => inferHaplotypes({ A: ['A*01:01', 'A*02:01'] }, [])).toThrow(/patient\.typing\.C/);
    expect(() =>
      evaluateFamily({
        patient: { typing: typing(a, c) },
        relatives: [relative('x', 'sibling', typing(a, b), { age: -3 })],
      }),
    ).toThrow(/relatives\[0\]\.age/);
    expect(() =>
      evaluateFamily({
        patient: { typing: typing(a, c), antibodies: [{ specificity: 'A*24:02', mfi: Number.NaN }] },
        relatives: [],
      }),
    ).toThrow(/patient\.antibodies\[0\]\.mfi/);
  });
});

describe('related donor ranking (EBMT consensus, Ciurea 2020; CSH consensus, Xu 2018; Wang 2014)', () => {
  const patientTyping = typing(a, c);

  it('puts DSA first: a younger haplo sibling with DSA ≥ 5000 MFI ranks after one without (Ciurea 2018 DSA guidelines)', () => {
    expect(DSA_AVOID_MFI).toBe(5000);
    expect(DSA_CAUTION_MFI).toBe(1000);
    const result = evaluateFamily({
      patient: { typing: patientTyping, antibodies: [{ specificity: 'A*24:02', mfi: 6200 }] },
      relatives: [
        relative('S2', 'sibling', typing(a, d), { age: 20, sex: 'M' }),
        relative('S4', 'sibling', typing(b, c), { age: 45, sex: 'M' }),
      ],
    });
    expect(result.ranking.map((r) => r.id)).toEqual(['S4', 'S2']);
    const dsa = result.ranking[1]?.criteria.find((c) => c.name === 'DSA');
    expect(dsa).toMatchObject({ verdict: 'avoid', rank: 2 });
    expect(dsa?.value).toMatch(/A\*24:02 6200 MFI \(A\*24:02\)/);
  });

  it('grades DSA MFI 3000 as caution and 800 as acceptable, matching an antigen-level antibody', () => {
    const donors = [
      {
        id: 'x',
        relation: 'sibling' as const,
        classification: 'haploidentical' as const,
        alleles: ['A*24:02', 'B*35:01'],
      },
    ];
    const antigensOf = (allele: string) =>
      allele === 'A*24:02' ? ['A24'] : allele === 'B*35:01' ? ['B35'] : [];
    const caution = rankDonors(donors, { antibodies: [{ specificity: 'A24', mfi: 3000 }] }, { antigensOf });
    expect(caution[0]?.criteria[0]).toMatchObject({ name: 'DSA', verdict: 'caution', rank: 1 });
    const low = rankDonors(donors, { antibodies: [{ specificity: 'B*35', mfi: 800 }] });
    expect(low[0]?.criteria[0]).toMatchObject({ name: 'DSA', verdict: 'acceptable', rank: 0 });
    const none = rankDonors(donors, { antibodies: [{ specificity: 'A*01:01', mfi: 20000 }] });
    expect(none[0]?.criteria[0]).toMatchObject({ name: 'DSA', value: 'none', verdict: 'preferred' });
    const stricter = rankDonors(
      donors,
      { antibodies: [{ specificity: 'B*35', mfi: 800 }] },
      { cautionMfi: 500 },
    );
    expect(stricter[0]?.criteria[0]).toMatchObject({ verdict: 'caution' });
  });

  it('ranks an older HLA-identical sibling before a younger haploidentical one', () => {
    const result = evaluateFamily({
      patient: { typing: patientTyping },
      relatives: [
        relative('S2', 'sibling', typing(a, d), { age: 22, sex: 'M' }),
        relative('S1', 'sibling', typing(a, c), { age: 58, sex: 'F', parity: 3 }),
      ],
    });
    expect(result.ranking.map((r) => r.id)).toEqual(['S1', 'S2']);
  });

  it('defines ABO major, minor and bidirectional incompatibility', () => {
    expect(aboCompatibility('O', 'A')).toBe('minor');
    expect(aboCompatibility('A', 'O')).toBe('major');
    expect(aboCompatibility('A', 'B')).toBe('bidirectional');
    expect(aboCompatibility('AB', 'A')).toBe('major');
    expect(aboCompatibility('A', 'AB')).toBe('minor');
    expect(aboCompatibility('B', 'B')).toBe('identical');
  });

  it('EBMT order: ABO before age, age band before sex, sex before CMV (Ciurea 2020; McCurdy & Fuchs 2016)', () => {
    const base = { classification: 'haploidentical' as const, alleles: [] as string[] };
    const recipient = { sex: 'M' as const, abo: 'A' as const, cmv: 'pos' as const, antibodies: [] };
    const ranked = rankDonors(
      [
        { ...base, id: 'major-young', relation: 'sibling', age: 21, sex: 'M', abo: 'B', cmv: 'pos' },
        { ...base, id: 'identical-old', relation: 'sibling', age: 41, sex: 'M', abo: 'A', cmv: 'pos' },
        {
          ...base,
          id: 'minor-25-F-parous',
          relation: 'sibling',
          age: 25,
          sex: 'F',
          parity: 2,
          abo: 'O',
          cmv: 'pos',
        },
        {
          ...base,
          id: 'minor-28-F-nullip',
          relation: 'sibling',
          age: 28,
          sex: 'F',
          parity: 0,
          abo: 'O',
          cmv: 'pos',
        },
        { ...base, id: 'minor-29-M-cmvneg', relation: 'sibling', age: 29, sex: 'M', abo: 'O', cmv: 'neg' },
        { ...base, id: 'minor-29-M-cmvpos', relation: 'child', age: 29, sex: 'M', abo: 'O', cmv: 'pos' },
      ],
      recipient,
    );
    expect(ranked.map((r) => r.id)).toEqual([
      'identical-old',
      'minor-29-M-cmvpos',
      'minor-29-M-cmvneg',
      'minor-28-F-nullip',
      'minor-25-F-parous',
      'major-young',
    ]);
    expect(ranked[0]?.criteria.map((c) => c.name)).toEqual(['DSA', 'HLA', 'ABO', 'age', 'sex', 'CMV']);
    expect(ranked[4]?.criteria.find((c) => c.name === 'sex')).toMatchObject({ verdict: 'caution', rank: 2 });
  });

  it('China policy: male before younger female, children before siblings in the same age band (Wang 2014; Xu 2018)', () => {
    const base = { classification: 'haploidentical' as const, alleles: [] as string[], abo: 'O' as const };
    const donors = [
      { ...base, id: 'sister', relation: 'sibling' as const, age: 25, sex: 'F' as const, parity: 0 },
      { ...base, id: 'father', relation: 'father' as const, age: 52, sex: 'M' as const },
      { ...base, id: 'son', relation: 'child' as const, age: 24, sex: 'M' as const },
      { ...base, id: 'brother', relation: 'sibling' as const, age: 21, sex: 'M' as const },
    ];
    const recipient = { sex: 'M' as const, abo: 'O' as const, antibodies: [] };
    const china = rankDonors(donors, recipient, { policy: 'china' });
    expect(china.map((r) => r.id)).toEqual(['son', 'brother', 'father', 'sister']);
    expect(china[0]?.criteria.map((c) => c.name)).toEqual([
      'DSA',
      'HLA',
      'sex',
      'age',
      'relationship',
      'ABO',
      'CMV',
    ]);
    const ebmt = rankDonors(donors, recipient);
    expect(ebmt.map((r) => r.id)).toEqual(['brother', 'son', 'sister', 'father']);
  });
});
