/**
 * Test helper: reads IPD-IMGT/HLA 3.58.0 from the shared data folder (never copied into the repository) and builds
 * the release once per test file. The domain code itself stays pure; only this helper touches the disk.
 */
// biome-ignore lint/style/noRestrictedImports: tests read the shared reference release from disk
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type HlaRelease, loadRelease, type ReleaseFiles } from '../../src/hla/release';

const sharedDir = process.env['CGTLINK_SHARED_DIR'] ?? resolve(import.meta.dirname, '../../../../../shared');

/** Folder of an IPD-IMGT/HLA release in the shared data (3.58.0 unless told otherwise). */
export function imgtDir(version = '3.58.0'): string {
  return join(sharedDir, 'data', 'imgthla', version);
}

/** The texts of the release files as the loader expects them. */
export function readReleaseFiles(dir = imgtDir()): ReleaseFiles {
  const read = (path: string): string => readFileSync(join(dir, path), 'utf8');
  return {
    hlaNom: read('wmda/hla_nom.txt'),
    hlaNomG: read('wmda/hla_nom_g.txt'),
    hlaNomP: read('wmda/hla_nom_p.txt'),
    relDnaSer: read('wmda/rel_dna_ser.txt'),
    relSerSer: read('wmda/rel_ser_ser.txt'),
    dpbTce: read('tce/dpb_tce.csv'),
  };
}

let cached: HlaRelease | undefined;

/** Release 3.58.0, parsed once per test file (each Vitest file runs in its own worker). */
export function release358(): HlaRelease {
  cached ??= loadRelease(readReleaseFiles());
  return cached;
}
