import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { todayIso } from '../src/followup/followup.service';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}

const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const INFUSION = '2025-01-01';
const day = (n: number) => addDays(INFUSION, n);

describe.each(ENGINES)('follow-up, adverse events, symptoms and alerts on %s', (engine) => {
  let t: TestPlatform;
  let li: string; // NSH patient bound to guardian.li
  let other: string; // another NSH patient
  let nbch: string; // a patient of the other hospital

  const call = async (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const principalOf = async (user: string) =>
    (await call(user, 'GET', '/api/auth/session')).json<{ principal: Principal }>().principal;

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const nsh = (await call('dr.zhou', 'GET', '/api/patients')).json<{ id: string; name: string }[]>();
    li = nsh.find((p) => p.name === '李小明')!.id;
    other = nsh.find((p) => p.name === '张雨桐')!.id;
    nbch = (await call('dr.he', 'GET', '/api/patients')).json<{ id: string }[]>()[0]!.id;
    const enrol = await call('dr.zhou', 'POST', `/api/patients/${li}/followup/enrolment`, {
      productName: 'NS-β-globin LVV CD34+',
      graftSource: 'gene-therapy',
      protocol: 'gene-therapy',
      infusionDate: INFUSION,
      referenceTerms: ['Febrile neutropenia', 'Stomatitis'],
    });
    expect(enrol.statusCode).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('converts units on entry (ANC 800/mm³ → 0.8 × 10⁹/L) and attaches the LOINC code 751-8', async () => {
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
      code: 'anc',
      value: 800,
      unit: '/mm3',
      observedOn: day(8),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ valueCanonical: 0.8, canonicalUnit: '10^9/L', loinc: '751-8' });
  });

  it('refuses an unknown unit naming the field, and writes nothing', async () => {
    const before = (await call('dr.zhou', 'GET', `/api/patients/${li}/followup`)).json<{
      observations: unknown[];
    }>();
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
      code: 'hb',
      value: 9,
      unit: 'mg/mL',
      observedOn: day(8),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('valueUnit');
    const after = (await call('dr.zhou', 'GET', `/api/patients/${li}/followup`)).json<{
      observations: unknown[];
    }>();
    expect(after.observations).toHaveLength(before.observations.length);
  });

  it('recomputes neutrophil engraftment when a result is corrected, and audits the correction with its reason', async () => {
    const ids: Record<number, { id: string; version: number }> = {};
    for (const [d, v] of [
      [10, 0.05],
      [12, 0.6],
      [14, 0.7],
      [16, 0.9],
      [18, 1.1],
    ] as const) {
      const r = await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
        code: 'anc',
        value: v,
        unit: '10^9/L',
        observedOn: day(d),
      });
      ids[d] = r.json();
    }
    const before = (await call('dr.zhou', 'GET', `/api/patients/${li}/followup`)).json();
    expect(before.endpoints.engraftment.neutrophil.engraftmentDay).toBe(12);
    const fix = await call('dr.zhou', 'PATCH', `/api/observations/${ids[12]!.id}`, {
      value: 0.4,
      version: ids[12]!.version,
      reason: 'transcription error: report reads 0.4',
    });
    expect(fix.statusCode).toBe(200);
    const after = (await call('dr.zhou', 'GET', `/api/patients/${li}/followup`)).json();
    expect(after.endpoints.engraftment.neutrophil.engraftmentDay).toBe(14);
    const history = (await call('inspector', 'GET', `/api/audit/history/observation/${ids[12]!.id}`)).json();
    expect(JSON.stringify(history)).toContain('transcription error');
    // A stale version is refused.
    const stale = await call('dr.zhou', 'PATCH', `/api/observations/${ids[12]!.id}`, {
      value: 0.5,
      version: ids[12]!.version,
      reason: 'again',
    });
    expect(stale.statusCode).toBe(409);
  });

  it('proposes the CTCAE grade from a lab value; the clinician confirms it, or overrides it only with a reason', async () => {
    const obs = (
      await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
        code: 'anc',
        value: 0.3,
        unit: '10^9/L',
        observedOn: day(9),
        lln: 1.8,
      })
    ).json<{ id: string }>();
    const proposal = (await call('dr.zhou', 'GET', `/api/observations/${obs.id}/grade-proposal`)).json();
    expect(proposal).toMatchObject({ grade: 4, termName: 'Neutrophil count decreased' }); // CTCAE v5.0: < 0.5
    const base = {
      term: 'Neutrophil count decreased',
      sourceObservationId: obs.id,
      onsetDate: day(9),
      seriousness: [],
      causalityProduct: 'probable',
      causalityProcedure: 'probable',
      outcome: 'recovered',
      awarenessDate: day(9),
    };
    const noReason = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      ...base,
      grade: 3,
    });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toBe('overrideReason');
    const confirmed = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      ...base,
      grade: 4,
    });
    expect(confirmed.statusCode).toBe(201);
    expect(confirmed.json()).toMatchObject({ grade: 4, proposedGrade: 4, overrideReason: null });
    const overridden = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      ...base,
      grade: 3,
      overrideReason: 'sample clotted; repeat ANC 0.6 the same day',
    });
    expect(overridden.statusCode).toBe(201);
    expect(overridden.json()).toMatchObject({ grade: 3, proposedGrade: 4 });
  });

  it('starts the 7-day clock for a life-threatening SUSAR and shows it to the regulator, de-identified', async () => {
    const today = todayIso();
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      term: 'Veno-occlusive disease',
      grade: 4,
      onsetDate: today,
      seriousness: ['life-threatening', 'hospitalization'],
      causalityProduct: 'possible',
      causalityProcedure: 'probable',
      outcome: 'not-recovered',
      awarenessDate: today,
      narrative: '李小明 admitted to ICU',
    });
    expect(res.statusCode).toBe(201);
    const ae = res.json();
    expect(ae.expedited).toMatchObject({
      required: true,
      days: 7,
      dueDate: addDays(today, 7),
      status: 'pending',
      late: false,
    });
    const reg = await call('inspector', 'GET', '/api/adverse-events?expedited=true');
    expect(reg.statusCode).toBe(200);
    const seen = reg.json<Json[]>().find((e) => e.id === ae.id);
    expect(seen).toMatchObject({ term: 'Veno-occlusive disease', pseudonym: ae.pseudonym });
    expect(JSON.stringify(reg.json())).not.toContain('李小明');
    const otherHospital = (await call('dr.he', 'GET', '/api/adverse-events')).json<Json[]>();
    expect(otherHospital.some((e) => e.id === ae.id)).toBe(false);
  });

  it('flags an expedited report overdue after 15 days, then late when submitted after the due day', async () => {
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      term: 'Pneumonitis',
      grade: 3,
      onsetDate: '2026-01-01',
      seriousness: ['hospitalization'],
      causalityProduct: 'possible',
      causalityProcedure: 'unrelated',
      outcome: 'recovered',
      awarenessDate: '2026-01-02',
    });
    const ae = res.json();
    expect(ae.expedited).toMatchObject({ days: 15, dueDate: '2026-01-17', status: 'overdue', late: true });
    const sub = await call('dr.zhou', 'POST', `/api/adverse-events/${ae.id}/expedited-submission`, {
      submittedOn: '2026-01-18',
      version: ae.version,
    });
    expect(sub.json().expedited).toMatchObject({ status: 'submitted-late', late: true });
    // An expected event (on the filing's reference list) starts no clock.
    const expected = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      term: 'Febrile neutropenia',
      grade: 3,
      onsetDate: day(7),
      seriousness: ['hospitalization'],
      causalityProduct: 'probable',
      causalityProcedure: 'probable',
      outcome: 'recovered',
      awarenessDate: day(7),
    });
    expect(expected.json()).toMatchObject({
      expected: true,
      expedited: { required: false, status: 'not-required' },
    });
  });

  it('raises an alert for ALT > 3 × ULN but not at exactly 3 × ULN; alerts are acknowledged and closed with a note', async () => {
    const alt = (value: number, d: number) =>
      call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
        code: 'alt',
        value,
        unit: 'U/L',
        uln: 40,
        observedOn: day(d),
      });
    await alt(120, 40);
    let alerts = (await call('dr.zhou', 'GET', '/api/alerts')).json<Json[]>();
    expect(alerts.some((a) => a.rule === 'alt-above-3-uln')).toBe(false);
    await alt(121, 41);
    alerts = (await call('dr.zhou', 'GET', '/api/alerts')).json<Json[]>();
    const alert = alerts.find((a) => a.rule === 'alt-above-3-uln')!;
    expect(alert).toBeDefined();
    expect(alerts.some((a) => a.rule === 'grade-3-event')).toBe(true);
    // The regulator sees it but cannot close a hospital's alert; another hospital does not see it.
    expect(
      (await call('inspector', 'GET', '/api/alerts')).json<Json[]>().some((a) => a.id === alert.id),
    ).toBe(true);
    expect((await call('dr.he', 'GET', '/api/alerts')).json<Json[]>().some((a) => a.id === alert.id)).toBe(
      false,
    );
    expect(
      (
        await call('inspector', 'POST', `/api/alerts/${alert.id}/close`, {
          version: alert.version,
          note: 'x',
        })
      ).statusCode,
    ).toBe(404);
    const ack = await call('dr.zhou', 'POST', `/api/alerts/${alert.id}/acknowledge`, {
      version: alert.version,
    });
    expect(ack.json()).toMatchObject({ status: 'acknowledged' });
    const noNote = await call('dr.zhou', 'POST', `/api/alerts/${alert.id}/close`, {
      version: ack.json().version,
    });
    expect(noNote.statusCode).toBe(400);
    const closed = await call('dr.zhou', 'POST', `/api/alerts/${alert.id}/close`, {
      version: ack.json().version,
      note: 'repeat ALT normal; no action',
    });
    expect(closed.json()).toMatchObject({ status: 'closed', note: 'repeat ALT normal; no action' });
  });

  it('lets the patient report symptoms for their own record only; the hospital turns one into an adverse event', async () => {
    const res = await call('guardian.li', 'POST', '/api/symptom-reports', {
      items: [{ symptom: 'nausea', frequency: 3, severity: 3 }],
      note: 'vomited twice',
    });
    expect(res.statusCode).toBe(201);
    const bad = await call('guardian.li', 'POST', '/api/symptom-reports', {
      items: [{ symptom: 'nausea', frequency: 3, severity: 3, presence: 1 }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('items[0].presence');
    const report = res.json();
    const own = (await call('guardian.li', 'GET', '/api/symptom-reports')).json<Json[]>();
    expect(own.map((r) => r.id)).toEqual([report.id]);
    const inbox = (await call('dr.zhou', 'GET', '/api/symptom-reports?status=new')).json<Json[]>();
    expect(inbox.some((r) => r.id === report.id)).toBe(true);
    expect((await call('dr.he', 'GET', '/api/symptom-reports')).json<Json[]>()).toHaveLength(0);
    const ae = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      term: 'Nausea',
      grade: 2,
      symptomReportId: report.id,
      onsetDate: todayIso(),
      seriousness: [],
      causalityProduct: 'unlikely',
      causalityProcedure: 'possible',
      outcome: 'recovering',
      awarenessDate: todayIso(),
    });
    expect(ae.statusCode).toBe(201);
    const converted = (await call('dr.zhou', 'GET', `/api/symptom-reports?patientId=${li}`)).json<Json[]>();
    expect(converted.find((r) => r.id === report.id)).toMatchObject({
      status: 'converted',
      adverseEventId: ae.json().id,
    });
  });

  it('shows a patient account only its own follow-up and refuses it every write and every other patient', async () => {
    expect((await call('guardian.li', 'GET', `/api/patients/${li}/followup`)).statusCode).toBe(200);
    expect((await call('guardian.li', 'GET', `/api/patients/${other}/followup`)).statusCode).toBe(404);
    expect((await call('guardian.li', 'GET', `/api/patients/${nbch}/followup`)).statusCode).toBe(404);
    expect((await call('dr.he', 'GET', `/api/patients/${li}/followup`)).statusCode).toBe(404);
    const write = await call('guardian.li', 'POST', `/api/patients/${li}/observations`, {
      code: 'hb',
      value: 9,
      unit: 'g/dL',
      observedOn: day(30),
    });
    expect(write.statusCode).toBe(403);
    expect((await call('guardian.li', 'GET', '/api/adverse-events')).statusCode).toBe(403);
    expect((await call('guardian.li', 'GET', '/api/alerts')).statusCode).toBe(403);
    expect(
      (await call('dr.zhou', 'POST', '/api/symptom-reports', { items: [{ symptom: 'rash', presence: 1 }] }))
        .statusCode,
    ).toBe(403);
  });

  it('scopes the rows in the database even for a query without WHERE, and keeps free text from the regulator', async () => {
    const me = await principalOf('guardian.li');
    const rows = await withPrincipal(
      t.platform.database.db,
      me,
      async (tx) => (await sql<{ patient_id: string }>`select patient_id from observation`.execute(tx)).rows,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.patient_id === li)).toBe(true);
    const he = await principalOf('dr.he');
    const heRows = await withPrincipal(
      t.platform.database.db,
      he,
      async (tx) => (await sql`select id from adverse_event`.execute(tx)).rows,
    );
    expect(heRows).toHaveLength(0);
    const inspector = await principalOf('inspector');
    await expect(
      withPrincipal(t.platform.database.db, inspector, async (tx) =>
        sql`select narrative from adverse_event`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied/);
    // A patient account cannot file a symptom report for another patient, even by SQL.
    await expect(
      withPrincipal(t.platform.database.db, me, async (tx) =>
        sql`insert into symptom_report (patient_id, hospital_id, reported_by, reported_on, items)
            values (${other}, ${me.organizationId}, ${me.userId}, '2026-01-01', '[]')`.execute(tx),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('runs registry monitoring for the regulator only: MaxSPRT signals a product with excess serious events', async () => {
    expect((await call('dr.zhou', 'POST', '/api/safety/monitoring', {})).statusCode).toBe(403);
    const res = await call('inspector', 'POST', '/api/safety/monitoring', { expectedPerPatientYear: 0.01 });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    const product = report.products.find((p: Json) => p.product === 'NS-β-globin LVV CD34+');
    expect(product.patients).toBe(1);
    expect(product.maxSprtSignal).not.toBeNull();
    const alerts = (await call('inspector', 'GET', '/api/alerts')).json<Json[]>();
    const registry = alerts.find((a) => a.scope === 'registry' && a.rule === 'maxsprt')!;
    expect(registry).toBeDefined();
    expect(
      (await call('dr.zhou', 'GET', '/api/alerts')).json<Json[]>().some((a) => a.id === registry.id),
    ).toBe(false);
    // Running again raises nothing new for the same cause.
    expect(
      (await call('inspector', 'POST', '/api/safety/monitoring', { expectedPerPatientYear: 0.01 })).json()
        .raised,
    ).toBe(0);
    const closed = await call('inspector', 'POST', `/api/alerts/${registry.id}/close`, {
      version: registry.version,
      note: 'signal reviewed with the sponsor; label update requested',
    });
    expect(closed.json()).toMatchObject({ status: 'closed' });
  });

  it('flags visits past their window to the hospital and the regulator; an attended visit leaves the list', async () => {
    // Enrolled with infusion on 2025-01-01: the day 30 visit window closed on 2025-02-07.
    const mine = (await call('dr.zhou', 'GET', '/api/followup/overdue-visits')).json<Json[]>();
    const d30 = mine.find((v) => v.patientId === li && v.label === 'D30')!;
    expect(d30).toMatchObject({ windowEnd: '2025-02-07' });
    expect(d30.daysOverdue as number).toBeGreaterThan(0);
    expect(
      (await call('inspector', 'GET', '/api/followup/overdue-visits'))
        .json<Json[]>()
        .some((v) => v.id === d30.id),
    ).toBe(true);
    expect(
      (await call('dr.he', 'GET', '/api/followup/overdue-visits'))
        .json<Json[]>()
        .some((v) => v.id === d30.id),
    ).toBe(false);
    expect((await call('guardian.li', 'GET', '/api/followup/overdue-visits')).statusCode).toBe(403);
    const attended = await call('dr.zhou', 'POST', `/api/followup/visits/${d30.id}/attended`, {
      attendedOn: '2025-01-30',
      version: d30.version,
    });
    expect(attended.statusCode).toBe(200);
    const after = (await call('dr.zhou', 'GET', '/api/followup/overdue-visits')).json<Json[]>();
    expect(after.some((v) => v.id === d30.id)).toBe(false);
  });

  it('grades a CRS form by the ASTCT rules; the clinician may override it with a reason', async () => {
    const base = {
      term: 'Cytokine release syndrome',
      onsetDate: day(3),
      awarenessDate: day(3),
      seriousness: ['hospitalization'],
      causalityProduct: 'probable',
      causalityProcedure: 'unrelated',
      expected: true,
      outcome: 'recovered',
      form: {
        kind: 'crs',
        input: {
          maxTemperatureC: 39.2,
          hypotension: true,
          vasopressors: ['norepinephrine'],
          oxygen: { device: 'none' },
        },
      },
    };
    const ok = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, { ...base, grade: 3 });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ grade: 3, proposedGrade: 3, ctcaeTerm: 'Cytokine release syndrome' });
    expect(ok.json().proposalReason).toMatch(/ASTCT CRS grade 3/);
    const noReason = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      ...base,
      grade: 2,
    });
    expect(noReason.json().errors[0].field).toBe('overrideReason');
    const bad = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      ...base,
      grade: 3,
      form: { kind: 'crs', input: { hypotension: true, oxygen: { device: 'none' } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('maxTemperatureC');
  });

  it('imports results from CSV all or nothing, naming the bad row and field', async () => {
    const before = (await call('dr.zhou', 'GET', `/api/patients/${other}/followup`)).json().observations
      .length;
    const bad = await call('dr.zhou', 'POST', `/api/patients/${other}/observations/import`, {
      csv: 'code,value,unit,observedOn\nhb,9.1,g/dL,2025-03-01\nferritin,1800,mg/L,2025-03-01\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('rows[2].valueUnit');
    expect(
      (await call('dr.zhou', 'GET', `/api/patients/${other}/followup`)).json().observations,
    ).toHaveLength(before);
    const ok = await call('dr.zhou', 'POST', `/api/patients/${other}/observations/import`, {
      csv: 'code,value,unit,observedOn,uln\r\nhb,91,g/L,2025-03-01,\r\nalt,35,U/L,2025-03-01,40\r\n',
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ imported: 2 });
    const after = (await call('dr.zhou', 'GET', `/api/patients/${other}/followup`)).json().observations;
    expect(after.find((o: Json) => o.code === 'hb')).toMatchObject({ valueCanonical: 9.1, source: 'csv' });
    expect(
      (
        await call('dr.he', 'POST', `/api/patients/${other}/observations/import`, {
          csv: 'code,value,unit,observedOn\nhb,9,g/dL,2025-03-01',
        })
      ).statusCode,
    ).toBe(404);
  });

  it('takes the patient’s transfusion diary as unconfirmed entries (not counted) that only the hospital confirms', async () => {
    const entry = await call('guardian.li', 'POST', '/api/transfusion-diary', {
      givenOn: day(20),
      product: 'red-cells',
      volumeMl: 300,
    });
    expect(entry.statusCode).toBe(201);
    expect(entry.json()).toMatchObject({ status: 'patient-reported', source: 'patient' });
    const me = await principalOf('guardian.li');
    await expect(
      withPrincipal(t.platform.database.db, me, async (tx) =>
        sql`insert into transfusion (patient_id, hospital_id, given_on, product, volume_ml, source, status, recorded_by)
            values (${li}, ${me.organizationId}, '2025-02-01', 'red-cells', 300, 'patient', 'final', ${me.userId})`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    expect(
      (
        await call('dr.zhou', 'POST', '/api/transfusion-diary', {
          givenOn: day(20),
          product: 'red-cells',
          volumeMl: 1,
        })
      ).statusCode,
    ).toBe(403);
    const confirmed = await call('dr.zhou', 'POST', `/api/transfusions/${entry.json().id}/confirm`, {
      version: 1,
    });
    expect(confirmed.json()).toMatchObject({ status: 'final' });
    expect(
      (await call('dr.zhou', 'POST', `/api/transfusions/${entry.json().id}/confirm`, { version: 2 }))
        .statusCode,
    ).toBe(409);
  });
});

describe('end points ignore records not yet final', () => {
  it('counts a platelet transfusion only when final (platelet engraftment needs 7 transfusion-free days)', async () => {
    const { endpointsOf } = await import('../src/followup/followup.service');
    const enrolment = {
      id: 'e',
      patientId: 'p',
      filingId: null,
      productName: 'x',
      graftSource: 'gene-therapy' as const,
      protocol: 'gene-therapy' as const,
      infusionDate: INFUSION,
      referenceTerms: [],
      status: 'active',
      version: 1,
    };
    const plt = [10, 20, 22, 24].map((d, i) => ({
      id: `o${i}`,
      patientId: 'p',
      code: 'platelets' as const,
      loinc: '777-3',
      value: d === 10 ? 5 : 30,
      unit: '10^9/L',
      valueCanonical: d === 10 ? 5 : 30,
      canonicalUnit: '10^9/L',
      llnCanonical: null,
      ulnCanonical: null,
      observedOn: day(d),
      source: 'api',
      status: 'final',
      version: 1,
    }));
    const tx = (status: string) => [
      {
        id: 't',
        patientId: 'p',
        givenOn: day(18),
        product: 'platelets' as const,
        volumeMl: 250,
        units: null,
        source: 'patient',
        status,
        version: 1,
      },
    ];
    expect(endpointsOf(enrolment, plt, tx('patient-reported')).engraftment.platelet.engraftmentDay).toBe(20);
    expect(endpointsOf(enrolment, plt, tx('final')).engraftment.platelet.engraftmentDay).toBeUndefined();
  });
});
