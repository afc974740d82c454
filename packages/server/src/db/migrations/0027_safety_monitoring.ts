import { type Kysely, sql } from 'kysely';

/** The tables whose rows the registry monitoring is computed from (issue 24, item 2). */
export const MONITORING_SOURCES = ['adverse_event', 'followup_enrolment', 'filing'] as const;

/**
 * Registry safety monitoring in the background (issue 24, item 2).
 *
 * 1. `safety_monitoring_run`: each run's whole report (signals, per-product CUSUM and MaxSPRT), when and why it
 *    was computed, the fallback rate it used and how many alerts it raised. The regulator's safety page reads
 *    the latest one instead of computing the monitoring (and raising alerts) on every open. Only the regulator
 *    reads it; it is written by the background run (the system) or by the regulator's forced run, both with
 *    owner privileges, next to the alerts and audit entries of the run.
 * 2. `safety_monitoring_change`: one row per statement that wrote a source table, appended by a trigger in the
 *    writer's transaction. Appending (not updating one flag row) keeps concurrent writers from queueing on one
 *    lock. A run deletes the rows it sees before it reads the records: a change that commits later stays and
 *    triggers the next run, so no write is missed whatever the commit order. Nobody but the owner reads it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const triggers = MONITORING_SOURCES.flatMap((t) =>
    (['INSERT', 'UPDATE', 'DELETE'] as const).map(
      (op) => `CREATE TRIGGER ${t}_monitoring_${op.toLowerCase()} AFTER ${op} ON ${t}
  FOR EACH STATEMENT EXECUTE FUNCTION safety_monitoring_invalidate();`,
    ),
  ).join('\n');
  await sql
    .raw(`
CREATE TABLE safety_monitoring_run (
  id bigserial PRIMARY KEY,
  computed_at timestamptz(3) NOT NULL DEFAULT now(),
  as_of date NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('change', 'schedule', 'request')),
  -- The fallback rate per patient-year for products whose filing declares none (null: not monitored).
  expected_per_patient_year double precision,
  raised integer NOT NULL,
  duration_ms double precision NOT NULL,
  report jsonb NOT NULL
);
CREATE INDEX safety_monitoring_run_latest_idx ON safety_monitoring_run (id DESC);

CREATE TABLE safety_monitoring_change (
  id bigserial PRIMARY KEY,
  changed_at timestamptz(3) NOT NULL DEFAULT now()
);
-- Nothing has been computed yet: the first pass runs.
INSERT INTO safety_monitoring_change DEFAULT VALUES;

CREATE FUNCTION safety_monitoring_invalidate() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
BEGIN
  INSERT INTO safety_monitoring_change DEFAULT VALUES;
  RETURN NULL;
END $f$;
${triggers}

GRANT SELECT ON safety_monitoring_run TO cgtlink_deid;
ALTER TABLE safety_monitoring_run ENABLE ROW LEVEL SECURITY;
CREATE POLICY safety_monitoring_run_regulator ON safety_monitoring_run FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');
-- No grant and no policy: only the owner (the trigger function, the run) touches the change log.
ALTER TABLE safety_monitoring_change ENABLE ROW LEVEL SECURITY;
`)
    .execute(db);
}
