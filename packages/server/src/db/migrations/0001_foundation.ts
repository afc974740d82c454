import { type Kysely, sql } from 'kysely';

/**
 * Foundation schema: organizations, users, sessions, patients (minimal, extended by later migrations), the
 * append-only audit trail with its seal chain, and electronic signatures — with the row-level security that
 * scopes every query by the acting principal.
 *
 * Two database roles carry the application's queries (the connecting superuser keeps only migrations and the
 * trusted authentication lookups):
 * - cgtlink_app: hospital, laboratory, patient and platform-administrator principals;
 * - cgtlink_deid: regulator, sponsor and foundation principals. It has no column privilege on direct
 *   identifiers, so even a query that asks for them fails.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
DO $$ BEGIN CREATE ROLE cgtlink_app NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE cgtlink_deid NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;

-- The principal of the current transaction, set by the service layer with set_config(..., true).
CREATE FUNCTION app_setting(name text) RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT nullif(current_setting('app.' || name, true), '') $f$;
CREATE FUNCTION app_org_id() RETURNS uuid LANGUAGE sql STABLE AS $f$ SELECT app_setting('org_id')::uuid $f$;
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $f$ SELECT app_setting('user_id')::uuid $f$;
CREATE FUNCTION app_patient_id() RETURNS uuid LANGUAGE sql STABLE AS $f$ SELECT app_setting('patient_id')::uuid $f$;
CREATE FUNCTION app_org_kind() RETURNS text LANGUAGE sql STABLE AS $f$ SELECT app_setting('org_kind') $f$;
CREATE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE AS $f$ SELECT app_setting('role') $f$;

CREATE TABLE organization (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  kind text NOT NULL CHECK (kind IN ('platform','regulator','hospital','laboratory','sponsor','foundation')),
  name_zh text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 200),
  name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE patient (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hospital_id uuid NOT NULL REFERENCES organization(id),
  pseudonym text NOT NULL UNIQUE,
  sex text NOT NULL CHECK (sex IN ('female','male','unknown')),
  birth_date date NOT NULL,
  birth_year integer GENERATED ALWAYS AS (extract(year FROM birth_date)::integer) STORED,
  diagnosis text NOT NULL,
  -- Direct identifiers, AES-256-GCM in the application; identity_hash is an HMAC for duplicate detection.
  name_enc text NOT NULL,
  national_id_enc text,
  phone_enc text,
  identity_hash text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX patient_hospital_idx ON patient (hospital_id, created_at);
CREATE INDEX patient_identity_hash_idx ON patient (identity_hash);

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES organization(id),
  username text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
  display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role text NOT NULL CHECK (role IN ('platform_admin','regulator_inspector','hospital_physician',
    'hospital_coordinator','lab_analyst','qc_manager','qualified_person','sponsor_user','foundation_user',
    'patient')),
  patient_id uuid REFERENCES patient(id),
  password_hash text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  password_changed_at timestamptz(3) NOT NULL DEFAULT now(),
  -- A patient account is bound to exactly one patient record; no other account is bound to one.
  CONSTRAINT app_user_patient_binding CHECK ((role = 'patient') = (patient_id IS NOT NULL))
);
CREATE UNIQUE INDEX app_user_username_idx ON app_user (username);
CREATE INDEX app_user_org_idx ON app_user (organization_id);

CREATE TABLE session (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES app_user(id),
  kind text NOT NULL CHECK (kind IN ('cookie','bearer')),
  csrf_token text,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  last_seen_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at timestamptz(3) NOT NULL,
  revoked_at timestamptz(3),
  ip text,
  user_agent text
);
CREATE INDEX session_user_idx ON session (user_id);

CREATE TABLE login_attempt (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  ip text NOT NULL,
  succeeded boolean NOT NULL,
  at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX login_attempt_username_idx ON login_attempt (username, at);
CREATE INDEX login_attempt_ip_idx ON login_attempt (ip, at);

-- The audit trail. Entries are appended inside the writing transaction (no global lock); the sealer then
-- chains them in commit order into audit_seal. Both tables refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE audit_event (
  id bigserial PRIMARY KEY,
  occurred_at timestamptz(3) NOT NULL DEFAULT now(),
  txid bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
  actor_user_id uuid,
  actor_name text NOT NULL,
  organization_id uuid,
  role text,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  old_values jsonb,
  new_values jsonb,
  reason text,
  request_id text
);
CREATE INDEX audit_event_entity_idx ON audit_event (entity_type, entity_id, id);
CREATE INDEX audit_event_actor_idx ON audit_event (actor_user_id, id);
CREATE INDEX audit_event_org_idx ON audit_event (organization_id, id);
CREATE INDEX audit_event_time_idx ON audit_event (occurred_at);
CREATE INDEX audit_event_txid_idx ON audit_event (txid);

CREATE TABLE audit_seal (
  seq bigint PRIMARY KEY,
  event_id bigint NOT NULL UNIQUE REFERENCES audit_event(id),
  prev_hash text NOT NULL,
  hash text NOT NULL,
  sealed_at timestamptz(3) NOT NULL DEFAULT now()
);

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $f$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_seal_no_truncate BEFORE TRUNCATE ON audit_seal
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE signature (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  meaning text NOT NULL CHECK (meaning IN ('authored','reviewed','approved','released')),
  signer_user_id uuid NOT NULL REFERENCES app_user(id),
  organization_id uuid NOT NULL REFERENCES organization(id),
  printed_name text NOT NULL,
  role text NOT NULL,
  content_hash text NOT NULL,
  signed_at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX signature_entity_idx ON signature (entity_type, entity_id);
CREATE TRIGGER signature_append_only BEFORE UPDATE OR DELETE ON signature
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();

-- Privileges: least privilege per role; sessions, login attempts and password hashes stay with the owner.
GRANT SELECT ON organization TO cgtlink_app, cgtlink_deid;
GRANT INSERT, UPDATE ON organization TO cgtlink_app;
GRANT SELECT (id, organization_id, username, display_name, role, patient_id, active, version, created_at,
  updated_at) ON app_user TO cgtlink_app;
GRANT SELECT (id, organization_id, username, display_name, role, patient_id, active, version, created_at,
  updated_at) ON app_user TO cgtlink_deid;
GRANT SELECT, INSERT, UPDATE ON patient TO cgtlink_app;
GRANT SELECT (id, hospital_id, pseudonym, sex, birth_year, diagnosis, version, created_at, updated_at)
  ON patient TO cgtlink_deid;
GRANT SELECT, INSERT ON audit_event TO cgtlink_app, cgtlink_deid;
GRANT USAGE ON SEQUENCE audit_event_id_seq TO cgtlink_app, cgtlink_deid;
GRANT SELECT ON audit_seal TO cgtlink_app, cgtlink_deid;
GRANT SELECT, INSERT ON signature TO cgtlink_app, cgtlink_deid;

ALTER TABLE organization ENABLE ROW LEVEL SECURITY;
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE patient ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_seal ENABLE ROW LEVEL SECURITY;
ALTER TABLE signature ENABLE ROW LEVEL SECURITY;

-- Organizations are a public directory to every signed-in principal; only the platform administrator edits.
CREATE POLICY organization_read ON organization FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (app_user_id() IS NOT NULL);
CREATE POLICY organization_admin_insert ON organization FOR INSERT TO cgtlink_app
  WITH CHECK (app_role() = 'platform_admin');
CREATE POLICY organization_admin_update ON organization FOR UPDATE TO cgtlink_app
  USING (app_role() = 'platform_admin') WITH CHECK (app_role() = 'platform_admin');

-- Users: the administrator sees everyone, others their own organization.
CREATE POLICY app_user_read ON app_user FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (app_role() = 'platform_admin' OR organization_id = app_org_id());

-- Patients: a hospital its own; a patient account its own record; the regulator de-identified rows
-- (column privileges of cgtlink_deid); sponsors and foundations only through filings (later migrations).
-- Hospital staff only: a patient account also belongs to its hospital, but reaches only its own record.
CREATE POLICY patient_hospital ON patient FOR ALL TO cgtlink_app
  USING (app_org_kind() = 'hospital' AND app_role() <> 'patient' AND hospital_id = app_org_id())
  WITH CHECK (app_org_kind() = 'hospital' AND app_role() <> 'patient' AND hospital_id = app_org_id());
CREATE POLICY patient_self ON patient FOR SELECT TO cgtlink_app
  USING (app_role() = 'patient' AND id = app_patient_id());
CREATE POLICY patient_regulator ON patient FOR SELECT TO cgtlink_deid
  USING (app_org_kind() = 'regulator');

-- Audit: anyone may append as themselves; the regulator and the administrator read all, others their org.
CREATE POLICY audit_event_append ON audit_event FOR INSERT TO cgtlink_app, cgtlink_deid
  WITH CHECK (actor_user_id IS NOT DISTINCT FROM app_user_id());
CREATE POLICY audit_event_read ON audit_event FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (app_org_kind() = 'regulator' OR app_role() = 'platform_admin' OR organization_id = app_org_id());
CREATE POLICY audit_seal_read ON audit_seal FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (app_org_kind() = 'regulator' OR app_role() = 'platform_admin');

CREATE POLICY signature_append ON signature FOR INSERT TO cgtlink_app, cgtlink_deid
  WITH CHECK (signer_user_id = app_user_id() AND organization_id = app_org_id());
CREATE POLICY signature_read ON signature FOR SELECT TO cgtlink_app, cgtlink_deid
  USING (app_user_id() IS NOT NULL);
`)
    .execute(db);
}
