import { type RawBuilder, sql } from 'kysely';
import { AGE_BAND_RANGE, type EvaluationFilters } from './filters';
import { LIVER_FAILURE } from './measures';
import { plausibleObservation } from './plausible-sql';

/** The resolved cut-off: the instant records must have been created by, and the last event date counted. */
export interface Cutoff {
  at: string;
  date: string;
}

export function resolveCutoff(filters: EvaluationFilters, now = new Date()): Cutoff {
  const at = filters.cutoff ? new Date(filters.cutoff) : now;
  return { at: at.toISOString(), date: at.toISOString().slice(0, 10) };
}

/** Which of the cohort's patients a query covers. */
export interface CohortPart {
  /** Only these patients (a refresher's batch). */
  patientIds?: readonly string[];
}

/**
 * A stored outcome `s` stands for the records as they stood at the cut-off when nothing has been written for the
 * patient since it was computed (not stale) and every record it was computed from was created and dated no later
 * than the cut-off: then the records the cut-off selects are exactly those it was computed from.
 */
export function storedOutcomeUsable(cutoff: Cutoff): RawBuilder<unknown> {
  return sql`NOT s.stale AND s.records_until <= ${cutoff.at}::timestamptz AND s.dated_until <= ${cutoff.date}::date`;
}

/**
 * The cohort as a CTE: one row per patient enrolled in follow-up with an infusion on or before the cut-off,
 * narrowed by the filters. Row-level security narrows it further to what the principal may see (a hospital
 * its own patients, a sponsor the patients of its own filings). Every later query joins this CTE, so the
 * database aggregates over exactly the same patients.
 */
export function cohortCte(
  filters: EvaluationFilters,
  cutoff: Cutoff,
  part: CohortPart = {},
): RawBuilder<unknown> {
  const where: RawBuilder<unknown>[] = [
    sql`e.created_at <= ${cutoff.at}::timestamptz`,
    sql`e.infusion_date <= ${cutoff.date}::date`,
  ];
  // A text list rather than an array parameter: the two engines' drivers bind arrays differently.
  if (part.patientIds)
    where.push(sql`e.patient_id = ANY(string_to_array(${part.patientIds.join(',')}, ',')::uuid[])`);
  if (filters.filingId) where.push(sql`e.filing_id = ${filters.filingId}::uuid`);
  if (filters.technology) where.push(sql`f.technology = ${filters.technology}`);
  if (filters.hospitalId) where.push(sql`e.hospital_id = ${filters.hospitalId}::uuid`);
  if (filters.infusedFrom) where.push(sql`e.infusion_date >= ${filters.infusedFrom}::date`);
  if (filters.infusedTo) where.push(sql`e.infusion_date <= ${filters.infusedTo}::date`);
  if (filters.sex) where.push(sql`p.sex = ${filters.sex}`);
  if (filters.genotype) where.push(sql`strpos(p.diagnosis, ${filters.genotype}) > 0`);
  if (filters.ageBand) {
    const [lo, hi] = AGE_BAND_RANGE[filters.ageBand];
    where.push(sql`(extract(year FROM e.infusion_date)::int - p.birth_year) BETWEEN ${lo} AND ${hi}`);
  }
  return sql`cohort AS (
    SELECT e.patient_id, p.pseudonym, e.hospital_id, e.filing_id, e.infusion_date AS infusion, e.graft_source,
      e.product_name, p.sex, p.birth_year, p.diagnosis, f.technology, f.reference AS filing_reference,
      (extract(year FROM e.infusion_date)::int - p.birth_year) AS age
    FROM followup_enrolment e
    JOIN patient p ON p.id = e.patient_id
    LEFT JOIN filing f ON f.id = e.filing_id
    WHERE ${sql.join(where, sql` AND `)}
  )`;
}

/**
 * Per patient: last contact (latest record dated on or before the cut-off), death (a fatal or grade-5 adverse
 * event; its term is the cause) and transfusion independence computed in SQL by the beti-cel / exa-cel rule
 * of `@cgtlink/domain/thalassemia/transfusion` (60-day washout after each red-cell transfusion, periods of at
 * least 12 calendar months, trapezoid time-weighted Hb ≥ 9 g/dL).
 */
export function outcomesQuery(
  filters: EvaluationFilters,
  cutoff: Cutoff,
  part: CohortPart = {},
): RawBuilder<OutcomeRow> {
  const cut = sql`${cutoff.at}::timestamptz`;
  const cd = sql`${cutoff.date}::date`;
  return sql<OutcomeRow>`WITH ${cohortCte(filters, cutoff, part)},
  -- Each patient's records are read by per-patient probes (LATERAL; OFFSET 0 where it would be flattened into a
  -- join): the planner cannot estimate a cohort CTE, and priced as large it would hash-join whole tables of
  -- tens of millions of rows.
  contact AS (
    SELECT c.patient_id, greatest(c.infusion, obs.last_on, tx.last_on, visit.last_on, ae.last_on) AS last_contact,
      coalesce(obs.has_hb, false) AS has_hb
    FROM cohort c
    CROSS JOIN LATERAL (SELECT max(o.observed_on) AS last_on, bool_or(o.code = 'hb' AND o.observed_on >= c.infusion) AS has_hb
      FROM observation o WHERE o.patient_id = c.patient_id AND o.status = 'final' AND o.observed_on <= ${cd}
        AND o.created_at <= ${cut}) obs
    CROSS JOIN LATERAL (SELECT max(t.given_on) AS last_on FROM transfusion t WHERE t.patient_id = c.patient_id
      AND t.status <> 'entered-in-error' AND t.given_on <= ${cd} AND t.created_at <= ${cut}) tx
    CROSS JOIN LATERAL (SELECT max(v.attended_on) AS last_on FROM followup_visit v WHERE v.patient_id = c.patient_id
      AND v.attended_on <= ${cd}) visit
    CROSS JOIN LATERAL (SELECT max(coalesce(a.resolution_date, a.onset_date)) AS last_on FROM adverse_event a
      WHERE a.patient_id = c.patient_id AND coalesce(a.resolution_date, a.onset_date) <= ${cd}
        AND a.created_at <= ${cut}) ae
  ),
  death AS (
    SELECT c.patient_id, d.died_on, d.cause FROM cohort c
    CROSS JOIN LATERAL (SELECT coalesce(a.resolution_date, a.onset_date) AS died_on,
        coalesce(a.ctcae_term, a.term) AS cause
      FROM adverse_event a WHERE a.patient_id = c.patient_id AND (a.outcome = 'fatal' OR a.grade = 5)
        AND a.created_at <= ${cut} AND coalesce(a.resolution_date, a.onset_date) <= ${cd}
      ORDER BY coalesce(a.resolution_date, a.onset_date) LIMIT 1) d
  ),
  rbc AS (
    SELECT DISTINCT c.patient_id, c.infusion, t.given_on FROM cohort c
    CROSS JOIN LATERAL (SELECT t.given_on FROM transfusion t WHERE t.patient_id = c.patient_id
      AND t.product = 'red-cells' AND t.status <> 'entered-in-error' AND t.given_on <= ${cd}
      AND t.created_at <= ${cut} OFFSET 0) t
  ),
  periods AS (
    SELECT c.patient_id,
      greatest(c.infusion, max(r.given_on) FILTER (WHERE r.given_on <= c.infusion) + 60) AS start_on,
      min(r.given_on) FILTER (WHERE r.given_on > c.infusion) AS next_on
    FROM cohort c LEFT JOIN rbc r ON r.patient_id = c.patient_id
    GROUP BY c.patient_id, c.infusion
    UNION ALL
    SELECT x.patient_id, x.given_on + 60, x.next_on FROM (
      SELECT r.patient_id, r.given_on, lead(r.given_on) OVER (PARTITION BY r.patient_id ORDER BY r.given_on) AS next_on
      FROM rbc r WHERE r.given_on > r.infusion) x
  ),
  bounded AS (
    SELECT p.patient_id, p.start_on, coalesce(p.next_on, l.last_contact) AS end_on, p.next_on IS NULL AS ongoing
    FROM periods p JOIN contact l ON l.patient_id = p.patient_id
    WHERE coalesce(p.next_on, l.last_contact) > p.start_on
  ),
  -- LATERAL with OFFSET 0 (which keeps it from being flattened into a join): a probe of the patient's Hb index
  -- per period. The planner cannot estimate how few periods there are and would otherwise scan and sort every
  -- observation of the registry.
  hb AS (
    SELECT b.patient_id, b.start_on, o.d, o.v
    FROM bounded b CROSS JOIN LATERAL (
      SELECT o.observed_on AS d, o.value_canonical AS v FROM observation o
      WHERE o.patient_id = b.patient_id AND o.code = 'hb' AND o.status = 'final' AND ${plausibleObservation('o')}
        AND o.observed_on >= b.start_on AND (o.observed_on < b.end_on OR (b.ongoing AND o.observed_on <= b.end_on))
        AND o.observed_on <= ${cd} AND o.created_at <= ${cut} OFFSET 0) o
    WHERE b.end_on >= (b.start_on + interval '12 months')::date
  ),
  seg AS (
    SELECT patient_id, start_on, d, v, lead(d) OVER w AS d2, lead(v) OVER w AS v2
    FROM hb WINDOW w AS (PARTITION BY patient_id, start_on ORDER BY d, v)
  ),
  weighted AS (
    SELECT patient_id, start_on,
      CASE WHEN count(*) < 2 THEN NULL WHEN max(d) = min(d) THEN avg(v)
        ELSE sum(CASE WHEN d2 IS NULL THEN 0 ELSE (d2 - d) * (v + v2) / 2.0 END) / (max(d) - min(d)) END AS mean_hb
    FROM seg GROUP BY patient_id, start_on
  ),
  ti AS (
    SELECT b.patient_id,
      min(b.start_on) FILTER (WHERE w.mean_hb >= 9 - 1e-9) AS ti_start,
      bool_or(b.ongoing AND b.end_on < (b.start_on + interval '12 months')::date) AS in_progress
    FROM bounded b LEFT JOIN weighted w ON w.patient_id = b.patient_id AND w.start_on = b.start_on
    GROUP BY b.patient_id
  )
  SELECT c.patient_id AS "patientId", c.pseudonym, c.hospital_id AS "hospitalId", c.filing_id AS "filingId",
    c.filing_reference AS "filingReference", c.technology, c.product_name AS "productName", c.sex, c.age,
    c.diagnosis, c.graft_source AS "graftSource", c.infusion::text AS infusion,
    l.last_contact::text AS "lastContact", l.has_hb AS "hasHb", d.died_on::text AS "diedOn", d.cause,
    (l.last_contact - c.infusion) AS "followDays", (d.died_on - c.infusion) AS "deathDay",
    ti.ti_start::text AS "tiStart", (ti.ti_start - c.infusion) AS "tiDay", coalesce(ti.in_progress, false) AS "tiInProgress",
    EXISTS (SELECT 1 FROM observation o WHERE o.patient_id = c.patient_id AND o.code IN ('anc','wbc')
      AND o.observed_on BETWEEN c.infusion AND c.infusion + 42 AND o.created_at <= ${cut}) AS "ancByDay42",
    EXISTS (SELECT 1 FROM observation o WHERE o.patient_id = c.patient_id AND o.code = 'hb'
      AND o.observed_on BETWEEN c.infusion AND c.infusion + 90 AND o.created_at <= ${cut}) AS "hbByDay90",
    (SELECT json_agg(json_build_array(v.window_end::text, v.attended_on::text) ORDER BY v.window_end)
       FROM followup_visit v WHERE v.patient_id = c.patient_id) AS visits,
    (SELECT json_agg(json_build_array(o.code, o.observed_on::text, o.value_canonical) ORDER BY o.observed_on, o.code)
       FROM observation o WHERE o.patient_id = c.patient_id AND o.status = 'final' AND o.observed_on <= ${cd}
         AND o.created_at <= ${cut} AND o.code IN ('koos-pain','koos-symptoms','koos-adl','koos-sport','koos-qol')
         AND ${plausibleObservation('o')})
      AS koos,
    CASE WHEN c.diagnosis ~* ${LIVER_FAILURE.source} THEN
      (SELECT json_agg(json_build_array(o.code, o.observed_on::text, o.value_canonical) ORDER BY o.observed_on, o.code)
         FROM observation o WHERE o.patient_id = c.patient_id AND o.status = 'final' AND o.observed_on <= ${cd}
           AND o.created_at <= ${cut} AND o.code IN ('meld','bilirubin','creatinine','inr')
           AND ${plausibleObservation('o')})
    END AS "liverLabs"
  FROM cohort c JOIN contact l ON l.patient_id = c.patient_id
  LEFT JOIN death d ON d.patient_id = c.patient_id
  LEFT JOIN ti ON ti.patient_id = c.patient_id
  ORDER BY c.pseudonym`;
}

export interface OutcomeRow {
  patientId: string;
  pseudonym: string;
  hospitalId: string;
  filingId: string | null;
  filingReference: string | null;
  technology: string | null;
  productName: string;
  sex: string;
  age: number;
  diagnosis: string;
  graftSource: string;
  infusion: string;
  lastContact: string;
  hasHb: boolean;
  diedOn: string | null;
  cause: string | null;
  followDays: number;
  deathDay: number | null;
  tiStart: string | null;
  tiDay: number | null;
  tiInProgress: boolean;
  /** Critical fields of the registry audit: a neutrophil count by day 42, an Hb by day 90. */
  ancByDay42: boolean;
  hbByDay90: boolean;
  /** Protocol visits: `[window end, attended on]`, dates `YYYY-MM-DD` (JSON as it comes from the database). */
  visits: unknown;
  /** KOOS scores and, for liver failure, the MELD components: `[code, date, value]` (JSON, or null). */
  koos: unknown;
  liverLabs: unknown;
}

/** Early blood counts (days 0–100) and platelet transfusions (days −7–100) for the engraftment rule. */
export function earlyCountsQuery(
  filters: EvaluationFilters,
  cutoff: Cutoff,
  part: CohortPart = {},
): RawBuilder<EarlyCountsRow> {
  const cut = sql`${cutoff.at}::timestamptz`;
  const cd = sql`${cutoff.date}::date`;
  return sql<EarlyCountsRow>`WITH ${cohortCte(filters, cutoff, part)}
  SELECT c.patient_id AS "patientId",
    (SELECT json_agg(json_build_array(o.code, o.observed_on - c.infusion, o.value_canonical))
       FROM observation o WHERE o.patient_id = c.patient_id AND o.status = 'final'
       AND o.code IN ('anc','wbc','neutrophil-percent','platelets')
       AND o.observed_on BETWEEN c.infusion AND c.infusion + 100 AND o.observed_on <= ${cd}
       AND o.created_at <= ${cut} AND ${plausibleObservation('o')}) AS counts,
    (SELECT json_agg(t.given_on - c.infusion) FROM transfusion t WHERE t.patient_id = c.patient_id
       AND t.product = 'platelets' AND t.status <> 'entered-in-error'
       AND t.given_on BETWEEN c.infusion - 7 AND c.infusion + 100 AND t.given_on <= ${cd}
       AND t.created_at <= ${cut}) AS platelets
  FROM cohort c`;
}

export interface EarlyCountsRow {
  patientId: string;
  counts: unknown;
  platelets: unknown;
}

/** The measures whose trends the evaluation charts. */
export const TREND_CODES = ['hb', 'ferritin', 'lic-mri', 'cardiac-t2star'] as const;

/** A per-patient mean in a 3-month window from infusion: `[code, month, mean]`. */
export type WindowMean = [code: (typeof TREND_CODES)[number], month: number, mean: number];

/**
 * Each patient's mean Hb, ferritin, liver iron (MRI) and cardiac T2* in 3-month windows from infusion (180 days before to 10 years after): the
 * trend charts take the median and quartiles of these across patients.
 */
export function windowsQuery(
  filters: EvaluationFilters,
  cutoff: Cutoff,
  part: CohortPart = {},
): RawBuilder<WindowsRow> {
  return sql<WindowsRow>`WITH ${cohortCte(filters, cutoff, part)},
  per_patient AS (
    SELECT c.patient_id, w.code, w.month, w.v FROM cohort c
    CROSS JOIN LATERAL (
      SELECT o.code, (floor((o.observed_on - c.infusion) / 91.3125) * 3)::int AS month, avg(o.value_canonical) AS v
      FROM observation o
      WHERE o.patient_id = c.patient_id AND o.code IN ('hb','ferritin','lic-mri','cardiac-t2star') AND o.status = 'final'
        AND o.observed_on >= c.infusion - 180 AND o.observed_on <= c.infusion + 3653
        AND o.observed_on <= ${cutoff.date}::date AND o.created_at <= ${cutoff.at}::timestamptz
        AND ${plausibleObservation('o')}
      GROUP BY 1, 2) w
  )
  SELECT patient_id AS "patientId", json_agg(json_build_array(code, month, v) ORDER BY code, month) AS windows
  FROM per_patient GROUP BY patient_id`;
}

export interface WindowsRow {
  patientId: string;
  windows: unknown;
}
