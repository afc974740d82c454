/**
 * Kaplan–Meier product-limit estimator with Greenwood variance, pointwise confidence intervals and the median
 * with its confidence interval, defined as R's survival package (survfit, summary.survfit, quantile.survfit)
 * defines them.
 */
import { normalQuantile } from './distributions';
import { RiskSetCursor, type SortedGroup } from './survivalData';

/** Transformation used for pointwise confidence intervals of S(t) (R survfit `conf.type`). */
export type ConfType = 'log' | 'log-log' | 'plain';

/** One row per distinct event time, as R's `summary(survfit)`; NaN where R reports NA/NaN. */
export interface KmRow {
  time: number;
  nRisk: number;
  nEvent: number;
  survival: number;
  /** Standard error of S(t): S(t)·sqrt(Greenwood sum). */
  stdErr: number;
  lower: number;
  upper: number;
}

export interface KmCurve {
  n: number;
  events: number;
  rows: KmRow[];
  /** Cumulative Greenwood sum Σ d/(n(n−d)) at each row: the variance of log S(t). */
  greenwood: Float64Array;
  /** Largest follow-up time (event or censored) of the group; R uses it for a median on a flat end. */
  maxTime: number;
  median: number;
  medianLower: number;
  medianUpper: number;
  confType: ConfType;
  confLevel: number;
}

export interface KmOptions {
  confType?: ConfType;
  /** Confidence level, 0.95 unless given. */
  confLevel?: number;
}

/**
 * Kaplan–Meier estimate for one group (Kaplan & Meier 1958) with Greenwood's variance (Greenwood 1926).
 * Ties: all events at a time leave the risk set together; censoring at an event time counts as after the event.
 * Late entry: at risk at t when entry < t ≤ time.
 */
export function kaplanMeier(group: SortedGroup, options: KmOptions = {}): KmCurve {
  const confType = options.confType ?? 'log';
  const confLevel = options.confLevel ?? 0.95;
  const z = normalQuantile(1 - (1 - confLevel) / 2);
  const cursor = new RiskSetCursor(group);
  const times = group.eventTimes;
  const rows: KmRow[] = [];
  const gw: number[] = [];
  let s = 1;
  let sum = 0;
  for (let i = 0; i < times.length; ) {
    const t = times[i]!;
    const { nRisk, nEvent } = cursor.at(t);
    i += nEvent;
    s *= 1 - nEvent / nRisk;
    sum += nRisk === nEvent ? Number.POSITIVE_INFINITY : nEvent / (nRisk * (nRisk - nEvent));
    const seLog = Math.sqrt(sum);
    const [lower, upper] = confidenceLimits(s, seLog, z, confType);
    rows.push({ time: t, nRisk, nEvent, survival: s, stdErr: s * seLog, lower, upper });
    gw.push(sum);
  }
  const n = group.eventTimes.length + group.censorTimes.length;
  const last = Math.max(
    times.length ? times[times.length - 1]! : 0,
    group.censorTimes.length ? group.censorTimes[group.censorTimes.length - 1]! : 0,
  );
  const curve: KmCurve = {
    n,
    events: group.eventTimes.length,
    rows,
    greenwood: Float64Array.from(gw),
    maxTime: last,
    median: Number.NaN,
    medianLower: Number.NaN,
    medianUpper: Number.NaN,
    confType,
    confLevel,
  };
  curve.median = survivalQuantile(curve, 0.5, 'estimate');
  curve.medianLower = survivalQuantile(curve, 0.5, 'lower');
  curve.medianUpper = survivalQuantile(curve, 0.5, 'upper');
  return curve;
}

/**
 * Pointwise limits for S given the standard error of log S (R survival:::survfit_confint, upper limit capped at 1
 * for `log` and `plain`). Returns NaN where R returns NA.
 */
export function confidenceLimits(s: number, seLog: number, z: number, type: ConfType): [number, number] {
  if (type === 'plain') {
    const half = seLog * s * z;
    return [Math.max(s - half, 0), Math.min(s + half, 1)];
  }
  if (type === 'log') {
    if (s === 0) return [Number.NaN, Number.NaN];
    return [Math.exp(Math.log(s) - z * seLog), Math.min(Math.exp(Math.log(s) + z * seLog), 1)];
  }
  if (s === 0 || s === 1) return [Number.NaN, Number.NaN];
  const ll = Math.log(-Math.log(s));
  const half = (z * seLog) / Math.log(s);
  return [Math.exp(-Math.exp(ll - half)), Math.exp(-Math.exp(ll + half))];
}

const QUANTILE_TOLERANCE = Math.sqrt(2.220446049250313e-16);

/**
 * Time at which the estimate (or its lower/upper limit curve) first reaches survival 1 − p, as R's
 * quantile.survfit: where the curve is flat exactly at 1 − p the midpoint to the next drop is taken (the
 * midpoint to the last follow-up time if the curve ends there); NaN when the curve never gets there.
 */
export function survivalQuantile(curve: KmCurve, p: number, which: 'estimate' | 'lower' | 'upper'): number {
  const xs: number[] = [0];
  const ys: number[] = [0];
  for (const r of curve.rows) {
    xs.push(r.time);
    // The lower limit of the quantile comes from the lower survival curve (it crosses earlier).
    ys.push(1 - (which === 'estimate' ? r.survival : which === 'lower' ? r.lower : r.upper));
  }
  return findQuantile(xs, ys, p, QUANTILE_TOLERANCE, curve.maxTime);
}

function findQuantile(x: number[], y: number[], p: number, tol: number, xmax: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of y) if (!Number.isNaN(v) && v > max) max = v;
  if (max < p) return Number.NaN;
  // Keep the first point of each value, as R's duplicated() (the curve is monotone, so equal values are
  // adjacent once NaNs are set aside; only the first NaN is kept, as duplicated() treats NaN as one value).
  const ux: number[] = [];
  const uy: number[] = [];
  let seenNaN = false;
  let lastValue = Number.NaN;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (Number.isNaN(v)) {
      if (seenNaN) continue;
      seenNaN = true;
    } else {
      if (v === lastValue) continue;
      lastValue = v;
    }
    ux.push(x[i]!);
    uy.push(v);
  }
  const first = (shift: number): number => {
    for (let i = 0; i < uy.length; i++) if (!Number.isNaN(uy[i]!) && uy[i]! + shift >= p) return i;
    return -1;
  };
  const i1 = first(tol);
  const i2 = first(-tol);
  const lastY = uy[uy.length - 1]!;
  if (!Number.isNaN(lastY) && Math.abs(p - lastY) < tol && i1 >= 0) return (ux[i1]! + xmax) / 2;
  if (i1 < 0 || i2 < 0) return Number.NaN;
  return (ux[i1]! + ux[i2]!) / 2;
}

/** Survival estimate at chosen times (R: summary(fit, times, extend = TRUE)): the step function's value. */
export interface KmAtTime {
  time: number;
  nRisk: number;
  survival: number;
  stdErr: number;
  lower: number;
  upper: number;
}

/** S(t), its standard error and limits at each requested time, with the number at risk at t. */
export function survivalAt(curve: KmCurve, group: SortedGroup, times: readonly number[]): KmAtTime[] {
  const z = normalQuantile(1 - (1 - curve.confLevel) / 2);
  const order = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
  const cursor = new RiskSetCursor(group);
  const out: KmAtTime[] = new Array(times.length);
  let k = -1;
  for (const [t, i] of order) {
    while (k + 1 < curve.rows.length && curve.rows[k + 1]!.time <= t) k++;
    const nRisk = cursor.at(t).nRisk;
    if (k < 0) {
      const [lower, upper] = confidenceLimits(1, 0, z, curve.confType);
      out[i] = { time: t, nRisk, survival: 1, stdErr: 0, lower, upper };
    } else {
      const r = curve.rows[k]!;
      out[i] = { time: t, nRisk, survival: r.survival, stdErr: r.stdErr, lower: r.lower, upper: r.upper };
    }
  }
  return out;
}
