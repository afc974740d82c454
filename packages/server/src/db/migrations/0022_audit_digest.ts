import { type Kysely, sql } from 'kysely';

/**
 * Seal scheme 2: each audit entry carries a digest of its canonical content that PostgreSQL computes itself, as
 * a stored generated column, and seals chain those digests (each seal keeps a copy of the digest it chained).
 *
 * Why: the verifier used to rebuild every entry's canonical text in JavaScript, about 4 µs an entry. Now it only
 * chains 32-byte digests. The digest cannot be forged by an UPDATE, even one that bypasses the append-only
 * triggers: PostgreSQL recomputes a stored generated column on every update and refuses an explicit value for
 * it. An edit below SQL (on disk) is caught by the deep check, which recomputes every digest from the columns.
 *
 * Seals written before this migration keep scheme 1 and are still verified the old way.
 */
/**
 * The bodies of the three functions, exported so the verifier can confirm the database still runs exactly these:
 * a replaced function could otherwise make a forged row hash to its old digest.
 */
export const AUDIT_DIGEST_FUNCTIONS = {
  audit_utf8: ` SELECT convert_to(t, 'UTF8') `,
  audit_field: ` SELECT coalesce(length(t)::text || ':' || t, '~') `,
  audit_entry_digest: ` SELECT sha256(audit_utf8(
    id::text || '|'
    || audit_field(extract(epoch FROM occurred_at AT TIME ZONE 'UTC')::text)
    || audit_field(actor_user_id::text) || audit_field(actor_name) || audit_field(organization_id::text)
    || audit_field(role) || audit_field(action) || audit_field(entity_type) || audit_field(entity_id)
    || audit_field(old_values::text) || audit_field(new_values::text) || audit_field(reason)
    || audit_field(request_id))) `,
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`
-- convert_to is only STABLE because the database encoding could in principle differ between databases; within
-- one database it never changes, so this wrapper may be IMMUTABLE, which a generated column requires.
CREATE FUNCTION audit_utf8(t text) RETURNS bytea
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $f$${AUDIT_DIGEST_FUNCTIONS.audit_utf8}$f$;

-- A covered field: its length, a colon and the text, or '~' for null, so no value can imitate a boundary.
CREATE FUNCTION audit_field(t text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$${AUDIT_DIGEST_FUNCTIONS.audit_field}$f$;

-- The time as seconds since the epoch in UTC: independent of the session's TimeZone and DateStyle.
CREATE FUNCTION audit_entry_digest(
  id bigint, occurred_at timestamptz, actor_user_id uuid, actor_name text, organization_id uuid, role text,
  action text, entity_type text, entity_id text, old_values jsonb, new_values jsonb, reason text,
  request_id text
) RETURNS bytea
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $f$${AUDIT_DIGEST_FUNCTIONS.audit_entry_digest}$f$;

ALTER TABLE audit_event ADD COLUMN digest bytea NOT NULL GENERATED ALWAYS AS (audit_entry_digest(
  id, occurred_at, actor_user_id, actor_name, organization_id, role, action, entity_type, entity_id,
  old_values, new_values, reason, request_id)) STORED;

-- A scheme-2 seal keeps the digest it chained, so the chain can be walked in audit_seal alone and the entries
-- checked against their seals in one set-based join.
ALTER TABLE audit_seal ADD COLUMN scheme smallint NOT NULL DEFAULT 1 CHECK (scheme IN (1, 2));
ALTER TABLE audit_seal ALTER COLUMN scheme SET DEFAULT 2;
ALTER TABLE audit_seal ADD COLUMN digest bytea;
ALTER TABLE audit_seal ADD CONSTRAINT audit_seal_digest_present CHECK (scheme = 1 OR digest IS NOT NULL);
`)
    .execute(db);
}
