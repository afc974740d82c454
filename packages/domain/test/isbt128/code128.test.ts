import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  code128Pattern,
  decodeCode128,
  encodeCode128,
  isbtDinBarcodeText,
  isbtProductCodeBarcodeText,
} from '../../src/isbt128/code128';

// Check values worked by hand: (start + Σ position × value) mod 103, positions from 1 (ISO/IEC 15417 §4.7.2).
describe('Code 128 (ISO/IEC 15417) for ISBT 128 labels', () => {
  it('every character is 3 bars and 3 spaces over 11 modules, bars even and spaces odd; the stop is 13', () => {
    const seen = new Set<string>();
    for (let v = 0; v <= 105; v++) {
      const widths = [...code128Pattern(v)].map(Number);
      expect(widths, `value ${v}`).toHaveLength(6);
      expect(
        widths.reduce((a, b) => a + b, 0),
        `value ${v}`,
      ).toBe(11);
      expect((widths[0]! + widths[2]! + widths[4]!) % 2, `bars of ${v}`).toBe(0);
      seen.add(code128Pattern(v));
    }
    expect(seen.size).toBe(106);
    expect(code128Pattern(104)).toBe('211214');
    expect(code128Pattern(105)).toBe('211232');
    expect(code128Pattern(106)).toBe('2331112');
  });

  it('encodes PJJ123C in subset B with check value 55', () => {
    // 104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7 = 879; 879 mod 103 = 55.
    const s = encodeCode128('PJJ123C');
    expect(s.values).toEqual([104, 48, 42, 42, 17, 18, 19, 35]);
    expect(s.checkValue).toBe(55);
    expect(s.modules).toBe(9 * 11 + 13);
  });

  it('packs an even run of digits in subset C: 1234 → start C, 12, 34, check 82', () => {
    // 105 + 12·1 + 34·2 = 185; 185 mod 103 = 82.
    const s = encodeCode128('1234');
    expect(s.values).toEqual([105, 12, 34]);
    expect(s.checkValue).toBe(82);
    expect(s.widths.slice(0, 6)).toEqual([2, 1, 1, 2, 3, 2]);
    expect(s.modules).toBe(4 * 11 + 13);
  });

  it('encodes an ISBT 128 DIN =G1234 26 000001 with flags 00: B for =G, C for the 14 digits, check 67', () => {
    // 104 + 29 + 39·2 + 99·3 + 12·4 + 34·5 + 26·6 + 0·7 + 0·8 + 1·9 + 0·10 = 891; 891 mod 103 = 67.
    const s = encodeCode128(isbtDinBarcodeText('G123426000001', '00'));
    expect(s.values).toEqual([104, 29, 39, 99, 12, 34, 26, 0, 0, 1, 0]);
    expect(s.checkValue).toBe(67);
  });

  it('puts the odd digit of a trailing run in subset B: A12345 → A, 1, code C, 23, 45, check 64', () => {
    // 104 + 33·1 + 17·2 + 99·3 + 23·4 + 45·5 = 785; 785 mod 103 = 64.
    const s = encodeCode128('A12345');
    expect(s.values).toEqual([104, 33, 17, 99, 23, 45]);
    expect(s.checkValue).toBe(64);
  });

  it('keeps a short digit run in subset B and encodes the product code data structure =<S1234A00', () => {
    const s = encodeCode128(isbtProductCodeBarcodeText('S1234A00'));
    expect(s.values).toEqual([104, 29, 28, 51, 17, 18, 19, 20, 33, 16, 16]);
    expect(decodeCode128(s.widths)).toBe('=<S1234A00');
  });

  it('refuses an empty text and characters outside printable ASCII', () => {
    expect(() => encodeCode128('')).toThrow(/nothing to encode/);
    expect(() => encodeCode128('DIN\t1')).toThrow(/character 4/);
    expect(() => encodeCode128('β')).toThrow(/character 1/);
  });

  it('a scanner reads back what was encoded, and refuses a damaged check character', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789=<&>ABCGZ*-'), minLength: 1 }), (text) => {
        expect(decodeCode128(encodeCode128(text).widths)).toBe(text);
      }),
    );
    const s = encodeCode128('=G123426000001');
    const damaged = [...s.widths];
    const at = damaged.length - 13;
    damaged.splice(at, 6, ...[...code128Pattern((s.checkValue + 1) % 103)].map(Number));
    expect(() => decodeCode128(damaged)).toThrow(/check character/);
  });
});
