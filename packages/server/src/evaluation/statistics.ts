import { cifAt, cumulativeIncidence } from '@cgtlink/domain/stats/competingRisks';
import { coxRegression } from '@cgtlink/domain/stats/cox';
import { gammaQuantile, normalQuantile, normalUpperTail } from '@cgtlink/domain/stats/distributions';
import { kaplanMeier, survivalAt } from '@cgtlink/domain/stats/kaplanMeier';
import { logRank } from '@cgtlink/domain/stats/logRank';
import { clopperPearson, wilson } from '@cgtlink/domain/stats/proportions';
import { type SortedGroup, sortByGroup } from '@cgtlink/domain/stats/survivalData';

/** A figure rounded for display and hashing (6 decimals); null for NaN / ±∞ (e.g. a median not reached). */
export function num(value: number | null | undefined, digits = 6): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

export const DAYS_PER_YEAR = 365.25;

/** The p-quantile of sorted values by linear interpolation (type 7, as PostgreSQL's percentile_cont); null if empty. */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Rate {
  x: number;
  n: number;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  method: string;
}

/** x/n with the exact Clopper–Pearson 95% interval. */
export function exactRate(x: number, n: number): Rate {
  if (n === 0)
    return { x, n, estimate: null, lower: null, upper: null, method: 'Clopper–Pearson exact 95% CI' };
  const ci = clopperPearson(x, n);
  return {
    x,
    n,
    estimate: num(ci.estimate),
    lower: num(ci.lower),
    upper: num(ci.upper),
    method: 'Clopper–Pearson exact 95% CI',
  };
}

export interface PersonTimeRate {
  events: number;
  patientYears: number;
  perPatientYear: number | null;
  lower: number | null;
  upper: number | null;
  method: string;
}

/** Events per patient-year with the exact Poisson (Garwood 1936) 95% interval. */
export function poissonRate(events: number, patientYears: number): PersonTimeRate {
  const method = 'events / patient-years; exact Poisson (Garwood) 95% CI';
  if (patientYears <= 0)
    return { events, patientYears: 0, perPatientYear: null, lower: null, upper: null, method };
  const lower = events === 0 ? 0 : gammaQuantile(0.025, events, 1) / patientYears;
  const upper = gammaQuantile(0.975, events + 1, 1) / patientYears;
  return {
    events,
    patientYears: num(patientYears, 3)!,
    perPatientYear: num(events / patientYears),
    lower: num(lower),
    upper: num(upper),
    method,
  };
}

export interface SurvivalInput {
  time: number[];
  event: number[];
}

export interface SurvivalSummary {
  n: number;
  events: number;
  median: number | null;
  medianLower: number | null;
  medianUpper: number | null;
  /** S(t) at 1, 2 and 5 years with the log-transformed 95% interval and the number at risk. */
  landmarks: {
    years: number;
    survival: number | null;
    lower: number | null;
    upper: number | null;
    nRisk: number;
  }[];
  /** The step curve (days): one point at day 0 and one per event time. */
  curve: { t: number; s: number; lower: number; upper: number }[];
  /** Numbers at risk every 6 months. */
  atRisk: { t: number; n: number }[];
  method: string;
}

const KM_METHOD =
  'Kaplan–Meier product-limit estimate, Greenwood variance, log-transformed pointwise 95% CI (R survfit default); time in days from infusion';

export function survivalSummary(data: SurvivalInput): SurvivalSummary {
  const n = data.time.length;
  if (n === 0)
    return {
      n: 0,
      events: 0,
      median: null,
      medianLower: null,
      medianUpper: null,
      landmarks: [],
      curve: [],
      atRisk: [],
      method: KM_METHOD,
    };
  const [group] = sortByGroup({ time: data.time, event: data.event }, null, 1) as [SortedGroup];
  const km = kaplanMeier(group);
  const maxTime = Math.max(...data.time);
  const landmarkDays = [1, 2, 5].map((y) => Math.round(y * DAYS_PER_YEAR));
  const at = survivalAt(km, group, landmarkDays);
  const riskTimes: number[] = [];
  for (let t = 0; t <= maxTime; t += 182) riskTimes.push(t);
  const risk = survivalAt(km, group, riskTimes);
  return {
    n: km.n,
    events: km.events,
    median: num(km.median),
    medianLower: num(km.medianLower),
    medianUpper: num(km.medianUpper),
    landmarks: at.map((a, i) => ({
      years: [1, 2, 5][i]!,
      survival: a.nRisk > 0 || a.time <= maxTime ? num(a.survival) : null,
      lower: a.nRisk > 0 || a.time <= maxTime ? num(a.lower) : null,
      upper: a.nRisk > 0 || a.time <= maxTime ? num(a.upper) : null,
      nRisk: a.nRisk,
    })),
    curve: [
      { t: 0, s: 1, lower: 1, upper: 1 },
      ...km.rows.map((r) => ({
        t: r.time,
        s: num(r.survival)!,
        lower: num(r.lower) ?? 0,
        upper: num(r.upper) ?? 1,
      })),
    ],
    atRisk: risk.map((r) => ({ t: r.time, n: r.nRisk })),
    method: KM_METHOD,
  };
}

/** Kaplan–Meier S(t) at one day with its log-transformed 95% interval; null estimates when nobody is followed. */
export function survivalAtDay(
  data: SurvivalInput,
  day: number,
): { n: number; survival: number | null; lower: number | null; upper: number | null; nRisk: number } {
  if (data.time.length === 0) return { n: 0, survival: null, lower: null, upper: null, nRisk: 0 };
  const [group] = sortByGroup({ time: data.time, event: data.event }, null, 1) as [SortedGroup];
  const [at] = survivalAt(kaplanMeier(group), group, [day]);
  const reached = at!.nRisk > 0 || day <= Math.max(...data.time);
  return {
    n: data.time.length,
    survival: reached ? num(at!.survival) : null,
    lower: reached ? num(at!.lower) : null,
    upper: reached ? num(at!.upper) : null,
    nRisk: at!.nRisk,
  };
}

export interface CifSummary {
  n: number;
  events: number;
  competing: number;
  /** Median day among those who reached the end point. */
  medianDay: number | null;
  landmarks: { day: number; cif: number | null; lower: number | null; upper: number | null }[];
  curve: { t: number; cif: number }[];
  method: string;
}

/**
 * Cumulative incidence with a competing risk (status 1 = the end point, 2 = death first, 0 = censored):
 * Aalen–Johansen with Aalen's variance, 95% CI on the log(−log) scale.
 */
export function cifSummary(time: number[], status: number[], landmarks: number[]): CifSummary {
  const method =
    'cumulative incidence (Aalen–Johansen) with death as competing risk, Aalen variance, log(−log) 95% CI (cmprsk::cuminc)';
  const events = status.filter((s) => s === 1).length;
  const competing = status.filter((s) => s === 2).length;
  const eventDays = time.filter((_, i) => status[i] === 1).sort((a, b) => a - b);
  const medianDay =
    eventDays.length === 0
      ? null
      : eventDays.length % 2
        ? eventDays[(eventDays.length - 1) / 2]!
        : (eventDays[eventDays.length / 2 - 1]! + eventDays[eventDays.length / 2]!) / 2;
  if (time.length === 0 || events === 0)
    return {
      n: time.length,
      events,
      competing,
      medianDay,
      landmarks: landmarks.map((day) => ({
        day,
        cif: events === 0 && time.length ? 0 : null,
        lower: null,
        upper: null,
      })),
      curve: [],
      method,
    };
  const curve = cumulativeIncidence(time, status).find((c) => c.cause === 1)!;
  const z = normalQuantile(0.975);
  return {
    n: time.length,
    events,
    competing,
    medianDay,
    landmarks: cifAt(curve, landmarks).map((r) => {
      if (r.cif <= 0 || r.cif >= 1 || r.stdErr === 0)
        return { day: r.time, cif: num(r.cif), lower: num(r.cif), upper: num(r.cif) };
      // log(−log) transform: F^exp(±z·se/(F·log F))
      const k = (z * r.stdErr) / (r.cif * Math.log(r.cif));
      return {
        day: r.time,
        cif: num(r.cif),
        lower: num(r.cif ** Math.exp(-k)),
        upper: num(r.cif ** Math.exp(k)),
      };
    }),
    curve: [{ t: 0, cif: 0 }, ...curve.rows.map((r) => ({ t: r.time, cif: num(r.cif)! }))],
    method,
  };
}

export interface TwoGroupSurvival {
  logRank: { chisq: number | null; p: number | null; observed: number[]; expected: number[]; method: string };
  hazardRatio: {
    hr: number | null;
    lower: number | null;
    upper: number | null;
    p: number | null;
    method: string;
  };
}

/** Log-rank test and Cox hazard ratio of group A relative to group B (covariate 1 = A). */
export function compareSurvival(a: SurvivalInput, b: SurvivalInput): TwoGroupSurvival {
  const time = [...a.time, ...b.time];
  const event = [...a.event, ...b.event];
  const group = [...a.time.map(() => 0), ...b.time.map(() => 1)];
  const lrMethod = 'log-rank test (Mantel–Haenszel, survdiff rho = 0), χ² with 1 df';
  const coxMethod = 'Cox proportional hazards, Efron ties, Wald 95% CI; HR of A relative to B';
  const empty = {
    logRank: { chisq: null, p: null, observed: [0, 0], expected: [0, 0], method: lrMethod },
    hazardRatio: { hr: null, lower: null, upper: null, p: null, method: coxMethod },
  };
  if (a.time.length === 0 || b.time.length === 0 || event.every((e) => e === 0)) return empty;
  const groups = sortByGroup({ time, event }, group, 2);
  const lr = logRank([groups]);
  let hazardRatio: TwoGroupSurvival['hazardRatio'] = empty.hazardRatio;
  try {
    const fit = coxRegression({
      time,
      event,
      covariates: [group.map((g) => (g === 0 ? 1 : 0))],
      names: ['A'],
    });
    const term = fit.terms[0]!;
    hazardRatio = {
      hr: num(term.hr),
      lower: num(term.lower),
      upper: num(term.upper),
      p: num(term.p),
      method: coxMethod,
    };
  } catch {
    // No events in the pair, or a monotone likelihood: the hazard ratio is not estimable.
  }
  return {
    logRank: {
      chisq: num(lr.chisq),
      p: num(lr.p),
      observed: lr.observed.map((x) => num(x)!),
      expected: lr.expected.map((x) => num(x)!),
      method: lrMethod,
    },
    hazardRatio,
  };
}

export interface RateDifference {
  a: Rate;
  b: Rate;
  difference: number | null;
  lower: number | null;
  upper: number | null;
  method: string;
}

/** Difference of two proportions with Newcombe's (1998, method 10) hybrid score interval. */
export function rateDifference(xa: number, na: number, xb: number, nb: number): RateDifference {
  const method = 'difference of proportions A − B, Newcombe hybrid score 95% CI (method 10)';
  const a = exactRate(xa, na);
  const b = exactRate(xb, nb);
  if (na === 0 || nb === 0) return { a, b, difference: null, lower: null, upper: null, method };
  const wa = wilson(xa, na);
  const wb = wilson(xb, nb);
  const d = wa.estimate - wb.estimate;
  return {
    a,
    b,
    difference: num(d),
    lower: num(d - Math.sqrt((wa.estimate - wa.lower) ** 2 + (wb.upper - wb.estimate) ** 2)),
    upper: num(d + Math.sqrt((wa.upper - wa.estimate) ** 2 + (wb.estimate - wb.lower) ** 2)),
    method,
  };
}

/** Observed KM survival at t against a published rate: difference with a normal-approximation 95% CI. */
export function survivalVersusExternal(
  data: SurvivalInput,
  years: number,
  rate: number,
  controlN?: number,
): {
  observed: number | null;
  se: number | null;
  difference: number | null;
  lower: number | null;
  upper: number | null;
  p: number | null;
  nRisk: number;
  method: string;
} {
  const method = controlN
    ? 'KM S(t) − published S₀(t); SE² = Greenwood SE² + S₀(1 − S₀)/n₀; normal 95% CI and two-sided z test'
    : 'KM S(t) − published S₀(t) taken as fixed; SE = Greenwood SE; normal 95% CI and two-sided z test';
  if (data.time.length === 0)
    return {
      observed: null,
      se: null,
      difference: null,
      lower: null,
      upper: null,
      p: null,
      nRisk: 0,
      method,
    };
  const [group] = sortByGroup({ time: data.time, event: data.event }, null, 1) as [SortedGroup];
  const km = kaplanMeier(group);
  const [at] = survivalAt(km, group, [Math.round(years * DAYS_PER_YEAR)]);
  const s = at!.survival;
  const se = Math.sqrt(at!.stdErr ** 2 + (controlN ? (rate * (1 - rate)) / controlN : 0));
  const d = s - rate;
  const z = normalQuantile(0.975);
  return {
    observed: num(s),
    se: num(se),
    difference: num(d),
    lower: num(d - z * se),
    upper: num(d + z * se),
    p: se > 0 ? num(2 * normalUpperTail(Math.abs(d) / se)) : null,
    nRisk: at!.nRisk,
    method,
  };
}

/** Cox HR (A relative to B) within one subgroup, for the forest plot. */
export function subgroupHazardRatio(
  a: SurvivalInput,
  b: SurvivalInput,
): { hr: number | null; lower: number | null; upper: number | null; events: number } {
  const events = [...a.event, ...b.event].filter((e) => e === 1).length;
  if (a.time.length === 0 || b.time.length === 0 || events === 0)
    return { hr: null, lower: null, upper: null, events };
  try {
    const fit = coxRegression({
      time: [...a.time, ...b.time],
      event: [...a.event, ...b.event],
      covariates: [[...a.time.map(() => 1), ...b.time.map(() => 0)]],
      names: ['A'],
    });
    const t = fit.terms[0]!;
    if (
      !Number.isFinite(t.hr) ||
      !Number.isFinite(t.lower) ||
      !Number.isFinite(t.upper) ||
      t.upper / t.lower > 1e6
    )
      return { hr: null, lower: null, upper: null, events };
    return { hr: num(t.hr), lower: num(t.lower), upper: num(t.upper), events };
  } catch {
    return { hr: null, lower: null, upper: null, events };
  }
}
