import { type Kysely, sql } from 'kysely';

/**
 * Follow-up measures beyond blood counts (issue 8, second part): vitals, imaging and scores are observations
 * like laboratory results (their codes are in the domain catalogue); this adds
 *
 * - `observation.method`: the acquisition method where one is needed (liver iron by MRI R2 or R2*);
 * - `observation.source = 'patient'` and `koos_response`: a knee patient's own KOOS questionnaire (42 items as
 *   answered, and the five subscale scores computed from them), whose scores are stored as patient-sourced
 *   observations so that the hospital's view and the end points read one kind of record;
 * - `filing.expected_serious_per_patient_year`: the serious-event rate the filing's reference data expect,
 *   which the regulator's CUSUM / MaxSPRT monitoring compares each product against.
 *
 * Scoping as 0011: the hospital (staff) reads and writes its patients' rows; a patient account reads its own and
 * inserts only its own KOOS (the response and its score observations, source 'patient'); the regulator reads
 * de-identified rows (the KOOS response has no free text).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE observation ADD COLUMN method text CHECK (method IS NULL OR method IN ('R2','R2*'));
ALTER TABLE observation DROP CONSTRAINT observation_source_check;
ALTER TABLE observation ADD CONSTRAINT observation_source_check
  CHECK (source IN ('manual','csv','api','seed','patient'));

CREATE TABLE koos_response (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  answered_on date NOT NULL,
  items jsonb NOT NULL,
  scores jsonb NOT NULL,
  source text NOT NULL CHECK (source IN ('patient','manual','api','seed')),
  reported_by uuid NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX koos_response_patient_idx ON koos_response (patient_id, answered_on);
ALTER TABLE observation ADD COLUMN koos_response_id uuid REFERENCES koos_response(id);

GRANT SELECT, INSERT ON koos_response TO cgtlink_app;
GRANT SELECT ON koos_response TO cgtlink_deid;
ALTER TABLE koos_response ENABLE ROW LEVEL SECURITY;
CREATE POLICY koos_response_hospital ON koos_response FOR ALL TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff_fu() AND hospital_id = app_org_id());
CREATE POLICY koos_response_self ON koos_response FOR SELECT TO cgtlink_app
  USING (app_role() = 'patient' AND patient_id = app_patient_id());
CREATE POLICY koos_response_self_insert ON koos_response FOR INSERT TO cgtlink_app
  WITH CHECK (app_role() = 'patient' AND patient_id = app_patient_id() AND hospital_id = app_org_id()
    AND source = 'patient' AND reported_by = app_user_id());
CREATE POLICY koos_response_regulator ON koos_response FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');

-- A patient account writes only its own KOOS subscale scores, tied to its own questionnaire.
CREATE POLICY observation_self_koos_insert ON observation FOR INSERT TO cgtlink_app
  WITH CHECK (app_role() = 'patient' AND patient_id = app_patient_id() AND hospital_id = app_org_id()
    AND source = 'patient' AND code LIKE 'koos-%' AND koos_response_id IS NOT NULL
    AND recorded_by = app_user_id());

ALTER TABLE filing ADD COLUMN expected_serious_per_patient_year double precision
  CHECK (expected_serious_per_patient_year IS NULL
    OR (expected_serious_per_patient_year > 0 AND expected_serious_per_patient_year <= 100));
GRANT UPDATE (expected_serious_per_patient_year) ON filing TO cgtlink_deid;
`)
    .execute(db);
}
