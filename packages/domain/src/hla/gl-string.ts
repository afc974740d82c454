/**
 * Genotype List (GL) String: Milius RP et al., "Genotype List String: a grammar for describing HLA and KIR
 * genotyping results in a text string", Tissue Antigens 2013;82:106–112. Delimiters by precedence, tightest
 * first: `/` allele list, `~` haplotype (alleles in cis), `+` genotype (the two chromosomes), `|` genotype list
 * (alternative genotypes), `^` locus list (independent loci).
 */
import { HlaNameError } from './allele-name';

/** `a/b`: one of several alleles (or antigens). */
export type AlleleList = string[];
/** `a~b`: alleles of different loci in cis, each position an allele list. */
export type Haplotype = AlleleList[];
/** `h1+h2`: the two haplotypes (or single-locus alleles) of one genotype; at most two for diploid loci. */
export type Genotype = Haplotype[];
/** `g1|g2`: alternative genotypes. */
export type GenotypeList = Genotype[];
/** `x^y`: the typing of several independent loci. */
export type GlString = GenotypeList[];

/** Parses a GL String into its nested structure; throws HlaNameError naming the empty or bad part. */
export function parseGlString(text: string): GlString {
  const trimmed = text.trim();
  if (trimmed === '') throw new HlaNameError(text, 'empty GL String');
  const split = (part: string, delimiter: string, what: string): string[] => {
    const items = part.split(delimiter);
    if (items.some((i) => i.trim() === ''))
      throw new HlaNameError(part, `empty ${what} around "${delimiter}"`);
    return items.map((i) => i.trim());
  };
  return split(trimmed, '^', 'locus').map((locusPart) =>
    split(locusPart, '|', 'genotype').map((genotype) =>
      split(genotype, '+', 'haplotype').map((haplotype) =>
        split(haplotype, '~', 'allele list').map((list) => split(list, '/', 'allele')),
      ),
    ),
  );
}

/** Writes the structure back as a GL String with the same delimiters (inverse of parseGlString). */
export function formatGlString(gl: GlString): string {
  return gl
    .map((gls) => gls.map((g) => g.map((h) => h.map((l) => l.join('/')).join('~')).join('+')).join('|'))
    .join('^');
}

/** Applies `f` to every allele name, keeping the structure; an allele may become an allele list (flattened). */
export function mapGlAlleles(gl: GlString, f: (allele: string) => string[]): GlString {
  return gl.map((gls) =>
    gls.map((g) => g.map((h) => h.map((list) => [...new Set(list.flatMap((allele) => f(allele)))]))),
  );
}

/** Applies `f` to every allele list (the `/` level), keeping the structure above it. */
export function mapGlLists(gl: GlString, f: (list: AlleleList) => AlleleList): GlString {
  return gl.map((gls) => gls.map((g) => g.map((h) => h.map((list) => f(list)))));
}

/** Every allele name of the string, in order of appearance. */
export function glAlleles(gl: GlString): string[] {
  return gl.flat(4);
}
