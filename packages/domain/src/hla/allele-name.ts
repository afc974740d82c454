/**
 * Syntax of HLA allele names (WHO Nomenclature for Factors of the HLA System, 2010 update: Marsh SGE et al.,
 * Tissue Antigens 2010;75:291–455): `HLA-` prefix (optional), locus, `*`, 1–4 colon-separated fields, and an
 * optional expression suffix (N null, L low, S secreted, C cytoplasm, A aberrant, Q questionable).
 * This module only reads the syntax; whether a name exists is decided by `resolve` against a release.
 */

/** Expression suffixes defined by the WHO Nomenclature Committee (2010 report, section "Expression"). */
export const EXPRESSION_SUFFIXES = ['N', 'L', 'S', 'C', 'A', 'Q'] as const;
export type ExpressionSuffix = (typeof EXPRESSION_SUFFIXES)[number];

/** An allele name split into its parts; `fields` are the colon-separated fields without the suffix. */
export interface AlleleName {
  locus: string;
  fields: string[];
  suffix: ExpressionSuffix | '';
}

/** Raised for a token that is not a well-formed or not a known HLA name; `token` is the offending text. */
export class HlaNameError extends Error {
  override name = 'HlaNameError';
  constructor(
    readonly token: string,
    message: string,
  ) {
    super(`${token}: ${message}`);
  }
}

const LOCUS = /^[A-Z][A-Z0-9]*$/;

/** Removes an optional `HLA-` prefix (WHO 2010: "HLA-" precedes every locus name). */
export function stripHlaPrefix(token: string): string {
  return token.startsWith('HLA-') ? token.slice(4) : token;
}

/**
 * Splits a name such as `HLA-A*02:01:01:02L` into locus, fields and suffix (WHO 2010 nomenclature). Fields may
 * be digits, `XX` or letters (an NMDP code) or end in `G`/`P` (group names): the caller decides what they mean.
 */
export function splitAlleleName(token: string): AlleleName {
  const bare = stripHlaPrefix(token.trim());
  const star = bare.indexOf('*');
  if (star <= 0) throw new HlaNameError(token, 'not an allele name (expected LOCUS*FIELDS, e.g. A*02:01)');
  const locus = bare.slice(0, star);
  if (!LOCUS.test(locus)) throw new HlaNameError(token, `bad locus "${locus}"`);
  let rest = bare.slice(star + 1);
  let suffix: ExpressionSuffix | '' = '';
  const last = rest.at(-1) ?? '';
  // A final letter after a digit is an expression suffix; `G`/`P` group markers and codes are left for the caller.
  if ((EXPRESSION_SUFFIXES as readonly string[]).includes(last) && /\d[NLSCAQ]$/.test(rest)) {
    suffix = last as ExpressionSuffix;
    rest = rest.slice(0, -1);
  }
  const fields = rest.split(':');
  if (fields.length === 0 || fields.length > 4 || fields.some((f) => !/^[0-9A-Z]+$/.test(f))) {
    throw new HlaNameError(token, 'malformed fields (expected 1–4 colon-separated fields)');
  }
  return { locus, fields, suffix };
}

/** Formats an allele name back to `LOCUS*F1:F2...SUFFIX` (no `HLA-` prefix, as in the WMDA files). */
export function formatAlleleName(name: AlleleName): string {
  return `${name.locus}*${name.fields.join(':')}${name.suffix}`;
}

/** True when every field is numeric: a real allele or a truncated allele name (not a code or a group). */
export function isNumericName(name: AlleleName): boolean {
  return name.fields.every((f) => /^\d+$/.test(f));
}

/**
 * Candidate modern names for an old, colon-less name (before April 2010, e.g. `A*0111`, `A*020116`): fields of two
 * digits, except that the second field may have three digits once two-digit numbers ran out (WHO 2010 report,
 * "Conversion to the new nomenclature"). Returns every split; the resolver keeps the ones the release knows.
 */
export function oldNameCandidates(digits: string): string[][] {
  const out: string[][] = [];
  const walk = (rest: string, acc: string[]): void => {
    if (rest.length === 0) {
      if (acc.length >= 2) out.push(acc);
      return;
    }
    if (acc.length >= 4) return;
    const widths = acc.length === 1 ? [2, 3] : [2];
    for (const w of widths) if (rest.length >= w) walk(rest.slice(w), [...acc, rest.slice(0, w)]);
  };
  if (/^\d{4,9}$/.test(digits)) walk(digits, []);
  return out;
}
