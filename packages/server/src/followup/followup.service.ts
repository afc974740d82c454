import { can, type Principal } from '@cgtlink/domain/access/index';
import type { Action } from '@cgtlink/domain/access/policy';
import type { GraftSource } from '@cgtlink/domain/clinical/engraftment';
import {
  canonicalUnitOf,
  checkMethod,
  type LabCode,
  labCodeInfo,
  type ObservationCategory,
  toCanonicalLab,
} from '@cgtlink/domain/followup/catalog';
import { grade3Event } from '@cgtlink/domain/followup/early-warning';
import { computeEndpoints, type Endpoints, laboratoryWarnings } from '@cgtlink/domain/followup/endpoints';
import {
  type Causality,
  expeditedClock,
  expeditedStatus,
  isLate,
  type SeriousnessCriterion,
} from '@cgtlink/domain/followup/expedited';
import {
  decideGrade,
  type GradeProposal,
  proposeGradeFromLab,
} from '@cgtlink/domain/followup/grade-proposal';
import { type GradedForm, gradeForm } from '@cgtlink/domain/followup/graded-forms';
import {
  computeMeasureEndpoints,
  type GvhdEventRecord,
  isGvhdTerm,
  type MeasureEndpoints,
} from '@cgtlink/domain/followup/measures';
import {
  followUpSchedule,
  isLostToFollowUp,
  type Protocol,
  visitStatus,
} from '@cgtlink/domain/followup/schedule';
import { DomainInputError } from '@cgtlink/domain/grading/input';
import { type Kysely, sql } from 'kysely';
import { appendAudit, diffValues } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors';
import { raiseAlert } from './alert.service';

/** Runs a domain rule and answers a bad value as a field error instead of a 500. */
export function checked<T>(rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (error instanceof DomainInputError) throw new InvalidInput(error.field, error.message);
    throw error;
  }
}

export function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

function require(principal: Principal, action: Action, what: string): void {
  if (!can(principal, action)) throw new Forbidden(`you may not ${what}`);
}

function jsonOf<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export interface Enrolment {
  id: string;
  patientId: string;
  filingId: string | null;
  productName: string;
  graftSource: GraftSource;
  protocol: Protocol;
  infusionDate: string;
  referenceTerms: string[];
  status: string;
  version: number;
}

export interface Observation {
  id: string;
  patientId: string;
  code: LabCode;
  category: ObservationCategory;
  loinc: string | null;
  /** Acquisition method (liver iron by MRI: R2 or R2*), else null. */
  method: string | null;
  value: number;
  unit: string;
  valueCanonical: number;
  canonicalUnit: string;
  llnCanonical: number | null;
  ulnCanonical: number | null;
  observedOn: string;
  source: string;
  status: string;
  version: number;
}

export interface Transfusion {
  id: string;
  patientId: string;
  givenOn: string;
  product: 'red-cells' | 'platelets' | 'plasma' | 'other';
  volumeMl: number | null;
  units: number | null;
  source: string;
  status: string;
  version: number;
}

export interface AdverseEvent {
  id: string;
  patientId: string;
  pseudonym: string;
  hospitalId: string;
  productName: string | null;
  term: string;
  ctcaeTerm: string | null;
  grade: number;
  proposedGrade: number | null;
  proposalReason: string | null;
  overrideReason: string | null;
  sourceObservationId: string | null;
  symptomReportId: string | null;
  onsetDate: string;
  resolutionDate: string | null;
  seriousness: SeriousnessCriterion[];
  serious: boolean;
  causalityProduct: Causality;
  causalityProcedure: Causality;
  expected: boolean;
  outcome: string;
  awarenessDate: string;
  expedited: {
    required: boolean;
    days: number | null;
    dueDate: string | null;
    submittedOn: string | null;
    status: string;
    late: boolean;
  };
  version: number;
}

export interface NewObservation {
  code: string;
  value: number;
  unit: string;
  observedOn: string;
  lln?: number | null | undefined;
  uln?: number | null | undefined;
  limitUnit?: string | null | undefined;
  method?: string | null | undefined;
}

export interface ObservationCorrection {
  value?: number | undefined;
  unit?: string | undefined;
  method?: string | null | undefined;
  observedOn?: string | undefined;
  status?: 'final' | 'entered-in-error' | undefined;
  version: number;
  reason: string;
}

export interface NewTransfusion {
  givenOn: string;
  product: Transfusion['product'];
  volumeMl?: number | null | undefined;
  units?: number | null | undefined;
}

export interface NewAdverseEvent {
  term: string;
  grade: number;
  overrideReason?: string | null | undefined;
  sourceObservationId?: string | null | undefined;
  symptomReportId?: string | null | undefined;
  onsetDate: string;
  resolutionDate?: string | null | undefined;
  seriousness: SeriousnessCriterion[];
  causalityProduct: Causality;
  causalityProcedure: Causality;
  /** Omitted: decided against the enrolment's reference list of expected terms. */
  expected?: boolean | undefined;
  outcome: string;
  awarenessDate: string;
  narrative?: string | null | undefined;
  /** A GVHD, CRS or ICANS form: its own rules propose the term and grade. */
  form?: { kind: string; input: Record<string, unknown> } | null | undefined;
}

export interface AdverseEventFollowUp {
  grade?: number | undefined;
  overrideReason?: string | null | undefined;
  outcome?: string | undefined;
  resolutionDate?: string | null | undefined;
  seriousness?: SeriousnessCriterion[] | undefined;
  causalityProduct?: Causality | undefined;
  note?: string | null | undefined;
  version: number;
}

type CtcaeGradeValue = GradeProposal['grade'];

type ObservationRow = Awaited<ReturnType<FollowupService['selectObservations']>>[number];

/**
 * Follow-up records of a patient and what is computed from them. Every call runs scoped by the principal
 * (row-level security as well as the explicit scope below); every write and every read of a patient's records
 * is audited in the same transaction; end points are recomputed from the raw records on every read, and the
 * early-warning rules are re-evaluated after every write.
 */
export class FollowupService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly today: () => string = todayIso,
  ) {}

  // ---------- patients in scope ----------

  /** The patient row if the principal may reach it; the same NotFound otherwise. */
  async #patient(tx: Tx, principal: Principal, patientId: string) {
    let q = tx.selectFrom('patient').select(['id', 'hospital_id', 'pseudonym']).where('id', '=', patientId);
    if (principal.role === 'patient') q = q.where('id', '=', principal.patientId ?? '');
    else if (principal.organizationKind === 'hospital')
      q = q.where('hospital_id', '=', principal.organizationId);
    else if (principal.organizationKind !== 'regulator') throw new NotFound('patient');
    const row = await q.executeTakeFirst();
    if (!row) throw new NotFound('patient');
    return row;
  }

  // ---------- enrolment and schedule ----------

  async enrol(
    ctx: RequestContext,
    patientId: string,
    input: {
      productName: string;
      graftSource: GraftSource;
      protocol: Protocol;
      infusionDate: string;
      referenceTerms: string[];
      filingId?: string | null | undefined;
    },
  ): Promise<Enrolment> {
    require(ctx.principal, 'followup.write', 'enrol patients in follow-up');
    const schedule = checked(() => followUpSchedule(input.protocol, input.infusionDate));
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      const existing = await tx
        .selectFrom('followup_enrolment')
        .select('id')
        .where('patient_id', '=', patientId)
        .executeTakeFirst();
      if (existing) throw new Conflict('this patient is already enrolled in follow-up');
      const row = await tx
        .insertInto('followup_enrolment')
        .values({
          patient_id: patientId,
          hospital_id: patient.hospital_id,
          filing_id: input.filingId ?? null,
          product_name: input.productName,
          graft_source: input.graftSource,
          protocol: input.protocol,
          infusion_date: input.infusionDate,
          reference_terms: JSON.stringify(input.referenceTerms),
          created_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('followup_visit')
        .values(
          schedule.map((v) => ({
            patient_id: patientId,
            hospital_id: patient.hospital_id,
            label: v.label,
            due_date: v.dueDate,
            window_start: v.windowStart,
            window_end: v.windowEnd,
          })),
        )
        .execute();
      const enrolment = enrolmentOf(row);
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'followup_enrolment',
        entityId: enrolment.id,
        newValues: { ...enrolment, visits: schedule.length },
      });
      return enrolment;
    });
  }

  /**
   * Visits past their window and not attended, for active enrolments: the hospital its own patients', the
   * regulator every hospital's (de-identified). Each row says whether the patient is now lost to follow-up.
   */
  async overdueVisits(ctx: RequestContext) {
    require(ctx.principal, 'followup.read', 'read follow-up visits');
    if (ctx.principal.role === 'patient') throw new Forbidden('a patient sees visits in their own record');
    const today = this.today();
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      let q = tx
        .selectFrom('followup_visit as v')
        .innerJoin('followup_enrolment as e', 'e.patient_id', 'v.patient_id')
        .innerJoin('patient as p', 'p.id', 'v.patient_id')
        .select([
          'v.id',
          'v.patient_id',
          'p.pseudonym',
          'v.hospital_id',
          'v.label',
          'v.due_date',
          'v.window_start',
          'v.window_end',
          'v.version',
          'e.product_name',
        ])
        .where('v.attended_on', 'is', null)
        .where('v.window_end', '<', today)
        .where('e.status', '=', 'active')
        .orderBy('v.window_end')
        .limit(1000);
      if (ctx.principal.organizationKind === 'hospital')
        q = q.where('v.hospital_id', '=', ctx.principal.organizationId);
      const rows = await q.execute();
      const patientIds = [...new Set(rows.map((r) => r.patient_id))];
      const contacts =
        patientIds.length === 0
          ? []
          : await tx
              .selectFrom('followup_visit')
              .select(['patient_id', (eb) => eb.fn.max('attended_on').as('last')])
              .where('patient_id', 'in', patientIds)
              .groupBy('patient_id')
              .execute();
      const lastContact = new Map(contacts.map((c) => [c.patient_id, (c.last as string | null) ?? null]));
      const byPatient = new Map<string, typeof rows>();
      for (const r of rows) byPatient.set(r.patient_id, [...(byPatient.get(r.patient_id) ?? []), r]);
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'followup_visit',
        entityId: null,
        newValues: { overdue: rows.length },
      });
      return rows.map((r) => {
        const visit = {
          label: r.label,
          dueDate: r.due_date,
          windowStart: r.window_start,
          windowEnd: r.window_end,
        };
        const missed = (byPatient.get(r.patient_id) ?? []).map((m) => ({
          visit: {
            label: m.label,
            dueDate: m.due_date,
            windowStart: m.window_start,
            windowEnd: m.window_end,
          },
          attendedOn: null,
        }));
        return {
          id: r.id,
          patientId: r.patient_id,
          pseudonym: r.pseudonym,
          hospitalId: r.hospital_id,
          productName: r.product_name,
          ...visit,
          daysOverdue: Math.round((Date.parse(today) - Date.parse(r.window_end)) / 86_400_000),
          lostToFollowUp: isLostToFollowUp(missed, lastContact.get(r.patient_id) ?? null, today),
          version: r.version,
        };
      });
    });
  }

  /** Records that a planned visit took place. */
  async attendVisit(ctx: RequestContext, id: string, input: { attendedOn: string; version: number }) {
    require(ctx.principal, 'followup.write', 'record visits');
    checkDate(input.attendedOn, 'attendedOn', this.today());
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('followup_visit')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!before) throw new NotFound('visit');
      await this.#patient(tx, ctx.principal, before.patient_id);
      const row = await tx
        .updateTable('followup_visit')
        .set({ attended_on: input.attendedOn, version: before.version + 1 })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .returning(['id', 'attended_on', 'version'])
        .executeTakeFirst();
      if (!row)
        throw new Conflict('the visit was changed by someone else; reload it', { version: before.version });
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'followup_visit',
        entityId: id,
        oldValues: { attendedOn: before.attended_on },
        newValues: { attendedOn: input.attendedOn },
      });
      return { id: row.id, attendedOn: row.attended_on, version: row.version };
    });
  }

  // ---------- observations ----------

  async addObservation(
    ctx: RequestContext,
    patientId: string,
    input: NewObservation,
    source: 'manual' | 'csv' | 'api' | 'seed' = 'api',
  ): Promise<Observation> {
    require(ctx.principal, 'followup.write', 'record observations');
    const values = normalizeObservation(input);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      const observation = await this.#insertObservation(tx, ctx, patient, values, source);
      await this.#raiseLaboratoryWarnings(tx, ctx, patient);
      return observation;
    });
  }

  /**
   * Records several observations of one patient at once, all or nothing (a set of vital signs, or bilirubin,
   * creatinine and INR for a MELD); a bad entry refuses the whole set, naming it (`observations[2].value`).
   */
  async addObservations(
    ctx: RequestContext,
    patientId: string,
    inputs: NewObservation[],
    source: 'manual' | 'csv' | 'api' | 'seed' = 'api',
  ): Promise<Observation[]> {
    require(ctx.principal, 'followup.write', 'record observations');
    if (inputs.length === 0) throw new InvalidInput('observations', 'give at least one observation');
    const values = inputs.map((input, i) => {
      try {
        return normalizeObservation(input);
      } catch (error) {
        if (error instanceof InvalidInput) {
          const e = (error.extra.errors as { field: string; message: string }[])[0]!;
          throw new InvalidInput(`observations[${i}].${e.field}`, e.message);
        }
        throw error;
      }
    });
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      const out: Observation[] = [];
      for (const v of values) out.push(await this.#insertObservation(tx, ctx, patient, v, source));
      await this.#raiseLaboratoryWarnings(tx, ctx, patient);
      return out;
    });
  }

  /**
   * Imports laboratory results from CSV text (header `code,value,unit,observedOn` and optionally `lln`, `uln`,
   * `limitUnit`), all or nothing: one bad row refuses the whole file, naming the row and the field
   * (`rows[3].unit`, counting data rows from 1).
   */
  async importObservationsCsv(
    ctx: RequestContext,
    patientId: string,
    csv: string,
  ): Promise<{ imported: number }> {
    require(ctx.principal, 'followup.write', 'import observations');
    const rows = parseSimpleCsv(csv);
    const values = rows.map((row, i) => {
      const field = (name: string) => `rows[${i + 1}].${name}`;
      const number = (name: string, required: boolean) => {
        const text = row[name]?.trim() ?? '';
        if (text === '') {
          if (required) throw new InvalidInput(field(name), 'required');
          return null;
        }
        const n = Number(text);
        if (!Number.isFinite(n)) throw new InvalidInput(field(name), `not a number: ${text}`);
        return n;
      };
      try {
        return normalizeObservation({
          code: row.code?.trim() ?? '',
          value: number('value', true) as number,
          unit: row.unit?.trim() ?? '',
          observedOn: row.observedOn?.trim() ?? '',
          lln: number('lln', false),
          uln: number('uln', false),
          limitUnit: row.limitUnit?.trim() || null,
          method: row.method?.trim() || null,
        });
      } catch (error) {
        if (error instanceof InvalidInput) {
          const e = (error.extra.errors as { field: string; message: string }[])[0]!;
          throw new InvalidInput(field(e.field), e.message);
        }
        throw error;
      }
    });
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      for (const v of values) await this.#insertObservation(tx, ctx, patient, v, 'csv');
      await this.#raiseLaboratoryWarnings(tx, ctx, patient);
      return { imported: values.length };
    });
  }

  async #insertObservation(
    tx: Tx,
    ctx: RequestContext,
    patient: { id: string; hospital_id: string },
    values: ReturnType<typeof normalizeObservation>,
    source: 'manual' | 'csv' | 'api' | 'seed',
  ): Promise<Observation> {
    const row = await tx
      .insertInto('observation')
      .values({
        ...values,
        patient_id: patient.id,
        hospital_id: patient.hospital_id,
        source,
        recorded_by: ctx.principal.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const observation = observationOf(row);
    await appendAudit(tx, ctx, {
      action: 'create',
      entityType: 'observation',
      entityId: observation.id,
      newValues: { patientId: patient.id, ...pick(observation) },
    });
    return observation;
  }

  /** Corrects a result (value, unit, date, or marks it entered in error), with a reason, optimistic locking. */
  async correctObservation(
    ctx: RequestContext,
    id: string,
    input: ObservationCorrection,
  ): Promise<Observation> {
    require(ctx.principal, 'followup.write', 'correct observations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx.selectFrom('observation').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw new NotFound('observation');
      const patient = await this.#patient(tx, ctx.principal, before.patient_id);
      if (before.version !== input.version) {
        throw new Conflict('the observation was changed by someone else; reload it', {
          version: before.version,
        });
      }
      const lln = before.lln_canonical;
      const uln = before.uln_canonical;
      const code = before.code as LabCode;
      const unit = input.unit ?? before.unit;
      const canonicalUnit = canonicalUnitOf(code);
      const values = normalizeObservation({
        code,
        value: input.value ?? before.value,
        unit,
        observedOn: input.observedOn ?? before.observed_on,
        lln,
        uln,
        limitUnit: canonicalUnit,
        method: input.method === undefined ? before.method : input.method,
      });
      const row = await tx
        .updateTable('observation')
        .set({
          ...values,
          status: input.status ?? before.status,
          version: before.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new Conflict('the observation was changed by someone else; reload it');
      const after = observationOf(row);
      const diff = diffValues(pick(observationOf(before)), pick(after));
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'observation',
        entityId: id,
        oldValues: diff?.oldValues ?? null,
        newValues: diff?.newValues ?? null,
        reason: input.reason,
      });
      await this.#raiseLaboratoryWarnings(tx, ctx, patient);
      return after;
    });
  }

  async addTransfusion(
    ctx: RequestContext,
    patientId: string,
    input: NewTransfusion,
    source: 'manual' | 'csv' | 'api' | 'seed' = 'api',
  ): Promise<Transfusion> {
    require(ctx.principal, 'followup.write', 'record transfusions');
    checkDate(input.givenOn, 'givenOn', this.today());
    if (input.volumeMl == null && input.units == null) {
      throw new InvalidInput('volumeMl', 'give the volume in mL or the number of units');
    }
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      const row = await tx
        .insertInto('transfusion')
        .values({
          patient_id: patientId,
          hospital_id: patient.hospital_id,
          given_on: input.givenOn,
          product: input.product,
          volume_ml: input.volumeMl ?? null,
          units: input.units ?? null,
          source,
          recorded_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const transfusion = transfusionOf(row);
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'transfusion',
        entityId: transfusion.id,
        newValues: {
          patientId,
          givenOn: input.givenOn,
          product: input.product,
          volumeMl: input.volumeMl ?? null,
          units: input.units ?? null,
        },
      });
      await this.#raiseLaboratoryWarnings(tx, ctx, patient);
      return transfusion;
    });
  }

  /** The patient's transfusion diary: an entry for their own record, counted once the hospital confirms it. */
  async reportTransfusion(
    ctx: RequestContext,
    input: {
      givenOn: string;
      product: Transfusion['product'];
      volumeMl?: number | null | undefined;
      units?: number | null | undefined;
    },
  ): Promise<Transfusion> {
    if (!can(ctx.principal, 'symptom.report') || !ctx.principal.patientId) {
      throw new Forbidden('only a patient or guardian keeps a transfusion diary');
    }
    checkDate(input.givenOn, 'givenOn', this.today());
    if (input.volumeMl == null && input.units == null) {
      throw new InvalidInput('volumeMl', 'give the volume in mL or the number of units');
    }
    const patientId = ctx.principal.patientId;
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      const row = await tx
        .insertInto('transfusion')
        .values({
          patient_id: patientId,
          hospital_id: patient.hospital_id,
          given_on: input.givenOn,
          product: input.product,
          volume_ml: input.volumeMl ?? null,
          units: input.units ?? null,
          source: 'patient',
          status: 'patient-reported',
          recorded_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'transfusion',
        entityId: row.id,
        newValues: { patientId, givenOn: input.givenOn, product: input.product, status: 'patient-reported' },
      });
      return transfusionOf(row);
    });
  }

  /** The hospital confirms a diary entry; from then on it counts in the end points. */
  async confirmTransfusion(
    ctx: RequestContext,
    id: string,
    input: { version: number },
  ): Promise<Transfusion> {
    require(ctx.principal, 'followup.write', 'confirm transfusions');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx.selectFrom('transfusion').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw new NotFound('transfusion');
      const patient = await this.#patient(tx, ctx.principal, before.patient_id);
      if (before.status !== 'patient-reported')
        throw new Conflict('only a patient-reported entry is confirmed');
      return this.#setTransfusionStatus(tx, ctx, patient, before, 'final', input.version, null);
    });
  }

  /** A transfusion's status change under the optimistic version check, audited; warnings re-evaluated. */
  async #setTransfusionStatus(
    tx: Tx,
    ctx: RequestContext,
    patient: { id: string; hospital_id: string },
    before: { id: string; status: string; version: number },
    status: 'final' | 'entered-in-error',
    expectedVersion: number,
    reason: string | null,
  ): Promise<Transfusion> {
    const row = await tx
      .updateTable('transfusion')
      .set({ status, version: before.version + 1, updated_at: new Date() })
      .where('id', '=', before.id)
      .where('version', '=', expectedVersion)
      .returningAll()
      .executeTakeFirst();
    if (!row)
      throw new Conflict('the transfusion was changed by someone else; reload it', {
        version: before.version,
      });
    await appendAudit(tx, ctx, {
      action: 'update',
      entityType: 'transfusion',
      entityId: before.id,
      oldValues: { status: before.status },
      newValues: { status },
      reason,
    });
    await this.#raiseLaboratoryWarnings(tx, ctx, patient);
    return transfusionOf(row);
  }

  /** Marks a transfusion entered in error (with a reason); end points recompute without it. */
  async retractTransfusion(
    ctx: RequestContext,
    id: string,
    input: { version: number; reason: string },
  ): Promise<Transfusion> {
    require(ctx.principal, 'followup.write', 'correct transfusions');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx.selectFrom('transfusion').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw new NotFound('transfusion');
      const patient = await this.#patient(tx, ctx.principal, before.patient_id);
      return this.#setTransfusionStatus(
        tx,
        ctx,
        patient,
        before,
        'entered-in-error',
        input.version,
        input.reason,
      );
    });
  }

  /**
   * A patient's follow-up: enrolment, raw records, visits, adverse events and the end points computed from the
   * records now. Hospital staff and the patient see their own; the regulator the same de-identified. Audited.
   */
  async summary(ctx: RequestContext, patientId: string) {
    require(ctx.principal, 'followup.read', 'read follow-up records');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      const enrolmentRow = await tx
        .selectFrom('followup_enrolment')
        .select([
          'id',
          'patient_id',
          'filing_id',
          'product_name',
          'graft_source',
          'protocol',
          'infusion_date',
          'reference_terms',
          'status',
          'version',
        ])
        .where('patient_id', '=', patientId)
        .executeTakeFirst();
      const observations = (await this.selectObservations(tx, patientId)).map(observationOf);
      const transfusions = (
        await tx
          .selectFrom('transfusion')
          .selectAll()
          .where('patient_id', '=', patientId)
          .orderBy('given_on')
          .execute()
      ).map(transfusionOf);
      const visits = await tx
        .selectFrom('followup_visit')
        .select(['id', 'label', 'due_date', 'window_start', 'window_end', 'attended_on'])
        .where('patient_id', '=', patientId)
        .orderBy('due_date')
        .execute();
      const today = this.today();
      const adverseEvents = await this.#adverseEvents(tx, patientId);
      const enrolment = enrolmentRow ? enrolmentOf(enrolmentRow) : null;
      const endpoints = enrolment ? endpointsOf(enrolment, observations, transfusions) : null;
      const measures = enrolment
        ? measuresOf(enrolment, observations, await this.#gvhdEvents(tx, adverseEvents))
        : null;
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'followup',
        entityId: patientId,
        newValues: { observations: observations.length, transfusions: transfusions.length },
      });
      return {
        patientId,
        pseudonym: patient.pseudonym,
        enrolment,
        observations,
        transfusions,
        visits: visits.map((v) => {
          const visit = {
            label: v.label,
            dueDate: v.due_date,
            windowStart: v.window_start,
            windowEnd: v.window_end,
          };
          return {
            id: v.id,
            ...visit,
            attendedOn: v.attended_on,
            status: visitStatus(visit, v.attended_on, today),
          };
        }),
        adverseEvents,
        endpoints,
        measures,
      };
    });
  }

  /** The patient's GVHD events with the grade changes of their follow-up reports, oldest report first. */
  async #gvhdEvents(tx: Tx, events: AdverseEvent[]): Promise<GvhdEventRecord[]> {
    const gvhd = events.filter((e) => isGvhdTerm(e.term));
    if (gvhd.length === 0) return [];
    const reports = await tx
      .selectFrom('adverse_event_followup')
      .select(['adverse_event_id', 'reported_on', 'changes'])
      .where(
        'adverse_event_id',
        'in',
        gvhd.map((e) => e.id),
      )
      .orderBy('reported_on')
      .orderBy('created_at')
      .execute();
    return gvhd.map((e) => ({
      id: e.id,
      term: e.term,
      onsetDate: e.onsetDate,
      resolutionDate: e.resolutionDate,
      grade: e.grade,
      followUps: reports
        .filter((r) => r.adverse_event_id === e.id)
        .map((r) => {
          const c = jsonOf<{ grade?: number; fromGrade?: number }>(r.changes);
          return {
            date: r.reported_on,
            ...(c.grade !== undefined ? { grade: c.grade } : {}),
            ...(c.fromGrade !== undefined ? { fromGrade: c.fromGrade } : {}),
          };
        }),
    }));
  }

  /** The automatic CTCAE proposal for one laboratory result (null when CTCAE does not grade the code). */
  async proposeGrade(ctx: RequestContext, observationId: string): Promise<GradeProposal | null> {
    require(ctx.principal, 'adverse-event.report', 'grade adverse events');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const obs = await tx
        .selectFrom('observation')
        .selectAll()
        .where('id', '=', observationId)
        .executeTakeFirst();
      if (!obs) throw new NotFound('observation');
      await this.#patient(tx, ctx.principal, obs.patient_id);
      await appendAudit(tx, ctx, { action: 'read', entityType: 'observation', entityId: observationId });
      return proposalOf(obs);
    });
  }

  selectObservations(tx: Tx, patientId: string) {
    return tx
      .selectFrom('observation')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('observed_on')
      .orderBy('created_at')
      .execute();
  }

  // ---------- adverse events ----------

  async reportAdverseEvent(
    ctx: RequestContext,
    patientId: string,
    input: NewAdverseEvent,
  ): Promise<AdverseEvent> {
    require(ctx.principal, 'adverse-event.report', 'report adverse events');
    const today = this.today();
    checkDate(input.onsetDate, 'onsetDate', today);
    checkDate(input.awarenessDate, 'awarenessDate', today);
    if (input.awarenessDate < input.onsetDate) throw new InvalidInput('awarenessDate', 'before the onset');
    if (input.resolutionDate) {
      checkDate(input.resolutionDate, 'resolutionDate', today);
      if (input.resolutionDate < input.onsetDate)
        throw new InvalidInput('resolutionDate', 'before the onset');
    }
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx.principal, patientId);
      const enrolment = await tx
        .selectFrom('followup_enrolment')
        .select(['filing_id', 'product_name', 'reference_terms'])
        .where('patient_id', '=', patientId)
        .executeTakeFirst();
      let proposal: { termName: string; grade: CtcaeGradeValue; reason: string } | null = null;
      if (input.form) {
        if (input.sourceObservationId)
          throw new InvalidInput('form', 'give a form or a laboratory result, not both');
        proposal = checked(() => gradeForm(input.form as unknown as GradedForm));
      }
      if (input.sourceObservationId) {
        const obs = await tx
          .selectFrom('observation')
          .selectAll()
          .where('id', '=', input.sourceObservationId)
          .where('patient_id', '=', patientId)
          .executeTakeFirst();
        if (!obs) throw new InvalidInput('sourceObservationId', 'no such observation of this patient');
        proposal = proposalOf(obs);
      }
      if (input.symptomReportId) {
        const report = await tx
          .selectFrom('symptom_report')
          .select(['id', 'status'])
          .where('id', '=', input.symptomReportId)
          .where('patient_id', '=', patientId)
          .executeTakeFirst();
        if (!report) throw new InvalidInput('symptomReportId', 'no such symptom report of this patient');
        if (report.status === 'converted')
          throw new Conflict('this symptom report is already an adverse event');
      }
      const decision = checked(() =>
        decideGrade({
          proposedGrade: proposal?.grade ?? null,
          chosenGrade: input.grade,
          overrideReason: input.overrideReason ?? null,
        }),
      );
      const referenceTerms = jsonOf<string[]>(enrolment?.reference_terms ?? '[]');
      const expected =
        input.expected ?? referenceTerms.some((t) => t.toLowerCase() === input.term.trim().toLowerCase());
      const clock = checked(() =>
        expeditedClock({
          seriousness: input.seriousness,
          causalityProduct: input.causalityProduct,
          causalityProcedure: input.causalityProcedure,
          expected,
          awarenessDate: input.awarenessDate,
        }),
      );
      const row = await tx
        .insertInto('adverse_event')
        .values({
          patient_id: patientId,
          hospital_id: patient.hospital_id,
          filing_id: enrolment?.filing_id ?? null,
          product_name: enrolment?.product_name ?? null,
          term: input.term.trim(),
          ctcae_term: proposal?.termName ?? null,
          grade: decision.grade,
          proposed_grade: decision.proposedGrade,
          proposal: proposal
            ? JSON.stringify({ ...proposal, ...(input.form ? { form: input.form } : {}) })
            : null,
          override_reason: decision.overrideReason,
          source_observation_id: input.sourceObservationId ?? null,
          symptom_report_id: input.symptomReportId ?? null,
          onset_date: input.onsetDate,
          resolution_date: input.resolutionDate ?? null,
          seriousness: JSON.stringify(input.seriousness),
          serious: input.seriousness.length > 0,
          causality_product: input.causalityProduct,
          causality_procedure: input.causalityProcedure,
          expected,
          outcome: input.outcome,
          awareness_date: input.awarenessDate,
          expedited_required: clock.required,
          expedited_days: clock.days,
          expedited_due: clock.dueDate,
          narrative: input.narrative ?? null,
          reported_by: ctx.principal.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (input.symptomReportId) {
        await tx
          .updateTable('symptom_report')
          .set({
            status: 'converted',
            adverse_event_id: row.id,
            version: sql`version + 1`,
            updated_at: new Date(),
          })
          .where('id', '=', input.symptomReportId)
          .execute();
        await appendAudit(tx, ctx, {
          action: 'update',
          entityType: 'symptom_report',
          entityId: input.symptomReportId,
          newValues: { status: 'converted', adverseEventId: row.id },
        });
      }
      const event = (await this.#adverseEvents(tx, patientId, row.id))[0]!;
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'adverse_event',
        entityId: row.id,
        newValues: { ...event, narrative: input.narrative ? '[free text]' : null },
        reason: decision.overrideReason,
      });
      await raiseAlert(tx, ctx, patient, grade3Event({ id: row.id, term: event.term, grade: event.grade }));
      return event;
    });
  }

  /** A follow-up report: new grade, outcome, resolution or seriousness; the clock keeps its first knowledge day. */
  async followUpAdverseEvent(
    ctx: RequestContext,
    id: string,
    input: AdverseEventFollowUp,
  ): Promise<AdverseEvent> {
    require(ctx.principal, 'adverse-event.report', 'report adverse events');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx.selectFrom('adverse_event').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw new NotFound('adverse event');
      const patient = await this.#patient(tx, ctx.principal, before.patient_id);
      if (before.version !== input.version) {
        throw new Conflict('the adverse event was changed by someone else; reload it', {
          version: before.version,
        });
      }
      const today = this.today();
      if (input.resolutionDate) {
        checkDate(input.resolutionDate, 'resolutionDate', today);
        if (input.resolutionDate < before.onset_date)
          throw new InvalidInput('resolutionDate', 'before the onset');
      }
      const decision =
        input.grade === undefined
          ? null
          : checked(() =>
              decideGrade({
                proposedGrade: before.proposed_grade as never,
                chosenGrade: input.grade as number,
                overrideReason: input.overrideReason ?? null,
              }),
            );
      const seriousness = input.seriousness ?? jsonOf<SeriousnessCriterion[]>(before.seriousness);
      const causalityProduct = input.causalityProduct ?? (before.causality_product as Causality);
      const clock = checked(() =>
        expeditedClock({
          seriousness,
          causalityProduct,
          causalityProcedure: before.causality_procedure as Causality,
          expected: before.expected,
          awarenessDate: before.awareness_date,
        }),
      );
      const changes: Record<string, unknown> = {};
      if (decision && decision.grade !== before.grade) {
        changes.grade = decision.grade;
        // The grade replaced, so that a grade history can start from the grade at onset.
        changes.fromGrade = before.grade;
      }
      if (input.outcome && input.outcome !== before.outcome) changes.outcome = input.outcome;
      if (input.resolutionDate !== undefined && input.resolutionDate !== before.resolution_date)
        changes.resolutionDate = input.resolutionDate;
      if (input.seriousness) changes.seriousness = seriousness;
      if (input.causalityProduct) changes.causalityProduct = causalityProduct;
      await tx
        .updateTable('adverse_event')
        .set({
          ...(decision ? { grade: decision.grade, override_reason: decision.overrideReason } : {}),
          ...(input.outcome ? { outcome: input.outcome } : {}),
          ...(input.resolutionDate !== undefined ? { resolution_date: input.resolutionDate } : {}),
          seriousness: JSON.stringify(seriousness),
          serious: seriousness.length > 0,
          causality_product: causalityProduct,
          expedited_required: clock.required,
          expedited_days: clock.days,
          expedited_due: clock.dueDate,
          version: before.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      await tx
        .insertInto('adverse_event_followup')
        .values({
          adverse_event_id: id,
          patient_id: before.patient_id,
          hospital_id: before.hospital_id,
          reported_on: today,
          changes: JSON.stringify(changes),
          note: input.note ?? null,
          reported_by: ctx.principal.userId,
        })
        .execute();
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'adverse_event',
        entityId: id,
        oldValues: { grade: before.grade, outcome: before.outcome, resolutionDate: before.resolution_date },
        newValues: changes,
        reason: decision?.overrideReason ?? input.note ?? null,
      });
      const event = (await this.#adverseEvents(tx, before.patient_id, id))[0]!;
      if (decision && decision.grade > before.grade) {
        await raiseAlert(tx, ctx, patient, grade3Event({ id, term: event.term, grade: event.grade }));
      }
      return event;
    });
  }

  /** Records that the expedited report went to the authority on `submittedOn`. */
  async submitExpedited(ctx: RequestContext, id: string, input: { submittedOn: string; version: number }) {
    require(ctx.principal, 'adverse-event.report', 'submit expedited reports');
    checkDate(input.submittedOn, 'submittedOn', this.today());
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx.selectFrom('adverse_event').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw new NotFound('adverse event');
      await this.#patient(tx, ctx.principal, before.patient_id);
      if (!before.expedited_required) throw new Conflict('this adverse event needs no expedited report');
      if (before.expedited_submitted_on) throw new Conflict('the expedited report was already submitted');
      if (input.submittedOn < before.awareness_date)
        throw new InvalidInput('submittedOn', 'before first knowledge');
      const updated = await tx
        .updateTable('adverse_event')
        .set({
          expedited_submitted_on: input.submittedOn,
          version: before.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .where('version', '=', input.version)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) {
        throw new Conflict('the adverse event was changed by someone else; reload it', {
          version: before.version,
        });
      }
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'adverse_event',
        entityId: id,
        oldValues: { expeditedSubmittedOn: null },
        newValues: { expeditedSubmittedOn: input.submittedOn },
      });
      return (await this.#adverseEvents(tx, before.patient_id, id))[0]!;
    });
  }

  /** Adverse events in scope: a hospital its own patients', the regulator all (de-identified). Audited. */
  async listAdverseEvents(ctx: RequestContext, filter: { expeditedOnly?: boolean | undefined } = {}) {
    require(ctx.principal, 'followup.read', 'read adverse events');
    if (ctx.principal.role === 'patient')
      throw new Forbidden('a patient reads adverse events in their own record');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const events = await this.#adverseEvents(tx, null, null, filter.expeditedOnly ?? false, ctx.principal);
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'adverse_event',
        entityId: null,
        newValues: { listed: events.length, expeditedOnly: filter.expeditedOnly ?? false },
      });
      return events;
    });
  }

  async #adverseEvents(
    tx: Tx,
    patientId: string | null,
    id: string | null = null,
    expeditedOnly = false,
    principal?: Principal,
  ): Promise<AdverseEvent[]> {
    let q = tx
      .selectFrom('adverse_event as ae')
      .innerJoin('patient as p', 'p.id', 'ae.patient_id')
      .select([
        'ae.id',
        'ae.patient_id',
        'p.pseudonym',
        'ae.hospital_id',
        'ae.product_name',
        'ae.term',
        'ae.ctcae_term',
        'ae.grade',
        'ae.proposed_grade',
        'ae.proposal',
        'ae.override_reason',
        'ae.source_observation_id',
        'ae.symptom_report_id',
        'ae.onset_date',
        'ae.resolution_date',
        'ae.seriousness',
        'ae.serious',
        'ae.causality_product',
        'ae.causality_procedure',
        'ae.expected',
        'ae.outcome',
        'ae.awareness_date',
        'ae.expedited_required',
        'ae.expedited_days',
        'ae.expedited_due',
        'ae.expedited_submitted_on',
        'ae.version',
      ])
      .orderBy('ae.onset_date', 'desc')
      .orderBy('ae.created_at', 'desc');
    if (patientId) q = q.where('ae.patient_id', '=', patientId);
    if (id) q = q.where('ae.id', '=', id);
    if (expeditedOnly) q = q.where('ae.expedited_required', '=', true);
    if (principal?.organizationKind === 'hospital')
      q = q.where('ae.hospital_id', '=', principal.organizationId);
    const today = this.today();
    return (await q.execute()).map((r) => {
      const status = expeditedStatus(
        { required: r.expedited_required, dueDate: r.expedited_due },
        r.expedited_submitted_on,
        today,
      );
      const proposal = r.proposal ? jsonOf<GradeProposal>(r.proposal) : null;
      return {
        id: r.id,
        patientId: r.patient_id,
        pseudonym: r.pseudonym,
        hospitalId: r.hospital_id,
        productName: r.product_name,
        term: r.term,
        ctcaeTerm: r.ctcae_term,
        grade: r.grade,
        proposedGrade: r.proposed_grade,
        proposalReason: proposal?.reason ?? null,
        overrideReason: r.override_reason,
        sourceObservationId: r.source_observation_id,
        symptomReportId: r.symptom_report_id,
        onsetDate: r.onset_date,
        resolutionDate: r.resolution_date,
        seriousness: jsonOf<SeriousnessCriterion[]>(r.seriousness),
        serious: r.serious,
        causalityProduct: r.causality_product as Causality,
        causalityProcedure: r.causality_procedure as Causality,
        expected: r.expected,
        outcome: r.outcome,
        awarenessDate: r.awareness_date,
        expedited: {
          required: r.expedited_required,
          days: r.expedited_days,
          dueDate: r.expedited_due,
          submittedOn: r.expedited_submitted_on,
          status,
          late: isLate(status),
        },
        version: r.version,
      };
    });
  }

  // ---------- early warning ----------

  /** Re-evaluates the laboratory rules on the patient's current records and raises any new alert. */
  async #raiseLaboratoryWarnings(tx: Tx, ctx: RequestContext, patient: { id: string; hospital_id: string }) {
    const enrolment = await tx
      .selectFrom('followup_enrolment')
      .select([
        'id',
        'patient_id',
        'filing_id',
        'product_name',
        'graft_source',
        'protocol',
        'infusion_date',
        'reference_terms',
        'status',
        'version',
      ])
      .where('patient_id', '=', patient.id)
      .executeTakeFirst();
    if (!enrolment) return;
    const observations = (await this.selectObservations(tx, patient.id)).map(observationOf);
    const transfusions = (
      await tx.selectFrom('transfusion').selectAll().where('patient_id', '=', patient.id).execute()
    ).map(transfusionOf);
    const input = endpointInputOf(enrolmentOf(enrolment), observations, transfusions);
    const warnings = checked(() => laboratoryWarnings(input));
    for (const w of warnings) await raiseAlert(tx, ctx, patient, w);
  }
}

// ---------- mapping ----------

function pick(o: Observation) {
  return {
    code: o.code,
    method: o.method,
    value: o.value,
    unit: o.unit,
    valueCanonical: o.valueCanonical,
    canonicalUnit: o.canonicalUnit,
    observedOn: o.observedOn,
    status: o.status,
  };
}

/** Validates a laboratory value and converts it (and its limits) to the code's canonical unit. */
export function normalizeObservation(input: NewObservation) {
  const info = checked(() => labCodeInfo(input.code));
  const canonicalUnit = canonicalUnitOf(info.code);
  const limitUnit = input.limitUnit ?? input.unit;
  const valueCanonical = checked(() => toCanonicalLab(info.code, input.value, input.unit, 'value'));
  const lln =
    input.lln == null
      ? null
      : checked(() => toCanonicalLab(info.code, input.lln as number, limitUnit, 'lln'));
  const uln =
    input.uln == null
      ? null
      : checked(() => toCanonicalLab(info.code, input.uln as number, limitUnit, 'uln'));
  if (lln !== null && uln !== null && lln >= uln) throw new InvalidInput('lln', 'must be below uln');
  const method = checked(() => checkMethod(info.code, input.method));
  checkDate(input.observedOn, 'observedOn', todayIso());
  return {
    code: info.code,
    loinc: info.loinc,
    value: input.value,
    unit: input.unit,
    value_canonical: valueCanonical,
    canonical_unit: canonicalUnit,
    lln_canonical: lln,
    uln_canonical: uln,
    observed_on: input.observedOn,
    method,
  };
}

function checkDate(value: string, field: string, today: string) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new InvalidInput(field, 'expected a date YYYY-MM-DD');
  }
  if (value > today) throw new InvalidInput(field, 'must not be in the future');
}

function proposalOf(obs: {
  code: string;
  value_canonical: number;
  canonical_unit: string;
  lln_canonical: number | null;
  uln_canonical: number | null;
}): GradeProposal | null {
  return checked(() =>
    proposeGradeFromLab({
      code: obs.code as LabCode,
      value: obs.value_canonical,
      unit: obs.canonical_unit,
      lln: obs.lln_canonical,
      uln: obs.uln_canonical,
    }),
  );
}

function enrolmentOf(r: {
  id: string;
  patient_id: string;
  filing_id: string | null;
  product_name: string;
  graft_source: string;
  protocol: string;
  infusion_date: string;
  reference_terms: unknown;
  status: string;
  version: number;
}): Enrolment {
  return {
    id: r.id,
    patientId: r.patient_id,
    filingId: r.filing_id,
    productName: r.product_name,
    graftSource: r.graft_source as GraftSource,
    protocol: r.protocol as Protocol,
    infusionDate: r.infusion_date,
    referenceTerms: jsonOf<string[]>(r.reference_terms),
    status: r.status,
    version: r.version,
  };
}

function observationOf(r: ObservationRow): Observation {
  return {
    id: r.id,
    patientId: r.patient_id,
    code: r.code as LabCode,
    category: labCodeInfo(r.code).category,
    loinc: r.loinc,
    method: r.method,
    value: r.value,
    unit: r.unit,
    valueCanonical: r.value_canonical,
    canonicalUnit: r.canonical_unit,
    llnCanonical: r.lln_canonical,
    ulnCanonical: r.uln_canonical,
    observedOn: r.observed_on,
    source: r.source,
    status: r.status,
    version: r.version,
  };
}

function transfusionOf(r: {
  id: string;
  patient_id: string;
  given_on: string;
  product: string;
  volume_ml: number | null;
  units: number | null;
  source: string;
  status: string;
  version: number;
}): Transfusion {
  return {
    id: r.id,
    patientId: r.patient_id,
    givenOn: r.given_on,
    product: r.product as Transfusion['product'],
    volumeMl: r.volume_ml,
    units: r.units,
    source: r.source,
    status: r.status,
    version: r.version,
  };
}

/** What the end points read of an observation. */
type ObservationValues = Pick<
  Observation,
  'code' | 'observedOn' | 'valueCanonical' | 'ulnCanonical' | 'status'
>;

function endpointInputOf(
  enrolment: Enrolment,
  observations: ObservationValues[],
  transfusions: Transfusion[],
) {
  return {
    infusionDate: enrolment.infusionDate,
    graftSource: enrolment.graftSource,
    // Records entered in error are kept (audit) but never counted.
    labs: observations
      .filter((o) => o.status === 'final')
      .map((o) => ({ code: o.code, date: o.observedOn, value: o.valueCanonical, uln: o.ulnCanonical })),
    transfusions: transfusions
      .filter((t) => t.status === 'final')
      .map((t) => ({ date: t.givenOn, product: t.product })),
  };
}

/** The end points, recomputed from the raw records on every call. */
export function endpointsOf(
  enrolment: Enrolment,
  observations: ObservationValues[],
  transfusions: Transfusion[],
): Endpoints {
  return checked(() => computeEndpoints(endpointInputOf(enrolment, observations, transfusions)));
}

/** The measures' end points (iron, GVHD, MELD, KOOS), recomputed from the raw records on every call. */
export function measuresOf(
  enrolment: Enrolment,
  observations: Observation[],
  gvhdEvents: GvhdEventRecord[],
): MeasureEndpoints {
  return checked(() =>
    computeMeasureEndpoints({
      infusionDate: enrolment.infusionDate,
      labs: observations
        .filter((o) => o.status === 'final')
        .map((o) => ({ code: o.code, date: o.observedOn, value: o.valueCanonical })),
      gvhdEvents,
    }),
  );
}

/**
 * A minimal CSV reader for laboratory exports: comma-separated, first line the header, no quoted fields (a
 * quote is refused rather than misread). Blank lines are skipped; at most 5000 rows.
 */
export function parseSimpleCsv(text: string): Record<string, string>[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new InvalidInput('csv', 'expected a header line and at least one row');
  if (lines.length > 5001) throw new InvalidInput('csv', 'at most 5000 rows per file');
  if (text.includes('"')) throw new InvalidInput('csv', 'quoted fields are not supported');
  const header = lines[0]!.split(',').map((h) => h.trim());
  for (const required of ['code', 'value', 'unit', 'observedOn']) {
    if (!header.includes(required)) throw new InvalidInput('csv', `the header lacks the column ${required}`);
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new InvalidInput(`rows[${i + 1}]`, `expected ${header.length} fields, got ${cells.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h, cells[j]!]));
  });
}
