import {
  intern,
  type PairTable,
  tableFromCounts,
  tableFromReports,
} from '@cgtlink/domain/signals/contingency';
import { screenTable } from '@cgtlink/domain/signals/screen';
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

/** One pair as JSON, assembled directly (a replacer-based stringify is the bottleneck at a million pairs). */
function pairJson(r: {
  product: string;
  event: string;
  a: number;
  expected: number;
  prr: number;
  prrChisq: number;
  ror: number;
  rorLower: number;
  rorUpper: number;
  ic: number;
  ic025: number;
  ebgm: number;
  eb05: number;
  eb95: number;
  signal: boolean;
}): string {
  const n = (v: number) => (Number.isFinite(v) ? String(v) : 'null');
  return `{"product":${JSON.stringify(r.product)},"event":${JSON.stringify(r.event)},"a":${n(r.a)},"expected":${n(r.expected)},"prr":${n(r.prr)},"prrChisq":${n(r.prrChisq)},"ror":${n(r.ror)},"rorLower":${n(r.rorLower)},"rorUpper":${n(r.rorUpper)},"ic":${n(r.ic)},"ic025":${n(r.ic025)},"ebgm":${n(r.ebgm)},"eb05":${n(r.eb05)},"eb95":${n(r.eb95)},"signal":${r.signal}}`;
}

function runSignals(options: SignalsOptions): void {
  if (!!options.count === !!options.report)
    throw new UsageError('give exactly one of --count <col> or --report <col>');
  const columns = [options.product, options.event, (options.count ?? options.report)!];
  const csv = readCsvColumns(options.csv, columns, options.count ? [options.count] : []);
  const productCells = csv.cells.get(options.product)!;
  const eventCells = csv.cells.get(options.event)!;
  const keep: number[] = [];
  for (let i = 0; i < csv.rows; i++)
    if (!isMissing(productCells[i]!) && !isMissing(eventCells[i]!)) keep.push(i);
  const product = intern(keep.map((i) => productCells[i]!));
  const event = intern(keep.map((i) => eventCells[i]!));
  let pairs: PairTable;
  try {
    if (options.count) {
      const counts = csv.numbers.get(options.count)!;
      const c = Float64Array.from(keep, (i) => counts[i]!);
      c.forEach((v, k) => {
        if (!(v >= 0))
          throw new UsageError(`column "${options.count}" row ${keep[k]! + 1}: count must be a number ≥ 0`);
      });
      pairs = tableFromCounts(product.ids, event.ids, c, product.labels.length, event.labels.length);
    } else {
      const reportCells = csv.cells.get(options.report!)!;
      const report = intern(keep.map((i) => reportCells[i]!));
      pairs = tableFromReports(
        report.ids,
        product.ids,
        event.ids,
        report.labels.length,
        product.labels.length,
        event.labels.length,
      );
    }
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  let result: ReturnType<typeof screenTable>;
  try {
    result = screenTable(pairs);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
  const { alpha1, beta1, alpha2, beta2, p, logLik } = result.prior;
  const rows = result.pairs.map((s) => ({
    product: product.labels[pairs.product[s.index]!]!,
    event: event.labels[pairs.event[s.index]!]!,
    a: s.a,
    expected: s.expected,
    prr: s.prr,
    prrChisq: s.prrChisq,
    ror: s.ror,
    rorLower: s.rorLower,
    rorUpper: s.rorUpper,
    ic: s.ic,
    ic025: s.ic025,
    ebgm: s.ebgm,
    eb05: s.eb05,
    eb95: s.eb95,
    signal: s.signal,
  }));
  if (options.json) {
    // Written in slices: a million pairs do not fit one JSON string comfortably.
    process.stdout.write(`{"prior":${toJson({ alpha1, beta1, alpha2, beta2, p, logLik })},"pairs":[`);
    const slice = 20000;
    for (let i = 0; i < rows.length; i += slice)
      process.stdout.write(
        (i > 0 ? ',' : '') +
          rows
            .slice(i, i + slice)
            .map(pairJson)
            .join(','),
      );
    process.stdout.write(']}\n');
    return;
  }
  const top = Math.max(1, Number(options.top) || 20);
  const shown = [...rows].sort((x, y) => y.eb05 - x.eb05).slice(0, top);
  process.stdout.write(
    `MGPS prior: alpha1=${fmt(alpha1)} beta1=${fmt(beta1)} alpha2=${fmt(alpha2)} beta2=${fmt(beta2)} P=${fmt(p)} (log-likelihood ${fmt(logLik)})\n` +
      `${rows.length} product–event pairs, ${rows.filter((r) => r.signal).length} meet the Evans criteria; top ${shown.length} by EB05:\n` +
      table(
        ['product', 'event', 'n', 'E', 'PRR', 'chi2', 'ROR', 'IC025', 'EBGM', 'EB05', 'EB95', 'Evans'],
        shown.map((r) => [
          r.product,
          r.event,
          fmt(r.a),
          fmt(r.expected),
          fmt(r.prr),
          fmt(r.prrChisq),
          fmt(r.ror),
          fmt(r.ic025),
          fmt(r.ebgm),
          fmt(r.eb05),
          fmt(r.eb95),
          r.signal ? 'yes' : '',
        ]),
      ),
  );
}
