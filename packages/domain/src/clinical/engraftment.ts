import { isAtLeast } from '../grading/compare';
import {
  DomainInputError,
  requireFinite,
  requireInRange,
  requireNonNegative,
  requireOneOf,
} from '../grading/input';
import { convertUnit } from '../grading/units';

/**
 * Haematopoietic engraftment after infusion (CIBMTR forms 2100/2450 definitions; DESIGN.md §3.3):
 *
 * - Neutrophil engraftment: the first of three consecutive values, on different days, with ANC ≥ 0.5 × 10⁹/L
 *   after the post-infusion nadir. When ANC is not reported it is WBC × (segmented + band neutrophil %).
 * - Platelet engraftment: the first of three consecutive values, on different days, ≥ 20 × 10⁹/L with no
 *   platelet transfusion in the 7 days before the first value and none during the three values.
 * - Primary graft failure: neutrophil engraftment not reached by the product's deadline — day +42 for gene
 *   therapy products and cord blood, day +30 for bone marrow or peripheral blood (configurable; the beti-cel
 *   label uses day +43).
 *
 * Days are counted from the infusion (day 0). Counts before day 0 are ignored. Several values on one day are
 * reduced to the lowest, so that a single good value never counts twice.
 */
export type GraftSource = 'gene-therapy' | 'bone-marrow' | 'peripheral-blood' | 'cord-blood';

export const GRAFT_SOURCES: readonly GraftSource[] = [
  'gene-therapy',
  'bone-marrow',
  'peripheral-blood',
  'cord-blood',
];

/** Default day by which neutrophil engraftment must be reached (DESIGN.md §3.3). */
export const DEFAULT_GRAFT_FAILURE_DAY: Readonly<Record<GraftSource, number>> = {
  'gene-therapy': 42,
  'bone-marrow': 30,
  'peripheral-blood': 30,
  'cord-blood': 42,
};

export const NEUTROPHIL_ENGRAFTMENT_THRESHOLD = 0.5; // × 10⁹/L
export const PLATELET_ENGRAFTMENT_THRESHOLD = 20; // × 10⁹/L
const CONSECUTIVE_VALUES = 3;
const PLATELET_TRANSFUSION_FREE_DAYS = 7;

export interface BloodCountRecord {
  /** Day relative to infusion (day 0); an integer. */
  readonly day: number;
  /** Absolute neutrophil count, in the input's `countUnit`. */
  readonly anc?: number;
  /** White blood cell count, in `countUnit`; used with `neutrophilPercent` when `anc` is missing. */
  readonly wbc?: number;
  /** Segmented + band neutrophils as a percentage of WBC (0–100). */
  readonly neutrophilPercent?: number;
  /** Platelet count, in `countUnit`. */
  readonly platelets?: number;
}

export interface EngraftmentInput {
  readonly source: GraftSource;
  /** Unit of every count, e.g. `10^9/L` or `/mm3`. */
  readonly countUnit: string;
  readonly counts: readonly BloodCountRecord[];
  /** Days (relative to infusion) on which platelets were transfused. */
  readonly plateletTransfusionDays?: readonly number[];
  /** Overrides the default neutrophil-failure deadline of the source (e.g. 43 for beti-cel). */
  readonly failureDeadlineDay?: number;
  /** The day up to which follow-up is complete; defaults to the last count's day. */
  readonly asOfDay?: number;
}

export type EngraftmentStatus =
  | 'engrafted'
  | 'engrafted-after-deadline'
  | 'pending'
  | 'graft-failure'
  | 'never-below-threshold';

export interface LineageEngraftment {
  readonly lineage: 'neutrophil' | 'platelet';
  readonly status: EngraftmentStatus;
  /** Day of the first of the three qualifying values. */
  readonly engraftmentDay?: number;
  /** The days of the three qualifying values. */
  readonly qualifyingDays?: readonly number[];
  readonly nadirDay?: number;
  /** Nadir value in × 10⁹/L. */
  readonly nadirValue?: number;
  /** The deadline applied (neutrophils only). */
  readonly deadlineDay?: number;
  readonly reason: string;
}

export interface EngraftmentResult {
  readonly neutrophil: LineageEngraftment;
  readonly platelet: LineageEngraftment;
  /** Days on which ANC was computed from WBC × neutrophil %. */
  readonly derivedAncDays: readonly number[];
}

interface DayValue {
  readonly day: number;
  readonly value: number;
}

/**
 * ANC from WBC and the neutrophil percentage (segmented + band), as CIBMTR asks when ANC is not reported.
 */
export function ancFromDifferential(wbc: number, neutrophilPercent: number): number {
  return (
    (requireNonNegative(wbc, 'wbc') * requireInRange(neutrophilPercent, 'neutrophilPercent', 0, 100)) / 100
  );
}

function lowestPerDay(values: DayValue[]): DayValue[] {
  const byDay = new Map<number, number>();
  for (const { day, value } of values) {
    const previous = byDay.get(day);
    byDay.set(day, previous === undefined ? value : Math.min(previous, value));
  }
  return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, value]) => ({ day, value }));
}

interface SeriesOutcome {
  readonly engraftmentIndex?: number;
  readonly nadirIndex?: number;
  /** Start index of a run of qualifying values at the end of the series shorter than three. */
  readonly trailingRunStart?: number;
}

function findEngraftment(
  series: DayValue[],
  threshold: number,
  windowAllowed: (first: number, last: number) => boolean,
): SeriesOutcome {
  if (series.length === 0) return {};
  let nadirIndex = 0;
  series.forEach((point, index) => {
    if (point.value < series[nadirIndex]!.value) nadirIndex = index;
  });
  if (isAtLeast(series[nadirIndex]!.value, threshold)) return { nadirIndex };
  for (let start = nadirIndex + 1; start < series.length; start++) {
    const window = series.slice(start, start + CONSECUTIVE_VALUES);
    const allQualify = window.every((p) => isAtLeast(p.value, threshold));
    if (!allQualify) continue;
    if (window.length < CONSECUTIVE_VALUES) return { nadirIndex, trailingRunStart: start };
    if (windowAllowed(window[0]!.day, window[CONSECUTIVE_VALUES - 1]!.day)) {
      return { nadirIndex, engraftmentIndex: start };
    }
  }
  return { nadirIndex };
}

function checkedDay(value: unknown, field: string): number {
  const day = requireFinite(value, field);
  if (!Number.isInteger(day)) throw new DomainInputError(field, `must be a whole day number, got ${day}`);
  return day;
}

/**
 * Neutrophil and platelet engraftment day, nadir and graft-failure status from a series of counts and
 * platelet transfusions (CIBMTR definitions; DESIGN.md §3.3). Bad input (a fractional day, a negative count,
 * an unknown unit or source) throws a {@link DomainInputError} naming the field, e.g. `counts[4].anc`.
 */
export function assessEngraftment(input: EngraftmentInput): EngraftmentResult {
  const source = requireOneOf(input?.source, 'source', GRAFT_SOURCES);
  if (!Array.isArray(input.counts)) throw new DomainInputError('counts', 'expected a list of blood counts');
  const toBase = (value: number, field: string) =>
    convertUnit('count', value, input.countUnit, '10^9/L', field);
  const deadline =
    input.failureDeadlineDay === undefined
      ? DEFAULT_GRAFT_FAILURE_DAY[source]
      : checkedDay(input.failureDeadlineDay, 'failureDeadlineDay');
  const transfusions = (input.plateletTransfusionDays ?? []).map((d, i) =>
    checkedDay(d, `plateletTransfusionDays[${i}]`),
  );

  const anc: DayValue[] = [];
  const platelets: DayValue[] = [];
  const derivedAncDays: number[] = [];
  let lastDay = Number.NEGATIVE_INFINITY;
  input.counts.forEach((record, i) => {
    const day = checkedDay(record?.day, `counts[${i}].day`);
    lastDay = Math.max(lastDay, day);
    if (day < 0) return;
    if (record.anc !== undefined) {
      anc.push({
        day,
        value: toBase(requireNonNegative(record.anc, `counts[${i}].anc`), `counts[${i}].anc`),
      });
    } else if (record.wbc !== undefined) {
      if (record.neutrophilPercent === undefined) {
        throw new DomainInputError(`counts[${i}].neutrophilPercent`, 'required to derive ANC from WBC');
      }
      const wbc = toBase(requireNonNegative(record.wbc, `counts[${i}].wbc`), `counts[${i}].wbc`);
      const percent = requireInRange(record.neutrophilPercent, `counts[${i}].neutrophilPercent`, 0, 100);
      anc.push({ day, value: ancFromDifferential(wbc, percent) });
      derivedAncDays.push(day);
    }
    if (record.platelets !== undefined) {
      const value = toBase(
        requireNonNegative(record.platelets, `counts[${i}].platelets`),
        `counts[${i}].platelets`,
      );
      platelets.push({ day, value });
    }
  });
  const asOfDay = input.asOfDay === undefined ? lastDay : checkedDay(input.asOfDay, 'asOfDay');

  const neutrophilSeries = lowestPerDay(anc);
  const neutrophilOutcome = findEngraftment(neutrophilSeries, NEUTROPHIL_ENGRAFTMENT_THRESHOLD, () => true);
  const neutrophil = describeNeutrophil(neutrophilSeries, neutrophilOutcome, deadline, asOfDay, source);

  const plateletSeries = lowestPerDay(platelets);
  const transfusionFree = (first: number, last: number) =>
    !transfusions.some((d) => d >= first - PLATELET_TRANSFUSION_FREE_DAYS && d <= last);
  const plateletOutcome = findEngraftment(plateletSeries, PLATELET_ENGRAFTMENT_THRESHOLD, transfusionFree);
  const platelet = describePlatelet(plateletSeries, plateletOutcome);

  return { neutrophil, platelet, derivedAncDays };
}

function common(series: DayValue[], outcome: SeriesOutcome) {
  const nadir = outcome.nadirIndex === undefined ? undefined : series[outcome.nadirIndex];
  const engraftedAt = outcome.engraftmentIndex;
  const qualifyingDays =
    engraftedAt === undefined
      ? undefined
      : series.slice(engraftedAt, engraftedAt + CONSECUTIVE_VALUES).map((p) => p.day);
  return { nadir, qualifyingDays };
}

function describeNeutrophil(
  series: DayValue[],
  outcome: SeriesOutcome,
  deadline: number,
  asOfDay: number,
  source: GraftSource,
): LineageEngraftment {
  const { nadir, qualifyingDays } = common(series, outcome);
  const base = {
    lineage: 'neutrophil' as const,
    deadlineDay: deadline,
    ...(nadir ? { nadirDay: nadir.day, nadirValue: nadir.value } : {}),
  };
  const deadlineText = `day +${deadline} (${source})`;
  if (series.length === 0) {
    return { ...base, status: 'pending', reason: 'no neutrophil counts after infusion yet' };
  }
  if (
    outcome.nadirIndex !== undefined &&
    outcome.engraftmentIndex === undefined &&
    nadir &&
    nadir.value >= 0.5
  ) {
    return {
      ...base,
      status: 'never-below-threshold',
      reason: `ANC never fell below 0.5 × 10⁹/L after infusion (lowest ${nadir.value} on day ${nadir.day})`,
    };
  }
  if (qualifyingDays) {
    const day = qualifyingDays[0]!;
    const late = day > deadline;
    return {
      ...base,
      status: late ? 'engrafted-after-deadline' : 'engrafted',
      engraftmentDay: day,
      qualifyingDays,
      reason: `neutrophil engraftment on day +${day}: ANC ≥ 0.5 × 10⁹/L on days ${qualifyingDays.join(', ')} after the nadir${
        late ? `; later than the graft-failure deadline ${deadlineText}` : ''
      }`,
    };
  }
  const trailingStart =
    outcome.trailingRunStart === undefined ? undefined : series[outcome.trailingRunStart]!.day;
  if (trailingStart !== undefined && trailingStart <= deadline) {
    return {
      ...base,
      status: 'pending',
      reason: `ANC ≥ 0.5 × 10⁹/L from day +${trailingStart}; awaiting three consecutive values`,
    };
  }
  if (asOfDay >= deadline) {
    return {
      ...base,
      status: 'graft-failure',
      reason: `primary graft failure: neutrophil engraftment not reached by ${deadlineText}`,
    };
  }
  return {
    ...base,
    status: 'pending',
    reason: `not engrafted yet on day +${asOfDay}; deadline ${deadlineText}`,
  };
}

function describePlatelet(series: DayValue[], outcome: SeriesOutcome): LineageEngraftment {
  const { nadir, qualifyingDays } = common(series, outcome);
  const base = {
    lineage: 'platelet' as const,
    ...(nadir ? { nadirDay: nadir.day, nadirValue: nadir.value } : {}),
  };
  if (series.length === 0)
    return { ...base, status: 'pending', reason: 'no platelet counts after infusion yet' };
  if (nadir && nadir.value >= PLATELET_ENGRAFTMENT_THRESHOLD && !qualifyingDays) {
    return {
      ...base,
      status: 'never-below-threshold',
      reason: `platelets never fell below 20 × 10⁹/L after infusion (lowest ${nadir.value} on day ${nadir.day})`,
    };
  }
  if (qualifyingDays) {
    return {
      ...base,
      status: 'engrafted',
      engraftmentDay: qualifyingDays[0]!,
      qualifyingDays,
      reason: `platelet engraftment on day +${qualifyingDays[0]}: ≥ 20 × 10⁹/L on days ${qualifyingDays.join(
        ', ',
      )} with no platelet transfusion from 7 days before through the last value`,
    };
  }
  return {
    ...base,
    status: 'pending',
    reason: 'platelet engraftment not reached: no three consecutive values ≥ 20 × 10⁹/L free of transfusion',
  };
}
