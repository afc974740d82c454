import { type Kysely, sql } from 'kysely';

/**
 * Evaluation at national scale and the sponsor's exports (issue 9, items 4 and 5).
 *
 * 1. `filing_patient`: which patients belong to which filing (from the therapy of the pathway and from the
 *    follow-up enrolment that names a filing), with the filing's sponsor. It is kept by triggers in the writing
 *    transaction, so it is never stale, and it is what every per-filing view and export starts from.
 * 2. Sponsor scoping in the database: a sponsor principal (de-identified role) reads the rows of the patients of
 *    its own filings only — never another sponsor's, never a patient outside a filing. The policies test
 *    membership with one hashed sub-select on `filing_patient`, cheap even over tens of millions of rows.
 * 3. `patient_transfusion_summary`, a pre-aggregation kept by trigger (last red-cell transfusion per patient), and
 *    indexes that keep the evaluation aggregates interactive on 300,000 patients and tens of millions of
 *    transfusions and laboratory results: covering indexes for "last red-cell transfusion" and "Hb values in a
 *    window" per patient (index-only scans), open visits past their window, excursions per laboratory and
 *    adverse events per patient with term and grade.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE TABLE filing_patient (
  filing_id uuid NOT NULL REFERENCES filing(id),
  patient_id uuid NOT NULL REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  sponsor_id uuid REFERENCES organization(id),
  technology text NOT NULL,
  added_at timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (filing_id, patient_id)
);
CREATE INDEX filing_patient_sponsor_idx ON filing_patient (sponsor_id, patient_id);
CREATE INDEX filing_patient_patient_idx ON filing_patient (patient_id);

-- Kept by the writers' own transactions; SECURITY DEFINER because a hospital writer may not read the sponsor
-- column of another organization's row, and because membership is a fact, not a choice of the writer.
CREATE FUNCTION filing_patient_link(p_filing uuid, p_patient uuid) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public AS $f$
  INSERT INTO filing_patient (filing_id, patient_id, hospital_id, sponsor_id, technology)
  SELECT f.id, p.id, p.hospital_id, f.sponsor_id, f.technology
    FROM filing f JOIN patient p ON p.id = p_patient
   WHERE f.id = p_filing
  ON CONFLICT DO NOTHING
$f$;
CREATE FUNCTION filing_patient_from_row() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
BEGIN
  IF NEW.filing_id IS NOT NULL THEN
    PERFORM filing_patient_link(NEW.filing_id, NEW.patient_id);
  END IF;
  RETURN NEW;
END $f$;
CREATE TRIGGER therapy_filing_patient AFTER INSERT ON therapy
  FOR EACH ROW EXECUTE FUNCTION filing_patient_from_row();
CREATE TRIGGER followup_enrolment_filing_patient AFTER INSERT OR UPDATE OF filing_id ON followup_enrolment
  FOR EACH ROW EXECUTE FUNCTION filing_patient_from_row();
CREATE FUNCTION filing_patient_sponsor_sync() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
BEGIN
  UPDATE filing_patient SET sponsor_id = NEW.sponsor_id WHERE filing_id = NEW.id;
  RETURN NEW;
END $f$;
CREATE TRIGGER filing_sponsor_filing_patient AFTER UPDATE OF sponsor_id ON filing
  FOR EACH ROW WHEN (OLD.sponsor_id IS DISTINCT FROM NEW.sponsor_id)
  EXECUTE FUNCTION filing_patient_sponsor_sync();

INSERT INTO filing_patient (filing_id, patient_id, hospital_id, sponsor_id, technology)
SELECT f.id, t.patient_id, t.hospital_id, f.sponsor_id, f.technology FROM therapy t JOIN filing f ON f.id = t.filing_id
UNION
SELECT f.id, e.patient_id, e.hospital_id, f.sponsor_id, f.technology
  FROM followup_enrolment e JOIN filing f ON f.id = e.filing_id
ON CONFLICT DO NOTHING;

GRANT SELECT ON filing_patient TO cgtlink_app, cgtlink_deid;
ALTER TABLE filing_patient ENABLE ROW LEVEL SECURITY;
CREATE POLICY filing_patient_hospital ON filing_patient FOR SELECT TO cgtlink_app
  USING (app_is_hospital_staff() AND hospital_id = app_org_id());
CREATE POLICY filing_patient_deid ON filing_patient FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator' OR (app_org_kind() = 'sponsor' AND sponsor_id = app_org_id()));

-- The sponsor's view of its filings' patients: de-identified (column privileges of cgtlink_deid) and only
-- patients who belong to one of its filings.
CREATE POLICY patient_sponsor_filing ON patient FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'sponsor'
    AND id IN (SELECT fp.patient_id FROM filing_patient fp WHERE fp.sponsor_id = app_org_id()));
DO $do$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['patient_genotype','patient_weight','followup_enrolment','observation','transfusion',
    'adverse_event','followup_visit','therapy','pathway_event','custody_scan','deviation'] LOOP
    EXECUTE format($p$CREATE POLICY %1$s_sponsor_filing ON %1$I FOR SELECT TO cgtlink_deid
        USING (app_org_kind() = 'sponsor'
          AND patient_id IN (SELECT fp.patient_id FROM filing_patient fp WHERE fp.sponsor_id = app_org_id()))$p$, t);
  END LOOP;
END $do$;

-- Interactive evaluation at national scale.
-- Last red-cell transfusion and transfusion counts per patient: index-only.
CREATE INDEX transfusion_red_cells_idx ON transfusion (patient_id, given_on)
  WHERE product = 'red-cells' AND status = 'final';
-- Hb / ferritin values of a patient in a window: index-only with the canonical value carried along.
CREATE INDEX observation_patient_value_idx ON observation (patient_id, code, observed_on)
  INCLUDE (value_canonical) WHERE status = 'final';
-- Adverse events by term and grade for a set of patients.
CREATE INDEX adverse_event_patient_term_idx ON adverse_event (patient_id)
  INCLUDE (ctcae_term, term, grade, serious, expected, outcome, onset_date);
-- Overdue visits: the open ones only (a small fraction once follow-up is mature).
CREATE INDEX followup_visit_open_idx ON followup_visit (hospital_id, window_end, patient_id)
  WHERE attended_on IS NULL;
-- Custody excursions per laboratory and filing's patients.
CREATE INDEX deviation_kind_idx ON deviation (laboratory_id, kind, created_at);
CREATE INDEX deviation_patient_idx ON deviation (patient_id);
-- Pre-aggregation: each patient's last final red-cell transfusion and their number, kept by a trigger in the
-- writer's transaction. Transfusion independence at the cut-off needs "no red cells since …" for every patient
-- of a filing or of the registry; read from here it is one small row per patient instead of a probe into tens of
-- millions of transfusions (a cut-off before the last transfusion falls back to the index).
CREATE TABLE patient_transfusion_summary (
  patient_id uuid PRIMARY KEY REFERENCES patient(id),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  last_red_cell_on date,
  red_cells integer NOT NULL DEFAULT 0
);
CREATE FUNCTION patient_transfusion_summary_refresh() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $f$
BEGIN
  INSERT INTO patient_transfusion_summary AS s (patient_id, hospital_id, last_red_cell_on, red_cells)
  SELECT NEW.patient_id, NEW.hospital_id, max(t.given_on), count(*)::int
    FROM transfusion t
   WHERE t.patient_id = NEW.patient_id AND t.product = 'red-cells' AND t.status = 'final'
  ON CONFLICT (patient_id) DO UPDATE
    SET last_red_cell_on = EXCLUDED.last_red_cell_on, red_cells = EXCLUDED.red_cells;
  RETURN NULL;
END $f$;
CREATE TRIGGER transfusion_summary AFTER INSERT OR UPDATE ON transfusion
  FOR EACH ROW EXECUTE FUNCTION patient_transfusion_summary_refresh();
INSERT INTO patient_transfusion_summary (patient_id, hospital_id, last_red_cell_on, red_cells)
SELECT p.id, p.hospital_id, max(t.given_on), count(t.id)::int
  FROM patient p JOIN transfusion t ON t.patient_id = p.id AND t.product = 'red-cells' AND t.status = 'final'
 GROUP BY p.id, p.hospital_id;
GRANT SELECT ON patient_transfusion_summary TO cgtlink_app, cgtlink_deid;
ALTER TABLE patient_transfusion_summary ENABLE ROW LEVEL SECURITY;
CREATE POLICY patient_transfusion_summary_hospital ON patient_transfusion_summary FOR SELECT TO cgtlink_app
  USING (app_is_hospital_staff_fu() AND hospital_id = app_org_id());
CREATE POLICY patient_transfusion_summary_self ON patient_transfusion_summary FOR SELECT TO cgtlink_app
  USING (app_role() = 'patient' AND patient_id = app_patient_id());
CREATE POLICY patient_transfusion_summary_regulator ON patient_transfusion_summary FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');
CREATE POLICY patient_transfusion_summary_sponsor_filing ON patient_transfusion_summary FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'sponsor'
    AND patient_id IN (SELECT fp.patient_id FROM filing_patient fp WHERE fp.sponsor_id = app_org_id()));

CREATE INDEX IF NOT EXISTS followup_enrolment_filing_idx ON followup_enrolment (filing_id, infusion_date);
`)
    .execute(db);
}
