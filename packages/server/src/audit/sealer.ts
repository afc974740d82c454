import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import { chainHash, GENESIS_HASH, SEALABLE_COLUMNS, type SealableEvent } from './chain';

// One sealer at a time across every process sharing the database.
const SEALER_LOCK = 7_240_001;
const BATCH = 5000;

/**
 * Chains committed, unsealed audit entries into audit_seal in commit order. An entry is sealed only once every
 * transaction that could still commit an older entry has finished (its txid is below the snapshot's xmin), so
 * the chain never needs an entry inserted before one already sealed. Returns how many entries it sealed.
 */
export async function sealPending(db: Kysely<Schema>): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${SEALER_LOCK})`.execute(tx);
      const last = await sql<{ seq: number; hash: string }>`
        select seq, hash from audit_seal order by seq desc limit 1`.execute(tx);
      let seq = last.rows[0]?.seq ?? 0;
      let prev = last.rows[0]?.hash ?? GENESIS_HASH;
      const pending = await sql<SealableEvent>`
        select ${sql.raw(SEALABLE_COLUMNS)}
        from audit_event e
        where not exists (select 1 from audit_seal s where s.event_id = e.id)
          and e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
        order by e.id
        limit ${BATCH}`.execute(tx);
      if (pending.rows.length === 0) return 0;
      const seals = pending.rows.map((event) => {
        seq += 1;
        const hash = chainHash(prev, event);
        const row = { seq, event_id: event.id, prev_hash: prev, hash };
        prev = hash;
        return row;
      });
      for (let i = 0; i < seals.length; i += 1000) {
        await tx
          .insertInto('audit_seal')
          .values(seals.slice(i, i + 1000))
          .execute();
      }
      return seals.length;
    });
    total += sealed;
    if (sealed < BATCH) return total;
  }
}

/**
 * Seals shortly after writes, coalescing bursts: callers `poke()` after each committed write; at most one
 * sealing pass runs at a time and one more is queued if pokes arrived meanwhile.
 */
export class Sealer {
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  poke(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#run();
  }

  /** Seals everything committed so far; resolves when the chain has caught up. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    await sealPending(this.db);
  }

  /** Also seals on a timer, for entries left behind by long transactions. */
  start(intervalMs = 1000): void {
    this.#timer ??= setInterval(() => this.poke(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    try {
      do {
        this.#again = false;
        await sealPending(this.db);
      } while (this.#again);
    } catch (error) {
      this.onError(error);
    } finally {
      this.#running = null;
    }
  }
}
