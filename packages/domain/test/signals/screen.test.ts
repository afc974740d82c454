import { describe, expect, it } from 'vitest';
import { intern, tableFromCounts } from '../../src/signals/contingency';
import { disproportionality } from '../../src/signals/disproportionality';
import { posteriorScores } from '../../src/signals/mgps';
import { screenColumns, screenTable } from '../../src/signals/screen';
import { expectClose } from '../stats/helpers';

/** A small product × event table with one strong pair (P0, E0) and a pair too rare for the Evans criteria. */
function smallTable() {
  const rows: [string, string, number][] = [];
  for (let i = 0; i < 30; i++)
    for (let j = 0; j < 20; j++)
      if ((i * 5 + j * 3) % 4 === 0) rows.push([`P${i}`, `E${j}`, 1 + ((i * j) % 6)]);
  rows.push(['P0', 'E0', 60], ['P29', 'E19', 2]);
  const p = intern(rows.map((r) => r[0]));
  const e = intern(rows.map((r) => r[1]));
  return tableFromCounts(
    p.ids,
    e.ids,
    rows.map((r) => r[2]),
    p.labels.length,
    e.labels.length,
  );
}

describe('screenColumns', () => {
  it('gives, pair by pair, the disproportionality() and posteriorScores() definitions (1e-9 relative)', () => {
    const table = smallTable();
    const c = screenColumns(table);
    for (let i = 0; i < table.a.length; i++) {
      const a = table.a[i]!;
      const b = table.productTotal[table.product[i]!]! - a;
      const cc = table.eventTotal[table.event[i]!]! - a;
      const d = table.total - a - b - cc;
      const want = disproportionality({ a, b, c: cc, d });
      const post = posteriorScores(c.prior, a, c.expected[i]!);
      expectClose(c.expected[i]!, want.expected, `E ${i}`, 1e-12);
      for (const key of ['prr', 'prrChisq', 'ror', 'rorLower', 'rorUpper', 'ic', 'ic025'] as const)
        expectClose(c[key][i]!, want[key], `${key} ${i}`, 1e-9);
      for (const key of ['ebgm', 'eb05', 'eb95'] as const)
        expectClose(c[key][i]!, post[key], `${key} ${i}`, 1e-12);
      expect(c.signal[i] === 1).toBe(want.evans);
    }
  });

  it('uses a given prior without refitting, and screenTable returns the same numbers as rows', () => {
    const table = smallTable();
    const prior = { alpha1: 0.2, beta1: 0.1, alpha2: 2, beta2: 4, p: 1 / 3 };
    const c = screenColumns(table, prior);
    expect(c.prior.iterations).toBe(0);
    expect(c.prior.alpha1).toBe(0.2);
    const rows = screenTable(table, prior).pairs;
    expect(rows.length).toBe(table.a.length);
    rows.forEach((r, i) => {
      expect(r.index).toBe(i);
      expect(r.eb05).toBe(c.eb05[i]);
      expect(r.ic025).toBe(c.ic025[i]);
      expect(r.signal).toBe(c.signal[i] === 1);
    });
  });

  it('rejects an empty table, naming pairs', () => {
    const table = tableFromCounts(new Int32Array(0), new Int32Array(0), [], 0, 0);
    expect(() => screenColumns(table)).toThrow(/pairs/);
  });
});

describe('tableFromCounts pair index', () => {
  it('sums a repeated pair the same way on a 100 × 100 grid (dense index) and a 100 × 10⁶ grid (map index)', () => {
    const product = Int32Array.of(3, 7, 3, 99, 3);
    const event = Int32Array.of(5, 5, 5, 98, 6);
    const counts = [2, 1, 4, 8, 1];
    const small = tableFromCounts(product, event, counts, 100, 100);
    const large = tableFromCounts(product, event, counts, 100, 1_000_000);
    for (const t of [small, large]) {
      expect(Array.from(t.a)).toEqual([6, 1, 8, 1]);
      expect(Array.from(t.product)).toEqual([3, 7, 99, 3]);
      expect(Array.from(t.event)).toEqual([5, 5, 98, 6]);
      expect(t.total).toBe(16);
    }
  });
});
