/**
 * Evaluation views on a national-scale synthetic registry (issue 9, item 5): builds the registry in a database of
 * its own on the PostgreSQL server (CGTLINK_BENCH_NATIONAL_PATIENTS patients, default 300,000; ten years of
 * transfusions and laboratory results), then times each evaluation aggregate as the regulator and as a sponsor
 * (row-level security on): the first (cold) run and the median of three more. The target is ≤ 2 s per view.
 *
 * Needs DATABASE_URL (skips, saying why, without it). CGTLINK_BENCH_NATIONAL_KEEP=1 keeps the database and
 * prints its name; CGTLINK_BENCH_NATIONAL_DB=name times the views on such a kept database without regenerating.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '@cgtlink/domain/access/index';
import pg from 'pg';
import { type Database, openDatabase } from '../packages/server/src/db/database';
import { migrateToLatest } from '../packages/server/src/db/migrate';
import { withPrincipal } from '../packages/server/src/db/scoped';
import { evaluateFiling } from '../packages/server/src/evaluation/evaluate';
import type { EvaluationFilters } from '../packages/server/src/evaluation/filters';
import { IdentifierCrypto } from '../packages/server/src/patients/identifier-crypto';
import {
  EVALUATION_AGGREGATES,
  type EvaluationAggregate,
} from '../packages/server/src/scale/evaluation-aggregates';
import { generateNational } from '../packages/server/src/scale/national-registry';
import { fmt, SERVER_URL } from './support/databases';

if (!process.env.DATABASE_URL) {
  console.log(
    'national bench skipped: DATABASE_URL is unset — the national registry (300,000 patients, ≥ 50M rows) is ' +
      'built on a PostgreSQL server, not in the embedded engine.',
  );
  process.exit(0);
}

const patients = Number(process.env.CGTLINK_BENCH_NATIONAL_PATIENTS ?? 300_000);
const keep = process.env.CGTLINK_BENCH_NATIONAL_KEEP === '1';
const reuse = process.env.CGTLINK_BENCH_NATIONAL_DB;
const cutOff = new Date().toISOString().slice(0, 10);

async function admin(query: string) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

async function open(): Promise<{ database: Database; name: string; fresh: boolean }> {
  const name = reuse ?? `cgtlink_bench_national_${process.pid}_${Date.now()}`;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error('CGTLINK_BENCH_NATIONAL_DB: lower-case letters, digits, _');
  if (!reuse) await admin(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 2 });
  await migrateToLatest(database.db);
  return { database, name, fresh: !reuse };
}

async function time(database: Database, principal: Principal, view: EvaluationAggregate, params: never) {
  const once = async () => {
    const t0 = performance.now();
    const result = await withPrincipal(database.db, principal, (tx) => view.run(tx, params));
    return { ms: performance.now() - t0, rows: result.length };
  };
  const cold = await once();
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push((await once()).ms);
  warm.sort((a, b) => a - b);
  return { cold: cold.ms, median: warm[1] as number, rows: cold.rows };
}

const { database, name, fresh } = await open();
try {
  if (fresh) {
    console.log(`generating ${fmt(patients)} synthetic thalassaemia patients in ${name} …`);
    const nameCipher = new IdentifierCrypto('bench-national-synthetic').encrypt('合成患者 Synthetic patient');
    const report = await generateNational(database.db, {
      patients,
      nameCipher,
      fast: true,
      endDate: cutOff,
      log: (line) => console.log(line),
    });
    console.log(`generated in ${fmt(report.seconds, 1)} s: ${fmt(report.total)} rows`);
    for (const [table, count] of Object.entries(report.rows))
      console.log(`  ${table.padEnd(20)} ${fmt(count)}`);
    console.log(
      `  ${'transfusions + labs'.padEnd(20)} ${fmt((report.rows.transfusion ?? 0) + (report.rows.observation ?? 0))}`,
    );
  }
  const ids = await database.db
    .selectFrom('filing as f')
    .innerJoin('filing_patient as fp', 'fp.filing_id', 'f.id')
    .select(['f.id', 'f.reference', 'f.sponsor_id'])
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('f.reference', 'like', 'NAT-F%')
    .groupBy(['f.id', 'f.reference', 'f.sponsor_id'])
    .orderBy('n', 'desc')
    .execute();
  const largest = ids[0];
  if (!largest) throw new Error('no synthetic filing found');
  const hospital = await database.db
    .selectFrom('organization')
    .select('id')
    .where('code', '=', 'NAT-H001')
    .executeTakeFirstOrThrow();
  const params = { filingId: largest.id, hospitalId: hospital.id, cutOff } as never;
  console.log(`\nviews on ${largest.reference} (${fmt(Number(largest.n))} patients), cut-off ${cutOff}`);
  const principal = (kind: 'regulator' | 'sponsor', organizationId: string): Principal => ({
    userId: randomUUID(),
    username: `bench.${kind}`,
    displayName: `bench ${kind}`,
    role: kind === 'regulator' ? 'regulator_inspector' : 'sponsor_user',
    organizationId,
    organizationKind: kind,
    patientId: null,
  });
  const regulator = principal('regulator', randomUUID());
  const sponsor = principal('sponsor', largest.sponsor_id as string);
  console.log(
    `${'view'.padEnd(50)} ${'as'.padEnd(9)} ${'cold ms'.padStart(9)} ${'median ms'.padStart(10)} rows`,
  );
  for (const view of EVALUATION_AGGREGATES) {
    for (const [label, who] of [
      ['regulator', regulator],
      ['sponsor', sponsor],
    ] as const) {
      const r = await time(database, who, view, params);
      console.log(
        `${view.name.padEnd(50)} ${label.padEnd(9)} ${fmt(r.cold, 0).padStart(9)} ${fmt(r.median, 0).padStart(10)} ${r.rows}`,
      );
    }
  }
  // The evaluation service's views (issue 9, items 1–3): one call computes a cohort's efficacy, safety and
  // quality sections.
  const views: [string, EvaluationFilters][] = [
    ['evaluation view: one filing', { filingId: largest.id }],
    ['evaluation view: one filing, age band 0-11', { filingId: largest.id, ageBand: '0-11' }],
    ['evaluation view: technology (gene therapy)', { technology: 'autologous_gene_hsc' }],
    ['evaluation view: one hospital', { hospitalId: hospital.id }],
  ];
  for (const [label, filters] of views) {
    for (const [who, principalOf] of [
      ['regulator', regulator],
      ['sponsor', sponsor],
    ] as const) {
      if (who === 'sponsor' && !filters.filingId) continue;
      const once = async () => {
        const t0 = performance.now();
        await evaluateFiling(database.db, principalOf, filters);
        return performance.now() - t0;
      };
      const cold = await once();
      const warm = [await once(), await once(), await once()].sort((a, b) => a - b);
      console.log(
        `${label.padEnd(50)} ${who.padEnd(9)} ${fmt(cold, 0).padStart(9)} ${fmt(warm[1] as number, 0).padStart(10)}`,
      );
    }
  }
} finally {
  await database.close();
  if (fresh && !keep) await admin(`drop database if exists ${name} with (force)`);
  else console.log(`kept database ${name}`);
}
