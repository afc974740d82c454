/**
 * Audit chain benchmark: sealing and verification throughput, in memory (the hashing kernel) and end to end
 * through the database (PGlite and the PostgreSQL server). Target: verification ≥ 1,000,000 entries/s.
 */

import { hash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalContent, chainDigest, chainHash, GENESIS_HASH } from '../packages/server/src/audit/chain';
import { sealPending } from '../packages/server/src/audit/sealer';
import {
  type SealRow,
  verifyAuditChain,
  verifyDigestPage,
  verifySeals,
} from '../packages/server/src/audit/verify';
import { benchDatabase, fmt, serverAvailable } from './support/databases';

const SIZES = {
  pglite: Number(process.env.AUDIT_BENCH_PGLITE ?? 200_000),
  postgres: Number(process.env.AUDIT_BENCH_SERVER ?? 1_000_000),
};

/** Scheme 2 (current): chaining the database-computed digests of a page of seals. */
function kernel(n: number): void {
  const digests: string[] = [];
  const prevHashes: string[] = [];
  const hashes: string[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const digest = hash('sha256', `${i}|entry ${i} ${crypto.randomUUID()}`);
    const next = chainDigest(prev, digest);
    digests.push(digest);
    prevHashes.push(prev);
    hashes.push(next);
    prev = next;
  }
  const page = {
    count: n,
    digests: digests.join(''),
    prevHashes: prevHashes.join(''),
    hashes: hashes.join(''),
  };
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    if (verifyDigestPage(page, GENESIS_HASH) !== -1) throw new Error('kernel: chain unexpectedly broken');
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  console.log(
    `kernel, scheme 2 (in memory, ${fmt(n)} entries): median ${fmt(median, 0)} ms → ${fmt((n / median) * 1000)} entries/s (best ${fmt((n / runs[0]!) * 1000)}/s)`,
  );
}

/** Scheme 1 (seals written before migration 0022): canonical text rebuilt and hashed in JavaScript. */
function legacyKernel(n: number): void {
  const rows: SealRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const fields = {
      id: i,
      occurredAt: `2026-11-23 01:${String(i % 60).padStart(2, '0')}:03.004`,
      actorUserId: crypto.randomUUID(),
      actorName: '周晓峰 Zhou Xiaofeng (dr.zhou)',
      organizationId: '26d5536c-9f6d-419e-8ac2-26e70c8c7a72',
      role: 'hospital_physician',
      action: 'read',
      entityType: 'patient',
      entityId: crypto.randomUUID(),
      oldValues: null,
      newValues: `{"n": ${i}, "view": "identified"}`,
      reason: null,
      requestId: crypto.randomUUID(),
    };
    const hash = chainHash(prev, canonicalContent(fields));
    rows.push({
      ...fields,
      seq: i,
      eventId: i,
      prevHash: prev,
      hash,
      scheme: 1,
      digest: null,
      eventDigest: null,
    });
    prev = hash;
  }
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const result = verifySeals(rows, { seq: 0, hash: GENESIS_HASH });
    runs.push(performance.now() - t);
    if ('problem' in result) throw new Error(result.problem);
  }
  runs.sort((a, b) => a - b);
  const median = runs[2]!;
  console.log(
    `kernel, scheme 1 (in memory, ${fmt(n)} entries): median ${fmt(median, 0)} ms → ${fmt((n / median) * 1000)} entries/s (best ${fmt((n / runs[0]!) * 1000)}/s)`,
  );
}

async function endToEnd(kind: 'pglite' | 'postgres', n: number): Promise<void> {
  const database = await benchDatabase(kind);
  try {
    const { db } = database;
    let t = performance.now();
    // Realistic rows, written in bulk (the benchmark measures sealing and verification, not the inserts).
    for (let done = 0; done < n; done += 100_000) {
      const count = Math.min(100_000, n - done);
      await sql`insert into audit_event (actor_user_id, actor_name, organization_id, role, action, entity_type, entity_id, new_values, request_id)
        select gen_random_uuid(), '周晓峰 Zhou Xiaofeng (dr.zhou)', gen_random_uuid(), 'hospital_physician', 'read', 'patient',
               gen_random_uuid()::text, jsonb_build_object('view', 'identified', 'n', g), gen_random_uuid()::text
        from generate_series(1, ${count}) g`.execute(db);
    }
    const insertMs = performance.now() - t;
    t = performance.now();
    const sealed = await sealPending(db);
    const sealMs = performance.now() - t;
    const chain = await verifyAuditChain(db, { deep: false });
    const full = await verifyAuditChain(db);
    for (const report of [chain, full]) {
      if (!report.ok || report.checked !== n || sealed !== n)
        throw new Error(`unexpected: sealed ${sealed}, ${JSON.stringify(report)}`);
    }
    const rate = (ms: number) => fmt((n / ms) * 1000);
    console.log(
      `${kind.padEnd(8)} ${fmt(n)} entries: insert ${fmt(insertMs)} ms; seal ${fmt(sealMs)} ms (${rate(sealMs)}/s); ` +
        `verify chain ${fmt(chain.millis)} ms (${rate(chain.millis)} entries/s); ` +
        `with every digest recomputed ${fmt(full.millis)} ms (${rate(full.millis)} entries/s)`,
    );
  } finally {
    await database.close();
  }
}

kernel(1_000_000);
legacyKernel(200_000);
await endToEnd('pglite', SIZES.pglite);
if (await serverAvailable()) await endToEnd('postgres', SIZES.postgres);
else console.log('postgres: server not reachable, skipped');
