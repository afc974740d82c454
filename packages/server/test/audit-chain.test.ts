import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  canonicalContent,
  chainDigest,
  chainHash,
  GENESIS_HASH,
  SEALED_FIELDS_SQL,
} from '../src/audit/chain';
import { sealPending } from '../src/audit/sealer';
import { verifyAuditChain, verifyDigestPage } from '../src/audit/verify';
import type { Schema } from '../src/db/schema';
import { ENGINES, freshDatabase, type TestDatabase } from './support/databases';

/** Entries written straight into the table, as the owner: these tests are about the chain, not the writers. */
async function writeEntries(db: Kysely<Schema>, count: number, label = 'entry'): Promise<void> {
  await sql`insert into audit_event (actor_name, action, entity_type, entity_id, new_values)
    select ${label} || ' ' || g, 'update', 'patient', gen_random_uuid()::text, jsonb_build_object('n', g, 'note', '备注')
    from generate_series(1, ${count}) g`.execute(db);
}

/** Behind the append-only triggers, as an attacker with superuser rights would be. */
async function behindTriggers(db: Kysely<Schema>, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx);
    await statement.execute(tx);
  });
}

describe('the verification kernel', () => {
  const digests = ['a', 'b', 'c', 'd'].map((s) => createHash('sha256').update(s).digest('hex'));
  const hashes: string[] = [];
  const prevs: string[] = [];
  let prev = GENESIS_HASH;
  for (const d of digests) {
    prevs.push(prev);
    prev = chainDigest(prev, d);
    hashes.push(prev);
  }
  const page = { count: 4, digests: digests.join(''), prevHashes: prevs.join(''), hashes: hashes.join('') };

  it('is SHA-256 over the previous hash and the digest as hex text', () => {
    // Worked independently with a streaming hash over the same 128 ASCII characters.
    const expected = createHash('sha256')
      .update(GENESIS_HASH, 'ascii')
      .update(digests[0]!, 'ascii')
      .digest('hex');
    expect(hashes[0]).toBe(expected);
  });

  it('accepts an intact page and returns the index of the first seal that fails', () => {
    expect(verifyDigestPage(page, GENESIS_HASH)).toBe(-1);
    const altered = {
      ...page,
      digests: page.digests.slice(0, 128) + 'f'.repeat(64) + page.digests.slice(192),
    };
    expect(verifyDigestPage(altered, GENESIS_HASH)).toBe(2);
    const relinked = { ...page, prevHashes: page.prevHashes.slice(0, 64 * 3) + '0'.repeat(64) };
    expect(verifyDigestPage(relinked, GENESIS_HASH)).toBe(3);
    expect(verifyDigestPage(page, hashes[0]!)).toBe(0);
  });
});

describe.each(ENGINES)('audit chain scheme 2 on %s', (engine) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('verifies across page boundaries and names an entry edited behind the triggers', async () => {
    database = await freshDatabase(engine);
    const { db } = database;
    await writeEntries(db, 250);
    expect(await sealPending(db)).toBe(250);
    const intact = await verifyAuditChain(db, { pageSize: 64 });
    expect(intact).toMatchObject({ ok: true, checked: 250, lastSeq: 250, firstBroken: null });
    expect(intact.deep?.checked).toBe(250);

    const target = await sql<{ id: number }>`select event_id as id from audit_seal where seq = 130`.execute(
      db,
    );
    const id = target.rows[0]!.id;
    await behindTriggers(db, sql`update audit_event set new_values = '{"n": 0}' where id = ${id}`);
    const report = await verifyAuditChain(db, { pageSize: 64, deep: false });
    expect(report).toMatchObject({ ok: false, checked: 129 });
    expect(report.firstBroken).toMatchObject({ seq: 130, eventId: id });
    expect(report.firstBroken?.problem).toMatch(/altered/);
  });

  it('names a deleted entry', async () => {
    database = await freshDatabase(engine);
    const { db } = database;
    await writeEntries(db, 40);
    await sealPending(db);
    const row = await sql<{ id: number }>`select event_id as id from audit_seal where seq = 7`.execute(db);
    await behindTriggers(db, sql`delete from audit_event where id = ${row.rows[0]!.id}`);
    const deleted = await verifyAuditChain(db, { pageSize: 16 });
    expect(deleted.firstBroken).toMatchObject({ seq: 7, problem: expect.stringMatching(/deleted/) });
  });

  it('names a seal removed from the middle of the chain', async () => {
    database = await freshDatabase(engine);
    const { db } = database;
    await writeEntries(db, 40);
    await sealPending(db);
    await behindTriggers(db, sql`delete from audit_seal where seq = 31`);
    const report = await verifyAuditChain(db, { pageSize: 16 });
    expect(report.firstBroken).toMatchObject({ seq: 31, problem: 'seal 31 is missing (next is 32)' });
    expect(report.checked).toBe(30);
  });

  it('refuses to trust a digest the database no longer computes, or a replaced digest function', async () => {
    database = await freshDatabase(engine);
    const { db } = database;
    await writeEntries(db, 10);
    await sealPending(db);
    // A forger who could make a rewritten row hash to its old digest would pass the chain check: the deep
    // check confirms the database still computes digests with the original function.
    await sql`create or replace function audit_field(t text) returns text language sql immutable parallel safe
      as $f$ select coalesce(t, '~') $f$`.execute(db);
    const replaced = await verifyAuditChain(db);
    expect(replaced.ok).toBe(false);
    expect(replaced.firstBroken?.problem).toMatch(/audit_field .*replaced/);
    expect((await verifyAuditChain(db, { deep: false })).ok).toBe(true);

    await sql`alter table audit_event alter column digest drop expression`.execute(db);
    const dropped = await verifyAuditChain(db);
    expect(dropped.firstBroken?.problem).toMatch(/no longer computed/);
  });

  it('keeps verifying seals of scheme 1 written before the digest column, and chains on from them', async () => {
    database = await freshDatabase(engine);
    const { db } = database;
    await writeEntries(db, 5, 'old');
    // Seal them the way the application did before migration 0022.
    const old = await sql<Parameters<typeof canonicalContent>[0]>`
      select ${sql.raw(SEALED_FIELDS_SQL)} from audit_event e order by e.id`.execute(db);
    let prev = GENESIS_HASH;
    for (const [i, entry] of old.rows.entries()) {
      const hash = chainHash(prev, canonicalContent(entry));
      await sql`insert into audit_seal (seq, event_id, prev_hash, hash, scheme)
        values (${i + 1}, ${entry.id}, ${prev}, ${hash}, 1)`.execute(db);
      prev = hash;
    }
    await writeEntries(db, 5, 'new');
    expect(await sealPending(db)).toBe(5);
    const schemes = await sql<{ scheme: number; n: number }>`
      select scheme, count(*)::int as n from audit_seal group by scheme order by scheme`.execute(db);
    expect(schemes.rows).toEqual([
      { scheme: 1, n: 5 },
      { scheme: 2, n: 5 },
    ]);
    expect(await verifyAuditChain(db, { pageSize: 4 })).toMatchObject({ ok: true, checked: 10 });

    const second = old.rows[1]!.id;
    await behindTriggers(db, sql`update audit_event set actor_name = 'someone else' where id = ${second}`);
    const report = await verifyAuditChain(db, { pageSize: 4 });
    expect(report.firstBroken).toMatchObject({ seq: 2, eventId: second });
  });
});

// Concurrent transactions need a server: PGlite runs one connection at a time.
describe.each(ENGINES.filter((e) => e === 'postgres'))(
  'sealing beside a long transaction on %s',
  (engine) => {
    it('seals committed entries while an older transaction is still open', async () => {
      const database = await freshDatabase(engine);
      const { db } = database;
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let opened!: () => void;
      const isOpen = new Promise<void>((resolve) => {
        opened = resolve;
      });
      try {
        // A transaction that has taken a txid and stays open holds back the snapshot's xmin.
        const long = db.transaction().execute(async (tx) => {
          await sql`select pg_current_xact_id()`.execute(tx);
          await writeEntries(tx, 1, 'slow');
          opened();
          await held;
        });
        await isOpen;
        await writeEntries(db, 3, 'quick');
        expect(await sealPending(db)).toBe(3);
        release();
        await long;
        // The slow entry becomes visible at its commit and is sealed after the quick ones.
        expect(await sealPending(db)).toBe(1);
        const last = await sql<{ actor: string }>`
        select e.actor_name as actor from audit_seal s join audit_event e on e.id = s.event_id
        order by s.seq desc limit 1`.execute(db);
        expect(last.rows[0]!.actor).toBe('slow 1');
        expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 4, unsealed: 0 });
      } finally {
        release();
        await database.close();
      }
    });
  },
);
