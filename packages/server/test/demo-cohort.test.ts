import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFollowupCohort } from '../src/seed/demo-cohort';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}

describe.each(ENGINES)('the demo follow-up cohort on %s', (engine) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(engine);
    await seedFollowupCohort(t.platform, 40);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('gives every cohort patient years of records from which the end points compute', async () => {
    const headers = await t.as('dr.zhou');
    const patients = (await t.app.inject({ method: 'GET', url: '/api/patients?limit=100', headers })).json<
      Json[]
    >();
    expect(patients.length).toBe(4 + 20);
    const cohort = patients.filter((p) => !['李小明', '张雨桐', '王建国', '刘芳'].includes(p.name as string));
    let engrafted = 0;
    for (const p of cohort.slice(0, 8)) {
      const f = (
        await t.app.inject({ method: 'GET', url: `/api/patients/${p.id}/followup`, headers })
      ).json();
      expect(f.enrolment).not.toBeNull();
      expect(f.observations.length).toBeGreaterThan(20);
      expect(f.visits.length).toBeGreaterThan(3);
      if (f.endpoints.engraftment.neutrophil.status === 'engrafted') engrafted++;
    }
    expect(engrafted).toBeGreaterThan(0);
  });

  it('lets the regulator monitor three products and see late expedited reports', async () => {
    const headers = await t.as('inspector');
    const report = (
      await t.app.inject({
        method: 'POST',
        url: '/api/safety/monitoring',
        headers,
        payload: { expectedPerPatientYear: 0.5 },
      })
    ).json();
    expect(report.products).toHaveLength(3);
    expect(report.products.every((p: Json) => (p.months as unknown[]).length > 0)).toBe(true);
    expect(report.signals.length).toBeGreaterThan(0);
    const events = (await t.app.inject({ method: 'GET', url: '/api/adverse-events', headers })).json<
      Json[]
    >();
    expect(events.length).toBeGreaterThan(20);
  });
});
