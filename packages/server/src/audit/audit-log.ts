import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import type { RequestContext } from '../context';
import type { Tx } from '../db/scoped';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  oldValues?: Record<string, unknown> | null;
  newValues?: Record<string, unknown> | null;
  reason?: string | null;
}

/**
 * Appends one entry to the audit trail inside the caller's transaction, so the entry exists exactly when the
 * change it describes does. Hashing happens later, in the sealer, to keep writers from queueing on one lock.
 */
export async function appendAudit(
  tx: Tx,
  ctx: RequestContext | SystemActor,
  entry: AuditEntry,
): Promise<void> {
  const actor =
    'principal' in ctx
      ? {
          actor_user_id: ctx.principal.userId,
          actor_name: `${ctx.principal.displayName} (${ctx.principal.username})`,
          organization_id: ctx.principal.organizationId,
          role: ctx.principal.role,
          request_id: ctx.requestId,
        }
      : { actor_user_id: null, actor_name: ctx.system, organization_id: null, role: null, request_id: null };
  await tx
    .insertInto('audit_event')
    .values({
      ...actor,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId ?? null,
      old_values: entry.oldValues ? canonicalJson(entry.oldValues) : null,
      new_values: entry.newValues ? canonicalJson(entry.newValues) : null,
      reason: entry.reason ?? null,
    })
    .execute();
}

/** A non-human actor: the CLI, the demo seeder, a migration. */
export interface SystemActor {
  system: string;
}

/**
 * The fields that changed between two versions of a record, as `{ old, new }` value maps for the audit entry.
 * Fields named in `redact` are recorded as changed without their values (encrypted direct identifiers).
 */
export function diffValues(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  redact: readonly string[] = [],
): { oldValues: Record<string, unknown>; newValues: Record<string, unknown> } | null {
  const oldValues: Record<string, unknown> = {};
  const newValues: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    const a = before[key];
    const b = after[key];
    if (canonicalJson(a) === canonicalJson(b)) continue;
    const hidden = redact.includes(key);
    oldValues[key] = hidden ? '[redacted]' : (a ?? null);
    newValues[key] = hidden ? '[redacted]' : (b ?? null);
  }
  return Object.keys(newValues).length === 0 ? null : { oldValues, newValues };
}
