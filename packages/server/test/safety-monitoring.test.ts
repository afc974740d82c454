import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { SafetyMonitorService } from '../src/followup/safety-monitor.service';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}

const PRODUCT = 'NS-β-globin LVV CD34+';

describe.each(ENGINES)('registry safety monitoring in the background on %s', (engine) => {
  let t: TestPlatform;
  let li: string;
  let nbch: string;

  const call = async (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const principalOf = async (user: string) =>
    (await call(user, 'GET', '/api/auth/session')).json<{ principal: Principal }>().principal;
  const serious = (patient: string, user: string, term: string, onsetDate: string) =>
    call(user, 'POST', `/api/patients/${patient}/adverse-events`, {
      term,
      grade: 3,
      onsetDate,
      seriousness: ['hospitalization'],
      causalityProduct: 'possible',
      causalityProcedure: 'unrelated',
      outcome: 'recovered',
      awarenessDate: onsetDate,
    });
  const counts = async () => {
    const { db } = t.platform.database;
    const n = async (table: 'alert' | 'safety_monitoring_run') =>
      Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const audited = await db
      .selectFrom('audit_event')
      .select(db.fn.countAll().as('n'))
      .where('entity_type', '=', 'alert')
      .executeTakeFirstOrThrow();
    return {
      alerts: await n('alert'),
      runs: await n('safety_monitoring_run'),
      alertAudits: Number(audited.n),
    };
  };

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    li = (await call('dr.zhou', 'GET', '/api/patients'))
      .json<{ id: string; name: string }[]>()
      .find((p) => p.name === '李小明')!.id;
    nbch = (await call('dr.he', 'GET', '/api/patients')).json<{ id: string }[]>()[0]!.id;
    for (const [patient, user, product] of [
      [li, 'dr.zhou', PRODUCT],
      [nbch, 'dr.he', 'Haplo HSCT'],
    ] as const) {
      const res = await call(user, 'POST', `/api/patients/${patient}/followup/enrolment`, {
        productName: product,
        graftSource: 'gene-therapy',
        protocol: 'gene-therapy',
        infusionDate: '2025-01-01',
        referenceTerms: [],
      });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has no result before the first run, and the first background pass stores one', async () => {
    expect((await call('inspector', 'GET', '/api/safety/monitoring')).statusCode).toBe(404);
    expect((await call('dr.zhou', 'GET', '/api/safety/monitoring')).statusCode).toBe(403);
    const stored = await t.platform.safetyMonitor.refresh();
    expect(stored).toMatchObject({ trigger: 'change', stale: false });
    const res = await call('inspector', 'GET', '/api/safety/monitoring');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ runId: stored!.runId, trigger: 'change', stale: false });
    expect(res.json().products.map((p: Json) => p.product)).toEqual(['Haplo HSCT', PRODUCT]);
    // Nothing changed and the day is the same: a second pass has nothing to do.
    expect(await t.platform.safetyMonitor.refresh()).toBeNull();
  });

  it('writes no alert and no run when the page is opened, even with signals standing', async () => {
    // A forced run with a low fallback rate signals and raises alerts, once.
    for (let i = 0; i < 3; i++)
      expect((await serious(li, 'dr.zhou', 'Veno-occlusive disease', '2025-03-01')).statusCode).toBe(201);
    const forced = await call('inspector', 'POST', '/api/safety/monitoring', {
      expectedPerPatientYear: 0.01,
    });
    expect(forced.statusCode).toBe(200);
    expect(forced.json().trigger).toBe('request');
    expect(forced.json().raised).toBeGreaterThan(0);
    expect(forced.json().products.find((p: Json) => p.product === PRODUCT).maxSprtSignal).not.toBeNull();
    const before = await counts();
    for (let i = 0; i < 3; i++) {
      const page = await call('inspector', 'GET', '/api/safety/monitoring');
      expect(page.json()).toMatchObject({ runId: forced.json().runId, expectedPerPatientYear: 0.01 });
    }
    expect(await counts()).toEqual(before);
    // Forcing again raises nothing new for the same signals.
    expect(
      (await call('inspector', 'POST', '/api/safety/monitoring', { expectedPerPatientYear: 0.01 })).json()
        .raised,
    ).toBe(0);
    expect((await counts()).alerts).toBe(before.alerts);
  });

  it('stores a new result after a new serious adverse event, keeping the fallback rate', async () => {
    const last = (await call('inspector', 'GET', '/api/safety/monitoring')).json();
    expect(last.stale).toBe(false);
    const haploBefore = last.products.find((p: Json) => p.product === 'Haplo HSCT');
    expect((await serious(nbch, 'dr.he', 'Pneumonia', '2025-04-10')).statusCode).toBe(201);
    // The page still shows the stored result, now marked as about to be replaced.
    const pending = (await call('inspector', 'GET', '/api/safety/monitoring')).json();
    expect(pending).toMatchObject({ runId: last.runId, stale: true });
    const stored = await t.platform.safetyMonitor.refresh();
    expect(stored).toMatchObject({ trigger: 'change', expectedPerPatientYear: 0.01 });
    const page = (await call('inspector', 'GET', '/api/safety/monitoring')).json();
    expect(page.runId).toBe(stored!.runId);
    expect(page.runId).not.toBe(last.runId);
    const haplo = page.products.find((p: Json) => p.product === 'Haplo HSCT');
    const april = (p: Json) => (p.months as Json[]).find((m) => m.month === '2025-04')!.observed as number;
    expect(april(haplo)).toBe(april(haploBefore) + 1);
    expect(page.signals.some((s: Json) => s.product === 'Haplo HSCT' && s.term === 'Pneumonia')).toBe(true);
  });

  it('runs on the schedule when the day has moved on, and in the background loop after a write', async () => {
    const later = new SafetyMonitorService(t.platform.database.db, () => '2099-01-01');
    expect(await later.refresh()).toMatchObject({ trigger: 'schedule', asOf: '2099-01-01' });
    const last = (await call('inspector', 'GET', '/api/safety/monitoring')).json();
    t.platform.monitoring.start(25);
    try {
      expect((await serious(li, 'dr.zhou', 'Sepsis', '2025-05-02')).statusCode).toBe(201);
      let page = last;
      for (let i = 0; i < 400 && (page.runId === last.runId || page.stale); i++) {
        await new Promise((r) => setTimeout(r, 25));
        page = (await call('inspector', 'GET', '/api/safety/monitoring')).json();
      }
      expect(page).toMatchObject({ trigger: 'change', stale: false });
      expect(page.runId).not.toBe(last.runId);
    } finally {
      await t.platform.monitoring.stop();
    }
  });

  it('keeps the stored results to the regulator and the change log to the owner', async () => {
    const { db } = t.platform.database;
    const hospital = await principalOf('dr.zhou');
    await expect(
      withPrincipal(db, hospital, async (tx) => sql`select id from safety_monitoring_run`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
    const sponsor = await principalOf('sponsor.xu');
    const seen = await withPrincipal(
      db,
      sponsor,
      async (tx) => (await sql`select id from safety_monitoring_run`.execute(tx)).rows,
    );
    expect(seen).toHaveLength(0);
    const inspector = await principalOf('inspector');
    expect(
      await withPrincipal(
        db,
        inspector,
        async (tx) => (await sql`select id from safety_monitoring_run`.execute(tx)).rows.length,
      ),
    ).toBeGreaterThan(0);
    await expect(
      withPrincipal(db, inspector, async (tx) => sql`select id from safety_monitoring_change`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withPrincipal(db, inspector, async (tx) =>
        sql`insert into safety_monitoring_run (as_of, trigger, raised, duration_ms, report)
            values ('2026-01-01', 'request', 0, 0, '{}')`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied/);
    expect((await call('sponsor.xu', 'GET', '/api/safety/monitoring')).statusCode).toBe(403);
  });
});
