import { describe, expect, it } from 'vitest';
import { isReductionLevel, lgxOfAllele, reduceGlString, reduceToken } from '../../src/hla/reduce';
import { release358 } from './load-release';

const release = release358();
const reduce = (token: string, level: Parameters<typeof reduceToken>[2]) =>
  reduceToken(release, token, level);

// Reference values: the lines of hla_nom_g.txt, hla_nom_p.txt and rel_dna_ser.txt of IPD-IMGT/HLA 3.58.0.
describe('reduction (WMDA files of release 3.58.0)', () => {
  it('G: A*01:01:01:01 → A*01:01:01G; an allele in no G group keeps its name', () => {
    expect(reduce('A*01:01:01:01', 'G')).toEqual(['A*01:01:01G']);
    expect(reduce('A*01:01:02', 'G')).toEqual(['A*01:01:02']);
  });

  it('G keeps a null allele in its G group (A*01:01:01:02N is identical over exons 2+3)', () => {
    expect(reduce('A*01:01:01:02N', 'G')).toEqual(['A*01:01:01G']);
  });

  it('P: A*01:01:38L → A*01:01P; a null allele is in no P group and stays', () => {
    expect(reduce('A*01:01:38L', 'P')).toEqual(['A*01:01P']);
    expect(reduce('A*01:01:01:02N', 'P')).toEqual(['A*01:01:01:02N']);
  });

  it('lgx: through the G group first member (B*07:06:01:01 in B*07:05:01G → B*07:05), else the P group', () => {
    expect(lgxOfAllele(release, 'B*07:06:01:01')).toBe('B*07:05');
    expect(lgxOfAllele(release, 'A*01:32')).toBe('A*01:01');
    // A*01:01:02 is in no G group but in A*01:01P.
    expect(lgxOfAllele(release, 'A*01:01:02')).toBe('A*01:01');
  });

  it('lg adds the g suffix: A*02:01:01:01 → A*02:01g; a null allele keeps its full name', () => {
    expect(reduce('A*02:01:01:01', 'lg')).toEqual(['A*02:01g']);
    expect(reduce('A*01:01:01:02N', 'lg')).toEqual(['A*01:01:01:02N']);
    expect(reduce('A*01:01:01:02N', 'lgx')).toEqual(['A*01:01:01:02N']);
  });

  it('exon keeps three fields: A*01:01:01:01 → A*01:01:01; a low-expression 4-field allele keeps its L', () => {
    expect(reduce('A*01:01:01:01', 'exon')).toEqual(['A*01:01:01']);
    expect(reduce('A*02:01:01:02L', 'exon')).toEqual(['A*02:01:01:02L']);
  });

  it('U2: two fields when unambiguous, the list kept otherwise', () => {
    expect(reduceGlString(release, 'A*01:01:01:01/A*01:01:01:03', 'U2')).toBe('A*01:01');
    expect(reduceGlString(release, 'A*01:01:01:01/A*01:02', 'U2')).toBe('A*01:01/A*01:02');
    expect(reduceGlString(release, 'A*01:01:01:01/A*01:01:01:02N', 'U2')).toBe('A*01:01/A*01:01:01:02N');
    expect(reduce('A*01:01:01G', 'U2')).toEqual(['A*01:01:01G']);
  });

  it('S: A*02:01:01:01 → A2, B*15:01:01:01 → B62, DRB1*03:01:01:01 → DR17, C*07:01:01:01 → Cw7', () => {
    expect(reduce('A*02:01:01:01', 'S')).toEqual(['A2']);
    expect(reduce('B*15:01:01:01', 'S')).toEqual(['B62']);
    expect(reduce('DRB1*03:01:01:01', 'S')).toEqual(['DR17']);
    expect(reduce('C*07:01:01:01', 'S')).toEqual(['Cw7']);
  });

  it('S of a low-expression allele with possible serology 0/24 (A*24:02:01:02L) gives A24; a null stays', () => {
    expect(reduce('A*24:02:01:02L', 'S')).toEqual(['A24']);
    expect(reduce('A*01:11N', 'S')).toEqual(['A*01:11N']);
    expect(reduce('B62', 'S')).toEqual(['B62']);
    expect(() => reduce('B62', 'G')).toThrow(/B62.*cannot be reduced to G/);
  });

  it('reduces old names and XX codes too: A*0111 → A*01:11N, A*02:XX to G includes A*02:01:01G', () => {
    expect(reduce('A*0111', 'G')).toEqual(['A*01:11N']);
    expect(reduce('A*02:XX', 'G')).toContain('A*02:01:01G');
  });

  it('keeps the structure of a whole GL String', () => {
    const gl =
      'HLA-A*01:01:01:01/A*01:01:01:02N+A*02:01:01:01^B*15:01:01:01+B*44:02:01:01|B*15:01:01:01+B*44:03:01:01';
    expect(reduceGlString(release, gl, 'lgx')).toBe(
      'A*01:01/A*01:01:01:02N+A*02:01^B*15:01+B*44:02|B*15:01+B*44:03',
    );
    expect(reduceGlString(release, gl, 'G')).toBe(
      'A*01:01:01G+A*02:01:01G^B*15:01:01G+B*44:02:01G|B*15:01:01G+B*44:03:01G',
    );
    expect(reduceGlString(release, 'A*01:01:01:01~B*08:01:01:01', 'P')).toBe('A*01:01P~B*08:01P');
  });

  it('knows its levels', () => {
    expect(isReductionLevel('lgx')).toBe(true);
    expect(isReductionLevel('X')).toBe(false);
  });
});
