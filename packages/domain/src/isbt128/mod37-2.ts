/**
 * ISO/IEC 7064 MOD 37-2, the pure check-character system ISBT 128 uses for the Donation Identification Number
 * (ICCBBA ST-001 ISBT 128 Standard Technical Specification; worked example in JPAC "Red Book", Annex 2).
 *
 * Each character has a value (0–9 → 0–9, A–Z → 10–35, `*` → 36). With n the position counted from the right
 * (the rightmost data character is n = 1), the checksum is (38 − Σ value·2ⁿ mod 37) mod 37. Because 2 has order
 * 36 modulo the prime 37, the scheme detects every single-character substitution and every transposition of
 * two adjacent characters in strings of up to 35 data characters.
 */
export const MOD37_2_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*';

const MODULUS = 37;

/** The ISO 7064 value of one character (`0`–`9`, `A`–`Z`, `*`), or `undefined` for any other character. */
export function mod37CharValue(char: string): number | undefined {
  if (char.length !== 1) return undefined;
  const index = MOD37_2_ALPHABET.indexOf(char);
  return index < 0 ? undefined : index;
}

/**
 * The ISO/IEC 7064 MOD 37-2 checksum (0–36) of `data` (upper-case `0-9A-Z` only; `*` is a check value, not
 * data). Throws a RangeError naming the first character outside that set.
 */
export function mod37_2Checksum(data: string): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const char = data.charAt(i);
    const value = mod37CharValue(char);
    if (value === undefined || value === 36) {
      throw new RangeError(`data: character "${char}" at position ${i + 1} is not 0-9 or A-Z`);
    }
    // Horner form of Σ value·2ⁿ: doubling after each character gives the rightmost one the weight 2¹.
    sum = ((sum + value) * 2) % MODULUS;
  }
  return (38 - sum) % MODULUS;
}

/** The ISO/IEC 7064 MOD 37-2 check character of `data` (one of `0-9`, `A-Z`, `*`). */
export function mod37_2CheckCharacter(data: string): string {
  return MOD37_2_ALPHABET.charAt(mod37_2Checksum(data));
}
