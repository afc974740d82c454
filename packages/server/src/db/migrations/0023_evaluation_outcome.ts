import { type Kysely, sql } from 'kysely';

/** The tables whose rows the per-patient outcomes are computed from. */
export const OUTCOME_SOURCES = [
  'observation',
  'transfusion',
  'adverse_event',
  'followup_visit',
  'followup_enrolment',
] as const;

/**
 * Evaluation at national scale, second part (issue 9, item 5).
 *
 * 1. `evaluation_patient_outcome`: each treated patient's outcomes (last contact, death, transfusion
 *    independence, engraftment, 3-monthly Hb and ferritin means) as the evaluation service computed them from
 *    the raw records. Computing them from the records takes each patient's whole history (hundreds of
 *    transfusions and laboratory values); read from here an evaluation is one row per patient.
 *
 *    A row is a cache, never the truth: every statement that writes a source record marks the patient's row
 *    stale in the writer's transaction (a statement-level trigger, so a bulk load pays once per statement), and
 *    the evaluation uses a row only when it is fresh and was computed from records created and dated no later
 *    than the evaluation's cut-off; every other patient is computed from the records, as before. The row is
 *    upserted (not deleted) so a writer always takes its lock: a refresher claims rows by clearing `stale` before
 *    it reads, so a write that commits while it computes either waits for it or leaves the row stale again.
 *    Not audited: it holds nothing that is not derived from audited records.
 * 2. The sponsor policies of 0020 tested membership with a per-row function call; 0021 added the same scope as
 *    one hashed sub-select on `filing_patient` for the de-identified roles (a sponsor is one). The per-row ones
 *    are dropped: they only made a sponsor's plans slower (4.9 s for overdue visits at national scale).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const triggers = OUTCOME_SOURCES.flatMap((t) =>
    (['INSERT', 'UPDATE', 'DELETE'] as const).map(
      (op) => `CREATE TRIGGER ${t}_outcome_${op.toLowerCase()} AFTER ${op} ON ${t}
  REFERENCING ${op === 'DELETE' ? 'OLD' : 'NEW'} TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION evaluation_outcome_invalidate();`,
    ),
  ).join('\n');
  await sql
    .raw(`
DROP POLICY IF EXISTS followup_enrolment_sponsor ON followup_enrolment;
DROP POLICY IF EXISTS observation_sponsor ON observation;
DROP POLICY IF EXISTS transfusion_sponsor ON transfusion;
DROP POLICY IF EXISTS adverse_event_sponsor ON adverse_event;
DROP POLICY IF EXISTS followup_visit_sponsor ON followup_visit;
DROP POLICY IF EXISTS patient_sponsor ON patient;

CREATE TABLE evaluation_patient_outcome (
  patient_id uuid PRIMARY KEY REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  stale boolean NOT NULL DEFAULT true,
  computed_at timestamptz(3),
  -- The latest creation time and the latest date of the records the row was computed from.
  records_until timestamptz(3),
  dated_until date,
  last_contact date,
  has_hb boolean,
  died_on date,
  cause text,
  ti_start date,
  ti_in_progress boolean,
  neutrophil_day integer,
  platelet_day integer,
  graft_failure boolean,
  failure_day integer,
  -- [[code, month, mean], …]: per-patient means of Hb and ferritin in 3-month windows from infusion.
  windows jsonb,
  anc_by_day42 boolean,
  hb_by_day90 boolean,
  -- [[window end, attended on], …]: the protocol visits.
  visits jsonb,
  -- [{code, date, value}, …]: KOOS scores and, in liver failure, the MELD components.
  measures jsonb
);
CREATE INDEX evaluation_patient_outcome_stale_idx ON evaluation_patient_outcome (patient_id) WHERE stale;

CREATE FUNCTION evaluation_outcome_invalidate() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
BEGIN
  INSERT INTO evaluation_patient_outcome AS s (patient_id, hospital_id)
  SELECT DISTINCT c.patient_id, c.hospital_id FROM changed c ORDER BY 1
  ON CONFLICT (patient_id) DO UPDATE SET stale = true;
  RETURN NULL;
END $f$;
${triggers}

GRANT SELECT ON evaluation_patient_outcome TO cgtlink_app, cgtlink_deid;
ALTER TABLE evaluation_patient_outcome ENABLE ROW LEVEL SECURITY;
CREATE POLICY evaluation_patient_outcome_hospital ON evaluation_patient_outcome FOR SELECT TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND hospital_id = app_org_id());
CREATE POLICY evaluation_patient_outcome_regulator ON evaluation_patient_outcome FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');
CREATE POLICY evaluation_patient_outcome_sponsor ON evaluation_patient_outcome FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'sponsor'
    AND patient_id IN (SELECT fp.patient_id FROM filing_patient fp WHERE fp.sponsor_id = app_org_id()));
`)
    .execute(db);
}
