import { createHash } from 'node:crypto';
import { can, databaseRoleFor } from '@cgtlink/domain/access/index';
import { canonicalJson } from '@cgtlink/domain/audit/canonical';
import { formatDin, parseDin, validateDinWithCheck } from '@cgtlink/domain/isbt128/din';
import { bedsideIdentityCheck, type LabelProblem, validateLabel } from '@cgtlink/domain/isbt128/label';
import {
  type CustodyDirection,
  checkCustodyScan,
  custodyKey,
  custodyScansFor,
  isReturnLegScan,
} from '@cgtlink/domain/pathway/custody';
import {
  availableSteps,
  checkCorrection,
  checkTransition,
  currentStep,
  type RecordedEntry,
} from '@cgtlink/domain/pathway/machine';
import { excursionsBlockingInfusion } from '@cgtlink/domain/pathway/sources';
import { pathwayFor, type Technology } from '@cgtlink/domain/pathway/tables';
import { parseTemperatureCsv, summarizeTemperatures } from '@cgtlink/domain/pathway/temperature';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { AuthService } from '../auth/auth.service';
import type { RequestContext } from '../context';
import type { Schema, TherapyTable } from '../db/schema';
import { type Tx, withOwnerPrivileges, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, InvalidInput, NotFound, ServiceError } from '../errors';
import { iso, json, notify, partyOf, Refused, signWithin } from './common';
import { requireActiveFiling } from './filing.service';
import { releaseContent } from './pathway.signables';
import {
  checkSourceStep,
  type DonorView,
  type LotView,
  recordSourceStep,
  type SourceInput,
  therapySources,
} from './sources';

type TherapyRow = Selectable<TherapyTable>;

export interface TherapySummary {
  id: string;
  patientId: string;
  patientPseudonym: string;
  hospitalId: string;
  laboratoryId: string;
  filingId: string;
  technology: Technology;
  chainOfIdentity: string;
  consentStatus: string;
  state: string;
  version: number;
  exceptionReason: string | null;
  createdAt: string;
}

export interface PathwayEntry {
  id: string;
  seq: number;
  step: string;
  kind: 'step' | 'correction';
  correctsId: string | null;
  occurredAt: string;
  recordedAt: string;
  actorName: string;
  data: Record<string, unknown>;
  attachments: { name: string; sha256: string }[];
  reason: string | null;
  signatureId: string | null;
}

export interface TherapyDetail extends TherapySummary {
  entries: PathwayEntry[];
  nextSteps: string[];
  collections: { din: string; checkCharacter: string; collectedAt: string }[];
  products: {
    id: string;
    din: string;
    productCode: string;
    expiresAt: string;
    status: string;
    releasedAt: string;
    label: ReturnType<typeof productLabel>;
  }[];
  custody: {
    din: string;
    seq: number;
    stage: string;
    direction: string;
    actorName: string;
    scannedAt: string;
  }[];
  nextCustody: Record<string, string | null>;
  deviations: {
    id: string;
    kind: string;
    din: string | null;
    detail: Record<string, unknown>;
    status: string;
    assessment: string | null;
    createdAt: string;
    version: number;
  }[];
  temperatureLogs: {
    id: string;
    din: string;
    leg: string;
    readings: number;
    minCelsius: number | null;
    maxCelsius: number | null;
    limitCelsius: number;
    excursions: number;
    uploadedAt: string;
  }[];
  bedside: { id: string; ok: boolean; problems: LabelProblem[]; verifiedAt: string }[];
  /** Allogeneic/haploidentical: the donor; MSC: the lot from the cell bank. */
  donor: DonorView | null;
  lot: LotView | null;
}

export interface StepInput extends SourceInput {
  step: string;
  expectedVersion: number;
  occurredAt?: string | undefined;
  data?: Record<string, unknown> | undefined;
  attachments?: { name: string; contentBase64: string }[] | undefined;
  /** Apheresis, donor collection, MSC lot allocation: the DIN with its check character (14 characters). */
  din?: string | undefined;
}

export interface BedsideInput {
  wristband: string;
  din: string;
  productCode: string;
  expectedVersion: number;
  password: string;
  secondVerifier: { username: string; password: string };
}

const THERAPY_COLUMNS = [
  'id',
  'patient_id',
  'patient_pseudonym',
  'hospital_id',
  'laboratory_id',
  'filing_id',
  'technology',
  'chain_of_identity',
  'consent_id',
  'eligibility_id',
  'exception_reason',
  'exception_signature_id',
  'consent_status',
  'state',
  'version',
  'created_at',
  'updated_at',
] as const;

/** A refusal that must leave its deviation behind: committed first, then answered as 409. */
interface RefusalAfterCommit {
  refused: Refused;
}

/**
 * The treatment pathway of an enrolled patient (DESIGN.md §2, §3.1): steps recorded in the order of the
 * technology's table, corrections as new entries referencing the old one, an optimistic version check so that
 * concurrent recorders never lose a step, the chain of identity with ISBT 128 DINs at collection, custody
 * hand-offs scanned out and in, release by the qualified person, shipment temperature logs and the bedside check.
 */
export class PathwayService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly auth: AuthService,
  ) {}

  async list(
    ctx: RequestContext,
    filter: { patientId?: string | undefined } = {},
  ): Promise<TherapySummary[]> {
    if (!can(ctx.principal, 'pathway.read')) throw new Forbidden('you may not read treatment pathways');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      let query = this.#scoped(tx, ctx).select(THERAPY_COLUMNS).orderBy('created_at', 'desc');
      if (filter.patientId) query = query.where('patient_id', '=', filter.patientId);
      const rows = await query.execute();
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'therapy',
        entityId: null,
        newValues: { listed: rows.map((r) => r.id) },
      });
      return rows.map(toSummary);
    });
  }

  /** One therapy with its timeline, chain of identity and custody; every read is audited. */
  async get(ctx: RequestContext, id: string): Promise<TherapyDetail> {
    if (!can(ctx.principal, 'pathway.read')) throw new Forbidden('you may not read treatment pathways');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const therapy = await this.#therapy(tx, ctx, id);
      await appendAudit(tx, ctx, { action: 'read', entityType: 'therapy', entityId: id });
      return this.#detail(tx, ctx, therapy);
    });
  }

  /** Records the next step; refused out of order, after consent withdrawal, or on a stale version. */
  async recordStep(ctx: RequestContext, therapyId: string, input: StepInput): Promise<TherapyDetail> {
    const party = this.#party(ctx);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const therapy = await this.#lock(tx, ctx, therapyId, input.expectedVersion);
      const history = await this.#history(tx, therapyId);
      const definition = pathwayFor(therapy.technology as Technology);
      const decision = checkTransition(definition, history, input.step, party);
      if (!decision.allowed)
        throw new Refused(`step-${decision.code}`, decision.reason, { step: input.step });
      let din: { din: string; checkCharacter: string } | null = null;
      if (input.step === 'apheresis' || input.step === 'collection' || input.step === 'lot_allocation') {
        if (!input.din)
          throw new InvalidInput('din', 'a collection is identified by its DIN with check character');
        din = parseScannedDin(input.din, 'din');
      }
      const source = await checkSourceStep(tx, therapy, input.step, input);
      const event = await this.#append(tx, ctx, therapy, history, {
        step: input.step,
        kind: 'step',
        occurredAt: input.occurredAt,
        data: {
          ...(input.data ?? {}),
          ...(din ? { din: din.din } : {}),
          ...(source.donor ? { donor: source.donor } : {}),
          ...(input.donorConsent ? { donorConsent: input.donorConsent } : {}),
          ...(input.donorEligibility ? { donorEligibility: input.donorEligibility } : {}),
          ...(input.batchId ? { batchId: input.batchId } : {}),
        },
        attachments: input.attachments,
      });
      if (din) {
        const taken = await withOwnerPrivileges(tx, () =>
          tx.selectFrom('collection').select('id').where('din', '=', din.din).executeTakeFirst(),
        );
        if (taken) throw new Conflict(`DIN ${din.din} is already assigned to a collection`);
        await tx
          .insertInto('collection')
          .values({
            ...linked(therapy),
            din: din.din,
            check_character: din.checkCharacter,
            event_id: event.id,
            collected_at: event.occurred_at,
          })
          .execute();
        await appendAudit(tx, ctx, {
          action: 'create',
          entityType: 'collection',
          entityId: din.din,
          newValues: { therapyId, din: din.din, chainOfIdentity: therapy.chain_of_identity },
        });
      }
      await recordSourceStep(tx, ctx, therapy, input.step, input, source, event.id, din?.din ?? null);
      return this.#detail(tx, ctx, await this.#therapy(tx, ctx, therapyId));
    });
  }

  /** A correction: a new entry that references the entry it corrects, with a reason; never an edit. */
  async correct(
    ctx: RequestContext,
    therapyId: string,
    input: { correctsId: string; expectedVersion: number; data: Record<string, unknown>; reason: string },
  ): Promise<TherapyDetail> {
    const party = this.#party(ctx);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const therapy = await this.#lock(tx, ctx, therapyId, input.expectedVersion);
      const history = await this.#history(tx, therapyId);
      const decision = checkCorrection(history, input.correctsId);
      if (!decision.allowed) throw new Refused(`correction-${decision.code}`, decision.reason);
      const target = history.find((e) => e.id === input.correctsId)!;
      const step = pathwayFor(therapy.technology as Technology).steps.find((s) => s.id === target.step);
      if (step && step.party !== party)
        throw new Forbidden(`${target.step} is corrected by the ${step.party}`);
      await this.#append(tx, ctx, therapy, history, {
        step: target.step,
        kind: 'correction',
        correctsId: input.correctsId,
        data: input.data,
        reason: input.reason,
      });
      return this.#detail(tx, ctx, await this.#therapy(tx, ctx, therapyId));
    });
  }

  /**
   * Release of the product made from a collection (the qualified person's signed act, DESIGN.md §3.5): after QC
   * testing, the DIN on the chain of identity and received at the laboratory, no unassessed temperature excursion.
   */
  async release(
    ctx: RequestContext,
    therapyId: string,
    input: { din: string; productCode: string; expiresAt: string; expectedVersion: number; password: string },
    ip: string,
  ): Promise<TherapyDetail> {
    if (!can(ctx.principal, 'product.release'))
      throw new Forbidden('only the qualified person releases a product');
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const therapy = await this.#lock(tx, ctx, therapyId, input.expectedVersion);
      const history = await this.#history(tx, therapyId);
      const decision = checkTransition(
        pathwayFor(therapy.technology as Technology),
        history,
        'release',
        'laboratory',
        {
          viaDedicatedCheck: true,
        },
      );
      if (!decision.allowed) throw new Refused(`step-${decision.code}`, decision.reason, { step: 'release' });
      const din = parseScannedDin(input.din, 'din');
      const collection = await tx
        .selectFrom('collection')
        .select('din')
        .where('therapy_id', '=', therapyId)
        .where('din', '=', din.din)
        .executeTakeFirst();
      if (!collection)
        throw new Refused('identity-mismatch', `DIN ${din.din} is not on this chain of identity`);
      const filing = await tx
        .selectFrom('filing')
        .select(['product_code'])
        .where('id', '=', therapy.filing_id)
        .executeTakeFirstOrThrow();
      if (input.productCode !== filing.product_code) {
        throw new InvalidInput('productCode', `the filing's product code is ${filing.product_code}`);
      }
      const scans = await this.#custodyKeys(tx, din.din);
      const source = pathwayFor(therapy.technology as Technology).productSource ?? 'collection';
      if (source === 'collection' && !scans.includes('laboratory:in')) {
        throw new Refused('custody-incomplete', `DIN ${din.din} has not been scanned in at the laboratory`);
      }
      const excursions = await tx
        .selectFrom('deviation')
        .select('id')
        .where('therapy_id', '=', therapyId)
        .where('kind', '=', 'temperature_excursion')
        .where('status', '=', 'open')
        .execute();
      if (excursions.length > 0) {
        throw new Refused(
          'temperature-excursion',
          'a shipment temperature excursion is not yet assessed: release is blocked until it is',
          { deviations: excursions.map((d) => d.id) },
        );
      }
      const event = await this.#append(tx, ctx, therapy, history, {
        step: 'release',
        kind: 'step',
        data: {
          din: din.din,
          productCode: input.productCode,
          expiresAt: new Date(input.expiresAt).toISOString(),
        },
      });
      const productValues = {
        id: crypto.randomUUID(),
        ...linked(therapy),
        din: din.din,
        product_code: input.productCode,
        expires_at: new Date(input.expiresAt),
        event_id: event.id,
      };
      const { signatureId } = await signWithin(tx, ctx, {
        entityType: 'product',
        entityId: productValues.id,
        meaning: 'released',
        content: releaseContent(productValues),
      });
      const product = await tx
        .insertInto('product')
        .values({ ...productValues, release_signature_id: signatureId })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'release',
        entityType: 'product',
        entityId: product.id,
        newValues: { ...releaseContent(product), signatureId },
      });
      await notify(tx, therapy.hospital_id, {
        kind: 'product.released',
        subject: `product ${din.din} ${input.productCode} released for ${therapy.patient_pseudonym}`,
        entityType: 'therapy',
        entityId: therapyId,
      });
      return this.#detail(tx, ctx, await this.#therapy(tx, ctx, therapyId));
    });
  }

  /**
   * A custody hand-off scan (out or in). The DIN's check character is verified; the DIN, the chain of identity
   * and (once released) the product code must match the therapy. A mismatch is refused, recorded as a deviation
   * and notified to the hospital and the laboratory; an out-of-order scan is refused with the expected one.
   */
  async scanCustody(
    ctx: RequestContext,
    therapyId: string,
    input: {
      din: string;
      stage: string;
      direction: CustodyDirection;
      chainOfIdentity: string;
      productCode?: string | undefined;
    },
  ): Promise<TherapyDetail> {
    const party = this.#party(ctx);
    const outcome = await withPrincipal(
      this.db,
      ctx.principal,
      async (tx): Promise<TherapyDetail | RefusalAfterCommit> => {
        const therapy = await this.#therapy(tx, ctx, therapyId);
        this.#refuseIfWithdrawn(therapy);
        const din = parseScannedDin(input.din, 'din');
        const collection = await tx
          .selectFrom('collection')
          .select('din')
          .where('therapy_id', '=', therapyId)
          .where('din', '=', din.din)
          .executeTakeFirst();
        const product = await tx
          .selectFrom('product')
          .select(['product_code', 'status'])
          .where('therapy_id', '=', therapyId)
          .where('din', '=', din.din)
          .executeTakeFirst();
        const mismatches: string[] = [];
        if (!collection)
          mismatches.push(`DIN ${din.din} is not on chain of identity ${therapy.chain_of_identity}`);
        if (input.chainOfIdentity !== therapy.chain_of_identity) {
          mismatches.push(
            `chain of identity ${input.chainOfIdentity} does not match ${therapy.chain_of_identity}`,
          );
        }
        if (product && input.productCode !== undefined && input.productCode !== product.product_code) {
          mismatches.push(`product code ${input.productCode} does not match ${product.product_code}`);
        }
        if (mismatches.length > 0) {
          await this.#deviation(tx, ctx, therapy, 'identity_mismatch', din.din, {
            stage: input.stage,
            direction: input.direction,
            scanned: {
              din: din.din,
              chainOfIdentity: input.chainOfIdentity,
              productCode: input.productCode ?? null,
            },
            mismatches,
          });
          return {
            refused: new Refused('identity-mismatch', `hand-off refused: ${mismatches.join('; ')}`, {
              mismatches,
            }),
          };
        }
        const done = await this.#custodyKeys(tx, din.din);
        const check = checkCustodyScan(
          done,
          input.stage,
          input.direction,
          party,
          this.#custodyScans(therapy),
        );
        if (!check.ok) throw new Refused('custody-out-of-order', check.reason);
        // From the laboratory's release onwards, the unit travels as a released product with its code scanned.
        if (isReturnLegScan(input.stage, input.direction)) {
          if (!product)
            throw new Refused('product-not-released', `no released product carries DIN ${din.din}`);
          if (input.productCode === undefined)
            throw new InvalidInput('productCode', 'scan the product code of the released product');
        }
        await tx
          .insertInto('custody_scan')
          .values({
            ...linked(therapy),
            din: din.din,
            seq: check.index + 1,
            stage: input.stage,
            direction: input.direction,
            product_code: input.productCode ?? null,
            actor_user_id: ctx.principal.userId,
            actor_name: ctx.principal.displayName,
            organization_id: ctx.principal.organizationId,
          })
          .execute();
        await appendAudit(tx, ctx, {
          action: 'custody',
          entityType: 'therapy',
          entityId: therapyId,
          newValues: { din: din.din, scan: custodyKey(input.stage, input.direction), seq: check.index + 1 },
        });
        return this.#detail(tx, ctx, await this.#therapy(tx, ctx, therapyId));
      },
    );
    if ('refused' in outcome) throw outcome.refused;
    return outcome;
  }

  /**
   * Shipment temperature logger data (CSV): readings above the product's storage limit (−150 °C for
   * cryopreserved products) open a temperature-excursion deviation that blocks release until assessed.
   */
  async uploadTemperatureLog(
    ctx: RequestContext,
    therapyId: string,
    input: { din: string; leg: 'to_laboratory' | 'to_hospital'; csv: string },
  ): Promise<TherapyDetail> {
    this.#party(ctx);
    let readings: ReturnType<typeof parseTemperatureCsv>;
    try {
      readings = parseTemperatureCsv(input.csv);
    } catch (error) {
      throw new InvalidInput('csv', error instanceof Error ? error.message : String(error));
    }
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const therapy = await this.#therapy(tx, ctx, therapyId);
      this.#refuseIfWithdrawn(therapy);
      const din = parseScannedDin(input.din, 'din');
      const collection = await tx
        .selectFrom('collection')
        .select('din')
        .where('therapy_id', '=', therapyId)
        .where('din', '=', din.din)
        .executeTakeFirst();
      if (!collection) throw new InvalidInput('din', `DIN ${din.din} is not on this chain of identity`);
      const filing = await tx
        .selectFrom('filing')
        .select('storage_max_celsius')
        .where('id', '=', therapy.filing_id)
        .executeTakeFirstOrThrow();
      const summary = summarizeTemperatures(readings, Number(filing.storage_max_celsius));
      let deviationId: string | null = null;
      if (summary.excursions.length > 0) {
        deviationId = await this.#deviation(tx, ctx, therapy, 'temperature_excursion', din.din, {
          leg: input.leg,
          limitCelsius: summary.limitCelsius,
          maxCelsius: summary.maxCelsius,
          excursions: summary.excursions.slice(0, 50),
          excursionCount: summary.excursions.length,
        });
      }
      const row = await tx
        .insertInto('temperature_log')
        .values({
          ...linked(therapy),
          din: din.din,
          leg: input.leg,
          file_sha256: createHash('sha256').update(input.csv).digest('hex'),
          readings: summary.readings,
          first_at: summary.first,
          last_at: summary.last,
          min_celsius: summary.minCelsius,
          max_celsius: summary.maxCelsius,
          limit_celsius: summary.limitCelsius,
          excursions: canonicalJson(summary.excursions),
          deviation_id: deviationId,
          uploaded_by: ctx.principal.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'temperature_log',
        entityId: row.id,
        newValues: {
          therapyId,
          din: din.din,
          leg: input.leg,
          readings: summary.readings,
          maxCelsius: summary.maxCelsius,
          limitCelsius: summary.limitCelsius,
          excursions: summary.excursions.length,
          deviationId,
        },
      });
      return this.#detail(tx, ctx, await this.#therapy(tx, ctx, therapyId));
    });
  }

  /** A signed assessment that closes a deviation (e.g. a temperature excursion judged not to affect the product). */
  async assessDeviation(
    ctx: RequestContext,
    deviationId: string,
    input: { assessment: string; version: number; password: string },
    ip: string,
  ): Promise<TherapyDetail> {
    if (!can(ctx.principal, 'deviation.assess')) throw new Forbidden('you may not assess deviations');
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('deviation')
        .selectAll()
        .where('id', '=', deviationId)
        .executeTakeFirst();
      if (!before) throw new NotFound('deviation');
      const therapy = await this.#therapy(tx, ctx, before.therapy_id);
      if (before.status !== 'open')
        throw new Refused('deviation-closed', 'the deviation is already assessed');
      const { signatureId } = await signWithin(tx, ctx, {
        entityType: 'deviation',
        entityId: deviationId,
        meaning: 'reviewed',
        content: {
          deviationId,
          kind: before.kind,
          detail: json(before.detail),
          assessment: input.assessment,
        },
      });
      const after = await tx
        .updateTable('deviation')
        .set({
          status: 'assessed',
          assessment: input.assessment,
          assessed_by: ctx.principal.userId,
          assessed_at: new Date(),
          assessment_signature_id: signatureId,
          version: before.version + 1,
        })
        .where('id', '=', deviationId)
        .where('version', '=', input.version)
        .returning('id')
        .executeTakeFirst();
      if (!after)
        throw new Conflict(`the deviation changed since you loaded it (now version ${before.version})`);
      await appendAudit(tx, ctx, {
        action: 'assess',
        entityType: 'deviation',
        entityId: deviationId,
        oldValues: { status: 'open' },
        newValues: { status: 'assessed', assessment: input.assessment, signatureId },
      });
      return this.#detail(tx, ctx, therapy);
    });
  }

  /**
   * The bedside check before infusion (DESIGN.md §3.1): the wristband, the bag's DIN (check character verified)
   * and product code must match the chain of identity; the product released and not expired; the filing active.
   * Two staff verify and both sign. A failed check is recorded, reported as a deviation, and refused.
   */
  async verifyBedside(
    ctx: RequestContext,
    therapyId: string,
    input: BedsideInput,
    ip: string,
  ): Promise<TherapyDetail> {
    if (partyOf(ctx.principal) !== 'hospital' || !can(ctx.principal, 'pathway.record')) {
      throw new Forbidden('the bedside check is made by hospital staff');
    }
    await this.auth.reauthenticate(ctx.principal, input.password, ip);
    const second = await this.#secondVerifier(ctx, input.secondVerifier, ip);
    const outcome = await withPrincipal(
      this.db,
      ctx.principal,
      async (tx): Promise<TherapyDetail | RefusalAfterCommit> => {
        const therapy = await this.#lock(tx, ctx, therapyId, input.expectedVersion);
        this.#refuseIfWithdrawn(therapy);
        await requireActiveFiling(tx, therapy.filing_id);
        const history = await this.#history(tx, therapyId);
        const decision = checkTransition(
          pathwayFor(therapy.technology as Technology),
          history,
          'infusion',
          'hospital',
          {
            viaDedicatedCheck: true,
          },
        );
        if (!decision.allowed)
          throw new Refused(`step-${decision.code}`, decision.reason, { step: 'infusion' });

        const scannedDin = validateDinWithCheck(input.din);
        const dinText = scannedDin.valid ? scannedDin.value.din : input.din;
        const products = await tx
          .selectFrom('product')
          .selectAll()
          .where('therapy_id', '=', therapyId)
          .execute();
        const product =
          products.find((p) => p.din === dinText) ?? products.find((p) => p.status === 'released');
        const problems: LabelProblem[] = [];
        if (!scannedDin.valid) {
          problems.push({
            code: 'bad-din',
            message: `DIN: ${scannedDin.problems.map((p) => p.message).join('; ')}`,
          });
        }
        if (!product) {
          problems.push({ code: 'din-mismatch', message: 'no released product on this chain of identity' });
        } else {
          const check = bedsideIdentityCheck(
            {
              din: product.din,
              productCode: product.product_code,
              expiresAt: new Date(product.expires_at).toISOString(),
              patient: { patientId: therapy.patient_pseudonym, chainOfIdentityId: therapy.chain_of_identity },
            },
            { patientId: input.wristband.trim(), din: dinText, productCode: input.productCode.trim() },
            new Date().toISOString(),
          );
          problems.push(...check.problems);
          if (product.status !== 'released') {
            problems.push({
              code: 'din-mismatch',
              message: `product ${product.din} is ${product.status}, not released`,
            });
          }
        }
        if (problems.length === 0 && product) {
          // The return leg (laboratory → courier → hospital pharmacy) happens after release: an excursion logged
          // on it, or any other still unassessed, forbids infusing the unit until the laboratory assesses it.
          const open = await tx
            .selectFrom('deviation')
            .select(['id', 'kind', 'status', 'din', 'detail'])
            .where('therapy_id', '=', therapyId)
            .where('kind', '=', 'temperature_excursion')
            .where('status', '=', 'open')
            .execute();
          const blocking = excursionsBlockingInfusion(
            open.map((d) => {
              const detail = json<{ leg?: string }>(d.detail);
              return { id: d.id, kind: d.kind, status: d.status, din: d.din, leg: detail.leg ?? null };
            }),
            product.din,
          );
          if (blocking.length > 0) {
            const first = json<{ leg?: string; maxCelsius?: number; limitCelsius?: number }>(
              open.find((d) => d.id === blocking[0]!.id)!.detail,
            );
            const leg =
              first.leg === 'to_hospital'
                ? 'return-leg shipment (laboratory → hospital)'
                : 'shipment to the laboratory';
            throw new Refused(
              'temperature-excursion',
              `do not infuse: the ${leg} of DIN ${product.din} had a temperature excursion (max ${first.maxCelsius} °C above the ${first.limitCelsius} °C limit) that is not yet assessed; the laboratory must assess deviation ${blocking[0]!.id} first`,
              { deviations: blocking.map((d) => d.id), legs: blocking.map((d) => d.leg) },
            );
          }
        }
        const ok = problems.length === 0;
        let signatureId: string | null = null;
        let secondSignatureId: string | null = null;
        const verificationId = crypto.randomUUID();
        if (ok && product) {
          const content = {
            verificationId,
            therapyId,
            wristband: input.wristband.trim(),
            din: dinText,
            productCode: input.productCode.trim(),
            chainOfIdentity: therapy.chain_of_identity,
          };
          signatureId = (
            await signWithin(tx, ctx, {
              entityType: 'bedside_verification',
              entityId: verificationId,
              meaning: 'reviewed',
              content,
            })
          ).signatureId;
          secondSignatureId = await withOwnerPrivileges(
            tx,
            async () =>
              (
                await signWithin(tx, ctx, {
                  entityType: 'bedside_verification',
                  entityId: verificationId,
                  meaning: 'reviewed',
                  content,
                  signer: second,
                })
              ).signatureId,
          );
        }
        await tx
          .insertInto('bedside_verification')
          .values({
            id: verificationId,
            ...linked(therapy),
            scanned_patient: input.wristband.trim(),
            scanned_din: input.din.trim(),
            scanned_product_code: input.productCode.trim(),
            ok,
            problems: canonicalJson(problems),
            verifier_user_id: ctx.principal.userId,
            second_verifier_user_id: second.userId,
            signature_id: signatureId,
            second_signature_id: secondSignatureId,
          })
          .execute();
        await appendAudit(tx, ctx, {
          action: ok ? 'verify' : 'verify-refused',
          entityType: 'bedside_verification',
          entityId: verificationId,
          newValues: { therapyId, ok, problems, secondVerifier: second.userId },
        });
        if (!ok || !product) {
          await this.#deviation(tx, ctx, therapy, 'bedside_mismatch', dinText, { problems, verificationId });
          return {
            refused: new Refused(
              problems.some((p) => p.code === 'expired') ? 'product-expired' : 'bedside-mismatch',
              `do not infuse: ${problems.map((p) => p.message).join('; ')}`,
              { problems, verificationId },
            ),
          };
        }
        const done = await this.#custodyKeys(tx, product.din);
        const custody = checkCustodyScan(done, 'bedside', 'in', 'hospital', this.#custodyScans(therapy));
        if (!custody.ok)
          throw new Refused(
            'custody-incomplete',
            `the product has not been issued to the bedside: ${custody.reason}`,
          );
        await tx
          .insertInto('custody_scan')
          .values({
            ...linked(therapy),
            din: product.din,
            seq: custody.index + 1,
            stage: 'bedside',
            direction: 'in',
            product_code: product.product_code,
            actor_user_id: ctx.principal.userId,
            actor_name: ctx.principal.displayName,
            organization_id: ctx.principal.organizationId,
          })
          .execute();
        await this.#append(tx, ctx, therapy, history, {
          step: 'infusion',
          kind: 'step',
          data: { verificationId, din: product.din, productCode: product.product_code },
          signatureId,
        });
        await tx.updateTable('product').set({ status: 'infused' }).where('id', '=', product.id).execute();
        return this.#detail(tx, ctx, await this.#therapy(tx, ctx, therapyId));
      },
    );
    if ('refused' in outcome) throw outcome.refused;
    return outcome;
  }

  /** One attached file of a pathway entry (content checked against the SHA-256 recorded with the entry). */
  async attachment(
    ctx: RequestContext,
    therapyId: string,
    sha256: string,
  ): Promise<{ name: string; bytes: number; sha256: string; contentBase64: string }> {
    if (!can(ctx.principal, 'pathway.read')) throw new Forbidden('you may not read treatment pathways');
    // Attached documents may carry direct identifiers: the de-identified view lists their name and hash only.
    if (databaseRoleFor(ctx.principal) !== 'cgtlink_app') {
      throw new Forbidden('attachments are not part of the de-identified view');
    }
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      await this.#therapy(tx, ctx, therapyId);
      const row = await tx
        .selectFrom('pathway_attachment')
        .select(['id', 'name', 'bytes', 'sha256', 'content_b64'])
        .where('therapy_id', '=', therapyId)
        .where('sha256', '=', sha256)
        .executeTakeFirst();
      if (!row) throw new NotFound('attachment');
      await appendAudit(tx, ctx, { action: 'read', entityType: 'pathway_attachment', entityId: row.id });
      return { name: row.name, bytes: row.bytes, sha256: row.sha256, contentBase64: row.content_b64 };
    });
  }

  /**
   * The human-readable history of a therapy record (DESIGN.md §3.2: who changed what, when, from what to what):
   * the audit entries of the therapy and of the records that hang on it — donor, lot, collections, products,
   * deviations, temperature logs, bedside checks, and (for the hospital and the regulator) the consent. Open to
   * whoever may read the therapy; reading it is itself audited.
   */
  async history(ctx: RequestContext, therapyId: string): Promise<HistoryLine[]> {
    if (!can(ctx.principal, 'pathway.read')) throw new Forbidden('you may not read treatment pathways');
    if (ctx.principal.role === 'patient') throw new Forbidden('the record history is read by staff');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const therapy = await this.#therapy(tx, ctx, therapyId);
      const ids = async (table: 'deviation' | 'product' | 'bedside_verification' | 'temperature_log') =>
        (await tx.selectFrom(table).select('id').where('therapy_id', '=', therapyId).execute()).map(
          (r) => r.id,
        );
      const [deviations, products, bedside, temps, donor, lot, collections] = await Promise.all([
        ids('deviation'),
        ids('product'),
        ids('bedside_verification'),
        ids('temperature_log'),
        tx.selectFrom('therapy_donor').select('id').where('therapy_id', '=', therapyId).execute(),
        tx.selectFrom('therapy_lot').select('id').where('therapy_id', '=', therapyId).execute(),
        tx.selectFrom('collection').select('din').where('therapy_id', '=', therapyId).execute(),
      ]);
      const targets: [string, string[]][] = [
        ['therapy', [therapyId]],
        ['deviation', deviations],
        ['product', products],
        ['bedside_verification', bedside],
        ['temperature_log', temps],
        ['therapy_donor', donor.map((d) => d.id)],
        ['therapy_lot', lot.map((l) => l.id)],
        ['collection', collections.map((c) => c.din)],
      ];
      if (partyOf(ctx.principal) !== 'laboratory') targets.push(['consent', [therapy.consent_id]]);
      // The audit trail is read as its owner, for exactly the records this principal may already read.
      const rows = await withOwnerPrivileges(tx, () =>
        tx
          .selectFrom('audit_event')
          .select([
            'id',
            'occurred_at',
            'actor_name',
            'action',
            'entity_type',
            'entity_id',
            'old_values',
            'new_values',
            'reason',
          ])
          .where((eb) =>
            eb.or(
              targets
                .filter(([, list]) => list.length > 0)
                .map(([type, list]) => eb.and([eb('entity_type', '=', type), eb('entity_id', 'in', list)])),
            ),
          )
          .where('action', '!=', 'read')
          .orderBy('id')
          .limit(2000)
          .execute(),
      );
      await appendAudit(tx, ctx, { action: 'read', entityType: 'therapy_history', entityId: therapyId });
      const lines: HistoryLine[] = [];
      for (const r of rows) {
        const oldValues = json<Record<string, unknown> | null>(r.old_values) ?? {};
        const newValues = json<Record<string, unknown> | null>(r.new_values) ?? {};
        const base = {
          at: iso(r.occurred_at)!,
          who: r.actor_name,
          action: r.action,
          entityType: r.entity_type,
          entityId: r.entity_id ?? '',
          reason: r.reason,
        };
        const fields = [...new Set([...Object.keys(oldValues), ...Object.keys(newValues)])];
        if (fields.length === 0) lines.push({ ...base, field: null, from: null, to: null });
        for (const field of fields) {
          lines.push({ ...base, field, from: oldValues[field] ?? null, to: newValues[field] ?? null });
        }
      }
      return lines;
    });
  }

  /** Notifications addressed to the caller's organization, newest first (only the unread ones when asked). */
  async notifications(
    ctx: RequestContext,
    filter: { unread?: boolean | undefined } = {},
  ): Promise<NotificationView[]> {
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      let query = tx
        .selectFrom('notification')
        .selectAll()
        .where('organization_id', '=', ctx.principal.organizationId)
        .orderBy('created_at', 'desc')
        .limit(200);
      if (filter.unread) query = query.where('read_at', 'is', null);
      const rows = await query.execute();
      return rows.map(notificationView);
    });
  }

  /** Marks one of the organization's notifications read (idempotent; the first reading time is kept). */
  async markNotificationRead(ctx: RequestContext, id: string): Promise<NotificationView> {
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('notification')
        .selectAll()
        .where('id', '=', id)
        .where('organization_id', '=', ctx.principal.organizationId)
        .executeTakeFirst();
      if (!before) throw new NotFound('notification');
      if (before.read_at !== null) return notificationView(before);
      const after = await tx
        .updateTable('notification')
        .set({ read_at: new Date() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'read-notification',
        entityType: 'notification',
        entityId: id,
        oldValues: { readAt: null },
        newValues: { readAt: iso(after.read_at) },
      });
      return notificationView(after);
    });
  }

  #party(ctx: RequestContext) {
    const party = partyOf(ctx.principal);
    if (!party || !can(ctx.principal, 'pathway.record'))
      throw new Forbidden('you may not record pathway steps');
    return party;
  }

  /** The hand-offs of this therapy's product units (a cell-bank lot starts at the laboratory). */
  #custodyScans(therapy: Pick<TherapyRow, 'technology'>) {
    return custodyScansFor(pathwayFor(therapy.technology as Technology).productSource);
  }

  #refuseIfWithdrawn(therapy: TherapyRow): void {
    if (therapy.consent_status !== 'active') {
      throw new Refused(
        'consent-withdrawn',
        'consent was withdrawn: no new data are collected for this therapy',
      );
    }
  }

  /**
   * The optimistic version check: bumps the therapy's version only when it still has the caller's version. The
   * row lock it takes serializes concurrent recorders; the loser gets 409 and reloads, so no step is lost.
   */
  async #lock(tx: Tx, ctx: RequestContext, therapyId: string, expectedVersion: number): Promise<TherapyRow> {
    const therapy = await this.#therapy(tx, ctx, therapyId);
    this.#refuseIfWithdrawn(therapy);
    const bumped = await tx
      .updateTable('therapy')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', therapyId)
      .where('version', '=', expectedVersion)
      .returning(THERAPY_COLUMNS)
      .executeTakeFirst();
    if (!bumped) {
      const current = await tx
        .selectFrom('therapy')
        .select('version')
        .where('id', '=', therapyId)
        .executeTakeFirstOrThrow();
      throw new Conflict(
        `the pathway changed since you loaded it (now version ${current.version}); reload and retry`,
        {
          currentVersion: current.version,
        },
      );
    }
    return bumped;
  }

  async #append(
    tx: Tx,
    ctx: RequestContext,
    therapy: TherapyRow,
    history: readonly RecordedEntry[],
    entry: {
      step: string;
      kind: 'step' | 'correction';
      correctsId?: string;
      occurredAt?: string | undefined;
      data: Record<string, unknown>;
      attachments?: { name: string; contentBase64: string }[] | undefined;
      reason?: string;
      signatureId?: string | null;
    },
  ) {
    const attachments = (entry.attachments ?? []).map((a) => ({
      name: a.name,
      sha256: createHash('sha256').update(Buffer.from(a.contentBase64, 'base64')).digest('hex'),
      bytes: Buffer.from(a.contentBase64, 'base64').length,
    }));
    const row = await tx
      .insertInto('pathway_event')
      .values({
        ...linked(therapy),
        seq: history.length + 1,
        step: entry.step,
        kind: entry.kind,
        corrects_id: entry.correctsId ?? null,
        occurred_at: entry.occurredAt ? new Date(entry.occurredAt) : new Date(),
        actor_user_id: ctx.principal.userId,
        actor_name: ctx.principal.displayName,
        organization_id: ctx.principal.organizationId,
        data: canonicalJson(entry.data),
        attachments: canonicalJson(attachments),
        reason: entry.reason ?? null,
        signature_id: entry.signatureId ?? null,
      })
      .returning(['id', 'seq', 'occurred_at'])
      .executeTakeFirstOrThrow();
    for (const [i, a] of (entry.attachments ?? []).entries()) {
      await tx
        .insertInto('pathway_attachment')
        .values({
          ...linked(therapy),
          event_id: row.id,
          name: a.name,
          sha256: attachments[i]!.sha256,
          bytes: attachments[i]!.bytes,
          content_b64: a.contentBase64.replace(/\s+/g, ''),
        })
        .execute();
    }
    if (entry.kind === 'step') {
      const next = currentStep(pathwayFor(therapy.technology as Technology), [
        ...history,
        { id: row.id, step: entry.step, kind: 'step' },
      ]);
      await tx
        .updateTable('therapy')
        .set({ state: next ?? therapy.state })
        .where('id', '=', therapy.id)
        .execute();
    }
    await appendAudit(tx, ctx, {
      action: entry.kind === 'step' ? 'record-step' : 'correct-step',
      entityType: 'therapy',
      entityId: therapy.id,
      newValues: {
        eventId: row.id,
        seq: row.seq,
        step: entry.step,
        data: entry.data,
        attachments,
        ...(entry.correctsId ? { correctsId: entry.correctsId } : {}),
      },
      reason: entry.reason ?? null,
    });
    return row;
  }

  async #deviation(
    tx: Tx,
    ctx: RequestContext,
    therapy: TherapyRow,
    kind: 'identity_mismatch' | 'bedside_mismatch' | 'temperature_excursion',
    din: string | null,
    detail: Record<string, unknown>,
  ): Promise<string> {
    const row = await tx
      .insertInto('deviation')
      .values({
        ...linked(therapy),
        kind,
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
      newValues: { therapyId: therapy.id, kind, din, detail },
    });
    // Both sides of the chain are told at once (DESIGN.md §2: a failed identity check is refused and reported).
    for (const org of [therapy.hospital_id, therapy.laboratory_id]) {
      await notify(tx, org, {
        kind: `deviation.${kind}`,
        subject: `${kind.replaceAll('_', ' ')} on chain of identity ${therapy.chain_of_identity}${din ? `, DIN ${din}` : ''}`,
        entityType: 'therapy',
        entityId: therapy.id,
      });
    }
    return row.id;
  }

  async #secondVerifier(ctx: RequestContext, input: { username: string; password: string }, ip: string) {
    const user = await this.db
      .selectFrom('app_user')
      .select(['id', 'username', 'display_name', 'role', 'organization_id', 'active'])
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (
      !user?.active ||
      user.id === ctx.principal.userId ||
      user.organization_id !== ctx.principal.organizationId ||
      !['hospital_physician', 'hospital_coordinator'].includes(user.role)
    ) {
      throw new InvalidInput(
        'secondVerifier.username',
        'a second, different staff member of this hospital must verify',
      );
    }
    try {
      await this.auth.reauthenticate(
        { ...ctx.principal, userId: user.id, username: user.username, displayName: user.display_name },
        input.password,
        ip,
      );
    } catch (error) {
      // The second verifier's wrong password is a field error of this form, not the caller's session ending.
      if (error instanceof ServiceError && (error.status === 401 || error.status === 403)) {
        throw new InvalidInput('secondVerifier.password', "the second verifier's password does not match");
      }
      throw error;
    }
    return {
      userId: user.id,
      organizationId: user.organization_id,
      displayName: user.display_name,
      role: user.role,
    };
  }

  async #history(tx: Tx, therapyId: string): Promise<RecordedEntry[]> {
    const rows = await tx
      .selectFrom('pathway_event')
      .select(['id', 'step', 'kind', 'corrects_id'])
      .where('therapy_id', '=', therapyId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      step: r.step,
      kind: r.kind as 'step' | 'correction',
      corrects: r.corrects_id,
    }));
  }

  async #custodyKeys(tx: Tx, din: string): Promise<string[]> {
    const rows = await tx
      .selectFrom('custody_scan')
      .select(['stage', 'direction'])
      .where('din', '=', din)
      .orderBy('seq')
      .execute();
    return rows.map((r) => custodyKey(r.stage, r.direction as CustodyDirection));
  }

  async #therapy(tx: Tx, ctx: RequestContext, id: string): Promise<TherapyRow> {
    const row = await this.#scoped(tx, ctx).select(THERAPY_COLUMNS).where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('therapy');
    return row;
  }

  /** Explicit scope on top of row-level security (as in PatientService). */
  #scoped(tx: Tx, ctx: RequestContext) {
    const base = tx.selectFrom('therapy');
    const p = ctx.principal;
    if (p.role === 'patient')
      return base.where('patient_id', '=', p.patientId ?? '00000000-0000-0000-0000-000000000000');
    switch (p.organizationKind) {
      case 'hospital':
        return base.where('hospital_id', '=', p.organizationId);
      case 'laboratory':
        return base.where('laboratory_id', '=', p.organizationId);
      case 'regulator':
        return base;
      default:
        return base.where('id', 'is', null);
    }
  }

  async #detail(tx: Tx, ctx: RequestContext, therapy: TherapyRow): Promise<TherapyDetail> {
    const id = therapy.id;
    const [events, collections, products, custody, deviations, temps, bedside, sources] = await Promise.all([
      tx.selectFrom('pathway_event').selectAll().where('therapy_id', '=', id).orderBy('seq').execute(),
      tx.selectFrom('collection').selectAll().where('therapy_id', '=', id).orderBy('collected_at').execute(),
      tx.selectFrom('product').selectAll().where('therapy_id', '=', id).execute(),
      tx
        .selectFrom('custody_scan')
        .selectAll()
        .where('therapy_id', '=', id)
        .orderBy('scanned_at')
        .orderBy('seq')
        .execute(),
      tx.selectFrom('deviation').selectAll().where('therapy_id', '=', id).orderBy('created_at').execute(),
      tx
        .selectFrom('temperature_log')
        .selectAll()
        .where('therapy_id', '=', id)
        .orderBy('uploaded_at')
        .execute(),
      tx
        .selectFrom('bedside_verification')
        .selectAll()
        .where('therapy_id', '=', id)
        .orderBy('verified_at')
        .execute(),
      therapySources(tx, id),
    ]);
    const history: RecordedEntry[] = events.map((e) => ({
      id: e.id,
      step: e.step,
      kind: e.kind as 'step' | 'correction',
      corrects: e.corrects_id,
    }));
    const party = partyOf(ctx.principal);
    const nextCustody: Record<string, string | null> = {};
    for (const c of collections) {
      const done = custody.filter((s) => s.din === c.din).length;
      const next = this.#custodyScans(therapy)[done];
      nextCustody[c.din] = next ? custodyKey(next.stage, next.direction) : null;
    }
    return {
      ...toSummary(therapy),
      entries: events.map((e) => ({
        id: e.id,
        seq: e.seq,
        step: e.step,
        kind: e.kind as 'step' | 'correction',
        correctsId: e.corrects_id,
        occurredAt: iso(e.occurred_at)!,
        recordedAt: iso(e.recorded_at)!,
        actorName: e.actor_name,
        data: json(e.data),
        attachments: json(e.attachments),
        reason: e.reason,
        signatureId: e.signature_id,
      })),
      nextSteps:
        party && therapy.consent_status === 'active'
          ? availableSteps(pathwayFor(therapy.technology as Technology), history, party)
          : [],
      collections: collections.map((c) => ({
        din: c.din,
        checkCharacter: c.check_character,
        collectedAt: iso(c.collected_at)!,
      })),
      products: products.map((p) => ({
        id: p.id,
        din: p.din,
        productCode: p.product_code,
        expiresAt: iso(p.expires_at)!,
        status: p.status,
        releasedAt: iso(p.released_at)!,
        label: productLabel(p, therapy),
      })),
      custody: custody.map((s) => ({
        din: s.din,
        seq: s.seq,
        stage: s.stage,
        direction: s.direction,
        actorName: s.actor_name,
        scannedAt: iso(s.scanned_at)!,
      })),
      nextCustody,
      deviations: deviations.map((d) => ({
        id: d.id,
        kind: d.kind,
        din: d.din,
        detail: json(d.detail),
        status: d.status,
        assessment: d.assessment,
        createdAt: iso(d.created_at)!,
        version: d.version,
      })),
      temperatureLogs: temps.map((t) => ({
        id: t.id,
        din: t.din,
        leg: t.leg,
        readings: t.readings,
        minCelsius: t.min_celsius === null ? null : Number(t.min_celsius),
        maxCelsius: t.max_celsius === null ? null : Number(t.max_celsius),
        limitCelsius: Number(t.limit_celsius),
        excursions: json<unknown[]>(t.excursions).length,
        uploadedAt: iso(t.uploaded_at)!,
      })),
      bedside: bedside.map((b) => ({
        id: b.id,
        ok: b.ok,
        problems: json(b.problems),
        verifiedAt: iso(b.verified_at)!,
      })),
      donor: sources.donor,
      lot: sources.lot,
    };
  }
}

/** A scanned or keyed DIN with its check character; a wrong check character is refused (ICCBBA ST-001). */
export function parseScannedDin(text: string, field: string): { din: string; checkCharacter: string } {
  const parsed = validateDinWithCheck(text);
  if (!parsed.valid) throw new InvalidInput(field, parsed.problems.map((p) => p.message).join('; '));
  return { din: parsed.value.din, checkCharacter: parsed.value.checkCharacter };
}

/**
 * The identity-bearing content of the product's bag label (ICCBBA ST-001; DESIGN.md §3.1): the DIN grouped as
 * printed with its boxed MOD 37-2 check character, the flag check value for the bar code (60 + checksum), the
 * product code, the expiry and the link to the patient (pseudonym and chain of identity).
 */
export function productLabel(
  p: { din: string; product_code: string; expires_at: Date | string },
  therapy: { patient_pseudonym: string; chain_of_identity: string },
) {
  const parsed = parseDin(p.din);
  if (!parsed.valid) throw new Error(`stored DIN ${p.din} is malformed`);
  const label = {
    din: p.din,
    productCode: p.product_code,
    expiresAt: new Date(p.expires_at).toISOString(),
    patient: { patientId: therapy.patient_pseudonym, chainOfIdentityId: therapy.chain_of_identity },
  };
  const problems = validateLabel(label);
  if (problems.length > 0) throw new Error(`label of ${p.din}: ${problems.map((x) => x.message).join('; ')}`);
  return {
    eyeReadableDin: formatDin(parsed.value),
    checkCharacter: parsed.value.checkCharacter,
    barcodeDin: `=${p.din}${String(parsed.value.flagCheckValue)}`,
    productCode: p.product_code,
    expiresAt: label.expiresAt,
    patient: therapy.patient_pseudonym,
    chainOfIdentity: therapy.chain_of_identity,
  };
}

export interface HistoryLine {
  at: string;
  who: string;
  action: string;
  entityType: string;
  entityId: string;
  field: string | null;
  from: unknown;
  to: unknown;
  reason: string | null;
}

export interface NotificationView {
  id: string;
  kind: string;
  subject: string;
  entityType: string;
  entityId: string;
  createdAt: string;
  readAt: string | null;
}

function notificationView(r: {
  id: string;
  kind: string;
  subject: string;
  entity_type: string;
  entity_id: string;
  created_at: Date | string;
  read_at: Date | string | null;
}): NotificationView {
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    entityType: r.entity_type,
    entityId: r.entity_id,
    createdAt: iso(r.created_at)!,
    readAt: iso(r.read_at),
  };
}

function linked(t: TherapyRow) {
  return {
    therapy_id: t.id,
    patient_id: t.patient_id,
    hospital_id: t.hospital_id,
    laboratory_id: t.laboratory_id,
  };
}

function toSummary(r: TherapyRow): TherapySummary {
  return {
    id: r.id,
    patientId: r.patient_id,
    patientPseudonym: r.patient_pseudonym,
    hospitalId: r.hospital_id,
    laboratoryId: r.laboratory_id,
    filingId: r.filing_id,
    technology: r.technology as Technology,
    chainOfIdentity: r.chain_of_identity,
    consentStatus: r.consent_status,
    state: r.state,
    version: r.version,
    exceptionReason: r.exception_reason,
    createdAt: iso(r.created_at)!,
  };
}
