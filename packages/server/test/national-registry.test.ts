import { randomUUID } from 'node:crypto';
import type { Principal } from '@cgtlink/domain/access/index';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withPrincipal } from '../src/db/scoped';
import { EVALUATION_AGGREGATES, tiRatePerFiling } from '../src/scale/evaluation-aggregates';
import { generateNational, type NationalReport } from '../src/scale/national-registry';
import { ENGINES, freshDatabase, type TestDatabase } from './support/databases';

const N = 300;
const END = '2026-06-30';

describe.each(ENGINES)('national synthetic registry generator on %s (N = %i)', (engine) => {
  let database: TestDatabase;
  let report: NationalReport;
  const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(database.db)).rows[0] as T;

  beforeAll(async () => {
    database = await freshDatabase(engine);
    report = await generateNational(database.db, {
      patients: N,
      endDate: END,
      nameCipher: 'v1.synthetic.name.cipher',
      // The fast path (replica role, indexes rebuilt) on the server; the plain path, triggers on, on PGlite.
      fast: engine === 'postgres',
    });
  }, 300_000);
  afterAll(async () => {
    await database?.close();
  });

  it('writes N patients and more than 150 records each, and refuses a second run', async () => {
    expect(report.rows.patient).toBe(N);
    expect(report.total / N).toBeGreaterThan(150);
    expect(report.rows.transfusion).toBeGreaterThan(report.rows.observation! / 2);
    await expect(
      generateNational(database.db, { patients: 1, endDate: END, nameCipher: 'x' }),
    ).rejects.toThrow(/already holds/);
  });

  it('makes about 85% of patients transfusion-dependent, transfused every 21–31 days', async () => {
    const { dependent } = await one(
      sql<{
        dependent: number;
      }>`select avg((diagnosis like '%major%')::int)::float as dependent from patient`,
    );
    // Binomial SD at N = 300 is 2.1 points; ±7 points is more than 3 SD.
    expect(dependent).toBeGreaterThan(0.78);
    expect(dependent).toBeLessThan(0.92);
    const { gap } = await one(
      sql<{ gap: number }>`
        select avg(g)::float as gap from (
          select given_on - lag(given_on) over (partition by t.patient_id order by given_on) as g
            from transfusion t join patient p on p.id = t.patient_id
           where t.product = 'red-cells' and p.diagnosis like '%major%'
             and not exists (select 1 from followup_enrolment e where e.patient_id = p.id)) x
         where g is not null`,
    );
    // Interval 21–28 days plus 0–3 days of jitter: the mean gap lies near 24.5.
    expect(gap).toBeGreaterThan(22);
    expect(gap).toBeLessThan(27);
  });

  it('keeps pre-transfusion Hb around 9–10.5 g/dL and ferritin medians where stated', async () => {
    const hb = await one(
      sql<{ mean: number; lo: number; hi: number; p10: number; p90: number }>`
        select avg(o.value_canonical)::float as mean, min(o.value_canonical) as lo, max(o.value_canonical) as hi,
               percentile_cont(0.1) within group (order by o.value_canonical) as p10,
               percentile_cont(0.9) within group (order by o.value_canonical) as p90
          from observation o join transfusion t on t.patient_id = o.patient_id and t.given_on = o.observed_on
         where o.code = 'hb' and t.product = 'red-cells'`,
    );
    expect(hb.mean).toBeGreaterThan(9.6);
    expect(hb.mean).toBeLessThan(9.9);
    expect(hb.lo).toBeGreaterThanOrEqual(6.5);
    expect(hb.hi).toBeLessThanOrEqual(12.5);
    // N(9.75, 0.55): the 10th and 90th centiles are 9.05 and 10.45.
    expect(hb.p10).toBeGreaterThan(8.85);
    expect(hb.p90).toBeLessThan(10.65);
    const ferritin = await one(
      sql<{ median: number }>`
        select percentile_cont(0.5) within group (order by o.value_canonical) as median
          from observation o join patient p on p.id = o.patient_id
         where o.code = 'ferritin' and p.diagnosis like '%major%'
           and not exists (select 1 from followup_enrolment e where e.patient_id = p.id)`,
    );
    expect(ferritin.median).toBeGreaterThan(1550);
    expect(ferritin.median).toBeLessThan(2100);
  });

  it('treats some patients under the six filings, most becoming transfusion-independent', async () => {
    const treated = report.rows.followup_enrolment as number;
    expect(treated).toBeGreaterThan(0);
    expect(treated / N).toBeLessThan(0.12);
    expect(report.rows.therapy).toBe(treated);
    expect(report.rows.filing_patient).toBe(treated);
    expect(report.rows.patient_transfusion_summary).toBeGreaterThan(N * 0.9);
    const { late } = await one(
      sql<{ late: number }>`
        select count(*)::int as late from followup_enrolment e
         where exists (select 1 from transfusion t where t.patient_id = e.patient_id and t.product = 'red-cells'
                        and t.given_on > e.infusion_date + 90)
           and e.infusion_date < ${END}::date - 425`,
    );
    const { eligible } = await one(
      sql<{ eligible: number }>`select count(*)::int as eligible from followup_enrolment
                                  where infusion_date < ${END}::date - 425`,
    );
    // 80–90% become independent; those still transfused after day 90 should be a minority.
    if (eligible >= 5) expect(late / eligible).toBeLessThan(0.5);
    const deaths = await one(
      sql<{ fatal: number; deceased: number }>`
        select (select count(*)::int from adverse_event a join followup_enrolment e on e.patient_id = a.patient_id
                 where a.outcome = 'fatal') as fatal,
               (select count(*)::int from followup_enrolment where status = 'deceased') as deceased`,
    );
    expect(deaths.fatal).toBe(deaths.deceased);
  });

  it('keeps the per-patient red-cell summary equal to the transfusions, also after a retraction', async () => {
    const { mismatches } = await one(
      sql<{ mismatches: number }>`
        select count(*)::int as mismatches from patient p
          left join patient_transfusion_summary s on s.patient_id = p.id
          left join (select patient_id, max(given_on) as last, count(*)::int as n from transfusion
                      where product = 'red-cells' and status = 'final' group by patient_id) t on t.patient_id = p.id
         where s.last_red_cell_on is distinct from t.last or coalesce(s.red_cells, 0) <> coalesce(t.n, 0)`,
    );
    expect(mismatches).toBe(0);
    const last = await one(
      sql<{ id: string; patient_id: string; given_on: string }>`
        select id, patient_id, given_on from transfusion where product = 'red-cells'
         order by given_on desc, id limit 1`,
    );
    const before = await one(
      sql<{
        red_cells: number;
      }>`select red_cells from patient_transfusion_summary where patient_id = ${last.patient_id}`,
    );
    await sql`update transfusion set status = 'entered-in-error' where id = ${last.id}`.execute(database.db);
    const after = await one(
      sql<{ last_red_cell_on: string; red_cells: number }>`
        select last_red_cell_on, red_cells from patient_transfusion_summary where patient_id = ${last.patient_id}`,
    );
    expect(after.red_cells).toBe(before.red_cells - 1);
    expect(after.last_red_cell_on < last.given_on).toBe(true);
  });

  it('runs every evaluation aggregate, and a sponsor sees only its own filing’s patients', async () => {
    const filings = await database.db
      .selectFrom('filing')
      .select(['id', 'reference', 'sponsor_id'])
      .where('reference', 'like', 'NAT-F%')
      .orderBy('reference')
      .execute();
    const hospital = await database.db
      .selectFrom('organization')
      .select('id')
      .where('code', '=', 'NAT-H001')
      .executeTakeFirstOrThrow();
    const regulator: Principal = {
      userId: randomUUID(),
      username: 'reg',
      displayName: 'reg',
      role: 'regulator_inspector',
      organizationId: randomUUID(),
      organizationKind: 'regulator',
      patientId: null,
    };
    const f3 = filings.find((f) => f.reference === 'NAT-F3')!;
    const sponsor2: Principal = {
      ...regulator,
      role: 'sponsor_user',
      organizationKind: 'sponsor',
      organizationId: f3.sponsor_id as string,
    };
    const params = { filingId: filings[0]!.id, hospitalId: hospital.id, cutOff: END };
    for (const view of EVALUATION_AGGREGATES) {
      const rows = await withPrincipal(database.db, regulator, (tx) => view.run(tx, params));
      expect(Array.isArray(rows), view.name).toBe(true);
    }
    const seen = await withPrincipal(database.db, sponsor2, async (tx) =>
      (await tx.selectFrom('patient').select('id').execute()).map((r) => r.id),
    );
    const own = await database.db
      .selectFrom('filing_patient')
      .select('patient_id')
      .where('filing_id', '=', f3.id)
      .execute();
    expect(seen.sort()).toEqual(own.map((r) => r.patient_id).sort());
    // The TI view of another sponsor's filing is empty for this sponsor: nothing evaluable.
    const other = await withPrincipal(database.db, sponsor2, (tx) =>
      tiRatePerFiling.run(tx, { ...params, filingId: filings[0]!.id }),
    );
    expect(other).toEqual([{ evaluable: 0, independent: 0 }]);
  });
});
