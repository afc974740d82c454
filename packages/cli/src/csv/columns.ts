/**
 * Columnar CSV loading for the statistics commands. A hand-written byte scanner handles the common case (no
 * double quotes in the file: plain comma-separated values) at memory speed; files with quotes go through
 * csv-parse, which implements RFC 4180 fully.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UsageError } from '../errors';

/** A CSV file's header and its cells kept as raw strings per requested column. */
export interface CsvColumns {
  file: string;
  header: string[];
  rows: number;
  /** Raw cell text of each requested column, in file order. */
  cells: Map<string, string[]>;
  /** Parsed numeric columns (NaN = missing). */
  numbers: Map<string, Float64Array>;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const QUOTE = 0x22;

/**
 * Reads `file` and keeps the named columns (throws UsageError naming a missing column or an empty file).
 * Columns listed in `numeric` are parsed straight from the bytes into numbers (NaN for a missing cell, a
 * non-number reported with its row) and found in `numbers` instead of `cells`.
 */
export function readCsvColumns(
  file: string,
  wanted: readonly string[],
  numeric: readonly string[] = [],
): CsvColumns {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (buffer.length === 0) throw new UsageError(`${file} is empty`);
  const result = buffer.includes(QUOTE)
    ? parseQuoted(buffer, file, wanted)
    : scanPlain(buffer, file, wanted, new Set(numeric));
  if (result.rows === 0) throw new UsageError(`${file} has a header but no data rows`);
  for (const name of numeric)
    if (!result.numbers.has(name)) result.numbers.set(name, numericColumn(result, name));
  return result;
}

function checkHeader(header: string[], file: string, wanted: readonly string[]): number[] {
  return wanted.map((name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new UsageError(`column "${name}" not found in ${file} (columns: ${header.join(', ')})`);
    return at;
  });
}

function scanPlain(
  buffer: Buffer,
  file: string,
  wanted: readonly string[],
  numeric: Set<string>,
): CsvColumns {
  const length = buffer.length;
  let lineEnd = buffer.indexOf(NEWLINE);
  if (lineEnd < 0) lineEnd = length;
  const headerText = buffer
    .toString('utf8', 0, lineEnd)
    .replace(/\r$/, '')
    .replace(/^\uFEFF/, '');
  const header = headerText.split(',').map((h) => h.trim());
  const positions = checkHeader(header, file, wanted);
  // For each field index: which output column(s) want it.
  const targetOf = new Int32Array(header.length).fill(-1);
  positions.forEach((p, k) => {
    targetOf[p] = k;
  });
  const outputs: string[][] = wanted.map(() => []);
  const numbers: (GrowableNumbers | null)[] = wanted.map((name) =>
    numeric.has(name) ? new GrowableNumbers() : null,
  );
  let rows = 0;
  let pos = lineEnd + 1;
  while (pos < length) {
    let end = buffer.indexOf(NEWLINE, pos);
    if (end < 0) end = length;
    let stop = end;
    if (stop > pos && buffer[stop - 1] === RETURN) stop--;
    if (stop > pos) {
      let field = 0;
      let start = pos;
      for (let i = pos; i <= stop; i++) {
        if (i === stop || buffer[i] === COMMA) {
          const k = field < targetOf.length ? targetOf[field]! : -1;
          if (k >= 0) {
            const num = numbers[k];
            if (num) {
              let v = parseNumber(buffer, start, i);
              if (Number.isNaN(v)) {
                // Not a plain decimal: a missing value, another numeric spelling, or an error to report.
                const text = sliceText(buffer, start, i);
                if (!isMissing(text)) {
                  v = Number(text);
                  if (!Number.isFinite(v))
                    throw new UsageError(
                      `column "${header[field]}" row ${rows + 1}: "${text}" is not a number (in ${file})`,
                    );
                }
              }
              num.push(v);
            } else outputs[k]!.push(sliceText(buffer, start, i));
          }
          field++;
          start = i + 1;
        }
      }
      if (field !== header.length)
        throw new UsageError(`${file} row ${rows + 1} has ${field} fields, the header has ${header.length}`);
      rows++;
    }
    pos = end + 1;
  }
  const cells = new Map<string, string[]>();
  const parsed = new Map<string, Float64Array>();
  wanted.forEach((name, k) => {
    const num = numbers[k];
    if (num) parsed.set(name, num.done());
    else cells.set(name, outputs[k]!);
  });
  return { file, header, rows, cells, numbers: parsed };
}

/** A Float64Array that doubles as it fills. */
class GrowableNumbers {
  private data = new Float64Array(1024);
  private size = 0;
  push(v: number): void {
    if (this.size === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.size++] = v;
  }
  done(): Float64Array {
    return this.data.slice(0, this.size);
  }
}

/**
 * Decimal number from bytes [start, end): sign, digits, fraction, exponent. Anything else (blank, NA, text,
 * hex) returns NaN and is re-examined by the caller; the common case never builds a string.
 */
function parseNumber(buffer: Buffer, start: number, end: number): number {
  let i = start;
  while (i < end && buffer[i] === 0x20) i++;
  while (end > i && buffer[end - 1] === 0x20) end--;
  if (i === end) return Number.NaN;
  let negative = false;
  if (buffer[i] === 0x2d || buffer[i] === 0x2b) {
    negative = buffer[i] === 0x2d;
    i++;
  }
  let digits = 0;
  let mantissa = 0;
  let scale = 0;
  for (; i < end; i++) {
    const c = buffer[i]! - 0x30;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
    digits++;
  }
  if (i < end && buffer[i] === 0x2e) {
    for (i++; i < end; i++) {
      const c = buffer[i]! - 0x30;
      if (c < 0 || c > 9) break;
      mantissa = mantissa * 10 + c;
      scale--;
      digits++;
    }
  }
  if (digits === 0 || digits > 15)
    return i === end && digits > 15 ? Number(buffer.toString('latin1', start, end)) : Number.NaN;
  if (i < end) {
    if (buffer[i] !== 0x65 && buffer[i] !== 0x45) return Number.NaN;
    return Number(buffer.toString('latin1', start, end));
  }
  // Exact for up to 15 digits and |scale| ≤ 22 (both operands exactly representable).
  const value =
    scale === 0
      ? mantissa
      : scale >= -22
        ? mantissa / 10 ** -scale
        : Number(buffer.toString('latin1', start, end));
  return negative ? -value : value;
}

/** Cell text; ASCII-only cells (the usual numbers and codes) avoid the UTF-8 decoder. */
function sliceText(buffer: Buffer, start: number, end: number): string {
  for (let i = start; i < end; i++) if (buffer[i]! > 0x7f) return buffer.toString('utf8', start, end).trim();
  return buffer.toString('latin1', start, end).trim();
}

function parseQuoted(buffer: Buffer, file: string, wanted: readonly string[]): CsvColumns {
  let records: string[][];
  try {
    records = parse(buffer, { bom: true, relax_column_count: false, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new UsageError(`${file} is not valid CSV: ${(error as Error).message}`);
  }
  const header = records[0] ?? [];
  const positions = checkHeader(header, file, wanted);
  const cells = new Map<string, string[]>();
  wanted.forEach((name, k) => {
    const p = positions[k]!;
    cells.set(
      name,
      records.slice(1).map((r) => r[p]!),
    );
  });
  return { file, header, rows: records.length - 1, cells, numbers: new Map() };
}

/** R's missing-value spellings: an empty cell or NA. */
export function isMissing(cell: string): boolean {
  return cell === '' || cell === 'NA';
}

/** Parses a numeric column; NaN for missing cells; UsageError naming column and row for anything else. */
export function numericColumn(csv: CsvColumns, name: string): Float64Array {
  const cells = csv.cells.get(name)!;
  const out = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i]!;
    if (isMissing(c)) {
      out[i] = Number.NaN;
      continue;
    }
    const v = Number(c);
    if (!Number.isFinite(v))
      throw new UsageError(`column "${name}" row ${i + 1}: "${c}" is not a number (in ${csv.file})`);
    out[i] = v;
  }
  return out;
}

/** True when every non-missing cell of the column is a finite number. */
export function looksNumeric(csv: CsvColumns, name: string): boolean {
  for (const c of csv.cells.get(name)!) if (!isMissing(c) && !Number.isFinite(Number(c))) return false;
  return true;
}

/** Sorted distinct non-missing labels, in R's factor-level order (numeric when all are numbers). */
export function levelsOf(cells: readonly string[]): string[] {
  const set = new Set<string>();
  for (const c of cells) if (!isMissing(c)) set.add(c);
  const levels = [...set];
  if (levels.every((l) => Number.isFinite(Number(l)))) return levels.sort((a, b) => Number(a) - Number(b));
  return levels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
