import {
  type ReleaseSpecification,
  type SpecificationTest,
  validateSpecification,
} from '@cgtlink/domain/quality/specification';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { AuthService } from '../auth/auth.service';
import type { RequestContext } from '../context';
import type { Schema, SpecificationTable } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, NotFound } from '../errors';
import type { Signable, SignatureService } from '../signatures/signature.service';
import { domainRule, iso, requireAction } from './common';
import type { SpecificationCreateInput as SpecificationCreate, SpecificationView } from './contract';

type SpecificationRow = Selectable<SpecificationTable>;

export function specificationView(row: SpecificationRow): SpecificationView {
  return {
    id: row.id,
    laboratoryId: row.laboratory_id,
    productCode: row.product_code,
    productName: row.product_name,
    version: row.version,
    tests: row.tests as SpecificationView['tests'],
    status: row.status as SpecificationView['status'],
    approvalSignatureId: row.approval_signature_id,
    approvedAt: iso(row.approved_at),
    createdAt: iso(row.created_at)!,
  };
}

/** The domain evaluator's view of a stored specification version. */
export function releaseSpecification(row: SpecificationRow): ReleaseSpecification {
  return {
    id: row.id,
    product: row.product_code,
    version: String(row.version),
    tests: row.tests as SpecificationTest[],
  };
}

/**
 * What an approval signature binds to: the product, the version and its tests — not the status, which the
 * approval itself changes (ICH Q6B: the acceptance criteria are the approved content).
 */
export const specificationSignable: Signable = {
  entityType: 'specification',
  async load(tx, entityId) {
    const row = await tx
      .selectFrom('specification')
      .select(['id', 'laboratory_id', 'product_code', 'product_name', 'version', 'tests'])
      .where('id', '=', entityId)
      .executeTakeFirst();
    return row ? { ...row } : undefined;
  },
  mayApply(ctx, meaning) {
    return (
      meaning === 'approved' &&
      (ctx.principal.role === 'qc_manager' || ctx.principal.role === 'qualified_person')
    );
  },
};

/**
 * Release specifications per product, versioned (DESIGN.md §3.5: each product's specification is data,
 * versioned, not code). A new version starts as a draft; its approval is an electronic signature, after
 * which it is the version in force and the previous one is superseded. An approved version never changes.
 */
export class SpecificationService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly auth: AuthService,
    private readonly signatures: SignatureService,
  ) {}

  async list(ctx: RequestContext): Promise<SpecificationView[]> {
    requireAction(ctx, 'batch.read', 'you may not read specifications');
    return withPrincipal(this.db, ctx.principal, async (tx) =>
      (
        await tx.selectFrom('specification').selectAll().orderBy('product_code').orderBy('version').execute()
      ).map(specificationView),
    );
  }

  async create(ctx: RequestContext, input: SpecificationCreate): Promise<SpecificationView> {
    requireAction(ctx, 'specification.manage', 'only the QC manager drafts specifications');
    domainRule(() =>
      validateSpecification({ id: 'new', product: input.productCode, version: '0', tests: input.tests }),
    );
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const latest = await tx
        .selectFrom('specification')
        .select(({ fn }) => fn.max('version').as('version'))
        .where('product_code', '=', input.productCode)
        .where('laboratory_id', '=', ctx.principal.organizationId)
        .executeTakeFirst();
      const row = await tx
        .insertInto('specification')
        .values({
          laboratory_id: ctx.principal.organizationId,
          product_code: input.productCode,
          product_name: input.productName,
          version: (latest?.version ?? 0) + 1,
          tests: JSON.stringify(input.tests),
          created_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'specification',
        entityId: row.id,
        newValues: { productCode: row.product_code, version: row.version, tests: input.tests },
      });
      return specificationView(row);
    });
  }

  /** Approves a draft with the signer's re-entered password; the previous version in force is superseded. */
  async approve(ctx: RequestContext, id: string, password: string, ip: string): Promise<SpecificationView> {
    requireAction(ctx, 'specification.approve', 'you may not approve specifications');
    await this.auth.reauthenticate(ctx.principal, password, ip);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const draft = await lockSpecification(tx, id);
      if (draft.status !== 'draft') throw new Conflict(`version ${draft.version} is already ${draft.status}`);
      const signature = await this.signatures.signWithin(tx, ctx, {
        entityType: 'specification',
        entityId: id,
        meaning: 'approved',
      });
      const superseded = await tx
        .updateTable('specification')
        .set({ status: 'superseded' })
        .where('product_code', '=', draft.product_code)
        .where('laboratory_id', '=', draft.laboratory_id)
        .where('status', '=', 'approved')
        .returning('version')
        .execute();
      const row = await tx
        .updateTable('specification')
        .set({ status: 'approved', approval_signature_id: signature.id, approved_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'approve',
        entityType: 'specification',
        entityId: id,
        oldValues: { status: 'draft' },
        newValues: {
          status: 'approved',
          signatureId: signature.id,
          superseded: superseded.map((s) => s.version),
        },
      });
      return specificationView(row);
    });
  }
}

async function lockSpecification(tx: Tx, id: string): Promise<SpecificationRow> {
  const row = await tx
    .selectFrom('specification')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFound('specification');
  return row;
}

/** The version in force for a product at the laboratory, or a 409 naming the product when there is none. */
export async function specificationInForce(
  tx: Tx,
  laboratoryId: string,
  productCode: string,
): Promise<SpecificationRow> {
  const row = await tx
    .selectFrom('specification')
    .selectAll()
    .where('laboratory_id', '=', laboratoryId)
    .where('product_code', '=', productCode)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  if (!row) throw new Conflict(`product ${productCode} has no approved specification in force`);
  return row;
}
