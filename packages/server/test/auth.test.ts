import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService, THROTTLE } from '../src/auth/auth.service';
import { tokenHash } from '../src/auth/tokens';
import { DEMO_PASSWORD } from '../src/seed/demo';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

function cookieOf(setCookie: string | string[] | undefined): string {
  const header = Array.isArray(setCookie) ? setCookie[0] : setCookie;
  if (!header) throw new Error('no session cookie set');
  return header.split(';')[0]!;
}

describe.each(ENGINES)('authentication on %s', (engine) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(engine);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a wrong password with 401 problem+json and no cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'coord.lin', password: 'not-the-password' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.json().detail).toBe('wrong username or password');
  });

  it('answers an unknown username exactly as a wrong password', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'nobody.here', password: 'whatever-it-is' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('wrong username or password');
  });

  it('sets an HttpOnly SameSite=Strict cookie and requires the CSRF token on unsafe methods', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = cookieOf(login.headers['set-cookie']);
    const { csrfToken } = login.json<{ csrfToken: string }>();

    const read = await t.app.inject({ method: 'GET', url: '/api/organizations', headers: { cookie } });
    expect(read.statusCode).toBe(200);

    const payload = { code: 'CSRF-TEST', kind: 'hospital', nameZh: '测试医院', nameEn: 'Test Hospital' };
    const forged = await t.app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: { cookie },
      payload,
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().detail).toMatch(/CSRF/);
    const orgs = await t.app.inject({ method: 'GET', url: '/api/organizations', headers: { cookie } });
    expect(orgs.json<{ code: string }[]>().some((o) => o.code === 'CSRF-TEST')).toBe(false);

    const genuine = await t.app.inject({
      method: 'POST',
      url: '/api/organizations',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload,
    });
    expect(genuine.statusCode).toBe(201);
  });

  it('revokes the session at logout', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'dr.he', password: DEMO_PASSWORD },
    });
    const cookie = cookieOf(login.headers['set-cookie']);
    const { csrfToken } = login.json<{ csrfToken: string }>();
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('refuses an expired session', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username: 'qc.liang', password: DEMO_PASSWORD },
    });
    const { token } = res.json<{ token: string }>();
    const ok = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    await t.platform.database.db
      .updateTable('session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', tokenHash(token))
      .execute();
    // Changed behind the server's back, as another process would: this server's session cache is dropped the
    // way it is after any change made through it (the next test covers the cache's own window).
    t.platform.auth.forgetSessions();
    const expired = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toMatch(/expired/);
  });

  it('reuses a resolved session only for its short time to live', async () => {
    const auth = new AuthService(t.platform.database.db, {
      idleMinutes: 30,
      absoluteHours: 12,
      cacheMs: 300,
    });
    const issued = await auth.login(
      { username: 'qc.liang', password: DEMO_PASSWORD, ip: '10.1.2.3' },
      'bearer',
    );
    await auth.authenticate(issued.token);
    await t.platform.database.db
      .updateTable('session')
      .set({ revoked_at: new Date() })
      .where('token_hash', '=', tokenHash(issued.token))
      .execute();
    // Revoked by another process: this one still trusts its cached copy within the time to live …
    expect((await auth.authenticate(issued.token)).principal.username).toBe('qc.liang');
    await new Promise((resolve) => setTimeout(resolve, 350));
    // … and reads the database again once it has passed.
    await expect(auth.authenticate(issued.token)).rejects.toThrow(/signed out/);
  });

  it('refuses a request with no credentials and one with a made-up token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/patients' })).statusCode).toBe(401);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/patients',
      headers: { authorization: 'Bearer made-up-token' },
    });
    expect(res.statusCode).toBe(401);
  });

  it(`throttles an account after ${THROTTLE.perUser} failures, even for the right password, with Retry-After`, async () => {
    for (let i = 0; i < THROTTLE.perUser; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { username: 'analyst.wu', password: `wrong-guess-${i}` },
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await t.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username: 'analyst.wu', password: DEMO_PASSWORD },
    });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(60);
    // Other accounts are unaffected.
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username: 'qp.tang', password: DEMO_PASSWORD },
    });
    expect(other.statusCode).toBe(200);
  });

  it('refuses a password that breaks the policy, naming the field, and creates no account', async () => {
    const headers = await t.as('admin');
    const orgs = (await t.app.inject({ method: 'GET', url: '/api/organizations', headers })).json<
      { id: string; code: string }[]
    >();
    const nsh = orgs.find((o) => o.code === 'NSH')!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: {
        organizationId: nsh.id,
        username: 'nurse.short',
        displayName: 'Nurse',
        role: 'hospital_coordinator',
        password: 'short',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('password');
    expect(res.json().detail).toMatch(/at least 12 characters/);
    const users = (await t.app.inject({ method: 'GET', url: '/api/users', headers })).json<
      { username: string }[]
    >();
    expect(users.some((u) => u.username === 'nurse.short')).toBe(false);
  });

  it('refuses a role that does not belong to the organization kind', async () => {
    const headers = await t.as('admin');
    const orgs = (await t.app.inject({ method: 'GET', url: '/api/organizations', headers })).json<
      { id: string; code: string }[]
    >();
    const lab = orgs.find((o) => o.code === 'GBA-SCB')!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers,
      payload: {
        organizationId: lab.id,
        username: 'fake.doctor',
        displayName: 'X',
        role: 'hospital_physician',
        password: 'a-long-enough-passphrase',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('role');
  });

  it('disabling a user revokes their sessions at once', async () => {
    const token = await t.token('foundation.yang');
    const admin = await t.as('admin');
    const users = (await t.app.inject({ method: 'GET', url: '/api/users', headers: admin })).json<
      { id: string; username: string; version: number }[]
    >();
    const target = users.find((u) => u.username === 'foundation.yang')!;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${target.id}`,
      headers: admin,
      payload: { active: false, version: target.version, reason: 'left the foundation' },
    });
    expect(res.statusCode).toBe(200);
    const denied = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(denied.statusCode).toBe(401);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username: 'foundation.yang', password: DEMO_PASSWORD },
    });
    expect(again.statusCode).toBe(401);
  });

  it("names the principal's organization in the session, so a patient account sees its hospital", async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: await t.as('guardian.li'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().organization).toMatchObject({
      code: 'NSH',
      kind: 'hospital',
      nameZh: '广州市第一人民医院南沙医院',
    });
    expect(Date.parse(res.json().expiresAt)).toBeGreaterThan(Date.now());
  });
});
