import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main';

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

describe('cgtlink isbt', () => {
  it('check prints "H" for G123498654321 (JPAC Red Book Annex 2 worked example)', async () => {
    expect(await main(['isbt', 'check', 'G123498654321'])).toBe(0);
    expect(out).toBe('H\n');
  });

  it('check accepts the eye-readable grouping as separate arguments', async () => {
    expect(await main(['isbt', 'check', 'G1234', '98', '654321'])).toBe(0);
    expect(out).toBe('H\n');
  });

  it('check exits 2 naming the problem for a 12-character DIN', async () => {
    expect(await main(['isbt', 'check', 'G12349865432'])).toBe(2);
    expect(err).toContain('wrong length');
  });

  it('validate exits 0 for G123498654321H', async () => {
    expect(await main(['isbt', 'validate', 'G123498654321H'])).toBe(0);
    expect(out).toContain('valid');
  });

  it('validate exits 1 with the reason: wrong check character, wrong length, bad character', async () => {
    expect(await main(['isbt', 'validate', 'G123498654321J'])).toBe(1);
    expect(err).toContain('wrong check character: expected "H", got "J"');
    err = '';
    expect(await main(['isbt', 'validate', 'G123498654321'])).toBe(1);
    expect(err).toContain('wrong length');
    err = '';
    expect(await main(['isbt', 'validate', 'G12349865432-H'])).toBe(1);
    expect(err).toContain('bad character "-" at position 13');
  });

  it('exits 2 for bad usage: missing argument, no sub-command', async () => {
    expect(await main(['isbt', 'validate'])).toBe(2);
    expect(await main(['isbt'])).toBe(2);
    expect(err).toContain('sub-command');
  });
});
