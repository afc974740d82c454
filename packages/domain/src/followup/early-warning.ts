import type { EngraftmentResult } from '../clinical/engraftment';
import { isAbove, isAtLeast, isBelow } from '../grading/compare';
import { requirePositive } from '../grading/input';
import { TI_HB_THRESHOLD_G_DL, type TransfusionIndependenceResult } from '../thalassemia/transfusion';
import {
  PRO_ATTRIBUTE_LABELS,
  PRO_CTCAE_ITEMS,
  PRO_SCALES,
  type ProResponse,
  type SevereAnswer,
  severeAnswers,
} from './pro-ctcae';

/**
 * Per-patient early-warning rules after cell and gene therapy. Each rule is a pure function of the records
 * (already converted to canonical units) that answers whether it fires and why; the server raises an alert to
 * the hospital for each firing rule and never twice for the same cause (the `key`).
 */
export type WarningRule =
  | 'engraftment-overdue'
  | 'hb-below-after-independence'
  | 'ferritin-rising'
  | 'alt-above-3-uln'
  | 'grade-3-event'
  | 'pro-ctcae-severe';

export interface Warning {
  readonly rule: WarningRule;
  /** Identifies the cause, so that the same cause raises one alert. */
  readonly key: string;
  readonly message: string;
  /** What the alert keeps beside its message (stored in `alert.detail`), e.g. the rule's text and the answers. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/**
 * Neutrophil engraftment not reached by the product's graft-failure deadline (CIBMTR; day +42 for gene
 * therapy, DESIGN.md §3.3): fires when the engraftment assessment says primary graft failure.
 */
export function engraftmentOverdue(engraftment: EngraftmentResult): Warning | null {
  const n = engraftment.neutrophil;
  if (n.status !== 'graft-failure') return null;
  return { rule: 'engraftment-overdue', key: `engraftment:${n.deadlineDay}`, message: n.reason };
}

/**
 * Hb below 9 g/dL (the TI threshold, DESIGN.md §3.3) measured after transfusion independence began: the loss of
 * response a gene-therapy follow-up watches for. Exactly 9.0 g/dL does not fire.
 */
export function hbBelowAfterIndependence(
  independence: TransfusionIndependenceResult,
  hemoglobin: readonly { date: string; gdl: number }[],
): Warning | null {
  if (independence.status !== 'achieved' || !independence.period) return null;
  const start = independence.period.start;
  const low = hemoglobin
    .filter((h) => h.date >= start && isBelow(h.gdl, TI_HB_THRESHOLD_G_DL))
    .sort((a, b) => a.date.localeCompare(b.date))[0];
  if (!low) return null;
  return {
    rule: 'hb-below-after-independence',
    key: `hb-below:${low.date}`,
    message: `Hb ${low.gdl} g/dL on ${low.date} is below ${TI_HB_THRESHOLD_G_DL} g/dL after transfusion independence from ${start}`,
  };
}

/** Relative rise over three consecutive ferritin values that counts as rising. */
export const FERRITIN_RISE_FRACTION = 0.2;

/**
 * Ferritin rising: the last three values (by date) each higher than the one before and the latest at least
 * 20% above the first of them — a sustained trend rather than one noisy value (ferritin is an acute-phase
 * reactant; TIF 2021 ch. 4 asks for trends, not single values).
 */
export function ferritinRising(ferritin: readonly { date: string; ngMl: number }[]): Warning | null {
  const last = [...ferritin].sort((a, b) => a.date.localeCompare(b.date)).slice(-3);
  if (last.length < 3) return null;
  const [a, b, c] = last as [(typeof last)[0], (typeof last)[0], (typeof last)[0]];
  requirePositive(a.ngMl, 'ferritin[0].ngMl');
  const monotone = isAbove(b.ngMl, a.ngMl) && isAbove(c.ngMl, b.ngMl);
  if (!monotone || !isAtLeast(c.ngMl, a.ngMl * (1 + FERRITIN_RISE_FRACTION))) return null;
  const pct = Math.round(((c.ngMl - a.ngMl) / a.ngMl) * 100);
  return {
    rule: 'ferritin-rising',
    key: `ferritin:${c.date}`,
    message: `ferritin rising ${a.ngMl} → ${b.ngMl} → ${c.ngMl} ng/mL (${a.date} to ${c.date}, +${pct}%)`,
  };
}

/**
 * ALT above 3 × ULN (CTCAE v5.0 grade ≥ 2 threshold and the common hepatotoxicity stopping rule): strictly
 * above, so exactly 3.0 × ULN does not fire.
 */
export function altAbove3Uln(alt: { date: string; ul: number; uln: number }): Warning | null {
  const uln = requirePositive(alt.uln, 'uln');
  if (!isAbove(alt.ul, 3 * uln)) return null;
  return {
    rule: 'alt-above-3-uln',
    key: `alt:${alt.date}`,
    message: `ALT ${alt.ul} U/L on ${alt.date} = ${(alt.ul / uln).toFixed(1)} × ULN (> 3 × ULN)`,
  };
}

/** A new adverse event of CTCAE grade ≥ 3 (severe or worse). */
export function grade3Event(event: { id: string; term: string; grade: number }): Warning | null {
  if (event.grade < 3) return null;
  return {
    rule: 'grade-3-event',
    key: `ae:${event.id}:${event.grade}`,
    message: `new grade ${event.grade} adverse event: ${event.term}`,
  };
}

/** The patient-reported rule as an alert cites it: its id and its text, zh-CN first. */
export const PRO_CTCAE_SEVERE_RULE = {
  id: 'pro-ctcae-severe',
  text: 'PRO-CTCAE 重度/极重度症状 — severe or very severe symptom reported by the patient',
} as const;

/** The cause of a patient-reported alert: the symptom report it came from (one alert per report). */
export const proCtcaeSevereKey = (reportId: string) => `pro-ctcae:${reportId}`;

/**
 * A patient's own PRO-CTCAE report with any answer at the severe or very severe end of its scale
 * (`PRO_SEVERE_FROM` in `pro-ctcae.ts`, where the thresholds and their sources are): one alert per report, to the
 * patient's hospital. The message names each symptom, the attribute, the words the patient chose and the step
 * on the 0–4 scale, zh-CN first and then English.
 */
export function proCtcaeSevere(report: { id: string; items: readonly ProResponse[] }): Warning | null {
  const answers = severeAnswers(report.items);
  if (answers.length === 0) return null;
  const bySymptom = new Map<string, SevereAnswer[]>();
  for (const a of answers) bySymptom.set(a.symptom, [...(bySymptom.get(a.symptom) ?? []), a]);
  const phrase = (lang: 'zh' | 'en') =>
    [...bySymptom.entries()]
      .map(([symptom, list]) => {
        const item = PRO_CTCAE_ITEMS.find((i) => i.symptom === symptom)!;
        const name =
          lang === 'zh' || item.label.en === item.ctcaeTerm
            ? item.label[lang]
            : `${item.label.en} (CTCAE: ${item.ctcaeTerm})`;
        const parts = list.map((a) =>
          lang === 'zh'
            ? `${PRO_ATTRIBUTE_LABELS[a.attribute].zh}“${PRO_SCALES[a.attribute].zh[a.value]}”（${a.value}/4）`
            : `${PRO_ATTRIBUTE_LABELS[a.attribute].en} '${PRO_SCALES[a.attribute].en[a.value]}' (${a.value}/4)`,
        );
        return `${name} ${parts.join(lang === 'zh' ? '、' : ', ')}`;
      })
      .join(lang === 'zh' ? '；' : '; ');
  return {
    rule: PRO_CTCAE_SEVERE_RULE.id,
    key: proCtcaeSevereKey(report.id),
    message: `患者自报重度/极重度症状：${phrase('zh')} — patient-reported severe or very severe symptoms: ${phrase('en')}`,
    detail: { ruleText: PRO_CTCAE_SEVERE_RULE.text, symptomReportId: report.id, answers },
  };
}
