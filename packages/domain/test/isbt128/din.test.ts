import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dinCheckCharacter,
  formatDin,
  interpretDinFlags,
  MOD37_2_ALPHABET,
  mod37_2CheckCharacter,
  mod37_2Checksum,
  parseDin,
  parseDinBarcode,
  validateDinWithCheck,
} from '../../src/isbt128/index';

// Worked examples: JPAC UK Blood Transfusion Guidelines ("Red Book"), Annex 2 "ISBT 128 check character
// calculation" (G123 498 654 321 → checksum 17, bar-code check 77, eye-readable "H"), and the ICCBBA ST-001
// sample quoted by Brian Dunning's ISBT128_Checksum ("ABCDE27000069" → "C").
describe('ISO/IEC 7064 MOD 37-2 (ISBT 128 check character)', () => {
  it('gives checksum 17 / "H" for G123498654321 (JPAC Red Book Annex 2, Table A2.2)', () => {
    expect(mod37_2Checksum('G123498654321')).toBe(17);
    expect(mod37_2CheckCharacter('G123498654321')).toBe('H');
  });

  it('gives "C" for ABCDE27000069 (ICCBBA ST-001 sample via briandunning.com/cf/2878)', () => {
    expect(dinCheckCharacter('ABCDE27000069')).toBe('C');
  });

  it('maps 0-9 → 0-9, A-Z → 10-35, * → 36 (JPAC Red Book Table A2.1)', () => {
    expect(MOD37_2_ALPHABET.indexOf('9')).toBe(9);
    expect(MOD37_2_ALPHABET.indexOf('A')).toBe(10);
    expect(MOD37_2_ALPHABET.indexOf('Z')).toBe(35);
    expect(MOD37_2_ALPHABET.indexOf('*')).toBe(36);
  });

  it('rejects a character outside 0-9 A-Z with its position', () => {
    expect(() => mod37_2Checksum('AB-1')).toThrow(/position 3/);
    expect(() => mod37_2Checksum('AB*1')).toThrow(/position 3/);
  });
});

describe('DIN parse and validation (ICCBBA ST-001 data structure 001)', () => {
  it('splits facility id, year code and sequence and gives flag check value 60 + 17 = 77 (JPAC Red Book Annex 2)', () => {
    const parsed = parseDin('G1234 98 654321');
    expect(parsed.valid).toBe(true);
    if (!parsed.valid) return;
    expect(parsed.value).toMatchObject({
      din: 'G123498654321',
      facilityId: 'G1234',
      yearCode: '98',
      sequence: '654321',
      checkCharacter: 'H',
      flagCheckValue: 77,
    });
    expect(formatDin(parsed.value)).toBe('G1234 98 654321');
  });

  it('accepts G123498654321H and rejects G123498654321J with the expected character named', () => {
    expect(validateDinWithCheck('G123498654321H').valid).toBe(true);
    const wrong = validateDinWithCheck('G123498654321J');
    expect(wrong).toEqual({
      valid: false,
      problems: [{ code: 'wrong-check-character', message: 'wrong check character: expected "H", got "J"' }],
    });
  });

  it('reports wrong length at 12 and 14 characters for a bare DIN', () => {
    for (const text of ['G12349865432', 'G1234986543210']) {
      const parsed = parseDin(text);
      expect(parsed.valid).toBe(false);
      if (!parsed.valid) expect(parsed.problems[0]?.code).toBe('wrong-length');
    }
  });

  it('reports a bad character by position: digit as first FIN character, letter in the sequence, lower case', () => {
    const cases: [string, number][] = [
      ['1123498654321', 1],
      ['G1234986543A1', 12],
      ['g123498654321', 1],
      ['G12349X654321', 7],
    ];
    for (const [text, position] of cases) {
      const parsed = parseDin(text);
      expect(parsed.valid).toBe(false);
      if (!parsed.valid) {
        expect(parsed.problems[0]?.code).toBe('bad-character');
        expect(parsed.problems[0]?.message).toContain(`position ${position}`);
      }
    }
  });

  it('rejects a check character outside 0-9 A-Z *', () => {
    const result = validateDinWithCheck('G123498654321?');
    expect(result.valid).toBe(false);
    if (!result.valid) expect(result.problems[0]?.message).toContain('position 14');
  });

  it('reads bar-code data "=G12349865432177": flags 77 are a valid check value (JPAC Red Book Annex 2)', () => {
    const parsed = parseDinBarcode('=G12349865432177');
    expect(parsed.valid).toBe(true);
    expect(parsed.flags).toEqual({ kind: 'check-value', value: 77, valid: true });
  });

  it('rejects flag check value 78 for G123498654321 and interprets 00 and 01', () => {
    const parsed = parseDinBarcode('=G12349865432178');
    expect(parsed.valid).toBe(false);
    if (!parsed.valid) expect(parsed.problems[0]?.code).toBe('bad-flags');
    expect(interpretDinFlags('G123498654321', '00')).toEqual({ kind: 'unused' });
    expect(interpretDinFlags('G123498654321', '01')).toEqual({ kind: 'process-control', value: 1 });
    expect(() => interpretDinFlags('G123498654321', 'A1')).toThrow(/flags/);
  });
});

const dinChar = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
const digit = fc.constantFrom(...'0123456789'.split(''));
const letter = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
const validDin = fc
  .tuple(
    letter,
    fc.array(dinChar, { minLength: 4, maxLength: 4 }),
    fc.array(digit, { minLength: 8, maxLength: 8 }),
  )
  .map(([first, fin, rest]) => first + fin.join('') + rest.join(''));

describe('MOD 37-2 error detection (property, ISO/IEC 7064 §MOD 37-2)', () => {
  it('detects every single-character substitution in DIN + check character', () => {
    fc.assert(
      fc.property(
        validDin,
        fc.nat(13),
        fc.constantFrom(...MOD37_2_ALPHABET.split('')),
        (din, index, replacement) => {
          const keyed = din + dinCheckCharacter(din);
          fc.pre(keyed.charAt(index) !== replacement);
          const corrupted = keyed.slice(0, index) + replacement + keyed.slice(index + 1);
          expect(validateDinWithCheck(corrupted).valid).toBe(false);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('detects every adjacent transposition in DIN + check character', () => {
    fc.assert(
      fc.property(validDin, fc.nat(12), (din, index) => {
        const keyed = din + dinCheckCharacter(din);
        fc.pre(keyed.charAt(index) !== keyed.charAt(index + 1));
        const swapped =
          keyed.slice(0, index) + keyed.charAt(index + 1) + keyed.charAt(index) + keyed.slice(index + 2);
        expect(validateDinWithCheck(swapped).valid).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('exhaustively: every substitution and transposition of G123498654321H is rejected (JPAC Red Book example)', () => {
    const keyed = 'G123498654321H';
    let tried = 0;
    for (let i = 0; i < keyed.length; i++) {
      for (const c of MOD37_2_ALPHABET) {
        if (c === keyed.charAt(i)) continue;
        tried++;
        expect(validateDinWithCheck(keyed.slice(0, i) + c + keyed.slice(i + 1)).valid).toBe(false);
      }
      if (i + 1 < keyed.length && keyed.charAt(i) !== keyed.charAt(i + 1)) {
        const swapped = keyed.slice(0, i) + keyed.charAt(i + 1) + keyed.charAt(i) + keyed.slice(i + 2);
        expect(validateDinWithCheck(swapped).valid).toBe(false);
      }
    }
    expect(tried).toBe(14 * 36);
  });
});
