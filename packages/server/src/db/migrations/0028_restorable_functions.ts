import { type Kysely, sql } from 'kysely';

/**
 * Functions that survive pg_dump | psql. A dump sets `search_path = ''` while it restores (CVE-2018-1058
 * hardening), and an SQL function's body is re-parsed when it runs: `audit_entry_digest`, computing the stored
 * generated column `audit_event.digest` while COPY reloads the rows, could not find `audit_utf8` and
 * `audit_field`, so the restore lost the whole audit trail. The same holds for the row-level security helpers
 * (`app_org_id()` calls `app_setting()` …) whenever they run with another search path.
 *
 * Each body is the same computation with its calls schema-qualified (`public.`), so every digest stays the
 * same value (the chain still verifies) and the functions stay inlinable SQL — a `SET search_path` clause would
 * make the RLS helpers opaque calls on every row. Functions already declared with `SET search_path = public`
 * (migrations 0020, 0021, 0023) need nothing.
 */
export const AUDIT_DIGEST_FUNCTIONS = {
  audit_utf8: ` SELECT convert_to(t, 'UTF8') `,
  audit_field: ` SELECT coalesce(length(t)::text || ':' || t, '~') `,
  audit_entry_digest: ` SELECT sha256(public.audit_utf8(
    id::text || '|'
    || public.audit_field(extract(epoch FROM occurred_at AT TIME ZONE 'UTC')::text)
    || public.audit_field(actor_user_id::text) || public.audit_field(actor_name)
    || public.audit_field(organization_id::text) || public.audit_field(role) || public.audit_field(action)
    || public.audit_field(entity_type) || public.audit_field(entity_id) || public.audit_field(old_values::text)
    || public.audit_field(new_values::text) || public.audit_field(reason) || public.audit_field(request_id))) `,
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
CREATE OR REPLACE FUNCTION audit_entry_digest(
  id bigint, occurred_at timestamptz, actor_user_id uuid, actor_name text, organization_id uuid, role text,
  action text, entity_type text, entity_id text, old_values jsonb, new_values jsonb, reason text,
  request_id text
) RETURNS bytea
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$${AUDIT_DIGEST_FUNCTIONS.audit_entry_digest}$f$;

CREATE OR REPLACE FUNCTION app_org_id() RETURNS uuid LANGUAGE sql STABLE AS
  $f$ SELECT public.app_setting('org_id')::uuid $f$;
CREATE OR REPLACE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS
  $f$ SELECT public.app_setting('user_id')::uuid $f$;
CREATE OR REPLACE FUNCTION app_patient_id() RETURNS uuid LANGUAGE sql STABLE AS
  $f$ SELECT public.app_setting('patient_id')::uuid $f$;
CREATE OR REPLACE FUNCTION app_org_kind() RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT public.app_setting('org_kind') $f$;
CREATE OR REPLACE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE AS
  $f$ SELECT public.app_setting('role') $f$;
CREATE OR REPLACE FUNCTION app_is_hospital_staff() RETURNS boolean LANGUAGE sql STABLE AS
  $f$ SELECT public.app_org_kind() = 'hospital' AND public.app_role() IN ('hospital_physician','hospital_coordinator') $f$;
CREATE OR REPLACE FUNCTION app_is_hospital_staff_fu() RETURNS boolean LANGUAGE sql STABLE AS
  $f$ SELECT public.app_org_kind() = 'hospital' AND public.app_role() IS DISTINCT FROM 'patient' $f$;
CREATE OR REPLACE FUNCTION app_is_laboratory() RETURNS boolean LANGUAGE sql STABLE AS
  $f$ SELECT public.app_org_kind() = 'laboratory' AND public.app_role() IN ('lab_analyst','qc_manager','qualified_person') $f$;
`)
    .execute(db);
}
