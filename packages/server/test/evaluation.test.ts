import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSystem, withPrincipal } from '../src/db/scoped';
import { type Cutoff, resolveCutoff } from '../src/evaluation/cohort';
import { cohortPatients, computedPatients, evaluateFiling } from '../src/evaluation/evaluate';
import { refreshAllOutcomes, refreshOutcomes } from '../src/evaluation/outcome-store';
import { normalizeObservation } from '../src/followup/followup.service';
import { ENGINES } from './support/databases';
import { openTestPlatform, type TestPlatform } from './support/platform';

interface Json {
  // biome-ignore lint/suspicious/noExplicitAny: the test walks loosely typed JSON answers
  [key: string]: any;
}

/**
 * A hand-computable cohort of six patients of NSH under the demo filing F-2026-NSGT01, infused on 2024-01-01
 * (day 0). Every expected value below is worked by hand in the comments.
 *
 *   P1 F 2014 β0/β0  RBC day −10 (washout → period from day 50); Hb 10 (d30), 11 (d200), 11 (d400), 12 (d600);
 *                    febrile neutropenia G3 d10–d20 (serious, expected)                   → TI from day 50
 *   P2 F 2014 β0/β0  RBC day −10; Hb 8.5 at d30, d200, d400, d600; dies of sepsis (G5) on d650  → TI not met
 *   P3 F 2014 β0/β+  no transfusion; Hb 10 (d100), 10 (d500); FN G3 d12; stomatitis G2 d15     → TI from day 0
 *   P4 M 2014 β0/β0  RBC d300; Hb 7 (d100), 9.5 (d400), 9.5 (d700)                   → in progress (d360–d700)
 *   P5 M 2014 βE/β0  Hb 9 (d100), 9 (d190); dies of sepsis (G5) on d200                          → TI not met
 *   P6 M 2000 (no genotype in the diagnosis)  Hb 10 (d100), 10 (d450)                           → TI from day 0
 */
const D0 = '2024-01-01';
const day = (n: number) =>
  new Date(Date.parse(`${D0}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.each(ENGINES)('the evaluation centre on %s', (engine) => {
  let t: TestPlatform;
  let filingId: string;
  let cutoff: string;
  const ids: Record<string, string> = {};

  const call = async (user: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.as(user),
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const evaluation = async (user: string, query: string) => {
    const res = await call(user, 'GET', `/api/evaluation?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Json>();
  };

  beforeAll(async () => {
    t = await openTestPlatform(engine);
    const { db } = t.platform.database;
    filingId = (
      await db
        .selectFrom('filing')
        .select('id')
        .where('reference', '=', 'F-2026-NSGT01')
        .executeTakeFirstOrThrow()
    ).id;
    const zhou = (await call('dr.zhou', 'GET', '/api/auth/session')).json<{ principal: Principal }>()
      .principal;
    const patients = [
      { key: 'P1', sex: 'female', birth: '2014-05-01', dx: 'β-thalassemia major (β0/β0)' },
      { key: 'P2', sex: 'female', birth: '2014-05-01', dx: 'β-thalassemia major (β0/β0)' },
      { key: 'P3', sex: 'female', birth: '2014-05-01', dx: 'β-thalassemia major (β0/β+)' },
      { key: 'P4', sex: 'male', birth: '2014-05-01', dx: 'β-thalassemia major (β0/β0)' },
      { key: 'P5', sex: 'male', birth: '2014-05-01', dx: 'β-thalassemia major (βE/β0)' },
      { key: 'P6', sex: 'male', birth: '2000-05-01', dx: 'β-thalassemia major' },
    ] as const;
    for (const p of patients) {
      const created = await t.platform.patients.create(
        { principal: zhou, requestId: 'evaluation-test' },
        { name: `评价${p.key}`, sex: p.sex, birthDate: p.birth, diagnosis: p.dx },
      );
      ids[p.key] = created.id;
    }
    const hb: [string, number, number][] = [
      ['P1', 30, 10],
      ['P1', 200, 11],
      ['P1', 400, 11],
      ['P1', 600, 12],
      ['P2', 30, 8.5],
      ['P2', 200, 8.5],
      ['P2', 400, 8.5],
      ['P2', 600, 8.5],
      ['P3', 100, 10],
      ['P3', 500, 10],
      ['P4', 100, 7],
      ['P4', 400, 9.5],
      ['P4', 700, 9.5],
      ['P5', 100, 9],
      ['P5', 190, 9],
      ['P6', 100, 10],
      ['P6', 450, 10],
    ];
    const rbc: [string, number][] = [
      ['P1', -10],
      ['P2', -10],
      ['P4', 300],
    ];
    const aes: [string, string, number, number, number | null, boolean, boolean, string][] = [
      ['P1', 'Febrile neutropenia', 3, 10, 20, true, true, 'recovered'],
      ['P3', 'Febrile neutropenia', 3, 12, null, true, true, 'recovering'],
      ['P3', 'Stomatitis', 2, 15, null, false, true, 'recovering'],
      ['P2', 'Sepsis', 5, 650, 650, true, false, 'fatal'],
      ['P5', 'Sepsis', 5, 200, 200, true, false, 'fatal'],
    ];
    await asSystem(db, async (tx) => {
      const hospitalId = zhou.organizationId;
      for (const key of Object.keys(ids)) {
        await tx
          .insertInto('followup_enrolment')
          .values({
            patient_id: ids[key]!,
            hospital_id: hospitalId,
            filing_id: filingId,
            product_name: 'NSG-101',
            graft_source: 'gene-therapy',
            protocol: 'gene-therapy',
            infusion_date: D0,
            reference_terms: JSON.stringify(['Febrile neutropenia', 'Stomatitis']),
          })
          .execute();
      }
      await tx
        .insertInto('observation')
        .values(
          hb.map(([k, d, v]) => ({
            ...normalizeObservation({ code: 'hb', value: v, unit: 'g/dL', observedOn: day(d) }),
            patient_id: ids[k]!,
            hospital_id: hospitalId,
            source: 'manual',
          })),
        )
        .execute();
      await tx
        .insertInto('transfusion')
        .values(
          rbc.map(([k, d]) => ({
            patient_id: ids[k]!,
            hospital_id: hospitalId,
            given_on: day(d),
            product: 'red-cells',
            volume_ml: 300,
            source: 'manual',
          })),
        )
        .execute();
      for (const [k, term, grade, onset, resolved, serious, expected, outcome] of aes) {
        await tx
          .insertInto('adverse_event')
          .values({
            patient_id: ids[k]!,
            hospital_id: hospitalId,
            filing_id: filingId,
            product_name: 'NSG-101',
            term,
            ctcae_term: term,
            grade,
            onset_date: day(onset),
            resolution_date: resolved === null ? null : day(resolved),
            seriousness: JSON.stringify(serious ? (grade === 5 ? ['death'] : ['hospitalization']) : []),
            serious,
            causality_product: 'possible',
            causality_procedure: 'unrelated',
            expected,
            outcome,
            awareness_date: day(onset),
            expedited_required: false,
          })
          .execute();
      }
      // P1: three protocol visits whose windows closed, two attended.
      await tx
        .insertInto('followup_visit')
        .values(
          [30, 90, 180].map((d, i) => ({
            patient_id: ids.P1!,
            hospital_id: hospitalId,
            label: `D${d}`,
            due_date: day(d),
            window_start: day(d - 7),
            window_end: day(d + 7),
            attended_on: i < 2 ? day(d) : null,
          })),
        )
        .execute();
    });
    cutoff = new Date(Date.now() + 1000).toISOString();
    await new Promise((r) => setTimeout(r, 1100));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('computes TI 3/5 with the Clopper–Pearson interval and the time to TI', async () => {
    const e = await evaluation('evaluator.chen', `filingId=${filingId}&cutoff=${cutoff}`);
    expect(e.cohort.n).toBe(6);
    const ti = e.efficacy.transfusionIndependence;
    // Achieved P1 (period d50–d600: trapezoid (200·11 + 200·11.5)/400 = 11.25 g/dL), P3 and P6 (10 g/dL);
    // not met P2 (8.5 g/dL) and P5 (died on d200); P4 in progress (d360–d700 < 12 months).
    expect([ti.achieved, ti.notMet, ti.inProgress]).toEqual([3, 2, 1]);
    expect([ti.x, ti.n]).toEqual([3, 5]);
    // binom.test(3, 5): 0.1466328–0.9472550 (Clopper–Pearson).
    expect(ti.estimate).toBeCloseTo(0.6, 6);
    expect(ti.lower).toBeCloseTo(0.1466328, 5);
    expect(ti.upper).toBeCloseTo(0.947255, 5);
    // Time to TI: days 0 (P3), 0 (P6), 50 (P1) → median 0, quartiles 0 and 25.
    expect(ti.timeToTi).toMatchObject({ n: 3, medianDays: 0, q1: 0, q3: 25 });
    expect(ti.method).toContain('Clopper–Pearson');
  });

  it('computes the Kaplan–Meier overall survival by hand', async () => {
    const os = (await evaluation('evaluator.chen', `filingId=${filingId}&cutoff=${cutoff}`)).efficacy
      .overallSurvival;
    // Follow-up (days): 600c, 650†, 500c, 700c, 200†, 450c.
    // t = 200: 6 at risk, 1 death → S = 5/6; t = 650: 2 at risk (650, 700), 1 death → S = 5/6 · 1/2 = 5/12.
    expect(os.n).toBe(6);
    expect(os.events).toBe(2);
    expect(os.curve.map((p: Json) => [p.t, p.s])).toEqual([
      [0, 1],
      [200, 0.833333],
      [650, 0.416667],
    ]);
    // Median: first time S ≤ 0.5 → day 650.
    expect(os.median).toBe(650);
    // 1 year (day 365): S = 5/6, 5 at risk; log CI: exp(log S ± 1.959964·√(1/30)) → 0.58266, capped 1.
    const y1 = os.landmarks.find((l: Json) => l.years === 1);
    expect(y1.survival).toBeCloseTo(5 / 6, 6);
    expect(y1.nRisk).toBe(5);
    expect(y1.lower).toBeCloseTo((5 / 6) * Math.exp(-1.959964 * Math.sqrt(1 / 30)), 4);
    expect(y1.upper).toBe(1);
    // 2 and 5 years lie beyond the last follow-up (day 700): not estimated.
    expect(os.landmarks.find((l: Json) => l.years === 2).survival).toBeNull();
    // Numbers at risk every 182 days: 6, 6, 5, 3.
    expect(os.atRisk).toEqual([
      { t: 0, n: 6 },
      { t: 182, n: 6 },
      { t: 364, n: 5 },
      { t: 546, n: 3 },
    ]);
  });

  it('counts adverse events per patient and per patient-year, serious, unexpected and deaths', async () => {
    const s = (await evaluation('evaluator.chen', `filingId=${filingId}&cutoff=${cutoff}`)).safety;
    // Patient-years: (600 + 650 + 500 + 700 + 200 + 450) / 365.25 = 8.487337.
    expect(s.patientYears).toBeCloseTo(3100 / 365.25, 3);
    const fn = s.byTerm.find((r: Json) => r.term === 'Febrile neutropenia' && r.grade === null);
    expect(fn).toMatchObject({ events: 2, patients: 2, serious: 2, unexpected: 0 });
    // 2/6 patients: binom.test(2, 6) → 0.04327187–0.77722190; 2 events / 8.487337 PY = 0.235645.
    expect(fn.incidence.estimate).toBeCloseTo(1 / 3, 6);
    expect(fn.incidence.lower).toBeCloseTo(0.04327187, 5);
    expect(fn.incidence.upper).toBeCloseTo(0.7772219, 5);
    expect(fn.rate.perPatientYear).toBeCloseTo(2 / (3100 / 365.25), 5);
    expect(s.any).toMatchObject({ events: 5, patients: 4 });
    expect(s.serious).toMatchObject({ events: 4, patients: 4 });
    expect(s.unexpected).toMatchObject({ events: 2, patients: 2 });
    expect(s.deaths.n).toBe(2);
    expect(s.deaths.causes).toEqual([{ cause: 'Sepsis', n: 2 }]);
  });

  it('measures follow-up completeness and critical-field errors', async () => {
    const q = (await evaluation('evaluator.chen', `filingId=${filingId}&cutoff=${cutoff}`)).quality;
    expect(q.followup).toMatchObject({ due: 3, attended: 2, overdue: 1 });
    const missing = Object.fromEntries(q.completeness.fields.map((f: Json) => [f.field, f.missing]));
    // Genotype missing for P6; no ANC by day 42 for anyone; Hb by day 90 only for P1 and P2; P1 has an overdue visit.
    expect(missing).toEqual({ sex: 0, genotype: 1, filing: 0, ancDay42: 6, hbDay90: 4, visitsComplete: 1 });
    // 12 missing of 6 × 6 = 36 cells = 33.3% > 3%.
    expect(q.completeness.errorRate).toBeCloseTo(12 / 36, 6);
    expect(q.completeness.meets).toBe(false);
  });

  it('changes the figures with the cohort filters', async () => {
    const female = await evaluation('evaluator.chen', `filingId=${filingId}&sex=female&cutoff=${cutoff}`);
    expect(female.cohort.n).toBe(3);
    expect([female.efficacy.transfusionIndependence.x, female.efficacy.transfusionIndependence.n]).toEqual([
      2, 3,
    ]);
    expect(female.safety.deaths.n).toBe(1);
    const adult = await evaluation('evaluator.chen', `filingId=${filingId}&ageBand=18%2B&cutoff=${cutoff}`);
    expect(adult.cohort.n).toBe(1);
    const bE = await evaluation('evaluator.chen', `genotype=${encodeURIComponent('βE/β0')}&cutoff=${cutoff}`);
    expect(bE.cohort.n).toBe(1);
  });

  it('compares two cohorts: log-rank, Cox HR and the TI difference, by hand', async () => {
    const res = await call('evaluator.chen', 'POST', '/api/evaluation/compare', {
      a: { filingId, sex: 'female', cutoff },
      b: { filingId, sex: 'male', cutoff },
      labelA: 'female',
      labelB: 'male',
    });
    expect(res.statusCode, res.body).toBe(200);
    const c = res.json<Json>();
    // Deaths at d200 (male; 3 + 3 at risk: E_female = 0.5, V = 0.25) and d650 (female; 1 + 1 at risk:
    // E_female = 0.5, V = 0.25): O − E = 1 − 1 = 0 → χ² = 0, p = 1; Cox β̂ = 0, SE = 1/√0.5 → HR 1 (0.0625–15.99).
    expect(c.os.logRank.observed).toEqual([1, 1]);
    expect(c.os.logRank.expected).toEqual([1, 1]);
    expect(c.os.logRank.chisq).toBeCloseTo(0, 6);
    expect(c.os.logRank.p).toBeCloseTo(1, 6);
    expect(c.os.hazardRatio.hr).toBeCloseTo(1, 5);
    expect(c.os.hazardRatio.lower).toBeCloseTo(Math.exp(-1.959964 * Math.SQRT2), 4);
    expect(c.os.hazardRatio.upper).toBeCloseTo(Math.exp(1.959964 * Math.SQRT2), 2);
    // TI: female 2/3, male 1/2 (P4 in progress) → 0.166667, Newcombe hybrid score interval.
    const wilson = (x: number, n: number) => {
      const z = 1.959964;
      const p = x / n;
      const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
      const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
      return [centre - half, centre + half] as const;
    };
    const [l1, u1] = wilson(2, 3);
    const [l2, u2] = wilson(1, 2);
    expect(c.ti.difference).toBeCloseTo(1 / 6, 6);
    expect(c.ti.lower).toBeCloseTo(1 / 6 - Math.sqrt((2 / 3 - l1) ** 2 + (u2 - 0.5) ** 2), 4);
    expect(c.ti.upper).toBeCloseTo(1 / 6 + Math.sqrt((u1 - 2 / 3) ** 2 + (0.5 - l2) ** 2), 4);
    expect(c.forest.rows[0]).toMatchObject({ subgroup: 'all', nA: 3, nB: 3, events: 2 });
  });

  it('compares with an external control given as summary data', async () => {
    const res = await call('evaluator.chen', 'POST', '/api/evaluation/compare', {
      a: { filingId, cutoff },
      control: {
        label: 'published series',
        survival: { endpoint: 'os', years: 1, rate: 0.9 },
        proportion: { endpoint: 'ti', x: 28, n: 33 },
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    const x = res.json<Json>().external;
    // S(1 y) = 5/6; SE = 5/6 · √(1/30) = 0.152145 (control taken as fixed); difference −0.066667.
    expect(x.survival.observed).toBeCloseTo(5 / 6, 6);
    expect(x.survival.se).toBeCloseTo((5 / 6) * Math.sqrt(1 / 30), 5);
    expect(x.survival.difference).toBeCloseTo(5 / 6 - 0.9, 6);
    expect(x.proportion.difference).toBeCloseTo(0.6 - 28 / 33, 6);
  });

  it('scopes the views: sponsor B sees nothing of sponsor A, a hospital only its own patients', async () => {
    const { db } = t.platform.database;
    const other = await asSystem(db, (tx) =>
      tx
        .insertInto('organization')
        .values({ code: 'OTHER-BIO', kind: 'sponsor', name_zh: '其他生物', name_en: 'Other Bio' })
        .returning('id')
        .executeTakeFirstOrThrow(),
    );
    await t.platform.users.createAsSystem(
      { system: 'test' },
      {
        organizationId: other.id,
        username: 'sponsor.other',
        displayName: 'Other sponsor',
        role: 'sponsor_user',
        password: 'Nansha-demo-2026!',
      },
    );
    expect((await call('sponsor.other', 'GET', `/api/evaluation?filingId=${filingId}`)).statusCode).toBe(404);
    expect((await evaluation('sponsor.other', '')).cohort.n).toBe(0);
    expect(
      (await call('sponsor.other', 'GET', `/api/evaluation/patients?metric=cohort&filingId=${filingId}`))
        .statusCode,
    ).toBe(404);
    // Sponsor A sees its filing's cohort, pseudonymous.
    const own = await evaluation('sponsor.xu', `filingId=${filingId}&cutoff=${cutoff}`);
    expect(own.cohort.n).toBe(6);
    expect(own.patientView).toBe('pseudonymous');
    const sponsorPatients = (
      await call('sponsor.xu', 'GET', `/api/evaluation/patients?metric=death&filingId=${filingId}`)
    ).json<Json[]>();
    expect(sponsorPatients).toHaveLength(2);
    expect(sponsorPatients.every((p) => p.patientId === null && /^P-/.test(p.pseudonym))).toBe(true);
    // The other hospital sees none of NSH's patients; NSH sees them with links to the records.
    expect((await evaluation('dr.he', '')).cohort.n).toBe(0);
    const nsh = (await call('dr.zhou', 'GET', '/api/evaluation/patients?metric=death')).json<Json[]>();
    expect(nsh.map((p) => p.patientId).sort()).toEqual([ids.P2, ids.P5].sort());
    // A laboratory may not read evaluations at all.
    expect((await call('qc.liang', 'GET', '/api/evaluation')).statusCode).toBe(403);
  });

  it('answers bad filters with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/api/evaluation?sex=x', 'sex'],
      ['/api/evaluation?infusedFrom=2025-01-01&infusedTo=2024-01-01', 'infusedTo'],
      ['/api/evaluation?ageBand=90-99', 'ageBand'],
      ['/api/evaluation?filingId=not-a-uuid', 'filingId'],
      ['/api/evaluation/patients?metric=ae.term', 'term'],
    ];
    for (const [url, field] of cases) {
      const res = await call('evaluator.chen', 'GET', url);
      expect(res.statusCode, url).toBe(400);
      expect(JSON.stringify(res.json()), url).toContain(field);
    }
    const bad = await call('evaluator.chen', 'POST', '/api/evaluation/compare', { a: {} });
    expect(bad.statusCode).toBe(400);
  });

  it('signs reports, keeps them immutable and reproduces them from the cut-off', async () => {
    const created = await call('evaluator.chen', 'POST', '/api/evaluation/reports', { filingId, cutoff });
    expect(created.statusCode, created.body).toBe(201);
    const report = created.json<Json>();
    expect(report).toMatchObject({ version: 1, status: 'draft', intact: true });
    expect(report.snapshot.evaluation.efficacy.transfusionIndependence.x).toBe(3);
    // Only evaluators compute reports.
    expect((await call('inspector', 'POST', '/api/evaluation/reports', { filingId })).statusCode).toBe(403);
    // A wrong password signs nothing.
    const wrong = await call('evaluator.chen', 'POST', `/api/evaluation/reports/${report.id}/sign`, {
      meaning: 'authored',
      password: 'wrong-password-1',
    });
    expect(wrong.statusCode).toBe(403);
    const signed1 = await call('evaluator.chen', 'POST', `/api/evaluation/reports/${report.id}/sign`, {
      meaning: 'authored',
      password: 'Nansha-demo-2026!',
    });
    expect(signed1.json().status).toBe('evaluator-signed');
    // The evaluator cannot review their own report.
    const self = await call('evaluator.chen', 'POST', `/api/evaluation/reports/${report.id}/sign`, {
      meaning: 'reviewed',
      password: 'Nansha-demo-2026!',
    });
    expect(self.statusCode).toBe(403);
    const signed2 = await call('reviewer.luo', 'POST', `/api/evaluation/reports/${report.id}/sign`, {
      meaning: 'reviewed',
      password: 'Nansha-demo-2026!',
    });
    expect(signed2.statusCode, signed2.body).toBe(200);
    expect(signed2.json().status).toBe('signed');
    expect(signed2.json().signatures.map((s: Json) => s.meaning)).toEqual(['authored', 'reviewed']);

    // The database refuses any change or deletion of the signed report, even to the owner.
    const { db } = t.platform.database;
    await expect(
      asSystem(db, (tx) =>
        sql`UPDATE evaluation_report SET snapshot = '{}'::jsonb WHERE id = ${report.id}`.execute(tx),
      ),
    ).rejects.toThrow(/immutable/);
    await expect(
      asSystem(db, (tx) => sql`DELETE FROM evaluation_report WHERE id = ${report.id}`.execute(tx)),
    ).rejects.toThrow(/cannot be deleted/);

    // A death recorded after the cut-off changes today's view but not the reproduction at the cut-off.
    await asSystem(db, (tx) =>
      tx
        .insertInto('adverse_event')
        .values({
          patient_id: ids.P1!,
          hospital_id: report.snapshot.evaluation.breakdown.hospital[0].key,
          term: 'Sepsis',
          ctcae_term: 'Sepsis',
          grade: 5,
          onset_date: day(610),
          resolution_date: day(610),
          seriousness: JSON.stringify(['death']),
          serious: true,
          causality_product: 'possible',
          causality_procedure: 'unrelated',
          expected: false,
          outcome: 'fatal',
          awareness_date: day(610),
          expedited_required: false,
        })
        .execute(),
    );
    expect((await evaluation('evaluator.chen', `filingId=${filingId}`)).safety.deaths.n).toBe(3);
    const again = await call('evaluator.chen', 'POST', `/api/evaluation/reports/${report.id}/reproduce`);
    expect(again.json()).toMatchObject({ matches: true, differences: [] });
    expect(again.json().recomputedSha256).toBe(report.snapshotSha256);

    // A new version at a later cut-off sees the death; the printable page names the cut-off and signers.
    const v2 = await call('evaluator.chen', 'POST', '/api/evaluation/reports', { filingId });
    expect(v2.json()).toMatchObject({ version: 2, status: 'draft' });
    expect(v2.json().snapshot.evaluation.safety.deaths.n).toBe(3);
    const page = await call(
      'sponsor.xu',
      'GET',
      `/api/evaluation/reports/${report.id}/print?lang=zh-CN&download=1`,
    );
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-disposition']).toContain('attachment');
    expect(page.body).toContain('数据截止');
    expect(page.body).toContain(report.cutoff);
    expect(page.body).toContain('罗嘉明');
    const en = await call('evaluator.chen', 'GET', `/api/evaluation/reports/${report.id}/print?lang=en`);
    expect(en.body).toContain('Data cut-off');
    // Another sponsor cannot read the report.
    expect((await call('sponsor.other', 'GET', `/api/evaluation/reports/${report.id}`)).statusCode).toBe(404);
  });

  it('reads each patient from the stored outcome when it stands for the cut-off, from the records otherwise', async () => {
    const { db } = t.platform.database;
    const principalOf = async (user: string) =>
      (await call(user, 'GET', '/api/auth/session')).json<{ principal: Principal }>().principal;
    const evaluator = await principalOf('evaluator.chen');
    const six = Object.values(ids);
    const storedOf = async (who: Principal) =>
      withPrincipal(db, who, async (tx) =>
        (
          await tx
            .selectFrom('evaluation_patient_outcome')
            .select(['patient_id', 'stale', 'died_on'])
            .where('patient_id', 'in', six)
            .execute()
        ).filter((r) => !r.stale),
      );
    // Both ways at one cut-off: every patient from the records, and the mixed read the views use.
    const both = async (cut: Cutoff) =>
      withPrincipal(db, evaluator, async (tx) => ({
        fromRecords: (await computedPatients(tx, { filingId }, cut, {})).sort((a, b) =>
          a.pseudonym < b.pseudonym ? -1 : 1,
        ),
        read: await cohortPatients(tx, { filingId }, cut),
      }));

    expect(await refreshAllOutcomes(db, 4)).toBeGreaterThanOrEqual(6);
    expect(await storedOf(evaluator)).toHaveLength(6);
    const now = resolveCutoff({});
    const fresh = await both(now);
    expect(fresh.read).toEqual(fresh.fromRecords);
    expect(fresh.read.find((p) => p.patientId === ids.P2)).toMatchObject({ deathDay: 650, tiStart: null });
    expect(fresh.read.find((p) => p.patientId === ids.P1)?.windows).toContainEqual(['hb', 0, 10]);
    // The whole evaluation is the same whichever way each patient was read.
    expect(await evaluateFiling(db, evaluator, { filingId })).toMatchObject({
      cohort: { n: 6 },
      safety: { deaths: { n: fresh.fromRecords.filter((p) => p.deathDay !== null).length } },
    });

    // The stored row is what is read: altered behind the service's back, the view follows it…
    await asSystem(db, (tx) =>
      sql`UPDATE evaluation_patient_outcome SET died_on = ${day(300)}, cause = 'altered'
          WHERE patient_id = ${ids.P3}`.execute(tx),
    );
    const altered = await both(resolveCutoff({}));
    expect(altered.read.find((p) => p.patientId === ids.P3)).toMatchObject({
      deathDay: 300,
      cause: 'altered',
    });
    // …until a write for that patient marks it stale in the writer's own transaction.
    await asSystem(db, (tx) =>
      tx
        .insertInto('observation')
        .values({
          ...normalizeObservation({ code: 'hb', value: 10.5, unit: 'g/dL', observedOn: day(520) }),
          patient_id: ids.P3!,
          hospital_id: fresh.read[0]!.hospitalId,
          source: 'manual',
        })
        .execute(),
    );
    expect((await storedOf(evaluator)).map((r) => r.patient_id)).not.toContain(ids.P3);
    const written = await both(resolveCutoff({}));
    expect(written.read).toEqual(written.fromRecords);
    expect(written.read.find((p) => p.patientId === ids.P3)).toMatchObject({ deathDay: null });

    // At the report's cut-off P1's later death was not yet recorded: P1 is read from the records, and the
    // figures are those of the records as they stood then.
    const atCutoff = await both(resolveCutoff({ cutoff }));
    expect(atCutoff.read).toEqual(atCutoff.fromRecords);
    expect(atCutoff.read.find((p) => p.patientId === ids.P1)).toMatchObject({ deathDay: null });

    // A writer holding a patient's row makes the refresher give way (lock timeout) rather than wait or deadlock;
    // its write then leaves the row stale, and the next refresh stores the outcome with it.
    const hb = (d: number, value: number) => ({
      ...normalizeObservation({ code: 'hb', value, unit: 'g/dL', observedOn: day(d) }),
      patient_id: ids.P4!,
      hospital_id: fresh.read[0]!.hospitalId,
      source: 'manual',
    });
    await asSystem(db, (tx) => tx.insertInto('observation').values(hb(710, 9.6)).execute());
    if (engine === 'postgres') {
      await asSystem(db, async (tx) => {
        await tx.insertInto('observation').values(hb(712, 9.7)).execute();
        await expect(refreshOutcomes(db, 100)).rejects.toMatchObject({ code: '55P03' });
      });
    } else {
      await asSystem(db, (tx) => tx.insertInto('observation').values(hb(712, 9.7)).execute());
    }
    expect((await storedOf(evaluator)).map((r) => r.patient_id)).not.toContain(ids.P4);
    await refreshAllOutcomes(db);
    expect((await storedOf(evaluator)).map((r) => r.patient_id)).toContain(ids.P4);
    const refreshed = await both(resolveCutoff({}));
    expect(refreshed.read).toEqual(refreshed.fromRecords);
    expect(refreshed.read.find((p) => p.patientId === ids.P4)?.lastContact).toBe(day(712));

    // The stored outcomes are scoped like the records: another sponsor and another hospital see none.
    expect(await storedOf(await principalOf('sponsor.other'))).toHaveLength(0);
    expect(await storedOf(await principalOf('dr.he'))).toHaveLength(0);
    expect(await storedOf(await principalOf('sponsor.xu'))).toHaveLength(6);
  });

  it('computes MELD change and 90-day survival in liver failure, KOOS change and the iron-load trends, by hand', async () => {
    // A cohort of its own: NSH patients without a filing, infused on 2015-03-02 (no demo patient is).
    const D = '2015-03-02';
    const on = (n: number) =>
      new Date(Date.parse(`${D}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const zhou = (await call('dr.zhou', 'GET', '/api/auth/session')).json<{ principal: Principal }>()
      .principal;
    const aclf = 'HBV-related acute-on-chronic liver failure (ACLF)';
    const oa = 'Knee osteoarthritis (Kellgren–Lawrence 2)';
    const tdt = 'β-thalassemia major (β0/β0)';
    const people: [string, string, 'msc' | 'gene-therapy'][] = [
      ['L1', aclf, 'msc'],
      ['L2', aclf, 'msc'],
      ['L3', aclf, 'msc'],
      ['K1', oa, 'msc'],
      ['K2', oa, 'msc'],
      ['T1', tdt, 'gene-therapy'],
      ['T2', tdt, 'gene-therapy'],
    ];
    const id: Record<string, string> = {};
    for (const [key, dx] of people)
      id[key] = (
        await t.platform.patients.create(
          { principal: zhou, requestId: 'evaluation-measures' },
          { name: `评价${key}`, sex: 'male', birthDate: '1970-01-01', diagnosis: dx },
        )
      ).id;
    type Obs = [string, number, string, number, string, ('R2' | 'R2*')?];
    const obs: Obs[] = [
      // L1: MELD from labs. Day −1: 0.378·ln 10 + 1.120·ln 2 + 0.643 = 2.2897 → 2.3 → 23;
      // day 28: 0.378·ln 4 + 1.120·ln 1.5 + 0.643 = 1.6211 → 16; day 90: 0.378·ln 2 + 1.120·ln 1.2 + 0.643 = 1.1092 → 11.
      ['L1', -1, 'bilirubin', 10, 'mg/dL'],
      ['L1', -1, 'creatinine', 1, 'mg/dL'],
      ['L1', -1, 'inr', 2, 'INR'],
      ['L1', 28, 'bilirubin', 4, 'mg/dL'],
      ['L1', 28, 'creatinine', 1, 'mg/dL'],
      ['L1', 28, 'inr', 1.5, 'INR'],
      ['L1', 90, 'bilirubin', 2, 'mg/dL'],
      ['L1', 90, 'creatinine', 1, 'mg/dL'],
      ['L1', 90, 'inr', 1.2, 'INR'],
      // L2: MELD as reported, 30 on day 0 and 34 on day 60; dies on day 75. L3: no MELD, dies on day 120.
      ['L2', 0, 'meld', 30, 'score'],
      ['L2', 60, 'meld', 34, 'score'],
      // K1: pain 50 → 72 (+22, improved), QoL 40 → 45 (+5). K2: pain 60 (day −10), 55, 48 (−12, worsened);
      // QoL a single score (not assessable).
      ['K1', -3, 'koos-pain', 50, 'score'],
      ['K1', 180, 'koos-pain', 72, 'score'],
      ['K1', -3, 'koos-qol', 40, 'score'],
      ['K1', 180, 'koos-qol', 45, 'score'],
      ['K2', -10, 'koos-pain', 60, 'score'],
      ['K2', 90, 'koos-pain', 55, 'score'],
      ['K2', 365, 'koos-pain', 48, 'score'],
      ['K2', 90, 'koos-qol', 50, 'score'],
      // Iron: LIC 8.0 mg/g (T1, day 100 → month 3) and 250 µmol/g = 13.966 mg/g (T2, day 120 → month 3); 5.0 mg/g
      // (T1, day 400 → month 12). T2*: R2* 50 Hz = 20 ms (T1, day 110) and 25 ms (T2, day 100), both month 3.
      ['T1', 100, 'lic-mri', 8, 'mg/g', 'R2'],
      ['T2', 120, 'lic-mri', 250, 'µmol/g', 'R2*'],
      ['T1', 400, 'lic-mri', 5, 'mg/g', 'R2'],
      ['T1', 110, 'cardiac-t2star', 50, 'Hz'],
      ['T2', 100, 'cardiac-t2star', 25, 'ms'],
    ];
    await asSystem(t.platform.database.db, async (tx) => {
      for (const [key, , protocol] of people)
        await tx
          .insertInto('followup_enrolment')
          .values({
            patient_id: id[key]!,
            hospital_id: zhou.organizationId,
            filing_id: null,
            product_name: protocol === 'msc' ? 'MSC' : 'NSG-101',
            graft_source: protocol === 'msc' ? 'bone-marrow' : 'gene-therapy',
            protocol,
            infusion_date: D,
          })
          .execute();
      await tx
        .insertInto('observation')
        .values(
          obs.map(([key, d, code, value, unit, method]) => ({
            ...normalizeObservation({ code, value, unit, observedOn: on(d), ...(method ? { method } : {}) }),
            patient_id: id[key]!,
            hospital_id: zhou.organizationId,
            source: 'manual',
          })),
        )
        .execute();
      for (const [key, d] of [
        ['L2', 75],
        ['L3', 120],
      ] as const)
        await tx
          .insertInto('adverse_event')
          .values({
            patient_id: id[key]!,
            hospital_id: zhou.organizationId,
            product_name: 'MSC',
            term: 'Hepatic failure',
            ctcae_term: 'Hepatic failure',
            grade: 5,
            onset_date: on(d),
            resolution_date: on(d),
            seriousness: JSON.stringify(['death']),
            serious: true,
            causality_product: 'unlikely',
            causality_procedure: 'unrelated',
            expected: true,
            outcome: 'fatal',
            awareness_date: on(d),
            expedited_required: false,
          })
          .execute();
    });
    const e = await evaluation('evaluator.chen', `infusedFrom=${D}&infusedTo=${D}`);
    expect(e.cohort.n).toBe(7);
    const { liver, knee, trends } = e.efficacy;
    expect(liver.n).toBe(3);
    // MELD: baselines 23 and 30 (median 26.5, IQR 24.75–28.25), day 90 11 and 34, changes −12 and +4.
    expect(liver.meld).toMatchObject({
      n: 2,
      baseline: { median: 26.5, q1: 24.75, q3: 28.25 },
      day90: { median: 22.5, q1: 16.75, q3: 28.25 },
      change: { median: -4, q1: -8, q3: 0 },
      improved: { x: 1, n: 2 },
    });
    // Kaplan–Meier: 3 at risk, one death on day 75 → S(90) = 2/3.
    expect(liver.survival90.survival).toBeCloseTo(2 / 3, 6);
    expect(knee.n).toBe(2);
    const pain = knee.subscales.find((x: Json) => x.name === 'pain');
    expect(pain).toMatchObject({
      n: 2,
      meanChange: 5,
      change: { median: 5, q1: -3.5, q3: 13.5 },
      improved: { x: 1, n: 2 },
      worsened: 1,
    });
    expect(knee.subscales.find((x: Json) => x.name === 'qol')).toMatchObject({
      n: 1,
      meanChange: 5,
      worsened: 0,
    });
    expect(knee.subscales.find((x: Json) => x.name === 'sport')).toMatchObject({ n: 0, meanChange: null });
    expect(trends.lic).toEqual([
      // 8 and 13.966: median 10.983, quartiles 8 + ¼·5.966 = 9.492 and 8 + ¾·5.966 = 12.475 (type 7).
      { month: 3, patients: 2, median: 10.983, q1: 9.492, q3: 12.475 },
      { month: 12, patients: 1, median: 5, q1: 5, q3: 5 },
    ]);
    expect(trends.t2star).toEqual([{ month: 3, patients: 2, median: 22.5, q1: 21.25, q3: 23.75 }]);
  });
});
