/**
 * The evaluation centre's views on the demo cohort (EVAL_BENCH_COHORT patients, default 300), on PGlite and on
 * the PostgreSQL server: the whole evaluation of all filings and of one filing, a two-cohort comparison, a
 * report computation and its reproduction. Per-query times come from CGTLINK_EVAL_TIMING. Figures only.
 * The national-scale data set (300,000 patients) has its own generator and benchmark (issue 9, item 5).
 */
import { sql } from 'kysely';
import type { Principal } from '../packages/domain/src/access/index';
import { loadConfig } from '../packages/server/src/config';
import { evaluateFiling } from '../packages/server/src/evaluation/evaluate';
import { refreshAllOutcomes } from '../packages/server/src/evaluation/outcome-store';
import { assemblePlatform } from '../packages/server/src/platform';
import { seedDemo } from '../packages/server/src/seed/demo';
import { benchDatabase, fmt, serverAvailable } from './support/databases';

const COHORT = Number(process.env.EVAL_BENCH_COHORT ?? 300);
const ENGINES = (process.env.EVAL_BENCH_ENGINES ?? 'postgres,pglite').split(',') as ('pglite' | 'postgres')[];

async function time<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const out = await work();
  console.log(`${label.padEnd(40)} ${fmt(performance.now() - t0, 0).padStart(7)} ms`);
  return out;
}

async function run(kind: 'pglite' | 'postgres'): Promise<void> {
  const database = await benchDatabase(kind, 8);
  const platform = assemblePlatform(
    loadConfig({ CGTLINK_MODE: 'test' }, { mode: 'test', logLevel: 'silent' }),
    database,
  );
  await time(`${kind} seed demo + ${COHORT} patients`, () => seedDemo(platform, { cohort: COHORT }));
  // As autovacuum would after a bulk load: the planner needs the tables' statistics.
  await sql`ANALYZE`.execute(database.db);
  const u = await database.db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.organization_id'])
    .where('u.username', '=', 'evaluator.chen')
    .executeTakeFirstOrThrow();
  const principal: Principal = {
    userId: u.id,
    username: u.username,
    displayName: u.display_name,
    role: 'evaluator',
    organizationId: u.organization_id,
    organizationKind: 'regulator',
    patientId: null,
  };
  const ctx = { principal, requestId: 'bench' };
  const filings = await platform.evaluation.filings(ctx);
  await time(`${kind} evaluate all filings (warm-up)`, () => evaluateFiling(database.db, principal, {}));
  process.env.CGTLINK_EVAL_TIMING = '1';
  await time(`${kind} evaluate all filings`, () => evaluateFiling(database.db, principal, {}));
  delete process.env.CGTLINK_EVAL_TIMING;
  await time(`${kind} evaluate one filing`, () =>
    evaluateFiling(database.db, principal, { filingId: filings[0]!.id }),
  );
  await time(`${kind} evaluate one filing, female, 0-11`, () =>
    evaluateFiling(database.db, principal, { filingId: filings[0]!.id, sex: 'female', ageBand: '0-11' }),
  );
  await time(`${kind} compare two filings + forest`, () =>
    platform.evaluation.compare(ctx, { a: { filingId: filings[1]!.id }, b: { filingId: filings[2]!.id } }),
  );
  const report = await time(`${kind} compute report`, () =>
    platform.evaluation.createReport(ctx, { filingId: filings[0]!.id }),
  );
  await time(`${kind} reproduce report`, () => platform.evaluation.reproduce(ctx, report.id));
  // Above, every patient was computed from the records; the server's refresher stores their outcomes.
  const stored = await time(`${kind} store every patient's outcome`, () => refreshAllOutcomes(database.db));
  console.log(`${kind} stored outcomes of ${stored} patients`);
  await time(`${kind} evaluate all filings, stored outcomes`, () =>
    evaluateFiling(database.db, principal, {}),
  );
  await time(`${kind} evaluate one filing, stored outcomes`, () =>
    evaluateFiling(database.db, principal, { filingId: filings[0]!.id }),
  );
  await platform.close();
}

for (const kind of ENGINES) {
  if (kind === 'postgres' && !(await serverAvailable())) {
    console.log('postgres: server not available, skipped');
    continue;
  }
  await run(kind);
}
