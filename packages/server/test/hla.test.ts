import type { Principal } from '@cgtlink/domain/access/index';
import { bruteForceSearch } from '@cgtlink/domain/hla/registry/brute-force';
import type { DonorRecord, SearchQuery } from '@cgtlink/domain/hla/registry/donor';
import { tceGroup } from '@cgtlink/domain/hla/tce';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { asSystem, withPrincipal } from '../src/db/scoped';
import { ageOn } from '../src/hla/donor.service';
import { HlaReference } from '../src/hla/reference';
import { buildApp } from '../src/http/app';
import { assemblePlatform } from '../src/platform';
import { seedDemo } from '../src/seed/demo';
import { familyGl, seedRegistry } from '../src/seed/hla';
import { ENGINES, freshDatabase } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  [key: string]: unknown;
}

// A hand-made family (haplotypes A~C~B~DRB1~DQB1): father a/b, mother c/d, the patient a/c.
const H = {
  a: ['A*01:01', 'C*07:01', 'B*08:01', 'DRB1*03:01', 'DQB1*02:01'],
  b: ['A*24:02', 'C*01:02', 'B*46:01', 'DRB1*09:01', 'DQB1*03:03'],
  c: ['A*03:01', 'C*07:02', 'B*07:02', 'DRB1*15:01', 'DQB1*06:02'],
  d: ['A*11:01', 'C*03:04', 'B*40:01', 'DRB1*04:01', 'DQB1*03:02'],
};
const TYPING = { typingLab: 'NSH HLA lab', method: 'NGS', resolution: 'high', typedOn: '2026-01-05' };

describe.each(ENGINES)('HLA typings, donors, family work-up and registry search on %s', (engine) => {
  let t: TestPlatform;
  let li: string; // NSH patient with the seeded demo family
  let zhang: string; // NSH patient for the hand-made family
  let fatherOfLi: string;

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

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const nsh = (await call('dr.zhou', 'GET', '/api/patients')).json<{ id: string; name: string }[]>();
    li = nsh.find((p) => p.name === '李小明')!.id;
    zhang = nsh.find((p) => p.name === '张雨桐')!.id;
    const family = (await call('dr.zhou', 'GET', `/api/patients/${li}/donors`)).json<
      { id: string; relation: string }[]
    >();
    fatherOfLi = family.find((d) => d.relation === 'father')!.id;
    await seedRegistry(t.platform, 400, { near: false });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an unknown allele with a 400 naming the field and the token, and records nothing', async () => {
    const before = (await call('dr.zhou', 'GET', `/api/patients/${zhang}/hla-typings`)).json<unknown[]>();
    const res = await call('dr.zhou', 'POST', `/api/patients/${zhang}/hla-typings`, {
      ...TYPING,
      glString: 'A*01:01+A*99:99^B*08:01+B*07:02',
    });
    expect(res.statusCode).toBe(400);
    const problem = res.json();
    expect(problem.errors[0]).toMatchObject({ field: 'typing.glString', token: 'A*99:99' });
    expect(problem.detail).toContain('A*99:99');
    const after = (await call('dr.zhou', 'GET', `/api/patients/${zhang}/hla-typings`)).json<unknown[]>();
    expect(after).toHaveLength(before.length);
  });

  it('refuses a malformed GL String and a bad method by field', async () => {
    const gl = await call('dr.zhou', 'POST', `/api/patients/${zhang}/hla-typings`, {
      ...TYPING,
      glString: 'A*01:01++A*02:01',
    });
    expect(gl.statusCode).toBe(400);
    expect(gl.json().errors[0].field).toBe('typing.glString');
    const method = await call('dr.zhou', 'POST', `/api/patients/${zhang}/hla-typings`, {
      ...TYPING,
      method: 'guess',
      glString: 'A*01:01+A*02:01',
    });
    expect(method.statusCode).toBe(400);
    expect(method.json().errors[0].field).toContain('method');
  });

  it('stores the GL String as entered with its reduced forms; a new typing supersedes, a correction edits', async () => {
    const first = await call('dr.zhou', 'POST', `/api/patients/${zhang}/hla-typings`, {
      ...TYPING,
      glString: 'HLA-A*01:01:01:01+HLA-A*03:01:01:01',
      resolution: 'allele',
    });
    expect(first.statusCode).toBe(201);
    const typing = first.json();
    expect(typing.glString).toBe('HLA-A*01:01:01:01+HLA-A*03:01:01:01');
    // lgx: the G group's first member's two fields (A*01:01:01G → A*01:01; A*03:01:01G → A*03:01).
    expect(typing.reduced.lgx).toBe('A*01:01+A*03:01');
    expect(typing.reduced.loci.A).toEqual(['A*01:01', 'A*03:01']);
    expect(typing.reduced.serology).toBe('A1+A3');
    const stale = await call('dr.zhou', 'PUT', `/api/hla-typings/${typing.id}`, {
      ...TYPING,
      glString: 'A*01:01+A*03:01',
      version: typing.version + 1,
      reason: 'transcription',
    });
    expect(stale.statusCode).toBe(409);
    const corrected = await call('dr.zhou', 'PUT', `/api/hla-typings/${typing.id}`, {
      ...TYPING,
      glString: familyGl(H.a, H.c, ['DPB1*04:01', 'DPB1*02:01']),
      version: typing.version,
      reason: 'only locus A had been transcribed from the report',
    });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.json()).toMatchObject({ version: 2, status: 'current' });
    expect(corrected.json().reduced.loci.DRB1).toEqual(['DRB1*03:01', 'DRB1*15:01']);
    expect(corrected.json().reduced.loci.DPB1).toEqual(['DPB1*04:01', 'DPB1*02:01']);
    // DPB1 has no serologic equivalents: the serology reduction covers the other loci only.
    expect(corrected.json().reduced.serology).toMatch(/^A1\+A3\^Cw7\+Cw7\^B8\+B7\^/);
    expect(corrected.json().reduced.serology).not.toContain('*');
    const audit = await asSystem(t.platform.database.db, (tx) =>
      tx
        .selectFrom('audit_event')
        .select(['old_values', 'reason'])
        .where('entity_id', '=', typing.id)
        .where('action', '=', 'update')
        .execute(),
    );
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.old_values)).toContain('HLA-A*01:01:01:01+HLA-A*03:01:01:01');
    expect(audit[0]?.reason).toBe('only locus A had been transcribed from the report');
  });

  it('works up a hand-made family: haplotypes, identical / haploidentical / mismatched, ranking criteria', async () => {
    const add = async (relation: string, name: string, h1: string[], h2: string[], extra: Json = {}) => {
      const res = await call('dr.zhou', 'POST', `/api/patients/${zhang}/donors`, {
        relation,
        name,
        sex: relation === 'mother' ? 'F' : 'M',
        birthDate: relation === 'father' || relation === 'mother' ? '1975-03-01' : '2012-05-05',
        abo: 'O',
        cmv: 'neg',
        typing: { ...TYPING, glString: familyGl(h1, h2) },
        ...extra,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    };
    const father = await add('father', '张父', H.a, H.b);
    const mother = await add('mother', '张母', H.c, H.d);
    const identical = await add('sibling', '张甲', H.a, H.c);
    const haplo = await add('sibling', '张乙', H.a, H.d);
    // The patient's antibody against A*11:01 (MFI 6000), tested against this sibling: the mother carries it too.
    const mismatched = await add('sibling', '张丙', H.b, H.d, {
      dsa: [{ specificity: 'A*11:01', mfi: 6000 }],
    });
    const untyped = (
      await call('dr.zhou', 'POST', `/api/patients/${zhang}/donors`, {
        relation: 'other',
        name: '张叔',
        sex: 'M',
        birthDate: '1970-01-01',
      })
    ).json<{ id: string }>().id;

    const res = await call(
      'dr.zhou',
      'GET',
      `/api/patients/${zhang}/family-workup?patientAbo=O&patientCmv=neg`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const w = res.json();
    expect(w.haplotypes.labels).toEqual(['paternal', 'maternal']);
    expect(w.haplotypes.haplotypes[0]).toMatchObject({ A: 'A*01:01', B: 'B*08:01', DRB1: 'DRB1*03:01' });
    expect(w.haplotypes.haplotypes[1]).toMatchObject({ A: 'A*03:01', B: 'B*07:02', DRB1: 'DRB1*15:01' });
    const cls = Object.fromEntries(
      w.relatives.map((r: { id: string; classification: string }) => [r.id, r.classification]),
    );
    expect(cls).toEqual({
      [father]: 'haploidentical',
      [mother]: 'haploidentical',
      [identical]: 'HLA-identical',
      [haplo]: 'haploidentical',
      [mismatched]: 'mismatched',
    });
    expect(w.excluded).toEqual([{ donorId: untyped, reason: 'no HLA typing on record' }]);
    expect(w.ranking[0].id).toBe(identical);
    const motherRank = w.ranking.find((r: { id: string }) => r.id === mother);
    const dsa = motherRank.criteria.find((c: { name: string }) => c.name === 'DSA');
    expect(dsa.verdict).toBe('avoid');
    expect(dsa.value).toContain('6000');
    const names = motherRank.criteria.map((c: { name: string }) => c.name);
    expect(names).toEqual(expect.arrayContaining(['DSA', 'ABO', 'age', 'sex', 'CMV']));
    // The mother (DSA ≥ 5000) ranks below the haploidentical father and sibling without DSA.
    const position = (id: string) => w.ranking.find((r: { id: string }) => r.id === id).position;
    expect(position(mother)).toBeGreaterThan(position(father));
    expect(position(mother)).toBeGreaterThan(position(haplo));
  });

  /** Every registry donor in the database, as the domain's records (the brute-force reference). */
  const registryRecords = async (): Promise<{ records: DonorRecord[]; idByNo: Map<number, string> }> => {
    const rows = await asSystem(t.platform.database.db, (tx) =>
      tx
        .selectFrom('donor as d')
        .innerJoin('hla_typing as h', (j) =>
          j.onRef('h.donor_id', '=', 'd.id').on('h.status', '=', 'current'),
        )
        .select(['d.id', 'd.donor_no', 'd.sex', 'd.birth_date', 'd.abo', 'd.cmv', 'd.registry', 'h.reduced'])
        .where('d.kind', '=', 'unrelated')
        .where('d.status', '=', 'active')
        .execute(),
    );
    const today = new Date().toISOString().slice(0, 10);
    return {
      idByNo: new Map(rows.map((r) => [r.donor_no, r.id])),
      records: rows.map((r) => ({
        donorNo: r.donor_no,
        typing: (typeof r.reduced === 'string' ? JSON.parse(r.reduced) : r.reduced).loci,
        age: ageOn(r.birth_date, today),
        sex: r.sex as DonorRecord['sex'],
        cmv: r.cmv as DonorRecord['cmv'],
        abo: r.abo as DonorRecord['abo'],
        registry: r.registry ?? '',
      })),
    };
  };

  const bruteForce = async (query: SearchQuery) => {
    const release = t.platform.hlaReference.get();
    const { records, idByNo } = await registryRecords();
    return bruteForceSearch(records, query, (name) => tceGroup(release, name)).map((h) =>
      idByNo.get(h.donorNo),
    );
  };

  it('returns through the server exactly what a brute-force comparison of the donor records returns', async () => {
    const { records } = await registryRecords();
    expect(records.length).toBeGreaterThan(400);
    // Patients: the demo patient, and a few synthetic donors' own typings (so that there are many near hits).
    const probes = [records[5], records[50], records[222]].map((r) => r!.typing);
    const liTyping = (await call('dr.zhou', 'GET', `/api/patients/${li}/hla-typings`)).json<
      { reduced: { loci: DonorRecord['typing'] } }[]
    >()[0]!.reduced.loci;
    const cases: {
      patient: DonorRecord['typing'];
      k: number;
      loci?: ('A' | 'B' | 'C' | 'DRB1' | 'DQB1' | 'DPB1')[];
    }[] = [
      { patient: liTyping, k: 2 },
      { patient: liTyping, k: 3, loci: ['A', 'B', 'C', 'DRB1', 'DQB1'] },
      ...probes.map((p) => ({ patient: p, k: 4 })),
      { patient: probes[0]!, k: 6, loci: ['A', 'B', 'DRB1'] },
    ];
    for (const c of cases) {
      const glString = Object.entries(c.patient)
        .map(([, pair]) => `${pair?.[0]}+${pair?.[1]}`)
        .join('^');
      const res = await call('dr.zhou', 'POST', '/api/hla/registry/search', {
        patient: { glString },
        maxMismatches: c.k,
        limit: 500,
        ...(c.loci ? { loci: c.loci } : {}),
      });
      expect(res.statusCode, res.body).toBe(200);
      const served = res.json<{ hits: { donorId: string }[] }>().hits.map((h) => h.donorId);
      const expected = await bruteForce({
        patient: c.patient,
        maxMismatches: c.k,
        limit: 500,
        ...(c.loci ? { loci: c.loci } : {}),
      });
      expect(served).toEqual(expected);
    }
    // The demo patient by record: the hand-made 10/10 donor first, at 0 mismatches.
    const byRecord = await call('dr.zhou', 'POST', '/api/hla/registry/search', {
      patient: { patientId: li },
      maxMismatches: 1,
    });
    const hits = byRecord.json<{ hits: { registryDonorId: string; mismatches: number }[] }>().hits;
    expect(hits[0]).toMatchObject({ registryDonorId: 'CMDP-0000001', mismatches: 0 });
    expect(hits.map((h) => h.registryDonorId)).toContain('CMDP-0000002');
  });

  it('applies filters as the brute-force reference does', async () => {
    const patient = (await registryRecords()).records[7]!.typing;
    const glString = Object.values(patient)
      .map((pair) => `${pair?.[0]}+${pair?.[1]}`)
      .join('^');
    const filters = { minAge: 25, maxAge: 50, sex: ['F' as const], cmv: ['neg' as const] };
    const res = await call('dr.zhou', 'POST', '/api/hla/registry/search', {
      patient: { glString },
      maxMismatches: 5,
      filters,
      limit: 500,
    });
    expect(res.statusCode).toBe(200);
    const served = res.json<{ hits: { donorId: string; sex: string; cmv: string }[] }>().hits;
    expect(served.every((h) => h.sex === 'F' && h.cmv === 'neg')).toBe(true);
    expect(served.map((h) => h.donorId)).toEqual(
      await bruteForce({ patient, maxMismatches: 5, filters, limit: 500 }),
    );
  });

  it('updates the index incrementally when a registry donor is added, changed and retired', async () => {
    const search = async () =>
      (
        await call('dr.zhou', 'POST', '/api/hla/registry/search', {
          patient: { patientId: zhang },
          maxMismatches: 1,
          limit: 500,
        })
      ).json<{ hits: { donorId: string; mismatches: number }[] }>().hits;
    const before = await search();
    const added = await call('dr.zhou', 'POST', '/api/registry-donors', {
      registry: 'CMDP',
      registryDonorId: 'CMDP-TEST-1',
      sex: 'M',
      birthDate: '2000-02-02',
      abo: 'O',
      cmv: 'neg',
      typing: { ...TYPING, glString: familyGl(H.a, H.c) },
    });
    expect(added.statusCode, added.body).toBe(201);
    const donor = added.json<{ id: string; version: number }>();
    const withDonor = await search();
    expect(withDonor.find((h) => h.donorId === donor.id)).toMatchObject({ mismatches: 0 });
    expect(withDonor).toHaveLength(before.length + 1);
    // Re-typed with a B mismatch: still found, now with one mismatch.
    const retyped = await call('dr.zhou', 'POST', `/api/donors/${donor.id}/hla-typings`, {
      ...TYPING,
      glString: familyGl(H.a, ['A*03:01', 'C*07:02', 'B*40:01', 'DRB1*15:01', 'DQB1*06:02']),
    });
    expect(retyped.statusCode).toBe(201);
    expect((await search()).find((h) => h.donorId === donor.id)).toMatchObject({ mismatches: 1 });
    // Retired: gone from the index.
    const retired = await call('dr.zhou', 'PATCH', `/api/donors/${donor.id}`, {
      version: donor.version,
      status: 'inactive',
    });
    expect(retired.statusCode, retired.body).toBe(200);
    expect((await search()).map((h) => h.donorId)).not.toContain(donor.id);
  });

  it('explains a donor per locus: mismatch level, direction, DPB1 TCE and grades', async () => {
    const hits = (
      await call('dr.zhou', 'POST', '/api/hla/registry/search', {
        patient: { patientId: li },
        maxMismatches: 1,
      })
    ).json<{ hits: { donorId: string; registryDonorId: string }[] }>().hits;
    const oneB = hits.find((h) => h.registryDonorId === 'CMDP-0000002')!;
    const res = await call('dr.zhou', 'POST', '/api/hla/match', {
      patient: { patientId: li },
      donorId: oneB.donorId,
    });
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json();
    const locus = (name: string) => m.loci.find((l: { locus: string }) => l.locus === name);
    // Patient B*40:01+B*46:01, donor B*40:01+B*13:01: B46 vs B13 differ at antigen level, both directions.
    expect(locus('B').best).toMatchObject({
      mismatches: 1,
      direction: 'bidirectional',
      gvhLevels: ['antigen'],
      hvgLevels: ['antigen'],
    });
    expect(locus('A').best.mismatches).toBe(0);
    expect(m.best).toEqual({ of8: 7, of10: 9, of12: 10 });
    // DPB1 05:01+02:01 vs 05:01+04:01: 02:01 and 04:01 are both TCE group 3 → permissive.
    expect(locus('DPB1').best.tce).toBe('permissive');
  });

  it('keeps hospital B out of hospital A’s donors and typings', async () => {
    for (const url of [
      `/api/patients/${li}/donors`,
      `/api/patients/${li}/hla-typings`,
      `/api/donors/${fatherOfLi}`,
      `/api/patients/${li}/family-workup`,
    ]) {
      const res = await call('dr.he', 'GET', url);
      expect(res.statusCode, url).toBe(404);
    }
    const write = await call('dr.he', 'POST', `/api/patients/${li}/hla-typings`, {
      ...TYPING,
      glString: 'A*01:01+A*02:01',
    });
    expect(write.statusCode).toBe(404);
    const patch = await call('dr.he', 'PATCH', `/api/donors/${fatherOfLi}`, { version: 1, abo: 'B' });
    expect(patch.statusCode).toBe(404);
    const explain = await call('dr.he', 'POST', '/api/hla/match', {
      patient: { patientId: li },
      donorId: fatherOfLi,
    });
    expect(explain.statusCode).toBe(404);
    // In the database itself: hospital B's scope holds none of hospital A's related donors or their typings.
    const counts = await withPrincipal(t.platform.database.db, await principalOf('dr.he'), async (tx) => ({
      donors: (await tx.selectFrom('donor').select('id').where('kind', '=', 'related').execute()).length,
      typings: (await tx.selectFrom('hla_typing').select('id').where('shared', '=', false).execute()).length,
    }));
    expect(counts).toEqual({ donors: 0, typings: 0 });
  });

  it('shows a patient account no donors and no typings', async () => {
    expect((await call('guardian.li', 'GET', `/api/donors/${fatherOfLi}`)).statusCode).toBe(403);
    expect((await call('guardian.li', 'GET', `/api/patients/${li}/donors`)).statusCode).toBe(403);
    expect(
      (
        await call('guardian.li', 'POST', '/api/hla/registry/search', {
          patient: { patientId: li },
          maxMismatches: 1,
        })
      ).statusCode,
    ).toBe(403);
    const rows = await withPrincipal(
      t.platform.database.db,
      await principalOf('guardian.li'),
      async (tx) => ({
        donors: (await tx.selectFrom('donor').select('id').execute()).length,
        typings: (await tx.selectFrom('hla_typing').select('id').execute()).length,
      }),
    );
    expect(rows).toEqual({ donors: 0, typings: 0 });
  });

  it('gives the regulator de-identified donors and typings, and no identifier even by direct query', async () => {
    const res = await call('inspector', 'GET', `/api/donors/${fatherOfLi}`);
    expect(res.statusCode).toBe(200);
    const donor = res.json();
    expect(donor).toMatchObject({ name: null, birthDate: null, relation: 'father', birthYear: 1983 });
    expect(res.body).not.toContain('李建华');
    const typings = await call('inspector', 'GET', `/api/patients/${li}/hla-typings`);
    expect(typings.statusCode).toBe(200);
    expect(typings.json()[0].correctionReason).toBeNull();
    expect(
      (
        await call('inspector', 'POST', `/api/patients/${li}/hla-typings`, {
          ...TYPING,
          glString: 'A*01:01+A*02:01',
        })
      ).statusCode,
    ).toBe(403);
    const inspector = await principalOf('inspector');
    for (const column of ['name_enc', 'birth_date', 'registry_donor_id']) {
      await expect(
        withPrincipal(t.platform.database.db, inspector, (tx) =>
          sql`select ${sql.ref(column)} from donor limit 1`.execute(tx),
        ),
      ).rejects.toThrow(/permission denied/);
    }
  });
});

describe('HLA features without reference data', () => {
  it('starts, reports "reference data not loaded" and answers 503 on the HLA routes', async () => {
    const reference = new HlaReference('/nonexistent/imgthla');
    expect(reference.status()).toMatchObject({ loaded: false, version: null });
    const database = await freshDatabase('pglite');
    const config = loadConfig(
      { CGTLINK_MODE: 'test', CGTLINK_LOG_LEVEL: 'silent', CGTLINK_IMGT_DIR: '/nonexistent/imgthla' },
      { mode: 'test' },
    );
    const platform = assemblePlatform(config, database);
    await seedDemo(platform);
    const app = await buildApp(platform, { logLevel: 'silent' });
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/token',
        payload: { username: 'dr.zhou', password: 'Nansha-demo-2026!' },
      });
      const headers = { authorization: `Bearer ${login.json().token}` };
      const status = await app.inject({ method: 'GET', url: '/api/hla/status', headers });
      expect(status.json()).toMatchObject({ loaded: false });
      expect(status.json().message).toContain('reference data not loaded');
      const patients = (await app.inject({ method: 'GET', url: '/api/patients', headers })).json<
        { id: string }[]
      >();
      const res = await app.inject({
        method: 'POST',
        url: `/api/patients/${patients[0]!.id}/hla-typings`,
        headers,
        payload: { ...TYPING, glString: 'A*01:01+A*02:01' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().detail).toContain('reference data not loaded');
    } finally {
      await app.close();
      await platform.close();
    }
  }, 120_000);
});
