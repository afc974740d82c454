import { type Kysely, sql } from 'kysely';

/**
 * Where a therapy's product comes from (issue 6, gap 1; DESIGN.md §2):
 * - `therapy_donor`: the donor of an allogeneic or haploidentical transplant — selected after HLA typing and a
 *   donor search, worked up, with the donor's own consent and eligibility, and the DIN of the donor collection.
 *   The donor is held by a pseudonymous code (family or registry), never by name, and by `donor_id` when the
 *   donor has a record with HLA typings in `donor` (0012: related donors of the patient, unrelated registry
 *   donors).
 * - `therapy_lot`: the MSC lot allocated to a patient — a released allogeneic batch of the filing's laboratory,
 *   expanded from a working bank of the seed cell bank, with the DIN the laboratory assigns to the unit.
 *
 * Visibility follows the therapy (0002): the hospital, the named laboratory, the patient's own account, and the
 * regulator through the de-identified role (the rows hold no direct identifier).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE therapy_donor (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL UNIQUE REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  donor_code text NOT NULL CHECK (donor_code ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'),
  donor_id uuid REFERENCES donor(id),
  relation text NOT NULL CHECK (relation IN ('sibling','parent','child','other_family','unrelated')),
  hla_match text NOT NULL CHECK (hla_match ~ '^[0-9]{1,2}/[0-9]{1,2}$'),
  selected_event_id uuid NOT NULL REFERENCES pathway_event(id),
  consented_on date,
  consent_signed_by text CHECK (consent_signed_by IN ('donor','guardian')),
  consent_event_id uuid REFERENCES pathway_event(id),
  eligibility text NOT NULL DEFAULT 'pending' CHECK (eligibility IN ('pending','eligible','ineligible')),
  eligibility_detail jsonb,
  eligibility_event_id uuid REFERENCES pathway_event(id),
  collection_din text REFERENCES collection(din),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CHECK ((consented_on IS NULL) = (consent_event_id IS NULL)),
  CHECK ((eligibility = 'pending') = (eligibility_event_id IS NULL)),
  -- A collection is taken only from a donor who consented and was found eligible.
  CHECK (collection_din IS NULL OR (consented_on IS NOT NULL AND eligibility = 'eligible'))
);

CREATE TABLE therapy_lot (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  therapy_id uuid NOT NULL UNIQUE REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  batch_id uuid NOT NULL REFERENCES batch(id),
  batch_reference text NOT NULL,
  batch_product_code text NOT NULL,
  working_bank_id uuid NOT NULL REFERENCES cell_bank(id),
  bank_lot text NOT NULL,
  din text NOT NULL UNIQUE REFERENCES collection(din),
  event_id uuid NOT NULL REFERENCES pathway_event(id),
  allocated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX therapy_lot_batch_idx ON therapy_lot (batch_id);
CREATE TRIGGER therapy_lot_append_only BEFORE UPDATE OR DELETE ON therapy_lot
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

GRANT SELECT, INSERT, UPDATE ON therapy_donor TO cgtlink_app;
GRANT SELECT, INSERT ON therapy_lot TO cgtlink_app;
GRANT SELECT ON therapy_donor, therapy_lot TO cgtlink_deid;

ALTER TABLE therapy_donor ENABLE ROW LEVEL SECURITY;
ALTER TABLE therapy_lot ENABLE ROW LEVEL SECURITY;

-- The donor is the hospital's to record; the laboratory reads it (it processes the donor's graft).
CREATE POLICY therapy_donor_read ON therapy_donor FOR SELECT TO cgtlink_app USING (
  (app_is_hospital_staff() AND hospital_id = app_org_id())
  OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id())
  OR (app_role() = 'patient' AND patient_id = app_patient_id()));
CREATE POLICY therapy_donor_write ON therapy_donor FOR INSERT TO cgtlink_app
  WITH CHECK (app_is_hospital_staff() AND hospital_id = app_org_id());
CREATE POLICY therapy_donor_update ON therapy_donor FOR UPDATE TO cgtlink_app
  USING (app_is_hospital_staff() AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff() AND hospital_id = app_org_id());
CREATE POLICY therapy_donor_regulator ON therapy_donor FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');

-- The lot is the laboratory's to allocate; the hospital reads it.
CREATE POLICY therapy_lot_read ON therapy_lot FOR SELECT TO cgtlink_app USING (
  (app_is_hospital_staff() AND hospital_id = app_org_id())
  OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id())
  OR (app_role() = 'patient' AND patient_id = app_patient_id()));
CREATE POLICY therapy_lot_write ON therapy_lot FOR INSERT TO cgtlink_app
  WITH CHECK (app_is_laboratory() AND laboratory_id = app_org_id());
CREATE POLICY therapy_lot_regulator ON therapy_lot FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');
`)
    .execute(db);
}
