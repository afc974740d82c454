import { createHash } from 'node:crypto';
import { can } from '@cgtlink/domain/access/index';
import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { AuthService } from '../auth/auth.service';
import type { RequestContext } from '../context';
import type { Schema, SignatureTable } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Forbidden, InvalidInput, NotFound } from '../errors';

export const SIGNATURE_MEANINGS = ['authored', 'reviewed', 'approved', 'released'] as const;
export type SignatureMeaning = (typeof SIGNATURE_MEANINGS)[number];

/**
 * A kind of record that can be signed: how to load its signed content inside the signer's scope, and which
 * meanings which roles may apply. Later slices (filing approval, batch release) register their own.
 */
export interface Signable {
  entityType: string;
  /** The content the signature binds to; undefined when the record is outside the principal's scope. */
  load(tx: Tx, entityId: string): Promise<Record<string, unknown> | undefined>;
  mayApply(ctx: RequestContext, meaning: SignatureMeaning): boolean;
}

export interface Signature {
  id: string;
  entityType: string;
  entityId: string;
  meaning: SignatureMeaning;
  printedName: string;
  role: string;
  signedAt: string;
  contentHash: string;
  /** False once the record has changed since it was signed. */
  valid: boolean;
}

/** A stored signature as shown with its record: valid while the record still hashes to what was signed. */
function toSignature(row: Selectable<SignatureTable>, currentContentHash: string): Signature {
  return {
    id: row.id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    meaning: row.meaning as SignatureMeaning,
    printedName: row.printed_name,
    role: row.role,
    signedAt: new Date(row.signed_at).toISOString(),
    contentHash: row.content_hash,
    valid: row.content_hash === currentContentHash,
  };
}

export function contentHash(content: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * Electronic signatures (21 CFR 11.50/11.70 style): the signer re-enters the password; the signature shows the
 * printed name, time and meaning and is bound to the SHA-256 of the record's canonical content, so any later
 * change to the record shows the signature as no longer valid.
 */
export class SignatureService {
  readonly #signables = new Map<string, Signable>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly auth: AuthService,
  ) {}

  register(signable: Signable): void {
    this.#signables.set(signable.entityType, signable);
  }

  async sign(
    ctx: RequestContext,
    input: { entityType: string; entityId: string; meaning: SignatureMeaning; password: string; ip: string },
  ): Promise<Signature> {
    if (!can(ctx.principal, 'signature.sign')) throw new Forbidden('you may not sign records');
    const signable = this.#signables.get(input.entityType);
    if (!signable)
      throw new InvalidInput('entityType', `records of type ${input.entityType} cannot be signed`);
    if (!signable.mayApply(ctx, input.meaning)) {
      throw new Forbidden(
        `role ${ctx.principal.role} may not sign a ${input.entityType} as ${input.meaning}`,
      );
    }
    await this.auth.reauthenticate(ctx.principal, input.password, input.ip);
    return withPrincipal(this.db, ctx.principal, (tx) => this.signWithin(tx, ctx, input));
  }

  /**
   * Applies a signature inside the caller's transaction, after the caller has re-authenticated the signer:
   * an act that must be signed (a batch release) records its signature and its effect all-or-nothing.
   */
  async signWithin(
    tx: Tx,
    ctx: RequestContext,
    input: { entityType: string; entityId: string; meaning: SignatureMeaning },
  ): Promise<Signature> {
    const signable = this.#signables.get(input.entityType);
    if (!signable)
      throw new InvalidInput('entityType', `records of type ${input.entityType} cannot be signed`);
    if (!signable.mayApply(ctx, input.meaning)) {
      throw new Forbidden(
        `role ${ctx.principal.role} may not sign a ${input.entityType} as ${input.meaning}`,
      );
    }
    const content = await signable.load(tx, input.entityId);
    if (!content) throw new NotFound(input.entityType);
    const hash = contentHash(content);
    const row = await tx
      .insertInto('signature')
      .values({
        entity_type: input.entityType,
        entity_id: input.entityId,
        meaning: input.meaning,
        signer_user_id: ctx.principal.userId,
        organization_id: ctx.principal.organizationId,
        printed_name: ctx.principal.displayName,
        role: ctx.principal.role,
        content_hash: hash,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(tx, ctx, {
      action: 'sign',
      entityType: input.entityType,
      entityId: input.entityId,
      newValues: { meaning: input.meaning, contentHash: hash, signatureId: row.id },
    });
    return toSignature(row, hash);
  }

  /** The signatures on a record, each checked against the record's current content. */
  async forRecord(ctx: RequestContext, entityType: string, entityId: string): Promise<Signature[]> {
    const signable = this.#signables.get(entityType);
    if (!signable) throw new InvalidInput('entityType', `records of type ${entityType} cannot be signed`);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const content = await signable.load(tx, entityId);
      if (!content) throw new NotFound(entityType);
      const current = contentHash(content);
      const rows = await tx
        .selectFrom('signature')
        .selectAll()
        .where('entity_type', '=', entityType)
        .where('entity_id', '=', entityId)
        .orderBy('signed_at')
        .execute();
      return rows.map((row) => toSignature(row, current));
    });
  }
}
