import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JsonBytes } from '../src/commands/signals';
import { main } from '../src/main';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sharedDir = process.env.CGTLINK_SHARED_DIR ?? resolve(repoRoot, '../shared');
const caers = join(sharedDir, 'data/openebgm/caers.csv');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    // The JSON report is written as UTF-8 bytes.
    out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8');
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err += String(s);
    return true;
  });
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('cgtlink signals on openEBGM caers data', () => {
  it('fits the prior openEBGM autoHyper reports for the full caers data (vignette "Hyperparameter Estimation": 3.25596685, 0.39998994, 2.02376139, 1.90614108, 0.06530755; min negLL 4162.456)', async () => {
    const r = await run([
      'signals',
      '--csv',
      caers,
      '--product',
      'var1',
      '--event',
      'var2',
      '--report',
      'id',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    const published = [3.25596685, 0.39998994, 2.02376139, 1.90614108, 0.06530755];
    const got = [json.prior.alpha1, json.prior.beta1, json.prior.alpha2, json.prior.beta2, json.prior.p];
    // autoHyper's own converged starts differ by ~1e-4 relative; our fit lands within 1e-4 of the reported one.
    for (const [i, v] of got.entries()) expect(Math.abs(v / published[i]! - 1)).toBeLessThan(1e-4);
    expect(json.prior.logLik).toBeCloseTo(-4162.456, 3);
    expect(json.pairs.length).toBe(17189);
    const pair = json.pairs.find(
      (p: { product: string; event: string }) =>
        p.product === 'REUMOFAN PLUS' && p.event === 'WEIGHT INCREASED',
    );
    // Vignette "Empirical Bayes Metrics": N = 16, E = 0.40643623, EBGM 23.26 (with the squashed-data prior).
    expect(pair.a).toBe(16);
    expect(pair.expected).toBeCloseTo(0.40643623, 8);
    expect(pair.ebgm).toBeCloseTo(23.26, 1);
    const first = json.pairs.find(
      (p: { product: string; event: string }) =>
        p.product === '1-PHENYLALANINE' && p.event === 'HEART RATE INCREASED',
    );
    expect(first.expected).toBeCloseTo(0.0360548272, 10);
    // Vignette "Introduction"/"Empirical Bayes Metrics" head(processed): PRR 27.96 for this pair.
    expect(first.prr).toBeCloseTo(27.96, 2);
  });
});

describe('cgtlink signals input errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cgtlink-signals-'));
  it('needs exactly one of --count and --report', async () => {
    const file = join(dir, 'x.csv');
    writeFileSync(file, 'p,e,n\nA,X,3\n');
    const r = await run(['signals', '--csv', file, '--product', 'p', '--event', 'e']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exactly one of --count/);
  });

  it('aggregates a plain file by bytes: trimmed and UTF-8 labels, NA rows dropped, repeated pairs summed', async () => {
    const file = join(dir, 'z.csv');
    const rows = ['p,e,n'];
    for (let i = 0; i < 12; i++)
      for (let j = 0; j < 6; j++) rows.push(`P${i},Ereignis ${j},${1 + ((i + j) % 3)}`);
    rows.push('Méthotrexate , Übelkeit,4', 'Méthotrexate,Übelkeit,5', 'NA,Übelkeit,9', 'P1,,9');
    writeFileSync(file, `${rows.join('\r\n')}\r\n`);
    const r = await run([
      'signals',
      '--csv',
      file,
      '--product',
      'p',
      '--event',
      'e',
      '--count',
      'n',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.pairs.length).toBe(12 * 6 + 1);
    const pair = json.pairs.find((x: { product: string }) => x.product === 'Méthotrexate');
    expect(pair.event).toBe('Übelkeit');
    expect(pair.a).toBe(9);
    // E = n(product)·n(event)/N with both margins 9 here: 9·9/N.
    const total = json.pairs.reduce((s: number, x: { a: number }) => s + x.a, 0);
    expect(pair.expected).toBeCloseTo(81 / total, 10);
    const text = await run(['signals', '--csv', file, '--product', 'p', '--event', 'e', '--count', 'n']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/73 product–event pairs/);
    expect(text.out.split('\n')[3]).toMatch(/^Méthotrexate\s+Übelkeit\s+9 /);
  });

  it('exits 2 on a non-numeric count, naming the column and row', async () => {
    const file = join(dir, 'y.csv');
    writeFileSync(file, 'p,e,n\nA,X,3\nB,Y,many\n');
    const r = await run(['signals', '--csv', file, '--product', 'p', '--event', 'e', '--count', 'n']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/column "n" row 2: "many" is not a number/);
  });
});

describe('JsonBytes number formatting', () => {
  const format = (values: number[]): string => {
    const chunks: Uint8Array[] = [];
    const out = new JsonBytes((c) => chunks.push(c));
    out.ascii('[');
    values.forEach((v, i) => {
      if (i > 0) out.ascii(',');
      out.number(v);
    });
    out.ascii(']');
    out.flush();
    return Buffer.concat(chunks).toString('latin1');
  };

  it('writes integers exactly and other numbers as Number.prototype.toPrecision(12) rounds them (ECMA-262)', () => {
    const values: number[] = [0, 1, 7, 16, 123456789012, 2 ** 52, -3, -0.5];
    let seed = 99;
    for (let k = 0; k < 20000; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      const u = (seed >>> 0) / 4294967296;
      values.push((k % 2 ? 1 : -1) * Math.exp((u - 0.5) * 120));
    }
    values.push(0.1, 1 / 3, 9.9999999999995, 99999999999.95, 1e21, 1.5e-7, 2.5e-300, 1e300 * 1.7);
    const parsed: number[] = JSON.parse(format(values));
    parsed.forEach((got, i) => {
      const v = values[i]!;
      const want = Number.isSafeInteger(v) ? v : Number(v.toPrecision(12));
      // Ties in the 13th digit may round either way after the binary scaling: allow one unit there.
      const unit = want === 0 ? 0 : 10 ** (Math.floor(Math.log10(Math.abs(want))) - 11);
      expect(Math.abs(got - want), `${v}: wrote ${got}, toPrecision(12) ${want}`).toBeLessThanOrEqual(
        unit * 1.001,
      );
      if (v !== 0) expect(Math.abs(got / v - 1)).toBeLessThanOrEqual(5.1e-12);
    });
  });

  it('writes non-finite values as null and keeps JSON valid across buffer flushes', () => {
    const values = Array.from({ length: 200000 }, (_, i) => (i % 3 === 0 ? Number.NaN : i / 7));
    const parsed: (number | null)[] = JSON.parse(format(values));
    expect(parsed.length).toBe(200000);
    expect(parsed[0]).toBeNull();
    expect(parsed[1]).toBeCloseTo(1 / 7, 12);
    expect(format([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBe('[null,null]');
  });
});
