import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../bin/cgtlink.js');
const dataDir = mkdtempSync(join(tmpdir(), 'cgtlink-cli-'));

function cgtlink(args: string[], env: Record<string, string> = {}, input?: string) {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...inherited, CGTLINK_DATA_DIR: dataDir, CGTLINK_LOG_LEVEL: 'silent', ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('cgtlink foundation commands (embedded PGlite in a temporary folder)', () => {
  it('prints help with exit 0 and refuses an unknown command with exit 2', () => {
    const help = cgtlink(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'seed', 'user', 'audit'])
      expect(help.stdout).toContain(command);
    expect(cgtlink(['audit', 'verify', '--help']).code).toBe(0);
    expect(cgtlink(['no-such-command']).code).toBe(2);
  });

  it('refuses to start in production mode without a secret (exit 2)', () => {
    const res = cgtlink(['migrate'], { CGTLINK_MODE: 'production' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('CGTLINK_SECRET');
  });

  it('migrates the data folder', () => {
    const res = cgtlink(['migrate'], { CGTLINK_MODE: 'demo' });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/latest of \d+ migrations/);
  });

  it('refuses the demo seed unless demo mode is on, then seeds and prints the accounts', () => {
    const refused = cgtlink(['seed', '--demo'], {
      CGTLINK_MODE: 'production',
      CGTLINK_SECRET: 'x'.repeat(40),
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/demo mode/);
    const seeded = cgtlink(['seed', '--demo'], {
      CGTLINK_MODE: 'demo',
      CGTLINK_DEMO_COHORT: '0',
      CGTLINK_DEMO_REGISTRY: '0',
    });
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/inspector\s+regulator_inspector/);
    expect(seeded.stdout).toMatch(/password: \S+/);
  });

  it('adds a user with the password from standard input, and refuses a weak one with exit 2', () => {
    const ok = cgtlink(
      [
        'user',
        'add',
        '--org',
        'NSH',
        '--username',
        'nurse.deng',
        '--name',
        '邓丽 Deng Li',
        '--role',
        'hospital_coordinator',
        '--password-stdin',
      ],
      { CGTLINK_MODE: 'demo' },
      'a sufficiently long passphrase\n',
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('added nurse.deng');
    const weak = cgtlink(
      [
        'user',
        'add',
        '--org',
        'NSH',
        '--username',
        'nurse.weak',
        '--name',
        'W',
        '--role',
        'hospital_coordinator',
        '--password-stdin',
      ],
      { CGTLINK_MODE: 'demo' },
      'short\n',
    );
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('at least 12 characters');
    const badRole = cgtlink(
      [
        'user',
        'add',
        '--org',
        'NSH',
        '--username',
        'x.y',
        '--name',
        'X',
        '--role',
        'surgeon',
        '--password-stdin',
      ],
      {},
      'x',
    );
    expect(badRole.code).toBe(2);
  });

  it('verifies an intact audit chain (exit 0), then finds and names a tampered entry (exit 1)', async () => {
    const intact = cgtlink(['audit', 'verify'], { CGTLINK_MODE: 'demo' });
    expect(intact.code, intact.stderr).toBe(0);
    expect(intact.stdout).toMatch(/audit chain intact: \d+ entries verified/);

    const database = await openDatabase({ dataDir });
    const { rows } = await sql<{ id: number; seq: number }>`
      select event_id as id, seq from audit_seal order by seq offset 3 limit 1`.execute(database.db);
    const target = rows[0]!;
    await database.db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await sql`update audit_event set new_values = '{"name_en":"forged"}'::jsonb where id = ${target.id}`.execute(
        tx,
      );
    });
    await database.close();

    const broken = cgtlink(['audit', 'verify'], { CGTLINK_MODE: 'demo' });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`BROKEN at seal ${target.seq} (audit event ${target.id})`);
  });
});
