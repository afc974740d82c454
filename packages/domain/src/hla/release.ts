/**
 * An IPD-IMGT/HLA release held in memory, built from the CONTENTS of its WMDA files (the caller reads them).
 * File formats: wmda/README.md of the release (IPD-IMGT/HLA, "WMDA Read ME"): fields separated by `;`, six header
 * lines starting with `#`. Barker D et al., "The IPD-IMGT/HLA Database", Nucleic Acids Res 2023;51(D1):D948–D955.
 */
import { type AlleleName, type ExpressionSuffix, formatAlleleName, splitAlleleName } from './allele-name';

/** The texts of the release files; `dpbTce` (tce/dpb_tce.csv) is optional. */
export interface ReleaseFiles {
  hlaNom: string;
  hlaNomG: string;
  hlaNomP: string;
  relDnaSer: string;
  relSerSer: string;
  dpbTce?: string;
}

/** Serologic equivalent of an allele as rel_dna_ser.txt gives it. */
export interface AlleleSerology {
  /** `unambiguous`, `possible`, `assumed`, `null` (value 0) or `none` (value ?, or no entry). */
  kind: 'unambiguous' | 'possible' | 'assumed' | 'null' | 'none';
  /** Antigen numbers (e.g. ['2'] or ['0', '24'] for a possible null/A24). */
  antigens: string[];
}

/** One current allele of the release. */
export interface AlleleInfo {
  name: string;
  parsed: AlleleName;
  gGroup?: string;
  pGroup?: string;
}

/** A name that was removed from the nomenclature (hla_nom.txt, column "Date deleted"). */
export interface DeletedName {
  name: string;
  deletedOn: string;
  identicalTo?: string;
  reason: string;
}

/** Broad/split/associated relations of one serologic antigen (rel_ser_ser.txt). */
export interface SerologyRelation {
  locus: string;
  broad: string;
  splits: string[];
  associated: string[];
}

/** One DPB1 allele's T-cell-epitope assignment (tce/dpb_tce.csv, columns V1_Assignment and V2_Assignment). */
export interface TceAssignment {
  v1: string;
  v2: string;
}

/** The release, indexed for name resolution, reduction and matching. */
export interface HlaRelease {
  version: string;
  alleles: Map<string, AlleleInfo>;
  /** Truncated name (1–3 fields, no suffix) → current alleles that start with those fields. */
  byPrefix: Map<string, string[]>;
  gGroups: Map<string, string[]>;
  pGroups: Map<string, string[]>;
  deleted: Map<string, DeletedName>;
  serology: Map<string, AlleleSerology>;
  /** Serology locus (A, B, Cw, DR, DQ) → antigen numbers named in hla_nom.txt. */
  antigens: Map<string, Set<string>>;
  serologyRelations: SerologyRelation[];
  tce: Map<string, TceAssignment>;
}

function dataLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** Reads the `# version:` header line that every release file carries (WMDA Read ME, header line 3). */
export function releaseVersion(text: string): string {
  const match = /^# version: IPD-IMGT\/HLA (\S+)/m.exec(text);
  return match?.[1] ?? 'unknown';
}

function requireFields(line: string, file: string, min: number): string[] {
  const parts = line.split(';');
  if (parts.length < min)
    throw new RangeError(`${file}: line "${line}" has ${parts.length} fields, expected ${min}`);
  return parts;
}

/**
 * Builds the in-memory release from the WMDA files (hla_nom.txt, hla_nom_g.txt, hla_nom_p.txt, rel_dna_ser.txt,
 * rel_ser_ser.txt) and optionally tce/dpb_tce.csv. Pure: takes the file contents, does no I/O.
 */
export function loadRelease(files: ReleaseFiles): HlaRelease {
  const release: HlaRelease = {
    version: releaseVersion(files.hlaNom),
    alleles: new Map(),
    byPrefix: new Map(),
    gGroups: new Map(),
    pGroups: new Map(),
    deleted: new Map(),
    serology: new Map(),
    antigens: new Map(),
    serologyRelations: [],
    tce: new Map(),
  };
  readNomenclature(release, files.hlaNom);
  readGroups(release, files.hlaNomG, 'hla_nom_g.txt', 'G');
  readGroups(release, files.hlaNomP, 'hla_nom_p.txt', 'P');
  readDnaSerology(release, files.relDnaSer);
  readSerologyRelations(release, files.relSerSer);
  if (files.dpbTce !== undefined) readTce(release, files.dpbTce);
  return release;
}

// hla_nom.txt: Locus;Name;Date assigned;Date deleted;Identical to;Reason. Alleles have a locus ending in `*`.
function readNomenclature(release: HlaRelease, text: string): void {
  for (const line of dataLines(text)) {
    const [locusField, name, , deletedOn, identicalTo, reason] = requireFields(line, 'hla_nom.txt', 6);
    if (!locusField || !name) continue;
    if (!locusField.endsWith('*')) {
      if (!deletedOn) {
        const set = release.antigens.get(locusField) ?? new Set<string>();
        set.add(name);
        release.antigens.set(locusField, set);
      }
      continue;
    }
    const full = `${locusField}${name}`;
    if (deletedOn) {
      release.deleted.set(full, {
        name: full,
        deletedOn,
        ...(identicalTo ? { identicalTo: `${locusField}${identicalTo}` } : {}),
        reason: reason ?? '',
      });
      continue;
    }
    const parsed = splitAlleleName(full);
    release.alleles.set(full, { name: full, parsed });
    for (let n = 1; n < parsed.fields.length; n++) addPrefix(release, parsed, n, full);
    addPrefix(release, parsed, parsed.fields.length, full);
  }
}

function addPrefix(release: HlaRelease, parsed: AlleleName, n: number, full: string): void {
  const key = `${parsed.locus}*${parsed.fields.slice(0, n).join(':')}`;
  const list = release.byPrefix.get(key);
  if (list) list.push(full);
  else release.byPrefix.set(key, [full]);
}

// hla_nom_g.txt / hla_nom_p.txt: Locus;allele/allele/...;Group name (empty for an allele in no group).
function readGroups(release: HlaRelease, text: string, file: string, kind: 'G' | 'P'): void {
  for (const line of dataLines(text)) {
    const [locus, members, group] = requireFields(line, file, 3);
    if (!locus || !members || !group) continue;
    const groupName = `${locus}${group}`;
    const names = members.split('/').map((m) => `${locus}${m}`);
    (kind === 'G' ? release.gGroups : release.pGroups).set(groupName, names);
    for (const member of names) {
      const info = release.alleles.get(member);
      if (!info) continue;
      if (kind === 'G') info.gGroup = groupName;
      else info.pGroup = groupName;
    }
  }
}

// rel_dna_ser.txt: Locus;Allele;Unambiguous;Possible;Assumed;Expert exceptions. 0 = null, ? = no antigen.
function readDnaSerology(release: HlaRelease, text: string): void {
  for (const line of dataLines(text)) {
    const [locus, allele, unambiguous, possible, assumed] = requireFields(line, 'rel_dna_ser.txt', 5);
    if (!locus || !allele) continue;
    const name = `${locus}${allele}`;
    let serology: AlleleSerology;
    if (unambiguous === '0') serology = { kind: 'null', antigens: [] };
    else if (unambiguous === '?') serology = { kind: 'none', antigens: [] };
    else if (unambiguous) serology = { kind: 'unambiguous', antigens: [unambiguous] };
    else if (possible) serology = { kind: 'possible', antigens: possible.split('/') };
    else if (assumed && assumed !== '?') serology = { kind: 'assumed', antigens: assumed.split('/') };
    else serology = { kind: 'none', antigens: [] };
    release.serology.set(name, serology);
  }
}

// rel_ser_ser.txt: Locus;Broad antigen;Split antigens;Associated antigens (multiple values separated by `/`).
function readSerologyRelations(release: HlaRelease, text: string): void {
  for (const line of dataLines(text)) {
    const [locus, broad, splits, associated] = requireFields(line, 'rel_ser_ser.txt', 4);
    if (!locus || !broad) continue;
    release.serologyRelations.push({
      locus,
      broad,
      splits: splits ? splits.split('/') : [],
      associated: associated ? associated.split('/') : [],
    });
  }
}

// tce/dpb_tce.csv: Allele,Protein,V1_Assignment,V2_Assignment,Comments.
function readTce(release: HlaRelease, text: string): void {
  for (const line of dataLines(text)) {
    const [allele, protein, v1, v2] = line.split(',');
    if (!allele || allele === 'Allele') continue;
    const assignment = { v1: v1 ?? '', v2: v2 ?? '' };
    release.tce.set(allele, assignment);
    // Two-field typings (DPB1*04:01) are looked up by the protein column; alleles of one protein share the group.
    if (protein && !release.tce.has(protein)) release.tce.set(protein, assignment);
  }
}

/** The expression suffix of a current allele, or '' for a normally expressed one. */
export function alleleSuffix(release: HlaRelease, allele: string): ExpressionSuffix | '' {
  return release.alleles.get(allele)?.parsed.suffix ?? splitAlleleName(allele).suffix;
}

/** True for a null allele (suffix N: "not expressed", WHO 2010). */
export function isNullAllele(allele: string): boolean {
  return allele.endsWith('N') && /\dN$/.test(allele);
}

export { formatAlleleName };
