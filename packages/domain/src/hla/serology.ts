/**
 * Serologically defined HLA antigens (`A2`, `B62`, `Cw3`, `DR17`, `DQ7`) with their broad/split and associated
 * relations from rel_ser_ser.txt, and the serologic equivalents of alleles from rel_dna_ser.txt (IPD-IMGT/HLA
 * wmda/README.md; WHO 2010 nomenclature report, "Serological nomenclature").
 */
import { HlaNameError, stripHlaPrefix } from './allele-name';
import type { HlaRelease } from './release';

/** A serologic antigen: locus as WHO writes it for antigens (A, B, Cw, DR, DQ, DPw) and its number. */
export interface Antigen {
  locus: string;
  number: string;
  name: string;
  /** The broad antigen this one is a split of (B62 → B15), if any. */
  broad?: string;
  /** The antigen this one is associated with (A203 → A2), if any. */
  associatedWith?: string;
  /** Splits of this antigen when it is a broad one (B15 → B62, B63, B75, B76, B77). */
  splits: string[];
}

/** Allele locus → locus of its serologic antigens (WHO 2010: C antigens keep the `w`, DRB3/4/5 give DR51–53). */
export const SEROLOGY_LOCUS: Readonly<Record<string, string>> = {
  A: 'A',
  B: 'B',
  C: 'Cw',
  DRB1: 'DR',
  DRB3: 'DR',
  DRB4: 'DR',
  DRB5: 'DR',
  DQB1: 'DQ',
  DPB1: 'DPw',
};

const ANTIGEN = /^(A|B|Cw|C|DR|DQ|DPw|Bw)(\d+)$/;

/** True when the token has the shape of a serologic antigen (not necessarily a known one). */
export function looksLikeAntigen(token: string): boolean {
  return ANTIGEN.test(stripHlaPrefix(token.trim()));
}

/**
 * Parses a serologic antigen (`A2`, `HLA-B62`, `Cw3` or `C3`, `DR17`) and attaches its broad/split relations
 * from rel_ser_ser.txt. Throws HlaNameError naming the token when the release does not list the antigen.
 */
export function parseAntigen(release: HlaRelease, token: string): Antigen {
  const match = ANTIGEN.exec(stripHlaPrefix(token.trim()));
  if (!match) throw new HlaNameError(token, 'not a serologic antigen (expected e.g. A2, B62, Cw3, DR17)');
  const locus = match[1] === 'C' ? 'Cw' : (match[1] ?? '');
  const number = match[2] ?? '';
  if (!release.antigens.get(locus)?.has(number)) {
    throw new HlaNameError(
      token,
      `unknown serologic antigen ${locus}${number} in IPD-IMGT/HLA ${release.version}`,
    );
  }
  return describeAntigen(release, locus, number);
}

function describeAntigen(release: HlaRelease, locus: string, number: string): Antigen {
  const antigen: Antigen = { locus, number, name: `${locus}${number}`, splits: [] };
  for (const relation of release.serologyRelations) {
    if (relation.locus !== locus) continue;
    if (relation.broad === number) antigen.splits = relation.splits.map((s) => `${locus}${s}`);
    if (relation.splits.includes(number)) antigen.broad = `${locus}${relation.broad}`;
    if (relation.associated.includes(number)) antigen.associatedWith = `${locus}${relation.broad}`;
  }
  return antigen;
}

/**
 * Serologic antigens of an allele from rel_dna_ser.txt: the unambiguous antigen, else the possible ones, else the
 * assumed one; [] for a null allele (0) or an allele without a serologic equivalent (?).
 */
export function alleleAntigens(release: HlaRelease, allele: string): string[] {
  const serology = release.serology.get(allele);
  const locus = SEROLOGY_LOCUS[allele.slice(0, allele.indexOf('*'))];
  if (!serology || !locus) return [];
  return serology.antigens.filter((a) => a !== '0' && a !== '?').map((a) => `${locus}${a}`);
}

/**
 * The antigens that a typing of `name` cannot be told apart from at the antigen level: itself, its broad antigen
 * (and the broad's other splits when `name` is a broad: a broad typing may be any of its splits), and the antigen
 * it is associated with (rel_ser_ser.txt "Associated Antigen").
 */
export function antigenFamily(release: HlaRelease, name: string): Set<string> {
  const match = ANTIGEN.exec(name);
  if (!match) return new Set([name]);
  const antigen = describeAntigen(release, match[1] ?? '', match[2] ?? '');
  const family = new Set([antigen.name, ...antigen.splits]);
  if (antigen.broad) family.add(antigen.broad);
  if (antigen.associatedWith) family.add(antigen.associatedWith);
  return family;
}

/**
 * Antigen-level match of two antigens: the same antigen, a broad and one of its splits (the broad typing does not
 * exclude the split), or an associated antigen and its parent (rel_ser_ser.txt).
 */
export function antigensMatch(release: HlaRelease, a: string, b: string): boolean {
  if (a === b) return true;
  return antigenFamily(release, a).has(b) || antigenFamily(release, b).has(a);
}
