import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import { chainHash, GENESIS_HASH, SEALABLE_COLUMNS, type SealableEvent } from './chain';

export interface SealRow extends SealableEvent {
  seq: number;
  eventId: number;
  prevHash: string;
  hash: string;
  /** False when the sealed event row is gone (possible only with triggers disabled). */
  present: boolean;
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
    if (!row.present) {
      return { seq: row.seq, eventId: row.eventId, problem: `audit event ${row.eventId} has been deleted` };
    }
    if (chainHash(row.prevHash, row) !== row.hash) {
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

/** Walks the whole sealed chain in order and names the first broken entry. */
export async function verifyAuditChain(db: Kysely<Schema>, pageSize = 20_000): Promise<VerifyReport> {
  const started = performance.now();
  let cursor: ChainCursor = { seq: 0, hash: GENESIS_HASH };
  let checked = 0;
  let firstBroken: BrokenLink | null = null;
  for (;;) {
    const page = await sql<SealRow>`
      select s.seq, s.event_id as "eventId", s.prev_hash as "prevHash", s.hash, (e.id is not null) as present,
        ${sql.raw(SEALABLE_COLUMNS)}
      from audit_seal s left join audit_event e on e.id = s.event_id
      where s.seq > ${cursor.seq}
      order by s.seq
      limit ${pageSize}`.execute(db);
    if (page.rows.length === 0) break;
    const result = verifySeals(page.rows, cursor);
    if ('problem' in result) {
      firstBroken = result;
      checked += result.seq - cursor.seq - 1;
      break;
    }
    checked += result.seq - cursor.seq;
    cursor = result;
    if (page.rows.length < pageSize) break;
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
