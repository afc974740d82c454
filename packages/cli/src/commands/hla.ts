import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HlaNameError } from '@cgtlink/domain/hla/allele-name';
import { evaluateFamily, type FamilyEvaluation, type FamilyInput } from '@cgtlink/domain/hla/family/evaluate';
import { FAMILY_LOCI, type FamilyTyping } from '@cgtlink/domain/hla/family/haplotypes';
import {
  AGE_BAND_YEARS,
  DSA_AVOID_MFI,
  DSA_CAUTION_MFI,
  type RankingOptions,
  type RankingPolicy,
} from '@cgtlink/domain/hla/family/ranking';
import { parseGlString } from '@cgtlink/domain/hla/gl-string';
import { type MacTable, parseMacTable } from '@cgtlink/domain/hla/mac';
import {
  type LocusMatch,
  MATCH_LOCI,
  type MatchLocus,
  matchGlStrings,
  typingsByLocus,
} from '@cgtlink/domain/hla/match';
import { isReductionLevel, lgxOfAllele, REDUCTION_LEVELS, reduceGlString } from '@cgtlink/domain/hla/reduce';
import { bruteForceSearch } from '@cgtlink/domain/hla/registry/brute-force';
import {
  ABO_GROUPS,
  type AboGroup,
  CMV_STATUSES,
  type CmvStatus,
  type DonorRecord,
  SEXES,
  type SearchQuery,
  type Sex,
} from '@cgtlink/domain/hla/registry/donor';
import { RegistryIndex } from '@cgtlink/domain/hla/registry/index';
import { type HlaRelease, loadRelease } from '@cgtlink/domain/hla/release';
import { alleleAntigens } from '@cgtlink/domain/hla/serology';
import { tceGroup } from '@cgtlink/domain/hla/tce';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../errors';

/** Reads an IPD-IMGT/HLA release folder (wmda/*.txt, tce/dpb_tce.csv) and builds the in-memory release. */
export function readImgtRelease(dir: string): HlaRelease {
  const read = (path: string, optional = false): string | undefined => {
    try {
      return readFileSync(join(dir, path), 'utf8');
    } catch (error) {
      if (optional) return undefined;
      throw new UsageError(`--imgt ${dir}: cannot read ${path} (${(error as Error).message})`);
    }
  };
  const dpbTce = read('tce/dpb_tce.csv', true);
  return loadRelease({
    hlaNom: read('wmda/hla_nom.txt') as string,
    hlaNomG: read('wmda/hla_nom_g.txt') as string,
    hlaNomP: read('wmda/hla_nom_p.txt') as string,
    relDnaSer: read('wmda/rel_dna_ser.txt') as string,
    relSerSer: read('wmda/rel_ser_ser.txt') as string,
    ...(dpbTce !== undefined ? { dpbTce } : {}),
  });
}

function readMac(file: string | undefined): MacTable | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--mac ${file}: ${(error as Error).message}`);
  }
  return usage(() => parseMacTable(text));
}

/** Runs `f`, turning bad-input errors of the domain (names, ranges) into usage errors (exit 2). */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof HlaNameError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}

function describeLocus(l: LocusMatch): string {
  if (!l.typed || !l.best || !l.worst) return `${l.locus.padEnd(5)} untyped`;
  const side = (o: NonNullable<LocusMatch['best']>) => {
    const levels = [...o.gvhLevels.map((v) => `GvH ${v}`), ...o.hvgLevels.map((v) => `HvG ${v}`)];
    const tce = o.tce ? `, TCE ${o.tce}` : '';
    return `${2 - o.mismatches}/2 ${o.direction}${levels.length > 0 ? ` (${levels.join(', ')})` : ''}${tce} [${o.patient.join('+')} vs ${o.donor.join('+')}]`;
  };
  const worst = l.ambiguous ? `; worst ${side(l.worst)}` : '';
  return `${l.locus.padEnd(5)} ${l.ambiguous ? 'best ' : ''}${side(l.best)}${worst}`;
}

function parseLoci(text: string | undefined): MatchLocus[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((l) => {
    const locus = l.trim();
    if (!(MATCH_LOCI as readonly string[]).includes(locus)) {
      throw new UsageError(`--loci: "${locus}" is not one of ${MATCH_LOCI.join(', ')}`);
    }
    return locus as MatchLocus;
  });
}

function listOption<T extends string>(
  name: string,
  text: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((v) => {
    if (!(allowed as readonly string[]).includes(v))
      throw new UsageError(`${name}: "${v}" is not one of ${allowed.join(', ')}`);
    return v as T;
  });
}

/** One unambiguous pair of lgx names per locus from a GL String (registry records and search patients). */
function unambiguousTyping(
  release: HlaRelease,
  gl: string,
  what: string,
  mac?: MacTable,
): DonorRecord['typing'] {
  const typing: DonorRecord['typing'] = {};
  const byLocus = usage(() => typingsByLocus(release, parseGlString(gl), mac ? { mac } : {}));
  for (const [locus, genotypes] of byLocus) {
    if (!(MATCH_LOCI as readonly string[]).includes(locus)) continue;
    const [genotype] = genotypes;
    const [a, b] = genotype ?? [[], []];
    if (genotypes.length !== 1 || a.length !== 1 || b.length !== 1 || !a[0]?.allele || !b[0]?.allele) {
      throw new UsageError(
        `${what}: ${locus} typing is ambiguous or serologic; the registry search needs one allele per chromosome`,
      );
    }
    typing[locus as MatchLocus] = [a[0].allele, b[0].allele];
  }
  return typing;
}

interface DonorRow {
  id: string;
  record: DonorRecord;
}

/**
 * Reads a donor CSV: columns `id`, `age`, `sex` (M/F/U), `cmv` (pos/neg/unknown), `abo` (O/A/B/AB/unknown),
 * `registry`, and one column per locus (A, B, C, DRB1, DQB1, DPB1) holding a genotype such as `A*01:01+A*02:01`
 * (an empty cell: untyped).
 */
function readDonors(release: HlaRelease, file: string, mac?: MacTable): DonorRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--donors ${file}: ${(error as Error).message}`);
  }
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((row, n) => {
    const line = `--donors ${file} row ${n + 2}`;
    const gl = MATCH_LOCI.map((l) => row[l] ?? '')
      .filter((g) => g !== '')
      .join('^');
    const typing = gl === '' ? {} : unambiguousTyping(release, gl, line, mac);
    const record: DonorRecord = {
      donorNo: n,
      typing,
      age: Number(row['age']),
      sex: (row['sex'] ?? 'U') as Sex,
      cmv: (row['cmv'] ?? 'unknown') as CmvStatus,
      abo: (row['abo'] ?? 'unknown') as AboGroup,
      registry: row['registry'] ?? '',
    };
    return { id: row['id'] ?? String(n), record };
  });
}

interface SearchOptions {
  imgt: string;
  donors: string;
  patient: string;
  maxMismatches: string;
  loci?: string;
  limit?: string;
  mac?: string;
  minAge?: string;
  maxAge?: string;
  sex?: string;
  cmv?: string;
  abo?: string;
  registry?: string;
  patientCmv?: string;
  json?: boolean;
  verify?: boolean;
}

function integerOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new UsageError(`${name}: "${text}" is not a non-negative integer`);
  return value;
}

/** The --family JSON layout, printed by `cgtlink hla family --help`. */
const FAMILY_FORMAT = `
Family file (JSON):
  {
    "patient": {
      "typing": "A*01:01+A*03:01^C*07:01+C*07:02^B*08:01+B*07:02^DRB1*03:01+DRB1*15:01^DQB1*02:01+DQB1*06:02",
      "sex": "M", "abo": "A", "cmv": "pos",
      "antibodies": [{ "specificity": "A*24:02", "mfi": 6200 }, { "specificity": "DR11", "mfi": 1500 }]
    },
    "relatives": [
      { "id": "father", "relation": "father", "typing": "<GL String>", "age": 61, "sex": "M", "abo": "A", "cmv": "pos" },
      { "id": "sister", "relation": "sibling", "typing": "<GL String>", "age": 34, "sex": "F", "parity": 2,
        "abo": "O", "cmv": "neg" }
    ]
  }
  typing: GL String with one allele per chromosome at A, C, B, DRB1, DQB1 (DPB1 optional), reduced to lgx;
  relation: father | mother | sibling | child | other; sex: M | F; abo: O | A | B | AB; cmv: pos | neg;
  parity: pregnancies of a female relative (0 = none); every field but id, relation and typing is optional.
  antibodies: the patient's anti-HLA antibodies: an allele (A*24:02), an allele group (A*24) or a serologic
  antigen (A24, DR11), with its MFI. DSA MFI >= --avoid-mfi (default ${DSA_AVOID_MFI}): avoid;
  >= --caution-mfi (default ${DSA_CAUTION_MFI}): caution.
`;

function readFamilyFile(release: HlaRelease, file: string): FamilyInput {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--family ${file}: ${(error as Error).message}`);
  }
  const object = (value: unknown, field: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new UsageError(`--family ${file}: ${field} must be an object`);
    }
    return value as Record<string, unknown>;
  };
  const typingOf = (value: unknown, field: string): FamilyTyping => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new UsageError(`--family ${file}: ${field} must be a GL String`);
    }
    return unambiguousTyping(release, value, `--family ${field}`) as FamilyTyping;
  };
  const root = object(raw, 'the file');
  const patient = object(root['patient'], 'patient');
  if (!Array.isArray(root['relatives'])) throw new UsageError(`--family ${file}: relatives must be an array`);
  const antibodies = patient['antibodies'] ?? [];
  if (!Array.isArray(antibodies))
    throw new UsageError(`--family ${file}: patient.antibodies must be an array`);
  return {
    patient: {
      ...(patient as unknown as FamilyInput['patient']),
      typing: typingOf(patient['typing'], 'patient.typing'),
      antibodies: antibodies.map((value, i) => {
        const ab = object(value, `patient.antibodies[${i}]`);
        const spec = ab['specificity'];
        // A named allele of two or more fields is compared at the typings' level (lgx).
        const specificity =
          typeof spec === 'string' && /\*\d+:\d+/.test(spec) ? usage(() => lgxOfAllele(release, spec)) : spec;
        return { ...ab, specificity } as { specificity: string; mfi: number };
      }),
    },
    relatives: root['relatives'].map((value, i) => {
      const r = object(value, `relatives[${i}]`);
      return {
        ...(r as unknown as FamilyInput['relatives'][number]),
        typing: typingOf(r['typing'], `relatives[${i}].typing`),
      };
    }),
  };
}

/** Serologic antigens of each lgx allele name (the union over the alleles reducing to it; rel_dna_ser.txt). */
function lgxAntigens(release: HlaRelease): (lgx: string) => string[] {
  const byLgx = new Map<string, Set<string>>();
  for (const name of release.alleles.keys()) {
    const antigens = alleleAntigens(release, name);
    if (antigens.length === 0) continue;
    const lgx = lgxOfAllele(release, name);
    const set = byLgx.get(lgx) ?? new Set<string>();
    for (const antigen of antigens) set.add(antigen);
    byLgx.set(lgx, set);
  }
  return (lgx) => [...(byLgx.get(lgx) ?? [])];
}

function printFamily(result: FamilyEvaluation, policy: RankingPolicy): void {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  const { haplotypes } = result;
  write(`Patient haplotypes (${haplotypes.labels.join(' / ')}):`);
  for (const locus of FAMILY_LOCI.slice(0, 5)) {
    const [h1, h2] = haplotypes.haplotypes.map((h) => h[locus] ?? '?');
    write(`  ${locus.padEnd(5)} ${h1} / ${h2}  (${haplotypes.phase[locus] ?? 'untyped'})`);
  }
  if (haplotypes.notes.length > 0) {
    write('Notes:');
    for (const note of haplotypes.notes) write(`  - ${note}`);
  }
  write('Relatives:');
  for (const r of result.relatives) {
    const shared = r.sharedHaplotypes.map((k) => haplotypes.labels[k]).join(' + ') || 'none';
    write(`  ${r.id} (${r.relation}): ${r.classification}; shares ${shared}`);
    for (const reason of r.reasons) write(`      ${reason}`);
  }
  write(`Ranking (policy ${policy}):`);
  for (const d of result.ranking) {
    write(`  ${d.position}. ${d.id} (${d.relation}, ${d.classification})`);
    for (const c of d.criteria) write(`      ${c.name.padEnd(12)} ${c.value}: ${c.verdict} (${c.note})`);
  }
}

/**
 * `cgtlink hla reduce | match | search | family` over an IPD-IMGT/HLA release folder given with `--imgt DIR` (the WMDA
 * files are read at run time, never shipped). Exit 0 success, 2 bad usage or an unknown/deleted name.
 */
export function registerHla(program: Command): void {
  const hla = program
    .command('hla')
    .description('HLA typing: reduction, patient–donor matching, registry search, family evaluation');

  hla
    .command('reduce')
    .description('reduce a typing or GL String to G, P, lg, lgx, exon, U2 or S')
    .requiredOption('--imgt <dir>', 'IPD-IMGT/HLA release folder (with wmda/ and tce/)')
    .requiredOption('--to <level>', `reduction level: ${REDUCTION_LEVELS.join(', ')}`)
    .option('--mac <file>', 'NMDP multiple-allele code file (alpha.v3.txt layout)')
    .argument('<gl>', 'typing or GL String, e.g. "A*01:01:01:01+A*02:01:01:01^B*08:01:01:01"')
    .action((gl: string, options: { imgt: string; to: string; mac?: string }) => {
      if (!isReductionLevel(options.to)) {
        throw new UsageError(`--to: "${options.to}" is not one of ${REDUCTION_LEVELS.join(', ')}`);
      }
      const level = options.to;
      const release = readImgtRelease(options.imgt);
      const mac = readMac(options.mac);
      const reduced = usage(() => reduceGlString(release, gl, level, mac ? { mac } : {}));
      process.stdout.write(`${reduced}\n`);
    });

  hla
    .command('match')
    .description(
      'match a patient against a donor per locus (A, B, C, DRB1, DQB1, DPB1) and grade x/8, x/10, x/12',
    )
    .requiredOption('--imgt <dir>', 'IPD-IMGT/HLA release folder')
    .requiredOption('--patient <gl>', 'patient GL String')
    .requiredOption('--donor <gl>', 'donor GL String')
    .option('--mac <file>', 'NMDP multiple-allele code file')
    .option('--json', 'print the result as JSON')
    .action((options: { imgt: string; patient: string; donor: string; mac?: string; json?: boolean }) => {
      const release = readImgtRelease(options.imgt);
      const mac = readMac(options.mac);
      const result = usage(() => matchGlStrings(release, options.patient, options.donor, mac ? { mac } : {}));
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ release: release.version, ...result }, null, 2)}\n`);
        return;
      }
      for (const locus of result.loci) process.stdout.write(`${describeLocus(locus)}\n`);
      const grade = (g: typeof result.best) =>
        [`${g.of8 ?? '?'}/8`, `${g.of10 ?? '?'}/10`, `${g.of12 ?? '?'}/12`].join(', ');
      const same = JSON.stringify(result.best) === JSON.stringify(result.worst);
      process.stdout.write(
        same
          ? `grade ${grade(result.best)}\n`
          : `grade best ${grade(result.best)}; worst ${grade(result.worst)}\n`,
      );
    });

  hla
    .command('search')
    .description('find and rank registry donors with at most K mismatches at the chosen loci')
    .requiredOption('--imgt <dir>', 'IPD-IMGT/HLA release folder')
    .requiredOption(
      '--donors <file>',
      'donor CSV: id, A, B, C, DRB1, DQB1, DPB1, age, sex, cmv, abo, registry',
    )
    .requiredOption('--patient <gl>', 'patient GL String (one allele per chromosome at each searched locus)')
    .requiredOption('--max-mismatches <k>', 'most mismatches allowed over the searched loci')
    .option('--loci <list>', 'searched loci, comma-separated (default A,B,C,DRB1)')
    .option('--limit <n>', 'most donors printed (default 20)')
    .option('--min-age <years>', 'youngest donor age')
    .option('--max-age <years>', 'oldest donor age')
    .option('--sex <list>', 'donor sexes allowed: M,F,U')
    .option('--cmv <list>', 'donor CMV serostatus allowed: pos,neg,unknown')
    .option('--abo <list>', 'donor ABO groups allowed: O,A,B,AB,unknown')
    .option('--registry <list>', 'registries allowed')
    .option(
      '--patient-cmv <status>',
      'patient CMV serostatus (pos, neg, unknown) for the CMV ranking criterion',
    )
    .option('--mac <file>', 'NMDP multiple-allele code file')
    .option('--verify', 'also run the brute-force search and fail (exit 1) if it differs')
    .option('--json', 'print the hits as JSON')
    .action((options: SearchOptions) => {
      const release = readImgtRelease(options.imgt);
      const mac = readMac(options.mac);
      const donors = readDonors(release, options.donors, mac);
      const tce = (name: string) => tceGroup(release, name);
      const index = new RegistryIndex(tce, { initialCapacity: donors.length });
      for (const donor of donors) usage(() => index.upsert(donor.record));
      const minAge = integerOption('--min-age', options.minAge);
      const maxAge = integerOption('--max-age', options.maxAge);
      const sex = listOption('--sex', options.sex, SEXES);
      const cmv = listOption('--cmv', options.cmv, CMV_STATUSES);
      const abo = listOption('--abo', options.abo, ABO_GROUPS);
      const patientCmv = listOption('--patient-cmv', options.patientCmv, CMV_STATUSES)?.[0];
      const loci = parseLoci(options.loci);
      const query: SearchQuery = {
        patient: unambiguousTyping(release, options.patient, '--patient', mac),
        maxMismatches: integerOption('--max-mismatches', options.maxMismatches) ?? 0,
        limit: integerOption('--limit', options.limit) ?? 20,
        ...(loci ? { loci } : {}),
        ...(patientCmv ? { patientCmv } : {}),
        filters: {
          ...(minAge !== undefined ? { minAge } : {}),
          ...(maxAge !== undefined ? { maxAge } : {}),
          ...(sex ? { sex } : {}),
          ...(cmv ? { cmv } : {}),
          ...(abo ? { abo } : {}),
          ...(options.registry ? { registries: options.registry.split(',') } : {}),
        },
      };
      const hits = usage(() => index.search(query));
      if (options.verify) {
        const expected = bruteForceSearch(
          donors.map((d) => d.record),
          query,
          tce,
        );
        if (JSON.stringify(expected) !== JSON.stringify(hits)) {
          process.stderr.write('index and brute-force search differ\n');
          process.exitCode = 1;
        }
      }
      const rows = hits.map((hit) => ({ id: donors[hit.donorNo]?.id ?? String(hit.donorNo), ...hit }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      process.stdout.write(`${hits.length} donor(s) with ≤ ${query.maxMismatches} mismatch(es)\n`);
      for (const row of rows) {
        const loci = row.loci
          .map((l) => `${l.locus} ${l.untyped ? 'untyped' : `${2 - l.mismatches}/2`}`)
          .join(', ');
        process.stdout.write(
          `${row.id}\t${row.mismatches} MM (GvH ${row.gvh}, HvG ${row.hvg})\tDPB1 ${row.dpb1}\t${row.age} y ${row.sex} CMV ${row.cmv} ${row.abo} ${row.registry}\t${loci}\n`,
        );
      }
    });

  hla
    .command('family')
    .description(
      "infer the patient's haplotypes from the family, classify each relative (HLA-identical, haploidentical, " +
        'mismatched, undetermined) and rank the relatives as donors',
    )
    .requiredOption('--imgt <dir>', 'IPD-IMGT/HLA release folder')
    .requiredOption('--family <file>', 'family JSON file (format below)')
    .option('--policy <name>', 'ranking policy: ebmt (Ciurea 2020) or china (CSH consensus, Xu 2018)', 'ebmt')
    .option('--avoid-mfi <mfi>', `DSA MFI from which a donor is to be avoided (default ${DSA_AVOID_MFI})`)
    .option('--caution-mfi <mfi>', `DSA MFI from which a donor needs caution (default ${DSA_CAUTION_MFI})`)
    .option('--age-band <years>', `age band compared before sex and CMV (default ${AGE_BAND_YEARS})`)
    .option('--json', 'print the evaluation as JSON')
    .addHelpText('after', FAMILY_FORMAT)
    .action(
      (options: {
        imgt: string;
        family: string;
        policy: string;
        avoidMfi?: string;
        cautionMfi?: string;
        ageBand?: string;
        json?: boolean;
      }) => {
        const policy = listOption('--policy', options.policy, ['ebmt', 'china'] as const)?.[0] ?? 'ebmt';
        const avoidMfi = integerOption('--avoid-mfi', options.avoidMfi) ?? DSA_AVOID_MFI;
        const cautionMfi = integerOption('--caution-mfi', options.cautionMfi) ?? DSA_CAUTION_MFI;
        const ageBandYears = integerOption('--age-band', options.ageBand) ?? AGE_BAND_YEARS;
        if (cautionMfi > avoidMfi) throw new UsageError('--caution-mfi: must not exceed --avoid-mfi');
        if (ageBandYears === 0) throw new UsageError('--age-band: must be at least 1');
        const release = readImgtRelease(options.imgt);
        const input = readFamilyFile(release, options.family);
        const needsAntigens = (input.patient.antibodies ?? []).some(
          (ab) => !String(ab.specificity).includes('*'),
        );
        const rankingOptions: RankingOptions = {
          policy,
          avoidMfi,
          cautionMfi,
          ageBandYears,
          ...(needsAntigens ? { antigensOf: lgxAntigens(release) } : {}),
        };
        const result = usage(() => evaluateFamily(input, rankingOptions));
        if (options.json) {
          const thresholds = { avoidMfi, cautionMfi, ageBandYears };
          process.stdout.write(
            `${JSON.stringify({ release: release.version, policy, thresholds, ...result }, null, 2)}\n`,
          );
          return;
        }
        printFamily(result, policy);
      },
    );

  hla.action(() => {
    throw new UsageError('hla needs a sub-command: reduce, match, search or family');
  });
}
