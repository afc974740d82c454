import { randomUUID } from 'node:crypto';
import type { Principal } from '@cgtlink/domain/access/index';
import type { StepParty } from '@cgtlink/domain/pathway/machine';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Tx } from '../db/scoped';
import { ServiceError } from '../errors';
import { contentHash, type SignatureMeaning } from '../signatures/signature.service';

/**
 * A refused act of the pathway (out-of-order step, suspended filing, withdrawn consent, identity mismatch,
 * unreleased or expired product, temperature excursion): 409 with a stable `code` and the reason in words.
 */
export class Refused extends ServiceError {
  constructor(code: string, detail: string, extra: Record<string, unknown> = {}) {
    super(409, `https://cgtlink.dev/problems/${code}`, 'Refused', detail, { code, ...extra });
  }
}

/** The end of the pathway a principal records for, or null for those who only read. */
export function partyOf(principal: Principal): StepParty | null {
  if (principal.organizationKind === 'hospital' && principal.role !== 'patient') return 'hospital';
  if (principal.organizationKind === 'laboratory') return 'laboratory';
  return null;
}

/**
 * Applies an electronic signature inside the caller's transaction, after the caller re-authenticated the signer
 * (AuthService.reauthenticate): bound to the SHA-256 of the signed content (DESIGN.md §3.2), audited with it.
 */
export async function signWithin(
  tx: Tx,
  ctx: RequestContext,
  input: {
    entityType: string;
    entityId?: string;
    meaning: SignatureMeaning;
    content: Record<string, unknown>;
    signer?: { userId: string; organizationId: string; displayName: string; role: string };
  },
): Promise<{ signatureId: string; entityId: string }> {
  const entityId = input.entityId ?? randomUUID();
  const signer = input.signer ?? ctx.principal;
  const hash = contentHash(input.content);
  const row = await tx
    .insertInto('signature')
    .values({
      entity_type: input.entityType,
      entity_id: entityId,
      meaning: input.meaning,
      signer_user_id: signer.userId,
      organization_id: signer.organizationId,
      printed_name: signer.displayName,
      role: signer.role,
      content_hash: hash,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await appendAudit(tx, ctx, {
    action: 'sign',
    entityType: input.entityType,
    entityId,
    newValues: { meaning: input.meaning, contentHash: hash, signatureId: row.id, signer: signer.userId },
  });
  return { signatureId: row.id, entityId };
}

/** Notifies an organization (the hospital of a suspension, both sides of a deviation). */
export async function notify(
  tx: Tx,
  organizationId: string,
  input: { kind: string; subject: string; entityType: string; entityId: string },
): Promise<void> {
  await tx
    .insertInto('notification')
    .values({
      organization_id: organizationId,
      kind: input.kind,
      subject: input.subject,
      entity_type: input.entityType,
      entity_id: input.entityId,
    })
    .execute();
}

/** ISO string of a timestamp column, whatever the driver returned. */
export function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** Parses a jsonb column that the drivers return parsed (pg) or as text. */
export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** A random code of upper-case letters and digits (Crockford base32, no I, L, O, U). */
export function randomCode(length: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % 32]).join('');
}

/** A date column as `YYYY-MM-DD`, whether the driver returned a Date (pg) or text. */
export function dateText(value: string | Date): string {
  if (value instanceof Date) {
    const y = value.getFullYear();
    const m = String(value.getMonth() + 1).padStart(2, '0');
    const d = String(value.getDate()).padStart(2, '0');
    return `${y}-${m}-${d}`;
  }
  return String(value).slice(0, 10);
}
