import { can } from '@cgtlink/domain/access/index';
import { proCtcaeSevere, proCtcaeSevereKey } from '@cgtlink/domain/followup/early-warning';
import { type ProResponse, validateProResponses, worstAnswer } from '@cgtlink/domain/followup/pro-ctcae';
import { type Kysely, sql } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { withPrincipal } from '../db/scoped';
import { Forbidden, InvalidInput, NotFound } from '../errors';
import { alertKey, raiseAlert } from './alert.service';
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
  /** The alert the report raised at the patient's hospital (a severe or very severe answer), or null. */
  hospitalAlert: { raisedAt: string; status: string } | null;
  createdAt: string;
}

/**
 * The patient end's symptom reports (PRO-CTCAE items): a patient or guardian reports for their own record only;
 * the patient's hospital sees them in its inbox and may turn one into an adverse event (FollowupService). A report
 * with a severe or very severe answer (the domain's `proCtcaeSevere`) raises an alert at the hospital in the
 * report's transaction, and the report then says the hospital was told.
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
      // The patient's free-text note never goes into the alert: the regulator reads alerts de-identified.
      await raiseAlert(
        tx,
        ctx,
        patient,
        checked(() => proCtcaeSevere({ id: row.id, items })),
      );
      const alert = await tx
        .selectFrom('alert')
        .select(['raised_at as alert_raised_at', 'status as alert_status'])
        .where('dedup_key', '=', alertKey(patientId, proCtcaeSevereKey(row.id)))
        .executeTakeFirst();
      return reportOf({
        ...row,
        pseudonym: patient.pseudonym,
        alert_raised_at: alert?.alert_raised_at ?? null,
        alert_status: alert?.alert_status ?? null,
      });
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
        // The alert the report raised, by its key (`alertKey` over `proCtcaeSevereKey`, unique and indexed);
        // row-level security shows it to the hospital and to the patient who reported.
        .leftJoin('alert as a', (join) =>
          join.on('a.dedup_key', '=', sql<string>`s.patient_id::text || ':pro-ctcae:' || s.id::text`),
        )
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
          'a.raised_at as alert_raised_at',
          'a.status as alert_status',
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
  alert_raised_at: Date | string | null;
  alert_status: string | null;
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
    hospitalAlert:
      r.alert_raised_at === null
        ? null
        : { raisedAt: new Date(r.alert_raised_at).toISOString(), status: r.alert_status ?? 'open' },
    createdAt: new Date(r.created_at).toISOString(),
  };
}
