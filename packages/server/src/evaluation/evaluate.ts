import { can, type Principal } from '@cgtlink/domain/access/index';
import { endOf } from '@cgtlink/domain/access/roles';
import {
  assessEngraftment,
  type BloodCountRecord,
  type GraftSource,
} from '@cgtlink/domain/clinical/engraftment';
import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Forbidden, NotFound } from '../errors';
import { type AeRow, summariseAdverseEvents } from './adverse-events';
import {
  type CohortPart,
  type Cutoff,
  cohortCte,
  type EarlyCountsRow,
  earlyCountsQuery,
  type OutcomeRow,
  outcomesQuery,
  resolveCutoff,
  storedOutcomeUsable,
  type WindowMean,
  windowsQuery,
} from './cohort';
import { AGE_BAND_RANGE, AGE_BANDS, type EvaluationFilters, GENOTYPES } from './filters';
import {
  type KneeSubscale,
  kneeEndpoints,
  type LiverEndpoints,
  liverEndpoints,
  type MeasurePatient,
  type MeasureValue,
} from './measures';
import {
  type CifSummary,
  cifSummary,
  DAYS_PER_YEAR,
  exactRate,
  num,
  quantile,
  type Rate,
  type SurvivalInput,
  type SurvivalSummary,
  survivalSummary,
} from './statistics';

/** A protocol visit: window end and the day attended (`YYYY-MM-DD`). */
export type Visit = [windowEnd: string, attendedOn: string | null];

/** One patient of the cohort with the outcomes the statistics use (pseudonymous). */
export interface CohortPatient extends Omit<OutcomeRow, 'visits' | 'koos' | 'liverLabs'> {
  windows: WindowMean[];
  visits: Visit[];
  /** KOOS scores and, in liver failure, the MELD components. */
  measures: MeasureValue[];
  neutrophilDay: number | null;
  plateletDay: number | null;
  graftFailure: boolean;
  /** EFS: death or primary graft failure. */
  efsDay: number;
  efsEvent: boolean;
}

export interface TrendPoint {
  month: number;
  patients: number;
  median: number;
  q1: number;
  q3: number;
}

export interface Evaluation {
  cutoff: Cutoff;
  filters: EvaluationFilters;
  cohort: { n: number; patientYears: number; medianFollowUpDays: number | null; method: string };
  efficacy: {
    transfusionIndependence: Rate & {
      achieved: number;
      notMet: number;
      inProgress: number;
      notAssessable: number;
      timeToTi: {
        n: number;
        medianDays: number | null;
        q1: number | null;
        q3: number | null;
        method: string;
      };
    };
    overallSurvival: SurvivalSummary;
    eventFreeSurvival: SurvivalSummary;
    neutrophilEngraftment: CifSummary;
    plateletEngraftment: CifSummary;
    trends: {
      hb: TrendPoint[];
      ferritin: TrendPoint[];
      /** Liver iron concentration by MRI (mg Fe/g dry weight). */
      lic: TrendPoint[];
      /** Cardiac T2* (ms). */
      t2star: TrendPoint[];
      method: string;
    };
    liver: LiverEndpoints;
    knee: { n: number; subscales: KneeSubscale[]; method: string };
  };
  safety: {
    patientYears: number;
    byTerm: AeRow[];
    any: AeRow;
    serious: { events: number; patients: number; incidence: Rate };
    unexpected: { events: number; patients: number; incidence: Rate };
    seriousUnexpected: { events: number; patients: number };
    immune: { kind: 'gvhd' | 'crs' | 'icans'; grade: number; patients: number }[];
    deaths: { n: number; incidence: Rate; causes: { cause: string; n: number }[] };
    signals: { rule: string; message: string; status: string; raisedAt: string }[];
    method: string;
  };
  quality: {
    laboratories: {
      laboratoryId: string;
      name: string;
      batches: number;
      qcResults: number;
      oos: number;
      oosRate: Rate;
      deviations: number;
    }[];
    deviationsByKind: { kind: string; n: number }[];
    custody: { temperatureLogs: number; withExcursion: number; excursionRate: Rate };
    collectionToInfusion: {
      n: number;
      medianHours: number | null;
      q1: number | null;
      q3: number | null;
      method: string;
    };
    followup: { due: number; attended: number; overdue: number; completeness: Rate; method: string };
    completeness: {
      fields: { field: string; missing: number; total: number }[];
      errorRate: number | null;
      threshold: number;
      meets: boolean | null;
      method: string;
    };
  };
  breakdown: Record<
    'filing' | 'hospital' | 'year' | 'technology',
    { key: string; label: string; n: number; ti: Rate; deaths: number }[]
  >;
  /** Which metrics can be opened to the patients behind them, and whether identities are shown. */
  patientView: 'identified' | 'pseudonymous';
}

function numbersOf(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as unknown[];
}

const MS_DAY = 86_400_000;

/** A diagnosis that names both β alleles (β0/β0, β0/β+, βE/β0 …): the genotype field of the audit is present. */
const GENOTYPE_IN_DIAGNOSIS = /(β|beta)[0+E]?\/(β|beta)/;

/** The per-patient outcomes of the cohort, inside the principal's scope. */
export async function cohortPatients(
  tx: Tx,
  filters: EvaluationFilters,
  cutoff: Cutoff,
): Promise<CohortPatient[]> {
  const { stored, missing } = await storedPatients(tx, filters, cutoff);
  const computed =
    missing.length === 0 ? [] : await computedPatients(tx, filters, cutoff, { patientIds: missing });
  // Byte order, as the database's C collation sorts the pseudonyms.
  return [...stored, ...computed].sort((a, b) =>
    a.pseudonym < b.pseudonym ? -1 : a.pseudonym > b.pseudonym ? 1 : 0,
  );
}

/**
 * The cohort with each patient's stored outcome (migration 0023) where it stands for the records at the
 * cut-off, and the patients without one (`missing`), whose outcomes are computed from the records.
 */
async function storedPatients(
  tx: Tx,
  filters: EvaluationFilters,
  cutoff: Cutoff,
): Promise<{ stored: CohortPatient[]; missing: string[] }> {
  const { rows } = await sql<
    Omit<OutcomeRow, 'followDays' | 'deathDay' | 'tiDay' | 'koos' | 'liverLabs'> & {
      stored: boolean;
      measures: unknown;
      followDays: number;
      deathDay: number | null;
      tiDay: number | null;
      neutrophilDay: number | null;
      plateletDay: number | null;
      graftFailure: boolean;
      failureDay: number | null;
      windows: unknown;
    }
  >`WITH ${cohortCte(filters, cutoff)}
  SELECT c.patient_id AS "patientId", s.patient_id IS NOT NULL AS stored, c.pseudonym,
    c.hospital_id AS "hospitalId", c.filing_id AS "filingId",
    c.filing_reference AS "filingReference", c.technology, c.product_name AS "productName", c.sex, c.age,
    c.diagnosis, c.graft_source AS "graftSource", c.infusion::text AS infusion,
    s.last_contact::text AS "lastContact", s.has_hb AS "hasHb", s.died_on::text AS "diedOn", s.cause,
    (s.last_contact - c.infusion) AS "followDays", (s.died_on - c.infusion) AS "deathDay",
    s.ti_start::text AS "tiStart", (s.ti_start - c.infusion) AS "tiDay", s.ti_in_progress AS "tiInProgress",
    s.neutrophil_day AS "neutrophilDay", s.platelet_day AS "plateletDay", s.graft_failure AS "graftFailure",
    s.failure_day AS "failureDay", s.windows, s.anc_by_day42 AS "ancByDay42", s.hb_by_day90 AS "hbByDay90",
    s.visits, s.measures
  FROM cohort c LEFT JOIN evaluation_patient_outcome s
    ON s.patient_id = c.patient_id AND ${storedOutcomeUsable(cutoff)}`.execute(tx);
  const stored: CohortPatient[] = [];
  const missing: string[] = [];
  for (const { stored: usable, ...r } of rows) {
    if (!usable) {
      missing.push(r.patientId);
      continue;
    }
    stored.push(
      withEndPoints(
        {
          ...r,
          age: Number(r.age),
          followDays: Number(r.followDays),
          deathDay: r.deathDay === null ? null : Number(r.deathDay),
          tiDay: r.tiDay === null ? null : Number(r.tiDay),
          windows: numbersOf(r.windows) as WindowMean[],
          visits: numbersOf(r.visits) as Visit[],
          measures: numbersOf(r.measures) as MeasureValue[],
        },
        {
          neutrophilDay: r.neutrophilDay,
          plateletDay: r.plateletDay,
          graftFailure: r.graftFailure,
          failureDay: r.failureDay,
        },
      ),
    );
  }
  return { stored, missing };
}

/** Engraftment as the domain rule assesses it from the early counts. */
export interface Engraftment {
  neutrophilDay: number | null;
  plateletDay: number | null;
  graftFailure: boolean;
  /** The day primary graft failure was declared (the neutrophil deadline). */
  failureDay: number | null;
}

function withEndPoints(
  row: Omit<CohortPatient, keyof Engraftment | 'efsDay' | 'efsEvent'>,
  e: Engraftment,
): CohortPatient & { failureDay: number | null } {
  const endDay = row.deathDay ?? row.followDays;
  const efsEventDay = [row.deathDay, e.graftFailure ? e.failureDay : null].filter(
    (d): d is number => d !== null,
  );
  const efsEvent = efsEventDay.length > 0;
  return {
    ...row,
    ...e,
    efsDay: efsEvent ? Math.min(...efsEventDay) : endDay,
    efsEvent,
  };
}

/**
 * The per-patient outcomes computed from the records (the part of the cohort, or a refresher's batch), with
 * engraftment assessed by the domain rule and the day primary graft failure was declared.
 */
export async function computedPatients(
  tx: Tx,
  filters: EvaluationFilters,
  cutoff: Cutoff,
  part: CohortPart,
): Promise<(CohortPatient & { failureDay: number | null })[]> {
  // Hash joins between the query's per-patient CTEs: the planner cannot estimate them (under row-level security it
  // takes the cohort for one row) and by nested loops recomputed every patient's transfusion-free periods for each
  // patient (0.58 s instead of 0.15 s for the demo's 328). The records themselves are still read by the LATERAL
  // probes, which only a nested loop can run, so they are unaffected.
  await sql`SET LOCAL enable_nestloop = off`.execute(tx);
  const { rows } = await outcomesQuery(filters, cutoff, part).execute(tx);
  await sql`RESET enable_nestloop`.execute(tx);
  if (rows.length === 0) return [];
  const { rows: early } = await earlyCountsQuery(filters, cutoff, part).execute(tx);
  const { rows: windowRows } = await windowsQuery(filters, cutoff, part).execute(tx);
  const counts = new Map(early.map((r) => [r.patientId, r]));
  const windows = new Map(windowRows.map((r) => [r.patientId, numbersOf(r.windows) as WindowMean[]]));
  return rows.map(({ koos, liverLabs, ...r }) => {
    const row = {
      ...r,
      followDays: Number(r.followDays),
      deathDay: r.deathDay === null ? null : Number(r.deathDay),
      tiDay: r.tiDay === null ? null : Number(r.tiDay),
      age: Number(r.age),
      windows: windows.get(r.patientId) ?? [],
      visits: numbersOf(r.visits) as Visit[],
      measures: [...numbersOf(koos), ...numbersOf(liverLabs)].map((m) => {
        const [code, date, value] = m as [string, string, number];
        return { code, date, value: Number(value) };
      }),
    };
    return withEndPoints(row, engraftmentOf(row, counts.get(r.patientId)));
  });
}

function engraftmentOf(
  row: { graftSource: string; followDays: number },
  e: EarlyCountsRow | undefined,
): Engraftment {
  const byDay = new Map<
    number,
    { day: number; anc?: number; wbc?: number; neutrophilPercent?: number; platelets?: number }
  >();
  for (const item of numbersOf(e?.counts)) {
    const [code, dayRaw, valueRaw] = item as [string, number, number];
    const day = Number(dayRaw);
    const value = Number(valueRaw);
    const d = byDay.get(day) ?? { day };
    const keep = (prev: number | undefined) => (prev === undefined ? value : Math.min(prev, value));
    if (code === 'anc') d.anc = keep(d.anc);
    else if (code === 'wbc') d.wbc = keep(d.wbc);
    else if (code === 'neutrophil-percent') d.neutrophilPercent = keep(d.neutrophilPercent);
    else if (code === 'platelets') d.platelets = keep(d.platelets);
    byDay.set(day, d);
  }
  const series: BloodCountRecord[] = [...byDay.values()]
    .map((d) =>
      d.anc === undefined && d.wbc !== undefined && d.neutrophilPercent === undefined
        ? { day: d.day, ...(d.platelets !== undefined ? { platelets: d.platelets } : {}) }
        : d,
    )
    .filter((d) => d.anc !== undefined || d.wbc !== undefined || d.platelets !== undefined)
    .sort((a, b) => a.day - b.day);
  const out: Engraftment = { neutrophilDay: null, plateletDay: null, graftFailure: false, failureDay: null };
  if (series.length === 0) return out;
  const result = assessEngraftment({
    source: row.graftSource as GraftSource,
    countUnit: '10^9/L',
    counts: series,
    plateletTransfusionDays: numbersOf(e?.platelets).map(Number),
    asOfDay: row.followDays,
  });
  if (result.neutrophil.engraftmentDay !== undefined && result.neutrophil.status.startsWith('engrafted'))
    out.neutrophilDay = result.neutrophil.engraftmentDay;
  if (result.platelet.engraftmentDay !== undefined && result.platelet.status.startsWith('engrafted'))
    out.plateletDay = result.platelet.engraftmentDay;
  if (result.neutrophil.status === 'graft-failure') {
    out.graftFailure = true;
    out.failureDay = result.neutrophil.deadlineDay ?? null;
  }
  return out;
}

function survivalOf(patients: CohortPatient[], endpoint: 'os' | 'efs' | 'ti'): SurvivalInput {
  if (endpoint === 'os')
    return {
      time: patients.map((p) => p.deathDay ?? p.followDays),
      event: patients.map((p) => (p.deathDay !== null ? 1 : 0)),
    };
  if (endpoint === 'efs')
    return { time: patients.map((p) => p.efsDay), event: patients.map((p) => (p.efsEvent ? 1 : 0)) };
  const assessable = patients.filter((p) => p.hasHb);
  return {
    time: assessable.map((p) => (p.tiDay !== null ? p.tiDay : (p.deathDay ?? p.followDays))),
    event: assessable.map((p) => (p.tiDay !== null ? 1 : 0)),
  };
}

export { survivalOf };

export function tiSummary(patients: CohortPatient[]): Evaluation['efficacy']['transfusionIndependence'] {
  const assessable = patients.filter((p) => p.hasHb);
  const achieved = assessable.filter((p) => p.tiStart !== null);
  // Still inside the first 12 months and alive: not yet evaluable. A death ends the attempt (not met).
  const inProgress = assessable.filter((p) => p.tiStart === null && p.tiInProgress && p.deathDay === null);
  const notMet = assessable.length - achieved.length - inProgress.length;
  const evaluable = achieved.length + notMet;
  const days = achieved.map((p) => p.tiDay!).sort((a, b) => a - b);
  return {
    ...exactRate(achieved.length, evaluable),
    method:
      'transfusion independence (beti-cel / exa-cel): no red-cell transfusion for ≥ 12 months with time-weighted (trapezoid) mean Hb ≥ 9 g/dL, from 60 days after the last transfusion; rate = achieved / (achieved + not met), living patients still inside their first 12 months excluded; Clopper–Pearson exact 95% CI',
    achieved: achieved.length,
    notMet,
    inProgress: inProgress.length,
    notAssessable: patients.length - assessable.length,
    timeToTi: {
      n: days.length,
      medianDays: num(quantile(days, 0.5)),
      q1: num(quantile(days, 0.25)),
      q3: num(quantile(days, 0.75)),
      method:
        'days from infusion to the start of the first qualifying transfusion-free period; median and quartiles (type 7)',
    },
  };
}

/** Checks the principal may read evaluations and that a named filing is inside its scope (404 otherwise). */
export async function checkScope(tx: Tx, principal: Principal, filters: EvaluationFilters): Promise<void> {
  if (!can(principal, 'evaluation.read')) throw new Forbidden('you may not read evaluations');
  if (filters.filingId) {
    const filing = await tx
      .selectFrom('filing')
      .select('id')
      .where('id', '=', filters.filingId)
      .executeTakeFirst();
    if (!filing) throw new NotFound('filing');
  }
}

/**
 * The evaluation of a cohort (a filing, a technology, a hospital, a period, with the cohort filters): efficacy,
 * safety and quality, each figure with its method. Computed inside the principal's row-level scope.
 */
export async function evaluateFiling(
  db: Kysely<Schema>,
  principal: Principal,
  filters: EvaluationFilters,
  now = new Date(),
): Promise<Evaluation> {
  return withPrincipal(db, principal, async (tx) => {
    await checkScope(tx, principal, filters);
    return evaluateWithin(tx, principal, filters, resolveCutoff(filters, now));
  });
}

/** Per-query timings on stderr when CGTLINK_EVAL_TIMING is set (for benchmarks; never asserted). */
async function timed<T>(label: string, work: Promise<T>): Promise<T> {
  if (!process.env.CGTLINK_EVAL_TIMING) return work;
  const t0 = performance.now();
  const out = await work;
  process.stderr.write(`evaluation ${label}: ${(performance.now() - t0).toFixed(0)} ms\n`);
  return out;
}

export async function evaluateWithin(
  tx: Tx,
  principal: Principal,
  filters: EvaluationFilters,
  cutoff: Cutoff,
): Promise<Evaluation> {
  const patients = await timed('cohort', cohortPatients(tx, filters, cutoff));
  const patientYears = patients.reduce((s, p) => s + (p.deathDay ?? p.followDays), 0) / DAYS_PER_YEAR;
  const follow = patients.map((p) => p.followDays).sort((a, b) => a - b);
  const cut = sql`${cutoff.at}::timestamptz`;
  const cd = sql`${cutoff.date}::date`;
  const cohort = cohortCte(filters, cutoff);

  // Engraftment: cause 1 the end point, 2 death first, 0 censored at last contact (counts read to day 100).
  const engraftment = (pick: (p: CohortPatient) => number | null) => {
    const time: number[] = [];
    const status: number[] = [];
    for (const p of patients) {
      const day = pick(p);
      if (day !== null) {
        time.push(day);
        status.push(1);
      } else if (p.deathDay !== null && p.deathDay <= 100) {
        time.push(p.deathDay);
        status.push(2);
      } else {
        time.push(Math.min(p.followDays, 100));
        status.push(0);
      }
    }
    return cifSummary(time, status, [28, 42, 100]);
  };

  const trend = (code: WindowMean[0]): TrendPoint[] => {
    const byMonth = new Map<number, number[]>();
    for (const p of patients)
      for (const [c, month, mean] of p.windows)
        if (c === code) {
          const values = byMonth.get(month);
          if (values) values.push(Number(mean));
          else byMonth.set(month, [Number(mean)]);
        }
    return [...byMonth.entries()]
      .sort(([a], [b]) => a - b)
      .map(([month, values]) => {
        const sorted = values.sort((a, b) => a - b);
        return {
          month,
          patients: sorted.length,
          median: num(quantile(sorted, 0.5), 3)!,
          q1: num(quantile(sorted, 0.25), 3)!,
          q3: num(quantile(sorted, 0.75), 3)!,
        };
      });
  };

  // Safety: the cohort's adverse events after infusion, read once and tabulated here.
  const events = await timed(
    'adverse events',
    sql<{ patient_id: string; term: string; grade: number | null; serious: boolean; expected: boolean }>`
    WITH ${cohort}
    SELECT a.patient_id, coalesce(a.ctcae_term, a.term) AS term, a.grade, a.serious, a.expected
    FROM adverse_event a JOIN cohort c ON c.patient_id = a.patient_id
    WHERE a.onset_date >= c.infusion AND a.onset_date <= ${cd} AND a.created_at <= ${cut}`.execute(tx),
  );
  const measured: MeasurePatient[] = patients.map((p) => ({
    diagnosis: p.diagnosis,
    infusion: p.infusion,
    deathDay: p.deathDay,
    followDays: p.followDays,
    measures: p.measures,
  }));
  const n = patients.length;
  const safety = summariseAdverseEvents(
    events.rows.map((e) => ({
      patientId: e.patient_id,
      term: e.term,
      grade: e.grade === null ? null : Number(e.grade),
      serious: e.serious,
      expected: e.expected,
    })),
    n,
    patientYears,
  );
  const signals = can(principal, 'safety.monitor')
    ? (
        await tx
          .selectFrom('alert')
          .select(['rule', 'message', 'status', 'raised_at'])
          .where('scope', '=', 'registry')
          .where('raised_at', '<=', new Date(cutoff.at))
          .orderBy('raised_at', 'desc')
          .limit(50)
          .execute()
      ).map((a) => ({
        rule: a.rule,
        message: a.message,
        status: a.status,
        raisedAt: new Date(a.raised_at).toISOString(),
      }))
    : [];
  const deaths = patients.filter((p) => p.deathDay !== null);
  const causes = new Map<string, number>();
  for (const p of deaths) causes.set(p.cause ?? 'unknown', (causes.get(p.cause ?? 'unknown') ?? 0) + 1);

  // Quality: the laboratories (by the filing's laboratory when a filing is chosen), custody, visits, fields.
  const labWhere = [sql`b.started_at <= ${cut}`];
  if (filters.filingId)
    labWhere.push(
      sql`b.laboratory_id = (SELECT laboratory_id FROM filing WHERE id = ${filters.filingId}::uuid)`,
    );
  if (filters.infusedFrom) labWhere.push(sql`b.started_at >= ${filters.infusedFrom}::date`);
  if (filters.infusedTo) labWhere.push(sql`b.started_at < ${filters.infusedTo}::date + 1`);
  const labs = await timed(
    'labs',
    sql<{ laboratory_id: string; name: string; batches: number; results: number; oos: number }>`
    SELECT b.laboratory_id, o.name_en AS name, count(DISTINCT b.id)::int AS batches,
      count(q.id)::int AS results, (count(q.id) FILTER (WHERE q.outcome = 'fail'))::int AS oos
    FROM batch b JOIN organization o ON o.id = b.laboratory_id
    LEFT JOIN qc_result q ON q.batch_id = b.id AND q.is_current AND q.entered_at <= ${cut}
    WHERE ${sql.join(labWhere, sql` AND `)}
    GROUP BY b.laboratory_id, o.name_en ORDER BY o.name_en`.execute(tx),
  );
  const therapyWhere = [sql`th.created_at <= ${cut}`];
  if (filters.filingId) therapyWhere.push(sql`th.filing_id = ${filters.filingId}::uuid`);
  if (filters.hospitalId) therapyWhere.push(sql`th.hospital_id = ${filters.hospitalId}::uuid`);
  if (filters.technology) therapyWhere.push(sql`th.technology = ${filters.technology}`);
  const therapyScope = sql.join(therapyWhere, sql` AND `);
  const deviations = await timed(
    'deviations',
    sql<{ laboratory_id: string; kind: string; n: number }>`
    SELECT d.laboratory_id, d.kind, count(*)::int AS n FROM deviation d JOIN therapy th ON th.id = d.therapy_id
    WHERE d.created_at <= ${cut} AND ${therapyScope} GROUP BY d.laboratory_id, d.kind`.execute(tx),
  );
  const custody = await timed(
    'custody',
    sql<{ logs: number; excursions: number }>`
    SELECT count(*)::int AS logs, (count(*) FILTER (WHERE jsonb_array_length(t.excursions) > 0))::int AS excursions
    FROM temperature_log t JOIN therapy th ON th.id = t.therapy_id
    WHERE t.uploaded_at <= ${cut} AND ${therapyScope}`.execute(tx),
  );
  const vein = await timed(
    'vein',
    sql<{ n: number; median: number | null; q1: number | null; q3: number | null }>`
    WITH spans AS (
      SELECT extract(epoch FROM (min(e.occurred_at) - min(col.collected_at))) / 3600.0 AS hours
      FROM therapy th JOIN collection col ON col.therapy_id = th.id
      JOIN pathway_event e ON e.therapy_id = th.id AND e.step = 'infusion' AND e.corrects_id IS NULL AND e.recorded_at <= ${cut}
      WHERE ${therapyScope} GROUP BY th.id
    )
    SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY hours) AS median,
      percentile_cont(0.25) WITHIN GROUP (ORDER BY hours) AS q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY hours) AS q3
    FROM spans`.execute(tx),
  );
  // Visits, genotype and the day-42 / day-90 counts come with each patient: no query over the records here.
  let due = 0;
  let attended = 0;
  const missingOf = { sex: 0, genotype: 0, filing: 0, anc: 0, hb: 0, visit: 0 };
  const day90 = new Date(Date.parse(`${cutoff.date}T00:00:00Z`) - 90 * MS_DAY).toISOString().slice(0, 10);
  for (const p of patients) {
    let open = false;
    for (const [windowEnd, attendedOn] of p.visits) {
      if (windowEnd >= cutoff.date) continue;
      due += 1;
      if (attendedOn !== null && attendedOn <= cutoff.date) attended += 1;
      if (attendedOn === null) open = true;
    }
    if (p.sex === 'unknown') missingOf.sex += 1;
    if (!GENOTYPE_IN_DIAGNOSIS.test(p.diagnosis)) missingOf.genotype += 1;
    if (p.filingId === null) missingOf.filing += 1;
    if (!p.ancByDay42) missingOf.anc += 1;
    if (p.infusion <= day90 && !p.hbByDay90) missingOf.hb += 1;
    if (open) missingOf.visit += 1;
  }
  const fieldList = [
    { field: 'sex', missing: missingOf.sex },
    { field: 'genotype', missing: missingOf.genotype },
    { field: 'filing', missing: missingOf.filing },
    { field: 'ancDay42', missing: missingOf.anc },
    { field: 'hbDay90', missing: missingOf.hb },
    { field: 'visitsComplete', missing: missingOf.visit },
  ].map((x) => ({ ...x, total: n }));
  const missing = fieldList.reduce((s, x) => s + x.missing, 0);
  const errorRate = n === 0 ? null : num(missing / (n * fieldList.length));
  const devByLab = new Map<string, number>();
  const devByKind = new Map<string, number>();
  for (const d of deviations.rows) {
    devByLab.set(d.laboratory_id, (devByLab.get(d.laboratory_id) ?? 0) + Number(d.n));
    devByKind.set(d.kind, (devByKind.get(d.kind) ?? 0) + Number(d.n));
  }
  const custodyRow = custody.rows[0]!;
  const veinRow = vein.rows[0]!;

  const byKey = (key: (p: CohortPatient) => string, label: (p: CohortPatient) => string) => {
    const groups = new Map<string, CohortPatient[]>();
    for (const p of patients) {
      const group = groups.get(key(p));
      if (group) group.push(p);
      else groups.set(key(p), [p]);
    }
    return [...groups.entries()]
      .map(([k, ps]) => {
        const ti = tiSummary(ps);
        return {
          key: k,
          label: label(ps[0]!),
          n: ps.length,
          ti: exactRate(ti.achieved, ti.achieved + ti.notMet),
          deaths: ps.filter((p) => p.deathDay !== null).length,
        };
      })
      .sort((a, b) => a.label.localeCompare(b.label));
  };
  const hospitals = new Map(
    (
      await tx.selectFrom('organization').select(['id', 'name_en']).where('kind', '=', 'hospital').execute()
    ).map((o) => [o.id, o.name_en]),
  );

  return {
    cutoff,
    filters,
    cohort: {
      n,
      patientYears: num(patientYears, 3)!,
      medianFollowUpDays: num(quantile(follow, 0.5)),
      method:
        'patients enrolled in follow-up with an infusion on or before the cut-off; follow-up to the last dated record (or death)',
    },
    efficacy: {
      transfusionIndependence: tiSummary(patients),
      overallSurvival: survivalSummary(survivalOf(patients, 'os')),
      eventFreeSurvival: {
        ...survivalSummary(survivalOf(patients, 'efs')),
        method: `${survivalSummary({ time: [], event: [] }).method}; event = death or primary graft failure (CIBMTR)`,
      },
      neutrophilEngraftment: engraftment((p) => p.neutrophilDay),
      plateletEngraftment: engraftment((p) => p.plateletDay),
      trends: {
        hb: trend('hb'),
        ferritin: trend('ferritin'),
        lic: trend('lic-mri'),
        t2star: trend('cardiac-t2star'),
        method:
          'median and quartiles of per-patient means in 3-month windows from infusion (Hb g/dL, ferritin ng/mL, liver iron by MRI mg Fe/g dw, cardiac T2* ms)',
      },
      liver: liverEndpoints(measured),
      knee: kneeEndpoints(measured),
    },
    safety: {
      patientYears: num(patientYears, 3)!,
      ...safety,
      deaths: {
        n: deaths.length,
        incidence: exactRate(deaths.length, n),
        causes: [...causes.entries()]
          .map(([cause, k]) => ({ cause, n: k }))
          .sort((a, b) => b.n - a.n || a.cause.localeCompare(b.cause)),
      },
      signals,
      method:
        'adverse events with onset after infusion, CTCAE v5 term and grade; incidence = patients with ≥ 1 event / cohort (Clopper–Pearson); rate = events / patient-years (exact Poisson); grade rows count each event at its grade, "any grade" rows count patients once',
    },
    quality: {
      laboratories: labs.rows.map((l) => ({
        laboratoryId: l.laboratory_id,
        name: l.name,
        batches: Number(l.batches),
        qcResults: Number(l.results),
        oos: Number(l.oos),
        oosRate: exactRate(Number(l.oos), Number(l.results)),
        deviations: devByLab.get(l.laboratory_id) ?? 0,
      })),
      deviationsByKind: [...devByKind.entries()].map(([kind, k]) => ({ kind, n: k })),
      custody: {
        temperatureLogs: Number(custodyRow.logs),
        withExcursion: Number(custodyRow.excursions),
        excursionRate: exactRate(Number(custodyRow.excursions), Number(custodyRow.logs)),
      },
      collectionToInfusion: {
        n: Number(veinRow.n),
        medianHours: num(veinRow.median === null ? null : Number(veinRow.median), 2),
        q1: num(veinRow.q1 === null ? null : Number(veinRow.q1), 2),
        q3: num(veinRow.q3 === null ? null : Number(veinRow.q3), 2),
        method: 'hours from the first collection to the recorded infusion, per therapy; median and quartiles',
      },
      followup: {
        due,
        attended,
        overdue: due - attended,
        completeness: exactRate(attended, due),
        method:
          'protocol visits whose window closed before the cut-off: attended / due (Clopper–Pearson); overdue = not attended',
      },
      completeness: {
        fields: fieldList,
        errorRate,
        threshold: 0.03,
        meets: errorRate === null ? null : errorRate <= 0.03,
        method:
          'critical-field audit (FACT-JACIE / CIBMTR data audit: ≤ 3% error): missing or unusable critical fields / (patients × fields)',
      },
    },
    breakdown: {
      filing: byKey(
        (p) => p.filingId ?? '-',
        (p) => p.filingReference ?? '—',
      ),
      hospital: byKey(
        (p) => p.hospitalId,
        (p) => hospitals.get(p.hospitalId) ?? p.hospitalId,
      ),
      year: byKey(
        (p) => p.infusion.slice(0, 4),
        (p) => p.infusion.slice(0, 4),
      ),
      technology: byKey(
        (p) => p.technology ?? p.graftSource,
        (p) => p.technology ?? p.graftSource,
      ),
    },
    patientView: endOf(principal.role) === 'hospital' ? 'identified' : 'pseudonymous',
  };
}

export const METRICS = [
  'cohort',
  'ti.achieved',
  'ti.notMet',
  'ti.inProgress',
  'death',
  'efs.event',
  'graftFailure',
  'neutrophil.engrafted',
  'platelet.engrafted',
  'ae.serious',
  'ae.unexpected',
  'ae.term',
  'visit.overdue',
] as const;
export type Metric = (typeof METRICS)[number];

export interface PatientRef {
  pseudonym: string;
  /** Only for hospital staff (their own patients): the link to the patient record. */
  patientId: string | null;
  hospitalId: string;
  infusion: string;
}

/** The patients behind one figure of the evaluation, as the principal may see them. */
export async function patientsBehind(
  db: Kysely<Schema>,
  principal: Principal,
  filters: EvaluationFilters,
  metric: Metric,
  term?: string,
  now = new Date(),
): Promise<PatientRef[]> {
  return withPrincipal(db, principal, async (tx) => {
    await checkScope(tx, principal, filters);
    const cutoff = resolveCutoff(filters, now);
    const patients = await cohortPatients(tx, filters, cutoff);
    let chosen: CohortPatient[];
    const ids = async (rows: Promise<{ patient_id: string }[]>) =>
      new Set((await rows).map((r) => r.patient_id));
    const cohort = cohortCte(filters, cutoff);
    const aeWith = (cond: ReturnType<typeof sql>) =>
      ids(
        sql<{ patient_id: string }>`WITH ${cohort} SELECT DISTINCT a.patient_id FROM adverse_event a
          JOIN cohort c ON c.patient_id = a.patient_id WHERE a.onset_date >= c.infusion
          AND a.onset_date <= ${cutoff.date}::date AND a.created_at <= ${cutoff.at}::timestamptz AND ${cond}`
          .execute(tx)
          .then((r) => r.rows),
      );
    switch (metric) {
      case 'cohort':
        chosen = patients;
        break;
      case 'ti.achieved':
        chosen = patients.filter((p) => p.hasHb && p.tiStart !== null);
        break;
      case 'ti.inProgress':
        chosen = patients.filter(
          (p) => p.hasHb && p.tiStart === null && p.tiInProgress && p.deathDay === null,
        );
        break;
      case 'ti.notMet':
        chosen = patients.filter(
          (p) => p.hasHb && p.tiStart === null && (!p.tiInProgress || p.deathDay !== null),
        );
        break;
      case 'death':
        chosen = patients.filter((p) => p.deathDay !== null);
        break;
      case 'efs.event':
        chosen = patients.filter((p) => p.efsEvent);
        break;
      case 'graftFailure':
        chosen = patients.filter((p) => p.graftFailure);
        break;
      case 'neutrophil.engrafted':
        chosen = patients.filter((p) => p.neutrophilDay !== null);
        break;
      case 'platelet.engrafted':
        chosen = patients.filter((p) => p.plateletDay !== null);
        break;
      case 'ae.serious': {
        const s = await aeWith(sql`a.serious`);
        chosen = patients.filter((p) => s.has(p.patientId));
        break;
      }
      case 'ae.unexpected': {
        const s = await aeWith(sql`NOT a.expected`);
        chosen = patients.filter((p) => s.has(p.patientId));
        break;
      }
      case 'ae.term': {
        const s = await aeWith(sql`coalesce(a.ctcae_term, a.term) = ${term ?? ''}`);
        chosen = patients.filter((p) => s.has(p.patientId));
        break;
      }
      case 'visit.overdue':
        chosen = patients.filter((p) =>
          p.visits.some(
            ([windowEnd, attendedOn]) =>
              windowEnd < cutoff.date && (attendedOn === null || attendedOn > cutoff.date),
          ),
        );
        break;
    }
    const identified = endOf(principal.role) === 'hospital';
    return chosen.map((p) => ({
      pseudonym: p.pseudonym,
      patientId: identified ? p.patientId : null,
      hospitalId: p.hospitalId,
      infusion: p.infusion,
    }));
  });
}

export { AGE_BAND_RANGE, AGE_BANDS, GENOTYPES, MS_DAY };
