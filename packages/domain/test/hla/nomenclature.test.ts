import { describe, expect, it } from 'vitest';
import { HlaNameError, oldNameCandidates, splitAlleleName } from '../../src/hla/allele-name';
import { formatGlString, parseGlString } from '../../src/hla/gl-string';
import { parseMacTable } from '../../src/hla/mac';
import { resolveAlleleToken } from '../../src/hla/resolve';
import { antigensMatch, parseAntigen } from '../../src/hla/serology';
import { release358 } from './load-release';

const release = release358();

describe('allele names (WHO 2010 nomenclature)', () => {
  it('splits HLA-A*02:01:01:02L into locus, four fields and the L (low expression) suffix', () => {
    expect(splitAlleleName('HLA-A*02:01:01:02L')).toEqual({
      locus: 'A',
      fields: ['02', '01', '01', '02'],
      suffix: 'L',
    });
  });

  it('accepts the six expression suffixes N L S C A Q and 1 to 4 fields', () => {
    for (const suffix of ['N', 'L', 'S', 'C', 'A', 'Q'])
      expect(splitAlleleName(`B*44:02:01:02${suffix}`).suffix).toBe(suffix);
    expect(splitAlleleName('DRB1*04').fields).toEqual(['04']);
    expect(() => splitAlleleName('A*01:01:01:01:01')).toThrow(HlaNameError);
    expect(() => splitAlleleName('A0201')).toThrow(/A0201/);
  });

  it('resolves a current allele of release 3.58.0 (hla_nom.txt)', () => {
    const r = resolveAlleleToken(release, 'HLA-A*02:01:01:02L');
    expect(r).toMatchObject({ kind: 'allele', name: 'A*02:01:01:02L', alleles: ['A*02:01:01:02L'] });
  });

  it('expands a two-field name to its expressed alleles, leaving out nulls such as A*01:01:01:02N', () => {
    const r = resolveAlleleToken(release, 'A*01:01');
    expect(r.kind).toBe('truncated');
    expect(r.alleles).toContain('A*01:01:01:01');
    expect(r.alleles).not.toContain('A*01:01:01:02N');
  });

  it('expands an XX code to every allele of the first field', () => {
    const r = resolveAlleleToken(release, 'A*02:XX');
    expect(r.kind).toBe('xx');
    expect(r.alleles.every((a) => a.startsWith('A*02:'))).toBe(true);
    expect(r.alleles).toContain('A*02:01:01:01');
    expect(r.alleles.length).toBeGreaterThan(1000);
  });

  it('resolves G and P group names to their members (hla_nom_g.txt, hla_nom_p.txt)', () => {
    const g = resolveAlleleToken(release, 'A*01:01:01G');
    expect(g.kind).toBe('G');
    expect(g.alleles).toContain('A*01:01:01:02N');
    const p = resolveAlleleToken(release, 'A*01:01P');
    expect(p.kind).toBe('P');
    expect(p.alleles).toContain('A*01:01:38L');
    expect(p.alleles).not.toContain('A*01:01:01:02N');
  });

  it('converts old four-digit names: A*0111 is A*01:11N (null), followed by the N it lost', () => {
    const r = resolveAlleleToken(release, 'A*0111');
    expect(r).toMatchObject({ kind: 'old-name', name: 'A*01:11N', alleles: ['A*01:11N'] });
  });

  it('follows hla_nom.txt renames of old names: A*0105N → A*01:04:01:01N, A*020116 → A*02:134', () => {
    expect(resolveAlleleToken(release, 'A*0105N').name).toBe('A*01:04:01:01N');
    expect(resolveAlleleToken(release, 'A*020116').name).toBe('A*02:134');
  });

  it('lists the two-digit splits of an old name, with a three-digit second field where possible', () => {
    expect(oldNameCandidates('0111')).toEqual([['01', '11']]);
    expect(oldNameCandidates('02101')).toContainEqual(['02', '101']);
  });

  it('refuses an unknown allele naming the token', () => {
    expect(() => resolveAlleleToken(release, 'A*99:99')).toThrow(/A\*99:99: unknown allele/);
  });

  it('refuses a deleted allele naming it and the allele it was shown identical to (A*01:34N, deleted 2011)', () => {
    expect(() => resolveAlleleToken(release, 'A*01:34N')).toThrow(
      /A\*01:34N.*deleted on 20110325.*A\*01:01:38L/,
    );
    expect(() => resolveAlleleToken(release, 'A*2401')).toThrow(/A\*2401.*deleted.*Sequence error/);
  });

  it('refuses an NMDP multiple-allele code without a code file, pointing to --mac', () => {
    expect(() => resolveAlleleToken(release, 'A*01:AB')).toThrow(/A\*01:AB.*--mac/);
  });

  it('expands NMDP codes from a supplied code file (plain and allele-specific subtypes)', () => {
    const mac = parseMacTable('LAST UPDATED: 2024\n*\tCODE\tSUBTYPE\n\tAB\t01/02\n\tXYZ\t01:01/02:01\n');
    const ab = resolveAlleleToken(release, 'A*01:AB', { mac });
    expect(ab.kind).toBe('mac');
    expect(ab.alleles).toContain('A*01:01:01:01');
    expect(ab.alleles).toContain('A*01:02:01:01');
    const xyz = resolveAlleleToken(release, 'A*01:XYZ', { mac });
    expect(xyz.alleles).toContain('A*02:01:01:01');
    expect(() => resolveAlleleToken(release, 'A*01:QQQ', { mac })).toThrow(
      /unknown NMDP multiple-allele code "QQQ"/,
    );
    expect(() => parseMacTable('no codes here')).toThrow(RangeError);
  });
});

describe('serology (rel_ser_ser.txt)', () => {
  it('parses A2, B62 (split of broad B15) and DR17 (split of DR3)', () => {
    expect(parseAntigen(release, 'A2')).toMatchObject({ locus: 'A', number: '2', name: 'A2' });
    expect(parseAntigen(release, 'B62').broad).toBe('B15');
    expect(parseAntigen(release, 'DR17').broad).toBe('DR3');
    expect(parseAntigen(release, 'B15').splits).toEqual(['B62', 'B63', 'B75', 'B76', 'B77']);
    expect(parseAntigen(release, 'A203').associatedWith).toBe('A2');
  });

  it('matches a broad with its splits, not two different splits of one broad', () => {
    expect(antigensMatch(release, 'B15', 'B62')).toBe(true);
    expect(antigensMatch(release, 'DR17', 'DR3')).toBe(true);
    expect(antigensMatch(release, 'DR17', 'DR18')).toBe(false);
    expect(antigensMatch(release, 'A203', 'A2')).toBe(true);
  });

  it('refuses an antigen the release does not list (Cw11 was deleted in 1991)', () => {
    expect(() => parseAntigen(release, 'Cw11')).toThrow(/Cw11/);
    expect(() => parseAntigen(release, 'B999')).toThrow(/unknown serologic antigen B999/);
  });
});

describe('GL String (Milius et al. 2013)', () => {
  it('parses with precedence / then ~ then + then | then ^', () => {
    const gl = parseGlString('A*01:01/A*01:02+A*02:01|A*03:01+A*11:01^B*08:01~C*07:01+B*44:02~C*05:01');
    expect(gl).toHaveLength(2);
    expect(gl[0]).toHaveLength(2); // two alternative genotypes
    expect(gl[0]?.[0]).toEqual([[['A*01:01', 'A*01:02']], [['A*02:01']]]);
    expect(gl[1]?.[0]?.[0]).toEqual([['B*08:01'], ['C*07:01']]); // a B~C haplotype
  });

  it('writes back the same string', () => {
    const text = 'A*01:01/A*01:02+A*02:01|A*03:01+A*11:01^B*08:01~C*07:01+B*44:02~C*05:01';
    expect(formatGlString(parseGlString(text))).toBe(text);
  });

  it('refuses an empty part naming the delimiter', () => {
    expect(() => parseGlString('A*01:01++A*02:01')).toThrow(/"\+"/);
    expect(() => parseGlString('')).toThrow(/empty GL String/);
  });
});
