import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

describe.each(ENGINES)('duplicate registration across hospitals on %s', (engine) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(engine);
  });
  afterAll(async () => {
    await t?.close();
  });
  const register = async (username: string, nationalId: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/patients',
      headers: await t.as(username),
      payload: {
        name: '测试',
        nationalId,
        sex: 'male',
        birthDate: '2011-03-15',
        diagnosis: 'β-thalassemia major',
      },
    });

  it('flags a national ID already registered at another hospital by its keyed hash, revealing nothing else', async () => {
    // 440115201103150012 is registered at NSH by the demo seed; NBCH registers the same person.
    const res = await register('dr.he', '440115201103150012');
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.duplicateElsewhere).toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/NSH|李小明/);
    const nsh = (
      await t.app.inject({ method: 'GET', url: '/api/patients', headers: await t.as('dr.zhou') })
    ).json();
    expect(JSON.stringify(body)).not.toContain(
      nsh.find((p: { nationalId: string }) => p.nationalId === '440115201103150012').pseudonym,
    );
  });

  it('does not flag a new person, and refuses a second registration at the same hospital', async () => {
    expect((await register('dr.he', '44011520200101002X')).json().duplicateElsewhere).toBe(false);
    expect((await register('dr.zhou', '440115201103150012')).statusCode).toBe(409);
  });
});
