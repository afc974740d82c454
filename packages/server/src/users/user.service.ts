import { can, checkPassword, organizationKindFor, type Role } from '@cgtlink/domain/access/index';
import type { Kysely } from 'kysely';
import { appendAudit, diffValues, type SystemActor } from '../audit/audit-log';
import { hashPassword } from '../auth/password';
import type { RequestContext } from '../context';
import type { Schema } from '../db/schema';
import { asSystem, type Tx, withOwnerPrivileges, withPrincipal } from '../db/scoped';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../errors';

export interface User {
  id: string;
  organizationId: string;
  username: string;
  displayName: string;
  role: Role;
  patientId: string | null;
  active: boolean;
  version: number;
}

export interface NewUser {
  organizationId: string;
  username: string;
  displayName: string;
  role: Role;
  password: string;
  patientId?: string | null | undefined;
}

export interface UserChange {
  displayName?: string | undefined;
  active?: boolean | undefined;
  password?: string | undefined;
  version: number;
  reason?: string | undefined;
}

const USER_COLUMNS = [
  'id',
  'organization_id',
  'username',
  'display_name',
  'role',
  'patient_id',
  'active',
  'version',
] as const;

function toUser(row: {
  id: string;
  organization_id: string;
  username: string;
  display_name: string;
  role: string;
  patient_id: string | null;
  active: boolean;
  version: number;
}): User {
  return {
    id: row.id,
    organizationId: row.organization_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    patientId: row.patient_id,
    active: row.active,
    version: row.version,
  };
}

export class UserService {
  constructor(
    private readonly db: Kysely<Schema>,
    /** Told after a committed change, so cached sessions of the changed accounts are read afresh. */
    private readonly onAccessChange: () => void = () => {},
  ) {}

  async list(ctx: RequestContext): Promise<User[]> {
    if (!can(ctx.principal, 'user.read')) throw new Forbidden('you may not list users');
    return withPrincipal(this.db, ctx.principal, async (tx) => {
      const rows = await tx.selectFrom('app_user').select(USER_COLUMNS).orderBy('username').execute();
      return rows.map(toUser);
    });
  }

  /** Adds an account as the platform administrator (web, API). */
  async create(ctx: RequestContext, input: NewUser): Promise<User> {
    if (!can(ctx.principal, 'user.manage')) throw new Forbidden('only a platform administrator adds users');
    const passwordHash = await acceptablePasswordHash(input.username, input.password);
    return withPrincipal(this.db, ctx.principal, (tx) =>
      withOwnerPrivileges(tx, () => this.#insert(tx, ctx, input, passwordHash)),
    );
  }

  /** Adds an account as the system (CLI `user add`, demo seed). */
  async createAsSystem(actor: SystemActor, input: NewUser): Promise<User> {
    const passwordHash = await acceptablePasswordHash(input.username, input.password);
    return asSystem(this.db, (tx) => this.#insert(tx, actor, input, passwordHash));
  }

  async update(ctx: RequestContext, id: string, change: UserChange): Promise<User> {
    if (!can(ctx.principal, 'user.manage')) throw new Forbidden('only a platform administrator edits users');
    const passwordHash =
      change.password !== undefined
        ? await acceptablePasswordHash(await this.#username(ctx, id), change.password)
        : undefined;
    const updated = await withPrincipal(this.db, ctx.principal, async (tx) => {
      const before = await tx
        .selectFrom('app_user')
        .select(USER_COLUMNS)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!before) throw new NotFound('user');
      if (before.version !== change.version) {
        throw new Conflict(
          `user was changed by someone else (version ${before.version}, you had ${change.version})`,
          {
            currentVersion: before.version,
          },
        );
      }
      const patch = {
        ...(change.displayName !== undefined && { display_name: change.displayName }),
        ...(change.active !== undefined && { active: change.active }),
      };
      // The audit trail speaks the API's field names, for creations and updates alike.
      const diff = diffValues(
        { ...toUser(before) },
        {
          ...(change.displayName !== undefined && { displayName: change.displayName }),
          ...(change.active !== undefined && { active: change.active }),
          ...(passwordHash && { password: 'changed' }),
        },
        ['password'],
      );
      if (!diff) return toUser(before);
      // Password hashes are outside cgtlink_app's privileges; the owner writes them after the scoped checks.
      await withOwnerPrivileges(tx, async () => {
        await tx
          .updateTable('app_user')
          .set({
            ...patch,
            ...(passwordHash && { password_hash: passwordHash, password_changed_at: new Date() }),
            version: before.version + 1,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
        if (change.active === false || passwordHash) {
          await tx
            .updateTable('session')
            .set({ revoked_at: new Date() })
            .where('user_id', '=', id)
            .where('revoked_at', 'is', null)
            .execute();
        }
      });
      await appendAudit(tx, ctx, {
        action: 'update',
        entityType: 'user',
        entityId: id,
        ...diff,
        reason: change.reason ?? null,
      });
      return toUser({ ...before, ...patch, version: before.version + 1 });
    });
    this.onAccessChange();
    return updated;
  }

  async #username(ctx: RequestContext, id: string): Promise<string> {
    const row = await withPrincipal(this.db, ctx.principal, (tx) =>
      tx.selectFrom('app_user').select('username').where('id', '=', id).executeTakeFirst(),
    );
    if (!row) throw new NotFound('user');
    return row.username;
  }

  /** Runs with owner privileges: it checks references outside the actor's scope and writes the password hash. */
  async #insert(
    tx: Tx,
    actor: RequestContext | SystemActor,
    input: NewUser,
    passwordHash: string,
  ): Promise<User> {
    const username = input.username.trim().toLowerCase();
    const org = await tx
      .selectFrom('organization')
      .select(['id', 'kind'])
      .where('id', '=', input.organizationId)
      .executeTakeFirst();
    if (!org) throw new InvalidInput('organizationId', 'no such organization');
    const expectedKind = organizationKindFor(input.role);
    if (org.kind !== expectedKind) {
      throw new InvalidInput(
        'role',
        `a ${input.role} account belongs to a ${expectedKind} organization, not a ${org.kind}`,
      );
    }
    const patientId = input.role === 'patient' ? (input.patientId ?? null) : null;
    if (input.role === 'patient') {
      if (!patientId)
        throw new InvalidInput('patientId', 'a patient account must be bound to one patient record');
      const patient = await tx
        .selectFrom('patient')
        .select('hospital_id')
        .where('id', '=', patientId)
        .executeTakeFirst();
      if (!patient || patient.hospital_id !== org.id) {
        throw new InvalidInput('patientId', 'no such patient at this hospital');
      }
    } else if (input.patientId) {
      throw new InvalidInput('patientId', 'only patient accounts are bound to a patient record');
    }
    const taken = await tx
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', username)
      .executeTakeFirst();
    if (taken) throw new Conflict(`username ${username} is taken`);
    const id = crypto.randomUUID();
    await tx
      .insertInto('app_user')
      .values({
        id,
        organization_id: org.id,
        username,
        display_name: input.displayName,
        role: input.role,
        patient_id: patientId,
        password_hash: passwordHash,
      })
      .execute();
    const user: User = {
      id,
      organizationId: org.id,
      username,
      displayName: input.displayName,
      role: input.role,
      patientId,
      active: true,
      version: 1,
    };
    await appendAudit(tx, actor, {
      action: 'create',
      entityType: 'user',
      entityId: id,
      newValues: {
        organizationId: org.id,
        username,
        displayName: input.displayName,
        role: input.role,
        patientId,
      },
    });
    return user;
  }
}

/** Hashing is slow on purpose (scrypt), so it happens before any transaction opens. */
async function acceptablePasswordHash(username: string, password: string): Promise<string> {
  const check = checkPassword(password, { username: username.trim().toLowerCase() });
  if (!check.ok) throw new InvalidInput('password', check.problems.join('; '));
  return hashPassword(password);
}
