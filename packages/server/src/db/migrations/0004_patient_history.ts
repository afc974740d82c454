import { type Kysely, sql } from 'kysely';

/**
 * A patient's clinical history for thalassaemia care and eligibility (issue 6, part 2): the HBB genotype with its
 * variants, body weights and red-cell transfusions. Insert-only (a correction is a new row); scoped to the
 * patient's hospital, the patient account and the regulator's de-identified view.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE patient_genotype (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  allele1_class text NOT NULL,
  allele1_hgvs text,
  allele2_class text NOT NULL,
  allele2_hgvs text,
  label text NOT NULL,
  alpha_genotype text,
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TABLE patient_weight (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  measured_on date NOT NULL,
  weight_kg double precision NOT NULL CHECK (weight_kg > 0 AND weight_kg < 400),
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE TABLE patient_transfusion (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  transfused_on date NOT NULL,
  volume_ml double precision CHECK (volume_ml >= 0),
  pre_hb_g_dl double precision,
  recorded_by uuid NOT NULL REFERENCES app_user(id),
  recorded_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX patient_genotype_patient_idx ON patient_genotype (patient_id, recorded_at);
CREATE INDEX patient_weight_patient_idx ON patient_weight (patient_id, measured_on);
CREATE INDEX patient_transfusion_patient_idx ON patient_transfusion (patient_id, transfused_on);

DO $do$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['patient_genotype','patient_weight','patient_transfusion'] LOOP
    EXECUTE format('CREATE TRIGGER %1$s_append_only BEFORE UPDATE OR DELETE ON %1$I
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()', t);
    EXECUTE format('GRANT SELECT, INSERT ON %1$I TO cgtlink_app', t);
    EXECUTE format('GRANT SELECT ON %1$I TO cgtlink_deid', t);
    EXECUTE format('ALTER TABLE %1$I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY %1$s_hospital ON %1$I FOR ALL TO cgtlink_app
      USING (app_is_hospital_staff() AND hospital_id = app_org_id())
      WITH CHECK (app_is_hospital_staff() AND hospital_id = app_org_id())$p$, t);
    EXECUTE format($p$CREATE POLICY %1$s_self ON %1$I FOR SELECT TO cgtlink_app
      USING (app_role() = 'patient' AND patient_id = app_patient_id())$p$, t);
    EXECUTE format($p$CREATE POLICY %1$s_regulator ON %1$I FOR SELECT TO cgtlink_deid
      USING (app_org_kind() = 'regulator')$p$, t);
  END LOOP;
END $do$;
`)
    .execute(db);
}
