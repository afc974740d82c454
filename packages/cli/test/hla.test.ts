import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main';

// IPD-IMGT/HLA 3.58.0 from the shared data folder (read at run time, never copied into the repository).
const shared = process.env['CGTLINK_SHARED_DIR'] ?? resolve(import.meta.dirname, '../../../../shared');
const imgt = join(shared, 'data', 'imgthla', '3.58.0');

let out = '';
let err = '';

beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const PATIENT = 'A*01:01+A*02:01^B*08:01+B*44:02^C*07:01+C*05:01^DRB1*03:01+DRB1*04:01^DQB1*02:01+DQB1*03:02';

describe('cgtlink hla reduce', () => {
  it('reduces a GL String to G keeping its structure (hla_nom_g.txt, 3.58.0)', async () => {
    expect(
      await main(['hla', 'reduce', '--imgt', imgt, '--to', 'G', 'A*01:01:01:01+A*02:01:01:01^B*08:01:01:01']),
    ).toBe(0);
    expect(out).toBe('A*01:01:01G+A*02:01:01G^B*08:01:01G\n');
  });

  it('reduces to serology S: B*15:01:01:01 → B62 (rel_dna_ser.txt)', async () => {
    expect(await main(['hla', 'reduce', '--imgt', imgt, '--to', 'S', 'B*15:01:01:01'])).toBe(0);
    expect(out).toBe('B62\n');
  });

  it('exits 2 naming an unknown allele, a bad level, and a MAC code without --mac', async () => {
    expect(await main(['hla', 'reduce', '--imgt', imgt, '--to', 'G', 'A*99:99'])).toBe(2);
    expect(err).toContain('A*99:99');
    expect(await main(['hla', 'reduce', '--imgt', imgt, '--to', 'X', 'A*01:01'])).toBe(2);
    expect(err).toContain('--to');
    expect(await main(['hla', 'reduce', '--imgt', imgt, '--to', 'lgx', 'A*01:AB'])).toBe(2);
    expect(err).toContain('--mac');
  });

  it('expands a MAC code from a --mac file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgtlink-hla-'));
    const mac = join(dir, 'alpha.v3.txt');
    writeFileSync(mac, '*\tCODE\tSUBTYPE\n\tAB\t01/02\n');
    expect(await main(['hla', 'reduce', '--imgt', imgt, '--to', 'lgx', '--mac', mac, 'A*01:AB'])).toBe(0);
    expect(out).toBe('A*01:01/A*01:02\n');
  });

  it('exits 2 when --imgt is not a release folder', async () => {
    expect(await main(['hla', 'reduce', '--imgt', '/nonexistent', '--to', 'G', 'A*01:01'])).toBe(2);
    expect(err).toContain('hla_nom.txt');
  });
});

describe('cgtlink hla match', () => {
  it('prints per-locus results and the grade for a one-way (homozygous donor) mismatch', async () => {
    const donor = PATIENT.replace('A*01:01+A*02:01', 'A*01:01+A*01:01');
    expect(await main(['hla', 'match', '--imgt', imgt, '--patient', PATIENT, '--donor', donor])).toBe(0);
    expect(out).toContain('A     1/2 GvH (GvH antigen)');
    expect(out).toContain('DPB1  untyped');
    expect(out).toContain('grade 7/8, 9/10, ?/12');
  });

  it('prints JSON with --json', async () => {
    expect(
      await main(['hla', 'match', '--imgt', imgt, '--patient', PATIENT, '--donor', PATIENT, '--json']),
    ).toBe(0);
    const result = JSON.parse(out);
    expect(result.release).toBe('3.58.0');
    expect(result.best).toEqual({ of8: 8, of10: 10 });
  });
});

describe('cgtlink hla search', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgtlink-hla-'));
  const donors = join(dir, 'donors.csv');
  writeFileSync(
    donors,
    [
      'id,A,B,C,DRB1,DQB1,DPB1,age,sex,cmv,abo,registry',
      `D1,A*01:01+A*02:01,B*08:01+B*44:02,C*07:01+C*05:01,DRB1*03:01+DRB1*04:01,DQB1*02:01+DQB1*03:02,,40,M,neg,O,R1`,
      `D2,A*01:01+A*02:01,B*08:01+B*44:02,C*07:01+C*05:01,DRB1*03:01+DRB1*04:01,DQB1*02:01+DQB1*03:02,,22,M,neg,A,R2`,
      `D3,A*01:01+A*01:01,B*08:01+B*44:02,C*07:01+C*05:01,DRB1*03:01+DRB1*04:01,,,30,F,pos,O,R1`,
      `D4,A*03:01+A*11:01,B*07:02+B*35:01,C*07:02+C*04:01,DRB1*15:01+DRB1*01:01,,,25,M,neg,O,R1`,
    ].join('\n'),
  );

  it('finds the donors within K mismatches, ranked (younger first among 8/8), and checks them against brute force', async () => {
    const args = [
      'hla',
      'search',
      '--imgt',
      imgt,
      '--donors',
      donors,
      '--patient',
      PATIENT,
      '--max-mismatches',
      '1',
    ];
    expect(await main([...args, '--verify'])).toBe(0);
    const ids = out
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t')[0]);
    expect(ids).toEqual(['D2', 'D1', 'D3']);
    expect(out).toContain('3 donor(s)');
  });

  it('applies filters (--registry, --max-age) and the loci choice', async () => {
    const args = [
      'hla',
      'search',
      '--imgt',
      imgt,
      '--donors',
      donors,
      '--patient',
      PATIENT,
      '--max-mismatches',
      '0',
    ];
    expect(await main([...args, '--registry', 'R1', '--json'])).toBe(0);
    expect(JSON.parse(out).map((h: { id: string }) => h.id)).toEqual(['D1']);
    out = '';
    expect(await main([...args, '--loci', 'B,C', '--max-age', '35', '--json'])).toBe(0);
    expect(JSON.parse(out).map((h: { id: string }) => h.id)).toEqual(['D2', 'D3']);
  });

  it('exits 2 for an ambiguous patient typing or a bad locus', async () => {
    const args = ['hla', 'search', '--imgt', imgt, '--donors', donors, '--max-mismatches', '0'];
    expect(await main([...args, '--patient', PATIENT.replace('A*02:01', 'A*02:01/A*02:05')])).toBe(2);
    expect(err).toContain('ambiguous');
    expect(await main([...args, '--patient', PATIENT, '--loci', 'A,X'])).toBe(2);
    expect(err).toContain('--loci');
  });
});

describe('cgtlink hla family', () => {
  // Haplotypes a (father) / c (mother) of the patient, b and d the parents' other ones (distinct alleles).
  const gl = (h1: string[], h2: string[]) => h1.map((allele, i) => `${allele}+${h2[i]}`).join('^');
  const a = ['A*01:01', 'C*07:01', 'B*08:01', 'DRB1*03:01', 'DQB1*02:01'];
  const b = ['A*02:01', 'C*05:01', 'B*44:02', 'DRB1*04:01', 'DQB1*03:01'];
  const c = ['A*03:01', 'C*07:02', 'B*07:02', 'DRB1*15:01', 'DQB1*06:02'];
  const d = ['A*24:02', 'C*04:01', 'B*35:01', 'DRB1*11:01', 'DQB1*03:02'];
  const family = {
    patient: {
      typing: gl(a, c),
      sex: 'M',
      abo: 'A',
      cmv: 'pos',
      // Antigen-level antibody: A24 is the serologic equivalent of A*24:02 (rel_dna_ser.txt, 3.58.0).
      antibodies: [{ specificity: 'A24', mfi: 6200 }],
    },
    relatives: [
      { id: 'father', relation: 'father', typing: gl(a, b), age: 62, sex: 'M', abo: 'A', cmv: 'pos' },
      {
        id: 'mother',
        relation: 'mother',
        typing: gl(c, d),
        age: 60,
        sex: 'F',
        parity: 3,
        abo: 'O',
        cmv: 'pos',
      },
      { id: 'S1', relation: 'sibling', typing: gl(a, c), age: 38, sex: 'F', parity: 1, abo: 'A', cmv: 'neg' },
      { id: 'S2', relation: 'sibling', typing: gl(a, d), age: 30, sex: 'M', abo: 'A', cmv: 'pos' },
      { id: 'S3', relation: 'sibling', typing: gl(b, d), age: 33, sex: 'M', abo: 'O', cmv: 'neg' },
      { id: 'S4', relation: 'sibling', typing: gl(b, c), age: 26, sex: 'F', parity: 0, abo: 'A', cmv: 'pos' },
    ],
  };
  const write = (content: unknown): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'cgtlink-family-')), 'family.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('prints haplotypes, classifications and the ranking with every criterion (Ciurea 2020 order)', async () => {
    expect(await main(['hla', 'family', '--imgt', imgt, '--family', write(family)])).toBe(0);
    expect(out).toContain('Patient haplotypes (paternal / maternal):');
    expect(out).toContain('  B     B*08:01 / B*07:02  (parents)');
    expect(out).toContain('S1 (sibling): HLA-identical; shares paternal + maternal');
    expect(out).toContain('S2 (sibling): haploidentical; shares paternal');
    expect(out).toContain('S3 (sibling): mismatched; shares none');
    expect(out).toMatch(/1\. S1 \(sibling, HLA-identical\)/);
    expect(out).toMatch(/DSA +A24 6200 MFI \(A\*24:02\): avoid/);
  });

  it('prints JSON: DSA-carrying haplo donors (S2, mother) rank after those without', async () => {
    expect(await main(['hla', 'family', '--imgt', imgt, '--family', write(family), '--json'])).toBe(0);
    const result = JSON.parse(out) as {
      release: string;
      thresholds: { avoidMfi: number; cautionMfi: number };
      ranking: { id: string; criteria: { name: string; verdict: string }[] }[];
    };
    expect(result.release).toBe('3.58.0');
    expect(result.thresholds).toMatchObject({ avoidMfi: 5000, cautionMfi: 1000 });
    // S1 identical; S4 (26 y, nulliparous) before father (62 y); then the DSA-positive S2, mother; S3 mismatched.
    expect(result.ranking.map((r) => r.id)).toEqual(['S1', 'S4', 'father', 'S2', 'mother', 'S3']);
  });

  it('lets --avoid-mfi move the 6200 MFI DSA to caution and --policy china put sex before age', async () => {
    expect(
      await main([
        'hla',
        'family',
        '--imgt',
        imgt,
        '--family',
        write(family),
        '--json',
        '--avoid-mfi',
        '10000',
      ]),
    ).toBe(0);
    const relaxed = JSON.parse(out) as {
      ranking: { id: string; criteria: { name: string; verdict: string }[] }[];
    };
    const s2 = relaxed.ranking.find((r) => r.id === 'S2');
    expect(s2?.criteria[0]).toMatchObject({ name: 'DSA', verdict: 'caution' });
    out = '';
    expect(
      await main(['hla', 'family', '--imgt', imgt, '--family', write(family), '--json', '--policy', 'china']),
    ).toBe(0);
    const china = JSON.parse(out) as { ranking: { id: string }[] };
    // Male father (62 y) before the 26-year-old sister under the CSH policy (Wang 2014: male donors).
    expect(china.ranking.map((r) => r.id)).toEqual(['S1', 'father', 'S4', 'S2', 'mother', 'S3']);
  });

  it('documents the file format in --help', async () => {
    expect(await main(['hla', 'family', '--help'])).toBe(0);
    expect(out).toContain('Family file (JSON)');
    expect(out).toContain('relation: father | mother | sibling | child | other');
  });

  it('exits 2 naming the bad field or file', async () => {
    expect(await main(['hla', 'family', '--imgt', imgt, '--family', '/nonexistent.json'])).toBe(2);
    expect(err).toContain('/nonexistent.json');
    const badRelation = { ...family, relatives: [{ ...family.relatives[0], relation: 'cousin' }] };
    expect(await main(['hla', 'family', '--imgt', imgt, '--family', write(badRelation)])).toBe(2);
    expect(err).toContain('relatives[0].relation');
    const badAllele = { ...family, patient: { ...family.patient, typing: 'A*99:99+A*01:01' } };
    expect(await main(['hla', 'family', '--imgt', imgt, '--family', write(badAllele)])).toBe(2);
    expect(err).toContain('A*99:99');
    expect(await main(['hla', 'family', '--imgt', imgt, '--family', write('{not json')])).toBe(2);
    expect(await main(['hla', 'family', '--imgt', imgt, '--family', write(family), '--policy', 'us'])).toBe(
      2,
    );
    expect(err).toContain('--policy');
  });
});
