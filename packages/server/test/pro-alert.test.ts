import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}

/** Issue 14, item 7: a severe or very severe PRO-CTCAE report raises an alert at the patient's hospital. */
describe.each(ENGINES)(
  'per-patient early warning from the patient’s own PRO-CTCAE report on %s',
  (engine) => {
    let t: TestPlatform;
    let li: string; // the NSH patient bound to guardian.li
    let nsh: string; // li's hospital

    const call = async (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        headers: await t.as(user),
        ...(payload === undefined ? {} : { payload: payload as Json }),
      });
    const principalOf = async (user: string) =>
      (await call(user, 'GET', '/api/auth/session')).json<{ principal: Principal }>().principal;
    const db = () => t.platform.database.db;
    const counts = async () => {
      const [alerts, reports] = await Promise.all([
        db().selectFrom('alert').select(db().fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
        db()
          .selectFrom('symptom_report')
          .select(db().fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      ]);
      return { alerts: Number(alerts.n), reports: Number(reports.n) };
    };
    const proAlerts = async (user: string) =>
      (await call(user, 'GET', '/api/alerts')).json<Json[]>().filter((a) => a.rule === 'pro-ctcae-severe');

    beforeAll(async () => {
      t = await openTestPlatform(engine);
      li = (await principalOf('guardian.li')).patientId!;
      nsh = (await principalOf('dr.zhou')).organizationId;
    });
    afterAll(async () => {
      await t?.close();
    });

    let severe: Json;
    let alert: Json;

    it('raises exactly one alert at the patient’s hospital, in the report’s transaction, with the rule cited', async () => {
      const before = await counts();
      const res = await call('guardian.li', 'POST', '/api/symptom-reports', {
        items: [
          { symptom: 'fatigue', severity: 4, interference: 3 },
          { symptom: 'nausea', frequency: 1, severity: 1 },
        ],
        note: '孩子整天躺着 (private note)',
      });
      expect(res.statusCode).toBe(201);
      severe = res.json();
      expect(severe.hospitalAlert).toMatchObject({ status: 'open' });
      expect(await counts()).toEqual({ alerts: before.alerts + 1, reports: before.reports + 1 });

      const mine = await proAlerts('dr.zhou');
      expect(mine).toHaveLength(1);
      alert = mine[0]!;
      expect(alert).toMatchObject({ scope: 'patient', patientId: li, hospitalId: nsh, status: 'open' });
      expect(alert.message).toBe(
        '患者自报重度/极重度症状：乏力 严重程度“非常严重”（4/4）、对日常活动的影响“相当多”（3/4）' +
          " — patient-reported severe or very severe symptoms: Fatigue severity 'very severe' (4/4), interference" +
          " with usual activities 'quite a bit' (3/4)",
      );

      const row = await db()
        .selectFrom('alert')
        .select(['raised_at', 'detail', 'dedup_key'])
        .where('id', '=', alert.id as string)
        .executeTakeFirstOrThrow();
      const detail = (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as Json;
      expect(detail).toMatchObject({
        ruleText: 'PRO-CTCAE 重度/极重度症状 — severe or very severe symptom reported by the patient',
        symptomReportId: severe.id,
      });
      expect(row.dedup_key).toBe(`${li}:pro-ctcae:${severe.id}`);
      // now() is the transaction's start: the same instant for the report and its alert only in one transaction.
      const report = await db()
        .selectFrom('symptom_report')
        .select('created_at')
        .where('id', '=', severe.id as string)
        .executeTakeFirstOrThrow();
      expect(new Date(row.raised_at).getTime()).toBe(new Date(report.created_at).getTime());

      // Both writes are audited, by the guardian, in one database transaction.
      const audit = await db()
        .selectFrom('audit_event')
        .select(['entity_type', 'txid', 'actor_user_id', 'new_values'])
        .where('entity_id', 'in', [severe.id as string, alert.id as string])
        .where('action', '=', 'create')
        .execute();
      expect(audit.map((a) => a.entity_type).sort()).toEqual(['alert', 'symptom_report']);
      expect(new Set(audit.map((a) => String(a.txid))).size).toBe(1);
      expect(audit[0]!.actor_user_id).toBe((await principalOf('guardian.li')).userId);
      const alertAudit = audit.find((a) => a.entity_type === 'alert')!;
      expect(JSON.stringify(alertAudit.new_values)).toContain('pro-ctcae-severe');
    });

    it('refuses a report with a bad answer, naming the field, and stores nothing and raises nothing', async () => {
      const before = await counts();
      const outOfScale = await call('guardian.li', 'POST', '/api/symptom-reports', {
        items: [{ symptom: 'fatigue', severity: 5, interference: 4 }],
      });
      expect(outOfScale.statusCode).toBe(400);
      expect(outOfScale.json().errors[0].field).toBe('body.items.0.severity');
      // A very severe answer next to an attribute the item does not ask (the domain's check).
      const notAsked = await call('guardian.li', 'POST', '/api/symptom-reports', {
        items: [{ symptom: 'fatigue', severity: 4, frequency: 4 }],
      });
      expect(notAsked.statusCode).toBe(400);
      expect(notAsked.json().errors[0].field).toBe('items[0].frequency');
      const future = await call('guardian.li', 'POST', '/api/symptom-reports', {
        items: [{ symptom: 'pain', frequency: 4, severity: 4, interference: 4 }],
        reportedOn: '2999-01-01',
      });
      expect(future.statusCode).toBe(400);
      expect(future.json().errors[0].field).toBe('reportedOn');
      expect(await counts()).toEqual(before);
    });

    it('raises nothing for a mild or moderate report, nor for "frequently" alone', async () => {
      const before = await counts();
      const mild = await call('guardian.li', 'POST', '/api/symptom-reports', {
        items: [
          { symptom: 'pain', frequency: 3, severity: 2, interference: 2 },
          { symptom: 'diarrhea', frequency: 3 },
          { symptom: 'rash', presence: 1 },
        ],
      });
      expect(mild.statusCode).toBe(201);
      expect(mild.json().hospitalAlert).toBeNull();
      expect(await counts()).toEqual({ alerts: before.alerts, reports: before.reports + 1 });
      expect(await proAlerts('dr.zhou')).toHaveLength(1);
    });

    it('shows the patient their hospital was told, and when it acknowledged', async () => {
      let own = (await call('guardian.li', 'GET', '/api/symptom-reports')).json<Json[]>();
      expect(own.find((r) => r.id === severe.id)?.hospitalAlert).toMatchObject({ status: 'open' });
      expect(own.filter((r) => r.hospitalAlert === null)).toHaveLength(1);
      const ack = await call('dr.zhou', 'POST', `/api/alerts/${alert.id}/acknowledge`, {
        version: alert.version,
      });
      expect(ack.statusCode).toBe(200);
      own = (await call('guardian.li', 'GET', '/api/symptom-reports')).json<Json[]>();
      expect(own.find((r) => r.id === severe.id)?.hospitalAlert).toMatchObject({ status: 'acknowledged' });
      // The hospital's symptom inbox says so too.
      const inbox = (await call('dr.zhou', 'GET', `/api/symptom-reports?patientId=${li}`)).json<Json[]>();
      expect(inbox.find((r) => r.id === severe.id)?.hospitalAlert).toMatchObject({ status: 'acknowledged' });
      // The patient still has no alert inbox.
      expect((await call('guardian.li', 'GET', '/api/alerts')).statusCode).toBe(403);
    });

    it('hides the alert from another hospital, which can neither see nor touch it', async () => {
      const he = (await call('dr.he', 'GET', '/api/alerts')).json<Json[]>();
      expect(he.some((a) => a.id === alert.id)).toBe(false);
      const close = await call('dr.he', 'POST', `/api/alerts/${alert.id}/close`, { version: 2, note: 'x' });
      expect(close.statusCode).toBe(404);
      const rows = await withPrincipal(db(), await principalOf('dr.he'), async (tx) =>
        sql<{ id: string }>`select id from alert where rule = 'pro-ctcae-severe'`.execute(tx),
      );
      expect(rows.rows).toHaveLength(0);
    });

    it('shows the regulator the alert de-identified only: pseudonym, no name, no free text, read-only', async () => {
      const seen = (await call('inspector', 'GET', '/api/alerts'))
        .json<Json[]>()
        .find((a) => a.id === alert.id);
      expect(seen).toBeDefined();
      expect(seen!.pseudonym).toMatch(/\S/);
      const text = JSON.stringify(seen);
      expect(text).not.toContain('李小明');
      expect(text).not.toContain('private note');
      const detail = await withPrincipal(db(), await principalOf('inspector'), async (tx) =>
        sql<{ detail: unknown }>`select detail from alert where id = ${alert.id}`.execute(tx),
      );
      expect(JSON.stringify(detail.rows[0]!.detail)).not.toContain('private note');
      const close = await call('inspector', 'POST', `/api/alerts/${alert.id}/close`, {
        version: 2,
        note: 'x',
      });
      expect(close.statusCode).toBe(404);
      // The regulator may not read symptom reports at all (they hold the patient's free text).
      await expect(
        withPrincipal(db(), await principalOf('inspector'), async (tx) =>
          sql`select id from symptom_report`.execute(tx),
        ),
      ).rejects.toThrow(/permission denied/);
    });

    it('lets a patient account write only its own report’s PRO-CTCAE alert, even by SQL', async () => {
      const me = await principalOf('guardian.li');
      const insert = (rule: string, key: string, reportId: string) =>
        withPrincipal(db(), me, async (tx) =>
          sql`insert into alert (scope, patient_id, hospital_id, rule, dedup_key, message, detail)
            values ('patient', ${li}, ${me.organizationId}, ${rule}, ${key}, 'x',
              ${JSON.stringify({ symptomReportId: reportId })}::jsonb)`.execute(tx),
        );
      const orphan = '00000000-0000-4000-8000-000000000000';
      // Another rule, a report that does not exist, a key that is not the report's: all refused.
      await expect(insert('grade-3-event', `${li}:x`, severe.id as string)).rejects.toThrow(
        /row-level security/,
      );
      await expect(insert('pro-ctcae-severe', `${li}:pro-ctcae:${orphan}`, orphan)).rejects.toThrow(
        /row-level security/,
      );
      await expect(insert('pro-ctcae-severe', `${li}:other`, severe.id as string)).rejects.toThrow(
        /row-level security/,
      );
      // It reads back its own PRO-CTCAE alerts only, and changes none.
      const visible = await withPrincipal(db(), me, async (tx) =>
        sql<{ rule: string; patient_id: string }>`select rule, patient_id from alert`.execute(tx),
      );
      expect(visible.rows).toEqual([{ rule: 'pro-ctcae-severe', patient_id: li }]);
      const updated = await withPrincipal(db(), me, async (tx) =>
        sql`update alert set status = 'closed', note = 'x'`.execute(tx),
      );
      expect(Number(updated.numAffectedRows ?? 0)).toBe(0);
    });
  },
);
