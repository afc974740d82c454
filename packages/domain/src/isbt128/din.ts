import { MOD37_2_ALPHABET, mod37_2CheckCharacter, mod37_2Checksum } from './mod37-2';

/**
 * The ISBT 128 Donation Identification Number, data structure 001 (ICCBBA ST-001): 13 characters —
 * facility identification number (FIN, 5: a letter then 4 letters or digits), year code (2 digits; it makes
 * the number unique and is not the collection date), sequence number (6 digits) — followed in the bar code by
 * two flag characters, and printed eye-readable with a boxed ISO/IEC 7064 MOD 37-2 check character.
 */
export interface Din {
  /** The 13 characters without spaces, flags or check character, e.g. `G123498654321`. */
  readonly din: string;
  readonly facilityId: string;
  readonly yearCode: string;
  readonly sequence: string;
  /** The eye-readable check character computed from the 13 characters. */
  readonly checkCharacter: string;
  /** The flag check value printed in the flag positions when flags carry the checksum: 60 + checksum. */
  readonly flagCheckValue: number;
}

/** How the two flag characters of data structure 001 are being used. */
export type DinFlagUse =
  | { readonly kind: 'unused' }
  | { readonly kind: 'check-value'; readonly value: number; readonly valid: boolean }
  | { readonly kind: 'process-control'; readonly value: number };

export type DinProblemCode = 'wrong-length' | 'bad-character' | 'wrong-check-character' | 'bad-flags';

/** Why a DIN was rejected: a stable code for programs and an English sentence for people. */
export interface DinProblem {
  readonly code: DinProblemCode;
  readonly message: string;
}

export type DinValidation =
  | { readonly valid: true; readonly value: Din }
  | { readonly valid: false; readonly problems: readonly DinProblem[] };

export const DIN_LENGTH = 13;

// Position rules of data structure 001 (ICCBBA ST-001): FIN = letter + 4 alphanumerics, then 2 + 6 digits.
const POSITION_RULES: readonly { readonly test: RegExp; readonly expected: string }[] = [
  { test: /[A-Z]/, expected: 'an upper-case letter (facility identification number)' },
  ...Array.from({ length: 4 }, () => ({
    test: /[A-Z0-9]/,
    expected: 'a digit or upper-case letter (facility identification number)',
  })),
  ...Array.from({ length: 2 }, () => ({ test: /[0-9]/, expected: 'a digit (year code)' })),
  ...Array.from({ length: 6 }, () => ({ test: /[0-9]/, expected: 'a digit (sequence number)' })),
];

/**
 * Removes what people and scanners add around a DIN: spaces (the eye-readable form groups it as
 * `G1234 98 654321`) and the leading `=` data identifier of the bar code.
 */
export function normalizeDinText(text: string): string {
  const compact = text.replace(/\s+/g, '');
  return compact.startsWith('=') ? compact.slice(1) : compact;
}

function characterProblems(din13: string): DinProblem[] {
  const problems: DinProblem[] = [];
  for (let i = 0; i < din13.length && i < POSITION_RULES.length; i++) {
    const rule = POSITION_RULES[i]!;
    const char = din13.charAt(i);
    if (!rule.test.test(char)) {
      problems.push({
        code: 'bad-character',
        message: `bad character "${char}" at position ${i + 1}: expected ${rule.expected}`,
      });
    }
  }
  return problems;
}

function buildDin(din13: string): Din {
  const checksum = mod37_2Checksum(din13);
  return {
    din: din13,
    facilityId: din13.slice(0, 5),
    yearCode: din13.slice(5, 7),
    sequence: din13.slice(7, 13),
    checkCharacter: MOD37_2_ALPHABET.charAt(checksum),
    flagCheckValue: 60 + checksum,
  };
}

/**
 * Parses the 13-character DIN (ICCBBA ST-001 data structure 001, without flags or check character) and
 * computes its check character and flag check value. Spaces and a leading `=` are ignored.
 */
export function parseDin(text: string): DinValidation {
  const din13 = normalizeDinText(text);
  if (din13.length !== DIN_LENGTH) {
    return {
      valid: false,
      problems: [
        {
          code: 'wrong-length',
          message: `wrong length: a DIN has ${DIN_LENGTH} characters, got ${din13.length}`,
        },
      ],
    };
  }
  const problems = characterProblems(din13);
  if (problems.length > 0) return { valid: false, problems };
  return { valid: true, value: buildDin(din13) };
}

/** The ISO/IEC 7064 MOD 37-2 check character of a 13-character DIN; throws a RangeError if the DIN is malformed. */
export function dinCheckCharacter(text: string): string {
  const parsed = parseDin(text);
  if (!parsed.valid) throw new RangeError(`din: ${parsed.problems.map((p) => p.message).join('; ')}`);
  return mod37_2CheckCharacter(parsed.value.din);
}

/**
 * Validates a keyed or scanned eye-readable DIN followed by its check character (14 characters, e.g.
 * `G123498654321H`): wrong length, a character not allowed at its position, or a check character that does
 * not match are reported (ICCBBA ST-001: a DIN whose check character is wrong must be rejected).
 */
export function validateDinWithCheck(text: string): DinValidation {
  const compact = normalizeDinText(text);
  if (compact.length !== DIN_LENGTH + 1) {
    return {
      valid: false,
      problems: [
        {
          code: 'wrong-length',
          message: `wrong length: a DIN with its check character has ${DIN_LENGTH + 1} characters, got ${compact.length}`,
        },
      ],
    };
  }
  const din13 = compact.slice(0, DIN_LENGTH);
  const given = compact.charAt(DIN_LENGTH);
  const problems = characterProblems(din13);
  if (!MOD37_2_ALPHABET.includes(given)) {
    problems.push({
      code: 'bad-character',
      message: `bad character "${given}" at position ${DIN_LENGTH + 1}: a check character is 0-9, A-Z or *`,
    });
  }
  if (problems.length > 0) return { valid: false, problems };
  const value = buildDin(din13);
  if (value.checkCharacter !== given) {
    return {
      valid: false,
      problems: [
        {
          code: 'wrong-check-character',
          message: `wrong check character: expected "${value.checkCharacter}", got "${given}"`,
        },
      ],
    };
  }
  return { valid: true, value };
}

/**
 * Interprets the two flag characters of data structure 001 (ICCBBA ST-001): `00` means unused; 60–96 is the
 * bar-code check value (60 + MOD 37-2 checksum of the DIN), which must match; other two-digit values are
 * process-control flags assigned by the facility.
 */
export function interpretDinFlags(din13: string, flags: string): DinFlagUse {
  if (!/^[0-9]{2}$/.test(flags)) throw new RangeError(`flags: expected two digits, got "${flags}"`);
  const value = Number(flags);
  if (value === 0) return { kind: 'unused' };
  if (value >= 60 && value <= 96) {
    return { kind: 'check-value', value, valid: value === 60 + mod37_2Checksum(din13) };
  }
  return { kind: 'process-control', value };
}

/**
 * Parses the bar-code content of data structure 001: `=` (optional) + 13-character DIN + 2 flag characters.
 * A flag check value (60–96) that does not match the DIN is reported as `bad-flags`.
 */
export function parseDinBarcode(text: string): DinValidation & { readonly flags?: DinFlagUse } {
  const compact = normalizeDinText(text);
  if (compact.length !== DIN_LENGTH + 2) {
    return {
      valid: false,
      problems: [
        {
          code: 'wrong-length',
          message: `wrong length: DIN bar-code data has ${DIN_LENGTH + 2} characters after "=", got ${compact.length}`,
        },
      ],
    };
  }
  const parsed = parseDin(compact.slice(0, DIN_LENGTH));
  if (!parsed.valid) return parsed;
  const flagText = compact.slice(DIN_LENGTH);
  if (!/^[0-9]{2}$/.test(flagText)) {
    return {
      valid: false,
      problems: [{ code: 'bad-flags', message: `bad flags "${flagText}": expected two digits` }],
    };
  }
  const flags = interpretDinFlags(parsed.value.din, flagText);
  if (flags.kind === 'check-value' && !flags.valid) {
    return {
      valid: false,
      problems: [
        {
          code: 'bad-flags',
          message: `flag check value ${flags.value} does not match the DIN: expected ${parsed.value.flagCheckValue}`,
        },
      ],
    };
  }
  return { ...parsed, flags };
}

/** The eye-readable grouping of a DIN as printed on labels: `G1234 98 654321` (facility, year, sequence). */
export function formatDin(din: Din): string {
  return `${din.facilityId} ${din.yearCode} ${din.sequence}`;
}
