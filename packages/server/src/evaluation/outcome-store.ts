import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import type { Cutoff } from './cohort';
import { computedPatients } from './evaluate';

// One refresher at a time across every process sharing the database.
const REFRESH_LOCK = 7_240_002;
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Everything recorded, whenever created or dated: what a stored outcome is computed from. Its bounds
 * (`records_until`, `dated_until`) then say for which cut-offs it stands.
 */
const EVERYTHING: Cutoff = { at: 'infinity', date: 'infinity' };

/**
 * Computes the stored outcomes (migration 0023) of up to `limit` treated patients whose row is missing or stale,
 * and returns how many it computed. It claims the rows (clears `stale`) before it reads the records: from then on
 * a writer to one of those patients waits for this transaction at its trigger, so every statement here sees the
 * same records, and a write that lands later marks the row stale again.
 */
export async function refreshOutcomes(db: Kysely<Schema>, limit = 200): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${REFRESH_LOCK})`.execute(tx);
    // The refresher gives way: a writer holding one patient's row while it waits for another that this batch
    // claimed would otherwise deadlock with it, and one of them would fail. This one fails first, and quietly.
    await sql`SET LOCAL lock_timeout = '200ms'`.execute(tx);
    const claimed = await sql<{ patient_id: string }>`
      INSERT INTO evaluation_patient_outcome AS s (patient_id, hospital_id, stale)
      SELECT e.patient_id, e.hospital_id, false FROM followup_enrolment e
      WHERE NOT EXISTS (SELECT 1 FROM evaluation_patient_outcome o WHERE o.patient_id = e.patient_id AND NOT o.stale)
      ORDER BY e.patient_id LIMIT ${limit}
      ON CONFLICT (patient_id) DO UPDATE SET stale = false
      RETURNING patient_id`.execute(tx);
    const patientIds = claimed.rows.map((r) => r.patient_id);
    if (patientIds.length === 0) return 0;
    const patients = await computedPatients(tx, {}, EVERYTHING, { patientIds });
    const ids = sql`string_to_array(${patientIds.join(',')}, ',')::uuid[]`;
    const bounds = await sql<{ patient_id: string; records_until: string; dated_until: string }>`
      SELECT e.patient_id,
        greatest(e.created_at,
          (SELECT max(o.created_at) FROM observation o WHERE o.patient_id = e.patient_id),
          (SELECT max(t.created_at) FROM transfusion t WHERE t.patient_id = e.patient_id),
          (SELECT max(a.created_at) FROM adverse_event a WHERE a.patient_id = e.patient_id))::text AS records_until,
        greatest(e.infusion_date,
          (SELECT max(o.observed_on) FROM observation o WHERE o.patient_id = e.patient_id),
          (SELECT max(t.given_on) FROM transfusion t WHERE t.patient_id = e.patient_id),
          (SELECT max(v.attended_on) FROM followup_visit v WHERE v.patient_id = e.patient_id),
          (SELECT max(greatest(a.onset_date, a.resolution_date)) FROM adverse_event a
            WHERE a.patient_id = e.patient_id))::text AS dated_until
      FROM followup_enrolment e WHERE e.patient_id = ANY(${ids})`.execute(tx);
    const bound = new Map(bounds.rows.map((b) => [b.patient_id, b]));
    const rows = patients.map((p) => ({
      patient_id: p.patientId,
      records_until: bound.get(p.patientId)?.records_until,
      dated_until: bound.get(p.patientId)?.dated_until,
      last_contact: p.lastContact,
      has_hb: p.hasHb,
      died_on: p.diedOn,
      cause: p.cause,
      ti_start: p.tiStart,
      ti_in_progress: p.tiInProgress,
      neutrophil_day: p.neutrophilDay,
      platelet_day: p.plateletDay,
      graft_failure: p.graftFailure,
      failure_day: p.failureDay,
      windows: p.windows,
      anc_by_day42: p.ancByDay42,
      hb_by_day90: p.hbByDay90,
      visits: p.visits,
      measures: p.measures,
    }));
    // A claimed patient the computation did not return (an enrolment created after this transaction began) keeps
    // no usable row: it is marked stale again.
    await sql`
      UPDATE evaluation_patient_outcome s SET stale = x.patient_id IS NULL, computed_at = now(),
        records_until = x.records_until, dated_until = x.dated_until, last_contact = x.last_contact,
        has_hb = x.has_hb, died_on = x.died_on, cause = x.cause, ti_start = x.ti_start,
        ti_in_progress = x.ti_in_progress, neutrophil_day = x.neutrophil_day, platelet_day = x.platelet_day,
        graft_failure = x.graft_failure, failure_day = x.failure_day, windows = x.windows,
        anc_by_day42 = x.anc_by_day42, hb_by_day90 = x.hb_by_day90, visits = x.visits,
        measures = x.measures
      FROM unnest(${ids}) AS c(patient_id)
      LEFT JOIN json_to_recordset(${JSON.stringify(rows)}::json) AS x(patient_id uuid, records_until timestamptz,
        dated_until date, last_contact date, has_hb boolean, died_on date, cause text, ti_start date,
        ti_in_progress boolean, neutrophil_day integer, platelet_day integer, graft_failure boolean,
        failure_day integer, windows jsonb, anc_by_day42 boolean, hb_by_day90 boolean, visits jsonb, measures jsonb) ON x.patient_id = c.patient_id
      WHERE s.patient_id = c.patient_id`.execute(tx);
    return patientIds.length;
  });
}

/** Refreshes until no treated patient's outcome is missing or stale; returns how many it computed. */
export async function refreshAllOutcomes(db: Kysely<Schema>, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await refreshOutcomes(db, batch);
    total += n;
    if (n < batch) return total;
  }
}

/**
 * Keeps the stored outcomes fresh in the background: a pass every `intervalMs`, in small batches so a writer
 * never waits long on a claimed row. Evaluations never depend on it: a patient without a usable row is
 * computed from the records.
 */
export class OutcomeRefresher {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(intervalMs = 2000): void {
    this.#timer ??= setInterval(() => {
      this.#running ??= this.#pass().finally(() => {
        this.#running = null;
      });
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    while (this.#running) await this.#running;
  }

  async #pass(): Promise<void> {
    try {
      while (this.#timer && (await refreshOutcomes(this.db, 100)) === 100) {
        // Another batch; stop() ends the loop between batches.
      }
    } catch (error) {
      // A lock timeout means a writer was there first: the batch is taken up again on the next pass.
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) this.onError(error);
    }
  }
}
