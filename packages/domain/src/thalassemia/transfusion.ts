import { isAtLeast } from '../grading/compare';
import { DomainInputError, requireNonNegative, requireOneOf, requirePositive } from '../grading/input';
import { toCanonical } from '../grading/units';
import { addCalendarMonths, formatIsoDate, parseIsoDate } from './dates';

/** One red-cell transfusion. Several records on one date count as one transfusion event. */
export interface RedCellTransfusion {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Volume of red cells given, mL. */
  readonly volumeMl?: number;
  /** Body weight at the transfusion, kg (falls back to the input's `weightKg`). */
  readonly weightKg?: number;
}

export interface TransfusionDependenceInput {
  readonly transfusions: readonly RedCellTransfusion[];
  /** The date the history is judged at (screening or enrolment), `YYYY-MM-DD`. */
  readonly referenceDate: string;
  /** Body weight used when a transfusion carries none, kg. */
  readonly weightKg?: number;
  /**
   * `annual-average` (default): the two-year totals divided by two meet a threshold; `each-year`: each of the
   * two years meets it on its own (the stricter reading of "per year over the two years before").
   */
  readonly mode?: 'annual-average' | 'each-year';
}

export interface TransfusionYear {
  readonly from: string;
  /** Exclusive end. */
  readonly to: string;
  readonly events: number;
  /** Red-cell volume per kg, or null when a volume is missing. */
  readonly volumeMlPerKg: number | null;
}

export interface TransfusionDependenceResult {
  readonly dependent: boolean;
  readonly criterion: 'volume' | 'events' | 'volume-and-events' | 'none';
  readonly years: readonly [TransfusionYear, TransfusionYear];
  readonly meanEventsPerYear: number;
  readonly meanVolumeMlPerKgPerYear: number | null;
  readonly reason: string;
}

/** ≥ 100 mL/kg/year of red cells (beti-cel HGB-207/212 and exa-cel CLIMB-111 eligibility; DESIGN.md §3.3). */
export const TDT_VOLUME_ML_PER_KG_PER_YEAR = 100;
/** ≥ 8 transfusion events a year (beti-cel HGB-207/212 eligibility; DESIGN.md §3.3). */
export const TDT_EVENTS_PER_YEAR = 8;

/**
 * Transfusion-dependent thalassaemia for gene-therapy eligibility: ≥ 100 mL/kg/year of red cells or ≥ 8
 * transfusion events a year over the two years before the reference date (Locatelli F et al., N Engl J Med
 * 2022;386:415–27, HGB-207 eligibility; DESIGN.md §3.3). Year 1 is the 12 months before the reference date,
 * year 2 the 12 months before that.
 */
export function assessTransfusionDependence(input: TransfusionDependenceInput): TransfusionDependenceResult {
  const reference = parseIsoDate(input?.referenceDate, 'referenceDate');
  const mode = requireOneOf(input.mode ?? 'annual-average', 'mode', ['annual-average', 'each-year'] as const);
  if (!Array.isArray(input.transfusions)) throw new DomainInputError('transfusions', 'expected a list');
  const yearStarts = [addCalendarMonths(reference, -12), addCalendarMonths(reference, -24)] as const;
  const ends = [reference, yearStarts[0]] as const;

  const years = [0, 1].map((y) => {
    const from = yearStarts[y as 0 | 1];
    const to = ends[y as 0 | 1];
    const dates = new Set<number>();
    let volumePerKg: number | null = 0;
    input.transfusions.forEach((t, i) => {
      const day = parseIsoDate(t?.date, `transfusions[${i}].date`);
      if (day < from || day >= to) return;
      dates.add(day);
      if (t.volumeMl === undefined) {
        volumePerKg = null;
        return;
      }
      const volume = requireNonNegative(t.volumeMl, `transfusions[${i}].volumeMl`);
      const weightRaw = t.weightKg ?? input.weightKg;
      if (weightRaw === undefined)
        throw new DomainInputError(`transfusions[${i}].weightKg`, 'needed to express volume per kg');
      const weight = requirePositive(
        weightRaw,
        t.weightKg === undefined ? 'weightKg' : `transfusions[${i}].weightKg`,
      );
      if (volumePerKg !== null) volumePerKg += volume / weight;
    });
    return {
      from: formatIsoDate(from),
      to: formatIsoDate(to),
      events: dates.size,
      volumeMlPerKg: volumePerKg,
    };
  }) as [TransfusionYear, TransfusionYear];

  const meanEvents = (years[0].events + years[1].events) / 2;
  const volumes = years.map((y) => y.volumeMlPerKg);
  const meanVolume = volumes.every((v): v is number => v !== null) ? (volumes[0]! + volumes[1]!) / 2 : null;

  const eventsMet =
    mode === 'each-year'
      ? years.every((y) => y.events >= TDT_EVENTS_PER_YEAR)
      : isAtLeast(meanEvents, TDT_EVENTS_PER_YEAR);
  const volumeMet =
    mode === 'each-year'
      ? years.every(
          (y) => y.volumeMlPerKg !== null && isAtLeast(y.volumeMlPerKg, TDT_VOLUME_ML_PER_KG_PER_YEAR),
        )
      : meanVolume !== null && isAtLeast(meanVolume, TDT_VOLUME_ML_PER_KG_PER_YEAR);
  const criterion =
    volumeMet && eventsMet ? 'volume-and-events' : volumeMet ? 'volume' : eventsMet ? 'events' : 'none';
  const volumeText =
    meanVolume === null
      ? 'volume unknown (a transfusion has no volume)'
      : `${meanVolume.toFixed(1)} mL/kg/year`;
  const summary = `${meanEvents} events/year and ${volumeText} on average (${mode}) over ${years[1].from} – ${formatIsoDate(reference)}`;
  return {
    dependent: criterion !== 'none',
    criterion,
    years,
    meanEventsPerYear: meanEvents,
    meanVolumeMlPerKgPerYear: meanVolume,
    reason:
      criterion === 'none'
        ? `not transfusion dependent: ${summary}; needs ≥ 100 mL/kg/year or ≥ 8 events/year`
        : `transfusion dependent (${criterion}): ${summary}`,
  };
}

export interface HemoglobinRecord {
  readonly date: string;
  readonly value: number;
  /** `g/dL`, `g/L` or `mmol/L`. */
  readonly unit: string;
}

export interface TransfusionIndependenceInput {
  /** Gene-therapy infusion date, `YYYY-MM-DD`. */
  readonly infusionDate: string;
  /** Every red-cell transfusion, before and after infusion. */
  readonly transfusions: readonly { readonly date: string }[];
  readonly hemoglobin: readonly HemoglobinRecord[];
  /** Last date the patient is known transfusion-free; defaults to the last Hb date. */
  readonly lastFollowUpDate?: string;
  /** Days after a transfusion before Hb counts (transfused cells); default 60 (exa-cel TI12 / beti-cel). */
  readonly washoutDays?: number;
  /** `trapezoid` (default): Hb varies linearly between visits; `step`: each value holds until the next. */
  readonly weighting?: 'trapezoid' | 'step';
}

export interface TransfusionFreePeriod {
  /** First day of evaluation: max(infusion, previous transfusion + washout). */
  readonly start: string;
  /** Next transfusion date, or the last follow-up when ongoing. */
  readonly end: string;
  readonly ongoing: boolean;
  readonly durationDays: number;
  /** Whether end ≥ start + 12 calendar months. */
  readonly atLeast12Months: boolean;
  /** Time-weighted average Hb (g/dL) of the Hb values in the period; null with fewer than two values. */
  readonly weightedHbGdl: number | null;
  readonly hbValues: number;
}

export interface TransfusionIndependenceResult {
  readonly status: 'achieved' | 'in-progress' | 'not-met';
  /** The first period meeting TI, else the most recent period. */
  readonly period?: TransfusionFreePeriod;
  readonly periods: readonly TransfusionFreePeriod[];
  readonly reason: string;
}

export const TI_HB_THRESHOLD_G_DL = 9;
export const TI_MONTHS = 12;

/**
 * Time-weighted mean of values at day numbers (sorted): trapezoid = area under the straight lines joining
 * the visits; step = each value carried forward until the next visit. Divided by the span first → last.
 */
export function timeWeightedMean(
  points: readonly { day: number; value: number }[],
  weighting: 'trapezoid' | 'step',
): number | null {
  if (points.length < 2) return null;
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const width = b.day - a.day;
    area += weighting === 'trapezoid' ? (width * (a.value + b.value)) / 2 : width * a.value;
  }
  const span = points[points.length - 1]!.day - points[0]!.day;
  if (span === 0) return points.reduce((s, p) => s + p.value, 0) / points.length;
  return area / span;
}

/**
 * Transfusion independence after gene therapy: no red-cell transfusion for ≥ 12 consecutive months with a
 * weighted average Hb ≥ 9 g/dL (beti-cel: Locatelli F et al., N Engl J Med 2022;386:415–27, primary end
 * point; exa-cel: Locatelli F et al., N Engl J Med 2024;390:1663–76, TI12, evaluated from 60 days after the
 * last transfusion). Each transfusion-free period after infusion is evaluated from max(infusion, previous
 * transfusion + washout) to the next transfusion (or last follow-up); Hb values inside it are averaged with
 * time weighting (trapezoid by default: Hb moves gradually between visits, and a plain mean would over-weight
 * clustered visits). Returns the start, duration and weighted Hb of the first qualifying period.
 */
export function assessTransfusionIndependence(
  input: TransfusionIndependenceInput,
): TransfusionIndependenceResult {
  const infusion = parseIsoDate(input?.infusionDate, 'infusionDate');
  const washout = input.washoutDays === undefined ? 60 : requireNonNegative(input.washoutDays, 'washoutDays');
  const weighting = requireOneOf(input.weighting ?? 'trapezoid', 'weighting', ['trapezoid', 'step'] as const);
  if (!Array.isArray(input.transfusions)) throw new DomainInputError('transfusions', 'expected a list');
  if (!Array.isArray(input.hemoglobin)) throw new DomainInputError('hemoglobin', 'expected a list');
  const transfusionDays = [
    ...new Set(input.transfusions.map((t, i) => parseIsoDate(t?.date, `transfusions[${i}].date`))),
  ].sort((a, b) => a - b);
  const hb = input.hemoglobin
    .map((h, i) => ({
      day: parseIsoDate(h?.date, `hemoglobin[${i}].date`),
      value: toCanonical(
        'hemoglobin',
        requirePositive(h.value, `hemoglobin[${i}].value`),
        h.unit,
        `hemoglobin[${i}]`,
      ),
    }))
    .sort((a, b) => a.day - b.day);
  const lastFollowUp =
    input.lastFollowUpDate !== undefined
      ? parseIsoDate(input.lastFollowUpDate, 'lastFollowUpDate')
      : hb.length > 0
        ? hb[hb.length - 1]!.day
        : infusion;

  // Period boundaries: each transfusion after infusion ends one period and (after washout) starts the next.
  const after = transfusionDays.filter((d) => d > infusion);
  const lastBefore = transfusionDays.filter((d) => d <= infusion).pop();
  const anchors: (number | undefined)[] = [lastBefore, ...after];
  const periods: TransfusionFreePeriod[] = [];
  anchors.forEach((anchor, k) => {
    const start = Math.max(infusion, anchor === undefined ? infusion : anchor + washout);
    const next = after[k];
    const ongoing = next === undefined;
    const end = ongoing ? lastFollowUp : next;
    if (end <= start) return;
    const inPeriod = hb.filter((p) => p.day >= start && p.day <= end && (ongoing || p.day < end));
    const weighted = timeWeightedMean(inPeriod, weighting);
    periods.push({
      start: formatIsoDate(start),
      end: formatIsoDate(end),
      ongoing,
      durationDays: end - start,
      atLeast12Months: end >= addCalendarMonths(start, TI_MONTHS),
      weightedHbGdl: weighted,
      hbValues: inPeriod.length,
    });
  });

  const qualifying = periods.find(
    (p) => p.atLeast12Months && p.weightedHbGdl !== null && isAtLeast(p.weightedHbGdl, TI_HB_THRESHOLD_G_DL),
  );
  if (qualifying) {
    return {
      status: 'achieved',
      period: qualifying,
      periods,
      reason: `transfusion independent from ${qualifying.start}: ${qualifying.durationDays} days without red-cell transfusion, weighted Hb ${qualifying.weightedHbGdl!.toFixed(2)} g/dL (${weighting})`,
    };
  }
  const last = periods[periods.length - 1];
  if (last?.ongoing && !last.atLeast12Months) {
    return {
      status: 'in-progress',
      period: last,
      periods,
      reason: `transfusion-free since ${last.start} for ${last.durationDays} days; 12 months not yet reached`,
    };
  }
  return {
    status: 'not-met',
    ...(last ? { period: last } : {}),
    periods,
    reason:
      last === undefined
        ? 'no transfusion-free period after infusion'
        : last.weightedHbGdl === null
          ? `period from ${last.start}: fewer than two Hb values to weight`
          : `no period of ≥ 12 months with weighted Hb ≥ 9 g/dL (latest from ${last.start}: ${last.weightedHbGdl.toFixed(2)} g/dL over ${last.durationDays} days)`,
  };
}
