import { describe, expect, it } from 'vitest';
import { matchGlStrings } from '../../src/hla/match';
import { dpb1Permissiveness, tceGroup } from '../../src/hla/tce';
import { release358 } from './load-release';

const release = release358();

const PATIENT = [
  'A*01:01+A*02:01',
  'B*08:01+B*44:02',
  'C*07:01+C*05:01',
  'DRB1*03:01+DRB1*04:01',
  'DQB1*02:01+DQB1*03:02',
  'DPB1*04:01+DPB1*02:01',
];
const gl = (loci: string[]) => loci.join('^');
const withLocus = (index: number, typing: string) => gl(PATIENT.map((t, i) => (i === index ? typing : t)));
const locus = (result: ReturnType<typeof matchGlStrings>, name: string) =>
  result.loci.find((l) => l.locus === name);

describe('patient–donor matching', () => {
  it('grades an identical donor 8/8, 10/10, 12/12', () => {
    const r = matchGlStrings(release, gl(PATIENT), gl(PATIENT));
    expect(r.best).toEqual({ of8: 8, of10: 10, of12: 12 });
    expect(r.worst).toEqual({ of8: 8, of10: 10, of12: 12 });
  });

  it('matches at the antigen-recognition-domain level: A*01:01:01:01 equals A*01:01 and A*01:32 (same G group)', () => {
    const r = matchGlStrings(release, 'A*01:01:01:01+A*02:01', 'A*01:32+A*02:01:01:01');
    expect(locus(r, 'A')?.best?.mismatches).toBe(0);
  });

  it('calls B*44:02 vs B*44:03 an allele mismatch (same antigen B44) and A*02:01 vs A*03:01 an antigen mismatch', () => {
    const b = matchGlStrings(release, withLocus(1, 'B*08:01+B*44:02'), withLocus(1, 'B*08:01+B*44:03'));
    expect(locus(b, 'B')?.best).toMatchObject({ gvh: 1, hvg: 1, mismatches: 1, gvhLevels: ['allele'] });
    expect(b.best.of8).toBe(7);
    const a = matchGlStrings(release, withLocus(0, 'A*01:01+A*02:01'), withLocus(0, 'A*01:01+A*03:01'));
    expect(locus(a, 'A')?.best?.gvhLevels).toEqual(['antigen']);
  });

  it('gives a one-way HvG mismatch for a homozygous patient and a one-way GvH mismatch for a homozygous donor', () => {
    const homozygousPatient = matchGlStrings(release, 'A*01:01+A*01:01', 'A*01:01+A*02:01');
    expect(locus(homozygousPatient, 'A')?.best).toMatchObject({
      gvh: 0,
      hvg: 1,
      mismatches: 1,
      direction: 'HvG',
    });
    const homozygousDonor = matchGlStrings(release, 'A*01:01+A*02:01', 'A*01:01+A*01:01');
    expect(locus(homozygousDonor, 'A')?.best).toMatchObject({
      gvh: 1,
      hvg: 0,
      mismatches: 1,
      direction: 'GvH',
    });
    const both = matchGlStrings(release, 'A*01:01+A*01:01', 'A*02:01+A*02:01');
    expect(locus(both, 'A')?.best).toMatchObject({
      gvh: 2,
      hvg: 2,
      mismatches: 2,
      direction: 'bidirectional',
    });
  });

  it('treats a null allele as not expressed: A*01:01+A*24:09N matches a donor homozygous A*01:01', () => {
    const matched = matchGlStrings(release, 'A*01:01+A*24:09N', 'A*01:01+A*01:01');
    expect(locus(matched, 'A')?.best).toMatchObject({ mismatches: 0, direction: 'none' });
    const vsExpressed = matchGlStrings(release, 'A*01:01+A*24:09N', 'A*01:01+A*24:02');
    expect(locus(vsExpressed, 'A')?.best).toMatchObject({ gvh: 0, hvg: 1, hvgLevels: ['antigen'] });
  });

  it('treats a low-expression allele as expressed: A*24:02:01:02L matches A*24:02 (same G group A*24:02:01G)', () => {
    const r = matchGlStrings(release, 'A*01:01+A*24:02:01:02L', 'A*01:01+A*24:02');
    expect(locus(r, 'A')?.best?.mismatches).toBe(0);
  });

  it('reports best and worst case for an ambiguous typing (allele list and genotype list)', () => {
    const list = matchGlStrings(release, 'A*01:01+A*02:01', 'A*01:01+A*02:01/A*02:05');
    expect(locus(list, 'A')).toMatchObject({
      ambiguous: true,
      best: { mismatches: 0 },
      worst: { mismatches: 1 },
    });
    const genotypes = matchGlStrings(release, 'A*01:01+A*02:01', 'A*01:01+A*02:01|A*03:01+A*11:01');
    expect(locus(genotypes, 'A')?.worst?.mismatches).toBe(2);
  });

  it('compares serologic typings at the antigen level: B62 (split of B15) matches B*15:01, B63 does not', () => {
    const r = matchGlStrings(release, 'A2+A24^B62+B8', 'A*02:01+A*24:02^B*15:01+B*08:01');
    expect(locus(r, 'A')?.best?.mismatches).toBe(0);
    expect(locus(r, 'B')?.best?.mismatches).toBe(0);
    const split = matchGlStrings(release, 'B63+B8', 'B*15:01+B*08:01');
    expect(locus(split, 'B')?.best?.mismatches).toBe(1);
  });

  it('leaves a grade undefined when a locus is untyped', () => {
    const r = matchGlStrings(release, gl(PATIENT.slice(0, 5)), gl(PATIENT));
    expect(r.best).toEqual({ of8: 8, of10: 10 });
    expect(locus(r, 'DPB1')?.typed).toBe(false);
  });

  it('names an unknown allele in either typing', () => {
    expect(() => matchGlStrings(release, 'A*01:01+A*99:99', 'A*01:01+A*02:01')).toThrow(/A\*99:99/);
  });
});

// TCE groups, tce/dpb_tce.csv of 3.58.0 (V2): DPB1*09:01 = 1, DPB1*03:01 = 2, DPB1*04:01 = 3, DPB1*02:01 = 3,
// DPB1*61:01N = 0 (unassigned).
describe('DPB1 T-cell-epitope permissiveness (Fleischhauer 2012; Crivello 2016)', () => {
  it('reads TCE groups from dpb_tce.csv by allele and by protein', () => {
    expect(tceGroup(release, 'DPB1*09:01')).toBe(1);
    expect(tceGroup(release, 'DPB1*03:01:01:01')).toBe(2);
    expect(tceGroup(release, 'DPB1*04:01')).toBe(3);
    expect(tceGroup(release, 'DPB1*61:01N')).toBeUndefined();
  });

  it('V1 and V2 differ for DPB1*06:01 (3 in V1, 2a in V2)', () => {
    expect(tceGroup(release, 'DPB1*06:01', 'V1')).toBe(3);
    expect(tceGroup(release, 'DPB1*06:01', 'V2')).toBe(2);
  });

  it('permissive: 04:01+02:01 vs 04:01+04:02 (both most-immunogenic group 3)', () => {
    const r = matchGlStrings(
      release,
      withLocus(5, 'DPB1*04:01+DPB1*02:01'),
      withLocus(5, 'DPB1*04:01+DPB1*04:02'),
    );
    expect(locus(r, 'DPB1')?.best?.tce).toBe('permissive');
    expect(r.best.of12).toBe(11);
  });

  it('non-permissive GvH: patient 09:01 (group 1) + 04:01 vs donor 04:01+04:01', () => {
    const r = matchGlStrings(
      release,
      withLocus(5, 'DPB1*09:01+DPB1*04:01'),
      withLocus(5, 'DPB1*04:01+DPB1*04:01'),
    );
    expect(locus(r, 'DPB1')?.best).toMatchObject({ tce: 'non-permissive-GvH', direction: 'GvH' });
  });

  it('non-permissive HvG: patient 04:01+04:01 vs donor 04:01+03:01 (group 2)', () => {
    const r = matchGlStrings(
      release,
      withLocus(5, 'DPB1*04:01+DPB1*04:01'),
      withLocus(5, 'DPB1*04:01+DPB1*03:01'),
    );
    expect(locus(r, 'DPB1')?.best).toMatchObject({ tce: 'non-permissive-HvG', direction: 'HvG' });
  });

  it('unknown when an allele has no TCE assignment, match when DPB1 is allele-matched', () => {
    expect(
      dpb1Permissiveness(release, ['DPB1*04:01', 'DPB1*99:99'], ['DPB1*04:01', 'DPB1*02:01'], false)
        .permissiveness,
    ).toBe('unknown');
    const r = matchGlStrings(release, gl(PATIENT), gl(PATIENT));
    expect(locus(r, 'DPB1')?.best?.tce).toBe('match');
  });
});
