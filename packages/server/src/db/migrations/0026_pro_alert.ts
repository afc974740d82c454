import { type Kysely, sql } from 'kysely';

/**
 * Per-patient early warning from the patient's own voice (issue 14, item 7).
 *
 * A symptom report with a severe or very severe PRO-CTCAE answer raises an alert at the patient's hospital in
 * the report's own transaction, so the writer is the patient account. Row-level security lets a patient insert
 * exactly that alert and nothing else: scope `patient`, its own patient and hospital, rule `pro-ctcae-severe`,
 * open and unassigned, keyed by one of its own symptom reports (the key `SymptomService` writes through
 * `raiseAlert`). It may read back only those alerts — which the insert's RETURNING needs, and which is how its
 * report says the hospital was told; every other alert, and every change to one, stays the hospital's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
CREATE POLICY alert_self_insert ON alert FOR INSERT TO cgtlink_app
  WITH CHECK (app_role() = 'patient' AND scope = 'patient' AND rule = 'pro-ctcae-severe'
    AND patient_id = app_patient_id() AND hospital_id = app_org_id()
    AND status = 'open' AND assigned_to IS NULL AND note IS NULL AND acknowledged_at IS NULL AND closed_at IS NULL
    AND EXISTS (SELECT 1 FROM symptom_report s
      WHERE s.patient_id = app_patient_id() AND s.id::text = detail->>'symptomReportId'
        AND alert.dedup_key = s.patient_id::text || ':pro-ctcae:' || s.id::text));
CREATE POLICY alert_self_read ON alert FOR SELECT TO cgtlink_app
  USING (app_role() = 'patient' AND scope = 'patient' AND rule = 'pro-ctcae-severe'
    AND patient_id = app_patient_id());
`.execute(db);
}
