import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import { validateDinWithCheck } from '@cgtlink/domain/isbt128/index';
import { checkCustodyScan, custodyKey } from '@cgtlink/domain/pathway/custody';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Tx } from '../db/scoped';
import { InvalidInput } from '../errors';
import { notify, Refused } from '../pathway/common';
import { iso } from './common';

/**
 * Receipt of an autologous collection at the laboratory, read from and recorded in the pathway's own tables
 * (issue 6, migration 0002): the therapy named by the chain of identity, the collection holding the scanned DIN,
 * and the custody scans of that DIN. The laboratory sees only the therapies that name it (row-level security),
 * so a chain of identity or DIN of another laboratory is simply unknown here.
 */

/** What the batch row keeps of a verified receipt. */
export interface VerifiedReceipt {
  therapy_id: string;
  collection_id: string;
  patient_id: string;
  hospital_id: string;
  patient_pseudonym: string;
  chain_of_identity: string;
  din: string;
  din_verified_at: string;
}

/** A refusal that must leave its deviation (or its audit entry) behind: committed first, then answered. */
export interface RefusalAfterCommit {
  refused: Refused;
}

/**
 * Verifies the bag scanned on receipt against the pathway: the DIN's ISO/IEC 7064 MOD 37-2 check character
 * (a misread is a 400 naming the field, nothing recorded), then the DIN on a collection of the therapy the chain
 * of identity names, and the patient pseudonym on the label equal to that therapy's. A mismatch is refused and
 * recorded as an `identity_mismatch` deviation of every chain involved, notified to the hospital and to the
 * laboratory (DESIGN.md §2). The unit must have been handed over to the laboratory: the receipt is the
 * `laboratory:in` custody scan, recorded here when it is the next one expected.
 */
export async function verifyReceipt(
  tx: Tx,
  ctx: RequestContext,
  input: { chainOfIdentity: string; dinWithCheck: string; patientPseudonym: string; reference: string },
): Promise<VerifiedReceipt | RefusalAfterCommit> {
  const checked = validateDinWithCheck(input.dinWithCheck);
  if (!checked.valid) {
    throw new InvalidInput('dinWithCheck', checked.problems.map((p) => p.message).join('; '));
  }
  const din = checked.value.din;
  const therapyColumns = [
    'id',
    'patient_id',
    'patient_pseudonym',
    'hospital_id',
    'laboratory_id',
    'chain_of_identity',
    'consent_status',
  ] as const;
  const named = await tx
    .selectFrom('therapy')
    .select(therapyColumns)
    .where('chain_of_identity', '=', input.chainOfIdentity)
    .executeTakeFirst();
  const collection = await tx
    .selectFrom('collection')
    .select(['id', 'therapy_id', 'din'])
    .where('din', '=', din)
    .executeTakeFirst();
  if (!named && !collection) {
    await appendAudit(tx, ctx, {
      action: 'refuse-receipt',
      entityType: 'batch',
      entityId: input.reference,
      newValues: { chainOfIdentity: input.chainOfIdentity, din, reason: 'unknown' },
    });
    return {
      refused: new Refused(
        'identity-unknown',
        `neither chain of identity ${input.chainOfIdentity} nor DIN ${din} is a collection sent to this laboratory`,
      ),
    };
  }
  const mismatches: string[] = [];
  if (!named) mismatches.push(`chain of identity ${input.chainOfIdentity} is not known to this laboratory`);
  if (!collection) mismatches.push(`DIN ${din} is not a collection sent to this laboratory`);
  if (named && collection && collection.therapy_id !== named.id) {
    mismatches.push(`DIN ${din} is not on chain of identity ${named.chain_of_identity}`);
  }
  if (named && named.patient_pseudonym !== input.patientPseudonym) {
    mismatches.push(
      `patient ${input.patientPseudonym} on the label does not match ${named.patient_pseudonym} of chain of identity ${named.chain_of_identity}`,
    );
  }
  if (mismatches.length > 0) {
    const involved = new Set([named?.id, collection?.therapy_id].filter((x): x is string => !!x));
    for (const therapyId of involved) {
      const therapy =
        therapyId === named?.id
          ? named
          : await tx
              .selectFrom('therapy')
              .select(therapyColumns)
              .where('id', '=', therapyId)
              .executeTakeFirst();
      if (!therapy) continue;
      const detail = {
        stage: 'laboratory_receipt',
        batchReference: input.reference,
        scanned: { din, chainOfIdentity: input.chainOfIdentity, patientPseudonym: input.patientPseudonym },
        mismatches,
      };
      const row = await tx
        .insertInto('deviation')
        .values({
          therapy_id: therapy.id,
          patient_id: therapy.patient_id,
          hospital_id: therapy.hospital_id,
          laboratory_id: therapy.laboratory_id,
          kind: 'identity_mismatch',
          din,
          detail: canonicalJson(detail),
          reported_by: ctx.principal.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'deviation',
        entityId: row.id,
        newValues: { therapyId: therapy.id, kind: 'identity_mismatch', din, detail },
      });
      for (const org of [therapy.hospital_id, therapy.laboratory_id]) {
        await notify(tx, org, {
          kind: 'deviation.identity_mismatch',
          subject: `identity mismatch on receipt at the laboratory, chain of identity ${therapy.chain_of_identity}, DIN ${din}`,
          entityType: 'therapy',
          entityId: therapy.id,
        });
      }
    }
    return {
      refused: new Refused('identity-mismatch', `receipt refused: ${mismatches.join('; ')}`, { mismatches }),
    };
  }
  const therapy = named!;
  if (therapy.consent_status !== 'active') {
    throw new Refused('consent-withdrawn', 'the patient withdrew consent: no new batch is started');
  }
  const scans = await tx
    .selectFrom('custody_scan')
    .select(['stage', 'direction'])
    .where('din', '=', din)
    .orderBy('seq')
    .execute();
  const done = scans.map((s) => custodyKey(s.stage, s.direction as 'in' | 'out'));
  if (!done.includes('laboratory:in')) {
    const check = checkCustodyScan(done, 'laboratory', 'in', 'laboratory');
    if (!check.ok) {
      throw new Refused(
        'custody-out-of-order',
        `the unit is not handed over to the laboratory: ${check.reason}`,
      );
    }
    await tx
      .insertInto('custody_scan')
      .values({
        therapy_id: therapy.id,
        patient_id: therapy.patient_id,
        hospital_id: therapy.hospital_id,
        laboratory_id: therapy.laboratory_id,
        din,
        seq: check.index + 1,
        stage: 'laboratory',
        direction: 'in',
        actor_user_id: ctx.principal.userId,
        actor_name: ctx.principal.displayName,
        organization_id: ctx.principal.organizationId,
      })
      .execute();
    await appendAudit(tx, ctx, {
      action: 'custody',
      entityType: 'therapy',
      entityId: therapy.id,
      newValues: { din, scan: 'laboratory:in', seq: check.index + 1, batchReference: input.reference },
    });
  }
  return {
    therapy_id: therapy.id,
    collection_id: collection!.id,
    patient_id: therapy.patient_id,
    hospital_id: therapy.hospital_id,
    patient_pseudonym: therapy.patient_pseudonym,
    chain_of_identity: therapy.chain_of_identity,
    din,
    din_verified_at: new Date().toISOString(),
  };
}

export interface InboundExcursion {
  deviationId: string;
  status: 'open' | 'assessed';
  assessment: string | null;
  version: number;
  maxCelsius: number | null;
  limitCelsius: number;
  loggedAt: string;
}

/**
 * The temperature excursions of the inbound leg (`to_laboratory`) of each batch's collection, from the
 * pathway's temperature logs and the deviations they opened; an `open` one blocks release until assessed.
 */
export async function inboundExcursions(
  tx: Tx,
  batches: readonly { id: string; therapy_id: string | null; din: string | null }[],
): Promise<Map<string, InboundExcursion[]>> {
  const byBatch = new Map<string, InboundExcursion[]>();
  const linked = batches.filter((b) => b.therapy_id && b.din);
  if (linked.length === 0) return byBatch;
  const rows = await tx
    .selectFrom('temperature_log')
    .innerJoin('deviation', 'deviation.id', 'temperature_log.deviation_id')
    .select([
      'temperature_log.therapy_id',
      'temperature_log.din',
      'temperature_log.max_celsius',
      'temperature_log.limit_celsius',
      'temperature_log.uploaded_at',
      'deviation.id as deviation_id',
      'deviation.status',
      'deviation.assessment',
      'deviation.version',
    ])
    .where('temperature_log.leg', '=', 'to_laboratory')
    .where(
      'temperature_log.therapy_id',
      'in',
      linked.map((b) => b.therapy_id!),
    )
    .orderBy('temperature_log.uploaded_at')
    .orderBy('deviation.id')
    .execute();
  for (const b of linked) {
    byBatch.set(
      b.id,
      rows
        .filter((r) => r.therapy_id === b.therapy_id && r.din === b.din)
        .map((r) => ({
          deviationId: r.deviation_id,
          status: r.status as InboundExcursion['status'],
          assessment: r.assessment,
          version: r.version,
          maxCelsius: r.max_celsius === null ? null : Number(r.max_celsius),
          limitCelsius: Number(r.limit_celsius),
          loggedAt: iso(r.uploaded_at)!,
        })),
    );
  }
  return byBatch;
}

/** The excursion state a batch shows: from the pathway's records when linked, else the batch's own flag. */
export function excursionState(
  row: { excursion: string; excursion_assessment: string | null; therapy_id: string | null },
  inbound: readonly InboundExcursion[] | undefined,
): { excursion: 'none' | 'unassessed' | 'assessed'; assessment: string | null } {
  if (!row.therapy_id) {
    return {
      excursion: row.excursion as 'none' | 'unassessed' | 'assessed',
      assessment: row.excursion_assessment,
    };
  }
  const list = inbound ?? [];
  if (list.length === 0) return { excursion: 'none', assessment: null };
  if (list.some((x) => x.status === 'open')) return { excursion: 'unassessed', assessment: null };
  return { excursion: 'assessed', assessment: list.map((x) => x.assessment).join(' / ') };
}
