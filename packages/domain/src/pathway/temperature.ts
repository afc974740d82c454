/**
 * Shipment temperature logs: a cryopreserved cellular product must stay at or below its storage limit
 * (−150 °C for products in the vapour phase of liquid nitrogen; DESIGN.md issue 6 and FACT-JACIE standards on
 * transport). Any reading above the limit is an excursion that blocks release until it is assessed.
 */
export interface TemperatureReading {
  /** ISO 8601 date-time. */
  readonly at: string;
  readonly celsius: number;
}

export interface TemperatureSummary {
  readonly readings: number;
  readonly first: string | null;
  readonly last: string | null;
  readonly minCelsius: number | null;
  readonly maxCelsius: number | null;
  readonly limitCelsius: number;
  /** Readings strictly above the limit. */
  readonly excursions: readonly TemperatureReading[];
}

/**
 * Parses a logger CSV with a header naming a time column (`time`, `timestamp` or `at`) and a temperature column
 * (`celsius`, `temperature` or `temp_c`). A malformed line is an error naming the line, never skipped.
 */
export function parseTemperatureCsv(text: string): TemperatureReading[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new RangeError('csv: the file is empty');
  const header = lines[0]!.split(',').map((h) => h.trim().toLowerCase());
  const timeCol = header.findIndex((h) => ['time', 'timestamp', 'at'].includes(h));
  const tempCol = header.findIndex((h) => ['celsius', 'temperature', 'temp_c'].includes(h));
  if (timeCol < 0 || tempCol < 0) {
    throw new RangeError(
      'csv: the header needs a time column (time/timestamp/at) and a celsius column (celsius/temperature/temp_c)',
    );
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const at = cells[timeCol] ?? '';
    const celsius = Number(cells[tempCol]);
    if (Number.isNaN(Date.parse(at))) throw new RangeError(`csv line ${i + 2}: "${at}" is not a date-time`);
    if (cells[tempCol] === '' || !Number.isFinite(celsius)) {
      throw new RangeError(`csv line ${i + 2}: "${cells[tempCol] ?? ''}" is not a temperature`);
    }
    return { at: new Date(at).toISOString(), celsius };
  });
}

/** Summarises a log against the product's upper limit and lists the excursions. */
export function summarizeTemperatures(
  readings: readonly TemperatureReading[],
  limitCelsius: number,
): TemperatureSummary {
  if (!Number.isFinite(limitCelsius)) throw new RangeError('limitCelsius: expected a finite number');
  const sorted = [...readings].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const temps = sorted.map((r) => r.celsius);
  return {
    readings: sorted.length,
    first: sorted[0]?.at ?? null,
    last: sorted.at(-1)?.at ?? null,
    minCelsius: temps.length ? Math.min(...temps) : null,
    maxCelsius: temps.length ? Math.max(...temps) : null,
    limitCelsius,
    excursions: sorted.filter((r) => r.celsius > limitCelsius),
  };
}
