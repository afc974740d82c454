import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import {
  type DonorRelation,
  donorCollectionProblems,
  donorSelectionProblems,
  lotAllocationProblems,
} from '@cgtlink/domain/pathway/sources';
import type { Technology } from '@cgtlink/domain/pathway/tables';
import type { Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { TherapyTable } from '../db/schema';
import type { Tx } from '../db/scoped';
import { InvalidInput } from '../errors';
import { dateText, iso, json, Refused } from './common';

type TherapyRow = Pick<
  Selectable<TherapyTable>,
  'id' | 'patient_id' | 'patient_pseudonym' | 'hospital_id' | 'laboratory_id' | 'technology'
>;

/** Step data that names where the product comes from (the donor of a transplant, the lot of an MSC therapy). */
export interface SourceInput {
  donor?:
    | {
        code?: string | undefined;
        relation?: DonorRelation | undefined;
        hlaMatch: string;
        donorId?: string | undefined;
      }
    | undefined;
  donorConsent?: { signedBy: 'donor' | 'guardian'; signedOn: string } | undefined;
  donorEligibility?:
    | { verdict: 'eligible' | 'ineligible'; markers: { test: string; result: string }[] }
    | undefined;
  batchId?: string | undefined;
}

export interface DonorView {
  code: string;
  donorId: string | null;
  relation: string;
  hlaMatch: string;
  consentedOn: string | null;
  consentSignedBy: string | null;
  eligibility: string;
  markers: { test: string; result: string }[];
  collectionDin: string | null;
  version: number;
}

export interface LotView {
  batchId: string;
  batchReference: string;
  batchProductCode: string;
  workingBankId: string;
  bankLot: string;
  din: string;
  allocatedAt: string;
}

const isTransplant = (t: string) => t === 'allogeneic_hsct' || t === 'haploidentical_hsct';

/** A selected donor, resolved against the donor record when one is named. */
export interface ResolvedDonor {
  code: string;
  relation: DonorRelation;
  hlaMatch: string;
  donorId: string | null;
}

/** What the checks resolved, for the write that follows. */
export interface CheckedSource {
  donor?: ResolvedDonor;
}

/** The donor record's relation (0012: father, mother, sibling, child, other) in the pathway's terms. */
const RELATION_OF: Record<string, DonorRelation> = {
  father: 'parent',
  mother: 'parent',
  sibling: 'sibling',
  child: 'child',
  other: 'other_family',
};

/**
 * Resolves the donor of a selection: a donor record named by id must be visible to the hospital (its own
 * related donors, or registry donors), belong to this patient when related, and be active; its relation and a
 * code derived from its number stand unless the request gives a consistent one.
 */
async function resolveDonor(
  tx: Tx,
  therapy: TherapyRow,
  donor: NonNullable<SourceInput['donor']>,
): Promise<ResolvedDonor> {
  if (!donor.donorId) {
    if (!donor.code) throw new InvalidInput('donor.code', 'the donor code, or a donor record');
    if (!donor.relation) throw new InvalidInput('donor.relation', "the donor's relation to the patient");
    return { code: donor.code, relation: donor.relation, hlaMatch: donor.hlaMatch, donorId: null };
  }
  const record = await tx
    .selectFrom('donor')
    .select(['id', 'donor_no', 'kind', 'patient_id', 'relation', 'status'])
    .where('id', '=', donor.donorId)
    .executeTakeFirst();
  if (!record) throw new InvalidInput('donor.donorId', 'no donor record of this hospital or of the registry');
  if (record.kind === 'related' && record.patient_id !== therapy.patient_id) {
    throw new InvalidInput('donor.donorId', 'this related donor is recorded for another patient');
  }
  if (record.status !== 'active') throw new InvalidInput('donor.donorId', 'the donor record is inactive');
  const relation: DonorRelation =
    record.kind === 'unrelated' ? 'unrelated' : (RELATION_OF[record.relation ?? 'other'] ?? 'other_family');
  if (donor.relation && donor.relation !== relation) {
    throw new InvalidInput('donor.relation', `the donor record gives the relation ${relation}`);
  }
  return {
    code: donor.code ?? `${record.kind === 'related' ? 'FAM' : 'REG'}-${record.donor_no}`,
    relation,
    hlaMatch: donor.hlaMatch,
    donorId: record.id,
  };
}

/**
 * Checks the source data a step needs, before anything is written (a refusal leaves no entry): the donor at
 * selection, the donor's consent and eligibility, a cleared donor at the collection, a lot at allocation.
 */
export async function checkSourceStep(
  tx: Tx,
  therapy: TherapyRow,
  step: string,
  input: SourceInput,
): Promise<CheckedSource> {
  const checked: CheckedSource = {};
  if (!isTransplant(therapy.technology) && therapy.technology !== 'msc') return checked;
  if (step === 'donor_selection' && isTransplant(therapy.technology)) {
    if (!input.donor) throw new InvalidInput('donor', 'the selected donor: code, relation and HLA match');
    const donor = await resolveDonor(tx, therapy, input.donor);
    const problems = donorSelectionProblems(therapy.technology as Technology, donor);
    if (problems.length > 0) {
      const [field, ...rest] = problems[0]!.split(': ');
      throw new InvalidInput(`donor.${field}`, rest.join(': '));
    }
    checked.donor = donor;
  }
  if (step === 'donor_consent' && !input.donorConsent) {
    throw new InvalidInput('donorConsent', "the donor's consent: who signed and when");
  }
  if (step === 'donor_eligibility' && !input.donorEligibility) {
    throw new InvalidInput('donorEligibility', "the donor's eligibility verdict and markers");
  }
  if (step === 'collection' && isTransplant(therapy.technology)) {
    const donor = await donorRow(tx, therapy.id);
    const problems = donorCollectionProblems(
      donor
        ? {
            consentedOn: donor.consented_on === null ? null : dateText(donor.consented_on),
            eligibility: donor.eligibility as 'pending' | 'eligible' | 'ineligible',
          }
        : null,
    );
    if (problems.length > 0) {
      throw new Refused('donor-not-cleared', `no collection: ${problems.join('; ')}`, { problems });
    }
  }
  if (step === 'lot_allocation') {
    if (!input.batchId) throw new InvalidInput('batchId', 'the released batch allocated to this patient');
    const lot = await lotCandidate(tx, input.batchId);
    if (!lot) throw new InvalidInput('batchId', 'no batch of this laboratory has this id');
    const problems = lotAllocationProblems(lot, therapy.laboratory_id);
    if (problems.length > 0) {
      throw new Refused('lot-not-allocatable', `lot refused: ${problems.join('; ')}`, { problems });
    }
  }
  return checked;
}

/** Writes the source record of a step that has just been appended as `eventId`. */
export async function recordSourceStep(
  tx: Tx,
  ctx: RequestContext,
  therapy: TherapyRow,
  step: string,
  input: SourceInput,
  checked: CheckedSource,
  eventId: string,
  din: string | null,
): Promise<void> {
  const linked = {
    therapy_id: therapy.id,
    patient_id: therapy.patient_id,
    hospital_id: therapy.hospital_id,
    laboratory_id: therapy.laboratory_id,
  };
  if (isTransplant(therapy.technology)) {
    if (step === 'donor_selection' && checked.donor) {
      const donor = checked.donor;
      const row = await tx
        .insertInto('therapy_donor')
        .values({
          ...linked,
          donor_code: donor.code,
          donor_id: donor.donorId,
          relation: donor.relation,
          hla_match: donor.hlaMatch.replace(/\s+/g, ''),
          selected_event_id: eventId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'therapy_donor',
        entityId: row.id,
        newValues: { therapyId: therapy.id, ...donor },
      });
      return;
    }
    const change: Record<string, unknown> | null =
      step === 'donor_consent' && input.donorConsent
        ? {
            consented_on: input.donorConsent.signedOn,
            consent_signed_by: input.donorConsent.signedBy,
            consent_event_id: eventId,
          }
        : step === 'donor_eligibility' && input.donorEligibility
          ? {
              eligibility: input.donorEligibility.verdict,
              eligibility_detail: canonicalJson(input.donorEligibility.markers),
              eligibility_event_id: eventId,
            }
          : step === 'collection' && din
            ? { collection_din: din }
            : null;
    if (!change) return;
    const donor = await donorRow(tx, therapy.id);
    if (!donor) throw new Refused('donor-not-selected', `${step} needs the donor selected first`);
    await tx
      .updateTable('therapy_donor')
      .set({ ...change, version: donor.version + 1, updated_at: new Date() })
      .where('id', '=', donor.id)
      .execute();
    // Old and new values of the changed columns only, so the history reads one line per change.
    const before = donor as unknown as Record<string, unknown>;
    const oldValues = Object.fromEntries(
      Object.keys(change).map((k) => [
        k,
        k === 'consented_on' && before[k] ? dateText(before[k] as string) : (before[k] ?? null),
      ]),
    );
    await appendAudit(tx, ctx, {
      action: 'update',
      entityType: 'therapy_donor',
      entityId: donor.id,
      oldValues,
      newValues: change,
      reason: step,
    });
    return;
  }
  if (step === 'lot_allocation' && input.batchId && din) {
    const lot = (await lotCandidate(tx, input.batchId))!;
    const row = await tx
      .insertInto('therapy_lot')
      .values({
        ...linked,
        batch_id: lot.id,
        batch_reference: lot.reference,
        batch_product_code: lot.productCode,
        working_bank_id: lot.bankId!,
        bank_lot: lot.bankLot!,
        din,
        event_id: eventId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The laboratory's own record of where the lot went: the recall list of the cell bank reads these.
    await tx
      .insertInto('batch_dispatch')
      .values({
        batch_id: lot.id,
        laboratory_id: therapy.laboratory_id,
        patient_id: therapy.patient_id,
        hospital_id: therapy.hospital_id,
        patient_pseudonym: therapy.patient_pseudonym,
        dispatched_by: ctx.principal.userId,
      })
      .execute();
    await appendAudit(tx, ctx, {
      action: 'allocate',
      entityType: 'therapy_lot',
      entityId: row.id,
      newValues: { therapyId: therapy.id, batch: lot.reference, lot: lot.bankLot, din },
    });
    await appendAudit(tx, ctx, {
      action: 'dispatch',
      entityType: 'batch',
      entityId: lot.id,
      newValues: { patientPseudonym: therapy.patient_pseudonym, hospitalId: therapy.hospital_id, din },
    });
  }
}

/** The donor and the lot of a therapy, as the therapy page shows them. */
export async function therapySources(
  tx: Tx,
  therapyId: string,
): Promise<{ donor: DonorView | null; lot: LotView | null }> {
  const [donor, lot] = await Promise.all([
    donorRow(tx, therapyId),
    tx.selectFrom('therapy_lot').selectAll().where('therapy_id', '=', therapyId).executeTakeFirst(),
  ]);
  return {
    donor: donor
      ? {
          code: donor.donor_code,
          donorId: donor.donor_id,
          relation: donor.relation,
          hlaMatch: donor.hla_match,
          consentedOn: donor.consented_on === null ? null : dateText(donor.consented_on),
          consentSignedBy: donor.consent_signed_by,
          eligibility: donor.eligibility,
          markers: donor.eligibility_detail === null ? [] : json(donor.eligibility_detail),
          collectionDin: donor.collection_din,
          version: donor.version,
        }
      : null,
    lot: lot
      ? {
          batchId: lot.batch_id,
          batchReference: lot.batch_reference,
          batchProductCode: lot.batch_product_code,
          workingBankId: lot.working_bank_id,
          bankLot: lot.bank_lot,
          din: lot.din,
          allocatedAt: iso(lot.allocated_at)!,
        }
      : null,
  };
}

async function donorRow(tx: Tx, therapyId: string) {
  return tx.selectFrom('therapy_donor').selectAll().where('therapy_id', '=', therapyId).executeTakeFirst();
}

/**
 * A batch with the bank it was expanded from and the vials issued to it. Read under the laboratory's own
 * row-level security (a batch of another laboratory is simply not found).
 */
async function lotCandidate(tx: Tx, batchId: string) {
  const row = await tx
    .selectFrom('batch')
    .leftJoin('cell_bank', 'cell_bank.id', 'batch.working_bank_id')
    .select([
      'batch.id',
      'batch.reference',
      'batch.kind',
      'batch.status',
      'batch.laboratory_id',
      'batch.product_code',
      'cell_bank.id as bank_id',
      'cell_bank.kind as bank_kind',
      'cell_bank.lot as bank_lot',
      'cell_bank.expires_on as bank_expires_on',
    ])
    .where('batch.id', '=', batchId)
    .executeTakeFirst();
  if (!row) return null;
  const issued = await tx
    .selectFrom('vial_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('batch_id', '=', batchId)
    .where('kind', '=', 'issue')
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    reference: row.reference,
    productCode: row.product_code,
    bankId: row.bank_id,
    kind: row.kind,
    status: row.status,
    laboratoryId: row.laboratory_id,
    bankKind: row.bank_kind,
    bankLot: row.bank_lot,
    bankExpiresOn: row.bank_expires_on === null ? null : dateText(row.bank_expires_on),
    vialsIssued: Number(issued.n),
  };
}
