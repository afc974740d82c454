/**
 * Survival statistics at scale: a synthetic cohort of 1M subjects (3 arms, 3 numeric covariates) written to a
 * CSV under os.tmpdir(), then `cgtlink stats km` (Kaplan–Meier + log-rank, CSV → JSON) and `cgtlink stats cox`
 * timed side by side with R's read.csv + survfit + survdiff and coxph on the same file when Rscript is installed.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 1_000_000);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'packages/cli/bin/cgtlink.js');
const dir = mkdtempSync(join(tmpdir(), 'cgtlink-bench-stats-'));
const csv = join(dir, 'cohort.csv');

/** mulberry32: small deterministic generator so every run sees the same cohort. */
function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeCohort(): void {
  const rand = generator(20240601);
  const lines: string[] = ['time,status,arm,age,dose,score'];
  for (let i = 0; i < SUBJECTS; i++) {
    const arm = i % 3;
    const age = 30 + Math.floor(rand() * 50);
    const dose = Math.round((0.5 + rand() * 2) * 100) / 100;
    const score = Math.round((rand() * 2 - 1) * 1000) / 1000;
    const hazard = 0.001 * Math.exp(0.2 * arm + 0.01 * (age - 55) - 0.3 * dose + 0.5 * score);
    // Times in whole days (ties, as in registries); administrative censoring at 5 years plus random drop-out.
    const eventDay = Math.ceil(-Math.log(rand()) / hazard);
    const dropDay = Math.ceil(-Math.log(rand()) / 0.0004);
    const end = Math.min(eventDay, dropDay, 1826);
    lines.push(`${end},${eventDay === end ? 1 : 0},${'ABC'[arm]},${age},${dose},${score}`);
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
}

function timed(
  command: string,
  args: string[],
  stdoutFile: string,
): { seconds: number; ok: boolean; err: string } {
  const fd = openSync(stdoutFile, 'w');
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { stdio: ['ignore', fd, 'pipe'], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(fd);
  return { seconds, ok: r.status === 0, err: r.stderr?.toString() ?? '' };
}

function hasRscript(): boolean {
  const r = spawnSync('Rscript', ['-e', 'cat(requireNamespace("survival", quietly = TRUE))'], {
    encoding: 'utf8',
  });
  return r.status === 0 && r.stdout.includes('TRUE');
}

function report(label: string, ours: number, theirs: number | null, target: string): void {
  const ratio = theirs ? ` ratio ${(ours / theirs).toFixed(2)} × R (target ${target})` : '';
  console.log(
    `${label.padEnd(34)} cgtlink ${ours.toFixed(2)} s${theirs ? `   R ${theirs.toFixed(2)} s` : '   R not installed'}${ratio}`,
  );
}

console.log(`generating ${SUBJECTS.toLocaleString('en')} subjects → ${csv}`);
writeCohort();
const withR = hasRscript();

/** Runs `cgtlink …` inside this process with stdout sent to a file: times CSV → JSON without process start-up. */
async function inProcess(args: string[], stdoutFile: string): Promise<number> {
  const { main } = await import('../packages/cli/src/main');
  const fd = openSync(stdoutFile, 'w');
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (typeof chunk === 'string') writeSync(fd, chunk);
    else writeSync(fd, chunk);
    return true;
  }) as typeof process.stdout.write;
  const start = process.hrtime.bigint();
  const code = await main(args);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write = original;
  closeSync(fd);
  if (code !== 0) throw new Error(`cgtlink ${args.join(' ')} exited ${code}`);
  return seconds;
}

/** Runs an R script that prints its own elapsed seconds (system.time) first; returns that and the rest. */
function rTimed(script: string): { seconds: number; values: number[]; wall: number } {
  const out = join(dir, 'r-out.txt');
  const r = timed('Rscript', ['-e', script], out);
  if (!r.ok) throw new Error(r.err);
  const values = readFileSync(out, 'utf8').trim().split(/\s+/).map(Number);
  return { seconds: values[0]!, values: values.slice(1), wall: r.seconds };
}

const kmArgs = [
  'stats',
  'km',
  '--csv',
  csv,
  '--time',
  'time',
  '--event',
  'status',
  '--group',
  'arm',
  '--json',
];
const kmProcess = timed(process.execPath, [cli, ...kmArgs], join(dir, 'km.json'));
if (!kmProcess.ok) throw new Error(kmProcess.err);
const kmSeconds = await inProcess(kmArgs, join(dir, 'km.json'));
let rKm: { seconds: number; values: number[]; wall: number } | null = null;
if (withR)
  rKm = rTimed(
    `suppressMessages(library(survival)); tm <- system.time({ d <- read.csv("${csv}"); f <- survfit(Surv(time, status) ~ arm, data = d); s <- summary(f); t <- survdiff(Surv(time, status) ~ arm, data = d) })[["elapsed"]]; cat(tm, t$chisq, "\\n")`,
  );
report('KM + log-rank, CSV → JSON', kmSeconds, rKm?.seconds ?? null, '≤ 0.5');
const kmJson = JSON.parse(readFileSync(join(dir, 'km.json'), 'utf8'));
if (rKm) console.log(`  log-rank chi-square: cgtlink ${kmJson.logrank.chisq}, R ${rKm.values[0]}`);
console.log(
  `  whole processes: cgtlink ${kmProcess.seconds.toFixed(2)} s (CLI start-up loads every command)${rKm ? `, Rscript ${rKm.wall.toFixed(2)} s` : ''}`,
);

const coxArgs = [
  'stats',
  'cox',
  '--csv',
  csv,
  '--time',
  'time',
  '--event',
  'status',
  '--covariates',
  'age,dose,score',
  '--json',
];
const coxSeconds = await inProcess(coxArgs, join(dir, 'cox.json'));
let rCox: { seconds: number; values: number[]; wall: number } | null = null;
if (withR)
  rCox = rTimed(
    `suppressMessages(library(survival)); d <- read.csv("${csv}"); tm <- system.time(f <- coxph(Surv(time, status) ~ age + dose + score, data = d))[["elapsed"]]; cat(tm, coef(f), "\\n")`,
  );
const coxJson = JSON.parse(readFileSync(join(dir, 'cox.json'), 'utf8'));
report('Cox, 3 covariates (CSV → JSON vs coxph)', coxSeconds, rCox?.seconds ?? null, '≤ 1');
if (rCox) {
  const diff = coxJson.coefficients.map((c: { coef: number }, i: number) =>
    Math.abs(c.coef / rCox!.values[i]! - 1),
  );
  console.log(`  coefficients vs R coxph: max relative difference ${Math.max(...diff).toExponential(2)}`);
}

rmSync(dir, { recursive: true, force: true });
