import type { Principal } from '@cgtlink/domain/access/index';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSystem, withPrincipal } from '../src/db/scoped';
import { normalizeObservation } from '../src/followup/followup.service';
import { findUnsafeInput } from '../src/http/input-safety';
import type { ControlMaterialView, LeveyJennings } from '../src/laboratory/contract';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  // biome-ignore lint/suspicious/noExplicitAny: the test walks loosely typed JSON answers
  [key: string]: any;
}

/** Text no route may accept: a NUL, or a high or low surrogate without its partner, somewhere in a string. */
const unsafeText = fc
  .tuple(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D'),
    fc.string({ maxLength: 8 }),
  )
  .map(([a, bad, b]) => `${a}${bad}${bad === '\uD83D' ? 'x' : ''}${b}`)
  .filter((s) => findUnsafeInput(s, 'x') !== null);

describe('the text rule, pure', () => {
  it('refuses NUL and lone surrogates, keeps paired surrogates and ordinary text', () => {
    expect(findUnsafeInput('李小明 😀 ok', 'body.name')).toBeNull();
    expect(findUnsafeInput({ a: ['x', 'y\u0000'] }, 'body')).toEqual({
      field: 'body.a.1',
      message: 'must not contain a NUL character (U+0000)',
    });
    expect(findUnsafeInput({ a: '\uDE00' }, 'body')?.field).toBe('body.a');
    expect(findUnsafeInput({ 'k\u0000': 1 }, 'body')?.field).toBe('body.k\\u0000');
    expect(findUnsafeInput({ n: Number.POSITIVE_INFINITY }, 'body')).toEqual({
      field: 'body.n',
      message: 'must be a finite number',
    });
  });
});

describe.each(ENGINES)('input that cannot hurt on %s', (engine) => {
  let t: TestPlatform;
  let openapi: Json;
  const auditCount = async () =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from audit_event`.execute(t.platform.database.db))
        .rows[0]!.n,
    );
  const call = async (user: string, method: string, url: string, payload?: unknown) =>
    t.app.inject({
      method: method as 'GET',
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    openapi = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<Json>();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses unsafe text in the body of every write route with 400 naming the field, changing nothing', async () => {
    const writes: { method: string; path: string; fields: string[] }[] = [];
    for (const [path, ops] of Object.entries(openapi.paths as Json)) {
      for (const [method, op] of Object.entries(ops as Json)) {
        const schema = op.requestBody?.content?.['application/json']?.schema;
        if (!schema) continue;
        const fields = Object.keys(schema.properties ?? {});
        writes.push({ method: method.toUpperCase(), path, fields: fields.length ? fields : ['text'] });
      }
    }
    expect(writes.length).toBeGreaterThan(50);
    const token = await t.as('admin');
    const before = await auditCount();
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(writes.length - 1),
        fc.nat(50),
        unsafeText,
        fc.boolean(),
        async (r, f, bad, nested) => {
          const route = writes[r]!;
          const field = route.fields[f % route.fields.length]!;
          const url = route.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
          const res = await t.app.inject({
            method: route.method as 'POST',
            url,
            headers: token,
            payload: { [field]: nested ? [{ note: bad }] : bad },
          });
          requests++;
          expect(res.statusCode, `${route.method} ${route.path} ${res.body}`).toBe(400);
          const problem = res.json<Json>();
          expect(problem.errors[0].field).toBe(nested ? `body.${field}.0.note` : `body.${field}`);
        },
      ),
      { numRuns: 400 },
    );
    // Every write route at least once, besides the random draw.
    for (const route of writes) {
      const url = route.path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await t.app.inject({
        method: route.method as 'POST',
        url,
        headers: token,
        payload: { [route.fields[0]!]: 'a\u0000b' },
      });
      expect(res.statusCode, `${route.method} ${route.path}`).toBe(400);
      requests++;
    }
    expect(requests).toBeGreaterThan(400);
    expect(await auditCount()).toBe(before);
  }, 120_000);

  it('refuses unsafe text at sign-in, in query strings, path parameters and cookies', async () => {
    for (const url of ['/api/auth/login', '/api/auth/token']) {
      const nul = await t.app.inject({
        method: 'POST',
        url,
        payload: { username: 'dr.zhou\u0000', password: 'x' },
      });
      expect(nul.statusCode).toBe(400);
      expect(nul.headers['content-type']).toContain('application/problem+json');
      expect(nul.json<Json>().errors[0].field).toBe('body.username');
      const lone = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: '{"username":"dr.zhou","password":"a\\ud800b"}',
      });
      expect(lone.statusCode).toBe(400);
      expect(lone.json<Json>().errors[0].field).toBe('body.password');
    }
    const query = await call('dr.zhou', 'GET', '/api/patients?q=%00');
    expect(query.statusCode).toBe(400);
    expect(query.json<Json>().errors[0].field).toBe('querystring.q');
    const param = await call('dr.zhou', 'GET', '/api/patients/ab%00cd');
    expect(param.statusCode).toBe(400);
    expect(param.json<Json>().errors[0].field).toBe('params.id');
    const cookie = await t.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: 'cgtlink_session=x%00y' },
    });
    expect(cookie.statusCode).toBe(400);
    expect(cookie.json<Json>().errors[0].field).toBe('headers.cookie.cgtlink_session');
    // An overflowing JSON number is Infinity once parsed: refused like text, before any schema.
    const infinite = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":"dr.zhou","password":"x","n":1e999}',
    });
    expect(infinite.statusCode).toBe(400);
    expect(infinite.json<Json>().errors[0]).toEqual({ field: 'body.n', message: 'must be a finite number' });
  });

  it('refuses impossible clinical and laboratory numbers with 400 naming the field, storing nothing', async () => {
    const patient = (await call('dr.zhou', 'GET', '/api/patients')).json<Json[]>()[0]!;
    const before = await auditCount();
    for (const [code, value, unit] of [
      ['hb', 1e308, 'g/dL'],
      ['hb', 31, 'g/dL'],
      ['anc', 5000, '10^9/L'],
      ['platelets', 1e6, '10^9/L'],
      ['alt', 1e5, 'U/L'],
      ['bilirubin', 2000, 'µmol/L'],
      ['creatinine', 5000, 'µmol/L'],
      ['ferritin', 1e7, 'ng/mL'],
      ['inr', 30, 'INR'],
      ['weight', 900, 'kg'],
    ] as const) {
      const res = await call('dr.zhou', 'POST', `/api/patients/${patient.id}/observations`, {
        code,
        value,
        unit,
        observedOn: '2025-01-01',
      });
      expect(res.statusCode, `${code} ${value} ${res.body}`).toBe(400);
      expect(res.json<Json>().errors[0].field).toBe('value');
    }
    // Abnormal but possible values are kept: Hb 3 g/dL, ALT 8000 U/L, ferritin 12 000 ng/mL.
    expect(() =>
      normalizeObservation({ code: 'hb', value: 3, unit: 'g/dL', observedOn: '2025-01-01' }),
    ).not.toThrow();
    expect(() =>
      normalizeObservation({ code: 'alt', value: 8000, unit: 'U/L', observedOn: '2025-01-01' }),
    ).not.toThrow();
    expect(() =>
      normalizeObservation({ code: 'ferritin', value: 12000, unit: 'ng/mL', observedOn: '2025-01-01' }),
    ).not.toThrow();

    const [material] = (await call('qc.liang', 'GET', '/api/control-materials')).json<
      ControlMaterialView[]
    >();
    const runs = async () =>
      Number(
        (
          await sql<{
            n: string;
          }>`select count(*) as n from control_run where material_id = ${material!.id}`.execute(
            t.platform.database.db,
          )
        ).rows[0]!.n,
      );
    const storedRuns = await runs();
    const run = await call('qc.liang', 'POST', `/api/control-materials/${material!.id}/runs`, {
      value: 1e308,
      runAt: '2026-12-01T00:00:00Z',
    });
    expect(run.statusCode, run.body).toBe(400);
    expect(run.json<Json>().errors[0].field).toBe('value');
    expect(await runs()).toBe(storedRuns);
    const target = await call('qc.liang', 'POST', '/api/control-materials', {
      analyte: 'Viability',
      material: 'Viability control',
      lot: 'VC-X',
      unit: '%',
      targetMean: 140,
      targetSd: 1,
    });
    expect(target.statusCode).toBe(400);
    expect(target.json<Json>().errors[0].field).toBe('targetMean');
    expect(await auditCount()).toBe(before);
  });

  it('a transaction that fails after its write keeps nothing (a 500 never commits)', async () => {
    const { db } = t.platform.database;
    const [material] = (await call('qc.liang', 'GET', '/api/control-materials')).json<
      ControlMaterialView[]
    >();
    const count = async (table: 'control_run' | 'audit_event') =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n,
      );
    const [runs, audits] = [await count('control_run'), await count('audit_event')];
    // A real failure after the insert: the audit entry that follows it is refused by a trigger, as a full
    // disk or a lost connection would fail it. The service's insert ran; the transaction must take it back.
    await sql
      .raw(`CREATE FUNCTION test_fail_control_run_audit() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF NEW.entity_type = 'control_run' THEN RAISE EXCEPTION 'forced failure after the write'; END IF;
  RETURN NEW;
END $f$;
CREATE TRIGGER test_fail_control_run_audit BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION test_fail_control_run_audit();`)
      .execute(db);
    try {
      const res = await call('qc.liang', 'POST', `/api/control-materials/${material!.id}/runs`, {
        value: 0.5,
        runAt: '2026-12-02T00:00:00Z',
      });
      expect(res.statusCode).toBe(500);
      expect(res.json<Json>().detail).toContain('changed nothing');
      expect(await count('control_run')).toBe(runs);
      expect(await count('audit_event')).toBe(audits);
    } finally {
      await sql
        .raw(
          'DROP TRIGGER test_fail_control_run_audit ON audit_event; DROP FUNCTION test_fail_control_run_audit()',
        )
        .execute(db);
    }
    // The same at the transaction helper every service uses: an error thrown after an insert leaves no row.
    const zhou = (await call('dr.zhou', 'GET', '/api/auth/session')).json<{ principal: Principal }>()
      .principal;
    const patient = (await call('dr.zhou', 'GET', '/api/patients')).json<Json[]>()[0]!;
    const observations = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from observation`.execute(db)).rows[0]!.n);
    const before = await observations();
    await expect(
      withPrincipal(db, zhou, async (tx) => {
        await tx
          .insertInto('observation')
          .values({
            ...normalizeObservation({ code: 'hb', value: 9, unit: 'g/dL', observedOn: '2025-01-01' }),
            patient_id: patient.id,
            hospital_id: zhou.organizationId,
            source: 'manual',
          })
          .execute();
        expect(
          Number((await sql<{ n: string }>`select count(*) as n from observation`.execute(tx)).rows[0]!.n),
        ).toBe(before + 1);
        throw new Error('forced failure after the insert');
      }),
    ).rejects.toThrow('forced failure');
    expect(await observations()).toBe(before);
    const after = await call('qc.liang', 'POST', `/api/control-materials/${material!.id}/runs`, {
      value: 0.5,
      runAt: '2026-12-02T00:00:00Z',
    });
    expect(after.statusCode).toBe(200);
    expect(await count('control_run')).toBe(runs + 1);
  });

  it('no stored value breaks the evaluation views or the Levey–Jennings chart', async () => {
    const { db } = t.platform.database;
    const zhou = (await call('dr.zhou', 'GET', '/api/auth/session')).json<{ principal: Principal }>()
      .principal;
    const filingId = (
      await db
        .selectFrom('filing')
        .select('id')
        .where('reference', '=', 'F-2026-NSGT01')
        .executeTakeFirstOrThrow()
    ).id;
    const ids: string[] = [];
    for (const key of ['X1', 'X2']) {
      ids.push(
        (
          await t.platform.patients.create(
            { principal: zhou, requestId: 'input-safety-test' },
            {
              name: `极值${key}`,
              sex: 'female',
              birthDate: '2014-05-01',
              diagnosis: 'β-thalassemia major (β0/β0)',
            },
          )
        ).id,
      );
    }
    await asSystem(db, async (tx) => {
      for (const id of ids) {
        await tx
          .insertInto('followup_enrolment')
          .values({
            patient_id: id,
            hospital_id: zhou.organizationId,
            filing_id: filingId,
            product_name: 'NSG-101',
            graft_source: 'gene-therapy',
            protocol: 'gene-therapy',
            infusion_date: '2023-01-01',
            reference_terms: JSON.stringify([]),
          })
          .execute();
        for (const [code, on] of [
          ['hb', '2023-02-01'],
          ['hb', '2023-09-01'],
          ['hb', '2024-06-01'],
          ['anc', '2023-01-20'],
          ['anc', '2023-01-21'],
          ['anc', '2023-01-22'],
          ['ferritin', '2023-06-01'],
        ] as const) {
          await tx
            .insertInto('observation')
            .values({
              ...normalizeObservation({
                code,
                value: code === 'ferritin' ? 1000 : 10,
                unit: code === 'ferritin' ? 'ng/mL' : code === 'hb' ? 'g/dL' : '10^9/L',
                observedOn: on,
              }),
              patient_id: id,
              hospital_id: zhou.organizationId,
              source: 'manual',
            })
            .execute();
        }
      }
    });
    const views = async () => {
      const urls = [
        `/api/evaluation?filingId=${filingId}`,
        `/api/evaluation?filingId=${filingId}&technology=autologous_gene_hsc`,
        `/api/evaluation/patients?filingId=${filingId}&metric=ti.achieved`,
        `/api/evaluation/patients?filingId=${filingId}&metric=cohort`,
        '/api/evaluation/filings',
      ];
      const answers: Json[] = [];
      for (const url of urls) {
        const res = await call('evaluator.chen', 'GET', url);
        expect(res.statusCode, `${url} ${res.body.slice(0, 300)}`).toBe(200);
        answers.push(res.json<Json>());
      }
      const compare = await call('evaluator.chen', 'POST', '/api/evaluation/compare', {
        a: { filingId },
        b: { filingId, sex: 'female' },
      });
      expect(compare.statusCode, compare.body.slice(0, 300)).toBe(200);
      return answers;
    };
    const clean = await views();
    // Written by SQL, as a value stored before entry was checked would be: 1e308, the largest double, and the
    // non-finite floats PostgreSQL accepts.
    await sql`update observation set value = 1e308, value_canonical = 1e308
      where patient_id = ${ids[0]!} and code = 'hb' and observed_on = '2023-09-01'`.execute(db);
    await sql`update observation set value = 1e308, value_canonical = 1e308
      where patient_id = ${ids[1]!} and code = 'hb' and observed_on = '2023-09-01'`.execute(db);
    await sql`update observation set value_canonical = 'Infinity'::float8
      where patient_id = ${ids[0]!} and code = 'anc' and observed_on = '2023-01-21'`.execute(db);
    await sql`update observation set value_canonical = 'NaN'::float8
      where patient_id = ${ids[1]!} and code = 'ferritin'`.execute(db);
    const extreme = await views();
    expect(clean[0]!.cohort.n).toBeGreaterThanOrEqual(2);
    expect(extreme[0]!.cohort.n).toBe(clean[0]!.cohort.n);

    const [material] = (await call('qc.liang', 'GET', '/api/control-materials')).json<
      ControlMaterialView[]
    >();
    const chart = async () => {
      const res = await call('qc.liang', 'GET', `/api/control-materials/${material!.id}/levey-jennings`);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      return res.json<LeveyJennings>();
    };
    const charted = (await chart()).points.length;
    const { laboratory_id } = await db
      .selectFrom('control_material')
      .select('laboratory_id')
      .where('id', '=', material!.id)
      .executeTakeFirstOrThrow();
    const lab = await db
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', 'qc.liang')
      .executeTakeFirstOrThrow();
    for (const value of [1e308, -1e308, Number.POSITIVE_INFINITY, Number.NaN]) {
      await sql`insert into control_run (material_id, laboratory_id, value, run_at, entered_by)
        values (${material!.id}, ${laboratory_id}, ${String(value)}::float8, '2026-12-03T00:00:00Z', ${lab.id})`.execute(
        db,
      );
    }
    const after = await chart();
    expect(after.points).toHaveLength(charted);
    expect(after.excluded).toBe(4);
    expect(after.observed?.n).toBe(charted);
  });
});
