import { type Kysely, sql } from 'kysely';
import { AUDIT_DIGEST_FUNCTIONS } from '../db/migrations/0028_restorable_functions';
import type { Schema } from '../db/schema';
import {
  CURRENT_SCHEME,
  canonicalContent,
  chainDigest,
  chainHash,
  GENESIS_HASH,
  SEALED_FIELDS_SQL,
  type SealedFields,
} from './chain';

export interface SealRow extends Omit<SealedFields, 'id'> {
  /** The event id as read from the event row; null when the row is gone (possible only with triggers off). */
  id: number | null;
  seq: number;
  eventId: number;
  prevHash: string;
  hash: string;
  scheme: number;
  /** Scheme 2: the digest the seal chained, in hex. */
  digest: string | null;
  /** The entry's current digest in hex, as the database computes it; null when the row is gone. */
  eventDigest: string | null;
}

export interface BrokenLink {
  seq: number;
  eventId: number;
  problem: string;
}

export interface ChainCursor {
  seq: number;
  hash: string;
}

const HEX = 64;

/**
 * Checks a run of consecutive seals, one row at a time, against the cursor left by the previous run. Slow but
 * explicit: used for seals of scheme 1 and to name the entry once a page is known to hold a problem.
 */
export function verifySeals(rows: readonly SealRow[], cursor: ChainCursor): BrokenLink | ChainCursor {
  let { seq, hash } = cursor;
  for (const row of rows) {
    if (row.seq !== seq + 1) {
      return {
        seq: seq + 1,
        eventId: row.eventId,
        problem: `seal ${seq + 1} is missing (next is ${row.seq})`,
      };
    }
    if (row.prevHash !== hash) {
      return {
        seq: row.seq,
        eventId: row.eventId,
        problem: 'previous-hash link does not match the preceding seal',
      };
    }
    if (row.id === null) {
      return { seq: row.seq, eventId: row.eventId, problem: `audit event ${row.eventId} has been deleted` };
    }
    const expected =
      row.scheme === CURRENT_SCHEME
        ? chainDigest(row.prevHash, row.digest ?? '')
        : chainHash(row.prevHash, canonicalContent(row as SealedFields));
    if (expected !== row.hash || (row.scheme === CURRENT_SCHEME && row.eventDigest !== row.digest)) {
      return {
        seq: row.seq,
        eventId: row.eventId,
        problem: `audit event ${row.eventId} was altered after sealing`,
      };
    }
    seq = row.seq;
    hash = row.hash;
  }
  return { seq, hash };
}

/** A page of consecutive scheme-2 seals, each column concatenated into one string of 64-character hex values. */
export interface DigestPage {
  count: number;
  digests: string;
  prevHashes: string;
  hashes: string;
}

/**
 * The verification kernel: pure, synchronous, and what the benchmark measures. Re-derives every seal's hash
 * from the previous one and the entry's digest and checks each stored previous-hash link. Returns the index of
 * the first seal that fails, or -1 when the whole page holds.
 */
export function verifyDigestPage(page: DigestPage, startHash: string): number {
  const { count, digests, prevHashes, hashes } = page;
  let prev = startHash;
  // slice + === rather than startsWith(value, position): V8 compares a short slice of a flat string several
  // times faster, which is most of this loop's cost besides the hash itself.
  for (let i = 0; i < count; i++) {
    const at = i * HEX;
    if (prevHashes.slice(at, at + HEX) !== prev) return i;
    const hash = chainDigest(prev, digests.slice(at, at + HEX));
    if (hashes.slice(at, at + HEX) !== hash) return i;
    prev = hash;
  }
  return -1;
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  lastSeq: number;
  /** Entries not yet sealed (the sealer's lag); they are covered at the next run. */
  unsealed: number;
  firstBroken: BrokenLink | null;
  millis: number;
  /** The deep check: every sealed entry's digest recomputed from its columns by the database. */
  deep: { checked: number; millis: number } | null;
}

export interface VerifyOptions {
  pageSize?: number;
  /** Also recompute each entry's digest from its columns (catches edits made below SQL). Default true. */
  deep?: boolean;
}

interface PageSummary {
  n: number;
  lo: number | null;
  legacy: number;
  digests: string | null;
  prevs: string | null;
  hashes: string | null;
}

/**
 * Walks the whole sealed chain in seal order and names the first broken entry, in two parts that run at once:
 * - the chain, in audit_seal alone: pages of seals arrive as three concatenated strings (one row per page), so
 *   the driver parses a few large values instead of many rows, and the next page is fetched while the current
 *   one is hashed;
 * - the binding of seals to entries: one set-based join finds the first seal whose entry is gone or whose
 *   digest (recomputed by the database on any UPDATE) no longer matches the digest the seal chained.
 * A page that is not a clean run of scheme-2 seals (an old scheme, a gap) or that fails is re-read row by row
 * to name the problem.
 */
export async function verifyAuditChain(
  db: Kysely<Schema>,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const pageSize = options.pageSize ?? 50_000;
  const started = performance.now();
  const deepCheck = options.deep === false ? null : deepVerify(db);
  const bindingCheck = firstUnboundSeal(db);
  const top = await sql<{ top: number }>`select coalesce(max(seq), 0) as top from audit_seal`.execute(db);
  const lastSeq = Number(top.rows[0]!.top);

  const fetchPage = async (after: number) =>
    (
      await sql<PageSummary>`
        select count(*)::int as n, min(s.seq) as lo,
          (count(*) filter (where s.scheme <> ${CURRENT_SCHEME}))::int as legacy,
          encode(string_agg(s.digest, ''::bytea order by s.seq), 'hex') as digests,
          string_agg(s.prev_hash, '' order by s.seq) as prevs,
          string_agg(s.hash, '' order by s.seq) as hashes
        from audit_seal s
        where s.seq > ${after} and s.seq <= ${after + pageSize}`.execute(db)
    ).rows[0]!;
  const fetchRows = async (after: number, limit: number) =>
    (
      await sql<SealRow>`
        select s.seq, s.event_id as "eventId", s.prev_hash as "prevHash", s.hash, s.scheme,
          encode(s.digest, 'hex') as digest, encode(e.digest, 'hex') as "eventDigest", ${sql.raw(SEALED_FIELDS_SQL)}
        from audit_seal s left join audit_event e on e.id = s.event_id
        where s.seq > ${after}
        order by s.seq
        limit ${limit}`.execute(db)
    ).rows;

  let cursor: ChainCursor = { seq: 0, hash: GENESIS_HASH };
  let firstBroken: BrokenLink | null = null;
  let next: Promise<PageSummary> | null = lastSeq > 0 ? fetchPage(0) : null;
  while (next) {
    const page: PageSummary = await next;
    const after = cursor.seq;
    const end = Math.min(after + pageSize, lastSeq);
    next = end < lastSeq ? fetchPage(after + pageSize) : null;
    const clean =
      page.n === end - after &&
      Number(page.lo) === after + 1 &&
      page.legacy === 0 &&
      verifyDigestPage(
        {
          count: page.n,
          digests: page.digests ?? '',
          prevHashes: page.prevs ?? '',
          hashes: page.hashes ?? '',
        },
        cursor.hash,
      ) === -1;
    if (clean) {
      cursor = { seq: end, hash: page.hashes!.slice(-HEX) };
      continue;
    }
    const result = verifySeals(await fetchRows(after, Math.max(page.n, 1)), cursor);
    if ('problem' in result) {
      firstBroken = result;
      await next?.catch(() => undefined);
      break;
    }
    if (result.seq === cursor.seq) break;
    cursor = result;
    // A gap shifts the row-wise read off the arithmetic page boundaries: restart the pages from here.
    if (cursor.seq !== end) next = cursor.seq < lastSeq ? fetchPage(cursor.seq) : null;
  }
  const unbound = await bindingCheck;
  if (unbound && unbound.seq <= cursor.seq + 1 && (firstBroken === null || unbound.seq < firstBroken.seq)) {
    firstBroken = unbound;
  }
  const chainMillis = performance.now() - started;

  const deep = deepCheck ? await deepCheck : null;
  if (deep?.broken && (firstBroken === null || deep.broken.seq < firstBroken.seq)) firstBroken = deep.broken;

  const unsealed = await sql<{ n: number }>`
    select count(*)::int as n from audit_event e
    where not exists (select 1 from audit_seal s where s.event_id = e.id)`.execute(db);
  const verifiedUpTo = firstBroken ? firstBroken.seq - 1 : cursor.seq;
  return {
    ok: firstBroken === null,
    checked: verifiedUpTo,
    lastSeq: verifiedUpTo,
    unsealed: unsealed.rows[0]?.n ?? 0,
    firstBroken,
    millis: deep ? Math.max(chainMillis, deep.millis) : chainMillis,
    deep: deep ? { checked: deep.checked, millis: deep.millis } : null,
  };
}

/** The first scheme-2 seal whose entry is gone or no longer carries the digest the seal chained. */
async function firstUnboundSeal(db: Kysely<Schema>): Promise<BrokenLink | null> {
  const result = await sql<{ seq: number; eventId: number; gone: boolean }>`
    select s.seq, s.event_id as "eventId", e.id is null as gone
    from audit_seal s left join audit_event e on e.id = s.event_id
    where s.scheme = ${CURRENT_SCHEME} and (e.id is null or e.digest <> s.digest)
    order by s.seq limit 1`.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  const seq = Number(row.seq);
  const eventId = Number(row.eventId);
  return {
    seq,
    eventId,
    problem: row.gone
      ? `audit event ${eventId} has been deleted`
      : `audit event ${eventId} was altered after sealing`,
  };
}

/**
 * Recomputes every sealed entry's digest from its columns inside the database and compares it with the stored
 * one. An UPDATE cannot make them differ (the column is generated), so a difference means an edit below SQL or
 * a column that is no longer generated. Runs on its own connection beside the chain walk.
 */
async function deepVerify(
  db: Kysely<Schema>,
): Promise<{ checked: number; millis: number; broken: BrokenLink | null }> {
  const started = performance.now();
  const column = await sql<{ generated: string | null }>`
    select a.attgenerated as generated from pg_attribute a
    where a.attrelid = 'audit_event'::regclass and a.attname = 'digest' and not a.attisdropped`.execute(db);
  const fail = (problem: string) => ({
    checked: 0,
    millis: performance.now() - started,
    broken: { seq: 1, eventId: 0, problem },
  });
  if (column.rows[0]?.generated !== 's')
    return fail('the audit digest is no longer computed by the database');
  const functions = await sql<{ name: string; body: string }>`
    select p.proname as name, p.prosrc as body from pg_proc p
    where p.proname in ('audit_utf8', 'audit_field', 'audit_entry_digest')`.execute(db);
  for (const [name, body] of Object.entries(AUDIT_DIGEST_FUNCTIONS)) {
    const found = functions.rows.filter((f) => f.name === name);
    if (found.length !== 1 || found[0]!.body !== body) {
      return fail(`the database function ${name} that computes audit digests has been replaced`);
    }
  }
  const result = await sql<{ checked: number; seq: number | null; eventId: number | null }>`
    with altered as (
      select s.seq, e.id from audit_seal s join audit_event e on e.id = s.event_id
      where s.scheme = ${CURRENT_SCHEME} and e.digest <> audit_entry_digest(e.id, e.occurred_at, e.actor_user_id,
        e.actor_name, e.organization_id, e.role, e.action, e.entity_type, e.entity_id, e.old_values, e.new_values,
        e.reason, e.request_id)
      order by s.seq limit 1)
    select (select count(*)::int from audit_seal where scheme = ${CURRENT_SCHEME}) as checked,
      (select seq from altered) as seq, (select id from altered) as "eventId"`.execute(db);
  const row = result.rows[0]!;
  return {
    checked: row.checked,
    millis: performance.now() - started,
    broken:
      row.seq === null
        ? null
        : {
            seq: Number(row.seq),
            eventId: Number(row.eventId),
            problem: `audit event ${row.eventId} no longer matches its digest (changed below SQL)`,
          },
  };
}
