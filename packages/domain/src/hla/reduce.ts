/**
 * Reduction of typings to the resolutions defined by the WMDA files of an IPD-IMGT/HLA release:
 * - `G`: the G group (identical nucleotide sequence over exons 2+3 class I / exon 2 class II; hla_nom_g.txt);
 * - `P`: the P group (identical protein over the same domains; hla_nom_p.txt);
 * - `lgx`: two fields at the antigen-recognition-domain level, taken from the G group's first member, else from
 *   the P group name, else the allele's own first two fields; `lg`: the same with a `g` suffix;
 * - `exon`: three fields (the coding sequence, no intron variation);
 * - `U2`: two fields only when every allele the typing may be has the same first two fields;
 * - `S`: the serologic equivalent from rel_dna_ser.txt.
 * Null alleles keep their full name in lgx, lg, exon, U2 and S: shorter names would lose the `N` that decides
 * matching (WHO 2010 report: the suffix belongs to the full allele name).
 */
import { HlaNameError, splitAlleleName } from './allele-name';
import { formatGlString, type GlString, mapGlAlleles, parseGlString } from './gl-string';
import { type HlaRelease, isNullAllele } from './release';
import { type ResolveOptions, resolveAlleleToken } from './resolve';
import { alleleAntigens, looksLikeAntigen, parseAntigen } from './serology';

export const REDUCTION_LEVELS = ['G', 'P', 'lg', 'lgx', 'exon', 'U2', 'S'] as const;
export type ReductionLevel = (typeof REDUCTION_LEVELS)[number];

/** True when `level` is one of the reduction levels this module implements. */
export function isReductionLevel(level: string): level is ReductionLevel {
  return (REDUCTION_LEVELS as readonly string[]).includes(level);
}

function twoFields(allele: string): string {
  const parsed = splitAlleleName(allele);
  return `${parsed.locus}*${parsed.fields.slice(0, 2).join(':')}`;
}

/** lgx of one current allele (see the module comment for the rule and its fallbacks). */
export function lgxOfAllele(release: HlaRelease, allele: string): string {
  if (isNullAllele(allele)) return allele;
  const info = release.alleles.get(allele);
  if (info?.gGroup) {
    const first = release.gGroups.get(info.gGroup)?.[0];
    if (first) return twoFields(first);
  }
  if (info?.pGroup) return info.pGroup.slice(0, -1);
  const parsed = splitAlleleName(allele);
  return parsed.fields.length <= 2 ? allele : twoFields(allele);
}

/** Reduces one current allele to `level` (one name, or several antigens for a possible serology). */
export function reduceAllele(release: HlaRelease, allele: string, level: ReductionLevel): string[] {
  const info = release.alleles.get(allele);
  const parsed = info?.parsed ?? splitAlleleName(allele);
  switch (level) {
    case 'G':
      return [info?.gGroup ?? allele];
    case 'P':
      return [info?.pGroup ?? allele];
    case 'lgx':
      return [lgxOfAllele(release, allele)];
    case 'lg': {
      const lgx = lgxOfAllele(release, allele);
      return [isNullAllele(lgx) ? lgx : `${lgx}g`];
    }
    case 'exon':
      if (parsed.fields.length <= 3 || parsed.suffix !== '') return [allele];
      return [`${parsed.locus}*${parsed.fields.slice(0, 3).join(':')}`];
    case 'U2':
      if (parsed.fields.length <= 2 || parsed.suffix !== '') return [allele];
      return [twoFields(allele)];
    case 'S': {
      const antigens = alleleAntigens(release, allele);
      return antigens.length > 0 ? antigens : [allele];
    }
  }
}

/**
 * Reduces one token (allele name, truncated name, XX or NMDP code, G/P group, old name, or a serologic antigen for
 * `S`) to `level`. The alleles the token stands for are each reduced and the distinct results kept in order.
 */
export function reduceToken(
  release: HlaRelease,
  token: string,
  level: ReductionLevel,
  options: ResolveOptions = {},
): string[] {
  if (looksLikeAntigen(token)) {
    const antigen = parseAntigen(release, token);
    if (level !== 'S') throw new HlaNameError(token, `a serologic antigen cannot be reduced to ${level}`);
    return [antigen.name];
  }
  const resolved = resolveAlleleToken(release, token, options);
  if (level === 'U2') {
    const expressed = resolved.alleles.filter((a) => !isNullAllele(a));
    const pairs = new Set(expressed.map(twoFields));
    if (pairs.size === 1 && expressed.length === resolved.alleles.length) {
      return resolved.alleles.length === 1
        ? reduceAllele(release, resolved.alleles[0] ?? '', 'U2')
        : [...pairs];
    }
    return resolved.alleles.length === 1 ? [...resolved.alleles] : [resolved.name];
  }
  return [...new Set(resolved.alleles.flatMap((allele) => reduceAllele(release, allele, level)))];
}

/** Reduces every allele of a GL String to `level`, keeping its `^ | + ~ /` structure (Milius et al. 2013). */
export function reduceGl(
  release: HlaRelease,
  gl: GlString,
  level: ReductionLevel,
  options: ResolveOptions = {},
) {
  return mapGlAlleles(gl, (allele) => reduceToken(release, allele, level, options));
}

/** Parses, reduces and formats a GL String (the `cgtlink hla reduce` operation). */
export function reduceGlString(
  release: HlaRelease,
  text: string,
  level: ReductionLevel,
  options: ResolveOptions = {},
): string {
  return formatGlString(reduceGl(release, parseGlString(text), level, options));
}
