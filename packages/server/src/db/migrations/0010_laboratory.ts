import { type Kysely, sql } from 'kysely';

/**
 * The laboratory end (issue 7; DESIGN.md §2, §3.5): release specifications (versioned, approved with a
 * signature), manufacturing batches with their steps, QC results, OOS investigations, release or rejection by
 * the qualified person, instrument import mappings, and the seed cell bank (cell lines, master and working
 * banks, vials and their events) with the traceability from a vial to the patients who received its product.
 *
 * Visibility, decided from the row itself:
 * - the laboratory (every laboratory role) reads and writes its own rows (laboratory_id = its organization);
 * - hospital staff read the batches made for their own patients (autologous) or dispatched to them
 *   (allogeneic), with those batches' results, steps, investigations and specification — what the certificate
 *   of analysis shows — but not the cell bank, control charts or instrument mappings;
 * - the regulator reads everything through the de-identified role (no patient table columns are involved:
 *   batches carry the patient's pseudonym only);
 * - patients, sponsors and foundations see nothing here.
 *
 * Autologous batches hold the patient (foreign key), the chain-of-identity identifier and the incoming DIN as
 * validated text, so that the link to the pathway's therapy and collection (0002) can be tightened later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE FUNCTION app_is_laboratory() RETURNS boolean LANGUAGE sql STABLE AS
  $f$ SELECT app_org_kind() = 'laboratory' AND app_role() IN ('lab_analyst','qc_manager','qualified_person') $f$;

CREATE TABLE specification (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  product_code text NOT NULL CHECK (product_code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  product_name text NOT NULL CHECK (length(product_name) BETWEEN 1 AND 200),
  version integer NOT NULL CHECK (version > 0),
  tests jsonb NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','approved','superseded')),
  approval_signature_id uuid REFERENCES signature(id),
  approved_at timestamptz(3),
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (laboratory_id, product_code, version),
  CHECK ((status = 'draft') = (approval_signature_id IS NULL))
);
-- At most one version in force per product.
CREATE UNIQUE INDEX specification_in_force_idx ON specification (laboratory_id, product_code)
  WHERE status = 'approved';

CREATE TABLE cell_line (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  tissue_source text NOT NULL CHECK (length(tissue_source) BETWEEN 1 AND 200),
  donor_code text NOT NULL CHECK (length(donor_code) BETWEEN 1 AND 64),
  donor_eligibility text NOT NULL CHECK (donor_eligibility IN ('eligible','ineligible','pending')),
  consent_reference text NOT NULL CHECK (length(consent_reference) BETWEEN 1 AND 200),
  donor_testing jsonb NOT NULL DEFAULT '[]',
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (laboratory_id, code)
);

CREATE TABLE cell_bank (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  cell_line_id uuid NOT NULL REFERENCES cell_line(id),
  kind text NOT NULL CHECK (kind IN ('master','working')),
  parent_bank_id uuid REFERENCES cell_bank(id),
  lot text NOT NULL CHECK (lot ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  passage integer NOT NULL CHECK (passage >= 0),
  frozen_on date NOT NULL,
  expires_on date NOT NULL,
  -- The inventory count: the CHECK makes a concurrent over-issue fail in the database itself.
  vials_available integer NOT NULL DEFAULT 0 CHECK (vials_available >= 0),
  created_by uuid NOT NULL REFERENCES app_user(id),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (laboratory_id, lot),
  CHECK ((kind = 'working') = (parent_bank_id IS NOT NULL)),
  CHECK (expires_on > frozen_on)
);

CREATE TABLE vial (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  bank_id uuid NOT NULL REFERENCES cell_bank(id),
  label text NOT NULL,
  passage integer NOT NULL CHECK (passage >= 0),
  tank text NOT NULL,
  rack text NOT NULL,
  box text NOT NULL,
  position integer NOT NULL CHECK (position BETWEEN 1 AND 100),
  status text NOT NULL DEFAULT 'stored' CHECK (status IN ('stored','issued','thawed','discarded')),
  version integer NOT NULL DEFAULT 1,
  UNIQUE (laboratory_id, label)
);
-- One stored vial per position of a box.
CREATE UNIQUE INDEX vial_position_idx ON vial (laboratory_id, tank, rack, box, position) WHERE status = 'stored';
CREATE INDEX vial_bank_idx ON vial (bank_id, status);

CREATE TABLE batch (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  reference text NOT NULL CHECK (reference ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
  kind text NOT NULL CHECK (kind IN ('autologous','allogeneic')),
  specification_id uuid NOT NULL REFERENCES specification(id),
  product_code text NOT NULL,
  -- Autologous: one patient's chain of identity and the incoming collection.
  patient_id uuid REFERENCES patient(id),
  hospital_id uuid REFERENCES organization(id),
  patient_pseudonym text,
  chain_of_identity text CHECK (chain_of_identity ~ '^[A-Z0-9]{1,32}$'),
  din text CHECK (din ~ '^[A-Z][A-Z0-9]{4}[0-9]{8}$'),
  din_verified_at timestamptz(3),
  patient_weight_kg double precision CHECK (patient_weight_kg > 0 AND patient_weight_kg < 500),
  -- Allogeneic: the working-bank lot the batch is expanded from.
  working_bank_id uuid REFERENCES cell_bank(id),
  -- The shipment to the laboratory: temperature excursion and its assessment.
  excursion text NOT NULL DEFAULT 'none' CHECK (excursion IN ('none','unassessed','assessed')),
  excursion_assessment text,
  status text NOT NULL DEFAULT 'in_process' CHECK (status IN ('in_process','released','rejected')),
  disposition_signature_id uuid REFERENCES signature(id),
  disposition_reason text,
  disposed_at timestamptz(3),
  disposed_by uuid REFERENCES app_user(id),
  started_at timestamptz(3) NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  created_by uuid NOT NULL REFERENCES app_user(id),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (laboratory_id, reference),
  CHECK ((kind = 'autologous') = (patient_id IS NOT NULL AND hospital_id IS NOT NULL AND chain_of_identity IS NOT NULL
    AND din IS NOT NULL AND din_verified_at IS NOT NULL)),
  CHECK ((kind = 'allogeneic') = (working_bank_id IS NOT NULL)),
  CHECK ((excursion = 'assessed') = (excursion_assessment IS NOT NULL)),
  CHECK ((status = 'in_process') = (disposition_signature_id IS NULL))
);
CREATE INDEX batch_patient_idx ON batch (patient_id);
CREATE INDEX batch_working_bank_idx ON batch (working_bank_id);

CREATE TABLE batch_step (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES batch(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  step text NOT NULL CHECK (length(step) BETWEEN 1 AND 100),
  parameters jsonb NOT NULL DEFAULT '{}',
  operator_user_id uuid NOT NULL REFERENCES app_user(id),
  operator_name text NOT NULL,
  started_at timestamptz(3) NOT NULL,
  ended_at timestamptz(3) NOT NULL,
  recorded_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK (ended_at >= started_at)
);
CREATE INDEX batch_step_batch_idx ON batch_step (batch_id, started_at);
CREATE TRIGGER batch_step_append_only BEFORE UPDATE OR DELETE ON batch_step
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- QC results: a retest supersedes the current result of its analyte; the superseded one stays as history.
CREATE TABLE qc_result (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES batch(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  analyte text NOT NULL,
  value_number double precision,
  value_text text,
  unit text,
  outcome text NOT NULL CHECK (outcome IN ('pass','fail')),
  criterion text NOT NULL,
  source text NOT NULL CHECK (source IN ('manual','instrument')),
  instrument text,
  is_current boolean NOT NULL DEFAULT true,
  entered_by uuid NOT NULL REFERENCES app_user(id),
  entered_by_name text NOT NULL,
  entered_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((value_number IS NULL) <> (value_text IS NULL))
);
CREATE UNIQUE INDEX qc_result_current_idx ON qc_result (batch_id, lower(analyte)) WHERE is_current;

CREATE TABLE investigation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES batch(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  result_id uuid NOT NULL UNIQUE REFERENCES qc_result(id),
  analyte text NOT NULL,
  phase text NOT NULL DEFAULT 'phase_1' CHECK (phase IN ('phase_1','phase_2')),
  root_cause text,
  capa text,
  conclusion text CHECK (conclusion IN ('laboratory_error','confirmed_oos','inconclusive')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
  opened_at timestamptz(3) NOT NULL DEFAULT now(),
  closed_at timestamptz(3),
  closed_by uuid REFERENCES app_user(id),
  version integer NOT NULL DEFAULT 1,
  CHECK (status = 'open' OR (root_cause IS NOT NULL AND capa IS NOT NULL AND conclusion IS NOT NULL
    AND closed_at IS NOT NULL))
);
CREATE INDEX investigation_batch_idx ON investigation (batch_id, status);

-- Allogeneic batches dispatched to a hospital for a patient (the autologous batch names its patient itself).
CREATE TABLE batch_dispatch (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  batch_id uuid NOT NULL REFERENCES batch(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  patient_pseudonym text NOT NULL,
  dispatched_by uuid NOT NULL REFERENCES app_user(id),
  dispatched_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX batch_dispatch_batch_idx ON batch_dispatch (batch_id);
CREATE INDEX batch_dispatch_patient_idx ON batch_dispatch (patient_id);
CREATE TRIGGER batch_dispatch_append_only BEFORE UPDATE OR DELETE ON batch_dispatch
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE vial_event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vial_id uuid NOT NULL REFERENCES vial(id),
  bank_id uuid NOT NULL REFERENCES cell_bank(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  kind text NOT NULL CHECK (kind IN ('freeze','thaw','issue','discard')),
  batch_id uuid REFERENCES batch(id),
  actor_user_id uuid NOT NULL REFERENCES app_user(id),
  actor_name text NOT NULL,
  note text,
  occurred_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((kind = 'issue') = (batch_id IS NOT NULL))
);
CREATE INDEX vial_event_vial_idx ON vial_event (vial_id, occurred_at);
CREATE INDEX vial_event_batch_idx ON vial_event (batch_id);
CREATE TRIGGER vial_event_append_only BEFORE UPDATE OR DELETE ON vial_event
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE instrument_mapping (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  instrument text NOT NULL CHECK (length(instrument) BETWEEN 1 AND 100),
  mapping jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (laboratory_id, instrument)
);

-- Assay controls for Levey–Jennings charts: a control material with its established target mean and SD, and
-- its runs in time order (insert-only).
CREATE TABLE control_material (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  analyte text NOT NULL CHECK (length(analyte) BETWEEN 1 AND 100),
  material text NOT NULL CHECK (length(material) BETWEEN 1 AND 200),
  lot text NOT NULL CHECK (length(lot) BETWEEN 1 AND 60),
  unit text NOT NULL,
  target_mean double precision NOT NULL,
  target_sd double precision NOT NULL CHECK (target_sd > 0),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (laboratory_id, analyte, lot)
);
CREATE TABLE control_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  material_id uuid NOT NULL REFERENCES control_material(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  value double precision NOT NULL,
  run_at timestamptz(3) NOT NULL,
  entered_by uuid NOT NULL REFERENCES app_user(id),
  entered_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX control_run_material_idx ON control_run (material_id, run_at);
CREATE TRIGGER control_run_append_only BEFORE UPDATE OR DELETE ON control_run
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

GRANT SELECT, INSERT ON control_material, control_run TO cgtlink_app;
GRANT SELECT ON control_material, control_run TO cgtlink_deid;
GRANT SELECT, INSERT, UPDATE ON specification, cell_line, cell_bank, vial, batch, qc_result, investigation,
  instrument_mapping TO cgtlink_app;
GRANT SELECT, INSERT ON batch_step, batch_dispatch, vial_event TO cgtlink_app;
GRANT SELECT ON specification, cell_line, cell_bank, vial, batch, batch_step, qc_result, investigation,
  batch_dispatch, vial_event, instrument_mapping TO cgtlink_deid;

DO $do$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['specification','cell_line','cell_bank','vial','batch','batch_step','qc_result',
    'investigation','batch_dispatch','vial_event','instrument_mapping','control_material','control_run'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY %1$s_laboratory ON %1$I FOR ALL TO cgtlink_app
        USING (app_is_laboratory() AND laboratory_id = app_org_id())
        WITH CHECK (app_is_laboratory() AND laboratory_id = app_org_id())$p$, t);
    EXECUTE format($p$CREATE POLICY %1$s_regulator ON %1$I FOR SELECT TO cgtlink_deid
        USING (app_org_kind() = 'regulator')$p$, t);
  END LOOP;
END $do$;

-- Hospital staff: the batches of their own patients, and what a certificate of analysis shows about them.
CREATE POLICY batch_dispatch_hospital ON batch_dispatch FOR SELECT TO cgtlink_app
  USING (app_org_kind() = 'hospital' AND app_role() IN ('hospital_physician','hospital_coordinator')
    AND hospital_id = app_org_id());
CREATE POLICY batch_hospital ON batch FOR SELECT TO cgtlink_app
  USING (app_org_kind() = 'hospital' AND app_role() IN ('hospital_physician','hospital_coordinator')
    AND (hospital_id = app_org_id() OR EXISTS (SELECT 1 FROM batch_dispatch d WHERE d.batch_id = batch.id)));
CREATE POLICY qc_result_hospital ON qc_result FOR SELECT TO cgtlink_app
  USING (app_org_kind() = 'hospital' AND EXISTS (SELECT 1 FROM batch b WHERE b.id = batch_id));
-- Investigations of the batches a hospital reads: the certificate lists them, and the signed content includes
-- them, so every reader of a batch computes the same hash and sees the same signature validity.
CREATE POLICY investigation_hospital ON investigation FOR SELECT TO cgtlink_app
  USING (app_org_kind() = 'hospital' AND EXISTS (SELECT 1 FROM batch b WHERE b.id = batch_id));
CREATE POLICY batch_step_hospital ON batch_step FOR SELECT TO cgtlink_app
  USING (app_org_kind() = 'hospital' AND EXISTS (SELECT 1 FROM batch b WHERE b.id = batch_id));
CREATE POLICY specification_hospital ON specification FOR SELECT TO cgtlink_app
  USING (app_org_kind() = 'hospital' AND EXISTS (SELECT 1 FROM batch b WHERE b.specification_id = specification.id));
`)
    .execute(db);
}
