import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../src/seed/demo';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

describe.each(ENGINES)('electronic signatures on %s', (engine) => {
  let t: TestPlatform;
  let org: { id: string; version: number };
  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const orgs = (
      await t.app.inject({ method: 'GET', url: '/api/organizations', headers: await t.as('admin') })
    ).json<{ id: string; code: string; version: number }[]>();
    org = orgs.find((o) => o.code === 'NBCH')!;
  });
  afterAll(async () => {
    await t?.close();
  });

  const sign = async (username: string, password: string, meaning = 'approved') =>
    t.app.inject({
      method: 'POST',
      url: '/api/signatures',
      headers: await t.as(username),
      payload: { entityType: 'organization', entityId: org.id, meaning, password },
    });
  const signatures = async () =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/api/signatures?entityType=organization&entityId=${org.id}`,
        headers: await t.as('admin'),
      })
    ).json<
      { meaning: string; printedName: string; signedAt: string; valid: boolean; contentHash: string }[]
    >();

  it('refuses a signature without the right password and records none', async () => {
    const res = await sign('admin', 'not-my-password');
    // 403, not 401: the session stays valid; the problem names the password field.
    expect(res.statusCode).toBe(403);
    expect(res.json().errors).toEqual([
      { field: 'password', message: expect.stringContaining('does not match') },
    ]);
    const session = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: await t.as('admin'),
    });
    expect(session.statusCode).toBe(200);
    expect(await signatures()).toHaveLength(0);
  });

  it('refuses a role that may not apply the meaning', async () => {
    const res = await sign('dr.zhou', DEMO_PASSWORD);
    expect(res.statusCode).toBe(403);
    expect(await signatures()).toHaveLength(0);
  });

  it('shows printed name, time and meaning, bound to the content hash', async () => {
    const res = await sign('admin', DEMO_PASSWORD);
    expect(res.statusCode).toBe(201);
    const [signature] = await signatures();
    expect(signature).toMatchObject({ meaning: 'approved', printedName: '陈立 Chen Li', valid: true });
    expect(signature?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(signature!.signedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('shows the signature as no longer valid once the record changes', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/organizations/${org.id}`,
      headers: await t.as('admin'),
      payload: { nameEn: 'Nansha Bay Children’s Hospital (renamed)', version: org.version },
    });
    expect(res.statusCode).toBe(200);
    const [signature] = await signatures();
    expect(signature?.valid).toBe(false);
  });
});
