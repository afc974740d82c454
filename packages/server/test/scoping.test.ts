import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface PatientJson {
  id: string;
  hospitalId: string;
  pseudonym: string;
  name?: string;
  nationalId?: string | null;
  view: string;
}

async function principalOf(t: TestPlatform, username: string): Promise<Principal> {
  const res = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: await t.as(username) });
  return res.json<{ principal: Principal }>().principal;
}

describe.each(ENGINES)('scoping and denials on %s', (engine) => {
  let t: TestPlatform;
  let nshPatients: PatientJson[];
  let nbchPatients: PatientJson[];

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    nshPatients = (
      await t.app.inject({ method: 'GET', url: '/api/patients', headers: await t.as('dr.zhou') })
    ).json();
    nbchPatients = (
      await t.app.inject({ method: 'GET', url: '/api/patients', headers: await t.as('dr.he') })
    ).json();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('shows each hospital only its own patients, identified', () => {
    expect(nshPatients).toHaveLength(4);
    expect(nbchPatients).toHaveLength(2);
    const nsh = new Set(nshPatients.map((p) => p.hospitalId));
    expect(nsh.size).toBe(1);
    expect(nbchPatients.every((p) => !nsh.has(p.hospitalId))).toBe(true);
    expect(nshPatients.every((p) => p.view === 'identified' && typeof p.name === 'string')).toBe(true);
  });

  it('refuses hospital A a hospital B patient by id with 404, the same answer as for no such patient', async () => {
    const other = nbchPatients[0]!;
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/patients/${other.id}`,
      headers: await t.as('dr.zhou'),
    });
    expect(res.statusCode).toBe(404);
    const absent = await t.app.inject({
      method: 'GET',
      url: '/api/patients/00000000-0000-4000-8000-000000000000',
      headers: await t.as('dr.zhou'),
    });
    expect(absent.statusCode).toBe(404);
    expect(res.json().detail).toBe(absent.json().detail);
  });

  it('refuses hospital A a hospital B patient through the audit history and signatures routes too', async () => {
    const other = nbchPatients[0]!;
    const history = await t.app.inject({
      method: 'GET',
      url: `/api/audit/history/patient/${other.id}`,
      headers: await t.as('dr.zhou'),
    });
    expect(history.statusCode).toBe(403);
    const signatures = await t.app.inject({
      method: 'GET',
      url: `/api/signatures?entityType=patient&entityId=${other.id}`,
      headers: await t.as('dr.zhou'),
    });
    expect(signatures.statusCode).toBe(400);
  });

  it('lets a patient account read its own record and nothing else', async () => {
    const me = await principalOf(t, 'guardian.li');
    expect(me.patientId).toBeTruthy();
    const own = await t.app.inject({
      method: 'GET',
      url: `/api/patients/${me.patientId}`,
      headers: await t.as('guardian.li'),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().name).toBe('李小明');
    const another = nshPatients.find((p) => p.id !== me.patientId)!;
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/patients/${another.id}`,
      headers: await t.as('guardian.li'),
    });
    expect(res.statusCode).toBe(404);
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/patients',
      headers: await t.as('guardian.li'),
    });
    expect(list.statusCode).toBe(403);
  });

  it('gives the regulator de-identified patients: no name, national ID, phone or birth date', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/patients', headers: await t.as('inspector') });
    expect(res.statusCode).toBe(200);
    const rows = res.json<Record<string, unknown>[]>();
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(row.view).toBe('deidentified');
      for (const field of ['name', 'nationalId', 'phone', 'birthDate']) expect(row).not.toHaveProperty(field);
    }
    const one = await t.app.inject({
      method: 'GET',
      url: `/api/patients/${nshPatients[0]!.id}`,
      headers: await t.as('inspector'),
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).not.toHaveProperty('name');
    expect(JSON.stringify(one.json())).not.toContain('4401152011');
  });

  it('refuses laboratory, sponsor and foundation users any patient list (403)', async () => {
    for (const username of ['analyst.wu', 'sponsor.xu', 'foundation.yang']) {
      const res = await t.app.inject({ method: 'GET', url: '/api/patients', headers: await t.as(username) });
      expect(res.statusCode, username).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('refuses non-administrators the organization and user administration', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: await t.as('dr.zhou'),
      payload: { code: 'EVIL', kind: 'hospital', nameZh: '某', nameEn: 'X' },
    });
    expect(res.statusCode).toBe(403);
    const users = await t.app.inject({ method: 'GET', url: '/api/users', headers: await t.as('dr.zhou') });
    const names = users.json<{ username: string }[]>().map((u) => u.username);
    expect(names).toContain('coord.lin');
    expect(names).not.toContain('dr.he');
  });

  describe('row-level security in the database itself', () => {
    it('returns only hospital A rows to a query that forgets its WHERE clause', async () => {
      const me = await principalOf(t, 'dr.zhou');
      const rows = await withPrincipal(
        t.platform.database.db,
        me,
        async (tx) => (await sql<{ hospital_id: string }>`select hospital_id from patient`.execute(tx)).rows,
      );
      expect(rows).toHaveLength(4);
      expect(new Set(rows.map((r) => r.hospital_id))).toEqual(new Set([me.organizationId]));
    });

    it('returns only its own record to a patient principal, though the account belongs to the hospital', async () => {
      const me = await principalOf(t, 'guardian.li');
      const rows = await withPrincipal(
        t.platform.database.db,
        me,
        async (tx) => (await sql<{ id: string }>`select id from patient`.execute(tx)).rows,
      );
      expect(rows.map((r) => r.id)).toEqual([me.patientId]);
    });

    it('returns no patient rows at all to a laboratory principal', async () => {
      const me = await principalOf(t, 'qc.liang');
      const rows = await withPrincipal(
        t.platform.database.db,
        me,
        async (tx) => (await sql`select id from patient`.execute(tx)).rows,
      );
      expect(rows).toHaveLength(0);
    });

    it('refuses the regulator role any direct-identifier column, even in a raw query', async () => {
      const me = await principalOf(t, 'inspector');
      await expect(
        withPrincipal(t.platform.database.db, me, async (tx) =>
          sql`select name_enc from patient`.execute(tx),
        ),
      ).rejects.toThrow(/permission denied/);
      const ok = await withPrincipal(
        t.platform.database.db,
        me,
        async (tx) => (await sql`select pseudonym from patient`.execute(tx)).rows,
      );
      expect(ok).toHaveLength(6);
    });

    it('refuses a hospital principal an insert of a patient into another hospital', async () => {
      const me = await principalOf(t, 'dr.zhou');
      const other = nbchPatients[0]!.hospitalId;
      await expect(
        withPrincipal(t.platform.database.db, me, async (tx) =>
          sql`insert into patient (hospital_id, pseudonym, sex, birth_date, diagnosis, name_enc)
              values (${other}, 'P-INJECTED', 'male', '2010-01-01', 'x', 'x')`.execute(tx),
        ),
      ).rejects.toThrow(/row-level security/);
    });

    it('never exposes password hashes or sessions to the application roles', async () => {
      const me = await principalOf(t, 'admin');
      await expect(
        withPrincipal(t.platform.database.db, me, async (tx) =>
          sql`select password_hash from app_user`.execute(tx),
        ),
      ).rejects.toThrow(/permission denied/);
      await expect(
        withPrincipal(t.platform.database.db, me, async (tx) => sql`select * from session`.execute(tx)),
      ).rejects.toThrow(/permission denied/);
    });
  });
});
