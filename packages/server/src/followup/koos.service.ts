import { can } from '@cgtlink/domain/access/index';
import { KOOS_SUBSCALE_CODES, type KoosSubscaleName } from '@cgtlink/domain/followup/measures';
import { type KoosResponses, scoreKoos } from '@cgtlink/domain/scores/koos';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Forbidden, InvalidInput, NotFound } from '../errors';
import { checked, todayIso } from './followup.service';

export interface KoosResponse {
  id: string;
  patientId: string;
  answeredOn: string;
  /** The answers as given, 0–4 per item, null when skipped. */
  items: Record<KoosSubscaleName, (number | null)[]>;
  /** Subscale scores 0–100 (100 = no problems); null when more than two items of the subscale are missing. */
  scores: Record<KoosSubscaleName, number | null>;
  source: string;
  createdAt: string;
}

export interface NewKoosResponse {
  answeredOn?: string | undefined;
  items: KoosResponses;
}

/**
 * The KOOS questionnaire of knee-osteoarthritis patients: answered by the patient (or guardian) on the patient
 * end, or entered from paper by the hospital. The domain's scores module scores the 42 items; each scored
 * subscale is stored as an observation (`koos-pain` …) tied to the response, so the hospital's follow-up view
 * and the KOOS change end point read it like any other measure.
 */
export class KoosService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly today: () => string = todayIso,
  ) {}

  /** The patient's own questionnaire. */
  async report(ctx: RequestContext, input: NewKoosResponse): Promise<KoosResponse> {
    if (!can(ctx.principal, 'symptom.report') || !ctx.principal.patientId) {
      throw new Forbidden('only a patient or guardian answers the KOOS for themselves');
    }
    const patientId = ctx.principal.patientId;
    return this.#save(ctx, patientId, input, 'patient');
  }

  /** A questionnaire answered on paper, entered by the hospital. */
  async record(ctx: RequestContext, patientId: string, input: NewKoosResponse): Promise<KoosResponse> {
    if (!can(ctx.principal, 'followup.write')) throw new Forbidden('you may not record KOOS questionnaires');
    return this.#save(ctx, patientId, input, 'manual');
  }

  async #save(
    ctx: RequestContext,
    patientId: string,
    input: NewKoosResponse,
    source: 'patient' | 'manual',
  ): Promise<KoosResponse> {
    const scored = checked(() => scoreKoos(input.items));
    const answeredOn = input.answeredOn ?? this.today();
    if (answeredOn > this.today()) throw new InvalidInput('answeredOn', 'must not be in the future');
    const scores = Object.fromEntries(
      Object.entries(scored).map(([k, v]) => [k, v.score]),
    ) as KoosResponse['scores'];
    if (Object.values(scores).every((v) => v === null)) {
      throw new InvalidInput('items', 'no subscale can be scored: more than two items missing in each');
    }
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx, patientId);
      const row = await tx
        .insertInto('koos_response')
        .values({
          patient_id: patientId,
          hospital_id: patient.hospital_id,
          answered_on: answeredOn,
          items: JSON.stringify(input.items),
          scores: JSON.stringify(scores),
          source,
          reported_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      for (const [name, score] of Object.entries(scores) as [KoosSubscaleName, number | null][]) {
        if (score === null) continue;
        await tx
          .insertInto('observation')
          .values({
            patient_id: patientId,
            hospital_id: patient.hospital_id,
            code: KOOS_SUBSCALE_CODES[name],
            loinc: null,
            value: score,
            unit: 'score',
            value_canonical: score,
            canonical_unit: 'score',
            observed_on: answeredOn,
            source,
            recorded_by: ctx.principal.userId,
            koos_response_id: row.id,
          })
          .execute();
      }
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'koos_response',
        entityId: row.id,
        newValues: { patientId, answeredOn, source, scores },
      });
      return responseOf(row);
    });
  }

  /** A patient's questionnaires, newest first: the hospital its patients', the patient its own, the regulator de-identified. */
  async list(ctx: RequestContext, patientId: string): Promise<KoosResponse[]> {
    if (!can(ctx.principal, 'followup.read')) throw new Forbidden('you may not read follow-up records');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await this.#patient(tx, ctx, patientId);
      const rows = await tx
        .selectFrom('koos_response')
        .selectAll()
        .where('patient_id', '=', patientId)
        .orderBy('answered_on', 'desc')
        .orderBy('created_at', 'desc')
        .execute();
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'koos_response',
        entityId: patientId,
        newValues: { responses: rows.length },
      });
      return rows.map(responseOf);
    });
  }

  /** The patient row if the principal may reach it; the same NotFound otherwise. */
  async #patient(tx: Tx, ctx: RequestContext, patientId: string) {
    const principal = ctx.principal;
    let q = tx.selectFrom('patient').select(['id', 'hospital_id']).where('id', '=', patientId);
    if (principal.role === 'patient') q = q.where('id', '=', principal.patientId ?? '');
    else if (principal.organizationKind === 'hospital')
      q = q.where('hospital_id', '=', principal.organizationId);
    else if (principal.organizationKind !== 'regulator') throw new NotFound('patient');
    const row = await q.executeTakeFirst();
    if (!row) throw new NotFound('patient');
    return row;
  }
}

function responseOf(r: {
  id: string;
  patient_id: string;
  answered_on: string;
  items: unknown;
  scores: unknown;
  source: string;
  created_at: Date | string;
}): KoosResponse {
  const json = <T>(v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  return {
    id: r.id,
    patientId: r.patient_id,
    answeredOn: r.answered_on,
    items: json<KoosResponse['items']>(r.items),
    scores: json<KoosResponse['scores']>(r.scores),
    source: r.source,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
