import { DomainInputError, requireFinite, requirePositive } from '../grading/input';

/**
 * Levey–Jennings statistics and the Westgard multirule procedure for a QC control series
 * (Levey S, Jennings ER, Am J Clin Pathol 1950;20:1059–66; Westgard JO, Barry PL, Hunt MR, Groth T,
 * Clin Chem 1981;27:493–501; CLSI C24). "Exceeds 2s" means |z| > 2 — a value exactly on a limit does not.
 *
 * - 1-2s (warning): one value beyond mean ± 2 SD.
 * - 1-3s: one value beyond ± 3 SD.
 * - 2-2s: two consecutive values beyond the same 2 SD limit.
 * - R-4s: one value beyond +2 SD and the next beyond −2 SD (range > 4 SD), within the run or consecutive.
 * - 4-1s: four consecutive values beyond the same 1 SD limit.
 * - 10-x: ten consecutive values on the same side of the mean.
 */
export type WestgardRule = '1-2s' | '1-3s' | '2-2s' | 'R-4s' | '4-1s' | '10-x';

export const WESTGARD_RULES: readonly WestgardRule[] = ['1-2s', '1-3s', '2-2s', 'R-4s', '4-1s', '10-x'];

export interface LeveyJenningsStats {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1). */
  readonly sd: number;
  /** Coefficient of variation, % (SD / mean × 100); null when the mean is 0. */
  readonly cvPercent: number | null;
  /** z-score of each value against this mean and SD; null when SD is 0. */
  readonly zScores: readonly number[] | null;
  /** Control limits mean ± 1, 2, 3 SD. */
  readonly limits: Readonly<Record<'1' | '2' | '3', readonly [number, number]>>;
}

function checkedValues(values: readonly number[], field: string, minimum: number): number[] {
  if (!Array.isArray(values) || values.length < minimum) {
    throw new DomainInputError(field, `needs at least ${minimum} values`);
  }
  return values.map((v, i) => requireFinite(v, `${field}[${i}]`));
}

/** Mean, sample SD, CV and z-scores of a control series (Levey–Jennings chart statistics). */
export function leveyJenningsStats(values: readonly number[]): LeveyJenningsStats {
  const xs = checkedValues(values, 'values', 2);
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  const limit = (k: number) => [mean - k * sd, mean + k * sd] as const;
  return {
    n,
    mean,
    sd,
    cvPercent: mean === 0 ? null : (sd / Math.abs(mean)) * 100,
    zScores: sd === 0 ? null : xs.map((x) => (x - mean) / sd),
    limits: { '1': limit(1), '2': limit(2), '3': limit(3) },
  };
}

export interface WestgardViolation {
  readonly rule: WestgardRule;
  /** Index of the value that completed the violation. */
  readonly index: number;
  /** Every value involved. */
  readonly indices: readonly number[];
  readonly severity: 'warning' | 'reject';
  readonly message: string;
}

export interface WestgardPoint {
  readonly index: number;
  readonly value: number;
  readonly z: number;
  readonly status: 'accept' | 'warning' | 'reject';
  readonly rules: readonly WestgardRule[];
}

export interface WestgardResult {
  /** Decision for the latest value (the current run). */
  readonly status: 'accept' | 'warning' | 'reject';
  readonly points: readonly WestgardPoint[];
  readonly violations: readonly WestgardViolation[];
}

/**
 * Applies the Westgard rules to a control series, in time order, against the established target mean and SD
 * of the control material (not the series' own statistics). `rules` selects a subset (all by default).
 */
export function evaluateWestgard(
  values: readonly number[],
  target: { readonly mean: number; readonly sd: number },
  rules: readonly WestgardRule[] = WESTGARD_RULES,
): WestgardResult {
  const xs = checkedValues(values, 'values', 1);
  const mean = requireFinite(target?.mean, 'mean');
  const sd = requirePositive(target.sd, 'sd');
  for (const [i, rule] of rules.entries()) {
    if (!WESTGARD_RULES.includes(rule))
      throw new DomainInputError(`rules[${i}]`, `unknown rule ${String(rule)}`);
  }
  const active = new Set(rules);
  const z = xs.map((x) => (x - mean) / sd);
  const violations: WestgardViolation[] = [];
  const add = (rule: WestgardRule, index: number, count: number, message: string) => {
    const indices = Array.from({ length: count }, (_, k) => index - count + 1 + k);
    violations.push({ rule, index, indices, severity: rule === '1-2s' ? 'warning' : 'reject', message });
  };
  const run = (i: number, count: number, test: (zi: number) => boolean) =>
    i + 1 >= count && z.slice(i + 1 - count, i + 1).every(test);

  z.forEach((zi, i) => {
    if (active.has('1-2s') && Math.abs(zi) > 2)
      add('1-2s', i, 1, `value ${i + 1} beyond ${zi > 0 ? '+' : '−'}2 SD (z = ${zi.toFixed(2)})`);
    if (active.has('1-3s') && Math.abs(zi) > 3)
      add('1-3s', i, 1, `value ${i + 1} beyond ${zi > 0 ? '+' : '−'}3 SD (z = ${zi.toFixed(2)})`);
    if (active.has('2-2s') && (run(i, 2, (v) => v > 2) || run(i, 2, (v) => v < -2))) {
      add('2-2s', i, 2, `values ${i} and ${i + 1} beyond the same 2 SD limit`);
    }
    if (active.has('R-4s') && i >= 1) {
      const prev = z[i - 1]!;
      if ((prev > 2 && zi < -2) || (prev < -2 && zi > 2)) {
        add(
          'R-4s',
          i,
          2,
          `values ${i} and ${i + 1} on opposite sides beyond 2 SD (range ${Math.abs(zi - prev).toFixed(2)} SD)`,
        );
      }
    }
    if (active.has('4-1s') && (run(i, 4, (v) => v > 1) || run(i, 4, (v) => v < -1))) {
      add('4-1s', i, 4, `values ${i - 2}–${i + 1} beyond the same 1 SD limit`);
    }
    if (active.has('10-x') && (run(i, 10, (v) => v > 0) || run(i, 10, (v) => v < 0))) {
      add('10-x', i, 10, `values ${i - 8}–${i + 1} on the same side of the mean`);
    }
  });

  const points: WestgardPoint[] = xs.map((value, index) => {
    const here = violations.filter((v) => v.index === index);
    const status = here.some((v) => v.severity === 'reject')
      ? 'reject'
      : here.length > 0
        ? 'warning'
        : 'accept';
    return { index, value, z: z[index]!, status, rules: here.map((v) => v.rule) };
  });
  return { status: points[points.length - 1]!.status, points, violations };
}
