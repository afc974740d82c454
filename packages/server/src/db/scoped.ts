import { databaseRoleFor, type Principal } from '@cgtlink/domain/access/index';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Schema } from './schema';

export type Tx = Transaction<Schema>;

/**
 * Runs `work` in a transaction that the database itself scopes to the principal: the principal's identity is
 * set with transaction-local settings that the row-level security policies read, and the queries run as a
 * non-superuser role (superusers bypass RLS); set_config('role', …, true) is SET LOCAL ROLE in the same round trip. A query that forgets its WHERE clause still sees only what the
 * principal may see.
 */
export async function withPrincipal<T>(
  db: Kysely<Schema>,
  principal: Principal,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select
        set_config('app.user_id', ${principal.userId}, true),
        set_config('app.org_id', ${principal.organizationId}, true),
        set_config('app.org_kind', ${principal.organizationKind}, true),
        set_config('app.role', ${principal.role}, true),
        set_config('app.patient_id', ${principal.patientId ?? ''}, true),
        set_config('role', ${databaseRoleFor(principal)}, true)`.execute(tx);
    return work(tx);
  });
}

/** A transaction for trusted system work (authentication, sealing, seeding), not scoped by RLS. */
export async function asSystem<T>(db: Kysely<Schema>, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/**
 * Runs trusted steps (writing a password hash, checking a reference outside the caller's scope) inside an
 * already scoped transaction, then drops back to the scoped role. Same transaction, so still all-or-nothing.
 */
export async function withOwnerPrivileges<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  const { rows } = await sql<{ role: string }>`select current_user as role`.execute(tx);
  const scopedRole = rows[0]?.role;
  await sql`set local role none`.execute(tx);
  const result = await work();
  if (scopedRole) await sql.raw(`set local role ${scopedRole}`).execute(tx);
  return result;
}
