import { type KoosSubscaleName, koosChange, meldTrend } from '@cgtlink/domain/followup/measures';
import { exactRate, num, quantile, type Rate, survivalAtDay } from './statistics';

/** A dated value of a follow-up measure of one patient (canonical units). */
export interface MeasureValue {
  code: string;
  date: string;
  value: number;
}

/** The measures the liver and knee end points read. */
export const MEASURE_CODES = [
  'meld',
  'bilirubin',
  'creatinine',
  'inr',
  'koos-pain',
  'koos-symptoms',
  'koos-adl',
  'koos-sport',
  'koos-qol',
] as const;

/**
 * Liver failure as the diagnosis names it (ACLF, acute or chronic liver failure, 肝衰竭). Written in the syntax
 * JavaScript and PostgreSQL share: the query filters with its source.
 */
export const LIVER_FAILURE = /(liver failure|hepatic failure|aclf|肝衰竭)/i;

export interface MeasurePatient {
  diagnosis: string;
  infusion: string;
  /** Days from infusion to death, or null. */
  deathDay: number | null;
  /** Days from infusion to the last contact. */
  followDays: number;
  measures: readonly MeasureValue[];
}

const MS_DAY = 86_400_000;
const dayOf = (date: string, from: string) => Math.round((Date.parse(date) - Date.parse(from)) / MS_DAY);

function quartiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const q = (p: number) => num(quantile(sorted, p), 2);
  return { median: q(0.5), q1: q(0.25), q3: q(0.75) };
}

export interface LiverEndpoints {
  /** Patients of the cohort whose diagnosis is liver failure. */
  n: number;
  meld: {
    /** Patients with a baseline and a later MELD up to day 90. */
    n: number;
    baseline: ReturnType<typeof quartiles>;
    day90: ReturnType<typeof quartiles>;
    change: ReturnType<typeof quartiles>;
    /** Patients whose MELD fell (improved) between baseline and day 90. */
    improved: Rate;
    method: string;
  };
  survival90: {
    n: number;
    survival: number | null;
    lower: number | null;
    upper: number | null;
    method: string;
  };
}

/**
 * Liver failure (MSC for ACLF): MELD change from baseline to day 90 and 90-day survival. MELD per day comes from
 * the follow-up module's rule (computed from same-day bilirubin, creatinine and INR by the OPTN 2016 formula, or
 * entered as reported). Baseline is the last MELD on or before the infusion day (else the first within 7 days
 * after it); the day-90 value is the last one after the baseline up to day 90.
 */
export function liverEndpoints(patients: readonly MeasurePatient[]): LiverEndpoints {
  const liver = patients.filter((p) => LIVER_FAILURE.test(p.diagnosis));
  const baseline: number[] = [];
  const day90: number[] = [];
  const change: number[] = [];
  let improved = 0;
  for (const p of liver) {
    const points = meldTrend(p.measures.map((m) => ({ code: m.code as never, date: m.date, value: m.value })))
      .points.map((x) => ({ day: dayOf(x.date, p.infusion), meld: x.meld }))
      .sort((a, b) => a.day - b.day);
    const base = points.filter((x) => x.day <= 0).at(-1) ?? points.find((x) => x.day > 0 && x.day <= 7);
    if (!base) continue;
    const later = points.filter((x) => x !== base && x.day > Math.max(base.day, 0) && x.day <= 90).at(-1);
    if (!later) continue;
    baseline.push(base.meld);
    day90.push(later.meld);
    change.push(later.meld - base.meld);
    if (later.meld < base.meld) improved += 1;
  }
  const survival = survivalAtDay(
    {
      time: liver.map((p) => p.deathDay ?? p.followDays),
      event: liver.map((p) => (p.deathDay !== null ? 1 : 0)),
    },
    90,
  );
  return {
    n: liver.length,
    meld: {
      n: change.length,
      baseline: quartiles(baseline),
      day90: quartiles(day90),
      change: quartiles(change),
      improved: exactRate(improved, change.length),
      method:
        'MELD (OPTN 2016, from same-day bilirubin, creatinine and INR, or as reported): baseline = last on or before infusion (else first within 7 days), day 90 = last after baseline up to day 90; median (IQR); improved = lower at day 90, Clopper–Pearson',
    },
    survival90: {
      n: survival.n,
      survival: survival.survival,
      lower: survival.lower,
      upper: survival.upper,
      method: 'Kaplan–Meier survival at day 90 of patients with liver failure, log-transformed 95% CI',
    },
  };
}

export interface KneeSubscale {
  name: KoosSubscaleName;
  /** Patients with a baseline and a later score. */
  n: number;
  change: ReturnType<typeof quartiles>;
  meanChange: number | null;
  improved: Rate;
  worsened: number;
}

/**
 * Knee osteoarthritis: KOOS change per subscale from baseline (last score on or before infusion, else the first)
 * to the latest, by the follow-up module's rule; improved / worsened = a change of at least the minimal
 * important change (10 points) either way.
 */
export function kneeEndpoints(patients: readonly MeasurePatient[]): {
  n: number;
  subscales: KneeSubscale[];
  method: string;
} {
  const knee = patients.filter((p) => p.measures.some((m) => m.code.startsWith('koos-')));
  const perPatient = knee.map((p) =>
    koosChange(
      p.measures
        .filter((m) => m.code.startsWith('koos-'))
        .map((m) => ({ code: m.code as never, date: m.date, value: m.value })),
      p.infusion,
    ),
  );
  const names: KoosSubscaleName[] = ['pain', 'symptoms', 'adl', 'sport', 'qol'];
  return {
    n: knee.length,
    subscales: names.map((name) => {
      const changes = perPatient.map((c) => c[name]).filter((c) => c.change !== null);
      const values = changes.map((c) => c.change!);
      return {
        name,
        n: values.length,
        change: quartiles(values),
        meanChange: values.length === 0 ? null : num(values.reduce((a, b) => a + b, 0) / values.length, 2),
        improved: exactRate(changes.filter((c) => c.verdict === 'improved').length, values.length),
        worsened: changes.filter((c) => c.verdict === 'worsened').length,
      };
    }),
    method:
      'KOOS subscales (0–100, 100 = no problems): change from baseline (last score on or before infusion, else the first) to the latest; median (IQR) and mean; improved / worsened = change ≥ 10 points (minimal important change) either way, Clopper–Pearson',
  };
}
