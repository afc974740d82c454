import { createHash } from 'node:crypto';

/** The fields of an audit entry that its seal covers, as read back from the database (all text). */
export interface SealableEvent {
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

export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 over the previous entry's hash and this entry's content. The content is a JSON array in a fixed field
 * order; jsonb values arrive as PostgreSQL's own deterministic text, so no re-serialization is needed.
 */
export function chainHash(prevHash: string, e: SealableEvent): string {
  const content = JSON.stringify([
    e.id,
    e.occurredAt,
    e.actorUserId,
    e.actorName,
    e.organizationId,
    e.role,
    e.action,
    e.entityType,
    e.entityId,
    e.oldValues,
    e.newValues,
    e.reason,
    e.requestId,
  ]);
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

/** SQL select list that reads an event in the exact text form `chainHash` expects. */
export const SEALABLE_COLUMNS = `
  e.id,
  to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
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
