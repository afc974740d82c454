import { DomainInputError } from '../grading/input';
import { calculateMeld } from '../scores/meld';
import { cardiacT2StarLevel, ferritinLevel, type IronLevel, licLevel } from '../thalassemia/iron';
import type { CanonicalLab } from './endpoints';

/**
 * The end points of the measures beyond blood counts, each computed afresh from the raw records (so a
 * corrected value changes them at once): the iron status trend, the GVHD grade history, the MELD trend and the
 * KOOS change from baseline.
 */

// ---------- iron status ----------

export type IronMeasure = 'ferritin' | 'lic' | 't2star';

export interface IronPoint {
  readonly date: string;
  readonly measure: IronMeasure;
  /** ng/mL, mg Fe/g dry weight, or ms. */
  readonly value: number;
  /**
   * TIF 2021 category (the iron module): ferritin < 1000 target, 1000–2500 moderate, > 2500 severe; LIC < 3
   * target, 3–< 7 mild, 7–< 15 moderate, ≥ 15 severe; cardiac T2* > 20 ms none (target), 10–20 moderate,
   * < 10 severe.
   */
  readonly level: IronLevel;
}

export interface IronTrend {
  readonly points: readonly IronPoint[];
  readonly latest: Readonly<Partial<Record<IronMeasure, IronPoint>>>;
  /** The worst category among the latest value of each measure; null without any iron measure. */
  readonly overall: IronLevel | null;
  /** Latest minus previous value of each measure with at least two values. */
  readonly change: Readonly<Partial<Record<IronMeasure, number>>>;
}

const IRON_ORDER: Readonly<Record<IronLevel, number>> = { target: 0, mild: 1, moderate: 2, severe: 3 };
const IRON_CODES: Readonly<Record<string, IronMeasure>> = {
  ferritin: 'ferritin',
  'lic-mri': 'lic',
  'cardiac-t2star': 't2star',
};
const byDate = <T extends { date: string }>(a: T, b: T) => a.date.localeCompare(b.date);

/** Ferritin, LIC and cardiac T2* over time with their categories. */
export function ironTrend(labs: readonly CanonicalLab[]): IronTrend {
  const points: IronPoint[] = [];
  for (const lab of labs) {
    const measure = IRON_CODES[lab.code];
    if (!measure) continue;
    const level =
      measure === 'ferritin'
        ? ferritinLevel(lab.value)
        : measure === 'lic'
          ? licLevel(lab.value)
          : cardiacT2StarLevel(lab.value);
    points.push({ date: lab.date, measure, value: lab.value, level });
  }
  points.sort(byDate);
  const latest: Partial<Record<IronMeasure, IronPoint>> = {};
  const previous: Partial<Record<IronMeasure, IronPoint>> = {};
  for (const p of points) {
    if (latest[p.measure]) previous[p.measure] = latest[p.measure];
    latest[p.measure] = p;
  }
  const change: Partial<Record<IronMeasure, number>> = {};
  for (const m of Object.keys(previous) as IronMeasure[]) {
    change[m] = (latest[m] as IronPoint).value - (previous[m] as IronPoint).value;
  }
  const levels = Object.values(latest).map((p) => p.level);
  const overall =
    levels.length === 0
      ? null
      : levels.reduce((w, l) => (IRON_ORDER[l] > IRON_ORDER[w] ? l : w), 'target' as IronLevel);
  return { points, latest, overall, change };
}

// ---------- GVHD grade history ----------

export interface GvhdEventRecord {
  readonly id: string;
  readonly term: string;
  readonly onsetDate: string;
  readonly resolutionDate: string | null;
  /** The grade now. */
  readonly grade: number;
  /** Follow-up reports in order; `grade` when the report changed it, `fromGrade` the grade it replaced. */
  readonly followUps: readonly {
    readonly date: string;
    readonly grade?: number;
    readonly fromGrade?: number;
  }[];
}

export interface GvhdGradePoint {
  readonly date: string;
  readonly eventId: string;
  readonly term: string;
  readonly grade: number;
  readonly kind: 'onset' | 'change' | 'resolved';
}

export interface GvhdHistory {
  readonly points: readonly GvhdGradePoint[];
  /** The highest grade ever reached; null without GVHD. */
  readonly maxGrade: number | null;
  /** Events not resolved, with their grade now. */
  readonly active: readonly { readonly eventId: string; readonly term: string; readonly grade: number }[];
}

/** GVHD is recognised by its term (acute or chronic graft-versus-host disease). */
export function isGvhdTerm(term: string): boolean {
  return /gvhd|graft[\s-]*versus[\s-]*host/i.test(term);
}

/**
 * Every grade a GVHD event has had, from onset through its follow-up reports to resolution. The grade at onset
 * is the one the first grade change replaced (or the grade now, when it never changed).
 */
export function gvhdHistory(events: readonly GvhdEventRecord[]): GvhdHistory {
  const points: GvhdGradePoint[] = [];
  const active: { eventId: string; term: string; grade: number }[] = [];
  let maxGrade: number | null = null;
  for (const e of events) {
    if (!isGvhdTerm(e.term)) continue;
    const changes = e.followUps.filter((f) => f.grade !== undefined);
    const first = changes[0];
    const onsetGrade = first ? (first.fromGrade ?? first.grade ?? e.grade) : e.grade;
    points.push({ date: e.onsetDate, eventId: e.id, term: e.term, grade: onsetGrade, kind: 'onset' });
    maxGrade = Math.max(maxGrade ?? 0, onsetGrade);
    for (const c of changes) {
      points.push({ date: c.date, eventId: e.id, term: e.term, grade: c.grade as number, kind: 'change' });
      maxGrade = Math.max(maxGrade, c.grade as number);
    }
    if (e.resolutionDate) {
      points.push({ date: e.resolutionDate, eventId: e.id, term: e.term, grade: 0, kind: 'resolved' });
    } else {
      active.push({ eventId: e.id, term: e.term, grade: e.grade });
    }
  }
  points.sort(byDate);
  return { points, maxGrade, active };
}

// ---------- MELD ----------

export interface MeldPoint {
  readonly date: string;
  readonly meld: number;
  /** Computed by the scores module from same-day bilirubin, creatinine and INR, or entered as reported. */
  readonly source: 'computed' | 'entered';
}

/**
 * MELD over time: computed (OPTN 2016 formula, no dialysis assumed) on every day with bilirubin, creatinine and
 * INR results, and each MELD entered as reported. When a day has several values of a lab, the last one entered
 * counts.
 */
export function meldTrend(labs: readonly CanonicalLab[]): { points: MeldPoint[]; latest: MeldPoint | null } {
  const days = new Map<string, { bilirubin?: number; creatinine?: number; inr?: number }>();
  const points: MeldPoint[] = [];
  for (const lab of labs) {
    if (lab.code === 'meld') {
      points.push({ date: lab.date, meld: lab.value, source: 'entered' });
      continue;
    }
    if (lab.code !== 'bilirubin' && lab.code !== 'creatinine' && lab.code !== 'inr') continue;
    const day = days.get(lab.date) ?? {};
    day[lab.code] = lab.value;
    days.set(lab.date, day);
  }
  for (const [date, d] of days) {
    if (d.bilirubin === undefined || d.creatinine === undefined || d.inr === undefined) continue;
    // MELD needs positive values; a zero result (below detection) is bounded to 1.0 by the formula anyway.
    const r = calculateMeld({
      bilirubin: { value: Math.max(d.bilirubin, 1e-6), unit: 'mg/dL' },
      creatinine: { value: Math.max(d.creatinine, 1e-6), unit: 'mg/dL' },
      inr: Math.max(d.inr, 1e-6),
      dialysisTwiceInPastWeek: false,
    });
    points.push({ date, meld: r.meld, source: 'computed' });
  }
  points.sort((a, b) => byDate(a, b) || a.source.localeCompare(b.source));
  return { points, latest: points.at(-1) ?? null };
}

// ---------- KOOS ----------

export const KOOS_SUBSCALE_CODES = {
  pain: 'koos-pain',
  symptoms: 'koos-symptoms',
  adl: 'koos-adl',
  sport: 'koos-sport',
  qol: 'koos-qol',
} as const;
export type KoosSubscaleName = keyof typeof KOOS_SUBSCALE_CODES;

/**
 * Minimal important change of a KOOS subscale, in points: 10 (Roos EM, Lohmander LS, Health Qual Life Outcomes
 * 2003;1:64 and the KOOS User's Guide: "8–10 points"; the upper bound is used so that a change is called
 * important only when it clears the whole range).
 */
export const KOOS_MIC = 10;

export interface KoosSubscaleChange {
  readonly baseline: { readonly date: string; readonly score: number } | null;
  readonly latest: { readonly date: string; readonly score: number } | null;
  /** Latest minus baseline (positive = better, as 100 means no problems); null with fewer than two scores. */
  readonly change: number | null;
  /** |change| ≥ MIC: improved or worsened; otherwise no important change. */
  readonly verdict: 'improved' | 'worsened' | 'no-important-change' | 'not-assessable';
  readonly points: readonly { readonly date: string; readonly score: number }[];
}

/**
 * KOOS change from baseline per subscale. The baseline is the last score on or before the infusion day, or the
 * first score when none precedes it; the latest is the last score after the baseline.
 */
export function koosChange(
  labs: readonly CanonicalLab[],
  infusionDate: string,
): Record<KoosSubscaleName, KoosSubscaleChange> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(infusionDate)) {
    throw new DomainInputError('infusionDate', 'expected a date YYYY-MM-DD');
  }
  const out = {} as Record<KoosSubscaleName, KoosSubscaleChange>;
  for (const [name, code] of Object.entries(KOOS_SUBSCALE_CODES) as [KoosSubscaleName, string][]) {
    const points = labs
      .filter((l) => l.code === code)
      .map((l) => ({ date: l.date, score: l.value }))
      .sort(byDate);
    const before = points.filter((p) => p.date <= infusionDate);
    const baseline = before.at(-1) ?? points[0] ?? null;
    const after = baseline ? points.filter((p) => p !== baseline && p.date >= baseline.date) : [];
    const latest = after.at(-1) ?? null;
    const change = baseline && latest ? latest.score - baseline.score : null;
    const verdict =
      change === null
        ? 'not-assessable'
        : change >= KOOS_MIC
          ? 'improved'
          : change <= -KOOS_MIC
            ? 'worsened'
            : 'no-important-change';
    out[name] = { baseline, latest, change, verdict, points };
  }
  return out;
}

// ---------- all together ----------

export interface MeasureEndpoints {
  readonly iron: IronTrend;
  readonly gvhd: GvhdHistory;
  readonly meld: { readonly points: readonly MeldPoint[]; readonly latest: MeldPoint | null };
  readonly koos: Record<KoosSubscaleName, KoosSubscaleChange>;
}

export function computeMeasureEndpoints(input: {
  readonly infusionDate: string;
  readonly labs: readonly CanonicalLab[];
  readonly gvhdEvents: readonly GvhdEventRecord[];
}): MeasureEndpoints {
  return {
    iron: ironTrend(input.labs),
    gvhd: gvhdHistory(input.gvhdEvents),
    meld: meldTrend(input.labs),
    koos: koosChange(input.labs, input.infusionDate),
  };
}
