import {
  checkPassword,
  isOrganizationKind,
  isRole,
  type OrganizationKind,
  type Principal,
} from '@cgtlink/domain/access/index';
import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import { ReauthenticationFailed, TooManyAttempts, Unauthorized } from '../errors';
import { decoyHash, verifyPassword } from './password';
import { SessionCache } from './session-cache';
import { newToken, tokenHash } from './tokens';

export interface SessionPolicy {
  idleMinutes: number;
  absoluteHours: number;
  /** How long a resolved session is reused without reading the database (default 5 s; 0 turns it off). */
  cacheMs?: number;
}

/** Failed sign-ins tolerated per account (and, higher, per address) in the throttle window. */
export const THROTTLE = { windowMinutes: 15, perUser: 5, perIp: 30 } as const;

export interface LoginInput {
  username: string;
  password: string;
  ip: string;
  userAgent?: string | undefined;
}

/** The principal's organization, as a signed-in person sees it named in the header. */
export interface OrganizationBrief {
  id: string;
  code: string;
  kind: OrganizationKind;
  nameZh: string;
  nameEn: string;
}

export interface AuthenticatedSession {
  principal: Principal;
  organization: OrganizationBrief;
  sessionId: string;
  csrfToken: string | null;
  kind: 'cookie' | 'bearer';
  expiresAt: Date;
}

export interface IssuedSession {
  organization: OrganizationBrief;
  token: string;
  csrfToken: string | null;
  expiresAt: Date;
  principal: Principal;
}

interface PrincipalRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  organization_id: string;
  kind: string;
  patient_id: string | null;
  active: boolean;
  org_active: boolean;
  code: string;
  name_zh: string;
  name_en: string;
}

// What a principal is made of: the account (u) and its organization (o), read the same way at sign-in and per request.
const PRINCIPAL_COLUMNS = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.role',
  'u.organization_id',
  'o.kind',
  'u.patient_id',
  'u.active',
  'o.active as org_active',
  'o.code',
  'o.name_zh',
  'o.name_en',
] as const;

function toOrganizationBrief(row: PrincipalRow): OrganizationBrief {
  return {
    id: row.organization_id,
    code: row.code,
    kind: toPrincipal(row).organizationKind,
    nameZh: row.name_zh,
    nameEn: row.name_en,
  };
}

function toPrincipal(row: PrincipalRow): Principal {
  if (!isRole(row.role) || !isOrganizationKind(row.kind)) {
    throw new Error(`account ${row.username} has an unknown role or organization kind`);
  }
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    organizationId: row.organization_id,
    organizationKind: row.kind,
    patientId: row.patient_id,
  };
}

/**
 * Sign-in, sessions and bearer tokens. These lookups are trusted system work: they run as the owner role,
 * before any principal exists to scope them.
 */
export class AuthService {
  readonly #recent: SessionCache<AuthenticatedSession>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly policy: SessionPolicy,
  ) {
    this.#recent = new SessionCache(policy.cacheMs ?? 5_000);
  }

  /** Called after any change to accounts, organizations or sessions: the next request reads them afresh. */
  forgetSessions(): void {
    this.#recent.clear();
  }

  async login(input: LoginInput, kind: 'cookie' | 'bearer'): Promise<IssuedSession> {
    const username = input.username.trim().toLowerCase();
    await this.#refuseIfThrottled(username, input.ip);
    const row = await this.#principalRow({ username });
    const hash = row
      ? (
          await this.db
            .selectFrom('app_user')
            .select('password_hash')
            .where('id', '=', row.id)
            .executeTakeFirst()
        )?.password_hash
      : undefined;
    const valid = await verifyPassword(input.password, hash ?? (await decoyHash()));
    const ok = valid && row?.active === true && row.org_active;
    await this.db.insertInto('login_attempt').values({ username, ip: input.ip, succeeded: ok }).execute();
    if (!ok || !row) throw new Unauthorized('wrong username or password');
    return { ...(await this.#issue(toPrincipal(row), kind, input)), organization: toOrganizationBrief(row) };
  }

  /** Resolves a presented token to its principal, sliding the idle expiry; rejects expired or revoked ones. */
  async authenticate(token: string): Promise<AuthenticatedSession> {
    const key = tokenHash(token);
    const now = Date.now();
    const recent = this.#recent.get(key, now);
    // A cached session is used only while its expiry is at least a minute off, so the sliding idle expiry
    // below is still written once a minute and an expiring session is always checked against the database.
    if (recent && recent.expiresAt.getTime() - now > 60_000 + this.#recent.ttlMs) return recent;
    const session = await this.#authenticateFromDatabase(key, now);
    if (this.#recent.ttlMs > 0) this.#recent.set(key, session, now);
    return session;
  }

  async #authenticateFromDatabase(key: string, now: number): Promise<AuthenticatedSession> {
    // One round trip: the session with its account and organization.
    const row = await this.db
      .selectFrom('session as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .innerJoin('organization as o', 'o.id', 'u.organization_id')
      .select([
        's.id as session_id',
        's.kind as session_kind',
        's.csrf_token',
        's.created_at',
        's.expires_at',
        's.revoked_at',
        ...PRINCIPAL_COLUMNS,
      ])
      .where('s.token_hash', '=', key)
      .executeTakeFirst();
    if (!row || row.revoked_at || new Date(row.expires_at).getTime() <= now) {
      throw new Unauthorized('session expired or signed out; please sign in again');
    }
    if (!row.active || !row.org_active) throw new Unauthorized('account disabled');
    let expiresAt = new Date(row.expires_at);
    if (row.session_kind === 'cookie') {
      // Sliding idle expiry, capped by the absolute lifetime; written at most once a minute per session.
      const absoluteEnd = new Date(row.created_at).getTime() + this.policy.absoluteHours * 3_600_000;
      const next = Math.min(now + this.policy.idleMinutes * 60_000, absoluteEnd);
      if (next - expiresAt.getTime() > 60_000) {
        expiresAt = new Date(next);
        await this.db
          .updateTable('session')
          .set({ last_seen_at: new Date(now), expires_at: new Date(next) })
          .where('id', '=', row.session_id)
          .execute();
      }
    }
    return {
      principal: toPrincipal(row),
      organization: toOrganizationBrief(row),
      sessionId: row.session_id,
      csrfToken: row.csrf_token,
      kind: row.session_kind,
      expiresAt,
    };
  }

  async logout(sessionId: string): Promise<void> {
    await this.db
      .updateTable('session')
      .set({ revoked_at: new Date() })
      .where('id', '=', sessionId)
      .execute();
    this.forgetSessions();
  }

  /** Re-authenticates a signed-in user for an electronic signature; failures count towards the throttle. */
  async reauthenticate(principal: Principal, password: string, ip: string): Promise<void> {
    await this.#refuseIfThrottled(principal.username, ip);
    const row = await this.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('id', '=', principal.userId)
      .executeTakeFirstOrThrow();
    const ok = await verifyPassword(password, row.password_hash);
    await this.db
      .insertInto('login_attempt')
      .values({ username: principal.username, ip, succeeded: ok })
      .execute();
    if (!ok) throw new ReauthenticationFailed();
  }

  static passwordProblems(password: string, username: string): string[] {
    return checkPassword(password, { username }).problems;
  }

  async #refuseIfThrottled(username: string, ip: string): Promise<void> {
    // Failures since the last success, within the window, for the account; and for the address.
    const result = await sql<{ user_failures: number; ip_failures: number; oldest: Date | null }>`
      with recent as (
        select * from login_attempt where at > now() - make_interval(mins => ${THROTTLE.windowMinutes})
      ), user_recent as (
        select * from recent where username = ${username}
          and at > coalesce((select max(at) from recent where username = ${username} and succeeded), '-infinity')
      )
      select
        (select count(*)::int from user_recent where not succeeded) as user_failures,
        (select count(*)::int from recent where ip = ${ip} and not succeeded) as ip_failures,
        (select min(at) from user_recent where not succeeded) as oldest`.execute(this.db);
    const r = result.rows[0];
    if (!r) return;
    if (r.user_failures >= THROTTLE.perUser || r.ip_failures >= THROTTLE.perIp) {
      const oldest = r.oldest ? new Date(r.oldest).getTime() : Date.now();
      const retry = Math.max(60, Math.ceil((oldest + THROTTLE.windowMinutes * 60_000 - Date.now()) / 1000));
      throw new TooManyAttempts(retry);
    }
  }

  #principalRow(by: { username: string }): Promise<PrincipalRow | undefined> {
    return this.db
      .selectFrom('app_user as u')
      .innerJoin('organization as o', 'o.id', 'u.organization_id')
      .select(PRINCIPAL_COLUMNS)
      .where('u.username', '=', by.username)
      .executeTakeFirst();
  }

  async #issue(
    principal: Principal,
    kind: 'cookie' | 'bearer',
    input: LoginInput,
  ): Promise<Omit<IssuedSession, 'organization'>> {
    const token = newToken();
    const csrfToken = kind === 'cookie' ? newToken() : null;
    const lifetime =
      kind === 'cookie' ? this.policy.idleMinutes * 60_000 : this.policy.absoluteHours * 3_600_000;
    const expiresAt = new Date(Date.now() + lifetime);
    await this.db
      .insertInto('session')
      .values({
        token_hash: tokenHash(token),
        user_id: principal.userId,
        kind,
        csrf_token: csrfToken,
        expires_at: expiresAt,
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    return { token, csrfToken, expiresAt, principal };
  }
}
