import { can } from '@cgtlink/domain/access/index';
import type { Kysely } from 'kysely';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { withPrincipal } from '../db/scoped';
import { Forbidden } from '../errors';
import { type VerifyReport, verifyAuditChain } from './verify';

export interface AuditFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorUserId?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  /** Keyset paging: entries older than this id. */
  before?: number | undefined;
}

export interface AuditRecord {
  id: number;
  occurredAt: string;
  actorUserId: string | null;
  actorName: string;
  organizationId: string | null;
  role: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
  reason: string | null;
  requestId: string | null;
  sealed: boolean;
}

/** One line of the human-readable "who changed this, when, from what to what" report. */
export interface ChangeLine {
  at: string;
  who: string;
  action: string;
  field: string | null;
  from: unknown;
  to: unknown;
  reason: string | null;
}

export class AuditTrailService {
  constructor(private readonly db: Kysely<Schema>) {}

  async search(ctx: RequestContext, filter: AuditFilter): Promise<AuditRecord[]> {
    if (!can(ctx.principal, 'audit.read')) throw new Forbidden('you may not read the audit trail');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const rows = await tx
        .selectFrom('audit_event as e')
        .leftJoin('audit_seal as s', 's.event_id', 'e.id')
        .select([
          'e.id',
          'e.occurred_at',
          'e.actor_user_id',
          'e.actor_name',
          'e.organization_id',
          'e.role',
          'e.action',
          'e.entity_type',
          'e.entity_id',
          'e.old_values',
          'e.new_values',
          'e.reason',
          'e.request_id',
          's.seq',
        ])
        .$if(filter.entityType !== undefined, (q) => q.where('e.entity_type', '=', filter.entityType!))
        .$if(filter.entityId !== undefined, (q) => q.where('e.entity_id', '=', filter.entityId!))
        .$if(filter.actorUserId !== undefined, (q) => q.where('e.actor_user_id', '=', filter.actorUserId!))
        .$if(filter.action !== undefined, (q) => q.where('e.action', '=', filter.action!))
        .$if(filter.from !== undefined, (q) => q.where('e.occurred_at', '>=', new Date(filter.from!)))
        .$if(filter.to !== undefined, (q) => q.where('e.occurred_at', '<', new Date(filter.to!)))
        .$if(filter.before !== undefined, (q) => q.where('e.id', '<', filter.before!))
        .orderBy('e.id', 'desc')
        .limit(filter.limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        occurredAt: new Date(r.occurred_at).toISOString(),
        actorUserId: r.actor_user_id,
        actorName: r.actor_name,
        organizationId: r.organization_id,
        role: r.role,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        oldValues: (r.old_values as Record<string, unknown> | null) ?? null,
        newValues: (r.new_values as Record<string, unknown> | null) ?? null,
        reason: r.reason,
        requestId: r.request_id,
        sealed: r.seq !== null,
      }));
    });
  }

  /** The change history of one record, oldest first, one line per changed field. */
  async history(ctx: RequestContext, entityType: string, entityId: string): Promise<ChangeLine[]> {
    const events = await this.search(ctx, { entityType, entityId, limit: 1000 });
    const lines: ChangeLine[] = [];
    for (const e of events.reverse()) {
      if (e.action === 'read') continue;
      const fields = Object.keys(e.newValues ?? e.oldValues ?? {});
      if (fields.length === 0) {
        lines.push({
          at: e.occurredAt,
          who: e.actorName,
          action: e.action,
          field: null,
          from: null,
          to: null,
          reason: e.reason,
        });
      }
      for (const field of fields) {
        lines.push({
          at: e.occurredAt,
          who: e.actorName,
          action: e.action,
          field,
          from: e.oldValues?.[field] ?? null,
          to: e.newValues?.[field] ?? null,
          reason: e.reason,
        });
      }
    }
    return lines;
  }

  async verify(ctx: RequestContext): Promise<VerifyReport> {
    if (!can(ctx.principal, 'audit.verify')) throw new Forbidden('you may not verify the audit trail');
    // The chain spans every organization: verification reads it as the system, after the role check above.
    return verifyAuditChain(this.db);
  }
}
