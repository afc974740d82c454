import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFollowupCohort } from '../src/seed/demo-cohort';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}

describe.each(ENGINES)('the demo cohort’s measures on %s', (engine) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await openTestPlatform(engine);
    await seedFollowupCohort(t.platform, 12, undefined, { kneePatients: 2, liverPatients: 2 });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
  });

  it('gives cohort patients iron, MELD and vitals, and knee patients a KOOS change from baseline', async () => {
    const headers = await t.as('dr.zhou');
    const patients = (await t.app.inject({ method: 'GET', url: '/api/patients?limit=100', headers })).json<
      Json[]
    >();
    const cohort = patients.filter((p) => !['李小明', '张雨桐', '王建国', '刘芳'].includes(p.name as string));
    const knee = cohort.filter((p) => String(p.diagnosis).startsWith('Knee osteoarthritis'));
    expect(knee).toHaveLength(2);
    const liver = cohort.filter((p) => String(p.diagnosis).includes('liver failure'));
    expect(liver).toHaveLength(2);
    const thal = cohort.filter((p) => !knee.includes(p) && !liver.includes(p));
    let withIron = 0;
    let withMeld = 0;
    for (const p of thal) {
      const f = (
        await t.app.inject({ method: 'GET', url: `/api/patients/${p.id}/followup`, headers })
      ).json();
      if (f.measures.iron.latest.lic && f.measures.iron.latest.t2star) withIron++;
      if (f.measures.meld.points.length > 0) withMeld++;
      expect(f.observations.some((o: Json) => o.code === 'weight')).toBe(true);
    }
    expect(withIron).toBeGreaterThan(0);
    expect(withMeld).toBe(withIron);
    for (const p of knee) {
      const f = (
        await t.app.inject({ method: 'GET', url: `/api/patients/${p.id}/followup`, headers })
      ).json();
      expect(f.enrolment).toMatchObject({ protocol: 'msc' });
      expect(f.measures.koos.pain.baseline).not.toBeNull();
      expect(f.measures.koos.pain.change).not.toBeNull();
    }
  });

  it('gives the evaluation MELD from baseline labs and 90-day survival for the liver-failure patients', async () => {
    const headers = await t.as('evaluator.chen');
    const e = (await t.app.inject({ method: 'GET', url: '/api/evaluation', headers })).json();
    // Every liver patient has labs the day before infusion and on day 7 (deaths come from day 10).
    expect(e.efficacy.liver).toMatchObject({ n: 2, meld: { n: 2 }, survival90: { n: 2 } });
    expect(e.efficacy.liver.meld.baseline.median).toBeGreaterThan(15);
    expect(e.efficacy.knee.n).toBe(2);
    // They belong to their product's filing, whose evaluation shows them alone.
    const filing = await t.platform.database.db
      .selectFrom('filing')
      .select('id')
      .where('product_name', '=', 'MSC intravenous (acute-on-chronic liver failure)')
      .executeTakeFirstOrThrow();
    const own = (
      await t.app.inject({ method: 'GET', url: `/api/evaluation?filingId=${filing.id}`, headers })
    ).json();
    expect(own.cohort.n).toBe(2);
    expect(own.efficacy.liver.n).toBe(2);
    expect(own.efficacy.knee.n).toBe(0);
  });

  it('monitors each cohort product against the rate its filing declares', async () => {
    const headers = await t.as('inspector');
    const report = (
      await t.app.inject({ method: 'POST', url: '/api/safety/monitoring', headers, payload: {} })
    ).json();
    expect(report.products.length).toBeGreaterThanOrEqual(2);
    expect(report.products.every((p: Json) => p.expectedSource === 'filing')).toBe(true);
  });
});
