import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import { canonicalContent, chainHash, GENESIS_HASH, SEALED_FIELDS_SQL, type SealedFields } from './chain';

export interface SealRow extends Omit<SealedFields, 'id'> {
  /** The event id as read from the event row; null when the row is gone (possible only with triggers off). */
  id: number | null;
  seq: number;
  eventId: number;
  prevHash: string;
  hash: string;
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

/**
 * Checks a run of consecutive seals against the cursor left by the previous run. Pure and synchronous: the
 * in-memory kernel that the benchmark measures. Returns the first broken link, or the new cursor.
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
    if (chainHash(row.prevHash, canonicalContent(row as SealedFields)) !== row.hash) {
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

export interface VerifyReport {
  ok: boolean;
  checked: number;
  lastSeq: number;
  /** Entries not yet sealed (the sealer's lag); they are covered at the next run. */
  unsealed: number;
  firstBroken: BrokenLink | null;
  millis: number;
}

/**
 * Walks the whole sealed chain in order and names the first broken entry. The next page is fetched while the
 * current one is hashed, so on a server the database and the verifier work at the same time.
 */
export async function verifyAuditChain(db: Kysely<Schema>, pageSize = 20_000): Promise<VerifyReport> {
  const started = performance.now();
  const fetchAfter = async (seq: number) =>
    (
      await sql<SealRow>`
        select s.seq, s.event_id as "eventId", s.prev_hash as "prevHash", s.hash,
          ${sql.raw(SEALED_FIELDS_SQL)}
        from audit_seal s left join audit_event e on e.id = s.event_id
        where s.seq > ${seq}
        order by s.seq
        limit ${pageSize}`.execute(db)
    ).rows;
  let cursor: ChainCursor = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  let firstBroken: BrokenLink | null = null;
  let next: Promise<SealRow[]> | null = fetchAfter(0);
  while (next) {
    const rows: SealRow[] = await next;
    if (rows.length === 0) break;
    next = rows.length === pageSize ? fetchAfter(rows.at(-1)!.seq) : null;
    const result = verifySeals(rows, cursor);
    if ('problem' in result) {
      firstBroken = result;
      checked += result.seq - cursor.seq - 1;
      await next?.catch(() => undefined);
      break;
    }
    checked += result.seq - cursor.seq;
    cursor = result;
  }
  const unsealed = await sql<{ n: number }>`
    select count(*)::int as n from audit_event e
    where not exists (select 1 from audit_seal s where s.event_id = e.id)`.execute(db);
  return {
    ok: firstBroken === null,
    checked,
    lastSeq: cursor.seq,
    unsealed: unsealed.rows[0]?.n ?? 0,
    firstBroken,
    millis: performance.now() - started,
  };
}
