import { readFileSync } from 'node:fs';
import {
  intern,
  type PairTable,
  tableFromCounts,
  tableFromReports,
} from '@cgtlink/domain/signals/contingency';
import { type ScreenColumns, screenColumns } from '@cgtlink/domain/signals/screen';
import type { Command } from 'commander';
import { isMissing, readCsvColumns } from '../csv/columns';
import { fmt, table, toJson } from '../csv/output';
import { UsageError } from '../errors';

interface SignalsOptions {
  csv: string;
  product: string;
  event: string;
  count?: string;
  report?: string;
  top: string;
  json?: boolean;
}

/** `cgtlink signals`: disproportionality screening (PRR, ROR, IC, MGPS) of a product × event report table. */
export function registerSignals(program: Command): void {
  program
    .command('signals')
    .description(
      'Disproportionality signals (PRR/Evans, ROR, BCPNN IC, MGPS EBGM) from adverse-event reports',
    )
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--product <col>', 'product column')
    .requiredOption('--event <col>', 'adverse-event column')
    .option('--count <col>', 'rows are aggregated counts of (product, event)')
    .option('--report <col>', 'rows are report–product–event; counts are distinct reports')
    .option('--top <n>', 'rows shown in the readable table, by EB05', '20')
    .option('--json', 'JSON on stdout (every pair)')
    .action((options: SignalsOptions) => runSignals(options));
}

/** Interned product and event columns plus the per-row count or report id, rows with a missing label dropped. */
interface LoadedRows {
  product: { ids: Int32Array; labels: string[] };
  event: { ids: Int32Array; labels: string[] };
  /** Count per kept row (--count) or report id per kept row (--report). */
  count?: Float64Array;
  report?: { ids: Int32Array; labels: string[] };
  /** 1-based data row number of each kept row, for error messages. */
  rowOf: (k: number) => number;
}

function runSignals(options: SignalsOptions): void {
  if (!!options.count === !!options.report)
    throw new UsageError('give exactly one of --count <col> or --report <col>');
  const loaded = loadRows(options);
  let pairs: PairTable;
  try {
    if (loaded.count) {
      const c = loaded.count;
      for (let k = 0; k < c.length; k++)
        if (!(c[k]! >= 0))
          throw new UsageError(
            `column "${options.count}" row ${loaded.rowOf(k)}: count must be a number ≥ 0`,
          );
      pairs = tableFromCounts(
        loaded.product.ids,
        loaded.event.ids,
        c,
        loaded.product.labels.length,
        loaded.event.labels.length,
      );
    } else {
      const report = loaded.report!;
      pairs = tableFromReports(
        report.ids,
        loaded.product.ids,
        loaded.event.ids,
        report.labels.length,
        loaded.product.labels.length,
        loaded.event.labels.length,
      );
    }
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  let result: ScreenColumns;
  try {
    result = screenColumns(pairs);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  if (options.json) writeJson(result, pairs, loaded.product.labels, loaded.event.labels);
  else writeTable(result, pairs, loaded.product.labels, loaded.event.labels, options.top);
}

/**
 * Reads the three columns. Plain files (no double quotes, the usual export) are scanned byte by byte and labels
 * interned straight from the bytes, so a ten-million-row file creates one string per distinct label, not per
 * cell; files with quotes go through the RFC 4180 reader.
 */
function loadRows(options: SignalsOptions): LoadedRows {
  let buffer: Buffer;
  try {
    buffer = readFileSync(options.csv);
  } catch (error) {
    throw new UsageError(
      `cannot read ${options.csv}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  if (buffer.length > 0 && !buffer.includes(0x22)) return scanPlain(buffer, options);
  const columns = [options.product, options.event, (options.count ?? options.report)!];
  const csv = readCsvColumns(options.csv, columns, options.count ? [options.count] : []);
  const productCells = csv.cells.get(options.product)!;
  const eventCells = csv.cells.get(options.event)!;
  const keep: number[] = [];
  for (let i = 0; i < csv.rows; i++)
    if (!isMissing(productCells[i]!) && !isMissing(eventCells[i]!)) keep.push(i);
  const loaded: LoadedRows = {
    product: intern(keep.map((i) => productCells[i]!)),
    event: intern(keep.map((i) => eventCells[i]!)),
    rowOf: (k) => keep[k]! + 1,
  };
  if (options.count) {
    const counts = csv.numbers.get(options.count)!;
    loaded.count = Float64Array.from(keep, (i) => counts[i]!);
  } else {
    const reportCells = csv.cells.get(options.report!)!;
    loaded.report = intern(keep.map((i) => reportCells[i]!));
  }
  return loaded;
}

/** Growable Int32Array / Float64Array columns. */
class IntColumn {
  data = new Int32Array(1 << 16);
  size = 0;
  push(v: number): void {
    if (this.size === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.size++] = v;
  }
  done(): Int32Array {
    return this.data.slice(0, this.size);
  }
}

class NumberColumn {
  data = new Float64Array(1 << 16);
  size = 0;
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
 * Dense ids for labels given as byte ranges of one buffer: an open-addressing hash table (FNV-1a over the bytes)
 * whose entries remember where the label was first seen, so a repeated label is recognised by comparing bytes
 * and never becomes a string; each new label is decoded once.
 */
class ByteInterner {
  labels: string[] = [];
  private starts = new IntColumn();
  private lengths = new IntColumn();
  private slots = new Int32Array(1 << 12).fill(-1);
  private hashes: number[] = [];

  constructor(private readonly buffer: Buffer) {}

  id(start: number, end: number): number {
    const buf = this.buffer;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    const length = end - start;
    for (;;) {
      const id = this.slots[slot]!;
      if (id < 0) break;
      if (this.hashes[id] === h && this.lengths.data[id] === length) {
        const at = this.starts.data[id]!;
        let same = true;
        for (let k = 0; k < length; k++)
          if (buf[at + k] !== buf[start + k]) {
            same = false;
            break;
          }
        if (same) return id;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.labels.length;
    this.slots[slot] = id;
    this.hashes.push(h);
    this.starts.push(start);
    this.lengths.push(length);
    this.labels.push(buf.toString('utf8', start, end));
    if (this.labels.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.labels.length; id++) {
      let slot = this.hashes[id]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = id;
    }
    this.slots = slots;
  }

  result(ids: IntColumn): { ids: Int32Array; labels: string[] } {
    return { ids: ids.done(), labels: this.labels };
  }
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** Plain CSV (no quotes): one pass over the bytes, cells trimmed as the general reader trims them. */
function scanPlain(buffer: Buffer, options: SignalsOptions): LoadedRows {
  const file = options.csv;
  const length = buffer.length;
  let lineEnd = buffer.indexOf(NEWLINE);
  if (lineEnd < 0) lineEnd = length;
  const header = buffer
    .toString('utf8', 0, lineEnd)
    .replace(/\r$/, '')
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim());
  const third = (options.count ?? options.report)!;
  const [productAt, eventAt, thirdAt] = [options.product, options.event, third].map((name) => {
    const at = header.indexOf(name);
    if (at < 0) throw new UsageError(`column "${name}" not found in ${file} (columns: ${header.join(', ')})`);
    return at;
  }) as [number, number, number];
  const products = new ByteInterner(buffer);
  const events = new ByteInterner(buffer);
  const reports = new ByteInterner(buffer);
  const productIds = new IntColumn();
  const eventIds = new IntColumn();
  const reportIds = new IntColumn();
  const counts = new NumberColumn();
  const kept = new IntColumn();
  // Byte range [start, end) of the wanted cells of the current row.
  const cellStart = new Int32Array(3);
  const cellEnd = new Int32Array(3);
  const wantedAt = new Int32Array(header.length).fill(-1);
  wantedAt[productAt] = 0;
  wantedAt[eventAt] = 1;
  wantedAt[thirdAt] = 2;
  // A column named twice (say product and report) is cut once and copied to its other roles.
  const sourceOf = [wantedAt[productAt]!, wantedAt[eventAt]!, wantedAt[thirdAt]!];
  const shared = sourceOf.some((source, k) => source !== k);
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
          const k = field < wantedAt.length ? wantedAt[field]! : -1;
          if (k >= 0) {
            let s = start;
            let e = i;
            while (s < e && (buffer[s] === SPACE || buffer[s] === TAB)) s++;
            while (e > s && (buffer[e - 1] === SPACE || buffer[e - 1] === TAB)) e--;
            cellStart[k] = s;
            cellEnd[k] = e;
          }
          field++;
          start = i + 1;
        }
      }
      if (field !== header.length)
        throw new UsageError(`${file} row ${rows + 1} has ${field} fields, the header has ${header.length}`);
      rows++;
      if (shared)
        for (let k = 0; k < 3; k++) {
          cellStart[k] = cellStart[sourceOf[k]!]!;
          cellEnd[k] = cellEnd[sourceOf[k]!]!;
        }
      if (
        !missingCell(buffer, cellStart[0]!, cellEnd[0]!) &&
        !missingCell(buffer, cellStart[1]!, cellEnd[1]!)
      ) {
        productIds.push(products.id(cellStart[0]!, cellEnd[0]!));
        eventIds.push(events.id(cellStart[1]!, cellEnd[1]!));
        kept.push(rows);
        if (options.count)
          counts.push(parseCount(buffer, cellStart[2]!, cellEnd[2]!, options.count, rows, file));
        else reportIds.push(reports.id(cellStart[2]!, cellEnd[2]!));
      }
    }
    pos = end + 1;
  }
  if (rows === 0) throw new UsageError(`${file} has a header but no data rows`);
  const rowNumbers = kept.done();
  const loaded: LoadedRows = {
    product: products.result(productIds),
    event: events.result(eventIds),
    rowOf: (k) => rowNumbers[k]!,
  };
  if (options.count) loaded.count = counts.done();
  else loaded.report = reports.result(reportIds);
  return loaded;
}

/** R's missing-value spellings, an empty cell or NA, checked on the bytes. */
function missingCell(buffer: Buffer, start: number, end: number): boolean {
  return end === start || (end - start === 2 && buffer[start] === 0x4e && buffer[start + 1] === 0x41);
}

/** A count cell: plain digits parsed from the bytes; anything else through Number(), NaN when missing. */
function parseCount(
  buffer: Buffer,
  start: number,
  end: number,
  column: string,
  row: number,
  file: string,
): number {
  let v = 0;
  let i = start;
  for (; i < end && i - start < 15; i++) {
    const digit = buffer[i]! - 0x30;
    if (digit < 0 || digit > 9) break;
    v = v * 10 + digit;
  }
  if (i === end && end > start) return v;
  if (missingCell(buffer, start, end)) return Number.NaN;
  const text = buffer.toString('utf8', start, end);
  const parsed = Number(text);
  if (!Number.isFinite(parsed))
    throw new UsageError(`column "${column}" row ${row}: "${text}" is not a number (in ${file})`);
  return parsed;
}

/**
 * JSON text written straight into a byte buffer that is flushed to stdout when full: at a million pairs with
 * thirteen numbers each, formatting through strings (String(v), concatenation) costs more than the statistics.
 */
export class JsonBytes {
  private buffer = new Uint8Array(1 << 20);
  private at = 0;

  constructor(private readonly flushTo: (chunk: Uint8Array) => void) {}

  /** Appends bytes already encoded (keys, escaped labels). */
  bytes(chunk: Uint8Array): void {
    if (this.at + chunk.length > this.buffer.length) this.flush();
    if (chunk.length > this.buffer.length) {
      this.flushTo(chunk);
      return;
    }
    this.buffer.set(chunk, this.at);
    this.at += chunk.length;
  }

  /**
   * Appends a number: integers below 2^53 exactly, other finite values to 12 significant digits (the fitted
   * prior itself is only determined to about 1e-6), non-finite values as null.
   */
  number(v: number): void {
    if (this.at + 32 > this.buffer.length) this.flush();
    if (!Number.isFinite(v)) {
      this.ascii('null');
      return;
    }
    if (v < 0) {
      this.buffer[this.at++] = 0x2d;
      v = -v;
    }
    if (Number.isInteger(v) && v < 9007199254740992) {
      this.digits(v, 0);
      return;
    }
    let exponent = Math.floor(Math.log10(v));
    if (exponent < -290 || exponent > 290) {
      this.ascii(String(v));
      return;
    }
    // Mantissa of 12 digits, 1e11 ≤ m < 1e12; log10 may be off by one next to a power of ten.
    let m = Math.round(scale(v, 11 - exponent));
    if (m >= 1e12) {
      exponent++;
      m = Math.round(scale(v, 11 - exponent));
    } else if (m < 1e11) {
      exponent--;
      m = Math.round(scale(v, 11 - exponent));
    }
    if (m >= 1e12) {
      // Rounded up to the next power of ten (9.999999999995 → 10).
      m = 1e11;
      exponent++;
    }
    let significant = 12;
    // Trailing zeros dropped (m < 1e12: its low six digits decide most cases in small-integer arithmetic).
    while (significant > 1 && m - Math.floor(m / 10) * 10 === 0) {
      m /= 10;
      significant--;
    }
    const buf = this.buffer;
    if (exponent >= 0 && exponent < 21) {
      if (significant <= exponent + 1) {
        this.digits(m, 0);
        for (let k = significant; k <= exponent; k++) buf[this.at++] = 0x30;
      } else this.digits(m, significant - exponent - 1);
    } else if (exponent < 0 && exponent >= -6) {
      buf[this.at++] = 0x30;
      buf[this.at++] = 0x2e;
      for (let k = -1; k > exponent; k--) buf[this.at++] = 0x30;
      this.digits(m, -1);
    } else {
      this.digits(m, significant - 1);
      buf[this.at++] = 0x65;
      if (exponent < 0) {
        buf[this.at++] = 0x2d;
        exponent = -exponent;
      } else buf[this.at++] = 0x2b;
      this.digits(exponent, 0);
    }
  }

  /**
   * Writes the whole number m (< 2^53) in decimal with a decimal point before its last `fraction` digits
   * (fraction −1: digits only, the point was written already; 0: no point).
   */
  private digits(m: number, fraction: number): void {
    const buf = this.buffer;
    let count = 0;
    const start = this.at;
    // Small-integer arithmetic: the low nine digits, then the rest (m < 2^53, so both parts fit 32 bits).
    let high = m < 1e9 ? 0 : Math.floor(m / 1e9);
    let low = m - high * 1e9;
    if (high > 0)
      for (let k = 0; k < 9; k++) {
        const q = (low / 10) | 0;
        buf[start + count++] = 0x30 + low - q * 10;
        low = q;
      }
    else high = low;
    do {
      const q = (high / 10) | 0;
      buf[start + count++] = 0x30 + high - q * 10;
      high = q;
    } while (high > 0);
    // Digits were written backwards; insert the point, then reverse them.
    if (fraction > 0) {
      for (let k = count; k <= fraction; k++) buf[start + count++] = 0x30;
      for (let k = count; k > fraction; k--) buf[start + k] = buf[start + k - 1]!;
      buf[start + fraction] = 0x2e;
      count++;
    }
    for (let i = start, j = start + count - 1; i < j; i++, j--) {
      const t = buf[i]!;
      buf[i] = buf[j]!;
      buf[j] = t;
    }
    this.at += count;
  }

  ascii(text: string): void {
    if (this.at + text.length > this.buffer.length) this.flush();
    if (text.length > this.buffer.length) {
      this.flushTo(Buffer.from(text, 'latin1'));
      return;
    }
    for (let i = 0; i < text.length; i++) this.buffer[this.at++] = text.charCodeAt(i);
  }

  flush(): void {
    if (this.at === 0) return;
    this.flushTo(this.buffer.slice(0, this.at));
    this.at = 0;
  }
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** v·10^k with the exactly representable powers 10^0…10^22 where possible. */
function scale(v: number, k: number): number {
  if (k >= 0) return k <= 22 ? v * POWERS_OF_TEN[k]! : v * 1e22 * 10 ** (k - 22);
  return -k <= 22 ? v / POWERS_OF_TEN[-k]! : v / 1e22 / 10 ** (-k - 22);
}

/**
 * Every pair as JSON, assembled from the columns into bytes (no per-pair objects or strings; labels escaped and
 * encoded once each) and written to stdout a megabyte at a time.
 */
function writeJson(r: ScreenColumns, pairs: PairTable, products: string[], events: string[]): void {
  const { alpha1, beta1, alpha2, beta2, p, logLik } = r.prior;
  const encode = (text: string) => Buffer.from(text, 'utf8');
  const productJson = products.map((l) => encode(`{"product":${JSON.stringify(l)},"event":`));
  const eventJson = events.map((l) => encode(`${JSON.stringify(l)},"a":`));
  const keys = [
    'expected',
    'prr',
    'prrChisq',
    'ror',
    'rorLower',
    'rorUpper',
    'ic',
    'ic025',
    'ebgm',
    'eb05',
    'eb95',
  ] as const;
  const keyJson = keys.map((k) => encode(`,"${k}":`));
  const columns = keys.map((k) => r[k]);
  const signalTrue = encode(',"signal":true}');
  const signalFalse = encode(',"signal":false}');
  const comma = encode(',');
  const out = new JsonBytes((chunk) => process.stdout.write(chunk));
  out.ascii(`{"prior":${toJson({ alpha1, beta1, alpha2, beta2, p, logLik })},"pairs":[`);
  const m = pairs.a.length;
  for (let i = 0; i < m; i++) {
    if (i > 0) out.bytes(comma);
    out.bytes(productJson[pairs.product[i]!]!);
    out.bytes(eventJson[pairs.event[i]!]!);
    out.number(pairs.a[i]!);
    for (let k = 0; k < columns.length; k++) {
      out.bytes(keyJson[k]!);
      out.number(columns[k]![i]!);
    }
    out.bytes(r.signal[i] === 1 ? signalTrue : signalFalse);
  }
  out.ascii(']}\n');
  out.flush();
}

/** The readable report: prior, counts, and the `top` pairs by EB05. */
function writeTable(
  r: ScreenColumns,
  pairs: PairTable,
  products: string[],
  events: string[],
  topOption: string,
): void {
  const { alpha1, beta1, alpha2, beta2, p, logLik } = r.prior;
  const m = pairs.a.length;
  const top = Math.max(1, Number(topOption) || 20);
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => r.eb05[y]! - r.eb05[x]!);
  const shown = order.slice(0, top);
  let signals = 0;
  for (let i = 0; i < m; i++) signals += r.signal[i]!;
  process.stdout.write(
    `MGPS prior: alpha1=${fmt(alpha1)} beta1=${fmt(beta1)} alpha2=${fmt(alpha2)} beta2=${fmt(beta2)} P=${fmt(p)} (log-likelihood ${fmt(logLik)})\n` +
      `${m} product–event pairs, ${signals} meet the Evans criteria; top ${shown.length} by EB05:\n` +
      table(
        ['product', 'event', 'n', 'E', 'PRR', 'chi2', 'ROR', 'IC025', 'EBGM', 'EB05', 'EB95', 'Evans'],
        shown.map((i) => [
          products[pairs.product[i]!]!,
          events[pairs.event[i]!]!,
          fmt(pairs.a[i]),
          fmt(r.expected[i]),
          fmt(r.prr[i]),
          fmt(r.prrChisq[i]),
          fmt(r.ror[i]),
          fmt(r.ic025[i]),
          fmt(r.ebgm[i]),
          fmt(r.eb05[i]),
          fmt(r.eb95[i]),
          r.signal[i] === 1 ? 'yes' : '',
        ]),
      ),
  );
}
