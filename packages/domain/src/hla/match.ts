/**
 * Patient–donor HLA matching per locus (A, B, C, DRB1, DQB1, DPB1).
 * - Allele level: the same antigen-recognition-domain allele (lgx, see reduce.ts); antigen level: the same
 *   serologic antigen (rel_dna_ser.txt, broad/split per rel_ser_ser.txt). A mismatch is an "allele" mismatch when
 *   the antigen still matches, an "antigen" mismatch otherwise (NMDP/CIBMTR usage; Lee SJ et al., Blood
 *   2007;110:4576–4583).
 * - Direction: a patient allele absent from the donor is a graft-versus-host (GvH) target; a donor allele absent
 *   from the patient is a host-versus-graft (HvG) target. A homozygous side gives one-way mismatches, and null
 *   alleles, which are not expressed, count as if the other allele were present twice.
 * - The locus mismatch count is the larger of the two directions; the grade counts matched alleles over A, B, C,
 *   DRB1 (x/8), + DQB1 (x/10), + DPB1 (x/12).
 * - Ambiguous typings (allele lists, genotype lists) are expanded; the best and worst case are reported.
 */
import { HlaNameError, splitAlleleName } from './allele-name';
import { type GlString, parseGlString } from './gl-string';
import { lgxOfAllele } from './reduce';
import { type HlaRelease, isNullAllele } from './release';
import { type ResolveOptions, resolveAlleleToken } from './resolve';
import { alleleAntigens, antigensMatch, looksLikeAntigen, parseAntigen } from './serology';
import { dpb1Permissiveness, type TcePermissiveness } from './tce';

export const MATCH_LOCI = ['A', 'B', 'C', 'DRB1', 'DQB1', 'DPB1'] as const;
export type MatchLocus = (typeof MATCH_LOCI)[number];

/** One possibility for one chromosome at one locus, after reduction to the matching level. */
export interface MatchUnit {
  /** lgx name for a DNA typing; undefined for a serologic typing. */
  allele?: string;
  antigens: string[];
  isNull: boolean;
}

/** The possible genotypes of one locus: each genotype has two slots, each slot a list of possible units. */
export type LocusTyping = [MatchUnit[], MatchUnit[]][];

/** Ceiling on patient × donor combinations per locus; beyond it the typing must be narrowed first. */
export const MAX_COMBINATIONS = 200_000;

export type MismatchLevel = 'allele' | 'antigen';
export type Direction = 'none' | 'GvH' | 'HvG' | 'bidirectional';

/** One resolved patient/donor pairing at one locus. */
export interface LocusOutcome {
  patient: [string, string];
  donor: [string, string];
  gvh: number;
  hvg: number;
  mismatches: number;
  direction: Direction;
  /** Mismatch levels of the mismatched slots, GvH side first. */
  gvhLevels: MismatchLevel[];
  hvgLevels: MismatchLevel[];
  tce?: TcePermissiveness;
}

export interface LocusMatch {
  locus: MatchLocus;
  typed: boolean;
  ambiguous: boolean;
  best?: LocusOutcome;
  worst?: LocusOutcome;
}

export interface MatchGrade {
  of8?: number;
  of10?: number;
  of12?: number;
}

export interface MatchResult {
  loci: LocusMatch[];
  best: MatchGrade;
  worst: MatchGrade;
}

function unitName(unit: MatchUnit): string {
  return unit.allele ?? unit.antigens.join('/');
}

/** Turns one GL token into match units (one per distinct lgx allele, or one per antigen). */
export function tokenUnits(release: HlaRelease, token: string, options: ResolveOptions = {}): MatchUnit[] {
  if (looksLikeAntigen(token)) {
    return [{ antigens: [parseAntigen(release, token).name], isNull: false }];
  }
  const seen = new Map<string, MatchUnit>();
  for (const allele of resolveAlleleToken(release, token, options).alleles) {
    const lgx = lgxOfAllele(release, allele);
    const unit = seen.get(lgx);
    const antigens = alleleAntigens(release, allele);
    if (unit) unit.antigens = [...new Set([...unit.antigens, ...antigens])];
    else seen.set(lgx, { allele: lgx, antigens, isNull: isNullAllele(allele) });
  }
  return [...seen.values()];
}

/** Allele locus of a serologic antigen's locus (DR51–53 belong to DRB5/3/4 and are not matched here). */
const ANTIGEN_TO_ALLELE_LOCUS: Readonly<Record<string, string>> = {
  A: 'A',
  B: 'B',
  Cw: 'C',
  DR: 'DRB1',
  DQ: 'DQB1',
  DPw: 'DPB1',
};

function tokenLocus(release: HlaRelease, token: string): string {
  if (looksLikeAntigen(token)) {
    const locus = parseAntigen(release, token).locus;
    return ANTIGEN_TO_ALLELE_LOCUS[locus] ?? locus;
  }
  return splitAlleleName(token).locus;
}

/**
 * Splits a parsed GL String into per-locus typings. Haplotypes (`~`) are projected onto each locus; a genotype
 * with one chromosome only at a locus is read as homozygous (the usual reporting of a homozygous typing).
 */
export function typingsByLocus(
  release: HlaRelease,
  gl: GlString,
  options: ResolveOptions = {},
): Map<string, LocusTyping> {
  const out = new Map<string, LocusTyping>();
  for (const genotypeList of gl) {
    const perLocus = new Map<string, LocusTyping>();
    for (const genotype of genotypeList) {
      if (genotype.length > 2) {
        throw new HlaNameError(
          genotype.flat(2).join('+'),
          'a genotype has at most two chromosomes ("+" once)',
        );
      }
      const slotsByLocus = new Map<string, MatchUnit[][]>();
      for (const haplotype of genotype) {
        for (const list of haplotype) {
          const locus = tokenLocus(release, list[0] ?? '');
          const units = list.flatMap((token) => {
            if (tokenLocus(release, token) !== locus)
              throw new HlaNameError(token, `mixes loci ${locus} in one allele list`);
            return tokenUnits(release, token, options);
          });
          const slots = slotsByLocus.get(locus) ?? [];
          slots.push(units);
          slotsByLocus.set(locus, slots);
        }
      }
      for (const [locus, slots] of slotsByLocus) {
        const pair: [MatchUnit[], MatchUnit[]] = [slots[0] ?? [], slots[1] ?? slots[0] ?? []];
        const typing = perLocus.get(locus) ?? [];
        typing.push(pair);
        perLocus.set(locus, typing);
      }
    }
    for (const [locus, typing] of perLocus) {
      if (out.has(locus)) throw new HlaNameError(locus, `locus ${locus} appears twice in the GL String`);
      out.set(locus, typing);
    }
  }
  return out;
}

function sameAllele(a: MatchUnit, b: MatchUnit): boolean {
  if (a.allele !== undefined && b.allele !== undefined) return a.allele === b.allele;
  return false;
}

function sameAntigen(release: HlaRelease, a: MatchUnit, b: MatchUnit): boolean {
  return a.antigens.some((x) => b.antigens.some((y) => antigensMatch(release, x, y)));
}

/** Two-sided comparison of a serologic unit: equal when allele-matched or, for a serologic typing, antigen-matched. */
function present(release: HlaRelease, unit: MatchUnit, side: MatchUnit[]): MismatchLevel | 'match' {
  if (side.some((other) => sameAllele(unit, other))) return 'match';
  const serologic = unit.allele === undefined || side.some((o) => o.allele === undefined);
  const antigenMatched = side.some((other) => sameAntigen(release, unit, other));
  if (serologic && antigenMatched) return 'match';
  return antigenMatched ? 'allele' : 'antigen';
}

/** Expressed pair: a null allele stands for the other chromosome's allele (not expressed: WHO 2010). */
function expressed(pair: [MatchUnit, MatchUnit]): MatchUnit[] {
  const [a, b] = pair;
  if (a.isNull && b.isNull) return [];
  if (a.isNull) return [b, b];
  if (b.isNull) return [a, a];
  return [a, b];
}

/** Compares one patient genotype with one donor genotype at one locus. */
export function compareGenotypes(
  release: HlaRelease,
  locus: string,
  patient: [MatchUnit, MatchUnit],
  donor: [MatchUnit, MatchUnit],
): LocusOutcome {
  const p = expressed(patient);
  const d = expressed(donor);
  const gvhLevels: MismatchLevel[] = [];
  const hvgLevels: MismatchLevel[] = [];
  for (const unit of p) {
    const r = present(release, unit, d);
    if (r !== 'match') gvhLevels.push(r);
  }
  for (const unit of d) {
    const r = present(release, unit, p);
    if (r !== 'match') hvgLevels.push(r);
  }
  const gvh = gvhLevels.length;
  const hvg = hvgLevels.length;
  const direction: Direction =
    gvh > 0 && hvg > 0 ? 'bidirectional' : gvh > 0 ? 'GvH' : hvg > 0 ? 'HvG' : 'none';
  const outcome: LocusOutcome = {
    patient: [unitName(patient[0]), unitName(patient[1])],
    donor: [unitName(donor[0]), unitName(donor[1])],
    gvh,
    hvg,
    mismatches: Math.max(gvh, hvg),
    direction,
    gvhLevels,
    hvgLevels,
  };
  if (locus === 'DPB1') {
    const names = (units: MatchUnit[]) => units.map((u) => u.allele ?? '').filter((n) => n !== '');
    outcome.tce = dpb1Permissiveness(release, names(p), names(d), gvh === 0 && hvg === 0).permissiveness;
  }
  return outcome;
}

function* genotypeChoices(typing: LocusTyping): Generator<[MatchUnit, MatchUnit]> {
  for (const [first, second] of typing) {
    for (const a of first) for (const b of second) yield [a, b];
  }
}

function choiceCount(typing: LocusTyping): number {
  return typing.reduce((sum, [a, b]) => sum + a.length * b.length, 0);
}

/** Orders outcomes: fewer mismatches, then fewer mismatches in both directions together. */
function better(a: LocusOutcome, b: LocusOutcome): boolean {
  if (a.mismatches !== b.mismatches) return a.mismatches < b.mismatches;
  return a.gvh + a.hvg < b.gvh + b.hvg;
}

/** Matches one locus over every combination of the two typings and keeps the best and the worst case. */
export function matchLocus(
  release: HlaRelease,
  locus: MatchLocus,
  patient: LocusTyping | undefined,
  donor: LocusTyping | undefined,
): LocusMatch {
  if (!patient || !donor) return { locus, typed: false, ambiguous: false };
  const combinations = choiceCount(patient) * choiceCount(donor);
  if (combinations > MAX_COMBINATIONS) {
    throw new RangeError(
      `${locus}: ${combinations} patient × donor combinations (limit ${MAX_COMBINATIONS}); narrow the typing`,
    );
  }
  let best: LocusOutcome | undefined;
  let worst: LocusOutcome | undefined;
  const seen = new Set<number>();
  for (const p of genotypeChoices(patient)) {
    for (const d of genotypeChoices(donor)) {
      const outcome = compareGenotypes(release, locus, p, d);
      seen.add(outcome.mismatches * 10 + outcome.gvh + outcome.hvg);
      if (!best || better(outcome, best)) best = outcome;
      if (!worst || better(worst, outcome)) worst = outcome;
    }
  }
  return {
    locus,
    typed: true,
    ambiguous: seen.size > 1,
    ...(best ? { best } : {}),
    ...(worst ? { worst } : {}),
  };
}

function grade(loci: LocusMatch[], pick: (l: LocusMatch) => LocusOutcome | undefined): MatchGrade {
  const matched = (names: readonly string[]): number | undefined => {
    let sum = 0;
    for (const name of names) {
      const outcome = loci.find((l) => l.locus === name);
      const chosen = outcome ? pick(outcome) : undefined;
      if (!chosen) return undefined;
      sum += 2 - chosen.mismatches;
    }
    return sum;
  };
  const result: MatchGrade = {};
  const of8 = matched(['A', 'B', 'C', 'DRB1']);
  const of10 = matched(['A', 'B', 'C', 'DRB1', 'DQB1']);
  const of12 = matched(MATCH_LOCI);
  if (of8 !== undefined) result.of8 = of8;
  if (of10 !== undefined) result.of10 = of10;
  if (of12 !== undefined) result.of12 = of12;
  return result;
}

/** Matches a patient GL String against a donor GL String at A, B, C, DRB1, DQB1 and DPB1 and grades the pair. */
export function matchGlStrings(
  release: HlaRelease,
  patientGl: string,
  donorGl: string,
  options: ResolveOptions = {},
): MatchResult {
  const patient = typingsByLocus(release, parseGlString(patientGl), options);
  const donor = typingsByLocus(release, parseGlString(donorGl), options);
  const loci = MATCH_LOCI.map((locus) => matchLocus(release, locus, patient.get(locus), donor.get(locus)));
  return { loci, best: grade(loci, (l) => l.best), worst: grade(loci, (l) => l.worst) };
}
