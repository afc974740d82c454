import { can, type Principal } from '@cgtlink/domain/access/index';
import type { Kysely } from 'kysely';
import { appendAudit, diffValues } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors';
import type { IdentifierCrypto } from '../patients/identifier-crypto';
import type { HlaReference, ReducedTyping } from './reference';

export const RELATIONS = ['father', 'mother', 'sibling', 'child', 'other'] as const;
export type Relation = (typeof RELATIONS)[number];
export const DONOR_SEXES = ['M', 'F', 'U'] as const;
export const ABO_GROUPS = ['O', 'A', 'B', 'AB', 'unknown'] as const;
export const CMV_STATUSES = ['pos', 'neg', 'unknown'] as const;
export const TYPING_METHODS = ['serology', 'SSP', 'SSO', 'SBT', 'NGS', 'other'] as const;
export const TYPING_RESOLUTIONS = ['low', 'intermediate', 'high', 'allele'] as const;

export interface Antibody {
  specificity: string;
  mfi: number;
}

export interface TypingInput {
  glString: string;
  typingLab: string;
  method: (typeof TYPING_METHODS)[number];
  resolution: (typeof TYPING_RESOLUTIONS)[number];
  typedOn: string;
}

export interface TypingView {
  id: string;
  subject: 'patient' | 'donor';
  patientId: string | null;
  donorId: string | null;
  glString: string;
  releaseVersion: string;
  reduced: ReducedTyping;
  typingLab: string;
  method: string;
  resolution: string;
  typedOn: string;
  status: string;
  correctionReason: string | null;
  version: number;
  createdAt: string;
}

interface DonorFields {
  sex: (typeof DONOR_SEXES)[number];
  birthDate: string;
  abo?: (typeof ABO_GROUPS)[number] | undefined;
  cmv?: (typeof CMV_STATUSES)[number] | undefined;
  parity?: number | null | undefined;
  dsa?: Antibody[] | undefined;
}

export interface NewRelatedDonor extends DonorFields {
  patientId: string;
  relation: Relation;
  name: string;
  typing?: TypingInput | undefined;
}

export interface NewUnrelatedDonor extends DonorFields {
  registry: string;
  registryDonorId: string;
  typing?: TypingInput | undefined;
}

export interface DonorPatch extends Partial<DonorFields> {
  version: number;
  name?: string | undefined;
  relation?: Relation | undefined;
  status?: 'active' | 'inactive' | undefined;
}

export interface DonorView {
  id: string;
  donorNo: number;
  kind: 'related' | 'unrelated';
  hospitalId: string | null;
  patientId: string | null;
  relation: Relation | null;
  /** Null for the de-identified view and for registry donors (which carry no name). */
  name: string | null;
  registry: string | null;
  registryDonorId: string | null;
  sex: string;
  birthDate: string | null;
  birthYear: number;
  age: number;
  abo: string;
  cmv: string;
  parity: number | null;
  dsa: Antibody[];
  status: string;
  version: number;
  typing: TypingView | null;
}

/** A change of a registry donor (or its typing) that the in-memory registry index must apply. */
export type DonorListener = (donorId: string) => Promise<void> | void;

const DEID_DONOR = [
  'd.id',
  'd.donor_no',
  'd.kind',
  'd.hospital_id',
  'd.patient_id',
  'd.relation',
  'd.registry',
  'd.sex',
  'd.birth_year',
  'd.abo',
  'd.cmv',
  'd.parity',
  'd.dsa',
  'd.status',
  'd.version',
] as const;
const ID_DONOR = [...DEID_DONOR, 'd.name_enc', 'd.birth_date', 'd.registry_donor_id'] as const;
const DEID_TYPING = [
  'id',
  'subject',
  'patient_id',
  'donor_id',
  'gl_string',
  'release_version',
  'reduced',
  'typing_lab',
  'method',
  'resolution',
  'typed_on',
  'status',
  'version',
  'created_at',
] as const;
const ID_TYPING = [...DEID_TYPING, 'correction_reason'] as const;

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Whole years between a birth date and a day (both ISO dates). */
export function ageOn(birthDate: string, day: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

function isIdentified(principal: Principal): boolean {
  return principal.organizationKind === 'hospital';
}

/**
 * HLA typings of patients and donors, and the donor records (related family members of a patient, unrelated
 * registry donors). Every write validates the typing against the loaded IPD-IMGT/HLA release, runs scoped by
 * the database (withPrincipal), in one transaction with its audit entry; a changed registry donor is passed to
 * the listeners (the registry index) after the commit.
 */
export class DonorService {
  private readonly listeners: DonorListener[] = [];

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly crypto: IdentifierCrypto,
    private readonly reference: HlaReference,
    private readonly today: () => string = todayIso,
  ) {}

  onRegistryDonorChanged(listener: DonorListener): void {
    this.listeners.push(listener);
  }

  private async notify(donorId: string): Promise<void> {
    for (const listener of this.listeners) await listener(donorId);
  }

  private require(principal: Principal, action: 'hla.read' | 'hla.write', what: string): void {
    if (!can(principal, action)) throw new Forbidden(`you may not ${what}`);
  }

  // ---- typings -----------------------------------------------------------------------------------------------

  private checkTypingInput(input: TypingInput, field: string): void {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.typedOn))
      throw new InvalidInput(`${field}.typedOn`, 'expected a date');
    if (input.typedOn > this.today()) throw new InvalidInput(`${field}.typedOn`, 'must not be in the future');
    if (input.typingLab.trim() === '') throw new InvalidInput(`${field}.typingLab`, 'required');
  }

  private async insertTyping(
    tx: Tx,
    ctx: RequestContext,
    subject: { patientId: string } | { donorId: string; shared: boolean },
    hospitalId: string | null,
    input: TypingInput,
    field: string,
  ): Promise<TypingView> {
    this.checkTypingInput(input, field);
    const { glString, reduced } = this.reference.analyse(`${field}.glString`, input.glString);
    const release = this.reference.get();
    const key = 'patientId' in subject ? 'patient_id' : 'donor_id';
    const subjectId = 'patientId' in subject ? subject.patientId : subject.donorId;
    const previous = await tx
      .updateTable('hla_typing')
      .set({ status: 'superseded', updated_at: new Date() })
      .where(key, '=', subjectId)
      .where('status', '=', 'current')
      .returning('id')
      .execute();
    const row = await tx
      .insertInto('hla_typing')
      .values({
        subject: 'patientId' in subject ? 'patient' : 'donor',
        patient_id: 'patientId' in subject ? subject.patientId : null,
        donor_id: 'donorId' in subject ? subject.donorId : null,
        hospital_id: hospitalId,
        shared: 'donorId' in subject ? subject.shared : false,
        gl_string: glString,
        release_version: release.version,
        reduced: JSON.stringify(reduced),
        typing_lab: input.typingLab.trim(),
        method: input.method,
        resolution: input.resolution,
        typed_on: input.typedOn,
        recorded_by: ctx.principal.userId,
      })
      .returning(ID_TYPING)
      .executeTakeFirstOrThrow();
    await appendAudit(tx, ctx, {
      action: 'create',
      entityType: 'hla_typing',
      entityId: row.id,
      newValues: {
        [key]: subjectId,
        glString,
        releaseVersion: release.version,
        typingLab: row.typing_lab,
        method: row.method,
        resolution: row.resolution,
        typedOn: row.typed_on,
        supersedes: previous.map((p) => p.id),
      },
    });
    return typingOf(row);
  }

  /** Adds a typing of a patient (the new one becomes current; the previous one is superseded). */
  async addPatientTyping(ctx: RequestContext, patientId: string, input: TypingInput): Promise<TypingView> {
    this.require(ctx.principal, 'hla.write', 'record HLA typings');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await tx
        .selectFrom('patient')
        .select(['id', 'hospital_id'])
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (!patient) throw new NotFound('patient');
      return this.insertTyping(tx, ctx, { patientId }, patient.hospital_id, input, 'typing');
    });
  }

  /** Adds a typing of a donor (related or unrelated). */
  async addDonorTyping(ctx: RequestContext, donorId: string, input: TypingInput): Promise<TypingView> {
    this.require(ctx.principal, 'hla.write', 'record HLA typings');
    const { typing, registry } = await withPrincipal(this.db, ctx.principal, async (tx) => {
      const donor = await this.ownDonor(tx, ctx.principal, donorId);
      const typing = await this.insertTyping(
        tx,
        ctx,
        { donorId, shared: donor.kind === 'unrelated' },
        donor.hospital_id,
        input,
        'typing',
      );
      return { typing, registry: donor.kind === 'unrelated' };
    });
    if (registry) await this.notify(donorId);
    return typing;
  }

  /**
   * Corrects a typing in place (a transcription error): new GL String and details, with the reason; the old
   * values stay in the audit trail. `version` guards against a concurrent change.
   */
  async correctTyping(
    ctx: RequestContext,
    typingId: string,
    input: TypingInput & { version: number; reason: string },
  ): Promise<TypingView> {
    this.require(ctx.principal, 'hla.write', 'correct HLA typings');
    if (input.reason.trim() === '') throw new InvalidInput('reason', 'a correction needs its reason');
    const { typing, donorId, shared } = await withPrincipal(this.db, ctx.principal, async (tx) => {
      const old = await tx
        .selectFrom('hla_typing')
        .select([...ID_TYPING, 'hospital_id', 'shared'])
        .where('id', '=', typingId)
        .where('hospital_id', '=', ctx.principal.organizationId)
        .executeTakeFirst();
      if (!old) throw new NotFound('HLA typing');
      if (old.version !== input.version) {
        throw new Conflict(`the typing changed (version ${old.version}); reload and try again`, {
          currentVersion: old.version,
        });
      }
      this.checkTypingInput(input, 'typing');
      const { glString, reduced } = this.reference.analyse('typing.glString', input.glString);
      const release = this.reference.get();
      const row = await tx
        .updateTable('hla_typing')
        .set({
          gl_string: glString,
          reduced: JSON.stringify(reduced),
          release_version: release.version,
          typing_lab: input.typingLab.trim(),
          method: input.method,
          resolution: input.resolution,
          typed_on: input.typedOn,
          correction_reason: input.reason.trim(),
          version: old.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', typingId)
        .returning(ID_TYPING)
        .executeTakeFirstOrThrow();
      const pick = (r: typeof old | typeof row) => ({
        glString: r.gl_string,
        typingLab: r.typing_lab,
        method: r.method,
        resolution: r.resolution,
        typedOn: r.typed_on,
      });
      const diff = diffValues(pick(old), pick(row));
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'hla_typing',
        entityId: typingId,
        oldValues: diff?.oldValues ?? null,
        newValues: diff?.newValues ?? null,
        reason: input.reason.trim(),
      });
      return { typing: typingOf(row), donorId: old.donor_id, shared: old.shared };
    });
    if (shared && donorId) await this.notify(donorId);
    return typing;
  }

  /** A patient's typings, current first; audited. */
  async patientTypings(ctx: RequestContext, patientId: string): Promise<TypingView[]> {
    this.require(ctx.principal, 'hla.read', 'read HLA typings');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await tx
        .selectFrom('patient')
        .select('id')
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (!patient) throw new NotFound('patient');
      const rows = await tx
        .selectFrom('hla_typing')
        .select(isIdentified(ctx.principal) ? ID_TYPING : DEID_TYPING)
        .where('patient_id', '=', patientId)
        .orderBy('status')
        .orderBy('created_at', 'desc')
        .execute();
      const typings = rows.map(typingOf);
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'hla_typing',
        entityId: null,
        newValues: { patientId, listed: typings.map((t) => t.id) },
      });
      return typings;
    });
  }

  /** The patient's current typing, or null (unaudited helper for the work-up and the search, inside their tx). */
  async currentPatientTyping(tx: Tx, patientId: string): Promise<TypingView | null> {
    const row = await tx
      .selectFrom('hla_typing')
      .select(DEID_TYPING)
      .where('patient_id', '=', patientId)
      .where('status', '=', 'current')
      .executeTakeFirst();
    return row ? typingOf(row) : null;
  }

  // ---- donors ------------------------------------------------------------------------------------------------

  private checkDonorFields(fields: Partial<DonorFields>): void {
    if (fields.birthDate !== undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(fields.birthDate))
        throw new InvalidInput('birthDate', 'expected a date');
      if (fields.birthDate > this.today()) throw new InvalidInput('birthDate', 'must not be in the future');
    }
    if (fields.parity !== undefined && fields.parity !== null && fields.sex === 'M') {
      throw new InvalidInput('parity', 'parity is recorded for a female donor only');
    }
  }

  private checkDsa(dsa: Antibody[] | undefined): Antibody[] {
    return (dsa ?? []).map((ab, i) => {
      if (!Number.isFinite(ab.mfi) || ab.mfi < 0) {
        throw new InvalidInput(`dsa[${i}].mfi`, 'expected a non-negative MFI');
      }
      if (ab.specificity.trim() === '') throw new InvalidInput(`dsa[${i}].specificity`, 'required');
      return {
        specificity: this.reference.antibodySpecificity(`dsa[${i}].specificity`, ab.specificity),
        mfi: ab.mfi,
      };
    });
  }

  private async ownDonor(tx: Tx, principal: Principal, donorId: string) {
    const donor = await tx
      .selectFrom('donor')
      .selectAll()
      .where('id', '=', donorId)
      .where('hospital_id', '=', principal.organizationId)
      .executeTakeFirst();
    if (!donor) throw new NotFound('donor');
    return donor;
  }

  /** Records a related donor (a family member of one of the hospital's patients), optionally with a typing. */
  async addRelatedDonor(ctx: RequestContext, input: NewRelatedDonor): Promise<DonorView> {
    this.require(ctx.principal, 'hla.write', 'record donors');
    this.checkDonorFields(input);
    if (input.name.trim() === '') throw new InvalidInput('name', 'required');
    const dsa = this.checkDsa(input.dsa);
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await tx
        .selectFrom('patient')
        .select(['id', 'hospital_id'])
        .where('id', '=', input.patientId)
        .where('hospital_id', '=', ctx.principal.organizationId)
        .executeTakeFirst();
      if (!patient) throw new NotFound('patient');
      const row = await tx
        .insertInto('donor')
        .values({
          kind: 'related',
          hospital_id: patient.hospital_id,
          patient_id: patient.id,
          relation: input.relation,
          name_enc: this.crypto.encrypt(input.name.trim()),
          sex: input.sex,
          birth_date: input.birthDate,
          abo: input.abo ?? 'unknown',
          cmv: input.cmv ?? 'unknown',
          parity: input.parity ?? null,
          dsa: JSON.stringify(dsa),
          created_by: ctx.principal.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'donor',
        entityId: row.id,
        newValues: {
          kind: 'related',
          patientId: patient.id,
          relation: input.relation,
          name: '[redacted]',
          sex: input.sex,
          birthDate: input.birthDate,
          abo: input.abo ?? 'unknown',
          cmv: input.cmv ?? 'unknown',
          parity: input.parity ?? null,
          dsa,
        },
      });
      if (input.typing) {
        await this.insertTyping(
          tx,
          ctx,
          { donorId: row.id, shared: false },
          patient.hospital_id,
          input.typing,
          'typing',
        );
      }
      return this.read(tx, ctx.principal, row.id);
    });
  }

  /** Records an unrelated registry donor (e.g. one confirmed by the hospital's verification typing). */
  async addUnrelatedDonor(ctx: RequestContext, input: NewUnrelatedDonor): Promise<DonorView> {
    this.require(ctx.principal, 'hla.write', 'record donors');
    this.checkDonorFields(input);
    if (input.registry.trim() === '') throw new InvalidInput('registry', 'required');
    if (input.registryDonorId.trim() === '') throw new InvalidInput('registryDonorId', 'required');
    const dsa = this.checkDsa(input.dsa);
    const donor = await withPrincipal(this.db, ctx.principal, async (tx) => {
      const row = await tx
        .insertInto('donor')
        .values({
          kind: 'unrelated',
          hospital_id: ctx.principal.organizationId,
          registry: input.registry.trim(),
          registry_donor_id: input.registryDonorId.trim(),
          sex: input.sex,
          birth_date: input.birthDate,
          abo: input.abo ?? 'unknown',
          cmv: input.cmv ?? 'unknown',
          parity: input.parity ?? null,
          dsa: JSON.stringify(dsa),
          created_by: ctx.principal.userId,
        })
        .onConflict((oc) => oc.columns(['registry', 'registry_donor_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) throw new Conflict(`donor ${input.registry}/${input.registryDonorId} is already recorded`);
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'donor',
        entityId: row.id,
        newValues: {
          kind: 'unrelated',
          registry: input.registry.trim(),
          registryDonorId: input.registryDonorId.trim(),
          sex: input.sex,
          birthDate: input.birthDate,
          abo: input.abo ?? 'unknown',
          cmv: input.cmv ?? 'unknown',
        },
      });
      if (input.typing) {
        await this.insertTyping(
          tx,
          ctx,
          { donorId: row.id, shared: true },
          ctx.principal.organizationId,
          input.typing,
          'typing',
        );
      }
      return this.read(tx, ctx.principal, row.id);
    });
    await this.notify(donor.id);
    return donor;
  }

  /** Changes a donor's facts (the hospital's own donors only); `version` guards against concurrent changes. */
  async updateDonor(ctx: RequestContext, donorId: string, patch: DonorPatch): Promise<DonorView> {
    this.require(ctx.principal, 'hla.write', 'change donors');
    const { donor, registry } = await withPrincipal(this.db, ctx.principal, async (tx) => {
      const old = await this.ownDonor(tx, ctx.principal, donorId);
      if (old.version !== patch.version) {
        throw new Conflict(`the donor changed (version ${old.version}); reload and try again`, {
          currentVersion: old.version,
        });
      }
      const sex = (patch.sex ?? old.sex) as DonorFields['sex'];
      this.checkDonorFields({ ...patch, sex });
      if (old.kind !== 'related' && (patch.name !== undefined || patch.relation !== undefined)) {
        throw new InvalidInput(
          patch.name !== undefined ? 'name' : 'relation',
          'only a related donor has one',
        );
      }
      if (patch.name !== undefined && patch.name.trim() === '') throw new InvalidInput('name', 'required');
      const dsa = patch.dsa !== undefined ? this.checkDsa(patch.dsa) : json<Antibody[]>(old.dsa);
      const before = {
        relation: old.relation,
        sex: old.sex,
        birthDate: old.birth_date,
        abo: old.abo,
        cmv: old.cmv,
        parity: old.parity,
        dsa: json<Antibody[]>(old.dsa),
        status: old.status,
        name: old.name_enc ? this.crypto.decrypt(old.name_enc) : null,
      };
      const after = {
        relation: patch.relation ?? old.relation,
        sex,
        birthDate: patch.birthDate ?? old.birth_date,
        abo: patch.abo ?? old.abo,
        cmv: patch.cmv ?? old.cmv,
        parity: patch.parity === undefined ? old.parity : patch.parity,
        dsa,
        status: patch.status ?? old.status,
        name: patch.name !== undefined ? patch.name.trim() : before.name,
      };
      await tx
        .updateTable('donor')
        .set({
          relation: after.relation,
          sex: after.sex,
          birth_date: after.birthDate,
          abo: after.abo,
          cmv: after.cmv,
          parity: after.parity,
          dsa: JSON.stringify(after.dsa),
          status: after.status,
          name_enc: after.name !== null ? this.crypto.encrypt(after.name) : null,
          version: old.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', donorId)
        .execute();
      const diff = diffValues(before, after, ['name']);
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'donor',
        entityId: donorId,
        oldValues: diff?.oldValues ?? null,
        newValues: diff?.newValues ?? null,
      });
      return { donor: await this.read(tx, ctx.principal, donorId), registry: old.kind === 'unrelated' };
    });
    if (registry) await this.notify(donorId);
    return donor;
  }

  /** One donor with its current typing; audited. Out of scope answers NotFound. */
  async get(ctx: RequestContext, donorId: string): Promise<DonorView> {
    this.require(ctx.principal, 'hla.read', 'read donors');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const donor = await this.read(tx, ctx.principal, donorId);
      await appendAudit(tx, ctx, { action: 'read', entityType: 'donor', entityId: donorId });
      return donor;
    });
  }

  /** The related donors of a patient, with their current typings; audited. */
  async listForPatient(ctx: RequestContext, patientId: string): Promise<DonorView[]> {
    this.require(ctx.principal, 'hla.read', 'read donors');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const patient = await tx
        .selectFrom('patient')
        .select('id')
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (!patient) throw new NotFound('patient');
      const donors = await this.readMany(tx, ctx.principal, (q) =>
        q.where('d.patient_id', '=', patientId).orderBy('d.created_at'),
      );
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'donor',
        entityId: null,
        newValues: { patientId, listed: donors.map((d) => d.id) },
      });
      return donors;
    });
  }

  /** Reads one donor in the caller's scope (no audit: the caller audits). */
  async read(tx: Tx, principal: Principal, donorId: string): Promise<DonorView> {
    const [donor] = await this.readMany(tx, principal, (q) => q.where('d.id', '=', donorId));
    if (!donor) throw new NotFound('donor');
    return donor;
  }

  /** Donors by id in the caller's scope, in no particular order (no audit). */
  async readByIds(tx: Tx, principal: Principal, ids: readonly string[]): Promise<DonorView[]> {
    if (ids.length === 0) return [];
    return this.readMany(tx, principal, (q) => q.where('d.id', 'in', ids));
  }

  private async readMany(
    tx: Tx,
    principal: Principal,
    // biome-ignore lint/suspicious/noExplicitAny: the query builder's type is long and internal here
    where: (q: any) => any,
  ): Promise<DonorView[]> {
    const identified = isIdentified(principal);
    const base = tx.selectFrom('donor as d');
    const rows = (await where(base.select(identified ? ID_DONOR : DEID_DONOR)).execute()) as Array<
      Record<string, unknown>
    >;
    if (rows.length === 0) return [];
    const typings = await tx
      .selectFrom('hla_typing')
      .select(identified ? ID_TYPING : DEID_TYPING)
      .where(
        'donor_id',
        'in',
        rows.map((r) => r['id'] as string),
      )
      .where('status', '=', 'current')
      .execute();
    const byDonor = new Map(typings.map((t) => [t.donor_id as string, typingOf(t)]));
    const today = this.today();
    return rows.map((r) => {
      const birthDate = (r['birth_date'] as string | undefined) ?? null;
      const birthYear = r['birth_year'] as number;
      const nameEnc = r['name_enc'] as string | null | undefined;
      return {
        id: r['id'] as string,
        donorNo: r['donor_no'] as number,
        kind: r['kind'] as DonorView['kind'],
        hospitalId: r['hospital_id'] as string | null,
        patientId: r['patient_id'] as string | null,
        relation: r['relation'] as Relation | null,
        name: identified && nameEnc ? this.crypto.decrypt(nameEnc) : null,
        registry: r['registry'] as string | null,
        registryDonorId: identified ? ((r['registry_donor_id'] as string | null) ?? null) : null,
        sex: r['sex'] as string,
        birthDate: identified ? birthDate : null,
        birthYear,
        age: birthDate ? ageOn(birthDate, today) : Number(today.slice(0, 4)) - birthYear,
        abo: r['abo'] as string,
        cmv: r['cmv'] as string,
        parity: r['parity'] as number | null,
        dsa: json<Antibody[]>(r['dsa']),
        status: r['status'] as string,
        version: r['version'] as number,
        typing: byDonor.get(r['id'] as string) ?? null,
      };
    });
  }
}

function typingOf(r: {
  id: string;
  subject: string;
  patient_id: string | null;
  donor_id: string | null;
  gl_string: string;
  release_version: string;
  reduced: unknown;
  typing_lab: string;
  method: string;
  resolution: string;
  typed_on: string;
  status: string;
  version: number;
  created_at: Date | string;
  correction_reason?: string | null;
}): TypingView {
  return {
    id: r.id,
    subject: r.subject as TypingView['subject'],
    patientId: r.patient_id,
    donorId: r.donor_id,
    glString: r.gl_string,
    releaseVersion: r.release_version,
    reduced: json<ReducedTyping>(r.reduced),
    typingLab: r.typing_lab,
    method: r.method,
    resolution: r.resolution,
    typedOn: r.typed_on,
    status: r.status,
    correctionReason: r.correction_reason ?? null,
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
