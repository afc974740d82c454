import type { Principal } from '@cgtlink/domain/access/index';
import { posteriorScores } from '@cgtlink/domain/signals/mgps';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}

const INFUSION = '2025-01-01';
const day = (n: number) =>
  new Date(Date.parse(`${INFUSION}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** KOOS answers: every item of a subscale the same (0 = no problems … 4 = extreme). */
const koosItems = (pain: number, rest: number) => ({
  pain: Array(9).fill(pain),
  symptoms: Array(7).fill(rest),
  adl: Array(17).fill(rest),
  sport: Array(5).fill(rest),
  qol: Array(4).fill(rest),
});

describe.each(ENGINES)('follow-up measures: vitals, imaging, scores, KOOS and monitoring on %s', (engine) => {
  let t: TestPlatform;
  let li: string; // NSH patient bound to guardian.li
  let other: string; // another NSH patient
  let nbch: string; // a patient of the other hospital
  let filing: { id: string; version: number; productName: string };

  const call = async (
    user: string,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    payload?: unknown,
  ) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const principalOf = async (user: string) =>
    (await call(user, 'GET', '/api/auth/session')).json<{ principal: Principal }>().principal;
  const summary = async (user = 'dr.zhou', patient = li) =>
    (await call(user, 'GET', `/api/patients/${patient}/followup`)).json<{
      observations: Json[];
      measures: Json & {
        iron: { points: Json[]; latest: Record<string, Json>; overall: string | null };
        meld: { points: Json[]; latest: Json | null };
        koos: Record<string, Json>;
        gvhd: { points: Json[]; maxGrade: number | null };
      };
    }>();

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const nsh = (await call('dr.zhou', 'GET', '/api/patients')).json<{ id: string; name: string }[]>();
    li = nsh.find((p) => p.name === '李小明')!.id;
    other = nsh.find((p) => p.name === '张雨桐')!.id;
    nbch = (await call('dr.he', 'GET', '/api/patients')).json<{ id: string }[]>()[0]!.id;
    const f = (await call('dr.zhou', 'GET', '/api/filings')).json<
      { id: string; version: number; productName: string; reference: string }[]
    >();
    const demo = f.find((x) => x.reference === 'F-2026-NSGT01')!;
    filing = { id: demo.id, version: demo.version, productName: demo.productName };
    for (const [patient, user, product, filingId] of [
      [li, 'dr.zhou', filing.productName, filing.id],
      [other, 'dr.zhou', 'MSC knee product', null],
      [nbch, 'dr.he', 'Haplo HSCT', null],
    ] as const) {
      const res = await call(user, 'POST', `/api/patients/${patient}/followup/enrolment`, {
        productName: product,
        graftSource: 'gene-therapy',
        protocol: 'gene-therapy',
        infusionDate: INFUSION,
        referenceTerms: [],
        filingId,
      });
      expect(res.statusCode).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/patients/{patientId}/observations/batch',
        '/api/patients/{patientId}/koos',
        '/api/koos-responses',
        '/api/filings/{id}/expected-serious-rate',
      ]),
    );
  });

  it('records a set of vitals at once, converting units (98.6 °F → 37 °C, 16 kPa → 120 mmHg) with LOINC codes', async () => {
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/observations/batch`, {
      observations: [
        { code: 'temperature', value: 98.6, unit: '°F', observedOn: day(30) },
        { code: 'heart-rate', value: 88, unit: '/min', observedOn: day(30) },
        { code: 'bp-systolic', value: 16, unit: 'kPa', observedOn: day(30) },
        { code: 'bp-diastolic', value: 78, unit: 'mmHg', observedOn: day(30) },
        { code: 'spo2', value: 97, unit: '%', observedOn: day(30) },
        { code: 'weight', value: 110, unit: 'lb', observedOn: day(30) },
      ],
    });
    expect(res.statusCode).toBe(201);
    const [temp, , bp, , , weight] = res.json<Json[]>();
    expect(temp).toMatchObject({ category: 'vital', loinc: '8310-5', canonicalUnit: '°C' });
    expect(temp!.valueCanonical as number).toBeCloseTo(37, 6);
    expect(bp!.valueCanonical as number).toBeCloseTo(120.01, 2);
    expect(weight).toMatchObject({ loinc: '29463-7', canonicalUnit: 'kg' });
    expect(weight!.valueCanonical as number).toBeCloseTo(49.895, 3);
  });

  it('refuses the whole set when one vital is implausible, naming the entry, and writes nothing', async () => {
    const before = (await summary()).observations.length;
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/observations/batch`, {
      observations: [
        { code: 'heart-rate', value: 70, unit: '/min', observedOn: day(31) },
        { code: 'temperature', value: 98.6, unit: '°C', observedOn: day(31) },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('observations[1].value');
    expect((await summary()).observations).toHaveLength(before);
  });

  it('records liver iron by MRI with its method (µmol/g converted) and refuses it without one', async () => {
    const missing = await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
      code: 'lic-mri',
      value: 5,
      unit: 'mg/g',
      observedOn: day(90),
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('method');
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
      code: 'lic-mri',
      value: 179,
      unit: 'µmol/g',
      method: 'R2*',
      observedOn: day(90),
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ category: 'imaging', method: 'R2*', canonicalUnit: 'mg/g' });
    expect(res.json().valueCanonical).toBeCloseTo(10, 9);
    const iron = (await summary()).measures.iron;
    expect(iron.latest.lic).toMatchObject({ level: 'moderate' });
  });

  it('categorises cardiac T2* and recomputes the iron trend when the result is corrected', async () => {
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
      code: 'cardiac-t2star',
      value: 8,
      unit: 'ms',
      observedOn: day(90),
    });
    expect(res.statusCode).toBe(201);
    let iron = (await summary()).measures.iron;
    expect(iron.latest.t2star).toMatchObject({ value: 8, level: 'severe' });
    expect(iron.overall).toBe('severe');
    const fixed = await call('dr.zhou', 'PATCH', `/api/observations/${res.json().id}`, {
      value: 25,
      version: res.json().version,
      reason: 'transcription error: report reads 25 ms',
    });
    expect(fixed.statusCode).toBe(200);
    iron = (await summary()).measures.iron;
    expect(iron.latest.t2star).toMatchObject({ value: 25, level: 'target' });
    // The LIC of 10 mg/g (moderate) is now the worst.
    expect(iron.overall).toBe('moderate');
  });

  it('computes MELD 20 from same-day bilirubin, creatinine and INR, and 22 after the bilirubin is corrected', async () => {
    const res = await call('dr.zhou', 'POST', `/api/patients/${li}/observations/batch`, {
      observations: [
        { code: 'bilirubin', value: 34.2, unit: 'µmol/L', observedOn: day(120) },
        { code: 'creatinine', value: 1.5, unit: 'mg/dL', observedOn: day(120) },
        { code: 'inr', value: 1.8, unit: 'INR', observedOn: day(120) },
      ],
    });
    expect(res.statusCode).toBe(201);
    let meld = (await summary()).measures.meld;
    expect(meld.points).toEqual([{ date: day(120), meld: 20, source: 'computed' }]);
    const bilirubin = res.json<Json[]>()[0]!;
    await call('dr.zhou', 'PATCH', `/api/observations/${bilirubin.id}`, {
      value: 4,
      unit: 'mg/dL',
      version: bilirubin.version,
      reason: 'wrong sample',
    });
    meld = (await summary()).measures.meld;
    expect(meld.latest).toMatchObject({ meld: 22, source: 'computed' });
    const entered = await call('dr.zhou', 'POST', `/api/patients/${li}/observations`, {
      code: 'meld',
      value: 24,
      unit: 'score',
      observedOn: day(150),
    });
    expect(entered.statusCode).toBe(201);
    expect((await summary()).measures.meld.latest).toMatchObject({ meld: 24, source: 'entered' });
  });

  it('imports vitals, imaging and scores from CSV with a method column, all or nothing', async () => {
    const csv = [
      'code,value,unit,observedOn,method',
      `weight,52,kg,${day(180)},`,
      `lic-mri,2.5,mg/g,${day(180)},R2`,
      `koos-pain,60,score,${day(180)},`,
    ].join('\n');
    const res = await call('dr.zhou', 'POST', `/api/patients/${other}/observations/import`, { csv });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ imported: 3 });
    const bad = await call('dr.zhou', 'POST', `/api/patients/${other}/observations/import`, {
      csv: ['code,value,unit,observedOn,method', `lic-mri,2.5,mg/g,${day(181)},CT`].join('\n'),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('rows[1].method');
  });

  it('takes a knee patient’s own KOOS to the hospital’s view, with the change from baseline against the MIC', async () => {
    // Baseline before the infusion: pain items all 2 → 50; symptoms etc. all 2 → 50.
    const base = await call('dr.zhou', 'POST', `/api/patients/${li}/koos`, {
      answeredOn: '2024-12-20',
      items: koosItems(2, 2),
    });
    expect(base.statusCode).toBe(201);
    expect(base.json()).toMatchObject({ source: 'manual', scores: { pain: 50, adl: 50 } });
    // Six months on, the patient answers on the patient end: pain items 1 → 75 (+25), the rest 2 → 50 (0).
    const items = koosItems(1, 2);
    items.qol = [2, 2, null, 2];
    const mine = await call('guardian.li', 'POST', '/api/koos-responses', { answeredOn: day(180), items });
    expect(mine.statusCode).toBe(201);
    expect(mine.json()).toMatchObject({ source: 'patient', patientId: li, scores: { pain: 75, qol: 50 } });
    const s = await summary();
    const patientScores = s.observations.filter((o) => o.source === 'patient');
    expect(patientScores.map((o) => o.code).sort()).toEqual([
      'koos-adl',
      'koos-pain',
      'koos-qol',
      'koos-sport',
      'koos-symptoms',
    ]);
    expect(s.measures.koos.pain).toMatchObject({ change: 25, verdict: 'improved' });
    expect(s.measures.koos.adl).toMatchObject({ change: 0, verdict: 'no-important-change' });
    const list = await call('dr.zhou', 'GET', `/api/patients/${li}/koos`);
    expect(list.json<Json[]>().map((r) => r.source)).toEqual(['patient', 'manual']);
    // More than two items missing in every subscale: nothing to score, nothing stored.
    const empty = koosItems(0, 0);
    for (const k of Object.keys(empty) as (keyof typeof empty)[]) empty[k] = empty[k].map(() => null);
    const refused = await call('guardian.li', 'POST', '/api/koos-responses', { items: empty });
    expect(refused.statusCode).toBe(400);
    expect((await call('dr.zhou', 'GET', `/api/patients/${li}/koos`)).json<Json[]>()).toHaveLength(2);
  });

  it('keeps the GVHD grade history from onset through follow-up reports', async () => {
    const ae = await call('dr.zhou', 'POST', `/api/patients/${li}/adverse-events`, {
      term: 'Acute GVHD',
      grade: 2,
      onsetDate: day(40),
      seriousness: [],
      causalityProduct: 'probable',
      causalityProcedure: 'probable',
      outcome: 'not-recovered',
      awarenessDate: day(40),
    });
    expect(ae.statusCode).toBe(201);
    const fu = await call('dr.zhou', 'POST', `/api/adverse-events/${ae.json().id}/follow-ups`, {
      grade: 3,
      version: ae.json().version,
      note: 'gut stage 2',
    });
    expect(fu.statusCode).toBe(200);
    const gvhd = (await summary()).measures.gvhd;
    expect(gvhd.points.map((p) => [p.grade, p.kind])).toEqual([
      [2, 'onset'],
      [3, 'change'],
    ]);
    expect(gvhd.maxGrade).toBe(3);
  });

  it('denies each new kind of record to the other hospital, the other patient and writes by the regulator', async () => {
    const vital = { code: 'heart-rate', value: 70, unit: '/min', observedOn: day(200) };
    const imaging = { code: 'cardiac-t2star', value: 30, unit: 'ms', observedOn: day(200) };
    const score = { code: 'meld', value: 12, unit: 'score', observedOn: day(200) };
    for (const body of [vital, imaging, score]) {
      // Hospital B cannot reach hospital A's patient.
      expect((await call('dr.he', 'POST', `/api/patients/${li}/observations`, body)).statusCode).toBe(404);
      // The patient end and the regulator do not write observations.
      expect((await call('guardian.li', 'POST', `/api/patients/${li}/observations`, body)).statusCode).toBe(
        403,
      );
      expect((await call('inspector', 'POST', `/api/patients/${li}/observations`, body)).statusCode).toBe(
        403,
      );
    }
    expect(
      (await call('dr.he', 'POST', `/api/patients/${li}/observations/batch`, { observations: [vital] }))
        .statusCode,
    ).toBe(404);
    // KOOS: hospital B neither reads nor enters; the patient cannot enter for another; the regulator cannot write.
    expect((await call('dr.he', 'GET', `/api/patients/${li}/koos`)).statusCode).toBe(404);
    expect(
      (await call('dr.he', 'POST', `/api/patients/${li}/koos`, { items: koosItems(1, 1) })).statusCode,
    ).toBe(404);
    expect(
      (await call('guardian.li', 'POST', `/api/patients/${other}/koos`, { items: koosItems(1, 1) }))
        .statusCode,
    ).toBe(403);
    expect((await call('guardian.li', 'GET', `/api/patients/${other}/koos`)).statusCode).toBe(404);
    expect((await call('guardian.li', 'GET', `/api/patients/${other}/followup`)).statusCode).toBe(404);
    expect(
      (await call('inspector', 'POST', '/api/koos-responses', { items: koosItems(1, 1) })).statusCode,
    ).toBe(403);
    expect(
      (await call('dr.zhou', 'POST', '/api/koos-responses', { items: koosItems(1, 1) })).statusCode,
    ).toBe(403);
    // Hospital B's lists hold none of them.
    expect((await summary('dr.he', nbch)).observations.some((o) => o.patientId === li)).toBe(false);
  });

  it('shows the regulator the measures de-identified (pseudonym, no name)', async () => {
    const res = await call('inspector', 'GET', `/api/patients/${li}/followup`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.measures.iron.latest.lic.level).toBe('moderate');
    expect(JSON.stringify(body)).not.toContain('李小明');
    const koos = await call('inspector', 'GET', `/api/patients/${li}/koos`);
    expect(koos.statusCode).toBe(200);
    expect(koos.json<Json[]>().length).toBe(2);
    expect(JSON.stringify(koos.json())).not.toContain('李小明');
  });

  it('scopes KOOS and patient-sourced scores in the database, even by SQL', async () => {
    const me = await principalOf('guardian.li');
    const inspectorPrincipal = await principalOf('inspector');
    const inspector0 = () => inspectorPrincipal;
    const rows = await withPrincipal(
      t.platform.database.db,
      me,
      async (tx) =>
        (await sql<{ patient_id: string }>`select patient_id from koos_response`.execute(tx)).rows,
    );
    expect(rows.length).toBe(2);
    expect(rows.every((r) => r.patient_id === li)).toBe(true);
    const response = await withPrincipal(
      t.platform.database.db,
      me,
      async (tx) => (await sql<{ id: string }>`select id from koos_response limit 1`.execute(tx)).rows[0]!.id,
    );
    // A patient account may not write a laboratory value, nor a KOOS score for another patient.
    await expect(
      withPrincipal(t.platform.database.db, me, async (tx) =>
        sql`insert into observation (patient_id, hospital_id, code, value, unit, value_canonical, canonical_unit,
              observed_on, source, recorded_by, koos_response_id)
            values (${li}, ${me.organizationId}, 'hb', 15, 'g/dL', 15, 'g/dL', '2026-01-01', 'patient',
              ${me.userId}, ${response})`.execute(tx),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withPrincipal(t.platform.database.db, me, async (tx) =>
        sql`insert into observation (patient_id, hospital_id, code, value, unit, value_canonical, canonical_unit,
              observed_on, source, recorded_by, koos_response_id)
            values (${other}, ${me.organizationId}, 'koos-pain', 90, 'score', 90, 'score', '2026-01-01',
              'patient', ${me.userId}, ${response})`.execute(tx),
      ),
    ).rejects.toThrow(/row-level security/);
    const he = await principalOf('dr.he');
    const heRows = await withPrincipal(
      t.platform.database.db,
      he,
      async (tx) => (await sql`select id from koos_response`.execute(tx)).rows,
    );
    expect(heRows).toHaveLength(0);
    // The regulator's de-identified role reads KOOS rows, writes none, and has no access to patient names.
    await expect(
      withPrincipal(t.platform.database.db, inspector0(), async (tx) =>
        sql`insert into koos_response (patient_id, hospital_id, answered_on, items, scores, source, reported_by)
            values (${li}, ${me.organizationId}, '2026-01-01', '{}', '{}', 'manual', ${me.userId})`.execute(
          tx,
        ),
      ),
    ).rejects.toThrow(/permission denied/);
    const inspector = await principalOf('inspector');
    await expect(
      withPrincipal(t.platform.database.db, inspector, async (tx) =>
        sql`select name_enc from patient`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('monitors each product against the expected rate declared on its filing, and scores EBGM/EB05', async () => {
    // Serious events for two products so that disproportionality has a comparator.
    const serious = (patient: string, user: string, term: string) =>
      call(user, 'POST', `/api/patients/${patient}/adverse-events`, {
        term,
        grade: 3,
        onsetDate: day(60),
        seriousness: ['hospitalization'],
        causalityProduct: 'possible',
        causalityProcedure: 'unrelated',
        outcome: 'recovered',
        awarenessDate: day(60),
      });
    for (let i = 0; i < 3; i++)
      expect((await serious(li, 'dr.zhou', 'Veno-occlusive disease')).statusCode).toBe(201);
    expect((await serious(nbch, 'dr.he', 'Pneumonia')).statusCode).toBe(201);

    // Without a declared rate or a fallback, a product is not monitored.
    let report = (await call('inspector', 'POST', '/api/safety/monitoring', {})).json();
    let mine = report.products.find((p: Json) => p.product === filing.productName);
    expect(mine).toMatchObject({ expectedSource: 'none', expectedPerPatientYear: null, maxSprtSignal: null });

    // The hospital of another filing cannot set it; the filing hospital can; a stale version conflicts.
    const body = { expectedSeriousPerPatientYear: 0.05, version: filing.version };
    expect(
      (await call('dr.he', 'PUT', `/api/filings/${filing.id}/expected-serious-rate`, body)).statusCode,
    ).toBe(404);
    expect(
      (await call('guardian.li', 'PUT', `/api/filings/${filing.id}/expected-serious-rate`, body)).statusCode,
    ).toBe(403);
    const bad = await call('dr.zhou', 'PUT', `/api/filings/${filing.id}/expected-serious-rate`, {
      ...body,
      expectedSeriousPerPatientYear: -1,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toMatch(/expectedSeriousPerPatientYear$/);
    const set = await call('dr.zhou', 'PUT', `/api/filings/${filing.id}/expected-serious-rate`, body);
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ expectedSeriousPerPatientYear: 0.05, version: filing.version + 1 });
    expect(
      (await call('dr.zhou', 'PUT', `/api/filings/${filing.id}/expected-serious-rate`, body)).statusCode,
    ).toBe(409);

    // A fallback of 10/patient-year would hide the excess; the filing's 0.05 wins for its product.
    report = (
      await call('inspector', 'POST', '/api/safety/monitoring', { expectedPerPatientYear: 10 })
    ).json();
    mine = report.products.find((p: Json) => p.product === filing.productName);
    expect(mine).toMatchObject({ expectedSource: 'filing', expectedPerPatientYear: 0.05 });
    expect(mine.maxSprtSignal).not.toBeNull();
    const haplo = report.products.find((p: Json) => p.product === 'Haplo HSCT');
    expect(haplo).toMatchObject({
      expectedSource: 'fallback',
      expectedPerPatientYear: 10,
      maxSprtSignal: null,
    });
    // Each month's expected count is patient-months × 0.05 / 12.
    const month = mine.months.find((m: Json) => m.month === '2025-03');
    expect(month.expected).toBeCloseTo(0.05 / 12, 12);

    // The signal table carries EBGM and EB05 (DuMouchel's prior on a registry this small).
    const pair = report.signals.find(
      (s: Json) => s.product === filing.productName && s.term === 'Veno-occlusive disease',
    );
    const reference = posteriorScores(
      { alpha1: 0.2, beta1: 0.1, alpha2: 2, beta2: 4, p: 1 / 3 },
      pair.a,
      pair.expected,
    );
    expect(pair.ebgm).toBeCloseTo(reference.ebgm, 9);
    expect(pair.eb05).toBeCloseTo(reference.eb05, 9);
    expect(pair.ebSignal).toBe(pair.eb05 >= 2);
    expect((await call('dr.zhou', 'POST', '/api/safety/monitoring', {})).statusCode).toBe(403);
  });
});
