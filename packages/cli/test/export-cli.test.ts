import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzip } from '../../server/src/exports/zip';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/cgtlink.js');
const dataDir = mkdtempSync(join(tmpdir(), 'cgtlink-cli-export-'));
const PASSWORD = 'Nansha-demo-2026!';

function cgtlink(args: string[], input?: string) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: {
      ...inherited,
      CGTLINK_DATA_DIR: dataDir,
      CGTLINK_LOG_LEVEL: 'silent',
      CGTLINK_MODE: 'demo',
      CGTLINK_DEMO_COHORT: '0',
    },
    input,
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  expect(cgtlink(['seed', '--demo']).code).toBe(0);
}, 300_000);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('cgtlink export and generate national (embedded PGlite)', () => {
  it('writes a sponsor’s RWE export as a ZIP, signed in with the password on standard input', () => {
    const out = join(dataDir, 'rwe.zip');
    const res = cgtlink(
      [
        'export',
        'F-2026-NSGT01',
        '--format',
        'rwe',
        '--user',
        'sponsor.xu',
        '--password-stdin',
        '--out',
        out,
      ],
      PASSWORD,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/patients\.csv\s+\d+ rows/);
    const names = unzip(readFileSync(out)).map((e) => e.name);
    expect(names).toContain('dictionary.csv');
    expect(names).toContain('manifest.csv');
  });

  it('refuses an unknown format (exit 2) and a foundation account (exit 1)', () => {
    const out = join(dataDir, 'x.zip');
    const bad = cgtlink(
      [
        'export',
        'F-2026-NSGT01',
        '--format',
        'xlsx',
        '--user',
        'sponsor.xu',
        '--password-stdin',
        '--out',
        out,
      ],
      PASSWORD,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format');
    const denied = cgtlink(
      [
        'export',
        'F-2026-NSGT01',
        '--format',
        'rwe',
        '--user',
        'foundation.yang',
        '--password-stdin',
        '--out',
        out,
      ],
      PASSWORD,
    );
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/may not export/);
  });

  it('generates a small national registry', () => {
    const res = cgtlink(['generate', 'national', '--patients', '40', '--end-date', '2026-06-30']);
    expect(res.code, res.stderr).toBe(0);
    // The counts are of the tables after generation: the 40 synthetic patients join the demo world's.
    const patients = Number(/^patient\s+(\d+)$/m.exec(res.stdout)?.[1]);
    expect(patients).toBeGreaterThanOrEqual(40);
    expect(patients).toBeLessThan(80);
    expect(cgtlink(['generate', 'national', '--patients', '0']).code).toBe(2);
  });
});
