import { type CifRow, cifAt, cumulativeIncidence, grayTest } from '@cgtlink/domain/stats/competingRisks';
import { type CoxTies, coxRegression } from '@cgtlink/domain/stats/cox';
import { type ConfType, kaplanMeier, survivalAt } from '@cgtlink/domain/stats/kaplanMeier';
import { logRank } from '@cgtlink/domain/stats/logRank';
import { SurvivalDataError, sortByGroup, validateSurvival } from '@cgtlink/domain/stats/survivalData';
import type { Command } from 'commander';
import { type CsvColumns, isMissing, levelsOf, looksNumeric, readCsvColumns } from '../csv/columns';
import { fmt, table, toJson } from '../csv/output';
import { completeRows, eventIndicator, groupCodes, numberList, timeColumn } from '../csv/survivalColumns';
import { UsageError } from '../errors';

interface KmOptions {
  csv: string;
  time: string;
  event: string;
  group?: string;
  entry?: string;
  confType: string;
  times?: string;
  json?: boolean;
}

interface CoxOptions {
  csv: string;
  time: string;
  event: string;
  covariates: string;
  ties: string;
  json?: boolean;
}

interface CifOptions {
  csv: string;
  time: string;
  status: string;
  group?: string;
  times?: string;
  json?: boolean;
}

/** `cgtlink stats km|cox|cif`: survival statistics on a CSV file, agreeing with R's survival and cmprsk. */
export function registerStats(program: Command): void {
  const stats = program
    .command('stats')
    .description('Survival statistics on a CSV file (Kaplan–Meier, Cox, competing risks)');
  stats
    .command('km')
    .description('Kaplan–Meier curves with Greenwood errors, medians and the log-rank test across groups')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--time <col>', 'follow-up time column (≥ 0)')
    .requiredOption('--event <col>', 'status column: 0/1, 1/2 (2 = event) or TRUE/FALSE')
    .option('--group <col>', 'group column (curves per group and the log-rank test)')
    .option('--entry <col>', 'late-entry (left-truncation) time column')
    .option('--conf-type <type>', 'confidence interval type: log, log-log or plain', 'log')
    .option('--times <list>', 'also report S(t) at these times, e.g. 30,90,365')
    .option('--json', 'JSON on stdout')
    .action((options: KmOptions) => runKm(options));
  stats
    .command('cox')
    .description('Cox proportional hazards regression')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--time <col>', 'follow-up time column (≥ 0)')
    .requiredOption('--event <col>', 'status column: 0/1, 1/2 (2 = event) or TRUE/FALSE')
    .requiredOption('--covariates <list>', 'covariates, e.g. age,sex,log(dose); text columns become factors')
    .option('--ties <method>', 'tied event times: efron or breslow', 'efron')
    .option('--json', 'JSON on stdout')
    .action((options: CoxOptions) => runCox(options));
  stats
    .command('cif')
    .description('Cumulative incidence of competing risks (Aalen–Johansen) and Gray’s test across groups')
    .requiredOption('--csv <file>', 'CSV file with a header row')
    .requiredOption('--time <col>', 'follow-up time column (≥ 0)')
    .requiredOption('--status <col>', 'status column: 0 censored, k = failure from cause k')
    .option('--group <col>', 'group column (curves per group and Gray’s test)')
    .option('--times <list>', 'report the curves at these times instead of at every event time')
    .option('--json', 'JSON on stdout')
    .action((options: CifOptions) => runCif(options));
}

function confTypeOf(text: string): ConfType {
  if (text === 'log' || text === 'log-log' || text === 'plain') return text;
  throw new UsageError(`--conf-type must be log, log-log or plain (got "${text}")`);
}

/** Domain validation errors are bad input: report them as usage errors naming the field. */
function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof SurvivalDataError || error instanceof RangeError)
      throw new UsageError(error.message);
    throw error;
  }
}

function pick(values: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}

function pickCodes(values: Int32Array, rows: Uint32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]!]!;
  return out;
}

function runKm(options: KmOptions): void {
  const confType = confTypeOf(options.confType);
  const times = options.times ? numberList(options.times, '--times') : null;
  const columns = [options.time, options.event, options.group, options.entry].filter((c): c is string => !!c);
  const numeric = [options.time, options.entry].filter((c): c is string => !!c);
  const csv = readCsvColumns(options.csv, columns, numeric);
  const time = timeColumn(csv, options.time);
  const event = eventIndicator(csv, options.event);
  const entry = options.entry ? timeColumn(csv, options.entry) : null;
  const grouping = options.group ? groupCodes(csv, options.group) : null;
  const rows = completeRows(entry ? [time, event, entry] : [time, event], grouping ? [grouping.codes] : []);
  if (rows.length === 0) throw new UsageError('no complete rows (every row has a missing value)');
  const data = {
    time: pick(time, rows),
    event: pick(event, rows),
    entry: entry ? pick(entry, rows) : undefined,
  };
  let events = 0;
  for (const e of data.event) events += e;
  if (events === 0)
    throw new UsageError(
      `column "${options.event}": all subjects are censored, there is nothing to estimate`,
    );
  const levels = grouping ? grouping.levels : ['all'];
  const codes = grouping ? pickCodes(grouping.codes, rows) : null;
  const groups = asUsage(() => {
    validateSurvival(data);
    return sortByGroup(data, codes, levels.length);
  });
  const result = {
    groups: groups.map((g, i) => {
      const fit = kaplanMeier(g, { confType });
      return {
        group: levels[i]!,
        n: fit.n,
        events: fit.events,
        median: fit.median,
        medianLower: fit.medianLower,
        medianUpper: fit.medianUpper,
        curve: fit.rows,
        ...(times ? { at: survivalAt(fit, g, times) } : {}),
      };
    }),
    logrank: groups.length > 1 ? (({ chisq, df, p }) => ({ chisq, df, p }))(logRank([groups])) : null,
  };
  if (options.json) {
    process.stdout.write(`${toJson(result)}\n`);
    return;
  }
  const out: string[] = [];
  for (const g of result.groups) {
    out.push(
      `${options.group ? `${options.group}=${g.group}` : 'all'}: n=${g.n}, events=${g.events}, median ${fmt(g.median)} (95% CI ${fmt(g.medianLower)}–${fmt(g.medianUpper)})\n`,
    );
    out.push(
      table(
        ['time', 'n.risk', 'n.event', 'survival', 'std.err', 'lower', 'upper'],
        g.curve.map((r) => [
          fmt(r.time),
          fmt(r.nRisk),
          fmt(r.nEvent),
          fmt(r.survival),
          fmt(r.stdErr),
          fmt(r.lower),
          fmt(r.upper),
        ]),
      ),
    );
    if (g.at)
      out.push(
        `at chosen times:\n${table(
          ['time', 'n.risk', 'survival', 'std.err', 'lower', 'upper'],
          g.at.map((r) => [
            fmt(r.time),
            fmt(r.nRisk),
            fmt(r.survival),
            fmt(r.stdErr),
            fmt(r.lower),
            fmt(r.upper),
          ]),
        )}`,
      );
  }
  if (result.logrank)
    out.push(
      `log-rank: chisq = ${fmt(result.logrank.chisq)} on ${result.logrank.df} df, p = ${fmt(result.logrank.p)}\n`,
    );
  process.stdout.write(out.join('\n'));
}

interface Term {
  name: string;
  values: Float64Array;
}

/** Design columns for `a,b,log(c),factor(d)`: numbers as they are, text columns as treatment contrasts. */
function designOf(csv: CsvColumns, specs: string[]): Term[] {
  const terms: Term[] = [];
  for (const spec of specs) {
    const log = /^log\((.+)\)$/.exec(spec);
    const factor = /^factor\((.+)\)$/.exec(spec);
    const column = log?.[1] ?? factor?.[1] ?? spec;
    const cells = csv.cells.get(column)!;
    if (log) {
      const values = new Float64Array(cells.length);
      cells.forEach((c, i) => {
        if (isMissing(c)) values[i] = Number.NaN;
        else {
          const v = Number(c);
          if (!(v > 0))
            throw new UsageError(
              `column "${column}" row ${i + 1}: log() needs a positive number (got "${c}")`,
            );
          values[i] = Math.log(v);
        }
      });
      terms.push({ name: spec, values });
    } else if (!factor && looksNumeric(csv, column)) {
      terms.push({
        name: column,
        values: Float64Array.from(cells, (c) => (isMissing(c) ? Number.NaN : Number(c))),
      });
    } else {
      const levels = levelsOf(cells);
      if (levels.length < 2) throw new UsageError(`column "${column}" has fewer than two levels`);
      for (const level of levels.slice(1))
        terms.push({
          name: `${spec}${level}`,
          values: Float64Array.from(cells, (c) => (isMissing(c) ? Number.NaN : c === level ? 1 : 0)),
        });
    }
  }
  return terms;
}

function runCox(options: CoxOptions): void {
  if (options.ties !== 'efron' && options.ties !== 'breslow')
    throw new UsageError(`--ties must be efron or breslow (got "${options.ties}")`);
  const specs = options.covariates
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (specs.length === 0) throw new UsageError('--covariates needs at least one column');
  const covariateColumns = specs.map((s) => /^(?:log|factor)\((.+)\)$/.exec(s)?.[1] ?? s);
  const csv = readCsvColumns(
    options.csv,
    [...new Set([options.time, options.event, ...covariateColumns])],
    [options.time],
  );
  const time = timeColumn(csv, options.time);
  const event = eventIndicator(csv, options.event);
  const terms = designOf(csv, specs);
  const rows = completeRows([time, event, ...terms.map((t) => t.values)]);
  if (rows.length === 0) throw new UsageError('no complete rows (every row has a missing value)');
  const fit = asUsage(() =>
    coxRegression({
      time: pick(time, rows),
      event: pick(event, rows),
      covariates: terms.map((t) => pick(t.values, rows)),
      names: terms.map((t) => t.name),
      ties: options.ties as CoxTies,
    }),
  );
  const result = {
    coefficients: fit.terms.map(({ term, coef, se, hr, lower, upper, p }) => ({
      term,
      coef,
      se,
      hr,
      lower,
      upper,
      p,
    })),
    loglik: fit.loglik,
    loglikNull: fit.loglikNull,
    n: fit.n,
    events: fit.events,
    wald: fit.wald,
    likelihoodRatio: fit.likelihoodRatio,
    score: fit.score,
  };
  if (options.json) {
    process.stdout.write(`${toJson(result)}\n`);
    return;
  }
  process.stdout.write(
    `Cox model (${options.ties}), n=${fit.n}, events=${fit.events}, log-likelihood ${fmt(fit.loglik)}\n${table(
      ['term', 'coef', 'se', 'HR', 'lower 95%', 'upper 95%', 'p'],
      result.coefficients.map((c) => [
        c.term,
        fmt(c.coef),
        fmt(c.se),
        fmt(c.hr),
        fmt(c.lower),
        fmt(c.upper),
        fmt(c.p),
      ]),
    )}likelihood ratio ${fmt(fit.likelihoodRatio.chisq)} on ${fit.likelihoodRatio.df} df, p = ${fmt(fit.likelihoodRatio.p)}; Wald ${fmt(fit.wald.chisq)}, p = ${fmt(fit.wald.p)}\n`,
  );
}

function runCif(options: CifOptions): void {
  const times = options.times ? numberList(options.times, '--times') : null;
  const columns = [options.time, options.status, options.group].filter((c): c is string => !!c);
  const csv = readCsvColumns(options.csv, columns, [options.time, options.status]);
  const time = timeColumn(csv, options.time);
  const status = csv.numbers.get(options.status)!;
  status.forEach((s, i) => {
    if (!Number.isNaN(s) && (!Number.isInteger(s) || s < 0))
      throw new UsageError(
        `column "${options.status}" row ${i + 1}: unknown status code "${s}" (0 = censored, 1, 2, … = cause)`,
      );
  });
  const grouping = options.group ? groupCodes(csv, options.group) : null;
  const rows = completeRows([time, status], grouping ? [grouping.codes] : []);
  if (rows.length === 0) throw new UsageError('no complete rows (every row has a missing value)');
  const t = pick(time, rows);
  const s = pick(status, rows);
  if (!s.some((v) => v > 0))
    throw new UsageError(
      `column "${options.status}": all subjects are censored, there is nothing to estimate`,
    );
  const levels = grouping ? grouping.levels : [null];
  const codes = grouping ? pickCodes(grouping.codes, rows) : null;
  const causes: { group?: string; cause: number; curve: { time: number; cif: number; stdErr: number }[] }[] =
    [];
  levels.forEach((level, gi) => {
    const idx = codes ? Array.from(codes.keys()).filter((i) => codes[i] === gi) : null;
    const gt = idx ? idx.map((i) => t[i]!) : t;
    const gs = idx ? idx.map((i) => s[i]!) : s;
    for (const curve of asUsage(() => cumulativeIncidence(gt, gs))) {
      const rowsOut: CifRow[] = times ? cifAt(curve, times) : curve.rows;
      causes.push({
        ...(level === null ? {} : { group: level }),
        cause: curve.cause,
        curve: rowsOut.map((r) => ({ time: r.time, cif: r.cif, stdErr: r.stdErr })),
      });
    }
  });
  const gray =
    grouping && codes
      ? [...new Set(Array.from(s).filter((v) => v > 0))]
          .sort((a, b) => a - b)
          .map((cause) => asUsage(() => grayTest(t, s, codes, levels.length, cause)))
      : null;
  const result = { causes, ...(gray ? { gray } : {}) };
  if (options.json) {
    process.stdout.write(`${toJson(result)}\n`);
    return;
  }
  const out = causes.map(
    (c) =>
      `${c.group === undefined ? '' : `${options.group}=${c.group}, `}cause ${c.cause}\n${table(
        ['time', 'cif', 'std.err'],
        c.curve.map((r) => [fmt(r.time), fmt(r.cif), fmt(r.stdErr)]),
      )}`,
  );
  if (gray)
    for (const g of gray)
      out.push(`Gray's test, cause ${g.cause}: chisq = ${fmt(g.chisq)} on ${g.df} df, p = ${fmt(g.p)}\n`);
  process.stdout.write(out.join('\n'));
}
