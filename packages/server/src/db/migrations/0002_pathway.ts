import { type Kysely, sql } from 'kysely';

/**
 * Filings, consent, eligibility, enrolment and the treatment pathway with its chain of identity and custody
 * (issue 6; DESIGN.md §2, §3.1, §5).
 *
 * Every patient-linked table carries the patient's hospital and the laboratory named in the filing, so that the
 * row-level security policies decide visibility from the row itself: the treating hospital sees its therapies,
 * the named laboratory the therapies it manufactures for (pseudonymous: it never reads the patient table), a
 * patient account its own rows, and the regulator everything through the de-identified role. Pathway entries,
 * decisions and custody scans are insert-only: a correction is a new row that references the old one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE FUNCTION app_is_hospital_staff() RETURNS boolean LANGUAGE sql STABLE AS
  $f$ SELECT app_org_kind() = 'hospital' AND app_role() IN ('hospital_physician','hospital_coordinator') $f$;

CREATE TABLE filing (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  reference text NOT NULL UNIQUE,
  hospital_id uuid NOT NULL REFERENCES organization(id),
  sponsor_id uuid REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  technology text NOT NULL CHECK (technology IN ('autologous_gene_hsc','allogeneic_hsct','haploidentical_hsct','msc')),
  indication text NOT NULL CHECK (length(indication) BETWEEN 1 AND 300),
  product_name text NOT NULL CHECK (length(product_name) BETWEEN 1 AND 200),
  product_code text NOT NULL CHECK (product_code ~ '^[A-Z][0-9]{4}[A-Z0-9]{3}$'),
  specification_version text NOT NULL,
  protocol_version text NOT NULL,
  ethics_approval_ref text NOT NULL,
  ethics_document_name text,
  ethics_document_sha256 text,
  ethics_document_b64 text,
  storage_max_celsius double precision NOT NULL DEFAULT -150,
  target_enrolment integer NOT NULL CHECK (target_enrolment > 0),
  criteria jsonb NOT NULL,
  status text NOT NULL DEFAULT 'submitted'
    CHECK (status IN ('submitted','returned','approved','suspended','closed')),
  version integer NOT NULL DEFAULT 1,
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX filing_hospital_idx ON filing (hospital_id);
CREATE INDEX filing_laboratory_idx ON filing (laboratory_id);
CREATE INDEX filing_sponsor_idx ON filing (sponsor_id);

CREATE TABLE filing_decision (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  filing_id uuid NOT NULL REFERENCES filing(id),
  decision text NOT NULL CHECK (decision IN ('submit','approve','return','suspend','reinstate','close','resubmit')),
  from_status text,
  to_status text NOT NULL,
  comment text,
  actor_user_id uuid NOT NULL REFERENCES app_user(id),
  actor_name text NOT NULL,
  organization_id uuid NOT NULL REFERENCES organization(id),
  signature_id uuid REFERENCES signature(id),
  decided_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX filing_decision_filing_idx ON filing_decision (filing_id, decided_at);
CREATE TRIGGER filing_decision_append_only BEFORE UPDATE OR DELETE ON filing_decision
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE consent_document (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  filing_id uuid NOT NULL REFERENCES filing(id),
  version integer NOT NULL CHECK (version > 0),
  title text NOT NULL,
  body text NOT NULL,
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (filing_id, version)
);
CREATE TRIGGER consent_document_append_only BEFORE UPDATE OR DELETE ON consent_document
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE consent (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  filing_id uuid NOT NULL REFERENCES filing(id),
  document_id uuid NOT NULL REFERENCES consent_document(id),
  document_version integer NOT NULL,
  signed_by text NOT NULL CHECK (signed_by IN ('patient','guardian')),
  signer_name_enc text NOT NULL,
  signed_on date NOT NULL,
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  signature_id uuid REFERENCES signature(id),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','withdrawn')),
  withdrawn_on date,
  withdrawal_reason text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX consent_patient_idx ON consent (patient_id, filing_id);

CREATE TABLE eligibility_assessment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  filing_id uuid NOT NULL REFERENCES filing(id),
  input jsonb NOT NULL,
  result jsonb NOT NULL,
  all_met boolean NOT NULL,
  assessed_by uuid NOT NULL REFERENCES app_user(id),
  assessed_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX eligibility_patient_idx ON eligibility_assessment (patient_id, filing_id);

CREATE TABLE therapy (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  patient_pseudonym text NOT NULL,
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  filing_id uuid NOT NULL REFERENCES filing(id),
  technology text NOT NULL,
  chain_of_identity text NOT NULL UNIQUE,
  consent_id uuid NOT NULL REFERENCES consent(id),
  eligibility_id uuid NOT NULL REFERENCES eligibility_assessment(id),
  exception_reason text,
  exception_signature_id uuid REFERENCES signature(id),
  -- Mirrors the consent's status, so the laboratory (which never reads consents) also stops recording.
  consent_status text NOT NULL DEFAULT 'active' CHECK (consent_status IN ('active','withdrawn')),
  state text NOT NULL,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (patient_id, filing_id)
);
CREATE INDEX therapy_hospital_idx ON therapy (hospital_id);
CREATE INDEX therapy_laboratory_idx ON therapy (laboratory_id);

CREATE TABLE pathway_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  seq integer NOT NULL,
  step text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('step','correction')),
  corrects_id uuid REFERENCES pathway_event(id),
  occurred_at timestamptz(3) NOT NULL,
  recorded_at timestamptz(3) NOT NULL DEFAULT now(),
  actor_user_id uuid NOT NULL REFERENCES app_user(id),
  actor_name text NOT NULL,
  organization_id uuid NOT NULL REFERENCES organization(id),
  data jsonb NOT NULL DEFAULT '{}',
  attachments jsonb NOT NULL DEFAULT '[]',
  reason text,
  signature_id uuid REFERENCES signature(id),
  UNIQUE (therapy_id, seq),
  CHECK ((kind = 'correction') = (corrects_id IS NOT NULL))
);
CREATE TRIGGER pathway_event_append_only BEFORE UPDATE OR DELETE ON pathway_event
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE collection (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  din text NOT NULL UNIQUE CHECK (din ~ '^[A-Z][A-Z0-9]{4}[0-9]{8}$'),
  check_character text NOT NULL,
  event_id uuid NOT NULL REFERENCES pathway_event(id),
  collected_at timestamptz(3) NOT NULL
);

CREATE TABLE product (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  din text NOT NULL UNIQUE REFERENCES collection(din),
  product_code text NOT NULL CHECK (product_code ~ '^[A-Z][0-9]{4}[A-Z0-9]{3}$'),
  expires_at timestamptz(3) NOT NULL,
  status text NOT NULL DEFAULT 'released' CHECK (status IN ('released','infused')),
  released_at timestamptz(3) NOT NULL DEFAULT now(),
  release_signature_id uuid REFERENCES signature(id),
  event_id uuid NOT NULL REFERENCES pathway_event(id)
);

CREATE TABLE custody_scan (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  din text NOT NULL,
  seq integer NOT NULL,
  stage text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in','out')),
  product_code text,
  actor_user_id uuid NOT NULL REFERENCES app_user(id),
  actor_name text NOT NULL,
  organization_id uuid NOT NULL REFERENCES organization(id),
  scanned_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (din, seq)
);
CREATE TRIGGER custody_scan_append_only BEFORE UPDATE OR DELETE ON custody_scan
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE deviation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  kind text NOT NULL CHECK (kind IN ('identity_mismatch','bedside_mismatch','temperature_excursion')),
  din text,
  detail jsonb NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','assessed')),
  assessment text,
  assessed_by uuid REFERENCES app_user(id),
  assessed_at timestamptz(3),
  assessment_signature_id uuid REFERENCES signature(id),
  reported_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1
);
CREATE INDEX deviation_therapy_idx ON deviation (therapy_id);

CREATE TABLE temperature_log (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  din text NOT NULL,
  leg text NOT NULL CHECK (leg IN ('to_laboratory','to_hospital')),
  file_sha256 text NOT NULL,
  readings integer NOT NULL,
  first_at timestamptz(3),
  last_at timestamptz(3),
  min_celsius double precision,
  max_celsius double precision,
  limit_celsius double precision NOT NULL,
  excursions jsonb NOT NULL,
  deviation_id uuid REFERENCES deviation(id),
  uploaded_by uuid NOT NULL REFERENCES app_user(id),
  uploaded_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE bedside_verification (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  scanned_patient text NOT NULL,
  scanned_din text NOT NULL,
  scanned_product_code text NOT NULL,
  ok boolean NOT NULL,
  problems jsonb NOT NULL,
  verifier_user_id uuid NOT NULL REFERENCES app_user(id),
  second_verifier_user_id uuid NOT NULL REFERENCES app_user(id),
  signature_id uuid REFERENCES signature(id),
  second_signature_id uuid REFERENCES signature(id),
  verified_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TRIGGER bedside_verification_append_only BEFORE UPDATE OR DELETE ON bedside_verification
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE notification (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organization(id),
  kind text NOT NULL,
  subject text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  read_at timestamptz(3)
);
CREATE INDEX notification_org_idx ON notification (organization_id, created_at);

-- Privileges. The de-identified role reads no encrypted identifier and no free-text input of the hospital.
GRANT SELECT, INSERT, UPDATE ON filing TO cgtlink_app;
GRANT SELECT ON filing TO cgtlink_deid;
GRANT UPDATE (status, version, updated_at) ON filing TO cgtlink_deid;
GRANT SELECT, INSERT ON filing_decision, consent_document TO cgtlink_app, cgtlink_deid;
GRANT SELECT, INSERT, UPDATE ON consent, eligibility_assessment, therapy, deviation TO cgtlink_app;
GRANT SELECT, INSERT ON pathway_event, collection, product, custody_scan, temperature_log, bedside_verification
  TO cgtlink_app;
GRANT UPDATE (status) ON product TO cgtlink_app;
GRANT SELECT (id, patient_id, hospital_id, filing_id, document_id, document_version, signed_by, signed_on, status, withdrawn_on,
  version, created_at) ON consent TO cgtlink_deid;
GRANT SELECT (id, patient_id, hospital_id, filing_id, result, all_met, assessed_at) ON eligibility_assessment
  TO cgtlink_deid;
GRANT SELECT ON therapy, pathway_event, collection, product, custody_scan, deviation, temperature_log,
  bedside_verification TO cgtlink_deid;
GRANT SELECT, INSERT, UPDATE ON notification TO cgtlink_app, cgtlink_deid;

ALTER TABLE filing ENABLE ROW LEVEL SECURITY;
ALTER TABLE filing_decision ENABLE ROW LEVEL SECURITY;
ALTER TABLE consent_document ENABLE ROW LEVEL SECURITY;
ALTER TABLE consent ENABLE ROW LEVEL SECURITY;
ALTER TABLE eligibility_assessment ENABLE ROW LEVEL SECURITY;
ALTER TABLE therapy ENABLE ROW LEVEL SECURITY;
ALTER TABLE pathway_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE collection ENABLE ROW LEVEL SECURITY;
ALTER TABLE product ENABLE ROW LEVEL SECURITY;
ALTER TABLE custody_scan ENABLE ROW LEVEL SECURITY;
ALTER TABLE deviation ENABLE ROW LEVEL SECURITY;
ALTER TABLE temperature_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE bedside_verification ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification ENABLE ROW LEVEL SECURITY;

-- Filings: the filing hospital and the named laboratory (app role), the sponsor and the regulator (deid role).
CREATE POLICY filing_app_read ON filing FOR SELECT TO cgtlink_app
  USING ((app_is_hospital_staff() AND hospital_id = app_org_id())
      OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id()));
CREATE POLICY filing_hospital_write ON filing FOR INSERT TO cgtlink_app
  WITH CHECK (app_is_hospital_staff() AND hospital_id = app_org_id());
CREATE POLICY filing_hospital_update ON filing FOR UPDATE TO cgtlink_app
  USING (app_is_hospital_staff() AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff() AND hospital_id = app_org_id());
CREATE POLICY filing_deid_read ON filing FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator' OR (app_org_kind() = 'sponsor' AND sponsor_id = app_org_id()));
CREATE POLICY filing_regulator_update ON filing FOR UPDATE TO cgtlink_deid
  USING (app_org_kind() = 'regulator') WITH CHECK (app_org_kind() = 'regulator');

-- Decisions and consent documents follow their filing's visibility (the subquery is itself scoped by RLS).
CREATE POLICY filing_decision_read ON filing_decision FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (EXISTS (SELECT 1 FROM filing f WHERE f.id = filing_id));
CREATE POLICY filing_decision_append ON filing_decision FOR INSERT TO cgtlink_app, cgtlink_deid
  WITH CHECK (actor_user_id = app_user_id() AND EXISTS (SELECT 1 FROM filing f WHERE f.id = filing_id));
CREATE POLICY consent_document_read ON consent_document FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (EXISTS (SELECT 1 FROM filing f WHERE f.id = filing_id));
CREATE POLICY consent_document_write ON consent_document FOR INSERT TO cgtlink_app
  WITH CHECK (app_is_hospital_staff()
    AND EXISTS (SELECT 1 FROM filing f WHERE f.id = filing_id AND f.hospital_id = app_org_id()));

-- Consent and eligibility: the patient's hospital, the patient account for its own rows, the regulator.
CREATE POLICY consent_hospital ON consent FOR ALL TO cgtlink_app
  USING (app_is_hospital_staff() AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff() AND hospital_id = app_org_id());
CREATE POLICY consent_self ON consent FOR SELECT TO cgtlink_app
  USING (app_role() = 'patient' AND patient_id = app_patient_id());
CREATE POLICY consent_regulator ON consent FOR SELECT TO cgtlink_deid USING (app_org_kind() = 'regulator');
CREATE POLICY eligibility_hospital ON eligibility_assessment FOR ALL TO cgtlink_app
  USING (app_is_hospital_staff() AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff() AND hospital_id = app_org_id());
CREATE POLICY eligibility_self ON eligibility_assessment FOR SELECT TO cgtlink_app
  USING (app_role() = 'patient' AND patient_id = app_patient_id());
CREATE POLICY eligibility_regulator ON eligibility_assessment FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');

-- Therapy-linked tables: the hospital, the named laboratory, the patient's own account, the regulator.
DO $do$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['therapy','pathway_event','collection','product','custody_scan','deviation',
    'temperature_log','bedside_verification'] LOOP
    EXECUTE format($p$CREATE POLICY %1$s_read ON %1$I FOR SELECT TO cgtlink_app USING (
        (app_is_hospital_staff() AND hospital_id = app_org_id())
        OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id())
        OR (app_role() = 'patient' AND patient_id = app_patient_id()))$p$, t);
    EXECUTE format($p$CREATE POLICY %1$s_write ON %1$I FOR INSERT TO cgtlink_app WITH CHECK (
        (app_is_hospital_staff() AND hospital_id = app_org_id())
        OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id()))$p$, t);
    EXECUTE format($p$CREATE POLICY %1$s_update ON %1$I FOR UPDATE TO cgtlink_app USING (
        (app_is_hospital_staff() AND hospital_id = app_org_id())
        OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id()))$p$, t);
    EXECUTE format($p$CREATE POLICY %1$s_regulator ON %1$I FOR SELECT TO cgtlink_deid
        USING (app_org_kind() = 'regulator')$p$, t);
  END LOOP;
END $do$;

-- Notifications: each organization reads and marks its own; any signed-in principal may notify another side.
CREATE POLICY notification_read ON notification FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (organization_id = app_org_id());
CREATE POLICY notification_mark ON notification FOR UPDATE TO cgtlink_app, cgtlink_deid
  USING (organization_id = app_org_id());
CREATE POLICY notification_send ON notification FOR INSERT TO cgtlink_app, cgtlink_deid
  WITH CHECK (app_user_id() IS NOT NULL);
`)
    .execute(db);
}
