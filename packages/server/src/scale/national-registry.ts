import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import { refreshAllOutcomes } from '../evaluation/outcome-store';

/**
 * A national-scale synthetic thalassaemia registry written straight into the database with set-based
 * `INSERT … SELECT generate_series` (issue 9, item 5): N patients across 40 hospitals followed for up to 10
 * years, with red-cell transfusions every 3–4 weeks for transfusion-dependent patients, pre-transfusion Hb
 * around 9–10.5 g/dL, quarterly ferritin, annual visits, adverse events and deaths; about 8% treated under six
 * filings (gene therapy, allogeneic and haploidentical HSCT) with engraftment counts, follow-up visits, GVHD, and
 * transfusion independence for most of them; custody excursions for a few.
 *
 * Distributions (checked by the tests on a small N):
 * - 85% transfusion-dependent (interval 21–28 days); the others transfused every 120–240 days;
 * - pre-transfusion Hb ~ N(9.75, 0.55) g/dL clipped to 6.5–12.5, measured at every other transfusion;
 * - ferritin quarterly, log-normal: median 1,800 ng/mL dependent, 700 otherwise, 900 after treatment;
 * - treated (dependent, aged 2–35 at day 0, day 0 ≥ 1 year after entry and ≥ 180 days before the end): 8%;
 *   transfusion independence 90% (gene therapy), 85% (allogeneic), 80% (haploidentical); independent patients
 *   stop red cells 30–90 days after day 0 and have quarterly Hb ~ N(11.5, 0.9);
 * - deaths: 4% of untreated patients over the window; 2% (gene therapy) or 8% (HSCT) within a year of day 0.
 *
 * Ids are sequential UUIDs (a per-table prefix and a counter), so the primary-key indexes grow at their right
 * edge instead of taking random writes. With `fast` (a superuser connection) the load runs with
 * session_replication_role = replica, which skips the per-row foreign-key and audit triggers: the generator
 * derives every reference from rows it has just written, and fills `filing_patient` itself.
 */
export interface NationalOptions {
  patients: number;
  /** Last day of the registry, `YYYY-MM-DD` (default: today). */
  endDate?: string;
  /** Years of history before endDate (default 10). */
  years?: number;
  /** Seed of PostgreSQL's random() for the run (default 0.42). */
  seed?: number;
  /** An encrypted placeholder name for every synthetic patient (the column is NOT NULL). */
  nameCipher: string;
  fast?: boolean;
  log?: (line: string) => void;
}

export interface NationalReport {
  seconds: number;
  /** Rows in each table after the run (a database that held other data counts it too). */
  rows: Record<string, number>;
  total: number;
  steps: { step: string; seconds: number }[];
}

export const NATIONAL_HOSPITALS = 40;

/** The six filings of the synthetic registry: technology, sponsor index, product, graft source, TI probability. */
const FILINGS = [
  {
    n: 1,
    tech: 'autologous_gene_hsc',
    sponsor: 1,
    product: 'NAT-β-globin LVV CD34+',
    graft: 'gene-therapy',
    ti: 0.9,
  },
  {
    n: 2,
    tech: 'autologous_gene_hsc',
    sponsor: 1,
    product: 'NAT-β-globin LVV CD34+ v2',
    graft: 'gene-therapy',
    ti: 0.9,
  },
  {
    n: 3,
    tech: 'autologous_gene_hsc',
    sponsor: 2,
    product: 'NAT-BCL11A edited CD34+',
    graft: 'gene-therapy',
    ti: 0.9,
  },
  {
    n: 4,
    tech: 'allogeneic_hsct',
    sponsor: 3,
    product: 'Matched sibling HSCT (BM)',
    graft: 'bone-marrow',
    ti: 0.85,
  },
  {
    n: 5,
    tech: 'allogeneic_hsct',
    sponsor: 3,
    product: 'Unrelated donor HSCT (PBSC)',
    graft: 'peripheral-blood',
    ti: 0.85,
  },
  {
    n: 6,
    tech: 'haploidentical_hsct',
    sponsor: 3,
    product: 'Haploidentical HSCT (PBSC)',
    graft: 'peripheral-blood',
    ti: 0.8,
  },
] as const;

const TABLES = [
  'patient',
  'transfusion',
  'observation',
  'followup_enrolment',
  'followup_visit',
  'adverse_event',
  'therapy',
  'deviation',
  'filing_patient',
  'patient_transfusion_summary',
  'evaluation_patient_outcome',
] as const;

function positiveInt(value: number, field: string, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new RangeError(`${field}: expected an integer from 1 to ${max}`);
  return value;
}

export async function generateNational(
  db: Kysely<Schema>,
  options: NationalOptions,
): Promise<NationalReport> {
  const n = positiveInt(options.patients, 'patients', 5_000_000);
  const years = positiveInt(options.years ?? 10, 'years', 30);
  const end = options.endDate ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end)) throw new RangeError('endDate: expected YYYY-MM-DD');
  const seed = options.seed ?? 0.42;
  if (!(seed >= -1 && seed <= 1)) throw new RangeError('seed: expected a number from -1 to 1');
  const log = options.log ?? (() => {});
  const started = performance.now();
  const steps: NationalReport['steps'] = [];

  return db.connection().execute(async (c) => {
    const run = async (step: string, query: string) => {
      const t0 = performance.now();
      await sql.raw(query).execute(c);
      const seconds = (performance.now() - t0) / 1000;
      steps.push({ step, seconds });
      log(`  ${step}: ${seconds.toFixed(1)} s`);
    };
    const existing = await sql<{
      n: number;
    }>`select count(*)::int as n from organization where code = 'NAT-H001'`.execute(c);
    if ((existing.rows[0]?.n ?? 0) > 0)
      throw new Error('this database already holds the national synthetic registry');
    await sql.raw(`set synchronous_commit = off`).execute(c);
    if (options.fast) {
      await sql.raw(`set session_replication_role = replica`).execute(c);
      await sql.raw(`set maintenance_work_mem = '512MB'`).execute(c);
    }
    await sql`select setseed(${seed})`.execute(c);
    const endLit = `date '${end}'`;
    const cipher = options.nameCipher.replaceAll("'", "''");

    await run(
      'organizations, generator account, filings',
      `
INSERT INTO organization (code, kind, name_zh, name_en)
SELECT 'NAT-H' || lpad(h::text, 3, '0'), 'hospital', '合成医院 ' || h, 'Synthetic hospital ' || h
  FROM generate_series(1, ${NATIONAL_HOSPITALS}) h
UNION ALL SELECT 'NAT-LAB', 'laboratory', '合成制备中心', 'Synthetic laboratory'
UNION ALL SELECT 'NAT-SP' || s, 'sponsor', '合成申办方 ' || s, 'Synthetic sponsor ' || s FROM generate_series(1, 3) s;
INSERT INTO app_user (organization_id, username, display_name, role, password_hash, active)
SELECT id, 'nat.generator', '合成数据生成器 Synthetic data generator', 'hospital_physician', '!', false
  FROM organization WHERE code = 'NAT-H001';
INSERT INTO filing (reference, hospital_id, sponsor_id, laboratory_id, technology, indication, product_name,
  product_code, specification_version, protocol_version, ethics_approval_ref, target_enrolment, criteria, status,
  created_by)
SELECT 'NAT-F' || f.n, (SELECT id FROM organization WHERE code = 'NAT-H001'),
  (SELECT id FROM organization WHERE code = 'NAT-SP' || f.sponsor), (SELECT id FROM organization WHERE code = 'NAT-LAB'),
  f.tech, 'transfusion-dependent β-thalassaemia', f.product, 'N000' || f.n || 'NAT', 'v1', 'v1', 'NAT-ETHICS-' || f.n,
  100000, '{}'::jsonb, 'approved', (SELECT id FROM app_user WHERE username = 'nat.generator')
  FROM (VALUES ${FILINGS.map((f) => `(${f.n}, '${f.tech}', ${f.sponsor}, '${f.product}')`).join(', ')})
    AS f(n, tech, sponsor, product);
INSERT INTO consent_document (filing_id, version, title, body, created_by)
SELECT id, 1, 'Synthetic consent', 'Synthetic', created_by FROM filing WHERE reference LIKE 'NAT-F%';
`,
    );

    await run(
      'patients (staging and patient rows)',
      `
CREATE TEMP TABLE nat_filing AS
SELECT f.id, f.technology, f.product_name, f.laboratory_id, v.n, v.graft, v.ti,
       (SELECT id FROM consent_document d WHERE d.filing_id = f.id) AS document_id
  FROM filing f JOIN (VALUES ${FILINGS.map((f) => `(${f.n}, '${f.graft}', ${f.ti})`).join(', ')})
    AS v(n, graft, ti) ON f.reference = 'NAT-F' || v.n;
CREATE TEMP TABLE nat AS
WITH h AS (SELECT array_agg(id ORDER BY code) AS ids FROM organization WHERE code LIKE 'NAT-H%'),
base AS (
  SELECT g, random() r_sex, random() r_age, random() r_dep, random() r_treat, random() r_ti, random() r_death,
         random() r_int, random() r_hosp, random() r_day0, random() r_dd, random() r_filing, random() r_stop,
         random() r_bday
    FROM generate_series(1, ${n}) g),
shaped AS (
  SELECT b.*, h.ids[1 + floor(${NATIONAL_HOSPITALS} * power(b.r_hosp, 1.6))::int] AS hospital_id,
         CASE WHEN b.r_sex < 0.5 THEN 'female' ELSE 'male' END AS sex,
         (${endLit} - ((1 + floor(power(b.r_age, 1.3) * 40)) * 365.25 + floor(b.r_bday * 365))::int) AS birth_date,
         b.r_dep < 0.85 AS dependent,
         CASE WHEN b.r_filing < 0.3 THEN 1 WHEN b.r_filing < 0.5 THEN 2 WHEN b.r_filing < 0.6 THEN 3
              WHEN b.r_filing < 0.8 THEN 4 WHEN b.r_filing < 0.9 THEN 5 ELSE 6 END AS filing_n
    FROM base b, h),
windows AS (
  SELECT s.*, greatest(s.birth_date + 180, ${endLit} - ${years * 365}) AS entry FROM shaped s),
treated AS (
  SELECT w.*,
    (w.dependent AND w.r_treat < 0.08 AND (${endLit} - 180) - (w.entry + 365) > 0) AS is_treated,
    w.entry + 365 + floor(w.r_day0 * greatest((${endLit} - 180) - (w.entry + 365), 0))::int AS day0_raw
    FROM windows w)
SELECT t.g AS n,
  ('a0000000-0000-4000-8000-' || lpad(to_hex(t.g), 12, '0'))::uuid AS id,
  t.hospital_id, t.sex, t.birth_date, t.dependent, t.entry, t.r_int, t.r_ti, t.r_stop,
  CASE WHEN t.is_treated AND (t.day0_raw - t.birth_date) BETWEEN 730 AND 35 * 365 THEN t.filing_n END AS filing_n,
  CASE WHEN t.is_treated AND (t.day0_raw - t.birth_date) BETWEEN 730 AND 35 * 365 THEN t.day0_raw END AS day0,
  t.r_death, t.r_dd
  FROM treated t;
ALTER TABLE nat ADD COLUMN ti boolean, ADD COLUMN death_date date, ADD COLUMN end_obs date, ADD COLUMN tx_end date,
  ADD COLUMN interval_days integer, ADD COLUMN filing_id uuid, ADD COLUMN technology text;
UPDATE nat SET filing_id = f.id, technology = f.technology, ti = (nat.r_ti < f.ti)
  FROM nat_filing f WHERE f.n = nat.filing_n;
UPDATE nat SET
  death_date = CASE
    WHEN day0 IS NULL AND r_death < 0.04 THEN entry + floor(r_dd * (${endLit} - entry))::int
    WHEN day0 IS NOT NULL AND technology = 'autologous_gene_hsc' AND r_death < 0.02 THEN day0 + 5 + floor(r_dd * 360)::int
    WHEN day0 IS NOT NULL AND technology <> 'autologous_gene_hsc' AND r_death < 0.08 THEN day0 + 5 + floor(r_dd * 360)::int
  END,
  interval_days = CASE WHEN dependent THEN 21 + floor(r_int * 8)::int ELSE 120 + floor(r_int * 120)::int END;
UPDATE nat SET death_date = NULL WHERE death_date > ${endLit};
UPDATE nat SET end_obs = coalesce(death_date, ${endLit}),
  tx_end = CASE WHEN ti THEN least(coalesce(death_date, ${endLit}), day0 + 30 + floor(r_stop * 60)::int)
                ELSE coalesce(death_date, ${endLit}) END;
INSERT INTO patient (id, hospital_id, pseudonym, sex, birth_date, diagnosis, name_enc)
SELECT id, hospital_id, 'NAT-' || lpad(n::text, 7, '0'), sex, birth_date,
       CASE WHEN dependent THEN 'β-thalassaemia major (transfusion-dependent)'
            ELSE 'β-thalassaemia intermedia (non-transfusion-dependent)' END, '${cipher}'
  FROM nat ORDER BY n;
`,
    );

    // Bulk load: the secondary indexes of the two big tables are dropped and rebuilt afterwards (one sort each
    // instead of tens of millions of index insertions), with their definitions read back from the catalog.
    const bigIndexes = options.fast
      ? (
          await sql<{ name: string; definition: string }>`
            select indexname as name, indexdef as definition from pg_indexes
             where schemaname = current_schema() and tablename in ('transfusion', 'observation')
               and indexname not like '%_pkey'`.execute(c)
        ).rows
      : [];
    for (const index of bigIndexes) await sql`drop index ${sql.id(index.name)}`.execute(c);

    await run(
      'transfusions',
      `
CREATE TEMP SEQUENCE nat_tx_seq;
INSERT INTO transfusion (id, patient_id, hospital_id, given_on, product, volume_ml, units, source, status)
SELECT ('b0000000-0000-4000-8000-' || lpad(to_hex(nextval('nat_tx_seq')), 12, '0'))::uuid,
       n.id, n.hospital_id, n.entry + k * n.interval_days + floor(random() * 4)::int, 'red-cells',
       round((150 + random() * 250)::numeric, 0)::double precision, 1 + floor(random() * 2)::int, 'seed', 'final'
  FROM nat n CROSS JOIN LATERAL generate_series(0, greatest((n.tx_end - n.entry) / n.interval_days - 1, -1)) k
 ORDER BY n.n, k;
INSERT INTO transfusion (id, patient_id, hospital_id, given_on, product, volume_ml, units, source, status)
SELECT ('b0000000-0000-4000-8000-' || lpad(to_hex(nextval('nat_tx_seq')), 12, '0'))::uuid,
       n.id, n.hospital_id, n.day0 + d, 'platelets', 250, 1, 'seed', 'final'
  FROM nat n CROSS JOIN (VALUES (3), (7), (11)) AS p(d)
 WHERE n.day0 IS NOT NULL AND n.day0 + d <= n.end_obs;
${
  options.fast
    ? `-- The trigger that keeps the per-patient summary is off in bulk mode: one aggregate fills it.
INSERT INTO patient_transfusion_summary (patient_id, hospital_id, last_red_cell_on, red_cells)
SELECT t.patient_id, min(t.hospital_id::text)::uuid, max(t.given_on), count(*)::int
  FROM transfusion t
 WHERE t.product = 'red-cells' AND t.status = 'final' AND t.patient_id IN (SELECT id FROM nat)
 GROUP BY t.patient_id
ON CONFLICT (patient_id) DO UPDATE
  SET last_red_cell_on = EXCLUDED.last_red_cell_on, red_cells = EXCLUDED.red_cells;`
    : ''
}
`,
    );

    await run(
      'laboratory results (Hb, ferritin, ANC, platelets)',
      `
CREATE TEMP SEQUENCE nat_obs_seq;
-- Pre-transfusion Hb at every other red-cell transfusion.
INSERT INTO observation (id, patient_id, hospital_id, code, loinc, value, unit, value_canonical, canonical_unit,
  observed_on, source, status)
SELECT ('c0000000-0000-4000-8000-' || lpad(to_hex(nextval('nat_obs_seq')), 12, '0'))::uuid,
       t.patient_id, t.hospital_id, 'hb', '718-7', v, 'g/dL', v, 'g/dL', t.given_on, 'seed', 'final'
  FROM (SELECT patient_id, hospital_id, given_on,
               round(least(12.5, greatest(6.5, 9.75 + 0.55 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, 1)::double precision AS v
          FROM transfusion
         WHERE product = 'red-cells' AND source = 'seed' AND ('x' || right(id::text, 1))::bit(4)::int % 2 = 0) t;
-- Hb after transfusion independence, quarterly.
INSERT INTO observation (id, patient_id, hospital_id, code, loinc, value, unit, value_canonical, canonical_unit,
  observed_on, source, status)
SELECT ('c0000000-0000-4000-8000-' || lpad(to_hex(nextval('nat_obs_seq')), 12, '0'))::uuid,
       n.id, n.hospital_id, 'hb', '718-7', v, 'g/dL', v, 'g/dL', n.day0 + 90 * k, 'seed', 'final'
  FROM nat n CROSS JOIN LATERAL generate_series(1, greatest((n.end_obs - n.day0) / 90, 0)) k
  CROSS JOIN LATERAL (SELECT round(least(15, greatest(8, 11.5 + 0 * k + 0.9 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::numeric, 1)::double precision AS v) x
 WHERE n.ti;
-- Ferritin every quarter.
INSERT INTO observation (id, patient_id, hospital_id, code, loinc, value, unit, value_canonical, canonical_unit,
  observed_on, source, status)
SELECT ('c0000000-0000-4000-8000-' || lpad(to_hex(nextval('nat_obs_seq')), 12, '0'))::uuid,
       n.id, n.hospital_id, 'ferritin', '2276-4', v, 'ng/mL', v, 'ng/mL', d, 'seed', 'final'
  FROM nat n CROSS JOIN LATERAL generate_series(0, (n.end_obs - n.entry) / 91) k
  CROSS JOIN LATERAL (SELECT n.entry + 91 * k + floor(random() * 10)::int AS d) dd
  CROSS JOIN LATERAL (SELECT round(exp(ln(CASE WHEN n.day0 IS NOT NULL AND dd.d > n.day0 THEN 900
                                              WHEN n.dependent THEN 1800 ELSE 700 END)
                      + 0.45 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::numeric, 0)::double precision AS v) x
 WHERE dd.d <= n.end_obs;
-- Blood counts around engraftment: every other day to day 35; ANC ≥ 0.5 from day 10–19, platelets ≥ 20 from 15–29.
INSERT INTO observation (id, patient_id, hospital_id, code, loinc, value, unit, value_canonical, canonical_unit,
  observed_on, source, status)
SELECT ('c0000000-0000-4000-8000-' || lpad(to_hex(nextval('nat_obs_seq')), 12, '0'))::uuid,
       n.id, n.hospital_id, c.code, c.loinc, c.v, '10^9/L', c.v, '10^9/L', n.day0 + d, 'seed', 'final'
  FROM nat n CROSS JOIN LATERAL (SELECT 10 + floor(n.r_stop * 10)::int AS anc_day, 15 + floor(n.r_int * 15)::int AS plt_day) e
  CROSS JOIN generate_series(1, 35, 2) d
  CROSS JOIN LATERAL (VALUES
    ('anc', '751-8', round((CASE WHEN d < e.anc_day THEN 0.05 + random() * 0.35 ELSE 0.6 + random() * 2.4 END)::numeric, 2)::double precision),
    ('platelets', '777-3', round((CASE WHEN d < e.plt_day THEN 5 + random() * 13 ELSE 25 + random() * 95 END)::numeric, 0)::double precision)
  ) AS c(code, loinc, v)
 WHERE n.day0 IS NOT NULL AND n.day0 + d <= n.end_obs;
`,
    );

    await run(
      'follow-up enrolments, therapies, filing membership, custody excursions',
      `
INSERT INTO followup_enrolment (patient_id, hospital_id, filing_id, product_name, graft_source, protocol,
  infusion_date, status)
SELECT n.id, n.hospital_id, f.id, f.product_name, f.graft,
       CASE WHEN f.technology = 'autologous_gene_hsc' THEN 'gene-therapy' ELSE 'allogeneic-hsct' END,
       n.day0, CASE WHEN n.death_date IS NOT NULL THEN 'deceased' ELSE 'active' END
  FROM nat n JOIN nat_filing f ON f.id = n.filing_id WHERE n.day0 IS NOT NULL;
CREATE TEMP TABLE nat_therapy AS
SELECT n.n, n.id AS patient_id, n.hospital_id, n.day0, f.id AS filing_id, f.technology, f.laboratory_id, f.document_id,
       ('d0000000-0000-4000-8000-' || lpad(to_hex(n.n), 12, '0'))::uuid AS consent_id,
       ('d1000000-0000-4000-8000-' || lpad(to_hex(n.n), 12, '0'))::uuid AS eligibility_id,
       ('d2000000-0000-4000-8000-' || lpad(to_hex(n.n), 12, '0'))::uuid AS therapy_id
  FROM nat n JOIN nat_filing f ON f.id = n.filing_id WHERE n.day0 IS NOT NULL;
INSERT INTO consent (id, patient_id, hospital_id, filing_id, document_id, document_version, signed_by,
  signer_name_enc, signed_on, recorded_by)
SELECT consent_id, patient_id, hospital_id, filing_id, document_id, 1, 'guardian', '${cipher}', day0 - 90,
       (SELECT id FROM app_user WHERE username = 'nat.generator') FROM nat_therapy;
INSERT INTO eligibility_assessment (id, patient_id, hospital_id, filing_id, input, result, all_met, assessed_by)
SELECT eligibility_id, patient_id, hospital_id, filing_id, '{}'::jsonb, '[]'::jsonb, true,
       (SELECT id FROM app_user WHERE username = 'nat.generator') FROM nat_therapy;
INSERT INTO therapy (id, patient_id, patient_pseudonym, hospital_id, laboratory_id, filing_id, technology,
  chain_of_identity, consent_id, eligibility_id, state)
SELECT t.therapy_id, t.patient_id, 'NAT-' || lpad(t.n::text, 7, '0'), t.hospital_id, t.laboratory_id, t.filing_id,
       t.technology, 'NATCOI' || lpad(t.n::text, 8, '0'), t.consent_id, t.eligibility_id, 'follow_up'
  FROM nat_therapy t;
INSERT INTO filing_patient (filing_id, patient_id, hospital_id, sponsor_id, technology)
SELECT t.filing_id, t.patient_id, t.hospital_id, f.sponsor_id, t.technology
  FROM nat_therapy t JOIN filing f ON f.id = t.filing_id
ON CONFLICT DO NOTHING;
INSERT INTO deviation (therapy_id, patient_id, hospital_id, laboratory_id, kind, detail, status, reported_by, created_at)
SELECT t.therapy_id, t.patient_id, t.hospital_id, t.laboratory_id, 'temperature_excursion',
       jsonb_build_object('maxCelsius', -140 + floor(random() * 20), 'minutes', 5 + floor(random() * 55)),
       CASE WHEN random() < 0.8 THEN 'assessed' ELSE 'open' END,
       (SELECT id FROM app_user WHERE username = 'nat.generator'), (t.day0 - 5)::timestamptz
  FROM nat_therapy t WHERE random() < 0.04;
`,
    );

    await run(
      'visits',
      `
INSERT INTO followup_visit (patient_id, hospital_id, label, due_date, window_start, window_end, attended_on)
SELECT n.id, n.hospital_id, 'annual-' || k, v.due, v.due - 30, v.due + 30,
       CASE WHEN v.due + 30 < ${endLit} AND random() < 0.93 THEN v.due + floor(random() * 41)::int - 20 END
  FROM nat n CROSS JOIN LATERAL generate_series(1, (n.end_obs - n.entry) / 365) k
  CROSS JOIN LATERAL (SELECT n.entry + 365 * k AS due) v;
INSERT INTO followup_visit (patient_id, hospital_id, label, due_date, window_start, window_end, attended_on)
SELECT n.id, n.hospital_id, s.label, n.day0 + s.d, n.day0 + s.d - s.w, n.day0 + s.d + s.w,
       CASE WHEN n.day0 + s.d + s.w < ${endLit} AND random() < 0.9 THEN n.day0 + s.d + floor(random() * s.w)::int END
  FROM nat n CROSS JOIN (VALUES ('day30', 30, 7), ('day100', 100, 14), ('month6', 183, 30), ('year1', 365, 30),
                                ('year2', 730, 45), ('year3', 1095, 45), ('year5', 1825, 60)) AS s(label, d, w)
 WHERE n.day0 IS NOT NULL AND n.day0 + s.d <= n.end_obs;
`,
    );

    await run(
      'adverse events and deaths',
      `
-- Registry patients: about 0.25 events per patient-year.
INSERT INTO adverse_event (patient_id, hospital_id, term, ctcae_term, grade, onset_date, resolution_date, seriousness,
  serious, causality_product, causality_procedure, expected, outcome, awareness_date, expedited_required)
SELECT n.id, n.hospital_id, x.term, x.term, x.grade, x.onset, x.onset + 3 + floor(random() * 20)::int, '[]'::jsonb,
       x.grade >= 3, 'not-related', 'unlikely', true, 'recovered', x.onset, false
  FROM nat n CROSS JOIN LATERAL generate_series(1, floor((n.end_obs - n.entry) / 365.0 * 0.5 * random())::int) k
  CROSS JOIN LATERAL (SELECT (ARRAY['Allergic reaction','Fever','Iron overload','Alanine aminotransferase increased',
                                    'Heart failure','Hypogonadism'])[1 + floor(random() * 6)::int] AS term,
                             1 + floor(random() * random() * 3)::int AS grade,
                             n.entry + floor(random() * (n.end_obs - n.entry))::int AS onset) x
 WHERE n.end_obs - 25 > n.entry AND x.onset + 25 <= ${endLit};
-- Treated patients: the events of conditioning and engraftment, GVHD after allogeneic grafts.
INSERT INTO adverse_event (patient_id, hospital_id, filing_id, product_name, term, ctcae_term, grade, onset_date,
  resolution_date, seriousness, serious, causality_product, causality_procedure, expected, outcome, awareness_date,
  expedited_required)
SELECT n.id, n.hospital_id, n.filing_id, f.product_name, e.term, e.term, e.grade, n.day0 + e.d,
       n.day0 + e.d + 7 + floor(random() * 30)::int, CASE WHEN e.grade >= 3 THEN '["hospitalization"]' ELSE '[]' END::jsonb,
       e.grade >= 3, 'possible', 'related', e.term <> 'Hepatic sinusoidal obstruction syndrome', 'recovered',
       n.day0 + e.d, e.grade >= 3
  FROM nat n JOIN nat_filing f ON f.id = n.filing_id
  CROSS JOIN LATERAL (VALUES
    ('Febrile neutropenia', 3, 5 + floor(random() * 8)::int, random() < 0.6),
    ('Mucositis oral', 2 + floor(random() * 2)::int, 4 + floor(random() * 6)::int, random() < 0.5),
    ('Hepatic sinusoidal obstruction syndrome', 3 + floor(random() * 2)::int, 10 + floor(random() * 15)::int, random() < 0.05),
    ('Acute GVHD', 1 + floor(random() * random() * 4)::int, 15 + floor(random() * 60)::int,
       f.technology <> 'autologous_gene_hsc' AND random() < 0.3),
    ('Chronic GVHD', 1 + floor(random() * 3)::int, 120 + floor(random() * 300)::int,
       f.technology <> 'autologous_gene_hsc' AND random() < 0.15)
  ) AS e(term, grade, d, happens)
 WHERE e.happens AND n.day0 + e.d + 40 <= n.end_obs;
-- Deaths: a fatal event on the day of death (its term the cause).
INSERT INTO adverse_event (patient_id, hospital_id, filing_id, term, ctcae_term, grade, onset_date, seriousness,
  serious, causality_product, causality_procedure, expected, outcome, awareness_date, expedited_required)
SELECT n.id, n.hospital_id, n.filing_id, c.term, c.term, 5, n.death_date, '["death"]'::jsonb, true,
       CASE WHEN n.day0 IS NULL THEN 'not-related' ELSE 'possible' END, 'unlikely', false, 'fatal', n.death_date,
       n.day0 IS NOT NULL
  FROM nat n CROSS JOIN LATERAL (SELECT (CASE WHEN n.day0 IS NULL THEN ARRAY['Heart failure','Sepsis','Hepatic failure']
                                              ELSE ARRAY['Sepsis','Acute GVHD','Hepatic sinusoidal obstruction syndrome'] END)
                                        [1 + floor(random() * 3)::int] AS term) c
 WHERE n.death_date IS NOT NULL;
`,
    );

    if (bigIndexes.length > 0) {
      const t0 = performance.now();
      for (const index of bigIndexes) await sql.raw(index.definition).execute(c);
      steps.push({ step: 'rebuild indexes', seconds: (performance.now() - t0) / 1000 });
      log(`  rebuild ${bigIndexes.length} indexes: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    if (options.fast) await sql.raw(`set session_replication_role = origin`).execute(c);
    // VACUUM sets the visibility map, so the covering indexes answer with index-only scans from the start.
    const t0 = performance.now();
    for (const table of TABLES) await sql.raw(`vacuum (analyze) ${table}`).execute(c);
    steps.push({ step: 'vacuum analyze', seconds: (performance.now() - t0) / 1000 });
    log(`  vacuum analyze: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // The evaluation's per-patient outcomes (migration 0023), computed from the records just written.
    const t1 = performance.now();
    const computed = await refreshAllOutcomes(c, 2000);
    await sql.raw(`vacuum (analyze) evaluation_patient_outcome`).execute(c);
    steps.push({ step: 'stored outcomes', seconds: (performance.now() - t1) / 1000 });
    log(`  stored outcomes of ${computed} patients: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    await sql.raw(`DROP TABLE nat; DROP TABLE nat_filing; DROP TABLE nat_therapy;`).execute(c);
    const rows: Record<string, number> = {};
    for (const table of TABLES) {
      const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(c);
      rows[table] = Number(r.rows[0]?.n ?? 0);
    }
    const total = Object.values(rows).reduce((a, b) => a + b, 0);
    return { seconds: (performance.now() - started) / 1000, rows, total, steps };
  });
}
