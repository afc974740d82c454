import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit entry that its seal covers, each as the database prints it. */
export interface SealedFields {
  id: number;
  occurredAt: string;
  actorUserId: string | null;
  actorName: string;
  organizationId: string | null;
  role: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  oldValues: string | null;
  newValues: string | null;
  reason: string | null;
  requestId: string | null;
}

/**
 * Select list that reads the covered fields as text, independent of the session: the timestamp in UTC, jsonb in
 * PostgreSQL's deterministic text form. The sealer and the verifier read entries through this one list.
 */
export const SEALED_FIELDS_SQL = `
  e.id,
  (e.occurred_at AT TIME ZONE 'UTC')::text AS "occurredAt",
  e.actor_user_id::text AS "actorUserId",
  e.actor_name AS "actorName",
  e.organization_id::text AS "organizationId",
  e.role,
  e.action,
  e.entity_type AS "entityType",
  e.entity_id AS "entityId",
  e.old_values::text AS "oldValues",
  e.new_values::text AS "newValues",
  e.reason,
  e.request_id AS "requestId"`;

/** Length-prefixed field: no value can imitate a boundary; `~` marks null, distinct from an empty string. */
function field(value: string | null): string {
  return value === null ? '~' : `${value.length}:${value}`;
}

/** The canonical content of an audit entry: every covered field, in a fixed order. */
export function canonicalContent(e: SealedFields): string {
  return `${e.id}|${field(e.occurredAt)}${field(e.actorUserId)}${field(e.actorName)}${field(e.organizationId)}${field(e.role)}${field(e.action)}${field(e.entityType)}${field(e.entityId)}${field(e.oldValues)}${field(e.newValues)}${field(e.reason)}${field(e.requestId)}`;
}

/** Scheme 1 (seals before 0022): SHA-256 over the previous hash and the entry's canonical content. */
export function chainHash(prevHash: string, content: string): string {
  return hash('sha256', `${prevHash}|${content}`);
}

/** The scheme new seals use. */
export const CURRENT_SCHEME = 2;

/**
 * Scheme 2: SHA-256 over the previous hash and the entry's digest, both as 64 lowercase hex characters. The
 * digest is computed by the database from the entry's columns (migration 0022), so chaining costs one hash of
 * 128 ASCII bytes per entry; hex strings in and out keep it free of buffer copies.
 */
export function chainDigest(prevHash: string, digestHex: string): string {
  return hash('sha256', prevHash + digestHex);
}
