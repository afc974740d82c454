/**
 * Genotype signatures: one byte per donor and locus, a hash of the donor's unordered pair of allele ids (0 when
 * the locus is untyped). Four loci are packed into one 32-bit word so that a search tests them at once.
 *
 * Why it bounds the search: a locus counts 0 mismatches exactly when donor and patient carry the same set of
 * expressed alleles (or the donor is untyped), and every other locus counts at least 1. A donor within
 * `maxMismatches` over L searched loci therefore has the patient's exact genotype (or no typing) at no fewer than
 * L − maxMismatches of them. Equal genotypes give equal bytes, so a donor whose bytes equal the patient's (or are
 * 0) at fewer loci than that cannot be a hit; hash collisions only let extra donors through to the exact check.
 */

/** Signature byte of an untyped locus; genotype bytes are 1..255. */
export const UNTYPED_BYTE = 0;

/**
 * Signature byte of the unordered genotype {x, y} of allele ids (1..255): a 32-bit integer mix (multiply–xorshift,
 * as in MurmurHash3's finaliser) of the smaller and larger id, reduced modulo 255.
 */
export function genotypeByte(x: number, y: number): number {
  const lo = Math.min(x, y);
  const hi = Math.max(x, y);
  let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi + 0x10001, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return 1 + ((h >>> 0) % 255);
}

/**
 * Bit 7 of each byte of `word` (four 8-bit lanes) set where that byte is zero, all other bits clear. Adding 0x7f
 * to the low seven bits of a lane never carries into the next lane, so the test is exact (no false zero).
 */
export function zeroLanes(word: number): number {
  // `| 0` keeps the sum a 32-bit integer: without it V8 computes the overflowing add in doubles (10× slower).
  const t = ((word & 0x7f7f7f7f) + 0x7f7f7f7f) | 0 | word;
  return ~t & 0x80808080;
}

/** Number of lanes flagged by zeroLanes (bits 7, 15, 23, 31): a byte-wise sum through one multiplication. */
export function laneCount(flags: number): number {
  return Math.imul(flags >>> 7, 0x01010101) >>> 24;
}

/**
 * Calls `visit(i)` for each slot i < size whose low signature word has at least `required` counted lanes: equal
 * to the patient's lane, untyped (0), or flagged in `always` (loci not searched). The whole-registry pass of a
 * search; the lane tests live in this module so that the JIT inlines them into the loop.
 */
export function scanLowSignatures(
  words: Int32Array,
  size: number,
  patient: number,
  always: number,
  required: number,
  visit: (i: number) => void,
): void {
  for (let i = 0; i < size; i++) {
    const word = words[i] as number;
    if (laneCount(zeroLanes(word ^ patient) | zeroLanes(word) | always) >= required) visit(i);
  }
}
