/**
 * β-globin (HBB) genotype of a thalassaemia patient as the registries record it (CIBMTR hemoglobinopathy forms,
 * DESIGN.md §3.6): each allele's class — β0 (no β-globin), β+ (reduced), βE (HbE, a mild β+), or normal β — with
 * its HGVS coding-DNA variant, e.g. c.126_129delCTTT (β0, common in southern China) or c.79G>A (HbE).
 */
export const HBB_ALLELE_CLASSES = ['β0', 'β+', 'βE', 'β'] as const;
export type HbbAlleleClass = (typeof HBB_ALLELE_CLASSES)[number];

export interface HbbAllele {
  readonly alleleClass: HbbAlleleClass;
  /** HGVS coding-DNA notation on NM_000518.5, e.g. `c.126_129delCTTT`; null for a normal allele. */
  readonly hgvs: string | null;
}

// HGVS c. notation: positions (with -, *, + and _ ranges) followed by the change; kept permissive on purpose.
const HGVS_C = /^c\.[-*]?\d+([+-]\d+)?(_[-*]?\d+([+-]\d+)?)?[ACGTa-z>_0-9]+$/;

/** Validates one allele: a known class and, for an abnormal one, a plausible HGVS c. variant. */
export function validateHbbAllele(allele: HbbAllele, field: string): HbbAllele {
  if (!(HBB_ALLELE_CLASSES as readonly string[]).includes(allele.alleleClass)) {
    throw new RangeError(`${field}.alleleClass: expected one of ${HBB_ALLELE_CLASSES.join(', ')}`);
  }
  if (allele.alleleClass !== 'β' && (allele.hgvs === null || !HGVS_C.test(allele.hgvs))) {
    throw new RangeError(`${field}.hgvs: expected an HGVS coding-DNA variant such as c.126_129delCTTT`);
  }
  return allele;
}

/**
 * The genotype label with the more severe allele first (β0 before βE before β+ before β), e.g. `βE/β0` is
 * written `β0/βE`, so that equal genotypes compare equal.
 */
export function genotypeLabel(a: HbbAllele, b: HbbAllele): string {
  const order: Record<HbbAlleleClass, number> = { β0: 0, βE: 1, 'β+': 2, β: 3 };
  const [first, second] = order[a.alleleClass] <= order[b.alleleClass] ? [a, b] : [b, a];
  return `${first.alleleClass}/${second.alleleClass}`;
}

/** β0/β0: the genotype several gene-therapy programmes first excluded or studied separately (HGB-212). */
export function isBeta0Beta0(a: HbbAllele, b: HbbAllele): boolean {
  return a.alleleClass === 'β0' && b.alleleClass === 'β0';
}
