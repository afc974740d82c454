/**
 * Embedded start to ready: `cgtlink serve --demo` on an already seeded PGlite folder, timed from process start
 * until /readyz answers. Target: ≤ 5 s once installed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt } from './support/databases';

const BIN = join(import.meta.dirname, '../packages/cli/bin/cgtlink.js');
const dataDir = mkdtempSync(join(tmpdir(), 'cgtlink-startup-'));
const port = 3900 + Math.floor(Math.random() * 50);

// The embedded engine: whatever DATABASE_URL the caller has is dropped, not emptied (an empty URL is refused).
const { DATABASE_URL: _server, ...inherited } = process.env;
const embeddedEnv = { ...inherited, CGTLINK_DATA_DIR: dataDir, CGTLINK_LOG_LEVEL: 'warn' };

async function startOnce(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--demo', '--port', String(port)], {
    env: embeddedEnv,
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
      if (performance.now() - started > 120_000) throw new Error('server did not become ready in 120 s');
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

try {
  const first = await startOnce();
  console.log(`first start (creates and seeds the database): ${fmt(first)} ms`);
  const again: number[] = [];
  for (let i = 0; i < 3; i++) again.push(await startOnce());
  again.sort((a, b) => a - b);
  console.log(
    `start to ready on an existing database: median ${fmt(again[1]!)} ms (runs: ${again.map((t) => fmt(t)).join(', ')} ms)`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
