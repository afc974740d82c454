import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPending } from '../src/audit/sealer';
import { verifyAuditChain } from '../src/audit/verify';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

describe.each(ENGINES)('audit trail on %s', (engine) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  async function orgByCode(code: string) {
    const orgs = (
      await t.app.inject({ method: 'GET', url: '/api/organizations', headers: await t.as('admin') })
    ).json<{ id: string; code: string; version: number; nameEn: string }[]>();
    return orgs.find((o) => o.code === code)!;
  }

  it('records who changed what from what to what, with the reason and request id', async () => {
    const org = await orgByCode('THAL-CARE');
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/organizations/${org.id}`,
      headers: { ...(await t.as('admin')), 'x-request-id': 'req-audit-test-0001' },
      payload: {
        nameEn: 'Thalassaemia Care Foundation',
        version: org.version,
        reason: 'British spelling on the charter',
      },
    });
    expect(res.statusCode).toBe(200);
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/audit/history/organization/${org.id}`,
      headers: await t.as('inspector'),
    });
    expect(history.statusCode).toBe(200);
    const lines =
      history.json<
        { action: string; field: string; from: unknown; to: unknown; who: string; reason: string }[]
      >();
    const change = lines.find((l) => l.action === 'update' && l.field === 'nameEn');
    expect(change).toMatchObject({
      from: 'Thalassemia Care Foundation',
      to: 'Thalassaemia Care Foundation',
      reason: 'British spelling on the charter',
    });
    expect(change?.who).toContain('admin');
    const entries = await t.app.inject({
      method: 'GET',
      url: `/api/audit?entityType=organization&entityId=${org.id}&action=update`,
      headers: await t.as('inspector'),
    });
    expect(entries.json<{ requestId: string }[]>()[0]?.requestId).toBe('req-audit-test-0001');
  });

  it('refuses a stale version instead of overwriting a newer change', async () => {
    const org = await orgByCode('NS-GENE');
    const first = await t.app.inject({
      method: 'PATCH',
      url: `/api/organizations/${org.id}`,
      headers: await t.as('admin'),
      payload: { nameEn: 'Nansha Gene Therapeutics Ltd.', version: org.version },
    });
    expect(first.statusCode).toBe(200);
    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/api/organizations/${org.id}`,
      headers: await t.as('admin'),
      payload: { nameEn: 'Overwritten', version: org.version },
    });
    expect(stale.statusCode).toBe(409);
    expect((await orgByCode('NS-GENE')).nameEn).toBe('Nansha Gene Therapeutics Ltd.');
  });

  it('audits every read of a patient record', async () => {
    const patients = (
      await t.app.inject({ method: 'GET', url: '/api/patients', headers: await t.as('dr.he') })
    ).json<{ id: string }[]>();
    const id = patients[0]!.id;
    await t.app.inject({ method: 'GET', url: `/api/patients/${id}`, headers: await t.as('dr.he') });
    const reads = await t.app.inject({
      method: 'GET',
      url: `/api/audit?entityType=patient&entityId=${id}&action=read`,
      headers: await t.as('inspector'),
    });
    const entries = reads.json<{ actorName: string; newValues: { view: string } }[]>();
    expect(entries.length).toBeGreaterThanOrEqual(1);
    expect(entries[0]?.actorName).toContain('dr.he');
    expect(entries[0]?.newValues.view).toBe('identified');
  });

  it('never writes a direct identifier into the audit trail', async () => {
    const rows = await sql<{
      v: string;
    }>`select coalesce(new_values::text, '') || coalesce(old_values::text, '') as v
      from audit_event where entity_type = 'patient'`.execute(t.platform.database.db);
    const text = rows.rows.map((r) => r.v).join('\n');
    expect(text).toContain('[encrypted]');
    expect(text).not.toContain('李小明');
    expect(text).not.toContain('440115201103150012');
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit entries at the database level, even for the owner', async () => {
    const db = t.platform.database.db;
    await expect(sql`update audit_event set reason = 'rewritten' where id = 1`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_event where id = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_event cascade`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_seal where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('verifies an intact chain through the API (regulator) and refuses it to a hospital', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/audit/verify',
      headers: await t.as('inspector'),
    });
    expect(res.statusCode).toBe(200);
    const report = res.json<{ ok: boolean; checked: number; unsealed: number }>();
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(20);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/audit/verify',
      headers: await t.as('dr.zhou'),
    });
    expect(denied.statusCode).toBe(403);
  });

  it('seals entries committed by parallel writers into one gap-free chain', async () => {
    const headers = await t.as('coord.lin');
    const writes = Array.from({ length: 12 }, (_, i) =>
      t.app.inject({
        method: 'POST',
        url: '/api/patients',
        headers,
        payload: {
          name: `并发测试${i}`,
          sex: 'female',
          birthDate: '2015-01-01',
          diagnosis: 'β-thalassemia major',
        },
      }),
    );
    const results = await Promise.all(writes);
    expect(results.every((r) => r.statusCode === 201)).toBe(true);
    await t.platform.sealer.flush();
    const report = await verifyAuditChain(t.platform.database.db);
    expect(report.ok).toBe(true);
    expect(report.unsealed).toBe(0);
    const { rows } = await sql<{
      n: number;
      max: number;
    }>`select count(*)::int as n, max(seq)::int as max from audit_seal`.execute(t.platform.database.db);
    expect(rows[0]!.n).toBe(rows[0]!.max);
  });

  it('detects a row tampered with behind the triggers and names the first broken entry', async () => {
    const db = t.platform.database.db;
    await sealPending(db);
    const target = await sql<{ id: number; seq: number }>`
      select e.id, s.seq from audit_event e join audit_seal s on s.event_id = e.id order by s.seq limit 1 offset 5`.execute(
      db,
    );
    const { id, seq } = target.rows[0]!;
    // An attacker with superuser rights bypasses the append-only triggers and edits one entry.
    await db.transaction().execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx);
      await sql`update audit_event set actor_name = 'someone else' where id = ${id}`.execute(tx);
    });
    const report = await verifyAuditChain(db);
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ seq, eventId: id });
    expect(report.firstBroken?.problem).toMatch(/altered/);
    expect(report.checked).toBe(seq - 1);

    const api = await t.app.inject({
      method: 'GET',
      url: '/api/audit/verify',
      headers: await t.as('inspector'),
    });
    expect(api.json().firstBroken.eventId).toBe(id);
  });
});
