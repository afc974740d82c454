/** Output helpers: JSON (NaN and infinities as null) or an aligned plain-text table. */

/** JSON text with non-finite numbers as null (JSON has no NaN). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/** Formats a number for the readable table: 4 significant digits, NA for non-finite. */
export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'NA';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

/** Left-aligned first column, right-aligned others, separated by two spaces. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
