/** Turns CSV columns into the survival inputs of @cgtlink/domain/stats, with R's conventions and clear errors. */
import { UsageError } from '../errors';
import { type CsvColumns, isMissing, levelsOf } from './columns';

/**
 * Event indicator from a status column, as R's Surv(): 0/1 (1 = event), 1/2 when no 0 occurs (2 = event), or
 * TRUE/FALSE. Missing stays NaN; any other code is an error naming the column and row.
 */
export function eventIndicator(csv: CsvColumns, name: string): Float64Array {
  const values = csv.numbers.get(name);
  const cells = values ? null : csv.cells.get(name)!;
  const n = csv.rows;
  const out = new Float64Array(n);
  let sawZero = false;
  let sawTwo = false;
  for (let i = 0; i < n; i++) {
    let v: number;
    if (values) v = values[i]!;
    else {
      const c = cells![i]!;
      v = isMissing(c) ? Number.NaN : c === 'TRUE' ? 1 : c === 'FALSE' ? 0 : Number(c);
    }
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    if (v !== 0 && v !== 1 && v !== 2)
      throw new UsageError(
        `column "${name}" row ${i + 1}: unknown status code "${v}" (use 0/1, 1/2 or TRUE/FALSE)`,
      );
    if (v === 0) sawZero = true;
    if (v === 2) sawTwo = true;
    out[i] = v;
  }
  if (sawTwo && sawZero)
    throw new UsageError(`column "${name}" mixes codes 0 and 2; use 0/1 or 1/2 (2 = event)`);
  if (sawTwo) for (let i = 0; i < n; i++) if (!Number.isNaN(out[i]!)) out[i] = out[i] === 2 ? 1 : 0;
  return out;
}

/** Non-negative times; NaN for missing; UsageError naming the row for a negative time. */
export function timeColumn(csv: CsvColumns, name: string): Float64Array {
  const values = csv.numbers.get(name)!;
  for (let i = 0; i < values.length; i++)
    if (values[i]! < 0) throw new UsageError(`column "${name}" row ${i + 1}: negative time ${values[i]}`);
  return values;
}

/** Group codes 0..k−1 in R's factor-level order, −1 for a missing label. */
export function groupCodes(csv: CsvColumns, name: string): { codes: Int32Array; levels: string[] } {
  const cells = csv.cells.get(name)!;
  const levels = levelsOf(cells);
  const index = new Map(levels.map((l, i) => [l, i]));
  const codes = new Int32Array(cells.length);
  for (let i = 0; i < cells.length; i++) codes[i] = isMissing(cells[i]!) ? -1 : index.get(cells[i]!)!;
  return { codes, levels };
}

/** Indices of rows with no missing value in any of the given numeric columns or group codes. */
export function completeRows(numeric: Float64Array[], codes: Int32Array[] = []): Uint32Array {
  const n = numeric[0]?.length ?? codes[0]?.length ?? 0;
  const keep = new Uint32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const col of numeric) if (Number.isNaN(col[i]!)) ok = false;
    for (const col of codes) if (col[i]! < 0) ok = false;
    if (ok) keep[m++] = i;
  }
  return keep.subarray(0, m);
}

/** Parses "1,2.5,10" into numbers, naming the option on error. */
export function numberList(text: string, option: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v)))
    throw new UsageError(`${option} must be numbers separated by commas (got "${text}")`);
  return values;
}
