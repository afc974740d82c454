import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  genotypeByte,
  laneCount,
  scanLowSignatures,
  zeroLanes,
} from '../../src/hla/registry/genotype-signature';

/** Reference: bit 7 of each zero byte, computed byte by byte. */
function zeroLanesByteWise(word: number): number {
  let flags = 0;
  for (let lane = 0; lane < 4; lane++) if (((word >>> (8 * lane)) & 0xff) === 0) flags |= 0x80 << (8 * lane);
  return flags | 0;
}

describe('genotype signatures', () => {
  it('flags exactly the zero bytes of any 32-bit word (no carry between lanes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (word) => {
        expect(zeroLanes(word)).toBe(zeroLanesByteWise(word));
      }),
      { numRuns: 2000 },
    );
    // Words with 0x80 and 0x01 lanes next to zero lanes, where a carry would show.
    expect(zeroLanes(0x80000100 | 0)).toBe(0x00800080);
    expect(zeroLanes(0)).toBe(0x80808080 | 0);
  });

  it('counts the flagged lanes', () => {
    expect(laneCount(0)).toBe(0);
    expect(laneCount(0x80808080 | 0)).toBe(4);
    expect(laneCount(0x00800080)).toBe(2);
  });

  it('gives an unordered genotype one byte in 1..255 (never the untyped 0)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), (x, y) => {
        const byte = genotypeByte(x, y);
        expect(byte).toBe(genotypeByte(y, x));
        expect(byte).toBeGreaterThanOrEqual(1);
        expect(byte).toBeLessThanOrEqual(255);
      }),
    );
    // Spread: 2,000 genotypes of 64 alleles use most of the 255 values.
    const seen = new Set<number>();
    for (let x = 2; x < 66; x++) for (let y = x; y < 66; y++) seen.add(genotypeByte(x, y));
    expect(seen.size).toBeGreaterThan(240);
  });

  it('visits exactly the slots with enough equal, untyped or always-counted lanes', () => {
    const patient = 0x11223344;
    const words = Int32Array.from([
      0x11223344, // 4 equal lanes
      0x11223355, // 3 equal
      0x11008855, // 1 equal + 1 untyped = 2
      0x55667788, // none
      0x11667700, // 1 equal + 1 untyped = 2
    ]);
    const visited: number[] = [];
    scanLowSignatures(words, words.length, patient, 0, 2, (i) => visited.push(i));
    expect(visited).toEqual([0, 1, 2, 4]);
    const strict: number[] = [];
    scanLowSignatures(words, words.length, patient, 0, 4, (i) => strict.push(i));
    expect(strict).toEqual([0]);
    // Lane 0 (the low byte) not searched: it always counts.
    const partial: number[] = [];
    scanLowSignatures(words, words.length, patient, 0x80, 4, (i) => partial.push(i));
    expect(partial).toEqual([0, 1]);
  });
});
