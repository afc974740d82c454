import { type Kysely, type Selectable, sql } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { CellBankTable, CellLineTable, Schema, VialTable } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, InvalidInput, NotFound } from '../errors';
import { pgCode, requireAction } from './common';
import type {
  BankCreateInput,
  BankView,
  CellLineCreateInput,
  CellLineView,
  FreezeInput,
  IssueInput,
  Recall,
  Upstream,
  VialEventInput,
  VialView,
} from './contract';

type LineRow = Selectable<CellLineTable>;
type BankRow = Selectable<CellBankTable>;
type VialRow = Selectable<VialTable>;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function lineView(r: LineRow): CellLineView {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    tissueSource: r.tissue_source,
    donorCode: r.donor_code,
    donorEligibility: r.donor_eligibility as CellLineView['donorEligibility'],
    consentReference: r.consent_reference,
    donorTesting: r.donor_testing as CellLineView['donorTesting'],
  };
}

function bankView(r: BankRow & { cell_line_code: string }): BankView {
  return {
    id: r.id,
    cellLineId: r.cell_line_id,
    cellLineCode: r.cell_line_code,
    kind: r.kind as BankView['kind'],
    parentBankId: r.parent_bank_id,
    lot: r.lot,
    passage: r.passage,
    frozenOn: r.frozen_on,
    expiresOn: r.expires_on,
    expired: r.expires_on < today(),
    vialsAvailable: r.vials_available,
    version: r.version,
  };
}

function vialView(r: VialRow & { lot: string }): VialView {
  return {
    id: r.id,
    bankId: r.bank_id,
    lot: r.lot,
    label: r.label,
    passage: r.passage,
    tank: r.tank,
    rack: r.rack,
    box: r.box,
    position: r.position,
    status: r.status as VialView['status'],
  };
}

/**
 * The seed cell bank (DESIGN.md §2, MSC: master bank → working bank → lot): cell lines with their donor's
 * eligibility, consent and testing; master and working banks; vials with passage and storage location; freeze,
 * thaw, issue and discard events. The count of available vials is a column with CHECK (≥ 0) updated under the
 * bank's row lock, so concurrent issues can never take it below zero; each vial changes state once.
 */
export class CellBankService {
  constructor(private readonly db: Kysely<Schema>) {}

  async lines(ctx: RequestContext): Promise<CellLineView[]> {
    requireAction(ctx, 'cellbank.read', 'you may not read the cell bank');
    return withPrincipal(this.db, ctx.principal, async (tx) =>
      (await tx.selectFrom('cell_line').selectAll().orderBy('code').execute()).map(lineView),
    );
  }

  async createLine(ctx: RequestContext, input: CellLineCreateInput): Promise<CellLineView> {
    requireAction(ctx, 'cellbank.manage', 'only laboratory staff register cell lines');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const row = await tx
        .insertInto('cell_line')
        .values({
          laboratory_id: ctx.principal.organizationId,
          code: input.code,
          name: input.name,
          tissue_source: input.tissueSource,
          donor_code: input.donorCode,
          donor_eligibility: input.donorEligibility,
          consent_reference: input.consentReference,
          donor_testing: JSON.stringify(input.donorTesting),
          created_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirst()
        .catch((e: unknown) => {
          if (pgCode(e) === '23505') throw new Conflict(`cell line ${input.code} already exists`);
          throw e;
        });
      if (!row) throw new Conflict('the cell line was not created');
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'cell_line',
        entityId: row.id,
        newValues: input,
      });
      return lineView(row);
    });
  }

  async banks(ctx: RequestContext): Promise<BankView[]> {
    requireAction(ctx, 'cellbank.read', 'you may not read the cell bank');
    return withPrincipal(this.db, ctx.principal, async (tx) =>
      (
        await tx
          .selectFrom('cell_bank')
          .innerJoin('cell_line', 'cell_line.id', 'cell_bank.cell_line_id')
          .selectAll('cell_bank')
          .select('cell_line.code as cell_line_code')
          .orderBy('cell_bank.lot')
          .execute()
      ).map(bankView),
    );
  }

  /**
   * Freezes a master bank (from an eligible donor's cell line) or a working bank (from a master bank of the same
   * line) with its vials; each vial gets a freeze event and the bank's available count.
   */
  async createBank(ctx: RequestContext, input: BankCreateInput): Promise<BankView> {
    requireAction(ctx, 'cellbank.manage', 'only laboratory staff bank cells');
    if (input.expiresOn <= input.frozenOn)
      throw new InvalidInput('expiresOn', 'must be after the freezing date');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const line = await tx
        .selectFrom('cell_line')
        .selectAll()
        .where('id', '=', input.cellLineId)
        .executeTakeFirst();
      if (!line) throw new InvalidInput('cellLineId', 'no such cell line at this laboratory');
      if (line.donor_eligibility !== 'eligible') {
        throw new Conflict(`the donor of cell line ${line.code} is ${line.donor_eligibility}, not eligible`);
      }
      if (input.kind === 'working') {
        const parent = input.parentBankId
          ? await tx
              .selectFrom('cell_bank')
              .selectAll()
              .where('id', '=', input.parentBankId)
              .executeTakeFirst()
          : undefined;
        if (parent?.kind !== 'master' || parent.cell_line_id !== line.id) {
          throw new InvalidInput(
            'parentBankId',
            'a working bank comes from a master bank of the same cell line',
          );
        }
      } else if (input.parentBankId) {
        throw new InvalidInput('parentBankId', 'a master bank has no parent bank');
      }
      const bank = await tx
        .insertInto('cell_bank')
        .values({
          laboratory_id: ctx.principal.organizationId,
          cell_line_id: line.id,
          kind: input.kind,
          parent_bank_id: input.parentBankId ?? null,
          lot: input.lot,
          passage: input.passage,
          frozen_on: input.frozenOn,
          expires_on: input.expiresOn,
          vials_available: input.vials.length,
          created_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirst()
        .catch((e: unknown) => {
          if (pgCode(e) === '23505') throw new Conflict(`lot ${input.lot} already exists`);
          throw e;
        });
      if (!bank) throw new Conflict('the bank was not created');
      const vials = await tx
        .insertInto('vial')
        .values(
          input.vials.map((v) => ({
            laboratory_id: bank.laboratory_id,
            bank_id: bank.id,
            label: v.label,
            passage: input.passage,
            tank: v.tank,
            rack: v.rack,
            box: v.box,
            position: v.position,
          })),
        )
        .returning('id')
        .execute()
        .catch((e: unknown) => {
          if (pgCode(e) === '23505') {
            throw new InvalidInput('vials', 'a label is used twice, or a box position is already occupied');
          }
          throw e;
        });
      await tx
        .insertInto('vial_event')
        .values(
          vials.map((v) => ({
            vial_id: v.id,
            bank_id: bank.id,
            laboratory_id: bank.laboratory_id,
            kind: 'freeze',
            actor_user_id: ctx.principal.userId,
            actor_name: ctx.principal.displayName,
          })),
        )
        .execute();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'cell_bank',
        entityId: bank.id,
        newValues: { ...input, vials: input.vials.length },
      });
      return bankView({ ...bank, cell_line_code: line.code });
    });
  }

  /** Vials of a bank, or of one box (tank/rack/box) for the position map. */
  async vials(
    ctx: RequestContext,
    filter: {
      bankId?: string | undefined;
      tank?: string | undefined;
      rack?: string | undefined;
      box?: string | undefined;
    },
  ): Promise<VialView[]> {
    requireAction(ctx, 'cellbank.read', 'you may not read the cell bank');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      let q = tx
        .selectFrom('vial')
        .innerJoin('cell_bank', 'cell_bank.id', 'vial.bank_id')
        .selectAll('vial')
        .select('cell_bank.lot');
      if (filter.bankId) q = q.where('vial.bank_id', '=', filter.bankId);
      if (filter.tank) q = q.where('vial.tank', '=', filter.tank);
      if (filter.rack) q = q.where('vial.rack', '=', filter.rack);
      if (filter.box) q = q.where('vial.box', '=', filter.box);
      return (
        await q
          .orderBy('vial.tank')
          .orderBy('vial.rack')
          .orderBy('vial.box')
          .orderBy('vial.position')
          .execute()
      ).map(vialView);
    });
  }

  /**
   * Issues vials of a working bank to an allogeneic batch made from it. The available count is decremented
   * first, under the bank's row lock; the CHECK (vials_available ≥ 0) refuses an over-issue even if two
   * requests race. The vials taken are the stored ones in storage order.
   */
  async issue(ctx: RequestContext, bankId: string, input: IssueInput): Promise<VialView[]> {
    requireAction(ctx, 'cellbank.manage', 'only laboratory staff issue vials');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const batch = await tx
        .selectFrom('batch')
        .select(['id', 'reference', 'status', 'working_bank_id'])
        .where('id', '=', input.batchId)
        .executeTakeFirst();
      if (!batch) throw new InvalidInput('batchId', 'no such batch at this laboratory');
      if (batch.status !== 'in_process') throw new Conflict(`batch ${batch.reference} is ${batch.status}`);
      if (batch.working_bank_id !== bankId) {
        throw new InvalidInput('batchId', `batch ${batch.reference} is not made from this working bank`);
      }
      const bank = await lockBank(tx, bankId);
      if (bank.expires_on < today()) throw new Conflict(`lot ${bank.lot} expired on ${bank.expires_on}`);
      const updated = await tx
        .updateTable('cell_bank')
        .set((eb) => ({
          vials_available: eb('vials_available', '-', input.count),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', bankId)
        .returning('vials_available')
        .executeTakeFirst()
        .catch((e: unknown) => {
          if (pgCode(e) === '23514') {
            throw new Conflict(`only ${bank.vials_available} vials of lot ${bank.lot} are available`, {
              available: bank.vials_available,
            });
          }
          throw e;
        });
      if (!updated) throw new NotFound('cell bank');
      const vials = await tx
        .selectFrom('vial')
        .selectAll()
        .where('bank_id', '=', bankId)
        .where('status', '=', 'stored')
        .orderBy('tank')
        .orderBy('rack')
        .orderBy('box')
        .orderBy('position')
        .limit(input.count)
        .forUpdate()
        .execute();
      if (vials.length < input.count) {
        throw new Conflict(`the count of lot ${bank.lot} disagrees with its stored vials; inventory needed`);
      }
      const ids = vials.map((v) => v.id);
      await tx.updateTable('vial').set({ status: 'issued' }).where('id', 'in', ids).execute();
      await tx
        .insertInto('vial_event')
        .values(
          vials.map((v) => ({
            vial_id: v.id,
            bank_id: bankId,
            laboratory_id: bank.laboratory_id,
            kind: 'issue',
            batch_id: batch.id,
            actor_user_id: ctx.principal.userId,
            actor_name: ctx.principal.displayName,
          })),
        )
        .execute();
      await appendAudit(tx, ctx, {
        action: 'issue',
        entityType: 'cell_bank',
        entityId: bankId,
        oldValues: { vialsAvailable: bank.vials_available },
        newValues: {
          vialsAvailable: updated.vials_available,
          batchId: batch.id,
          vials: vials.map((v) => v.label),
        },
      });
      return vials.map((v) => vialView({ ...v, status: 'issued', lot: bank.lot }));
    });
  }

  /**
   * Freezes more vials into a bank's lot, each into an empty box position (the partial unique index on stored
   * vials refuses an occupied one); the available count rises by as many. An expired lot takes no new vials.
   */
  async freeze(ctx: RequestContext, bankId: string, input: FreezeInput): Promise<VialView[]> {
    requireAction(ctx, 'cellbank.manage', 'only laboratory staff freeze vials');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const bank = await lockBank(tx, bankId);
      if (bank.expires_on < today()) throw new Conflict(`lot ${bank.lot} expired on ${bank.expires_on}`);
      const rows = await tx
        .insertInto('vial')
        .values(
          input.vials.map((v) => ({
            laboratory_id: bank.laboratory_id,
            bank_id: bank.id,
            label: v.label,
            passage: bank.passage,
            tank: v.tank,
            rack: v.rack,
            box: v.box,
            position: v.position,
          })),
        )
        .returningAll()
        .execute()
        .catch((e: unknown) => {
          if (pgCode(e) === '23505') {
            throw new InvalidInput('vials', 'a label is used twice, or a box position is already occupied');
          }
          throw e;
        });
      await tx
        .updateTable('cell_bank')
        .set((eb) => ({
          vials_available: eb('vials_available', '+', rows.length),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', bank.id)
        .execute();
      await tx
        .insertInto('vial_event')
        .values(
          rows.map((v) => ({
            vial_id: v.id,
            bank_id: bank.id,
            laboratory_id: bank.laboratory_id,
            kind: 'freeze',
            actor_user_id: ctx.principal.userId,
            actor_name: ctx.principal.displayName,
          })),
        )
        .execute();
      await appendAudit(tx, ctx, {
        action: 'freeze',
        entityType: 'cell_bank',
        entityId: bank.id,
        oldValues: { vialsAvailable: bank.vials_available },
        newValues: { vialsAvailable: bank.vials_available + rows.length, vials: rows.map((v) => v.label) },
      });
      return rows.map((v) => vialView({ ...v, lot: bank.lot }));
    });
  }

  /**
   * Thaws (for testing), discards, or issues one stored vial — picked on the box map — to an in-process batch
   * made from its working bank. The bank's available count follows, under the bank's row lock.
   */
  async vialEvent(ctx: RequestContext, vialId: string, input: VialEventInput): Promise<VialView> {
    requireAction(ctx, 'cellbank.manage', 'only laboratory staff handle vials');
    const { kind, note } = input;
    if (kind === 'issue' && !input.batchId)
      throw new InvalidInput('batchId', 'name the batch the vial goes to');
    if (kind !== 'issue' && input.batchId) throw new InvalidInput('batchId', `a ${kind} names no batch`);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const vial = await tx.selectFrom('vial').selectAll().where('id', '=', vialId).executeTakeFirst();
      if (!vial) throw new NotFound('vial');
      const bank = await lockBank(tx, vial.bank_id);
      let batchId: string | null = null;
      if (kind === 'issue') {
        const batch = await tx
          .selectFrom('batch')
          .select(['id', 'reference', 'status', 'working_bank_id'])
          .where('id', '=', input.batchId!)
          .executeTakeFirst();
        if (!batch) throw new InvalidInput('batchId', 'no such batch at this laboratory');
        if (batch.status !== 'in_process') throw new Conflict(`batch ${batch.reference} is ${batch.status}`);
        if (batch.working_bank_id !== bank.id) {
          throw new InvalidInput('batchId', `batch ${batch.reference} is not made from lot ${bank.lot}`);
        }
        if (bank.expires_on < today()) throw new Conflict(`lot ${bank.lot} expired on ${bank.expires_on}`);
        batchId = batch.id;
      }
      const status = kind === 'thaw' ? 'thawed' : kind === 'discard' ? 'discarded' : 'issued';
      const changed = await tx
        .updateTable('vial')
        .set({ status, version: vial.version + 1 })
        .where('id', '=', vialId)
        .where('status', '=', 'stored')
        .returningAll()
        .executeTakeFirst();
      if (!changed) throw new Conflict(`vial ${vial.label} is ${vial.status}, not stored`);
      await tx
        .updateTable('cell_bank')
        .set((eb) => ({ vials_available: eb('vials_available', '-', 1), version: eb('version', '+', 1) }))
        .where('id', '=', bank.id)
        .execute();
      await tx
        .insertInto('vial_event')
        .values({
          vial_id: vialId,
          bank_id: bank.id,
          laboratory_id: bank.laboratory_id,
          kind,
          batch_id: batchId,
          actor_user_id: ctx.principal.userId,
          actor_name: ctx.principal.displayName,
          note: note ?? null,
        })
        .execute();
      await appendAudit(tx, ctx, {
        action: kind,
        entityType: 'vial',
        entityId: vialId,
        oldValues: { status: 'stored' },
        newValues: { status: changed.status, batchId, note: note ?? null },
      });
      return vialView({ ...changed, lot: bank.lot });
    });
  }

  /**
   * The recall list: from a vial or a bank (a master bank includes its working banks) to the batches made
   * from them (by lot or by issued vial) and the patients who received those batches.
   */
  async recall(
    ctx: RequestContext,
    from: { bankId?: string | undefined; vialId?: string | undefined },
  ): Promise<Recall> {
    requireAction(ctx, 'traceability.read', 'you may not trace the cell bank');
    if (!from.bankId === !from.vialId)
      throw new InvalidInput('bankId', 'give exactly one of bankId and vialId');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      let bankIds: string[] = [];
      let batchIds: string[] = [];
      if (from.vialId) {
        const vial = await tx
          .selectFrom('vial')
          .select(['id', 'bank_id'])
          .where('id', '=', from.vialId)
          .executeTakeFirst();
        if (!vial) throw new NotFound('vial');
        bankIds = [vial.bank_id];
        batchIds = (
          await tx
            .selectFrom('vial_event')
            .select('batch_id')
            .where('vial_id', '=', vial.id)
            .where('kind', '=', 'issue')
            .execute()
        ).map((r) => r.batch_id!);
      } else {
        const { rows } = await sql<{ id: string }>`
          WITH RECURSIVE tree AS (
            SELECT id FROM cell_bank WHERE id = ${from.bankId}
            UNION SELECT b.id FROM cell_bank b JOIN tree t ON b.parent_bank_id = t.id)
          SELECT id FROM tree`.execute(tx);
        if (rows.length === 0) throw new NotFound('cell bank');
        bankIds = rows.map((r) => r.id);
        const byLot = await tx
          .selectFrom('batch')
          .select('id')
          .where('working_bank_id', 'in', bankIds)
          .execute();
        const byVial = await tx
          .selectFrom('vial_event')
          .select('batch_id')
          .where('bank_id', 'in', bankIds)
          .where('kind', '=', 'issue')
          .execute();
        batchIds = [...byLot.map((r) => r.id), ...byVial.map((r) => r.batch_id!)];
      }
      batchIds = [...new Set(batchIds)];
      const banks = await tx
        .selectFrom('cell_bank')
        .select(['id', 'lot', 'kind'])
        .where('id', 'in', bankIds)
        .orderBy('lot')
        .execute();
      const batches = batchIds.length
        ? await tx
            .selectFrom('batch')
            .select(['id', 'reference', 'status', 'patient_id', 'hospital_id', 'patient_pseudonym'])
            .where('id', 'in', batchIds)
            .orderBy('reference')
            .execute()
        : [];
      const dispatches = batchIds.length
        ? await tx
            .selectFrom('batch_dispatch')
            .innerJoin('batch', 'batch.id', 'batch_dispatch.batch_id')
            .select([
              'batch_dispatch.patient_id',
              'batch_dispatch.patient_pseudonym',
              'batch_dispatch.hospital_id',
              'batch.reference',
            ])
            .where('batch_dispatch.batch_id', 'in', batchIds)
            .execute()
        : [];
      const patients = [
        ...batches
          .filter((b) => b.patient_id)
          .map((b) => ({
            patientId: b.patient_id!,
            pseudonym: b.patient_pseudonym!,
            hospitalId: b.hospital_id!,
            batchReference: b.reference,
          })),
        ...dispatches.map((d) => ({
          patientId: d.patient_id,
          pseudonym: d.patient_pseudonym,
          hospitalId: d.hospital_id,
          batchReference: d.reference,
        })),
      ].sort(
        (a, b) => a.pseudonym.localeCompare(b.pseudonym) || a.batchReference.localeCompare(b.batchReference),
      );
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'recall',
        entityId: from.bankId ?? from.vialId ?? null,
        newValues: { patients: patients.length },
      });
      return {
        banks,
        batches: batches.map((b) => ({ id: b.id, reference: b.reference, status: b.status })),
        patients,
      };
    });
  }

  /** Upstream of a patient: every batch they received, and the banks, lots and vials it came from. */
  async upstream(ctx: RequestContext, patientId: string): Promise<Upstream> {
    requireAction(ctx, 'traceability.read', 'you may not trace the cell bank');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const dispatched = await tx
        .selectFrom('batch_dispatch')
        .select('batch_id')
        .where('patient_id', '=', patientId)
        .execute();
      const batches = await tx
        .selectFrom('batch')
        .select(['id', 'reference', 'kind', 'status', 'working_bank_id'])
        .where((eb) =>
          eb.or([
            eb('patient_id', '=', patientId),
            ...(dispatched.length
              ? [
                  eb(
                    'id',
                    'in',
                    dispatched.map((d) => d.batch_id),
                  ),
                ]
              : []),
          ]),
        )
        .orderBy('reference')
        .execute();
      const batchIds = batches.map((b) => b.id);
      const vials = batchIds.length
        ? await tx
            .selectFrom('vial_event')
            .innerJoin('vial', 'vial.id', 'vial_event.vial_id')
            .innerJoin('cell_bank', 'cell_bank.id', 'vial_event.bank_id')
            .innerJoin('batch', 'batch.id', 'vial_event.batch_id')
            .select([
              'vial.id',
              'vial.label',
              'cell_bank.lot',
              'batch.reference as batch_reference',
              'vial_event.bank_id',
            ])
            .where('vial_event.batch_id', 'in', batchIds)
            .where('vial_event.kind', '=', 'issue')
            .orderBy('vial.label')
            .execute()
        : [];
      const direct = [
        ...batches.map((b) => b.working_bank_id).filter((x): x is string => !!x),
        ...vials.map((v) => v.bank_id),
      ];
      const banks: Upstream['banks'] = [];
      if (direct.length) {
        const { rows } = await sql<{ id: string; lot: string; kind: string; cell_line_code: string }>`
          WITH RECURSIVE up AS (
            SELECT id, parent_bank_id FROM cell_bank WHERE id = ANY(${[...new Set(direct)]}::uuid[])
            UNION SELECT b.id, b.parent_bank_id FROM cell_bank b JOIN up ON b.id = up.parent_bank_id)
          SELECT b.id, b.lot, b.kind, l.code AS cell_line_code FROM cell_bank b
            JOIN cell_line l ON l.id = b.cell_line_id WHERE b.id IN (SELECT id FROM up) ORDER BY b.kind, b.lot`.execute(
          tx,
        );
        banks.push(
          ...rows.map((r) => ({ id: r.id, lot: r.lot, kind: r.kind, cellLineCode: r.cell_line_code })),
        );
      }
      await appendAudit(tx, ctx, { action: 'read', entityType: 'traceability', entityId: patientId });
      return {
        batches: batches.map((b) => ({ id: b.id, reference: b.reference, kind: b.kind, status: b.status })),
        banks,
        vials: vials.map((v) => ({
          id: v.id,
          label: v.label,
          lot: v.lot,
          batchReference: v.batch_reference,
        })),
      };
    });
  }
}

async function lockBank(tx: Tx, id: string): Promise<BankRow> {
  const bank = await tx
    .selectFrom('cell_bank')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!bank) throw new NotFound('cell bank');
  return bank;
}
