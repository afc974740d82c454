import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/audit/verify';
import { openDatabase } from '../src/db/database';
import { AUDIT_DIGEST_FUNCTIONS as ORIGINAL_0022 } from '../src/db/migrations/0022_audit_digest';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

const PUBLIC_FUNCTIONS = sql<{ name: string; body: string; config: string[] | null }>`
  select p.proname as name, p.prosrc as body, p.proconfig as config
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'`;

describe.each(ENGINES)('functions that restore on %s', (engine) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(engine);
    await t.platform.sealer.flush();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('no function calls another of ours unqualified without a fixed search_path', async () => {
    const { rows } = await PUBLIC_FUNCTIONS.execute(t.platform.database.db);
    const names = rows.map((r) => r.name);
    const offenders = rows
      .filter((r) => !(r.config ?? []).some((c) => c.startsWith('search_path=')))
      .filter((r) => names.some((n) => new RegExp(`(?<![.\\w])${n}\\s*\\(`).test(r.body)))
      .map((r) => r.name);
    expect(offenders).toEqual([]);
    expect(names).toContain('audit_entry_digest');
  });

  it('keeps every digest the value migration 0022 computed', async () => {
    const { db } = t.platform.database;
    // The original body, unqualified, evaluated with the search path that finds its helpers.
    await sql
      .raw(`CREATE FUNCTION pg_temp.digest_0022(
  id bigint, occurred_at timestamptz, actor_user_id uuid, actor_name text, organization_id uuid, role text,
  action text, entity_type text, entity_id text, old_values jsonb, new_values jsonb, reason text,
  request_id text) RETURNS bytea LANGUAGE sql SET search_path = public AS $f$${ORIGINAL_0022.audit_entry_digest}$f$`)
      .execute(db);
    const result = await sql<{ n: number; differing: number }>`
      select count(*)::int as n, count(*) filter (where digest <> pg_temp.digest_0022(id, occurred_at,
        actor_user_id, actor_name, organization_id, role, action, entity_type, entity_id, old_values,
        new_values, reason, request_id))::int as differing from audit_event`.execute(db);
    expect(result.rows[0]!.n).toBeGreaterThan(50);
    expect(result.rows[0]!.differing).toBe(0);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, firstBroken: null });
  });
});

// pg_dump and psql need the server; PGlite has its own dump format and no pg_dump.
describe.skipIf(!process.env.DATABASE_URL)('pg_dump | psql on the PostgreSQL server', () => {
  let t: TestPlatform;
  let target: string;
  const admin = process.env.DATABASE_URL!;
  beforeAll(async () => {
    t = await openTestPlatform('postgres');
    // More audited work after the seed: reads of patient records append entries too.
    for (const user of ['dr.zhou', 'inspector']) {
      await t.app.inject({ method: 'GET', url: '/api/patients', headers: await t.as(user) });
    }
    await t.platform.sealer.flush();
    target = `cgtlink_restore_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`create database ${target}`);
    await client.end();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`drop database if exists ${target} with (force)`);
    await client.end();
  });

  it('restores into a fresh database where the audit chain verifies, every entry present', async () => {
    const source = (t.platform.database as { url?: string }).url;
    expect(source).toBeTruthy();
    const url = new URL(admin);
    url.pathname = `/${target}`;
    const dump = execFileSync('pg_dump', ['--dbname', source!], { maxBuffer: 1 << 30 });
    // ON_ERROR_STOP: the failure this guards against was an error in the middle of the restore.
    execFileSync('psql', ['--quiet', '-v', 'ON_ERROR_STOP=1', '--dbname', url.toString()], {
      input: dump,
      maxBuffer: 1 << 30,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const count = async (db: typeof t.platform.database.db, table: 'audit_event' | 'audit_seal') =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n,
      );
    const restored = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
    try {
      const events = await count(t.platform.database.db, 'audit_event');
      expect(events).toBeGreaterThan(50);
      expect(await count(restored.db, 'audit_event')).toBe(events);
      expect(await count(restored.db, 'audit_seal')).toBe(await count(t.platform.database.db, 'audit_seal'));
      const report = await verifyAuditChain(restored.db);
      expect(report).toMatchObject({ ok: true, firstBroken: null });
      expect(report.checked).toBe(await count(restored.db, 'audit_seal'));
      expect(report.deep?.checked).toBe(report.checked);
    } finally {
      await restored.close();
    }
  }, 120_000);
});
