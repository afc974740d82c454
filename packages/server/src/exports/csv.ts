/**
 * CSV as RFC 4180 (comma, CRLF, quotes doubled), UTF-8 with a byte-order mark so that spreadsheet programs in a
 * Chinese locale read the Chinese descriptions. A text cell starting with = + - @ is prefixed with an apostrophe
 * (spreadsheet formula injection); numbers are written as numbers.
 */
export type Cell = string | number | boolean | null | undefined;

const BOM = '\uFEFF';

function cell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [header.map(cell).join(',')];
  for (const row of rows) lines.push(row.map(cell).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}
