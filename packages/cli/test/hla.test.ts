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
