import { can, type Principal, patientViewFor } from '@cgtlink/domain/access/index';
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { type Tx, withOwnerPrivileges, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, NotFound } from '../errors';
import type { IdentifierCrypto } from './identifier-crypto';

export type Sex = 'female' | 'male' | 'unknown';

/** What every permitted viewer sees: no direct identifier, birth year only. */
export interface DeidentifiedPatient {
  id: string;
  hospitalId: string;
  pseudonym: string;
  sex: Sex;
  birthYear: number;
  diagnosis: string;
  version: number;
}

/** The treating hospital's and the patient's own view. */
export interface IdentifiedPatient extends DeidentifiedPatient {
  name: string;
  nationalId: string | null;
  phone: string | null;
  birthDate: string;
}

export type PatientView =
  | (DeidentifiedPatient & { view: 'deidentified' })
  | (IdentifiedPatient & { view: 'identified' });

export interface NewPatient {
  name: string;
  nationalId?: string | null | undefined;
  phone?: string | null | undefined;
  sex: Sex;
  birthDate: string;
  diagnosis: string;
}

// The only columns the de-identified database role may read; selecting more fails in the database.
const DEID_COLUMNS = ['id', 'hospital_id', 'pseudonym', 'sex', 'birth_year', 'diagnosis', 'version'] as const;
const ID_COLUMNS = [...DEID_COLUMNS, 'birth_date', 'name_enc', 'national_id_enc', 'phone_enc'] as const;

export class PatientService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly crypto: IdentifierCrypto,
  ) {}

  /** Lists the patients in the principal's scope; rows are scoped by the database, columns by the view. */
  async list(ctx: RequestContext, page: { limit: number; offset: number }): Promise<PatientView[]> {
    if (!can(ctx.principal, 'patient.list')) throw new Forbidden('you may not list patients');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const query = this.#scoped(tx, ctx.principal)
        .orderBy('pseudonym')
        .limit(page.limit)
        .offset(page.offset);
      const patients: PatientView[] =
        ctx.principal.organizationKind === 'hospital'
          ? (await query.select(ID_COLUMNS).execute()).map((r) => this.#identified(r))
          : (await query.select(DEID_COLUMNS).execute()).map((r) => this.#deidentified(r));
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'patient',
        entityId: null,
        newValues: { listed: patients.map((p) => p.id) },
      });
      return patients;
    });
  }

  /** Reads one patient record; every read is audited. Out of scope and absent answer the same NotFound. */
  async get(ctx: RequestContext, id: string): Promise<PatientView> {
    if (!can(ctx.principal, 'patient.read')) throw new Forbidden('you may not read patient records');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const deid = await this.#scoped(tx, ctx.principal)
        .select(DEID_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!deid) throw new NotFound('patient');
      const view = patientViewFor(ctx.principal, { id: deid.id, hospitalId: deid.hospital_id });
      if (view === 'none') throw new NotFound('patient');
      await appendAudit(tx, ctx, {
        action: 'read',
        entityType: 'patient',
        entityId: id,
        newValues: { view },
      });
      if (view === 'deidentified') return this.#deidentified(deid);
      const full = await tx
        .selectFrom('patient')
        .select(ID_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return this.#identified(full);
    });
  }

  async create(
    ctx: RequestContext,
    input: NewPatient,
  ): Promise<IdentifiedPatient & { view: 'identified'; duplicateElsewhere: boolean }> {
    if (!can(ctx.principal, 'patient.create')) throw new Forbidden('only hospital staff register patients');
    const identityHash = input.nationalId ? this.crypto.identityHash(input.nationalId) : null;
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      if (identityHash) {
        const here = await tx
          .selectFrom('patient')
          .select('pseudonym')
          .where('identity_hash', '=', identityHash)
          .executeTakeFirst();
        if (here) throw new Conflict(`this national ID is already registered here as ${here.pseudonym}`);
      }
      // Registered at another hospital too? Found by the keyed hash alone, outside the caller's scope, and
      // answered as yes/no: the other hospital, its pseudonym and its data stay hidden (issue 6).
      const elsewhere = identityHash
        ? await withOwnerPrivileges(tx, () =>
            tx
              .selectFrom('patient')
              .select('id')
              .where('identity_hash', '=', identityHash)
              .where('hospital_id', '<>', ctx.principal.organizationId)
              .limit(1)
              .executeTakeFirst(),
          )
        : undefined;
      const duplicateElsewhere = elsewhere !== undefined;
      const row = await tx
        .insertInto('patient')
        .values({
          hospital_id: ctx.principal.organizationId,
          pseudonym: newPseudonym(),
          sex: input.sex,
          birth_date: input.birthDate,
          diagnosis: input.diagnosis,
          name_enc: this.crypto.encrypt(input.name),
          national_id_enc: input.nationalId ? this.crypto.encrypt(input.nationalId) : null,
          phone_enc: input.phone ? this.crypto.encrypt(input.phone) : null,
          identity_hash: identityHash,
        })
        .returning(ID_COLUMNS)
        .executeTakeFirstOrThrow();
      const patient = this.#identified(row);
      await appendAudit(tx, ctx, {
        action: 'create',
        entityType: 'patient',
        entityId: patient.id,
        // Direct identifiers never enter the audit trail in clear; their presence does.
        newValues: {
          pseudonym: patient.pseudonym,
          sex: patient.sex,
          birthDate: patient.birthDate,
          diagnosis: patient.diagnosis,
          name: '[encrypted]',
          ...(input.nationalId && { nationalId: '[encrypted]' }),
          ...(input.phone && { phone: '[encrypted]' }),
          ...(duplicateElsewhere && { duplicateElsewhere }),
        },
      });
      return { ...patient, duplicateElsewhere };
    });
  }

  /**
   * The explicit scope, on top of the database's row-level security: each layer alone keeps a hospital to its
   * own patients and a patient to their own record.
   */
  #scoped(tx: Tx, principal: Principal) {
    const base = tx.selectFrom('patient');
    switch (principal.organizationKind) {
      case 'hospital':
        return principal.role === 'patient'
          ? base.where('id', '=', principal.patientId ?? '00000000-0000-0000-0000-000000000000')
          : base.where('hospital_id', '=', principal.organizationId);
      case 'regulator':
        return base;
      default:
        return base.where('id', '=', '00000000-0000-0000-0000-000000000000');
    }
  }

  #deidentified(r: {
    id: string;
    hospital_id: string;
    pseudonym: string;
    sex: string;
    birth_year: number;
    diagnosis: string;
    version: number;
  }) {
    return {
      view: 'deidentified' as const,
      id: r.id,
      hospitalId: r.hospital_id,
      pseudonym: r.pseudonym,
      sex: r.sex as Sex,
      birthYear: r.birth_year,
      diagnosis: r.diagnosis,
      version: r.version,
    };
  }

  #identified(r: {
    id: string;
    hospital_id: string;
    pseudonym: string;
    sex: string;
    birth_year: number;
    diagnosis: string;
    version: number;
    birth_date: string;
    name_enc: string;
    national_id_enc: string | null;
    phone_enc: string | null;
  }) {
    return {
      ...this.#deidentified(r),
      view: 'identified' as const,
      birthDate: r.birth_date,
      name: this.crypto.decrypt(r.name_enc),
      nationalId: r.national_id_enc ? this.crypto.decrypt(r.national_id_enc) : null,
      phone: r.phone_enc ? this.crypto.decrypt(r.phone_enc) : null,
    };
  }
}

/** Platform pseudonym: "P-" and 10 characters of Crockford base32, no identifier derivable from it. */
export function newPseudonym(): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return `P-${Array.from(bytes, (b) => alphabet[b % 32]).join('')}`;
}
