import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

describe.each(ENGINES)('HTTP API on %s', (engine) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  const counts = async () => {
    const { rows } = await sql<{ patients: number; events: number }>`
      select (select count(*)::int from patient) as patients, (select count(*)::int from audit_event) as events`.execute(
      t.platform.database.db,
    );
    return rows[0]!;
  };

  it('serves liveness, readiness and an OpenAPI 3.1 document with the routes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      database: engine,
    });
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/patients', '/api/audit', '/api/signatures', '/api/auth/login']),
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
  });

  it('answers a body with a bad field with 400 problem+json naming the field, and writes nothing', async () => {
    const before = await counts();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers: await t.as('dr.zhou'),
      payload: { name: '赵六', sex: 'other', birthDate: '2014-02-30', diagnosis: 'β-thalassemia' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json<{ errors: { field: string }[]; requestId: string; status: number }>();
    expect(problem.status).toBe(400);
    expect(problem.requestId).toBe(res.headers['x-request-id']);
    expect(problem.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['body.sex', 'body.birthDate']),
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses unknown fields rather than ignoring them', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers: await t.as('dr.zhou'),
      payload: {
        name: '赵六',
        sex: 'male',
        birthDate: '2014-02-03',
        diagnosis: 'x',
        hospitalId: 'someone-else',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/hospitalId/);
  });

  it('answers malformed JSON with 400 and an oversized body with 413, writing nothing', async () => {
    const before = await counts();
    const headers = { ...(await t.as('dr.zhou')), 'content-type': 'application/json' };
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers,
      payload: '{"name": "赵六", ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers,
      payload: JSON.stringify({
        name: 'x'.repeat(2 * 1024 * 1024),
        sex: 'male',
        birthDate: '2014-02-03',
        diagnosis: 'x',
      }),
    });
    expect(huge.statusCode).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('registers a valid patient with a pseudonym, encrypting identifiers at rest', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers: await t.as('dr.zhou'),
      payload: {
        name: '赵六',
        nationalId: '44011520140203001X',
        sex: 'male',
        birthDate: '2014-02-03',
        diagnosis: 'β-thalassemia major',
      },
    });
    expect(res.statusCode).toBe(201);
    const patient = res.json<{ id: string; pseudonym: string; name: string }>();
    expect(patient.pseudonym).toMatch(/^P-[0-9A-Z]{10}$/);
    expect(patient.name).toBe('赵六');
    const { rows } = await sql<{
      name_enc: string;
    }>`select name_enc from patient where id = ${patient.id}`.execute(t.platform.database.db);
    expect(rows[0]!.name_enc).not.toContain('赵六');
    expect(rows[0]!.name_enc).toMatch(/^v1\./);
    const duplicate = await t.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers: await t.as('coord.lin'),
      payload: {
        name: '赵六',
        nationalId: '44011520140203001x',
        sex: 'male',
        birthDate: '2014-02-03',
        diagnosis: 'β-thalassemia major',
      },
    });
    expect(duplicate.statusCode).toBe(409);
  });

  it('answers an unknown route with problem+json 404', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/nothing-here',
      headers: await t.as('dr.zhou'),
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('serves the web app with a fallback to index.html for client routes, and problem+json for unknown API paths', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'cgtlink-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>CGTLink</title>');
    const web = await buildApp(t.platform, { webDir, logLevel: 'silent' });
    try {
      const page = await web.inject({ method: 'GET', url: '/patients/some-id' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>CGTLink</title>');
      const api = await web.inject({
        method: 'GET',
        url: '/api/nothing-here',
        headers: await t.as('dr.zhou'),
      });
      expect(api.statusCode).toBe(404);
      expect(api.headers['content-type']).toContain('application/problem+json');
    } finally {
      await web.close();
    }
  });

  it('lists users for the regulator (de-identified role) without failing', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users', headers: await t.as('inspector') });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ username: string }[]>().map((u) => u.username)).toEqual(['inspector']);
  });
});
