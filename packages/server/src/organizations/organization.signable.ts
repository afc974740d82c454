import type { Signable } from '../signatures/signature.service';

/**
 * An organization's registration, approved by the platform administrator: the first signed record of the
 * platform and the model for the filings and releases that later slices sign.
 */
export const organizationSignable: Signable = {
  entityType: 'organization',
  async load(tx, entityId) {
    const row = await tx
      .selectFrom('organization')
      .select(['id', 'code', 'kind', 'name_zh', 'name_en', 'active'])
      .where('id', '=', entityId)
      .executeTakeFirst();
    return row ? { ...row } : undefined;
  },
  mayApply(ctx, meaning) {
    return ctx.principal.role === 'platform_admin' && (meaning === 'approved' || meaning === 'reviewed');
  },
};
