/**
 * HLA registry search benchmark (issue 5): index build time and memory, and search latency p50/p99 over synthetic
 * registries of 1M and 10M donors (made-up haplotype frequencies, see packages/domain/src/hla/registry/synthetic.ts).
 * Targets: p50 ≤ 200 ms over 10M donors with the index in memory; index ≤ 64 bytes per donor.
 * Needs the IPD-IMGT/HLA release for the allele names: ../shared/data/imgthla/3.58.0 (or CGTLINK_SHARED_DIR).
 * Sizes can be chosen: `npm run bench hla -- 1000000` is not forwarded by bench/run.ts, so use HLA_BENCH_SIZES=1e6;
 * HLA_BENCH_REPEATS sets how many times each query set runs (median reported).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DonorRecord } from '../packages/domain/src/hla/registry/donor';
import { RegistryIndex } from '../packages/domain/src/hla/registry/index';
import { lgxAllelePools, syntheticDonors } from '../packages/domain/src/hla/registry/synthetic';
import { loadRelease } from '../packages/domain/src/hla/release';
import { tceGroup } from '../packages/domain/src/hla/tce';

const shared = process.env['CGTLINK_SHARED_DIR'] ?? resolve(import.meta.dirname, '../../shared');
const dir = join(shared, 'data', 'imgthla', '3.58.0');
const read = (path: string): string => readFileSync(join(dir, path), 'utf8');
const release = loadRelease({
  hlaNom: read('wmda/hla_nom.txt'),
  hlaNomG: read('wmda/hla_nom_g.txt'),
  hlaNomP: read('wmda/hla_nom_p.txt'),
  relDnaSer: read('wmda/rel_dna_ser.txt'),
  relSerSer: read('wmda/rel_ser_ser.txt'),
  dpbTce: read('tce/dpb_tce.csv'),
});
const pools = lgxAllelePools(release);
const sizes = (process.env['HLA_BENCH_SIZES'] ?? '1e6,1e7').split(',').map((s) => Math.round(Number(s)));
const QUERIES = 100;
/** Each query set is run this many times (HLA_BENCH_REPEATS, default 3): on a shared machine, medians are steadier. */
const REPEATS = Math.max(1, Number(process.env['HLA_BENCH_REPEATS'] ?? 3));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

for (const size of sizes) {
  gc();
  const heapBefore = process.memoryUsage();
  const index = new RegistryIndex((name) => tceGroup(release, name), { initialCapacity: size });
  const patients: DonorRecord[] = [];
  const every = Math.max(1, Math.floor(size / QUERIES));
  const started = performance.now();
  for (const donor of syntheticDonors({ donors: size, seed: 42, alleles: pools })) {
    index.upsert(donor);
    if (donor.donorNo % every === 7 && patients.length < QUERIES) patients.push(donor);
  }
  const buildMs = performance.now() - started;
  gc();
  const heapAfter = process.memoryUsage();
  const stats = index.stats();
  console.log(`\n${size.toLocaleString('en')} donors`);
  console.log(
    `  build: ${(buildMs / 1000).toFixed(1)} s (${((buildMs * 1e6) / size).toFixed(0)} ns/donor, generator included)`,
  );
  console.log(
    `  index memory: ${(stats.bytes / 2 ** 20).toFixed(0)} MiB = ${stats.bytesPerDonor.toFixed(1)} bytes/donor (typed arrays)`,
  );
  const rss = heapAfter.rss - heapBefore.rss;
  const external = heapAfter.arrayBuffers - heapBefore.arrayBuffers;
  console.log(
    `  process: +${(rss / 2 ** 20).toFixed(0)} MiB RSS, +${(external / 2 ** 20).toFixed(0)} MiB array buffers`,
  );
  for (const maxMismatches of [0, 1, 2]) {
    const p50s: number[] = [];
    const p99s: number[] = [];
    let hits = 0;
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const times: number[] = [];
      hits = 0;
      for (const patient of patients) {
        const t0 = performance.now();
        const result = index.search({ patient: patient.typing, maxMismatches, limit: 100 });
        times.push(performance.now() - t0);
        hits += result.length;
      }
      times.sort((a, b) => a - b);
      p50s.push(percentile(times, 50));
      p99s.push(percentile(times, 99));
    }
    const runs = p50s.map((p50, r) => `${p50.toFixed(1)}/${(p99s[r] as number).toFixed(1)}`).join(', ');
    console.log(
      `  search 8/8 loci, ≤${maxMismatches} mismatches, ${patients.length} patients × ${REPEATS} runs: median p50 ${median(p50s).toFixed(1)} ms, median p99 ${median(p99s).toFixed(1)} ms (runs p50/p99: ${runs}; mean hits returned ${(hits / patients.length).toFixed(0)})`,
    );
  }
}
