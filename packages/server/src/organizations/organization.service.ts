import { can, type OrganizationKind } from '@cgtlink/domain/access/index';
import type { Kysely } from 'kysely';
import { appendAudit, diffValues } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { OrganizationRow, Schema } from '../db/schema';
import { withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, NotFound } from '../errors';

export interface Organization {
  id: string;
  code: string;
  kind: OrganizationKind;
  nameZh: string;
  nameEn: string;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewOrganization {
  code: string;
  kind: OrganizationKind;
  nameZh: string;
  nameEn: string;
}

export interface OrganizationChange {
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  active?: boolean | undefined;
  /** The version the caller read: a stale one is refused instead of overwriting someone else's change. */
  version: number;
  reason?: string | undefined;
}

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    code: row.code,
    kind: row.kind as OrganizationKind,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    active: row.active,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export class OrganizationService {
  constructor(
    private readonly db: Kysely<Schema>,
    /** Told after a committed change, so cached sessions of the changed accounts are read afresh. */
    private readonly onAccessChange: () => void = () => {},
  ) {}

  async list(ctx: RequestContext): Promise<Organization[]> {
    if (!can(ctx.principal, 'organization.read')) throw new Forbidden('you may not list organizations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const rows = await tx.selectFrom('organization').selectAll().orderBy('kind').orderBy('code').execute();
      return rows.map(toOrganization);
    });
  }

  async create(ctx: RequestContext, input: NewOrganization): Promise<Organization> {
    if (!can(ctx.principal, 'organization.manage'))
      throw new Forbidden('only a platform administrator adds organizations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const clash = await tx
        .selectFrom('organization')
        .select('id')
        .where('code', '=', input.code)
        .executeTakeFirst();
      if (clash) throw new Conflict(`an organization with code ${input.code} already exists`);
      const row = await tx
        .insertInto('organization')
        .values({ code: input.code, kind: input.kind, name_zh: input.nameZh, name_en: input.nameEn })
        .returningAll()
        .executeTakeFirstOrThrow();
      const org = toOrganization(row);
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'organization',
        entityId: org.id,
        newValues: { ...input },
      });
      return org;
    });
  }

  async update(ctx: RequestContext, id: string, change: OrganizationChange): Promise<Organization> {
    if (!can(ctx.principal, 'organization.manage'))
      throw new Forbidden('only a platform administrator edits organizations');
    const updated = await withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('organization')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw new NotFound('organization');
      if (before.version !== change.version) {
        throw new Conflict(
          `organization was changed by someone else (version ${before.version}, you had ${change.version})`,
          {
            currentVersion: before.version,
          },
        );
      }
      const patch = {
        ...(change.nameZh !== undefined && { name_zh: change.nameZh }),
        ...(change.nameEn !== undefined && { name_en: change.nameEn }),
        ...(change.active !== undefined && { active: change.active }),
      };
      // The audit trail speaks the API's field names, for creations and updates alike.
      const diff = diffValues(
        { ...toOrganization(before) },
        {
          ...(change.nameZh !== undefined && { nameZh: change.nameZh }),
          ...(change.nameEn !== undefined && { nameEn: change.nameEn }),
          ...(change.active !== undefined && { active: change.active }),
        },
      );
      if (!diff) return toOrganization(before);
      const row = await tx
        .updateTable('organization')
        .set({ ...patch, version: before.version + 1, updated_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'organization',
        entityId: id,
        ...diff,
        reason: change.reason ?? null,
      });
      return toOrganization(row);
    });
    this.onAccessChange();
    return updated;
  }
}
