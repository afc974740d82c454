import { can } from '@cgtlink/domain/access/index';
import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import { createChainOfIdentity } from '@cgtlink/domain/isbt128/chain-of-identity';
import {
  type EligibilityCriteria,
  type EligibilityInput,
  type EligibilityResult,
  evaluateEligibility,
} from '@cgtlink/domain/pathway/eligibility';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { AuthService } from '../auth/auth.service';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors';
import type { IdentifierCrypto } from '../patients/identifier-crypto';
import { historyOf } from './clinical-history.service';
import { dateText, iso, json, notify, Refused, randomCode, signWithin } from './common';
import { requireActiveFiling } from './filing.service';

export interface Consent {
  id: string;
  patientId: string;
  filingId: string;
  documentId: string;
  documentVersion: number;
  signedBy: 'patient' | 'guardian';
  signerName: string;
  signedOn: string;
  status: 'active' | 'withdrawn';
  withdrawnOn: string | null;
  withdrawalReason: string | null;
  signatureId: string | null;
  version: number;
}

export interface EligibilityAssessment {
  id: string;
  patientId: string;
  filingId: string;
  allMet: boolean;
  result: EligibilityResult;
  assessedAt: string;
}

export interface Enrolment {
  therapyId: string;
  chainOfIdentity: string;
  state: string;
  version: number;
  exception: { reason: string; signatureId: string } | null;
}

/**
 * Consent, eligibility and enrolment (issue 6, parts 3–4): the hospital records the patient's or guardian's
 * signed consent to a versioned document, evaluates the filing's criteria with the domain rules, and enrols the
 * patient into an approved, active filing once every criterion is met or a physician signs a documented
 * exception. Enrolment allocates the chain of identity (ISBT 128 data structure 040) before any collection.
 */
export class EnrolmentService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly auth: AuthService,
    private readonly crypto: IdentifierCrypto,
  ) {}

  async recordConsent(
    ctx: RequestContext,
    patientId: string,
    input: {
      filingId: string;
      documentId: string;
      signedBy: 'patient' | 'guardian';
      signerName: string;
      signedOn: string;
      password: string;
    },
    ip: string,
  ): Promise<Consent> {
    if (!can(ctx.principal, 'patient.enrol')) throw new Forbidden('only hospital staff record consent');
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await this.#patient(tx, ctx, patientId);
      const filing = await requireActiveFiling(tx, input.filingId);
      if (filing.hospital_id !== ctx.principal.organizationId) throw new NotFound('filing');
      const document = await tx
        .selectFrom('consent_document')
        .select(['id', 'version', 'body'])
        .where('id', '=', input.documentId)
        .where('filing_id', '=', input.filingId)
        .executeTakeFirst();
      if (!document) throw new InvalidInput('documentId', 'is not a consent document of this filing');
      const row = await tx
        .insertInto('consent')
        .values({
          patient_id: patientId,
          hospital_id: ctx.principal.organizationId,
          filing_id: input.filingId,
          document_id: input.documentId,
          document_version: document.version,
          signed_by: input.signedBy,
          signer_name_enc: this.crypto.encrypt(input.signerName),
          signed_on: input.signedOn,
          recorded_by: ctx.principal.userId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const { signatureId } = await signWithin(tx, ctx, {
        entityType: 'consent',
        entityId: row.id,
        meaning: 'authored',
        content: {
          consentId: row.id,
          patientId,
          filingId: input.filingId,
          documentId: input.documentId,
          documentVersion: document.version,
          signedBy: input.signedBy,
          signedOn: input.signedOn,
        },
      });
      await tx.updateTable('consent').set({ signature_id: signatureId }).where('id', '=', row.id).execute();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'consent',
        entityId: row.id,
        newValues: {
          patientId,
          filingId: input.filingId,
          documentVersion: document.version,
          signedBy: input.signedBy,
          signerName: '[encrypted]',
          signedOn: input.signedOn,
          signatureId,
        },
      });
      return this.#consent({ ...row, signature_id: signatureId });
    });
  }

  /**
   * Withdrawal of consent (PIPL art. 15; Order No. 818): recorded with date and reason; from then on no new data
   * are collected for this patient under the filing, and what was recorded is kept as the law requires.
   */
  async withdrawConsent(
    ctx: RequestContext,
    consentId: string,
    input: { withdrawnOn: string; reason: string; version: number },
  ): Promise<Consent> {
    if (!can(ctx.principal, 'patient.enrol')) throw new Forbidden('only hospital staff record withdrawal');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('consent')
        .selectAll()
        .where('id', '=', consentId)
        .where('hospital_id', '=', ctx.principal.organizationId)
        .executeTakeFirst();
      if (!before) throw new NotFound('consent');
      if (before.status === 'withdrawn')
        throw new Refused('consent-withdrawn', 'the consent is already withdrawn');
      const after = await tx
        .updateTable('consent')
        .set({
          status: 'withdrawn',
          withdrawn_on: input.withdrawnOn,
          withdrawal_reason: input.reason,
          version: before.version + 1,
        })
        .where('id', '=', consentId)
        .where('version', '=', input.version)
        .returningAll()
        .executeTakeFirst();
      if (!after)
        throw new Conflict(`the consent changed since you loaded it (now version ${before.version})`);
      const therapies = await tx
        .updateTable('therapy')
        .set({ consent_status: 'withdrawn', updated_at: new Date() })
        .where('consent_id', '=', consentId)
        .returning(['id', 'laboratory_id'])
        .execute();
      await appendAudit(tx, ctx, {
        action: 'withdraw',
        entityType: 'consent',
        entityId: consentId,
        oldValues: { status: 'active' },
        newValues: {
          status: 'withdrawn',
          withdrawnOn: input.withdrawnOn,
          therapies: therapies.map((t) => t.id),
        },
        reason: input.reason,
      });
      for (const t of therapies) {
        await notify(tx, t.laboratory_id, {
          kind: 'consent.withdrawn',
          subject: 'consent withdrawn: stop collecting new data for this therapy',
          entityType: 'therapy',
          entityId: t.id,
        });
      }
      return this.#consent(after);
    });
  }

  async consents(ctx: RequestContext, patientId: string): Promise<Consent[]> {
    if (!can(ctx.principal, 'patient.read')) throw new Forbidden('you may not read patient records');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await this.#patient(tx, ctx, patientId, true);
      const rows = await tx
        .selectFrom('consent')
        .selectAll()
        .where('patient_id', '=', patientId)
        .orderBy('created_at')
        .execute();
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'consent',
        entityId: null,
        newValues: { patientId },
      });
      return rows.map((r) => this.#consent(r));
    });
  }

  /**
   * Evaluates the filing's criteria for a patient with the domain rules (age, transfusion dependence, iron,
   * organ function) and stores each criterion's value and verdict. Refused once consent is withdrawn.
   */
  async assessEligibility(
    ctx: RequestContext,
    patientId: string,
    input: { filingId: string } & Omit<EligibilityInput, 'birthDate'>,
  ): Promise<EligibilityAssessment> {
    if (!can(ctx.principal, 'patient.enrol')) throw new Forbidden('only hospital staff assess eligibility');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx, patientId);
      const filing = await tx
        .selectFrom('filing')
        .select(['id', 'criteria', 'hospital_id'])
        .where('id', '=', input.filingId)
        .where('hospital_id', '=', ctx.principal.organizationId)
        .executeTakeFirst();
      if (!filing) throw new NotFound('filing');
      await this.#refuseIfWithdrawn(tx, patientId, input.filingId);
      const { filingId, ...given } = input;
      // Without a history in the request, the patient's recorded transfusions and latest weight are used.
      const stored = await historyOf(tx, patientId);
      const measures = {
        ...given,
        ...(given.transfusions === undefined && stored.transfusions.length > 0
          ? {
              transfusions: stored.transfusions.map((t) => ({
                date: t.transfusedOn,
                ...(t.volumeMl !== null ? { volumeMl: t.volumeMl } : {}),
              })),
            }
          : {}),
        ...(given.weightKg === undefined && stored.weights.length > 0
          ? { weightKg: stored.weights.at(-1)!.weightKg }
          : {}),
      };
      let result: EligibilityResult;
      try {
        result = evaluateEligibility(json<EligibilityCriteria>(filing.criteria), {
          ...measures,
          birthDate: patient.birth_date,
        });
      } catch (error) {
        if (error instanceof RangeError) {
          const field = (error as RangeError & { field?: string }).field ?? 'input';
          throw new InvalidInput(field, error.message);
        }
        throw error;
      }
      const row = await tx
        .insertInto('eligibility_assessment')
        .values({
          patient_id: patientId,
          hospital_id: ctx.principal.organizationId,
          filing_id: filingId,
          input: canonicalJson(measures),
          result: canonicalJson(result),
          all_met: result.allMet,
          assessed_by: ctx.principal.userId,
        })
        .returning(['id', 'assessed_at'])
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'eligibility_assessment',
        entityId: row.id,
        newValues: { patientId, filingId, allMet: result.allMet, criteria: result.criteria },
      });
      return {
        id: row.id,
        patientId,
        filingId,
        allMet: result.allMet,
        result,
        assessedAt: iso(row.assessed_at)!,
      };
    });
  }

  /**
   * Enrols a patient: the filing approved and active, the target enrolment not reached, an active consent and an
   * eligibility assessment of this patient and filing, every criterion met or a documented exception signed by a
   * physician. Allocates the chain of identity and records the pathway's first two steps.
   */
  async enrol(
    ctx: RequestContext,
    patientId: string,
    input: {
      filingId: string;
      eligibilityId: string;
      consentId: string;
      exceptionReason?: string | null | undefined;
      password: string;
    },
    ip: string,
  ): Promise<Enrolment> {
    if (!can(ctx.principal, 'patient.enrol')) throw new Forbidden('only hospital staff enrol patients');
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await this.#patient(tx, ctx, patientId);
      const filing = await requireActiveFiling(tx, input.filingId);
      if (filing.hospital_id !== ctx.principal.organizationId) throw new NotFound('filing');
      const consent = await tx
        .selectFrom('consent')
        .selectAll()
        .where('id', '=', input.consentId)
        .where('patient_id', '=', patientId)
        .where('filing_id', '=', input.filingId)
        .executeTakeFirst();
      if (!consent) throw new InvalidInput('consentId', 'is not a consent of this patient to this filing');
      if (consent.status !== 'active')
        throw new Refused('consent-withdrawn', 'the consent has been withdrawn');
      const eligibility = await tx
        .selectFrom('eligibility_assessment')
        .select(['id', 'all_met', 'result'])
        .where('id', '=', input.eligibilityId)
        .where('patient_id', '=', patientId)
        .where('filing_id', '=', input.filingId)
        .executeTakeFirst();
      if (!eligibility)
        throw new InvalidInput('eligibilityId', 'is not an assessment of this patient for this filing');
      const exceptionReason = input.exceptionReason?.trim() || null;
      if (!eligibility.all_met) {
        if (!exceptionReason) {
          const unmet = json<EligibilityResult>(eligibility.result)
            .criteria.filter((c) => c.verdict !== 'met')
            .map((c) => `${c.id} (${c.verdict})`);
          throw new Refused(
            'eligibility-not-met',
            `criteria not met: ${unmet.join(', ')}; a signed exception is needed`,
          );
        }
        if (ctx.principal.role !== 'hospital_physician') {
          throw new Forbidden('an eligibility exception is signed by a physician');
        }
      }
      const enrolled = await tx
        .selectFrom('therapy')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('filing_id', '=', input.filingId)
        .executeTakeFirstOrThrow();
      if (Number(enrolled.n) >= filing.target_enrolment) {
        throw new Refused(
          'enrolment-full',
          `the filing's target enrolment of ${filing.target_enrolment} is reached`,
        );
      }
      const existing = await tx
        .selectFrom('therapy')
        .select('id')
        .where('patient_id', '=', patientId)
        .where('filing_id', '=', input.filingId)
        .executeTakeFirst();
      if (existing)
        throw new Conflict('the patient is already enrolled in this filing', { therapyId: existing.id });

      const coi = createChainOfIdentity(`CI${randomCode(12)}`, patientId, new Date().toISOString());
      const therapy = await tx
        .insertInto('therapy')
        .values({
          patient_id: patientId,
          patient_pseudonym: patient.pseudonym,
          hospital_id: ctx.principal.organizationId,
          laboratory_id: filing.laboratory_id,
          filing_id: filing.id,
          technology: filing.technology,
          chain_of_identity: coi.identifier,
          consent_id: consent.id,
          eligibility_id: eligibility.id,
          exception_reason: exceptionReason,
          state: 'consent',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      let exception: Enrolment['exception'] = null;
      if (!eligibility.all_met && exceptionReason) {
        const { signatureId } = await signWithin(tx, ctx, {
          entityType: 'therapy_exception',
          entityId: therapy.id,
          meaning: 'approved',
          content: { therapyId: therapy.id, eligibilityId: eligibility.id, reason: exceptionReason },
        });
        await tx
          .updateTable('therapy')
          .set({ exception_signature_id: signatureId })
          .where('id', '=', therapy.id)
          .execute();
        exception = { reason: exceptionReason, signatureId };
      }
      const linked = {
        therapy_id: therapy.id,
        patient_id: patientId,
        hospital_id: therapy.hospital_id,
        laboratory_id: therapy.laboratory_id,
        kind: 'step',
        occurred_at: new Date(),
        actor_user_id: ctx.principal.userId,
        actor_name: ctx.principal.displayName,
        organization_id: ctx.principal.organizationId,
      };
      await tx
        .insertInto('pathway_event')
        .values([
          {
            ...linked,
            seq: 1,
            step: 'eligibility',
            data: canonicalJson({
              eligibilityId: eligibility.id,
              allMet: eligibility.all_met,
              exception: exceptionReason,
            }),
          },
          { ...linked, seq: 2, step: 'consent', data: canonicalJson({ consentId: consent.id }) },
        ])
        .execute();
      await appendAudit(tx, ctx, {
        action: 'enrol',
        entityType: 'therapy',
        entityId: therapy.id,
        newValues: {
          patientId,
          filingId: filing.id,
          chainOfIdentity: coi.identifier,
          consentId: consent.id,
          eligibilityId: eligibility.id,
          exception: exceptionReason,
        },
        reason: exceptionReason,
      });
      await notify(tx, filing.laboratory_id, {
        kind: 'therapy.enrolled',
        subject: `patient ${patient.pseudonym} enrolled in filing ${filing.reference} (chain of identity ${coi.identifier})`,
        entityType: 'therapy',
        entityId: therapy.id,
      });
      return {
        therapyId: therapy.id,
        chainOfIdentity: coi.identifier,
        state: therapy.state,
        version: therapy.version,
        exception,
      };
    });
  }

  async #refuseIfWithdrawn(tx: Tx, patientId: string, filingId: string): Promise<void> {
    const withdrawn = await tx
      .selectFrom('consent')
      .select('id')
      .where('patient_id', '=', patientId)
      .where('filing_id', '=', filingId)
      .where('status', '=', 'withdrawn')
      .executeTakeFirst();
    if (withdrawn) {
      throw new Refused(
        'consent-withdrawn',
        'consent to this filing was withdrawn: no new data are collected',
      );
    }
  }

  async #patient(tx: Tx, ctx: RequestContext, patientId: string, allowSelf = false) {
    const p = ctx.principal;
    let query = tx
      .selectFrom('patient')
      .select(['id', 'pseudonym', 'birth_date', 'hospital_id'])
      .where('id', '=', patientId);
    if (p.role === 'patient') {
      if (!allowSelf || p.patientId !== patientId) throw new NotFound('patient');
    } else if (p.organizationKind === 'hospital') {
      query = query.where('hospital_id', '=', p.organizationId);
    } else {
      throw new NotFound('patient');
    }
    const row = await query.executeTakeFirst();
    if (!row) throw new NotFound('patient');
    return row;
  }

  #consent(r: {
    id: string;
    patient_id: string;
    filing_id: string;
    document_id: string;
    document_version: number;
    signed_by: string;
    signer_name_enc: string;
    signed_on: string;
    status: string;
    withdrawn_on: string | null;
    withdrawal_reason: string | null;
    signature_id: string | null;
    version: number;
  }): Consent {
    return {
      id: r.id,
      patientId: r.patient_id,
      filingId: r.filing_id,
      documentId: r.document_id,
      documentVersion: r.document_version,
      signedBy: r.signed_by as Consent['signedBy'],
      signerName: this.crypto.decrypt(r.signer_name_enc),
      signedOn: dateText(r.signed_on),
      status: r.status as Consent['status'],
      withdrawnOn: r.withdrawn_on ? dateText(r.withdrawn_on) : null,
      withdrawalReason: r.withdrawal_reason,
      signatureId: r.signature_id,
      version: r.version,
    };
  }
}
