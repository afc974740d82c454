import { type Kysely, sql } from 'kysely';

/**
 * HLA typings and donors (issue 5, item 7).
 *
 * `donor`: a related donor (a family member of one patient: relationship, sex, birth date, ABO, CMV serostatus,
 * the patient's donor-specific antibodies measured against this donor with their MFI) or an unrelated registry
 * donor (registry and the registry's donor id). `donor_no` is the dense number the server's in-memory registry
 * index stores donors by. Names of related donors are encrypted in the application, as patients' are.
 *
 * `hla_typing`: a typing of a patient or a donor: the GL String as entered, the release it was validated
 * against, its reduced forms (lgx and serologic GL Strings, one lgx allele pair per locus where unambiguous), the typing
 * laboratory, method, resolution and date. At most one current typing per patient or donor; a newer typing
 * supersedes the current one, a correction edits it (audited with the old values).
 *
 * Scoping (row-level security, as 0001 and 0011): the hospital's staff read and write their own patients'
 * typings and related donors; unrelated (registry) donors and their typings are read by every hospital's staff
 * (no direct identifiers) and written only by the hospital that recorded them (registry imports are system
 * work); patient accounts see neither; the regulator reads de-identified rows (no name, birth date, registry
 * donor id or free-text correction reason).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE donor (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  donor_no integer GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind text NOT NULL CHECK (kind IN ('related','unrelated')),
  hospital_id uuid REFERENCES organization(id),
  patient_id uuid REFERENCES patient(id),
  relation text CHECK (relation IN ('father','mother','sibling','child','other')),
  name_enc text,
  registry text CHECK (registry IS NULL OR length(registry) BETWEEN 1 AND 40),
  registry_donor_id text CHECK (registry_donor_id IS NULL OR length(registry_donor_id) BETWEEN 1 AND 60),
  sex text NOT NULL CHECK (sex IN ('M','F','U')),
  birth_date date NOT NULL,
  birth_year integer GENERATED ALWAYS AS (extract(year FROM birth_date)::integer) STORED,
  abo text NOT NULL DEFAULT 'unknown' CHECK (abo IN ('O','A','B','AB','unknown')),
  cmv text NOT NULL DEFAULT 'unknown' CHECK (cmv IN ('pos','neg','unknown')),
  parity integer CHECK (parity IS NULL OR parity BETWEEN 0 AND 30),
  dsa jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','inactive')),
  version integer NOT NULL DEFAULT 1,
  created_by uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT donor_related_fields CHECK (kind <> 'related'
    OR (patient_id IS NOT NULL AND relation IS NOT NULL AND hospital_id IS NOT NULL AND name_enc IS NOT NULL)),
  CONSTRAINT donor_unrelated_fields CHECK (kind <> 'unrelated'
    OR (patient_id IS NULL AND relation IS NULL AND registry IS NOT NULL AND registry_donor_id IS NOT NULL)),
  CONSTRAINT donor_registry_id_unique UNIQUE (registry, registry_donor_id)
);
CREATE INDEX donor_patient_idx ON donor (patient_id);
CREATE INDEX donor_hospital_idx ON donor (hospital_id, kind);

CREATE TABLE hla_typing (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subject text NOT NULL CHECK (subject IN ('patient','donor')),
  patient_id uuid REFERENCES patient(id),
  donor_id uuid REFERENCES donor(id),
  hospital_id uuid REFERENCES organization(id),
  shared boolean NOT NULL DEFAULT false,
  gl_string text NOT NULL CHECK (length(gl_string) BETWEEN 1 AND 20000),
  release_version text NOT NULL,
  reduced jsonb NOT NULL,
  typing_lab text NOT NULL CHECK (length(typing_lab) BETWEEN 1 AND 200),
  method text NOT NULL CHECK (method IN ('serology','SSP','SSO','SBT','NGS','other')),
  resolution text NOT NULL CHECK (resolution IN ('low','intermediate','high','allele')),
  typed_on date NOT NULL,
  status text NOT NULL DEFAULT 'current' CHECK (status IN ('current','superseded','entered-in-error')),
  correction_reason text,
  version integer NOT NULL DEFAULT 1,
  recorded_by uuid,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT hla_typing_subject CHECK (
    (subject = 'patient' AND patient_id IS NOT NULL AND donor_id IS NULL AND hospital_id IS NOT NULL AND NOT shared)
    OR (subject = 'donor' AND donor_id IS NOT NULL AND patient_id IS NULL))
);
CREATE UNIQUE INDEX hla_typing_patient_current ON hla_typing (patient_id) WHERE status = 'current' AND subject = 'patient';
CREATE UNIQUE INDEX hla_typing_donor_current ON hla_typing (donor_id) WHERE status = 'current' AND subject = 'donor';
CREATE INDEX hla_typing_hospital_idx ON hla_typing (hospital_id);

GRANT SELECT, INSERT, UPDATE ON donor, hla_typing TO cgtlink_app;
GRANT USAGE ON SEQUENCE donor_donor_no_seq TO cgtlink_app;
GRANT SELECT (id, donor_no, kind, hospital_id, patient_id, relation, registry, sex, birth_year, abo, cmv, parity, dsa,
  status, version, created_at, updated_at) ON donor TO cgtlink_deid;
GRANT SELECT (id, subject, patient_id, donor_id, hospital_id, shared, gl_string, release_version, reduced, typing_lab,
  method, resolution, typed_on, status, version, created_at, updated_at) ON hla_typing TO cgtlink_deid;

ALTER TABLE donor ENABLE ROW LEVEL SECURITY;
ALTER TABLE hla_typing ENABLE ROW LEVEL SECURITY;

CREATE POLICY donor_hospital ON donor FOR ALL TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff_fu() AND hospital_id = app_org_id()
    AND (patient_id IS NULL OR EXISTS (SELECT 1 FROM patient p WHERE p.id = patient_id AND p.hospital_id = app_org_id())));
CREATE POLICY donor_registry_read ON donor FOR SELECT TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND kind = 'unrelated');
CREATE POLICY donor_regulator ON donor FOR SELECT TO cgtlink_deid USING (app_org_kind() = 'regulator');

CREATE POLICY hla_typing_hospital ON hla_typing FOR ALL TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND hospital_id = app_org_id())
  WITH CHECK (app_is_hospital_staff_fu() AND hospital_id = app_org_id());
CREATE POLICY hla_typing_registry_read ON hla_typing FOR SELECT TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND shared);
CREATE POLICY hla_typing_regulator ON hla_typing FOR SELECT TO cgtlink_deid USING (app_org_kind() = 'regulator');
`)
    .execute(db);
}
