import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { ExportService } from '../src/exports/export.service';
import { ExportKeys } from '../src/exports/export-keys';
import { unzip } from '../src/exports/zip';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}
interface Made {
  id: string;
  name: string;
  nationalId: string;
  phone: string;
  pseudonym: string;
}

const DAY0 = '2025-01-01';
const addDays = (iso: string, n: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const daysBetween = (a: string, b: string) =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000;

/** Parses our CSV (BOM, CRLF, RFC 4180 quotes) into objects keyed by the header. */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r') {
      /* part of CRLF */
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

/** An 18-character resident identity number with its ISO 7064 MOD 11-2 check character. */
function nationalId(seed: number): string {
  const body = `44011520${String(100000000 + seed).slice(-9)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return body + '10X98765432'[sum % 11];
}

describe.each(ENGINES)('de-identified exports on %s', (engine) => {
  let t: TestPlatform;
  let filingId: string;
  let otherFilingId: string;
  const kept: Made[] = []; // cohort cell of 5: exported
  const small: Made[] = []; // cohort cell of 4: withheld
  let outsider: Made; // a patient of another sponsor's filing
  const DIAGNOSIS = 'β-thalassemia major (export cohort)';

  const call = async (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const principalOf = async (user: string) =>
    (await call(user, 'GET', '/api/auth/session')).json<{ principal: Principal }>().principal;

  async function makePatient(seed: number, sex: 'female' | 'male', birthDate: string, filing: string) {
    const name = `导出测试患者${seed}号`;
    const phone = `+86 139 ${String(10000000 + seed * 7919).slice(-8)}`;
    const id = nationalId(seed * 104729);
    const res = await call('dr.zhou', 'POST', '/api/patients', {
      name,
      nationalId: id,
      phone,
      sex,
      birthDate,
      diagnosis: DIAGNOSIS,
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<{ id: string; pseudonym: string }>();
    const enrol = await call('dr.zhou', 'POST', `/api/patients/${created.id}/followup/enrolment`, {
      productName: 'NS-β-globin LVV CD34+',
      graftSource: 'gene-therapy',
      protocol: 'gene-therapy',
      infusionDate: DAY0,
      referenceTerms: ['Febrile neutropenia'],
      filingId: filing,
    });
    expect(enrol.statusCode, enrol.body).toBe(201);
    return { id: created.id, name, nationalId: id, phone, pseudonym: created.pseudonym };
  }
  const observe = async (patient: string, code: string, value: number, unit: string, day: number) => {
    const res = await call('dr.zhou', 'POST', `/api/patients/${patient}/observations`, {
      code,
      value,
      unit,
      observedOn: addDays(DAY0, day),
    });
    expect(res.statusCode, res.body).toBe(201);
  };

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const db = t.platform.database.db;
    const demo = await db
      .selectFrom('filing')
      .selectAll()
      .where('reference', '=', 'F-2026-NSGT01')
      .executeTakeFirstOrThrow();
    filingId = demo.id;
    // Another sponsor with its own filing at the same hospital.
    const otherSponsor = await db
      .insertInto('organization')
      .values({ code: 'OTHER-BIO', kind: 'sponsor', name_zh: '他方生物', name_en: 'Other Bio' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const {
      id: _id,
      created_at: _c,
      updated_at: _u,
      birth_year: _b,
      ...copy
    } = demo as typeof demo & {
      birth_year?: unknown;
    };
    const other = await db
      .insertInto('filing')
      .values({
        ...copy,
        reference: 'F-2026-OTHER1',
        sponsor_id: otherSponsor.id,
        criteria: JSON.stringify(demo.criteria),
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    otherFilingId = other.id;
    for (let i = 1; i <= 5; i++) kept.push(await makePatient(i, 'female', '2014-03-0' + i, filingId));
    for (let i = 6; i <= 9; i++) small.push(await makePatient(i, 'male', '2000-05-0' + (i - 5), filingId));
    outsider = await makePatient(10, 'female', '2014-03-09', otherFilingId);
    const p = kept[0] as Made;
    // Hand-made course of the first patient (gene therapy, autologous): ANC nadir then engraftment on day 12,
    // ferritin only after day 0, nothing between day 101 and 183, one Hb on day 300.
    await observe(p.id, 'anc', 0.1, '10^9/L', 5);
    await observe(p.id, 'anc', 0.6, '10^9/L', 12);
    await observe(p.id, 'anc', 0.7, '10^9/L', 13);
    await observe(p.id, 'anc', 0.9, '10^9/L', 14);
    await observe(p.id, 'hb', 10.4, 'g/dL', 300);
    const tr = await call('dr.zhou', 'POST', `/api/patients/${p.id}/followup/transfusions`, {
      givenOn: addDays(DAY0, 20),
      product: 'red-cells',
      volumeMl: 300,
    });
    expect(tr.statusCode, tr.body).toBe(201);
    await observe(outsider.id, 'hb', 9.1, 'g/dL', 30);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  const download = async (user: string, id: string, format: string) => {
    const res = await call(user, 'GET', `/api/exports/filings/${id}/${format}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = new Map(unzip(res.rawPayload).map((e) => [e.name, String(e.content)]));
    return { raw: res.rawPayload.toString('utf8'), files };
  };
  const fixedClock = () =>
    new ExportService(t.platform.database.db, new ExportKeys(t.platform.config.secret), () => '2026-06-30');

  it('lists to a sponsor only its own filings, with their patients', async () => {
    const res = await call('sponsor.xu', 'GET', '/api/exports/filings');
    expect(res.statusCode).toBe(200);
    const list = res.json<{ id: string; reference: string; patients: number }[]>();
    expect(list.map((f) => f.id)).toContain(filingId);
    expect(list.map((f) => f.id)).not.toContain(otherFilingId);
    expect(list.find((f) => f.id === filingId)?.patients).toBeGreaterThanOrEqual(9);
    const regulator = (await call('inspector', 'GET', '/api/exports/filings')).json<{ id: string }[]>();
    expect(regulator.map((f) => f.id)).toEqual(expect.arrayContaining([filingId, otherFilingId]));
  });

  it('writes the RWE data set with its dictionary, and no direct identifier anywhere', async () => {
    const { raw, files } = await download('sponsor.xu', filingId, 'rwe');
    expect([...files.keys()].sort()).toEqual(
      [
        'adverse_events.csv',
        'dictionary.csv',
        'labs.csv',
        'manifest.csv',
        'patients.csv',
        'summary.csv',
        'transfusions.csv',
        'visits.csv',
      ].sort(),
    );
    const everything = [raw, ...files.values()].join('\n');
    for (const p of [...kept, ...small, outsider]) {
      for (const identifier of [p.name, p.nationalId, p.phone, p.pseudonym, p.id]) {
        expect(everything.includes(identifier), `${identifier} leaked`).toBe(false);
      }
    }
    // Every column of every data file is in the dictionary, and the dictionary names nothing that is not written.
    const dictionary = parseCsv(files.get('dictionary.csv') as string);
    for (const [name, content] of files) {
      if (name === 'dictionary.csv' || name === 'manifest.csv') continue;
      const header = (content.replace(/^\uFEFF/, '').split('\r\n')[0] as string).split(',');
      expect(header).toEqual(dictionary.filter((d) => d.file === name).map((d) => d.field));
    }
    expect(dictionary.every((d) => d.description_zh !== '' && d.description_en !== '')).toBe(true);
  });

  it('withholds a cohort cell of 4 patients and keeps one of 5 (small-cell boundary)', async () => {
    const { files } = await download('sponsor.xu', filingId, 'rwe');
    const patients = parseCsv(files.get('patients.csv') as string).filter((p) => p.diagnosis === DIAGNOSIS);
    expect(patients).toHaveLength(5);
    expect(patients.every((p) => p.sex === 'female' && p.age_band === '6-11')).toBe(true);
    const keys = new ExportKeys(t.platform.config.secret);
    const subjects = new Set(patients.map((p) => p.subject_id));
    for (const p of kept) expect(subjects.has(keys.subject(p.id))).toBe(true);
    for (const p of small) expect(subjects.has(keys.subject(p.id))).toBe(false);
    // Their rows are gone from every file, not only from patients.csv.
    for (const name of ['transfusions.csv', 'labs.csv', 'visits.csv']) {
      const rows = parseCsv(files.get(name) as string);
      for (const p of small) expect(rows.some((r) => r.subject_id === keys.subject(p.id))).toBe(false);
    }
    const summary = parseCsv(files.get('summary.csv') as string);
    const femaleCell = summary.find((r) => r.measure === 'patients' && r.stratum === 'female/6-11');
    expect(Number(femaleCell?.count)).toBeGreaterThanOrEqual(5);
    // Any count shown is ≥ 5; smaller ones are blank.
    for (const r of summary) expect(r.count === '' || Number(r.count) >= 5).toBe(true);
    const manifest = parseCsv(files.get('manifest.csv') as string);
    expect(manifest.find((m) => m.key === 'patients_withheld_small_cells')?.value).not.toBe('0');
  });

  it('shifts every date of a patient by one constant offset, the same across files, formats and runs', async () => {
    const keys = new ExportKeys(t.platform.config.secret);
    const first = await download('sponsor.xu', filingId, 'rwe');
    const second = await download('inspector', filingId, 'rwe');
    const cibmtr = await download('sponsor.xu', filingId, 'cibmtr');
    const p = kept[0] as Made;
    const subject = keys.subject(p.id);
    const shift = keys.shiftDays(p.id);
    expect(shift).not.toBe(0);
    expect(Math.abs(shift)).toBeLessThanOrEqual(180);
    const row = parseCsv(first.files.get('patients.csv') as string).find((r) => r.subject_id === subject);
    expect(row?.day0_date).toBe(addDays(DAY0, shift));
    expect(row?.day0_date).not.toBe(DAY0);
    const labs = parseCsv(first.files.get('labs.csv') as string).filter((r) => r.subject_id === subject);
    expect(
      labs.map((l) => [l.code, l.day, daysBetween(DAY0, l.observed_on as string) - Number(l.day)]),
    ).toEqual([
      ['anc', '5', shift],
      ['anc', '12', shift],
      ['anc', '13', shift],
      ['anc', '14', shift],
      ['hb', '300', shift],
    ]);
    const transfusion = parseCsv(first.files.get('transfusions.csv') as string).find(
      (r) => r.subject_id === subject,
    );
    expect(transfusion?.given_on).toBe(addDays(DAY0, 20 + shift));
    // Another run (another principal) gives byte-identical patient and lab files.
    expect(second.files.get('patients.csv')).toBe(first.files.get('patients.csv'));
    expect(second.files.get('labs.csv')).toBe(first.files.get('labs.csv'));
    const day0Row = parseCsv(cibmtr.files.get('cibmtr_day0.csv') as string).find(
      (r) => r.subject_id === subject,
    );
    expect(day0Row?.day0_date).toBe(addDays(DAY0, shift));
    // Different patients move by different amounts (5 patients all alike would be a broken key).
    expect(new Set(kept.map((k) => keys.shiftDays(k.id))).size).toBeGreaterThan(1);
  });

  it('reports the CIBMTR-style fields and every missing one per time point for a hand-made patient', async () => {
    const sponsor = await principalOf('sponsor.xu');
    const result = await fixedClock().export({ principal: sponsor, requestId: 'test' }, filingId, 'cibmtr');
    const files = new Map(result.files.map((f) => [f.name, f.content]));
    const keys = new ExportKeys(t.platform.config.secret);
    const p = kept[0] as Made;
    const subject = keys.subject(p.id);
    const shift = keys.shiftDays(p.id);
    const missing = parseCsv(files.get('cibmtr_missing.csv') as string)
      .filter((m) => m.subject_id === subject)
      .map((m) => `${m.time_point}:${m.field}${m.critical === 'true' ? '!' : ''}`);
    // Cut-off 2026-06-30 is day 545: day 0, day 100, 6 months and year 1 are due; year 2 is not.
    expect(missing.sort()).toEqual(
      [
        'day0:conditioning',
        'day0:beta_genotype',
        'day0:alpha_genotype',
        'day0:pre_ferritin',
        'day100:platelet_engraftment_date!',
        'day100:latest_hb',
        'month6:survival_status!',
        'month6:last_contact_date',
        'month6:red_cell_transfusions',
        'month6:latest_hb',
        'month6:latest_ferritin',
        'year1:latest_ferritin',
      ].sort(),
    );
    const followup = parseCsv(files.get('cibmtr_followup.csv') as string).filter(
      (r) => r.subject_id === subject,
    );
    expect(followup.map((r) => r.time_point)).toEqual(['day100', 'month6', 'year1']);
    const day100 = followup[0] as Record<string, string>;
    expect(day100.neutrophil_engraftment_date).toBe(addDays(DAY0, 12 + shift));
    expect(day100.survival_status).toBe('alive');
    expect(day100.red_cell_transfusions).toBe('1');
    expect(day100.acute_gvhd_max_grade).toBe('n/a');
    const year1 = followup[2] as Record<string, string>;
    expect(year1.latest_hb).toBe('10.4');
    expect(year1.last_contact_date).toBe(addDays(DAY0, 300 + shift));
    const ebmt = await fixedClock().export({ principal: sponsor, requestId: 'test' }, filingId, 'ebmt');
    const ebmtMissing = parseCsv(ebmt.files.find((f) => f.name === 'ebmt_missing.csv')?.content as string)
      .filter((m) => m.subject_id === subject)
      .map((m) => `${m.time_point}:${m.field}`);
    // MED-A has no 6-month report: year 1 covers days 101–365 and the Hb on day 300 answers it.
    expect(ebmtMissing.sort()).toEqual(
      ['day0:conditioning', 'day100:platelet_engraftment_date', 'day100:latest_hb'].sort(),
    );
  });

  it('audits each export with its files and row counts', async () => {
    await download('sponsor.xu', filingId, 'ebmt');
    const entries = await t.platform.database.db
      .selectFrom('audit_event')
      .select(['action', 'entity_id', 'new_values', 'role'])
      .where('entity_type', '=', 'filing')
      .where('action', 'like', 'export.%')
      .execute();
    const ebmt = entries.find((e) => e.action === 'export.ebmt');
    expect(ebmt?.entity_id).toBe(filingId);
    expect(ebmt?.role).toBe('sponsor_user');
    const values = (
      typeof ebmt?.new_values === 'string' ? JSON.parse(ebmt.new_values) : ebmt?.new_values
    ) as {
      files: Record<string, number>;
    };
    expect(values.files['ebmt_day0.csv']).toBeGreaterThanOrEqual(9);
  });

  it('denies another sponsor’s filing (404), and roles without the right (403)', async () => {
    expect((await call('sponsor.xu', 'GET', `/api/exports/filings/${otherFilingId}/rwe`)).statusCode).toBe(
      404,
    );
    expect(
      (await call('sponsor.xu', 'GET', `/api/exports/filings/${otherFilingId}/rwe/patients.csv`)).statusCode,
    ).toBe(404);
    expect((await call('foundation.yang', 'GET', `/api/exports/filings/${filingId}/rwe`)).statusCode).toBe(
      403,
    );
    expect((await call('dr.zhou', 'GET', `/api/exports/filings/${filingId}/rwe`)).statusCode).toBe(403);
    expect((await call('guardian.li', 'GET', '/api/exports/filings')).statusCode).toBe(403);
    const bad = await call('sponsor.xu', 'GET', `/api/exports/filings/${filingId}/csv`);
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('format');
  });

  it('scopes a sponsor in the database: only its filings’ patients, and never an identifier column', async () => {
    const sponsor = await principalOf('sponsor.xu');
    const seen = await withPrincipal(t.platform.database.db, sponsor, async (tx) => ({
      patients: (await tx.selectFrom('patient').select('id').execute()).map((r) => r.id),
      observations: (await tx.selectFrom('observation').select('patient_id').execute()).map(
        (r) => r.patient_id,
      ),
    }));
    for (const p of [...kept, ...small]) expect(seen.patients).toContain(p.id);
    expect(seen.patients).not.toContain(outsider.id);
    expect(seen.observations).not.toContain(outsider.id);
    expect(seen.observations).toContain((kept[0] as Made).id);
    await expect(
      withPrincipal(t.platform.database.db, sponsor, (tx) => sql`select name_enc from patient`.execute(tx)),
    ).rejects.toThrow(/permission denied/);
    // A patient outside every filing stays invisible to the sponsor even in a query without WHERE.
    const all = await t.platform.database.db.selectFrom('patient').select('id').execute();
    expect(seen.patients.length).toBeLessThan(all.length);
  });

  it('serves one file of an export as CSV', async () => {
    const res = await call('sponsor.xu', 'GET', `/api/exports/filings/${filingId}/rwe/dictionary.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.body).toContain('受试者代码');
    const none = await call('sponsor.xu', 'GET', `/api/exports/filings/${filingId}/rwe/nothing.csv`);
    expect(none.statusCode).toBe(404);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: object }>();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/exports/filings',
        '/api/exports/filings/{id}/{format}',
        '/api/exports/filings/{id}/{format}/{file}',
      ]),
    );
  });
});
