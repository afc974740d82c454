import { type Kysely, sql } from 'kysely';

/**
 * The files attached to pathway entries (apheresis report, certificate of analysis, conditioning chart): kept
 * with the entry they document, insert-only like the entry, and scoped like the therapy they belong to.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE pathway_attachment (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id uuid NOT NULL REFERENCES pathway_event(id),
  therapy_id uuid NOT NULL REFERENCES therapy(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  laboratory_id uuid NOT NULL REFERENCES organization(id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  sha256 text NOT NULL,
  bytes integer NOT NULL,
  content_b64 text NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX pathway_attachment_event_idx ON pathway_attachment (event_id);
CREATE TRIGGER pathway_attachment_append_only BEFORE UPDATE OR DELETE ON pathway_attachment
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

GRANT SELECT, INSERT ON pathway_attachment TO cgtlink_app;
GRANT SELECT (id, event_id, therapy_id, name, sha256, bytes, created_at) ON pathway_attachment TO cgtlink_deid;
ALTER TABLE pathway_attachment ENABLE ROW LEVEL SECURITY;
CREATE POLICY pathway_attachment_read ON pathway_attachment FOR SELECT TO cgtlink_app USING (
  (app_is_hospital_staff() AND hospital_id = app_org_id())
  OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id())
  OR (app_role() = 'patient' AND patient_id = app_patient_id()));
CREATE POLICY pathway_attachment_write ON pathway_attachment FOR INSERT TO cgtlink_app WITH CHECK (
  (app_is_hospital_staff() AND hospital_id = app_org_id())
  OR (app_org_kind() = 'laboratory' AND laboratory_id = app_org_id()));
CREATE POLICY pathway_attachment_regulator ON pathway_attachment FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');
`)
    .execute(db);
}
