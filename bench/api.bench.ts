/**
 * Authenticated API throughput and latency on PGlite and on the PostgreSQL server, through real HTTP with
 * autocannon. Reads are audited patient-record reads; writes register a patient (insert + audit entry).
 * Target: writes on PostgreSQL with audit, p99 ≤ 25 ms at the measured throughput.
 */
import autocannon from 'autocannon';
import { loadConfig } from '../packages/server/src/config';
import { buildApp } from '../packages/server/src/http/app';
import { assemblePlatform } from '../packages/server/src/platform';
import { DEMO_PASSWORD, seedDemo } from '../packages/server/src/seed/demo';
import { benchDatabase, fmt, serverAvailable } from './support/databases';

const DURATION = Number(process.env.API_BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.API_BENCH_CONNECTIONS ?? 10);

function summary(label: string, r: autocannon.Result): string {
  return `${label.padEnd(28)} ${fmt(r.requests.average).padStart(6)} req/s   p50 ${fmt(r.latency.p50, 1).padStart(6)} ms   p99 ${fmt(
    r.latency.p99,
    1,
  ).padStart(6)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
}

async function run(kind: 'pglite' | 'postgres'): Promise<void> {
  const database = await benchDatabase(kind, 20);
  const platform = assemblePlatform(
    loadConfig({ CGTLINK_MODE: 'test' }, { mode: 'test', logLevel: 'silent' }),
    database,
  );
  await seedDemo(platform);
  const app = await buildApp(platform, { logLevel: 'silent' });
  platform.sealer.start(200);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const login = await fetch(`${address}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dr.zhou', password: DEMO_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const patients = (await (await fetch(`${address}/api/patients`, { headers })).json()) as { id: string }[];
    const read = await autocannon({
      url: `${address}/api/patients/${patients[0]!.id}`,
      headers,
      connections: CONNECTIONS,
      duration: DURATION,
    });
    console.log(summary(`${kind} read (audited)`, read));
    const writeRequest = {
      url: `${address}/api/patients`,
      method: 'POST' as const,
      headers,
      body: JSON.stringify({
        name: '基准测试',
        sex: 'female',
        birthDate: '2015-06-01',
        diagnosis: 'β-thalassemia major (β0/β0)',
      }),
      connections: CONNECTIONS,
      duration: DURATION,
    };
    const write = await autocannon(writeRequest);
    console.log(summary(`${kind} write (insert + audit)`, write));
    // Closed-loop runs saturate the server, so their latency is mostly queueing (connections ÷ throughput).
    // The same writes offered at a steady 80 % of that throughput show the latency a user sees under load.
    const rate = Math.max(1, Math.floor(write.requests.average * 0.8));
    const paced = await autocannon({ ...writeRequest, overallRate: rate });
    console.log(summary(`${kind} write at ${fmt(rate)}/s offered`, paced));
    const t = performance.now();
    await platform.sealer.flush();
    console.log(`${kind} sealer caught up ${fmt(performance.now() - t)} ms after the load ended`);
  } finally {
    await app.close();
    await platform.close();
  }
}

console.log(`${CONNECTIONS} connections, ${DURATION} s per run`);
await run('pglite');
if (await serverAvailable()) await run('postgres');
else console.log('postgres: server not reachable, skipped');
