import { type Kysely, sql } from 'kysely';

/**
 * The evaluation centre (issue 9): the `evaluator` role (a regulator-side role held in the evaluation centre's
 * organization of kind `regulator`, so it reads every filing de-identified through the existing regulator
 * policies), the sponsor's de-identified read of the follow-up records of patients treated under its own
 * filings, and the signed, immutable evaluation report.
 *
 * A report stores its data cut-off, the filters, the computed snapshot and the snapshot's SHA-256. Its content
 * never changes after creation (a new analysis is a new version); once both the evaluator and the reviewer
 * have signed, the row can be neither updated nor deleted, and a signed report can never be deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check CHECK (role IN ('platform_admin','regulator_inspector',
  'hospital_physician','hospital_coordinator','lab_analyst','qc_manager','qualified_person','sponsor_user',
  'foundation_user','patient','evaluator'));

-- A sponsor reads, de-identified, the follow-up of the patients enrolled under its own filings. The test is a
-- SECURITY DEFINER function behind a cheap guard, so that other readers never pay for it: a sub-select in the
-- policy itself would be planned into every scan of these tables, for the regulator too.
CREATE FUNCTION app_sponsor_filing(f uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public AS
  $f$ SELECT EXISTS (SELECT 1 FROM filing WHERE id = f AND sponsor_id = app_org_id()) $f$;
CREATE FUNCTION app_sponsor_patient(p uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public AS
  $f$ SELECT EXISTS (SELECT 1 FROM followup_enrolment e JOIN filing f ON f.id = e.filing_id
        WHERE e.patient_id = p AND f.sponsor_id = app_org_id()) $f$;
REVOKE ALL ON FUNCTION app_sponsor_filing(uuid), app_sponsor_patient(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_sponsor_filing(uuid), app_sponsor_patient(uuid) TO cgtlink_deid;
CREATE POLICY followup_enrolment_sponsor ON followup_enrolment FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'sponsor' AND app_sponsor_filing(filing_id));
DO $do$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['observation','transfusion','adverse_event','followup_visit','patient'] LOOP
    EXECUTE format($p$CREATE POLICY %1$s_sponsor ON %1$I FOR SELECT TO cgtlink_deid
        USING (app_org_kind() = 'sponsor' AND app_sponsor_patient(%2$s))$p$,
      t, CASE WHEN t = 'patient' THEN 'id' ELSE 'patient_id' END);
  END LOOP;
END $do$;

CREATE INDEX IF NOT EXISTS followup_enrolment_filing_idx ON followup_enrolment (filing_id, infusion_date);
CREATE INDEX IF NOT EXISTS followup_enrolment_patient_idx ON followup_enrolment (patient_id);
CREATE INDEX IF NOT EXISTS observation_patient_code_idx ON observation (patient_id, code, observed_on);
CREATE INDEX IF NOT EXISTS transfusion_patient_idx ON transfusion (patient_id, product, given_on);
CREATE INDEX IF NOT EXISTS adverse_event_patient_idx ON adverse_event (patient_id, onset_date);
CREATE INDEX IF NOT EXISTS followup_visit_patient_idx ON followup_visit (patient_id, window_end);

CREATE TABLE evaluation_report (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  filing_id uuid NOT NULL REFERENCES filing(id),
  version integer NOT NULL CHECK (version > 0),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  cutoff timestamptz(3) NOT NULL,
  filters jsonb NOT NULL,
  snapshot jsonb NOT NULL,
  snapshot_sha256 text NOT NULL CHECK (snapshot_sha256 ~ '^[0-9a-f]{64}$'),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','evaluator-signed','signed')),
  evaluator_signature_id uuid REFERENCES signature(id),
  evaluator_user_id uuid REFERENCES app_user(id),
  reviewer_signature_id uuid REFERENCES signature(id),
  reviewer_user_id uuid REFERENCES app_user(id),
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_by_name text NOT NULL,
  organization_id uuid NOT NULL REFERENCES organization(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  signed_at timestamptz(3),
  UNIQUE (filing_id, version),
  CHECK (reviewer_user_id IS NULL OR reviewer_user_id <> evaluator_user_id)
);
CREATE INDEX evaluation_report_filing_idx ON evaluation_report (filing_id, version DESC);

CREATE FUNCTION evaluation_report_guard() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'evaluation report % is signed and cannot be deleted', OLD.id USING ERRCODE = 'P0001';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'signed' THEN
    RAISE EXCEPTION 'evaluation report % is signed and immutable', OLD.id USING ERRCODE = 'P0001';
  END IF;
  IF NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.snapshot_sha256 IS DISTINCT FROM OLD.snapshot_sha256
     OR NEW.cutoff IS DISTINCT FROM OLD.cutoff OR NEW.filters IS DISTINCT FROM OLD.filters
     OR NEW.filing_id IS DISTINCT FROM OLD.filing_id OR NEW.version IS DISTINCT FROM OLD.version
     OR NEW.title IS DISTINCT FROM OLD.title OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
    RAISE EXCEPTION 'the content of evaluation report % cannot change: compute a new version', OLD.id
      USING ERRCODE = 'P0001';
  END IF;
  IF OLD.evaluator_signature_id IS NOT NULL AND NEW.evaluator_signature_id IS DISTINCT FROM OLD.evaluator_signature_id THEN
    RAISE EXCEPTION 'the evaluator signature of report % cannot change', OLD.id USING ERRCODE = 'P0001';
  END IF;
  RETURN NEW;
END $f$;
CREATE TRIGGER evaluation_report_immutable BEFORE UPDATE OR DELETE ON evaluation_report
  FOR EACH ROW EXECUTE FUNCTION evaluation_report_guard();

GRANT SELECT ON evaluation_report TO cgtlink_app, cgtlink_deid;
GRANT INSERT, UPDATE ON evaluation_report TO cgtlink_deid;
ALTER TABLE evaluation_report ENABLE ROW LEVEL SECURITY;
-- The evaluation centre and the regulator read every report; a sponsor the reports on its own filings; the
-- filing hospital the reports on its filings. Only evaluators write.
CREATE POLICY evaluation_report_regulator ON evaluation_report FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');
CREATE POLICY evaluation_report_sponsor ON evaluation_report FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'sponsor' AND app_sponsor_filing(filing_id));
CREATE POLICY evaluation_report_hospital ON evaluation_report FOR SELECT TO cgtlink_app
  USING (app_is_hospital_staff() AND filing_id IN (SELECT id FROM filing WHERE hospital_id = app_org_id()));
CREATE POLICY evaluation_report_write ON evaluation_report FOR INSERT TO cgtlink_deid
  WITH CHECK (app_org_kind() = 'regulator' AND app_role() = 'evaluator' AND organization_id = app_org_id());
CREATE POLICY evaluation_report_sign ON evaluation_report FOR UPDATE TO cgtlink_deid
  USING (app_org_kind() = 'regulator' AND app_role() = 'evaluator')
  WITH CHECK (app_org_kind() = 'regulator' AND app_role() = 'evaluator');
`)
    .execute(db);
}
