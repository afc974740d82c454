import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema';
import { CURRENT_SCHEME, chainDigest, GENESIS_HASH } from './chain';

// One sealer at a time across every process sharing the database.
const SEALER_LOCK = 7_240_001;
const BATCH = 5000;

/**
 * Chains committed, unsealed audit entries into audit_seal, in the order they become visible (batch by batch
 * in id order). Every entry committed before the call starts is sealed when it returns: entries of transactions
 * still running are invisible and wait for a later call. Returns how many entries it sealed.
 *
 * The snapshot's xmin at the start becomes the next watermark: every transaction below it had finished, so all
 * their entries are sealed by the end of this call and later calls need not look below it. (An earlier version
 * also refused to seal entries at or above xmin; since xmin is cluster-wide, one long transaction in any other
 * database then held back sealing for everyone.)
 */
export async function sealPending(
  db: Kysely<Schema>,
  watermark: SealWatermark = { txid: 0 },
): Promise<number> {
  let total = 0;
  let horizon: number | null = null;
  let afterId = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${SEALER_LOCK})`.execute(tx);
      if (horizon === null) {
        const now = await sql<{
          xmin: number;
        }>`select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as xmin`.execute(tx);
        horizon = now.rows[0]!.xmin;
      }
      const last = await sql<{ seq: number; hash: string }>`
        select seq, hash from audit_seal order by seq desc limit 1`.execute(tx);
      let seq = last.rows[0]?.seq ?? 0;
      let prev = last.rows[0]?.hash ?? GENESIS_HASH;
      const pending = await sql<{ id: number; digest: string }>`
        select e.id, encode(e.digest, 'hex') as digest
        from audit_event e
        where e.txid >= ${watermark.txid} and e.id > ${afterId}
          -- OFFSET 0 keeps this a per-row probe of the event_id index: as an anti-join the planner would hash
          -- every seal for each batch of a large backlog.
          and not exists (select 1 from audit_seal s where s.event_id = e.id offset 0)
        order by e.id
        limit ${BATCH}`.execute(tx);
      const seals = pending.rows.map((event) => {
        seq += 1;
        const hash = chainDigest(prev, event.digest);
        const row = {
          seq,
          event_id: event.id,
          prev_hash: prev,
          hash,
          scheme: CURRENT_SCHEME,
          digest: sql<Uint8Array>`decode(${event.digest}, 'hex')`,
        };
        prev = hash;
        return row;
      });
      for (let i = 0; i < seals.length; i += 1000) {
        await tx
          .insertInto('audit_seal')
          .values(seals.slice(i, i + 1000))
          .execute();
      }
      return seals;
    });
    total += batch.length;
    if (batch.length < BATCH) {
      // Every entry of a transaction older than the horizon is now sealed: later calls can start there.
      watermark.txid = horizon!;
      return total;
    }
    afterId = batch.at(-1)!.event_id;
  }
}

/**
 * Every entry written by a transaction older than `txid` is sealed, so a pass need not look below it. Each
 * sealer keeps its own; a fresh one (txid 0) scans everything once.
 */
export interface SealWatermark {
  txid: number;
}

/**
 * Seals shortly after writes, coalescing bursts: callers `poke()` after each committed write; a pass starts at
 * most every `minIntervalMs`, one at a time, so under load the sealer costs a few transactions a second rather
 * than one per request, and the unsealed lag stays bounded by the interval plus one pass.
 */
export class Sealer {
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | null = null;
  readonly #watermark: SealWatermark = { txid: 0 };

  #scheduled: NodeJS.Timeout | null = null;
  #lastPass = 0;
  #stopped = false;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly minIntervalMs = 100,
  ) {}

  poke(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#scheduled) return;
    const wait = Math.max(0, this.#lastPass + this.minIntervalMs - Date.now());
    this.#scheduled = setTimeout(() => {
      this.#scheduled = null;
      this.#running ??= this.#run();
    }, wait);
    this.#scheduled.unref();
  }

  /** Seals everything committed so far; resolves when the chain has caught up. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
    await sealPending(this.db, this.#watermark);
  }

  /** Also seals on a timer, for entries left behind by long transactions. */
  start(intervalMs = 1000): void {
    this.#timer ??= setInterval(() => this.poke(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#scheduled) clearTimeout(this.#scheduled);
    this.#scheduled = null;
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    try {
      this.#lastPass = Date.now();
      await sealPending(this.db, this.#watermark);
    } catch (error) {
      this.onError(error);
    } finally {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.poke();
      }
    }
  }
}
