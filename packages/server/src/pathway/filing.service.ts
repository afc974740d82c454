import { createHash, randomUUID } from 'node:crypto';
import { can } from '@cgtlink/domain/access/index';
import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import { type EligibilityCriteria, GENE_THERAPY_CRITERIA } from '@cgtlink/domain/pathway/eligibility';
import {
  DECISION_BY,
  type FilingDecision,
  type FilingStatus,
  filingIsActive,
  nextFilingStatus,
} from '@cgtlink/domain/pathway/filing-status';
import type { Technology } from '@cgtlink/domain/pathway/tables';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit, diffValues } from '../audit/audit-log';
import type { AuthService } from '../auth/auth.service';
import type { RequestContext } from '../context';
import type { FilingDecisionTable, FilingTable, Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors';
import type { SignatureMeaning } from '../signatures/signature.service';
import { iso, json, notify, Refused, randomCode, signWithin } from './common';

type FilingRow = Selectable<FilingTable>;
type DecisionRow = Selectable<FilingDecisionTable>;

export interface NewFiling {
  sponsorId?: string | null | undefined;
  laboratoryId: string;
  technology: Technology;
  indication: string;
  productName: string;
  productCode: string;
  specificationVersion: string;
  protocolVersion: string;
  ethicsApprovalRef: string;
  ethicsDocument?: { name: string; contentBase64: string } | null | undefined;
  storageMaxCelsius?: number | undefined;
  targetEnrolment: number;
  criteria?: EligibilityCriteria | undefined;
  password: string;
}

export interface Filing {
  id: string;
  reference: string;
  hospitalId: string;
  sponsorId: string | null;
  laboratoryId: string;
  technology: Technology;
  indication: string;
  productName: string;
  productCode: string;
  specificationVersion: string;
  protocolVersion: string;
  ethicsApprovalRef: string;
  ethicsDocumentName: string | null;
  ethicsDocumentSha256: string | null;
  storageMaxCelsius: number;
  targetEnrolment: number;
  criteria: EligibilityCriteria;
  status: FilingStatus;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface FilingDecisionRecord {
  id: string;
  decision: string;
  fromStatus: string | null;
  toStatus: string;
  comment: string | null;
  actorName: string;
  signatureId: string | null;
  decidedAt: string;
}

export interface ConsentDocument {
  id: string;
  filingId: string;
  version: number;
  title: string;
  body: string;
  createdAt: string;
}

export interface FilingDetail extends Filing {
  decisions: FilingDecisionRecord[];
  consentDocuments: ConsentDocument[];
}

const FILING_COLUMNS = [
  'id',
  'reference',
  'hospital_id',
  'sponsor_id',
  'laboratory_id',
  'technology',
  'indication',
  'product_name',
  'product_code',
  'specification_version',
  'protocol_version',
  'ethics_approval_ref',
  'ethics_document_name',
  'ethics_document_sha256',
  'storage_max_celsius',
  'target_enrolment',
  'criteria',
  'status',
  'version',
  'created_at',
  'updated_at',
] as const;
type FilingCore = Pick<FilingRow, (typeof FILING_COLUMNS)[number]>;

const MEANING: Record<FilingDecision | 'submit', SignatureMeaning> = {
  submit: 'authored',
  resubmit: 'authored',
  approve: 'approved',
  return: 'reviewed',
  suspend: 'reviewed',
  reinstate: 'approved',
  close: 'reviewed',
};

/** The content a filing decision's signature binds: the decision and the filed content it was taken on. */
export function decisionContent(decision: DecisionRow, filing: FilingCore): Record<string, unknown> {
  return {
    decisionId: decision.id,
    filingId: decision.filing_id,
    decision: decision.decision,
    fromStatus: decision.from_status,
    toStatus: decision.to_status,
    comment: decision.comment,
    filing: filedContent(filing),
  };
}

/** The filed content (what the hospital files and the regulator reviews), without status or version. */
function filedContent(f: FilingCore): Record<string, unknown> {
  return {
    reference: f.reference,
    hospitalId: f.hospital_id,
    sponsorId: f.sponsor_id,
    laboratoryId: f.laboratory_id,
    technology: f.technology,
    indication: f.indication,
    productName: f.product_name,
    productCode: f.product_code,
    specificationVersion: f.specification_version,
    protocolVersion: f.protocol_version,
    ethicsApprovalRef: f.ethics_approval_ref,
    ethicsDocumentSha256: f.ethics_document_sha256,
    storageMaxCelsius: Number(f.storage_max_celsius),
    targetEnrolment: f.target_enrolment,
    criteria: json(f.criteria),
  };
}

/**
 * Clinical-application filings (备案; DESIGN.md §5): the hospital files with its sponsor and the laboratory that
 * releases the product; the regulator approves, returns with comments, suspends or closes. Each decision is
 * signed (password re-entered), kept in the filing's history and audited; a suspension notifies the hospital.
 */
export class FilingService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly auth: AuthService,
  ) {}

  async create(ctx: RequestContext, input: NewFiling, ip: string): Promise<FilingDetail> {
    if (!can(ctx.principal, 'filing.submit')) throw new Forbidden('only hospital staff file applications');
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    const document = input.ethicsDocument ?? null;
    const documentSha = document
      ? createHash('sha256').update(Buffer.from(document.contentBase64, 'base64')).digest('hex')
      : null;
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await this.#requireOrganization(tx, 'laboratoryId', input.laboratoryId, 'laboratory');
      if (input.sponsorId) await this.#requireOrganization(tx, 'sponsorId', input.sponsorId, 'sponsor');
      const criteria = input.criteria ?? GENE_THERAPY_CRITERIA;
      const row = await tx
        .insertInto('filing')
        .values({
          reference: `F-${new Date().getUTCFullYear()}-${randomCode(6)}`,
          hospital_id: ctx.principal.organizationId,
          sponsor_id: input.sponsorId ?? null,
          laboratory_id: input.laboratoryId,
          technology: input.technology,
          indication: input.indication,
          product_name: input.productName,
          product_code: input.productCode,
          specification_version: input.specificationVersion,
          protocol_version: input.protocolVersion,
          ethics_approval_ref: input.ethicsApprovalRef,
          ethics_document_name: document?.name ?? null,
          ethics_document_sha256: documentSha,
          ethics_document_b64: document?.contentBase64 ?? null,
          ...(input.storageMaxCelsius !== undefined ? { storage_max_celsius: input.storageMaxCelsius } : {}),
          target_enrolment: input.targetEnrolment,
          criteria: canonicalJson(criteria),
          created_by: ctx.principal.userId,
        })
        .returning(FILING_COLUMNS)
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'filing',
        entityId: row.id,
        newValues: filedContent(row),
      });
      await this.#recordDecision(tx, ctx, row, 'submit', null, 'submitted', null);
      return this.#detail(tx, row);
    });
  }

  async list(ctx: RequestContext): Promise<Filing[]> {
    if (!can(ctx.principal, 'filing.read')) throw new Forbidden('you may not read filings');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const rows = await this.#scoped(tx, ctx).select(FILING_COLUMNS).orderBy('created_at', 'desc').execute();
      return rows.map(toFiling);
    });
  }

  async get(ctx: RequestContext, id: string): Promise<FilingDetail> {
    if (!can(ctx.principal, 'filing.read')) throw new Forbidden('you may not read filings');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const row = await this.#scoped(tx, ctx).select(FILING_COLUMNS).where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFound('filing');
      return this.#detail(tx, row);
    });
  }

  /**
   * A signed review decision (regulator) or resubmission (filing hospital), checked against the filing's
   * status and the caller's version (optimistic lock). Return, suspension and closure need a comment.
   */
  async decide(
    ctx: RequestContext,
    id: string,
    input: {
      decision: FilingDecision;
      comment?: string | null | undefined;
      version: number;
      password: string;
    },
    ip: string,
  ): Promise<FilingDetail> {
    const by = DECISION_BY[input.decision];
    const allowed =
      by === 'regulator' ? can(ctx.principal, 'filing.review') : can(ctx.principal, 'filing.submit');
    if (!allowed) throw new Forbidden(`role ${ctx.principal.role} may not ${input.decision} a filing`);
    const comment = input.comment?.trim() || null;
    if (!comment && ['return', 'suspend', 'close'].includes(input.decision)) {
      throw new InvalidInput('comment', `a ${input.decision} decision needs a comment`);
    }
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await this.#scoped(tx, ctx)
        .select(FILING_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!before) throw new NotFound('filing');
      const next = nextFilingStatus(before.status as FilingStatus, input.decision);
      if (!next.ok) throw new Refused('filing-transition', next.reason);
      const after = await tx
        .updateTable('filing')
        .set({ status: next.status, version: before.version + 1, updated_at: new Date() })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .returning(FILING_COLUMNS)
        .executeTakeFirst();
      if (!after) {
        throw new Conflict(`the filing changed since you loaded it (now version ${before.version})`, {
          currentVersion: before.version,
        });
      }
      const change = diffValues({ status: before.status }, { status: after.status });
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'filing',
        entityId: id,
        oldValues: change?.oldValues ?? null,
        newValues: change?.newValues ?? null,
        reason: comment,
      });
      await this.#recordDecision(tx, ctx, after, input.decision, before.status, next.status, comment);
      // A decision that changes what the hospital may do is pushed to it (and to the sponsor and laboratory).
      if (by === 'regulator') {
        const subject = `filing ${after.reference}: ${input.decision}${comment ? ` — ${comment}` : ''}`;
        for (const org of [after.hospital_id, after.sponsor_id, after.laboratory_id]) {
          if (org)
            await notify(tx, org, {
              kind: `filing.${input.decision}`,
              subject,
              entityType: 'filing',
              entityId: id,
            });
        }
      }
      return this.#detail(tx, after);
    });
  }

  /** A new version of the filing's consent document (earlier versions stay, each consent names its version). */
  async addConsentDocument(
    ctx: RequestContext,
    filingId: string,
    input: { title: string; body: string },
  ): Promise<ConsentDocument> {
    if (!can(ctx.principal, 'filing.submit'))
      throw new Forbidden('only hospital staff add consent documents');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const filing = await this.#scoped(tx, ctx)
        .select(['id', 'hospital_id'])
        .where('id', '=', filingId)
        .executeTakeFirst();
      if (!filing || filing.hospital_id !== ctx.principal.organizationId) throw new NotFound('filing');
      const last = await tx
        .selectFrom('consent_document')
        .select((eb) => eb.fn.max('version').as('v'))
        .where('filing_id', '=', filingId)
        .executeTakeFirst();
      const row = await tx
        .insertInto('consent_document')
        .values({
          filing_id: filingId,
          version: Number(last?.v ?? 0) + 1,
          title: input.title,
          body: input.body,
          created_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'consent_document',
        entityId: row.id,
        newValues: { filingId, version: row.version, title: row.title, bodySha256: sha256(row.body) },
      });
      return toConsentDocument(row);
    });
  }

  async #recordDecision(
    tx: Tx,
    ctx: RequestContext,
    filing: FilingCore,
    decision: FilingDecision | 'submit',
    fromStatus: string | null,
    toStatus: string,
    comment: string | null,
  ): Promise<void> {
    const decisionRow: DecisionRow = {
      id: randomUUID(),
      filing_id: filing.id,
      decision,
      from_status: fromStatus,
      to_status: toStatus,
      comment,
      actor_user_id: ctx.principal.userId,
      actor_name: ctx.principal.displayName,
      organization_id: ctx.principal.organizationId,
      signature_id: null,
      decided_at: new Date(),
    };
    const { signatureId } = await signWithin(tx, ctx, {
      entityType: 'filing_decision',
      entityId: decisionRow.id,
      meaning: MEANING[decision],
      content: decisionContent(decisionRow, filing),
    });
    await tx
      .insertInto('filing_decision')
      .values({ ...decisionRow, signature_id: signatureId, decided_at: undefined })
      .execute();
    await appendAudit(tx, ctx, {
      action: decision,
      entityType: 'filing',
      entityId: filing.id,
      newValues: { decisionId: decisionRow.id, fromStatus, toStatus, signatureId },
      reason: comment,
    });
  }

  async #detail(tx: Tx, row: FilingCore): Promise<FilingDetail> {
    const decisions = await tx
      .selectFrom('filing_decision')
      .selectAll()
      .where('filing_id', '=', row.id)
      .orderBy('decided_at')
      .orderBy('id')
      .execute();
    const documents = await tx
      .selectFrom('consent_document')
      .selectAll()
      .where('filing_id', '=', row.id)
      .orderBy('version')
      .execute();
    return {
      ...toFiling(row),
      decisions: decisions.map((d) => ({
        id: d.id,
        decision: d.decision,
        fromStatus: d.from_status,
        toStatus: d.to_status,
        comment: d.comment,
        actorName: d.actor_name,
        signatureId: d.signature_id,
        decidedAt: iso(d.decided_at)!,
      })),
      consentDocuments: documents.map(toConsentDocument),
    };
  }

  /** Explicit scope on top of row-level security: hospital, named laboratory, sponsor, or the regulator. */
  #scoped(tx: Tx, ctx: RequestContext) {
    const base = tx.selectFrom('filing');
    const p = ctx.principal;
    switch (p.organizationKind) {
      case 'regulator':
        return base;
      case 'hospital':
        return p.role === 'patient'
          ? base.where('id', 'is', null)
          : base.where('hospital_id', '=', p.organizationId);
      case 'laboratory':
        return base.where('laboratory_id', '=', p.organizationId);
      case 'sponsor':
        return base.where('sponsor_id', '=', p.organizationId);
      default:
        return base.where('id', 'is', null);
    }
  }

  async #requireOrganization(tx: Tx, field: string, id: string, kind: string): Promise<void> {
    const org = await tx
      .selectFrom('organization')
      .select(['kind', 'active'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!org || org.kind !== kind || !org.active)
      throw new InvalidInput(field, `must name an active ${kind}`);
  }
}

/** Refuses unless the filing is approved (not returned, suspended or closed): the enrolment and infusion gate. */
export async function requireActiveFiling(tx: Tx, filingId: string): Promise<FilingCore> {
  const filing = await tx
    .selectFrom('filing')
    .select(FILING_COLUMNS)
    .where('id', '=', filingId)
    .executeTakeFirst();
  if (!filing) throw new NotFound('filing');
  if (!filingIsActive(filing.status as FilingStatus)) {
    throw new Refused(
      'filing-not-active',
      `filing ${filing.reference} is ${filing.status}: only an approved, active filing enrols patients or infuses products`,
      { filingStatus: filing.status },
    );
  }
  return filing;
}

function toFiling(r: FilingCore): Filing {
  return {
    id: r.id,
    reference: r.reference,
    hospitalId: r.hospital_id,
    sponsorId: r.sponsor_id,
    laboratoryId: r.laboratory_id,
    technology: r.technology as Technology,
    indication: r.indication,
    productName: r.product_name,
    productCode: r.product_code,
    specificationVersion: r.specification_version,
    protocolVersion: r.protocol_version,
    ethicsApprovalRef: r.ethics_approval_ref,
    ethicsDocumentName: r.ethics_document_name,
    ethicsDocumentSha256: r.ethics_document_sha256,
    storageMaxCelsius: Number(r.storage_max_celsius),
    targetEnrolment: r.target_enrolment,
    criteria: json<EligibilityCriteria>(r.criteria),
    status: r.status as FilingStatus,
    active: filingIsActive(r.status as FilingStatus),
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

function toConsentDocument(r: {
  id: string;
  filing_id: string;
  version: number;
  title: string;
  body: string;
  created_at: Date | string;
}): ConsentDocument {
  return {
    id: r.id,
    filingId: r.filing_id,
    version: r.version,
    title: r.title,
    body: r.body,
    createdAt: iso(r.created_at)!,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
