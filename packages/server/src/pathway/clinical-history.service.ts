import { can } from '@cgtlink/domain/access/index';
import { genotypeLabel, type HbbAllele, validateHbbAllele } from '@cgtlink/domain/pathway/genotype';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Forbidden, InvalidInput, NotFound } from '../errors';
import { dateText, iso, Refused } from './common';

export interface ClinicalHistory {
  genotype: {
    allele1: HbbAllele;
    allele2: HbbAllele;
    label: string;
    alphaGenotype: string | null;
    recordedAt: string;
  } | null;
  weights: { measuredOn: string; weightKg: number }[];
  transfusions: { transfusedOn: string; volumeMl: number | null; preHbGdl: number | null }[];
}

/**
 * A patient's clinical history (issue 6, part 2): HBB genotype with its variants, weights and red-cell
 * transfusions, recorded by the patient's hospital and used by the eligibility evaluation. New entries are
 * refused once the patient has withdrawn consent and holds no active one (no new data collection).
 */
export class ClinicalHistoryService {
  constructor(private readonly db: Kysely<Schema>) {}

  async get(ctx: RequestContext, patientId: string): Promise<ClinicalHistory> {
    if (!can(ctx.principal, 'patient.read')) throw new Forbidden('you may not read patient records');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await this.#patient(tx, ctx, patientId, true);
      await appendAudit(tx, ctx, { action: 'read', entityType: 'clinical_history', entityId: patientId });
      return historyOf(tx, patientId);
    });
  }

  async recordGenotype(
    ctx: RequestContext,
    patientId: string,
    input: { allele1: HbbAllele; allele2: HbbAllele; alphaGenotype?: string | null | undefined },
  ): Promise<ClinicalHistory> {
    const [a1, a2] = [this.#allele(input.allele1, 'allele1'), this.#allele(input.allele2, 'allele2')];
    return this.#write(ctx, patientId, async (tx, hospitalId) => {
      const label = genotypeLabel(a1, a2);
      await tx
        .insertInto('patient_genotype')
        .values({
          patient_id: patientId,
          hospital_id: hospitalId,
          allele1_class: a1.alleleClass,
          allele1_hgvs: a1.hgvs,
          allele2_class: a2.alleleClass,
          allele2_hgvs: a2.hgvs,
          label,
          alpha_genotype: input.alphaGenotype ?? null,
          recorded_by: ctx.principal.userId,
        })
        .execute();
      return { genotype: { label, allele1: a1, allele2: a2, alphaGenotype: input.alphaGenotype ?? null } };
    });
  }

  async recordWeights(
    ctx: RequestContext,
    patientId: string,
    weights: { measuredOn: string; weightKg: number }[],
  ): Promise<ClinicalHistory> {
    return this.#write(ctx, patientId, async (tx, hospitalId) => {
      await tx
        .insertInto('patient_weight')
        .values(
          weights.map((w) => ({
            patient_id: patientId,
            hospital_id: hospitalId,
            measured_on: w.measuredOn,
            weight_kg: w.weightKg,
            recorded_by: ctx.principal.userId,
          })),
        )
        .execute();
      return { weights };
    });
  }

  async recordTransfusions(
    ctx: RequestContext,
    patientId: string,
    transfusions: { transfusedOn: string; volumeMl?: number | undefined; preHbGdl?: number | undefined }[],
  ): Promise<ClinicalHistory> {
    return this.#write(ctx, patientId, async (tx, hospitalId) => {
      await tx
        .insertInto('patient_transfusion')
        .values(
          transfusions.map((t) => ({
            patient_id: patientId,
            hospital_id: hospitalId,
            transfused_on: t.transfusedOn,
            volume_ml: t.volumeMl ?? null,
            pre_hb_g_dl: t.preHbGdl ?? null,
            recorded_by: ctx.principal.userId,
          })),
        )
        .execute();
      return { transfusions: transfusions.length };
    });
  }

  async #write(
    ctx: RequestContext,
    patientId: string,
    work: (tx: Tx, hospitalId: string) => Promise<Record<string, unknown>>,
  ): Promise<ClinicalHistory> {
    if (!can(ctx.principal, 'patient.update'))
      throw new Forbidden('only hospital staff record clinical history');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await this.#patient(tx, ctx, patientId, false);
      await refuseIfConsentWithdrawn(tx, patientId);
      const recorded = await work(tx, ctx.principal.organizationId);
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'clinical_history',
        entityId: patientId,
        newValues: recorded,
      });
      return historyOf(tx, patientId);
    });
  }

  #allele(allele: HbbAllele, field: string): HbbAllele {
    try {
      return validateHbbAllele({ alleleClass: allele.alleleClass, hgvs: allele.hgvs ?? null }, field);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new InvalidInput(message.split(':')[0] ?? field, message);
    }
  }

  async #patient(tx: Tx, ctx: RequestContext, patientId: string, allowSelf: boolean): Promise<void> {
    const p = ctx.principal;
    let query = tx.selectFrom('patient').select('id').where('id', '=', patientId);
    if (p.role === 'patient') {
      if (!allowSelf || p.patientId !== patientId) throw new NotFound('patient');
    } else if (p.organizationKind === 'hospital') {
      query = query.where('hospital_id', '=', p.organizationId);
    } else if (p.organizationKind !== 'regulator') {
      throw new NotFound('patient');
    }
    if (!(await query.executeTakeFirst())) throw new NotFound('patient');
  }
}

/** No new data for a patient who withdrew consent and holds no active consent (PIPL art. 15). */
export async function refuseIfConsentWithdrawn(tx: Tx, patientId: string): Promise<void> {
  const rows = await tx.selectFrom('consent').select('status').where('patient_id', '=', patientId).execute();
  if (rows.length > 0 && rows.every((r) => r.status === 'withdrawn')) {
    throw new Refused('consent-withdrawn', 'the patient withdrew consent: no new data are collected');
  }
}

/** The stored history, oldest first; used by the eligibility evaluation when no history is supplied. */
export async function historyOf(tx: Tx, patientId: string): Promise<ClinicalHistory> {
  const [genotype, weights, transfusions] = await Promise.all([
    tx
      .selectFrom('patient_genotype')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('recorded_at', 'desc')
      .limit(1)
      .executeTakeFirst(),
    tx
      .selectFrom('patient_weight')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('measured_on')
      .execute(),
    tx
      .selectFrom('patient_transfusion')
      .selectAll()
      .where('patient_id', '=', patientId)
      .orderBy('transfused_on')
      .execute(),
  ]);
  return {
    genotype: genotype
      ? {
          allele1: {
            alleleClass: genotype.allele1_class as HbbAllele['alleleClass'],
            hgvs: genotype.allele1_hgvs,
          },
          allele2: {
            alleleClass: genotype.allele2_class as HbbAllele['alleleClass'],
            hgvs: genotype.allele2_hgvs,
          },
          label: genotype.label,
          alphaGenotype: genotype.alpha_genotype,
          recordedAt: iso(genotype.recorded_at)!,
        }
      : null,
    weights: weights.map((w) => ({ measuredOn: dateText(w.measured_on), weightKg: Number(w.weight_kg) })),
    transfusions: transfusions.map((t) => ({
      transfusedOn: dateText(t.transfused_on),
      volumeMl: t.volume_ml === null ? null : Number(t.volume_ml),
      preHbGdl: t.pre_hb_g_dl === null ? null : Number(t.pre_hb_g_dl),
    })),
  };
}
