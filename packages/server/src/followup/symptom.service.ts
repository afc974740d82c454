import { can } from '@cgtlink/domain/access/index';
import { type ProResponse, validateProResponses, worstAnswer } from '@cgtlink/domain/followup/pro-ctcae';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { withPrincipal } from '../db/scoped';
import { Forbidden, InvalidInput, NotFound } from '../errors';
import { checked, todayIso } from './followup.service';

export interface SymptomReport {
  id: string;
  patientId: string;
  pseudonym: string;
  reportedOn: string;
  items: ProResponse[];
  worst: number;
  note: string | null;
  status: string;
  adverseEventId: string | null;
  createdAt: string;
}

/**
 * The patient end's symptom reports (PRO-CTCAE items): a patient or guardian reports for their own record only;
 * the patient's hospital sees them in its inbox and may turn one into an adverse event (FollowupService).
 */
export class SymptomService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly today: () => string = todayIso,
  ) {}

  async report(
    ctx: RequestContext,
    input: { items: ProResponse[]; note?: string | null | undefined; reportedOn?: string | undefined },
  ): Promise<SymptomReport> {
    if (!can(ctx.principal, 'symptom.report') || !ctx.principal.patientId) {
      throw new Forbidden('only a patient or guardian reports symptoms');
    }
    const items = checked(() => validateProResponses(input.items));
    const reportedOn = input.reportedOn ?? this.today();
    if (reportedOn > this.today()) throw new InvalidInput('reportedOn', 'must not be in the future');
    const patientId = ctx.principal.patientId;
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await tx
        .selectFrom('patient')
        .select(['id', 'hospital_id', 'pseudonym'])
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (!patient) throw new NotFound('patient');
      const row = await tx
        .insertInto('symptom_report')
        .values({
          patient_id: patientId,
          hospital_id: patient.hospital_id,
          reported_by: ctx.principal.userId,
          reported_on: reportedOn,
          items: JSON.stringify(items),
          note: input.note?.trim() || null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'symptom_report',
        entityId: row.id,
        newValues: { patientId, reportedOn, items, note: row.note ? '[free text]' : null },
      });
      return reportOf({ ...row, pseudonym: patient.pseudonym });
    });
  }

  /** A patient's own reports, or the hospital's inbox (optionally one patient's). Audited. */
  async list(
    ctx: RequestContext,
    filter: { patientId?: string | undefined; status?: string | undefined } = {},
  ) {
    const principal = ctx.principal;
    const isPatient = principal.role === 'patient';
    if (!isPatient && !can(principal, 'followup.write'))
      throw new Forbidden('you may not read symptom reports');
    return withPrincipal(this.db, principal, async (tx) => {
      let q = tx
        .selectFrom('symptom_report as s')
        .innerJoin('patient as p', 'p.id', 's.patient_id')
        .select([
          's.id',
          's.patient_id',
          'p.pseudonym',
          's.reported_on',
          's.items',
          's.note',
          's.status',
          's.adverse_event_id',
          's.created_at',
        ])
        .orderBy('s.created_at', 'desc')
        .limit(500);
      if (isPatient) q = q.where('s.patient_id', '=', principal.patientId ?? '');
      else q = q.where('s.hospital_id', '=', principal.organizationId);
      if (filter.patientId) q = q.where('s.patient_id', '=', filter.patientId);
      if (filter.status) q = q.where('s.status', '=', filter.status);
      const reports = (await q.execute()).map(reportOf);
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'symptom_report',
        entityId: null,
        newValues: { listed: reports.map((r) => r.id) },
      });
      return reports;
    });
  }
}

function reportOf(r: {
  id: string;
  patient_id: string;
  pseudonym: string;
  reported_on: string;
  items: unknown;
  note: string | null;
  status: string;
  adverse_event_id: string | null;
  created_at: Date | string;
}): SymptomReport {
  const items = (typeof r.items === 'string' ? JSON.parse(r.items) : r.items) as ProResponse[];
  return {
    id: r.id,
    patientId: r.patient_id,
    pseudonym: r.pseudonym,
    reportedOn: r.reported_on,
    items,
    worst: Math.max(...items.map(worstAnswer)),
    note: r.note,
    status: r.status,
    adverseEventId: r.adverse_event_id,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
