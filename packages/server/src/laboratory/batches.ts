import { DomainInputError } from '@cgtlink/domain/grading/input';
import { type InstrumentMapping, readInstrumentCsv } from '@cgtlink/domain/quality/instrument-csv';
import {
  requirePlausibleLaboratoryValue,
  requirePlausibleStepParameters,
} from '@cgtlink/domain/quality/plausibility';
import { evaluateSpecification, type TestResult } from '@cgtlink/domain/quality/specification';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { AuthService } from '../auth/auth.service';
import type { RequestContext } from '../context';
import type { BatchTable, InvestigationTable, QcResultTable, Schema } from '../db/schema';
import { type Tx, withOwnerPrivileges, withPrincipal } from '../db/scoped';
import { Conflict, InvalidInput, NotFound } from '../errors';
import { contentHash, type Signable, type SignatureService } from '../signatures/signature.service';
import { renderCertificatePdf } from './certificate-pdf';
import { domainRule, iso, requireAction } from './common';
import type {
  BatchCreateInput,
  BatchRecord,
  BatchView,
  DispositionInput,
  ImportInput,
  ImportReport,
  InvestigationPatchInput,
  InvestigationView,
  ResultCreateInput,
  ResultView,
  StepCreateInput,
} from './contract';
import {
  excursionState,
  type InboundExcursion,
  inboundExcursions,
  type RefusalAfterCommit,
  verifyReceipt,
} from './receipt';
import { releaseSpecification, specificationInForce, specificationView } from './specifications';

type BatchRow = Selectable<BatchTable>;
type ResultRow = Selectable<QcResultTable>;
type InvestigationRow = Selectable<InvestigationTable>;

function batchView(
  row: BatchRow,
  specificationVersion: number,
  inbound?: readonly InboundExcursion[],
): BatchView {
  const excursion = excursionState(row, inbound);
  return {
    id: row.id,
    laboratoryId: row.laboratory_id,
    reference: row.reference,
    kind: row.kind as BatchView['kind'],
    productCode: row.product_code,
    specificationId: row.specification_id,
    specificationVersion,
    patientPseudonym: row.patient_pseudonym,
    hospitalId: row.hospital_id,
    chainOfIdentity: row.chain_of_identity,
    din: row.din,
    dinVerifiedAt: iso(row.din_verified_at),
    patientWeightKg: row.patient_weight_kg,
    workingBankId: row.working_bank_id,
    therapyId: row.therapy_id,
    excursion: excursion.excursion,
    excursionAssessment: excursion.assessment,
    status: row.status as BatchView['status'],
    dispositionReason: row.disposition_reason,
    disposedAt: iso(row.disposed_at),
    startedAt: iso(row.started_at)!,
    version: row.version,
  };
}

function resultView(row: ResultRow): ResultView {
  return {
    id: row.id,
    analyte: row.analyte,
    value: row.value_number ?? row.value_text ?? '',
    unit: row.unit,
    outcome: row.outcome as ResultView['outcome'],
    criterion: row.criterion,
    source: row.source as ResultView['source'],
    instrument: row.instrument,
    current: row.is_current,
    enteredBy: row.entered_by_name,
    enteredAt: iso(row.entered_at)!,
  };
}

function investigationView(row: InvestigationRow): InvestigationView {
  return {
    id: row.id,
    batchId: row.batch_id,
    resultId: row.result_id,
    analyte: row.analyte,
    phase: row.phase as InvestigationView['phase'],
    rootCause: row.root_cause,
    capa: row.capa,
    conclusion: row.conclusion as InvestigationView['conclusion'],
    status: row.status as InvestigationView['status'],
    openedAt: iso(row.opened_at)!,
    closedAt: iso(row.closed_at),
    version: row.version,
  };
}

/**
 * The content a disposition signature binds to: the batch's identity (chain of identity, DIN, source lot), the
 * specification version, every current result and every investigation, and the excursion assessment — not
 * its status, which the disposition itself sets. Any later change to these shows the signature as invalid.
 */
async function signedContent(tx: Tx, batchId: string): Promise<Record<string, unknown> | undefined> {
  const batch = await tx.selectFrom('batch').selectAll().where('id', '=', batchId).executeTakeFirst();
  if (!batch) return undefined;
  const results = await tx
    .selectFrom('qc_result')
    .select(['id', 'analyte', 'value_number', 'value_text', 'unit', 'outcome', 'criterion'])
    .where('batch_id', '=', batchId)
    .where('is_current', '=', true)
    .orderBy('analyte')
    .execute();
  const investigations = await tx
    .selectFrom('investigation')
    .select(['id', 'result_id', 'phase', 'root_cause', 'capa', 'conclusion', 'status'])
    .where('batch_id', '=', batchId)
    .orderBy('id')
    .execute();
  const inbound = (await inboundExcursions(tx, [batch])).get(batch.id) ?? [];
  return {
    id: batch.id,
    reference: batch.reference,
    kind: batch.kind,
    productCode: batch.product_code,
    specificationId: batch.specification_id,
    patientId: batch.patient_id,
    chainOfIdentity: batch.chain_of_identity,
    din: batch.din,
    workingBankId: batch.working_bank_id,
    excursion: batch.excursion,
    excursionAssessment: batch.excursion_assessment,
    results,
    investigations,
    // Bound only when the batch is linked to the pathway, so that older signatures keep their hash.
    ...(batch.therapy_id && {
      therapyId: batch.therapy_id,
      collectionId: batch.collection_id,
      inboundExcursions: inbound.map((x) => ({
        deviationId: x.deviationId,
        status: x.status,
        assessment: x.assessment,
      })),
    }),
  };
}

/** Release and rejection are signed by the qualified person: `released`, or `reviewed` for a rejection. */
export const batchSignable: Signable = {
  entityType: 'batch',
  load: signedContent,
  mayApply(ctx, meaning) {
    return ctx.principal.role === 'qualified_person' && (meaning === 'released' || meaning === 'reviewed');
  },
};

/**
 * Manufacturing batches (issue 7): an autologous batch is bound to one patient's chain of identity and its
 * incoming collection (DIN verified on receipt with its check character, ISBT 128 ST-001); an allogeneic MSC
 * batch comes from a working-bank lot. Each batch is judged against the specification version in force when
 * it started. QC results are evaluated at once with the domain evaluator; an out-of-specification result
 * opens an investigation; the qualified person releases or rejects with an electronic signature.
 */
export class BatchService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly auth: AuthService,
    private readonly signatures: SignatureService,
  ) {}

  async list(ctx: RequestContext): Promise<BatchView[]> {
    requireAction(ctx, 'batch.read', 'you may not read batches');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const rows = await tx
        .selectFrom('batch')
        .innerJoin('specification', 'specification.id', 'batch.specification_id')
        .selectAll('batch')
        .select('specification.version as spec_version')
        .orderBy('batch.started_at', 'desc')
        .execute();
      const inbound = await inboundExcursions(tx, rows);
      return rows.map((r) => batchView(r, r.spec_version, inbound.get(r.id)));
    });
  }

  async create(ctx: RequestContext, input: BatchCreateInput): Promise<BatchView> {
    requireAction(ctx, 'batch.manage', 'only laboratory staff start batches');
    const outcome = await withPrincipal(
      this.db,
      ctx.principal,
      async (tx): Promise<BatchView | RefusalAfterCommit> => {
        let values: Partial<BatchRow> = {};
        if (input.kind === 'autologous') {
          // The bag is verified first: an identity mismatch is a deviation whatever else is wrong.
          const receipt = await verifyReceipt(tx, ctx, input);
          if ('refused' in receipt) return receipt;
          values = { ...receipt, patient_weight_kg: input.patientWeightKg };
        } else {
          const bank = await tx
            .selectFrom('cell_bank')
            .select(['id', 'kind', 'expires_on'])
            .where('id', '=', input.workingBankId)
            .executeTakeFirst();
          if (bank?.kind !== 'working') {
            throw new InvalidInput('workingBankId', 'not a working bank of this laboratory');
          }
          values = { working_bank_id: bank.id, excursion: input.excursion };
        }
        const spec = await specificationInForce(tx, ctx.principal.organizationId, input.productCode);
        const row = await tx
          .insertInto('batch')
          .values({
            laboratory_id: ctx.principal.organizationId,
            reference: input.reference,
            kind: input.kind,
            specification_id: spec.id,
            product_code: input.productCode,
            created_by: ctx.principal.userId,
            ...values,
          })
          .returningAll()
          .executeTakeFirst()
          .catch((error: unknown) => {
            if ((error as { code?: string; constraint?: string }).code === '23505') {
              const constraint = String((error as { constraint?: string }).constraint ?? error);
              throw new Conflict(
                constraint.includes('batch_collection_open_idx')
                  ? `DIN ${values.din} already has a batch in process or released`
                  : `batch ${input.reference} already exists`,
              );
            }
            throw error;
          });
        if (!row) throw new Conflict('the batch was not created');
        await appendAudit(tx, ctx, {
          action: 'create',
          entityType: 'batch',
          entityId: row.id,
          newValues: {
            reference: row.reference,
            kind: row.kind,
            specificationId: spec.id,
            specificationVersion: spec.version,
            chainOfIdentity: row.chain_of_identity,
            din: row.din,
            workingBankId: row.working_bank_id,
            therapyId: row.therapy_id,
            collectionId: row.collection_id,
            excursion: row.excursion,
          },
        });
        return batchView(row, spec.version, (await inboundExcursions(tx, [row])).get(row.id));
      },
    );
    if ('refused' in outcome) throw outcome.refused;
    return outcome;
  }

  /** The batch record: steps, results, investigations, evaluation, release blockers and signatures. */
  async record(ctx: RequestContext, id: string): Promise<BatchRecord> {
    requireAction(ctx, 'batch.read', 'you may not read batches');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const record = await this.#record(tx, id);
      await appendAudit(tx, ctx, { action: 'read', entityType: 'batch', entityId: id });
      return record;
    });
  }

  /** The certificate of analysis as a PDF: the batch record as the reader may see it, drawn by pdfkit. */
  async certificatePdf(ctx: RequestContext, id: string): Promise<{ pdf: Buffer; font: 'cjk' | 'fallback' }> {
    requireAction(ctx, 'batch.read', 'you may not read batches');
    const { record, laboratoryName } = await withPrincipal(this.db, ctx.principal, async (tx) => {
      const record = await this.#record(tx, id);
      const lab = await tx
        .selectFrom('organization')
        .select(['name_zh', 'name_en'])
        .where('id', '=', record.batch.laboratoryId)
        .executeTakeFirst();
      await appendAudit(tx, ctx, {
        action: 'print',
        entityType: 'batch',
        entityId: id,
        newValues: { document: 'certificate of analysis (PDF)', contentHash: record.contentHash },
      });
      return { record, laboratoryName: lab ? `${lab.name_zh} ${lab.name_en}` : '' };
    });
    return renderCertificatePdf(record, { laboratoryName, generatedAt: new Date() });
  }

  async addStep(ctx: RequestContext, id: string, input: StepCreateInput) {
    requireAction(ctx, 'batch.manage', 'only laboratory staff record manufacturing steps');
    if (Date.parse(input.endedAt) < Date.parse(input.startedAt)) {
      throw new InvalidInput('endedAt', 'the step ends before it starts');
    }
    domainRule(() => requirePlausibleStepParameters(input.parameters));
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const batch = await lockOpenBatch(tx, id);
      const row = await tx
        .insertInto('batch_step')
        .values({
          batch_id: batch.id,
          laboratory_id: batch.laboratory_id,
          step: input.step,
          parameters: JSON.stringify(input.parameters),
          operator_user_id: ctx.principal.userId,
          operator_name: ctx.principal.displayName,
          started_at: input.startedAt,
          ended_at: input.endedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'batch_step',
        entityId: row.id,
        newValues: { batchId: id, ...input },
      });
      return { id: row.id };
    });
  }

  /** Enters one result by hand; it is evaluated at once, and an OOS opens an investigation. */
  async addResult(
    ctx: RequestContext,
    id: string,
    input: ResultCreateInput,
  ): Promise<{ result: ResultView; investigation: InvestigationView | null }> {
    requireAction(ctx, 'qc.enter', 'only QC staff enter results');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const batch = await lockOpenBatch(tx, id);
      const spec = releaseSpecification(await this.#specification(tx, batch.specification_id));
      const outcome = judge(spec, input, '');
      return this.#storeResult(tx, ctx, batch, input, outcome, { source: 'manual', instrument: null });
    });
  }

  async updateInvestigation(
    ctx: RequestContext,
    id: string,
    input: InvestigationPatchInput,
  ): Promise<InvestigationView> {
    requireAction(ctx, 'investigation.manage', 'only the QC manager conducts OOS investigations');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('investigation')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw new NotFound('investigation');
      if (before.version !== input.version) {
        throw new Conflict('the investigation changed since you opened it; reload and try again', {
          currentVersion: before.version,
        });
      }
      if (before.status === 'closed') throw new Conflict('a closed investigation is not changed');
      await lockOpenBatch(tx, before.batch_id);
      const next = {
        phase: input.phase ?? before.phase,
        root_cause: input.rootCause ?? before.root_cause,
        capa: input.capa ?? before.capa,
        conclusion: input.conclusion ?? before.conclusion,
      };
      if (input.close) {
        for (const [field, value] of [
          ['rootCause', next.root_cause],
          ['capa', next.capa],
          ['conclusion', next.conclusion],
        ] as const) {
          if (!value) throw new InvalidInput(field, 'is required to close an investigation');
        }
      }
      const row = await tx
        .updateTable('investigation')
        .set({
          ...next,
          ...(input.close && { status: 'closed', closed_at: new Date(), closed_by: ctx.principal.userId }),
          version: before.version + 1,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: input.close ? 'close' : 'update',
        entityType: 'investigation',
        entityId: id,
        oldValues: {
          phase: before.phase,
          rootCause: before.root_cause,
          capa: before.capa,
          conclusion: before.conclusion,
        },
        newValues: { ...next, status: row.status },
      });
      return investigationView(row);
    });
  }

  /** Records the quality assessment of the shipment's temperature excursion (needed before release). */
  async assessExcursion(
    ctx: RequestContext,
    id: string,
    assessment: string,
    version: number,
  ): Promise<BatchView> {
    requireAction(ctx, 'investigation.manage', 'only the QC manager assesses a temperature excursion');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const batch = await lockOpenBatch(tx, id);
      if (batch.version !== version) throw new Conflict('the batch changed since you opened it; reload');
      if (batch.therapy_id) {
        throw new Conflict(
          'the inbound excursion of an autologous batch is a deviation of the pathway: assess it with a signature (POST /api/deviations/{id}/assessment)',
        );
      }
      if (batch.excursion !== 'unassessed') throw new Conflict('this batch has no unassessed excursion');
      const row = await tx
        .updateTable('batch')
        .set({
          excursion: 'assessed',
          excursion_assessment: assessment,
          version: version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'assess_excursion',
        entityType: 'batch',
        entityId: id,
        oldValues: { excursion: 'unassessed' },
        newValues: { excursion: 'assessed', assessment },
      });
      const spec = await this.#specification(tx, row.specification_id);
      return batchView(row, spec.version, []);
    });
  }

  /**
   * Release or rejection by the qualified person with an electronic signature. Release is refused while a test
   * is missing, a result is out of specification, an investigation is open, or the shipment's temperature
   * excursion is unassessed; either disposition is refused while an investigation is open (DESIGN.md §3.5) or
   * when the record changed since the signer reviewed it (the content hash they saw no longer matches).
   */
  async dispose(ctx: RequestContext, id: string, input: DispositionInput, ip: string): Promise<BatchRecord> {
    requireAction(ctx, 'batch.dispose', 'only the qualified person releases or rejects a batch');
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await lockOpenBatch(tx, id);
      const record = await this.#record(tx, id);
      if (record.contentHash !== input.contentHash) {
        throw new Conflict('the batch record changed since you reviewed it; review it again before signing', {
          reasons: ['record changed after review'],
        });
      }
      const blockers =
        input.decision === 'release'
          ? record.releaseBlockers
          : record.investigations
              .filter((i) => i.status === 'open')
              .map((i) => `investigation of ${i.analyte} is open`);
      if (blockers.length > 0) {
        throw new Conflict(
          `the batch cannot be ${input.decision === 'release' ? 'released' : 'rejected'}: ${blockers.join('; ')}`,
          {
            reasons: blockers,
          },
        );
      }
      if (input.decision === 'reject' && !input.reason) {
        throw new InvalidInput('reason', 'a rejection states its reason');
      }
      const signature = await this.signatures.signWithin(tx, ctx, {
        entityType: 'batch',
        entityId: id,
        meaning: input.decision === 'release' ? 'released' : 'reviewed',
      });
      await tx
        .updateTable('batch')
        .set({
          status: input.decision === 'release' ? 'released' : 'rejected',
          disposition_signature_id: signature.id,
          disposition_reason: input.reason ?? null,
          disposed_at: new Date(),
          disposed_by: ctx.principal.userId,
          version: record.batch.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      await appendAudit(tx, ctx, {
        action: input.decision,
        entityType: 'batch',
        entityId: id,
        oldValues: { status: 'in_process' },
        newValues: {
          status: input.decision === 'release' ? 'released' : 'rejected',
          signatureId: signature.id,
          contentHash: signature.contentHash,
          reason: input.reason ?? null,
        },
      });
      return this.#record(tx, id);
    });
  }

  /** Dispatches a released allogeneic batch to a hospital for one patient (the recall list reads these). */
  async dispatch(ctx: RequestContext, id: string, patientPseudonym: string): Promise<{ id: string }> {
    requireAction(ctx, 'batch.manage', 'only laboratory staff dispatch batches');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const batch = await tx
        .selectFrom('batch')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!batch) throw new NotFound('batch');
      if (batch.status !== 'released') throw new Conflict('only a released batch is dispatched');
      if (batch.kind !== 'allogeneic') throw new Conflict('an autologous batch goes to its own patient only');
      const patient = await withOwnerPrivileges(tx, () =>
        tx
          .selectFrom('patient')
          .select(['id', 'hospital_id', 'pseudonym'])
          .where('pseudonym', '=', patientPseudonym)
          .executeTakeFirst(),
      );
      if (!patient) throw new InvalidInput('patientPseudonym', 'no patient has this pseudonym');
      const row = await tx
        .insertInto('batch_dispatch')
        .values({
          batch_id: id,
          laboratory_id: batch.laboratory_id,
          patient_id: patient.id,
          hospital_id: patient.hospital_id,
          patient_pseudonym: patient.pseudonym,
          dispatched_by: ctx.principal.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'dispatch',
        entityType: 'batch',
        entityId: id,
        newValues: { patientPseudonym: patient.pseudonym, hospitalId: patient.hospital_id },
      });
      return { id: row.id };
    });
  }

  /**
   * Imports results from an instrument's CSV export with the instrument's column mapping (given, or the one
   * saved for the instrument). A preview (`commit: false`) judges every readable row and reports every row it
   * could not read, and writes nothing; a commit stores the readable rows, saves the mapping and opens an
   * investigation for each OOS. A file with no readable row is refused.
   */
  async importResults(ctx: RequestContext, id: string, input: ImportInput): Promise<ImportReport> {
    requireAction(ctx, 'qc.enter', 'only QC staff import results');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const batch = await lockOpenBatch(tx, id);
      const saved = await tx
        .selectFrom('instrument_mapping')
        .selectAll()
        .where('instrument', '=', input.instrument)
        .executeTakeFirst();
      const mapping = (input.mapping ?? saved?.mapping) as InstrumentMapping | undefined;
      if (!mapping)
        throw new InvalidInput('mapping', `no mapping is saved for instrument ${input.instrument}`);
      const read = domainRule(() => readInstrumentCsv(input.csv, mapping, batch.reference));
      const spec = releaseSpecification(await this.#specification(tx, batch.specification_id));
      const rejected = [...read.rejected];
      const rows: ImportReport['rows'] = [];
      for (const r of read.results) {
        try {
          const outcome = judge(spec, { analyte: r.analyte, value: r.value, unit: r.unit }, '');
          rows.push({
            line: r.line,
            analyte: outcome.analyte,
            value: r.value,
            unit: r.unit ?? null,
            outcome: outcome.status,
            criterion: outcome.criterion,
          });
        } catch (error) {
          if (!(error instanceof InvalidInput)) throw error;
          rejected.push({ line: r.line, reason: error.message });
        }
      }
      rejected.sort((a, b) => a.line - b.line);
      let investigationsOpened = 0;
      if (input.commit) {
        if (rows.length === 0) throw new InvalidInput('csv', 'no row of the file could be read');
        for (const row of rows) {
          const stored = await this.#storeResult(
            tx,
            ctx,
            batch,
            { analyte: row.analyte, value: row.value, ...(row.unit ? { unit: row.unit } : {}) },
            { status: row.outcome, criterion: row.criterion, analyte: row.analyte },
            { source: 'instrument', instrument: input.instrument },
          );
          if (stored.investigation) investigationsOpened++;
        }
        if (input.mapping) {
          await tx
            .insertInto('instrument_mapping')
            .values({
              laboratory_id: batch.laboratory_id,
              instrument: input.instrument,
              mapping: JSON.stringify(input.mapping),
            })
            .onConflict((oc) =>
              oc.columns(['laboratory_id', 'instrument']).doUpdateSet({
                mapping: JSON.stringify(input.mapping),
                version: (eb) => eb('instrument_mapping.version', '+', 1),
                updated_at: new Date(),
              }),
            )
            .execute();
        }
        await appendAudit(tx, ctx, {
          action: 'import',
          entityType: 'batch',
          entityId: id,
          newValues: { instrument: input.instrument, imported: rows.length, rejected },
        });
      }
      return { instrument: input.instrument, committed: input.commit, rows, rejected, investigationsOpened };
    });
  }

  /** The instrument mappings saved at the laboratory (to prefill the import form). */
  async mappings(ctx: RequestContext): Promise<{ instrument: string; mapping: unknown }[]> {
    requireAction(ctx, 'qc.enter', 'only QC staff use instrument mappings');
    return withPrincipal(
      this.db,
      ctx.principal,
      async (tx) =>
        await tx
          .selectFrom('instrument_mapping')
          .select(['instrument', 'mapping'])
          .orderBy('instrument')
          .execute(),
    );
  }

  /** Stores a judged result (superseding the analyte's current one) and opens an investigation on an OOS. */
  async #storeResult(
    tx: Tx,
    ctx: RequestContext,
    batch: BatchRow,
    input: ResultCreateInput,
    outcome: { status: 'pass' | 'fail'; criterion: string; analyte: string },
    origin: { source: 'manual' | 'instrument'; instrument: string | null },
  ): Promise<{ result: ResultView; investigation: InvestigationView | null }> {
    const superseded = await tx
      .updateTable('qc_result')
      .set({ is_current: false })
      .where('batch_id', '=', batch.id)
      .where('is_current', '=', true)
      .where((eb) => eb(eb.fn('lower', ['analyte']), '=', outcome.analyte.toLowerCase()))
      .returning('id')
      .execute();
    const row = await tx
      .insertInto('qc_result')
      .values({
        batch_id: batch.id,
        laboratory_id: batch.laboratory_id,
        analyte: outcome.analyte,
        value_number: typeof input.value === 'number' ? input.value : null,
        value_text: typeof input.value === 'string' ? input.value : null,
        unit: input.unit ?? null,
        outcome: outcome.status,
        criterion: outcome.criterion,
        source: origin.source,
        instrument: origin.instrument,
        entered_by: ctx.principal.userId,
        entered_by_name: ctx.principal.displayName,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    let investigation: InvestigationRow | null = null;
    if (outcome.status === 'fail') {
      investigation = await tx
        .insertInto('investigation')
        .values({
          batch_id: batch.id,
          laboratory_id: batch.laboratory_id,
          result_id: row.id,
          analyte: outcome.analyte,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    }
    await appendAudit(tx, ctx, {
      action: 'create',
      entityType: 'qc_result',
      entityId: row.id,
      newValues: {
        batchId: batch.id,
        analyte: outcome.analyte,
        value: input.value,
        unit: input.unit ?? null,
        outcome: outcome.status,
        source: origin.source,
        instrument: origin.instrument,
        supersedes: superseded.map((s) => s.id),
        investigationId: investigation?.id ?? null,
      },
    });
    return {
      result: resultView(row),
      investigation: investigation ? investigationView(investigation) : null,
    };
  }

  async #specification(tx: Tx, id: string) {
    return tx.selectFrom('specification').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async #record(tx: Tx, id: string): Promise<BatchRecord> {
    const batch = await tx.selectFrom('batch').selectAll().where('id', '=', id).executeTakeFirst();
    if (!batch) throw new NotFound('batch');
    const spec = await this.#specification(tx, batch.specification_id);
    const steps = await tx
      .selectFrom('batch_step')
      .selectAll()
      .where('batch_id', '=', id)
      .orderBy('started_at')
      .execute();
    const results = await tx
      .selectFrom('qc_result')
      .selectAll()
      .where('batch_id', '=', id)
      .orderBy('entered_at')
      .execute();
    const investigations = await tx
      .selectFrom('investigation')
      .selectAll()
      .where('batch_id', '=', id)
      .orderBy('opened_at')
      .execute();
    const current = results.filter((r) => r.is_current);
    const evaluation = evaluateSpecification(
      releaseSpecification(spec),
      current.map(
        (r): TestResult => ({
          analyte: r.analyte,
          value: r.value_number ?? r.value_text ?? '',
          ...(r.unit ? { unit: r.unit } : {}),
        }),
      ),
    );
    const blockers: string[] = [];
    if (batch.status !== 'in_process') blockers.push(`the batch is already ${batch.status}`);
    for (const analyte of evaluation.missing) blockers.push(`${analyte}: result missing`);
    for (const analyte of evaluation.outOfSpecification) blockers.push(`${analyte}: out of specification`);
    for (const i of investigations) {
      if (i.status === 'open') blockers.push(`investigation of ${i.analyte} is open`);
    }
    const inbound = (await inboundExcursions(tx, [batch])).get(batch.id);
    if (excursionState(batch, inbound).excursion === 'unassessed') {
      blockers.push('the shipment to the laboratory had a temperature excursion that is not assessed');
    }
    const custody = batch.therapy_id
      ? await tx
          .selectFrom('custody_scan')
          .select(['stage', 'direction', 'actor_name', 'scanned_at'])
          .where('therapy_id', '=', batch.therapy_id)
          .where('din', '=', batch.din!)
          .orderBy('seq')
          .execute()
      : [];
    const content = await signedContent(tx, id);
    const signatureRows = await tx
      .selectFrom('signature')
      .selectAll()
      .where('entity_type', '=', 'batch')
      .where('entity_id', '=', id)
      .orderBy('signed_at')
      .execute();
    const hash = contentHash(content!);
    return {
      batch: batchView(batch, spec.version, inbound),
      specification: specificationView(spec),
      inbound: batch.therapy_id
        ? {
            therapyId: batch.therapy_id,
            collectionId: batch.collection_id,
            custody: custody.map((c) => ({
              stage: c.stage,
              direction: c.direction,
              actorName: c.actor_name,
              scannedAt: iso(c.scanned_at)!,
            })),
            excursions: [...(inbound ?? [])],
          }
        : null,
      steps: steps.map((s) => ({
        id: s.id,
        step: s.step,
        parameters: s.parameters as Record<string, number | string>,
        operatorName: s.operator_name,
        startedAt: iso(s.started_at)!,
        endedAt: iso(s.ended_at)!,
      })),
      results: results.map(resultView),
      investigations: investigations.map(investigationView),
      evaluation: {
        status: evaluation.status,
        outcomes: [...evaluation.outcomes],
        missing: [...evaluation.missing],
        outOfSpecification: [...evaluation.outOfSpecification],
      },
      releaseBlockers: blockers,
      contentHash: hash,
      signatures: signatureRows.map((s) => ({
        id: s.id,
        meaning: s.meaning,
        printedName: s.printed_name,
        role: s.role,
        signedAt: iso(s.signed_at)!,
        contentHash: s.content_hash,
        valid: s.content_hash === hash,
      })),
    };
  }
}

/** Locks a batch still in process; a released or rejected batch refuses every further change. */
export async function lockOpenBatch(tx: Tx, id: string): Promise<BatchRow> {
  const batch = await tx.selectFrom('batch').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!batch) throw new NotFound('batch');
  if (batch.status !== 'in_process') {
    throw new Conflict(`batch ${batch.reference} is ${batch.status}: its record is closed`);
  }
  return batch;
}

/**
 * Judges one result against the batch's specification with the domain evaluator: the analyte must be one the
 * specification lists, and a wrong unit or value type is a 400 naming the field.
 */
export function judge(
  spec: ReturnType<typeof releaseSpecification>,
  input: { analyte: string; value: number | string; unit?: string | undefined },
  fieldPrefix: string,
): { status: 'pass' | 'fail'; criterion: string; analyte: string } {
  const test = spec.tests.find((t) => t.analyte.trim().toLowerCase() === input.analyte.trim().toLowerCase());
  if (!test) {
    throw new InvalidInput(
      `${fieldPrefix}analyte`,
      `${input.analyte} is not a test of specification version ${spec.version}`,
    );
  }
  if (typeof input.value === 'number') {
    // Judged in the specification's unit when the result gives none: an impossible value is refused, not judged.
    const unit = input.unit ?? (test.kind === 'quantitative' ? test.unit : undefined);
    domainRule(() => requirePlausibleLaboratoryValue(test.analyte, unit, input.value, 'value'), fieldPrefix);
  }
  let evaluation: ReturnType<typeof evaluateSpecification>;
  try {
    evaluation = evaluateSpecification(spec, [
      { analyte: test.analyte, value: input.value, ...(input.unit ? { unit: input.unit } : {}) },
    ]);
  } catch (error) {
    if (error instanceof DomainInputError) {
      // The evaluator names results[0].unit or results[0].value; the caller's field is unit or value.
      throw new InvalidInput(`${fieldPrefix}${error.field.replace(/^results\[\d+\]\./, '')}`, error.message);
    }
    throw error;
  }
  const outcome = evaluation.outcomes.find((o) => o.analyte === test.analyte)!;
  if (outcome.status === 'missing') throw new InvalidInput(`${fieldPrefix}value`, 'is empty');
  return { status: outcome.status, criterion: outcome.criterion, analyte: test.analyte };
}
