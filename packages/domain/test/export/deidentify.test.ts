import { describe, expect, it } from 'vitest';
import {
  ageBand,
  dateShiftDays,
  MAX_DATE_SHIFT_DAYS,
  shiftDate,
  smallCellPatients,
  suppressCount,
} from '../../src/export/deidentify';

describe('export de-identification rules', () => {
  it('blanks a count of 4 and shows a count of 5 (small-cell boundary)', () => {
    expect(suppressCount(0)).toBeNull();
    expect(suppressCount(4)).toBeNull();
    expect(suppressCount(5)).toBe(5);
    expect(suppressCount(120)).toBe(120);
  });

  it('withholds the patients of a cohort cell of 4 and keeps a cell of 5', () => {
    const patients = [
      ...Array.from({ length: 4 }, (_, i) => ({ id: `a${i}`, cell: 'male/18-34' })),
      ...Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, cell: 'female/6-11' })),
    ];
    const withheld = smallCellPatients(
      patients,
      (p) => p.id,
      (p) => p.cell,
    );
    expect([...withheld].sort()).toEqual(['a0', 'a1', 'a2', 'a3']);
  });

  it('derives a shift of ±1…180 days, never 0, from the hash bytes', () => {
    // 0x00000000: magnitude 0 % 180 + 1 = 1, top bit 0 → +1.
    expect(dateShiftDays(Uint8Array.from([0, 0, 0, 0]))).toBe(1);
    // 0x000000B3 = 179: 179 % 180 + 1 = 180 → +180.
    expect(dateShiftDays(Uint8Array.from([0, 0, 0, 0xb3]))).toBe(180);
    // 0x80000000 = 2147483648 = 180 × 11930464 + 128: magnitude 129, top bit 1 → −129.
    expect(dateShiftDays(Uint8Array.from([0x80, 0, 0, 0]))).toBe(-129);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from([(i * 37) & 255, (i * 91) & 255, (i * 13) & 255, i & 255]);
      const s = dateShiftDays(bytes);
      expect(s).not.toBe(0);
      expect(Math.abs(s)).toBeLessThanOrEqual(MAX_DATE_SHIFT_DAYS);
    }
    expect(() => dateShiftDays(Uint8Array.from([1, 2]))).toThrow(/keyedHash/);
  });

  it('shifts a date across a month and a leap day, and leaves null alone', () => {
    expect(shiftDate('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDate('2024-03-01', -1)).toBe('2024-02-29');
    expect(shiftDate('2025-01-01', -180)).toBe('2024-07-05');
    expect(shiftDate(null, 10)).toBeNull();
  });

  it('bands ages as paediatric thalassaemia care does', () => {
    expect([ageBand(0), ageBand(5), ageBand(6), ageBand(11), ageBand(12), ageBand(17), ageBand(18)]).toEqual([
      '0-5',
      '0-5',
      '6-11',
      '6-11',
      '12-17',
      '12-17',
      '18-34',
    ]);
    expect(ageBand(35)).toBe('35+');
    expect(ageBand(null)).toBe('unknown');
  });
});
