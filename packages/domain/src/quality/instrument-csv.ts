import { DomainInputError } from '../grading/input';

/**
 * Reading QC results exported by an instrument as CSV (RFC 4180: comma-separated, fields optionally quoted with
 * `"`, a quote inside a quoted field doubled, CRLF or LF line ends). A per-instrument mapping names the columns
 * holding the sample (batch reference), the analyte code, the value and the unit, and translates the
 * instrument's analyte codes to the specification's analyte names. Rows that cannot be read are reported with
 * their line number and the reason, never silently dropped.
 */
export interface InstrumentMapping {
  readonly analyteColumn: string;
  readonly valueColumn: string;
  readonly unitColumn?: string | undefined;
  /** Column holding the batch reference; rows for another batch are reported, not imported. */
  readonly sampleColumn?: string | undefined;
  /** Instrument analyte code → specification analyte. Codes not listed are reported as unknown. */
  readonly analytes: Readonly<Record<string, string>>;
}

export interface ImportedResult {
  /** 1-based line of the file (the header is line 1). */
  readonly line: number;
  readonly analyte: string;
  readonly value: number | string;
  readonly unit?: string;
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface InstrumentImport {
  readonly results: readonly ImportedResult[];
  readonly rejected: readonly RejectedRow[];
}

/** Splits RFC 4180 CSV text into rows of fields; throws a DomainInputError naming the line of an open quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let quoteStartLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      quoteStartLine = line;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line++;
    } else field += c;
  }
  if (quoted) throw new DomainInputError('csv', `line ${quoteStartLine}: a quoted field is never closed`);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Applies an instrument mapping to CSV text: each data row becomes a result for a specification analyte, or a
 * rejected row with the reason (short row, empty value, unknown analyte code, another batch's sample, a second
 * result for the same analyte). Numbers become numbers; anything else stays text (qualitative results).
 */
export function readInstrumentCsv(
  text: string,
  mapping: InstrumentMapping,
  batchReference?: string,
): InstrumentImport {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows[0]?.map((h) => h.trim());
  if (!header || header.every((h) => h === '')) throw new DomainInputError('csv', 'the file is empty');
  const column = (name: string | undefined, field: string): number | undefined => {
    if (name === undefined) return undefined;
    const index = header.findIndex((h) => h.toLowerCase() === name.trim().toLowerCase());
    if (index < 0) throw new DomainInputError(field, `column "${name}" is not in the file's header`);
    return index;
  };
  const analyteAt = column(mapping.analyteColumn, 'mapping.analyteColumn')!;
  const valueAt = column(mapping.valueColumn, 'mapping.valueColumn')!;
  const unitAt = column(mapping.unitColumn, 'mapping.unitColumn');
  const sampleAt = column(mapping.sampleColumn, 'mapping.sampleColumn');
  const codes = new Map(
    Object.entries(mapping.analytes).map(([code, analyte]) => [code.toLowerCase(), analyte]),
  );

  const results: ImportedResult[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  rows.slice(1).forEach((fields, i) => {
    const line = i + 2;
    if (fields.every((f) => f.trim() === '')) return;
    const needed = Math.max(analyteAt, valueAt, unitAt ?? 0, sampleAt ?? 0);
    if (fields.length <= needed) {
      rejected.push({ line, reason: `only ${fields.length} fields; the mapping reads column ${needed + 1}` });
      return;
    }
    if (sampleAt !== undefined && batchReference !== undefined) {
      const sample = fields[sampleAt]!.trim();
      if (sample.toUpperCase() !== batchReference.toUpperCase()) {
        rejected.push({ line, reason: `sample "${sample}" is not batch ${batchReference}` });
        return;
      }
    }
    const code = fields[analyteAt]!.trim();
    const analyte = codes.get(code.toLowerCase());
    if (!analyte) {
      rejected.push({ line, reason: `analyte code "${code}" is not in the instrument mapping` });
      return;
    }
    const raw = fields[valueAt]!.trim();
    if (raw === '') {
      rejected.push({ line, reason: `${analyte}: no value` });
      return;
    }
    const previous = seen.get(analyte.toLowerCase());
    if (previous !== undefined) {
      rejected.push({ line, reason: `${analyte}: a second result (first on line ${previous})` });
      return;
    }
    seen.set(analyte.toLowerCase(), line);
    const unit = unitAt === undefined ? undefined : fields[unitAt]!.trim();
    results.push({
      line,
      analyte,
      value: NUMBER.test(raw) ? Number(raw) : raw,
      ...(unit ? { unit } : {}),
    });
  });
  return { results, rejected };
}
