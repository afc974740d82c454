import type { Signable } from '../signatures/signature.service';
import { decisionContent } from './filing.service';

/**
 * A filing decision (submission, approval, return, suspension, reinstatement, closure): the signature binds the
 * decision and the filed content it was taken on, so a later change of the filing shows it as no longer valid.
 * Decisions are signed inside the decision itself (FilingService.decide), never afterwards.
 */
export const filingDecisionSignable: Signable = {
  entityType: 'filing_decision',
  async load(tx, entityId) {
    const decision = await tx
      .selectFrom('filing_decision')
      .selectAll()
      .where('id', '=', entityId)
      .executeTakeFirst();
    if (!decision) return undefined;
    const filing = await tx
      .selectFrom('filing')
      .selectAll()
      .where('id', '=', decision.filing_id)
      .executeTakeFirst();
    return filing ? decisionContent(decision, filing) : undefined;
  },
  mayApply() {
    return false;
  },
};

/** A product release, signed by the laboratory's qualified person inside the release (PathwayService.release). */
export const productReleaseSignable: Signable = {
  entityType: 'product',
  async load(tx, entityId) {
    const p = await tx.selectFrom('product').selectAll().where('id', '=', entityId).executeTakeFirst();
    return p ? releaseContent(p) : undefined;
  },
  mayApply() {
    return false;
  },
};

export function releaseContent(p: {
  id: string;
  therapy_id: string;
  din: string;
  product_code: string;
  expires_at: Date | string;
}): Record<string, unknown> {
  return {
    productId: p.id,
    therapyId: p.therapy_id,
    din: p.din,
    productCode: p.product_code,
    expiresAt: new Date(p.expires_at).toISOString(),
  };
}
