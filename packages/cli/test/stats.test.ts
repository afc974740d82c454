import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import aml from '../../domain/test/stats/fixtures/aml.json';
import cox from '../../domain/test/stats/fixtures/cox.json';
import km from '../../domain/test/stats/fixtures/km.json';
import logrank from '../../domain/test/stats/fixtures/logrank.json';
import { main } from '../src/main';

const dir = mkdtempSync(join(tmpdir(), 'cgtlink-stats-'));
function csvFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const amlCsv = csvFile(
  'aml.csv',
  `time,status,x\n${aml.columns.time.map((t, i) => `${t},${aml.columns.status[i]},${aml.columns.x[i]}`).join('\n')}\n`,
);

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
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

describe('cgtlink stats km', () => {
  it('prints R survfit/survdiff values for survival::aml by x as JSON', async () => {
    const r = await run([
      'stats',
      'km',
      '--csv',
      amlCsv,
      '--time',
      'time',
      '--event',
      'status',
      '--group',
      'x',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    const ref = km.cases[0]!;
    expect(json.groups.map((g: { group: string }) => g.group)).toEqual(['Maintained', 'Nonmaintained']);
    const g0 = json.groups[0];
    expect(g0.median).toBe(ref.groups[0]!.median);
    expect(g0.medianLower).toBe(ref.groups[0]!.medianLower);
    expect(g0.medianUpper).toBeNull();
    const curve = ref.groups[0]!.curve as unknown as {
      survival: number[];
      stdErr: number[];
      lower: number[];
    };
    g0.curve.forEach((row: { survival: number; stdErr: number; lower: number }, i: number) => {
      expect(row.survival).toBeCloseTo(curve.survival[i]!, 10);
      expect(row.stdErr).toBeCloseTo(curve.stdErr[i]!, 10);
      expect(row.lower).toBeCloseTo(curve.lower[i]!, 10);
    });
    expect(json.logrank.chisq).toBeCloseTo(logrank.cases[0]!.chisq, 9);
    expect(json.logrank.df).toBe(1);
    expect(json.logrank.p).toBeCloseTo(logrank.cases[0]!.p, 9);
  });

  it('prints a readable table without --json', async () => {
    const r = await run([
      'stats',
      'km',
      '--csv',
      amlCsv,
      '--time',
      'time',
      '--event',
      'status',
      '--conf-type',
      'log-log',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/n\.risk/);
    expect(r.out).toMatch(/median/);
  });

  it('exits 2 naming a missing column', async () => {
    const r = await run(['stats', 'km', '--csv', amlCsv, '--time', 'days', '--event', 'status']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/column "days" not found/);
    expect(r.err).not.toMatch(/at .*\.ts/);
  });

  it('exits 2 on a negative time, a non-numeric time, an unknown status code, an empty file and all censored', async () => {
    const cases: [string, RegExp][] = [
      ['time,status\n5,1\n-2,0\n', /row 2: negative time/],
      ['time,status\n5,1\nsoon,0\n', /"soon" is not a number/],
      ['time,status\n5,1\n6,3\n', /unknown status code "3"/],
      ['', /is empty/],
      ['time,status\n5,0\n6,0\n', /all subjects are censored/],
    ];
    for (const [text, message] of cases) {
      const r = await run([
        'stats',
        'km',
        '--csv',
        csvFile('bad.csv', text),
        '--time',
        'time',
        '--event',
        'status',
      ]);
      expect(r.code, text).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('reads quoted CSV through the csv-parse fallback', async () => {
    const file = csvFile('quoted.csv', '"time","status","arm"\n1,1,"a, b"\n2,0,"a, b"\n3,1,"c"\n4,1,"c"\n');
    const r = await run([
      'stats',
      'km',
      '--csv',
      file,
      '--time',
      'time',
      '--event',
      'status',
      '--group',
      'arm',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).groups[0].group).toBe('a, b');
  });
});

describe('cgtlink stats cox', () => {
  it('matches R coxph for aml ~ x (Efron) with factor term named as R names it', async () => {
    const r = await run([
      'stats',
      'cox',
      '--csv',
      amlCsv,
      '--time',
      'time',
      '--event',
      'status',
      '--covariates',
      'x',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    const ref = cox.cases.find((c) => c.r.includes('aml_d'))!;
    expect(json.coefficients[0].term).toBe('xNonmaintained');
    expect(json.coefficients[0].coef).toBeCloseTo(ref.coef as unknown as number, 8);
    expect(json.loglik).toBeCloseTo(ref.loglik[1]!, 8);
    expect(json.n).toBe(23);
    expect(json.events).toBe(18);
  });

  it('exits 2 on an unknown ties method', async () => {
    const r = await run([
      'stats',
      'cox',
      '--csv',
      amlCsv,
      '--time',
      'time',
      '--event',
      'status',
      '--covariates',
      'x',
      '--ties',
      'exact',
    ]);
    expect(r.code).toBe(2);
  });
});

describe('cgtlink stats cif', () => {
  it('prints cumulative incidence per cause and Gray’s test per cause across groups', async () => {
    const file = csvFile(
      'cr.csv',
      'time,status,g\n1,1,a\n2,2,a\n2,1,a\n3,0,a\n4,1,a\n5,2,b\n5,0,b\n6,1,b\n8,0,b\n9,2,b\n',
    );
    const r = await run([
      'stats',
      'cif',
      '--csv',
      file,
      '--time',
      'time',
      '--status',
      'status',
      '--group',
      'g',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.causes.map((c: { group: string; cause: number }) => `${c.group}${c.cause}`)).toEqual([
      'a1',
      'a2',
      'b1',
      'b2',
    ]);
    expect(json.causes[0].curve[0]).toEqual({ time: 1, cif: 0.2, stdErr: expect.any(Number) });
    expect(json.gray.length).toBe(2);
  });

  it('exits 2 on a negative status code', async () => {
    const file = csvFile('crbad.csv', 'time,status\n1,1\n2,-1\n');
    const r = await run(['stats', 'cif', '--csv', file, '--time', 'time', '--status', 'status']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown status code/);
  });
});
