import { type Kysely, sql } from 'kysely';

/**
 * Follow-up after therapy: the enrolment in follow-up (infusion day 0, graft source, protocol and the reference
 * list of expected events), laboratory observations and transfusions (raw records; end points are computed
 * from them on every read), adverse events with their follow-up reports and the expedited-report clock,
 * the patient's own symptom reports (PRO-CTCAE), early-warning alerts and the planned visits.
 *
 * Scoping (row-level security, as 0001): the patient's hospital (staff, not patient accounts) reads and writes;
 * a patient account reads its own rows and writes only its own symptom reports; the regulator reads
 * de-identified rows (no free-text narrative or note: free text may carry identifiers). `filing_id` is a plain
 * uuid without a foreign key until the filings of 0002 are merged; a later migration tightens it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE FUNCTION app_is_hospital_staff_fu() RETURNS boolean LANGUAGE sql STABLE AS
  $f$ SELECT app_org_kind() = 'hospital' AND app_role() IS DISTINCT FROM 'patient' $f$;

CREATE TABLE followup_enrolment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL UNIQUE REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  filing_id uuid,
  product_name text NOT NULL CHECK (length(product_name) BETWEEN 1 AND 200),
  graft_source text NOT NULL CHECK (graft_source IN ('gene-therapy','bone-marrow','peripheral-blood','cord-blood')),
  protocol text NOT NULL CHECK (protocol IN ('gene-therapy','allogeneic-hsct','msc')),
  infusion_date date NOT NULL,
  reference_terms jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','lost-to-follow-up','completed','withdrawn','deceased')),
  version integer NOT NULL DEFAULT 1,
  created_by uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX followup_enrolment_hospital_idx ON followup_enrolment (hospital_id);

CREATE TABLE observation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  code text NOT NULL,
  loinc text,
  value double precision NOT NULL,
  unit text NOT NULL,
  value_canonical double precision NOT NULL,
  canonical_unit text NOT NULL,
  lln_canonical double precision,
  uln_canonical double precision,
  observed_on date NOT NULL,
  source text NOT NULL CHECK (source IN ('manual','csv','api','seed')),
  status text NOT NULL DEFAULT 'final' CHECK (status IN ('final','entered-in-error')),
  version integer NOT NULL DEFAULT 1,
  recorded_by uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX observation_patient_idx ON observation (patient_id, code, observed_on);
CREATE INDEX observation_hospital_idx ON observation (hospital_id);

CREATE TABLE transfusion (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  given_on date NOT NULL,
  product text NOT NULL CHECK (product IN ('red-cells','platelets','plasma','other')),
  volume_ml double precision CHECK (volume_ml IS NULL OR (volume_ml > 0 AND volume_ml <= 5000)),
  units integer CHECK (units IS NULL OR units BETWEEN 1 AND 20),
  source text NOT NULL CHECK (source IN ('manual','csv','api','seed','patient')),
  -- A patient's diary entry counts only once the hospital has confirmed it.
  status text NOT NULL DEFAULT 'final' CHECK (status IN ('final','entered-in-error','patient-reported')),
  version integer NOT NULL DEFAULT 1,
  recorded_by uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX transfusion_patient_idx ON transfusion (patient_id, given_on);

CREATE TABLE adverse_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  filing_id uuid,
  product_name text,
  term text NOT NULL CHECK (length(term) BETWEEN 1 AND 200),
  ctcae_term text,
  grade integer NOT NULL CHECK (grade BETWEEN 1 AND 5),
  proposed_grade integer CHECK (proposed_grade BETWEEN 0 AND 5),
  proposal jsonb,
  override_reason text,
  source_observation_id uuid REFERENCES observation(id),
  symptom_report_id uuid,
  onset_date date NOT NULL,
  resolution_date date CHECK (resolution_date IS NULL OR resolution_date >= onset_date),
  seriousness jsonb NOT NULL DEFAULT '[]',
  serious boolean NOT NULL,
  causality_product text NOT NULL,
  causality_procedure text NOT NULL,
  expected boolean NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('recovered','recovering','not-recovered','recovered-with-sequelae','fatal','unknown')),
  awareness_date date NOT NULL,
  expedited_required boolean NOT NULL,
  expedited_days integer CHECK (expedited_days IN (7, 15)),
  expedited_due date,
  expedited_submitted_on date,
  narrative text,
  version integer NOT NULL DEFAULT 1,
  reported_by uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX adverse_event_patient_idx ON adverse_event (patient_id, onset_date);
CREATE INDEX adverse_event_expedited_idx ON adverse_event (expedited_required, expedited_due);

CREATE TABLE adverse_event_followup (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  adverse_event_id uuid NOT NULL REFERENCES adverse_event(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  reported_on date NOT NULL,
  changes jsonb NOT NULL,
  note text,
  reported_by uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX adverse_event_followup_idx ON adverse_event_followup (adverse_event_id, created_at);

CREATE TABLE symptom_report (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  reported_by uuid NOT NULL,
  reported_on date NOT NULL,
  items jsonb NOT NULL,
  note text,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new','reviewed','converted')),
  adverse_event_id uuid REFERENCES adverse_event(id),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX symptom_report_patient_idx ON symptom_report (patient_id, created_at);
CREATE INDEX symptom_report_hospital_idx ON symptom_report (hospital_id, status);

CREATE TABLE alert (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  scope text NOT NULL CHECK (scope IN ('patient','registry')),
  patient_id uuid REFERENCES patient(id),
  hospital_id uuid REFERENCES organization(id),
  rule text NOT NULL,
  dedup_key text NOT NULL UNIQUE,
  message text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','acknowledged','closed')),
  assigned_to uuid,
  note text,
  raised_at timestamptz(3) NOT NULL DEFAULT now(),
  acknowledged_at timestamptz(3),
  closed_at timestamptz(3),
  version integer NOT NULL DEFAULT 1,
  CONSTRAINT alert_scope_patient CHECK ((scope = 'patient') = (patient_id IS NOT NULL AND hospital_id IS NOT NULL)),
  CONSTRAINT alert_closed_note CHECK (status <> 'closed' OR note IS NOT NULL)
);
CREATE INDEX alert_hospital_idx ON alert (hospital_id, status, raised_at);

CREATE TABLE followup_visit (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  label text NOT NULL,
  due_date date NOT NULL,
  window_start date NOT NULL,
  window_end date NOT NULL,
  attended_on date,
  version integer NOT NULL DEFAULT 1,
  UNIQUE (patient_id, label)
);
CREATE INDEX followup_visit_due_idx ON followup_visit (hospital_id, window_end);

GRANT SELECT, INSERT, UPDATE ON followup_enrolment, observation, transfusion, adverse_event, adverse_event_followup,
  symptom_report, alert, followup_visit TO cgtlink_app;
GRANT SELECT (id, patient_id, hospital_id, filing_id, product_name, graft_source, protocol, infusion_date,
  reference_terms, status, version, created_at, updated_at) ON followup_enrolment TO cgtlink_deid;
GRANT SELECT ON observation, transfusion, followup_visit TO cgtlink_deid;
GRANT SELECT (id, patient_id, hospital_id, filing_id, product_name, term, ctcae_term, grade, proposed_grade,
  proposal, override_reason, source_observation_id, symptom_report_id, onset_date, resolution_date, seriousness,
  serious, causality_product, causality_procedure, expected, outcome, awareness_date, expedited_required,
  expedited_days, expedited_due, expedited_submitted_on, version, created_at, updated_at)
  ON adverse_event TO cgtlink_deid;
GRANT SELECT (id, adverse_event_id, patient_id, hospital_id, reported_on, changes, created_at)
  ON adverse_event_followup TO cgtlink_deid;
GRANT SELECT, INSERT, UPDATE ON alert TO cgtlink_deid;

DO $do$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['followup_enrolment','observation','transfusion','adverse_event',
    'adverse_event_followup','symptom_report','followup_visit'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY %1$s_hospital ON %1$I FOR ALL TO cgtlink_app
        USING (app_is_hospital_staff_fu() AND hospital_id = app_org_id())
        WITH CHECK (app_is_hospital_staff_fu() AND hospital_id = app_org_id())$p$, t);
    EXECUTE format($p$CREATE POLICY %1$s_self ON %1$I FOR SELECT TO cgtlink_app
        USING (app_role() = 'patient' AND patient_id = app_patient_id())$p$, t);
    IF t <> 'symptom_report' THEN
      EXECUTE format($p$CREATE POLICY %1$s_regulator ON %1$I FOR SELECT TO cgtlink_deid
          USING (app_org_kind() = 'regulator')$p$, t);
    END IF;
  END LOOP;
END $do$;

-- A patient account writes a transfusion-diary entry for itself only, unconfirmed.
CREATE POLICY transfusion_self_insert ON transfusion FOR INSERT TO cgtlink_app
  WITH CHECK (app_role() = 'patient' AND patient_id = app_patient_id() AND hospital_id = app_org_id()
    AND source = 'patient' AND status = 'patient-reported' AND recorded_by = app_user_id());

-- A patient account files symptom reports for itself only, at its own hospital.
CREATE POLICY symptom_report_self_insert ON symptom_report FOR INSERT TO cgtlink_app
  WITH CHECK (app_role() = 'patient' AND patient_id = app_patient_id() AND hospital_id = app_org_id()
    AND reported_by = app_user_id());

-- Alerts: the hospital its patients' alerts; the regulator every alert (patient alerts are visible to it,
-- registry alerts are its own to acknowledge and close).
ALTER TABLE alert ENABLE ROW LEVEL SECURITY;
CREATE POLICY alert_hospital ON alert FOR ALL TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND scope = 'patient' AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff_fu() AND scope = 'patient' AND hospital_id = app_org_id());
CREATE POLICY alert_regulator_read ON alert FOR SELECT TO cgtlink_deid USING (app_org_kind() = 'regulator');
CREATE POLICY alert_regulator_write ON alert FOR INSERT TO cgtlink_deid
  WITH CHECK (app_org_kind() = 'regulator' AND scope = 'registry');
CREATE POLICY alert_regulator_update ON alert FOR UPDATE TO cgtlink_deid
  USING (app_org_kind() = 'regulator' AND scope = 'registry')
  WITH CHECK (app_org_kind() = 'regulator' AND scope = 'registry');
`)
    .execute(db);
}
