import { can } from '@cgtlink/domain/access/index';
import type { Warning } from '@cgtlink/domain/followup/early-warning';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, NotFound } from '../errors';

export interface Alert {
  id: string;
  scope: 'patient' | 'registry';
  patientId: string | null;
  pseudonym: string | null;
  hospitalId: string | null;
  rule: string;
  message: string;
  status: 'open' | 'acknowledged' | 'closed';
  assignedTo: string | null;
  note: string | null;
  raisedAt: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  version: number;
}

/**
 * The alert inbox: the hospital's per-patient early warnings, and the regulator's registry-level signals (it
 * also sees, read-only, the hospitals' patient alerts). An alert is acknowledged (and optionally assigned),
 * then closed with a note.
 */
export class AlertService {
  constructor(private readonly db: Kysely<Schema>) {}

  async list(ctx: RequestContext, filter: { status?: string | undefined } = {}): Promise<Alert[]> {
    if (!can(ctx.principal, 'alert.manage')) throw new Forbidden('you may not read alerts');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      let q = tx
        .selectFrom('alert as a')
        .leftJoin('patient as p', 'p.id', 'a.patient_id')
        .select([
          'a.id',
          'a.scope',
          'a.patient_id',
          'p.pseudonym',
          'a.hospital_id',
          'a.rule',
          'a.message',
          'a.status',
          'a.assigned_to',
          'a.note',
          'a.raised_at',
          'a.acknowledged_at',
          'a.closed_at',
          'a.version',
        ])
        .orderBy('a.raised_at', 'desc')
        .limit(500);
      if (ctx.principal.organizationKind === 'hospital') {
        q = q.where('a.hospital_id', '=', ctx.principal.organizationId);
      }
      if (filter.status) q = q.where('a.status', '=', filter.status);
      const alerts = (await q.execute()).map(alertOf);
      // Alerts name patients and their results: reading them is reading patient records.
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'alert',
        entityId: null,
        newValues: { listed: alerts.length },
      });
      return alerts;
    });
  }

  async acknowledge(
    ctx: RequestContext,
    id: string,
    input: { version: number; assignedTo?: string | null | undefined },
  ): Promise<Alert> {
    return this.#transition(ctx, id, input.version, 'acknowledged', async (tx) => {
      if (input.assignedTo) {
        const user = await tx
          .selectFrom('app_user')
          .select('id')
          .where('id', '=', input.assignedTo)
          .where('organization_id', '=', ctx.principal.organizationId)
          .executeTakeFirst();
        if (!user) throw new NotFound('assignee');
      }
      return {
        status: 'acknowledged',
        acknowledged_at: new Date(),
        assigned_to: input.assignedTo ?? ctx.principal.userId,
      };
    });
  }

  async close(ctx: RequestContext, id: string, input: { version: number; note: string }): Promise<Alert> {
    return this.#transition(ctx, id, input.version, 'closed', async () => ({
      status: 'closed',
      closed_at: new Date(),
      note: input.note,
    }));
  }

  async #transition(
    ctx: RequestContext,
    id: string,
    version: number,
    to: 'acknowledged' | 'closed',
    change: (tx: Tx) => Promise<Record<string, unknown>>,
  ): Promise<Alert> {
    if (!can(ctx.principal, 'alert.manage')) throw new Forbidden('you may not manage alerts');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx.selectFrom('alert').selectAll().where('id', '=', id).executeTakeFirst();
      // The regulator reads hospitals' alerts but manages only registry alerts (RLS refuses the update too).
      const mine =
        before &&
        (ctx.principal.organizationKind === 'hospital'
          ? before.hospital_id === ctx.principal.organizationId
          : before.scope === 'registry');
      if (!before || !mine) throw new NotFound('alert');
      if (before.status === 'closed') throw new Conflict('the alert is closed');
      if (to === 'acknowledged' && before.status !== 'open')
        throw new Conflict('the alert is already acknowledged');
      const values = await change(tx);
      const row = await tx
        .updateTable('alert')
        .set({ ...values, version: before.version + 1 })
        .where('id', '=', id)
        .where('version', '=', version)
        .returning('id')
        .executeTakeFirst();
      if (!row)
        throw new Conflict('the alert was changed by someone else; reload it', { version: before.version });
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'alert',
        entityId: id,
        oldValues: { status: before.status },
        newValues: {
          status: to,
          ...(values.note ? { note: values.note } : {}),
          ...(values.assigned_to ? { assignedTo: values.assigned_to } : {}),
        },
      });
      const out = await tx
        .selectFrom('alert as a')
        .leftJoin('patient as p', 'p.id', 'a.patient_id')
        .select([
          'a.id',
          'a.scope',
          'a.patient_id',
          'p.pseudonym',
          'a.hospital_id',
          'a.rule',
          'a.message',
          'a.status',
          'a.assigned_to',
          'a.note',
          'a.raised_at',
          'a.acknowledged_at',
          'a.closed_at',
          'a.version',
        ])
        .where('a.id', '=', id)
        .executeTakeFirstOrThrow();
      return alertOf(out);
    });
  }
}

/**
 * The one writer of per-patient alerts: raises a warning of the domain's early-warning rules at the patient's
 * hospital, in the caller's transaction and audited there, and never twice for the same cause (the warning's
 * key, unique per patient). The laboratory rules (FollowupService) and the patient's own symptom reports
 * (SymptomService) both raise through it. Answers the new alert's id, or null when nothing fired or the cause
 * already had its alert.
 */
export async function raiseAlert(
  tx: Tx,
  ctx: RequestContext,
  patient: { id: string; hospital_id: string },
  warning: Warning | null,
): Promise<string | null> {
  if (!warning) return null;
  const inserted = await tx
    .insertInto('alert')
    .values({
      scope: 'patient',
      patient_id: patient.id,
      hospital_id: patient.hospital_id,
      rule: warning.rule,
      dedup_key: alertKey(patient.id, warning.key),
      message: warning.message,
      ...(warning.detail ? { detail: JSON.stringify(warning.detail) } : {}),
    })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await appendAudit(tx, ctx, {
    action: 'create',
    entityType: 'alert',
    entityId: inserted.id,
    newValues: {
      patientId: patient.id,
      rule: warning.rule,
      message: warning.message,
      ...(warning.detail ? { detail: warning.detail } : {}),
    },
  });
  return inserted.id;
}

/** The alert's unique cause: the patient and the warning's key. */
export const alertKey = (patientId: string, warningKey: string) => `${patientId}:${warningKey}`;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function alertOf(r: {
  id: string;
  scope: string;
  patient_id: string | null;
  pseudonym: string | null;
  hospital_id: string | null;
  rule: string;
  message: string;
  status: string;
  assigned_to: string | null;
  note: string | null;
  raised_at: Date | string;
  acknowledged_at: Date | string | null;
  closed_at: Date | string | null;
  version: number;
}): Alert {
  return {
    id: r.id,
    scope: r.scope as Alert['scope'],
    patientId: r.patient_id,
    pseudonym: r.pseudonym,
    hospitalId: r.hospital_id,
    rule: r.rule,
    message: r.message,
    status: r.status as Alert['status'],
    assignedTo: r.assigned_to,
    note: r.note,
    raisedAt: iso(r.raised_at) as string,
    acknowledgedAt: iso(r.acknowledged_at),
    closedAt: iso(r.closed_at),
    version: r.version,
  };
}
