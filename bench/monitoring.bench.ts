/**
 * Registry safety monitoring on the demo cohort (MONITOR_BENCH_COHORT patients, default 300, as
 * `cgtlink serve` in demo mode), on PGlite and on the PostgreSQL server (DATABASE_URL or the local one):
 * - before: opening the safety page ran the whole monitoring (and wrote its alerts) with the straightforward
 *   MaxSPRT critical value (`sequential-reference.ts`: ln Γ per Poisson term, 60 bisections);
 * - after: the background run (what a write or the daily schedule triggers), the regulator's forced run, and
 *   opening the page, which reads the latest stored result.
 * Also the critical values themselves for the demo's surveillance lengths. Figures only.
 */
import type { Principal } from '../packages/domain/src/access/index';
import { clearCriticalValueCache, maxSprtCriticalValue } from '../packages/domain/src/signals/sequential';
import { maxSprtCriticalValueReference } from '../packages/domain/src/signals/sequential-reference';
import { loadConfig } from '../packages/server/src/config';
import { SafetyMonitorService } from '../packages/server/src/followup/safety-monitor.service';
import { assemblePlatform } from '../packages/server/src/platform';
import { seedDemo } from '../packages/server/src/seed/demo';
import { seedFollowupCohort } from '../packages/server/src/seed/demo-cohort';
import { seedEvaluationCohort } from '../packages/server/src/seed/evaluation';
import { benchDatabase, fmt, serverAvailable } from './support/databases';

const COHORT = Number(process.env.MONITOR_BENCH_COHORT ?? 300);
const READS = 20;

async function time<T>(label: string, work: () => Promise<T>): Promise<{ out: T; ms: number }> {
  const t0 = performance.now();
  const out = await work();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(58)} ${fmt(ms, 1).padStart(9)} ms`);
  return { out, ms };
}

async function run(kind: 'pglite' | 'postgres'): Promise<void> {
  const database = await benchDatabase(kind, 8);
  const platform = assemblePlatform(
    loadConfig({ CGTLINK_MODE: 'test' }, { mode: 'test', logLevel: 'silent' }),
    database,
  );
  await time(`${kind} seed demo + ${COHORT} patients`, async () => {
    await seedDemo(platform);
    // seedDemo's cohort step, one part at a time: the evaluation cohort's seeder can fail on some dates
    // (it deletes adverse events that already have follow-ups); the follow-up cohort is what is monitored.
    const first = await database.db
      .selectFrom('patient')
      .select('id')
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await seedFollowupCohort(platform, COHORT, first.id);
    try {
      await seedEvaluationCohort(platform);
    } catch (error) {
      console.log(`${kind}   evaluation cohort not seeded: ${(error as Error).message.slice(0, 90)}`);
    }
  });
  const u = await database.db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.username', 'u.display_name', 'u.organization_id'])
    .where('u.username', '=', 'inspector')
    .executeTakeFirstOrThrow();
  const principal: Principal = {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: 'regulator_inspector',
    organizationId: u.organization_id,
    organizationKind: 'regulator',
    patientId: null,
  };
  const ctx = { principal, requestId: 'bench' };

  const before = new SafetyMonitorService(database.db, undefined, maxSprtCriticalValueReference);
  const old = await time(`${kind} before: page open = full run, reference MaxSPRT`, () =>
    before.run(ctx, {}),
  );
  for (const p of old.out.products) {
    const T = p.months.reduce((s, m) => s + m.expected, 0);
    if (!(T > 0)) continue;
    const t0 = performance.now();
    const ref = maxSprtCriticalValueReference(0.05, T);
    const t1 = performance.now();
    clearCriticalValueCache();
    const fast = maxSprtCriticalValue(0.05, T);
    const t2 = performance.now();
    console.log(
      `${kind}   ${p.product.slice(0, 28).padEnd(28)} T = ${fmt(T, 2).padStart(7)}: cv ${ref.toFixed(9)} in ${fmt(t1 - t0, 0)} ms (reference), ${fast.toFixed(9)} in ${fmt(t2 - t1, 1)} ms (fast, uncached)`,
    );
  }

  // After: a write has marked the monitoring stale; the background pass runs it and stores the result.
  clearCriticalValueCache();
  await database.db.insertInto('safety_monitoring_change').defaultValues().execute();
  const bg = await time(`${kind} after: background run (after a write, cache cleared)`, () =>
    platform.safetyMonitor.refresh(),
  );
  console.log(
    `${kind}   stored run ${bg.out?.runId}: ${bg.out?.products.length} products, ${bg.out?.signals.length} signals`,
  );
  await time(`${kind} after: forced run (regulator's POST, cv cached)`, () =>
    platform.safetyMonitor.run(ctx, {}),
  );
  const reads: number[] = [];
  for (let i = 0; i < READS; i++) {
    const t0 = performance.now();
    await platform.safetyMonitor.latest(ctx);
    reads.push(performance.now() - t0);
  }
  reads.sort((a, b) => a - b);
  console.log(
    `${kind} after: page open = read latest stored result`.padEnd(58),
    `${fmt(reads[Math.floor(READS / 2)]!, 1).padStart(9)} ms median of ${READS} (max ${fmt(reads[READS - 1]!, 1)} ms)`,
  );
  const body = JSON.stringify(await platform.safetyMonitor.latest(ctx)).length;
  console.log(`${kind}   stored report ${fmt(body / 1024, 0)} KB`);
  await platform.close();
}

await run('pglite');
if (await serverAvailable()) await run('postgres');
else console.log('PostgreSQL not reachable: server figures skipped');
