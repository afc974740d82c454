import { DomainInputError, requireIntegerInRange, requireOneOf } from '../grading/input';

/**
 * A few items of the NCI Patient-Reported Outcomes version of CTCAE (PRO-CTCAE v1.0): each symptom asks some of
 * frequency, severity and interference with usual activities on a 0–4 scale (never / rarely / occasionally /
 * frequently / almost constantly; none / mild / moderate / severe / very severe; not at all … very much), or
 * presence (no / yes). The CTCAE term is the one a clinician would grade the symptom under.
 */
export type ProAttribute = 'frequency' | 'severity' | 'interference' | 'presence';

export interface ProItem {
  readonly symptom: string;
  readonly attributes: readonly ProAttribute[];
  readonly ctcaeTerm: string;
  /** The symptom as the patient screen names it (zh-CN first), for computed text such as an alert. */
  readonly label: { readonly zh: string; readonly en: string };
}

export const PRO_CTCAE_ITEMS: readonly ProItem[] = [
  {
    symptom: 'fatigue',
    attributes: ['severity', 'interference'],
    ctcaeTerm: 'Fatigue',
    label: { zh: '乏力', en: 'Fatigue' },
  },
  {
    symptom: 'nausea',
    attributes: ['frequency', 'severity'],
    ctcaeTerm: 'Nausea',
    label: { zh: '恶心', en: 'Nausea' },
  },
  {
    symptom: 'diarrhea',
    attributes: ['frequency'],
    ctcaeTerm: 'Diarrhea',
    label: { zh: '腹泻', en: 'Diarrhea' },
  },
  {
    symptom: 'shortness-of-breath',
    attributes: ['severity', 'interference'],
    ctcaeTerm: 'Dyspnea',
    label: { zh: '气短', en: 'Shortness of breath' },
  },
  {
    symptom: 'pain',
    attributes: ['frequency', 'severity', 'interference'],
    ctcaeTerm: 'Pain',
    label: { zh: '疼痛', en: 'Pain' },
  },
  {
    symptom: 'decreased-appetite',
    attributes: ['severity', 'interference'],
    ctcaeTerm: 'Anorexia',
    label: { zh: '食欲下降', en: 'Decreased appetite' },
  },
  {
    symptom: 'bruising',
    attributes: ['presence'],
    ctcaeTerm: 'Bruising',
    label: { zh: '瘀青', en: 'Bruising' },
  },
  {
    symptom: 'rash',
    attributes: ['presence'],
    ctcaeTerm: 'Rash maculo-papular',
    label: { zh: '皮疹', en: 'Rash' },
  },
];

/**
 * The PRO-CTCAE v1.0 response scales, answer 0 first: the NCI's English wording and the zh-CN wording of the
 * patient screen (`packages/web/src/i18n/zh-CN.ts`, `symptoms.scale`), so an alert quotes the words the patient
 * chose.
 */
export const PRO_SCALES: Readonly<
  Record<ProAttribute, { readonly en: readonly string[]; readonly zh: readonly string[] }>
> = {
  frequency: {
    en: ['never', 'rarely', 'occasionally', 'frequently', 'almost constantly'],
    zh: ['从不', '很少', '有时', '经常', '几乎一直'],
  },
  severity: {
    en: ['none', 'mild', 'moderate', 'severe', 'very severe'],
    zh: ['无', '轻度', '中度', '重度', '非常严重'],
  },
  interference: {
    en: ['not at all', 'a little bit', 'somewhat', 'quite a bit', 'very much'],
    zh: ['完全没有', '有一点', '有些', '相当多', '非常多'],
  },
  presence: { en: ['no', 'yes'], zh: ['没有', '有'] },
};

/** The attributes' names in computed text (zh-CN as on the patient screen, `symptoms.attributes`). */
export const PRO_ATTRIBUTE_LABELS: Readonly<
  Record<ProAttribute, { readonly zh: string; readonly en: string }>
> = {
  frequency: { zh: '频率', en: 'frequency' },
  severity: { zh: '严重程度', en: 'severity' },
  interference: { zh: '对日常活动的影响', en: 'interference with usual activities' },
  presence: { zh: '是否出现', en: 'presence' },
};

export const PRO_SYMPTOMS = PRO_CTCAE_ITEMS.map((i) => i.symptom);

export interface ProResponse {
  readonly symptom: string;
  readonly frequency?: number;
  readonly severity?: number;
  readonly interference?: number;
  readonly presence?: number;
}

/**
 * Checks a patient's answers: known symptoms, once each, exactly the attributes the item asks, each 0–4
 * (presence 0–1). Throws a {@link DomainInputError} naming the offending answer, e.g. `items[1].severity`.
 */
export function validateProResponses(items: readonly ProResponse[]): ProResponse[] {
  if (!Array.isArray(items) || items.length === 0) {
    throw new DomainInputError('items', 'at least one symptom is required');
  }
  const seen = new Set<string>();
  return items.map((item, i) => {
    const symptom = requireOneOf(item?.symptom, `items[${i}].symptom`, PRO_SYMPTOMS);
    if (seen.has(symptom)) throw new DomainInputError(`items[${i}].symptom`, `${symptom} is answered twice`);
    seen.add(symptom);
    const def = PRO_CTCAE_ITEMS.find((d) => d.symptom === symptom)!;
    const out: Record<string, number | string> = { symptom };
    for (const attribute of ['frequency', 'severity', 'interference', 'presence'] as const) {
      const value = item[attribute];
      if (!def.attributes.includes(attribute)) {
        if (value !== undefined) {
          throw new DomainInputError(`items[${i}].${attribute}`, `${symptom} does not ask ${attribute}`);
        }
        continue;
      }
      out[attribute] = requireIntegerInRange(
        value,
        `items[${i}].${attribute}`,
        0,
        attribute === 'presence' ? 1 : 4,
      );
    }
    return out as unknown as ProResponse;
  });
}

/** The CTCAE term a symptom is reported under when a clinician turns it into an adverse event. */
export function ctcaeTermForSymptom(symptom: string): string {
  const item = PRO_CTCAE_ITEMS.find((d) => d.symptom === symptom);
  if (!item) throw new DomainInputError('symptom', `unknown PRO-CTCAE symptom ${JSON.stringify(symptom)}`);
  return item.ctcaeTerm;
}

/** The worst answer of a response (0–4), to sort the hospital's inbox by what the patient felt most. */
export function worstAnswer(item: ProResponse): number {
  if (item.presence !== undefined) return item.presence === 1 ? 2 : 0;
  return Math.max(item.frequency ?? 0, item.severity ?? 0, item.interference ?? 0);
}

/**
 * The lowest answer of each graded attribute that counts as a severe or very severe report, the threshold of the
 * patient-reported early warning (`proCtcaeSevere` in `early-warning.ts`):
 *
 * - severity 3 'severe' or 4 'very severe', and interference 3 'quite a bit' or 4 'very much': the top two steps
 *   of the NCI PRO-CTCAE v1.0 5-point response scales (NCI, PRO-CTCAE item library and FAQs,
 *   healthcaredelivery.cancer.gov/pro-ctcae), the "severe" reports that sent real-time alerts to the care team in
 *   the PRO-CTCAE remote symptom-monitoring trials (Basch E et al., PRO-TECT / Alliance AFT-39, JAMA
 *   2022;327:2413–2422 and Nat Med 2025;31:1225–1232: "severe or worsening symptoms generated alerts"; its alerts
 *   are analysed in "Optimization of alert notifications in ePRO remote symptom monitoring systems", PMID
 *   38771558);
 * - frequency only at 4 'almost constantly': frequency says how often, not how bad, and the composite grading
 *   algorithm (Basch E et al., Clin Trials 2021;18:104–114) weighs frequency with severity and interference
 *   rather than alone, so a frequency-only 'frequently' is left to the hospital's inbox (sorted by
 *   {@link worstAnswer}) instead of alerting. Worsening from the previous report is not judged here: a report is
 *   judged on its own answers.
 *
 * Presence items (yes/no: bruising, rash) carry no grade and never alert by themselves; the hospital sees them in
 * the symptom inbox.
 */
export const PRO_SEVERE_FROM: Readonly<Record<Exclude<ProAttribute, 'presence'>, number>> = {
  severity: 3,
  interference: 3,
  frequency: 4,
};

export interface SevereAnswer {
  readonly symptom: string;
  readonly ctcaeTerm: string;
  readonly attribute: Exclude<ProAttribute, 'presence'>;
  /** The answer, 0–4. */
  readonly value: number;
}

/**
 * The answers of a report at or above {@link PRO_SEVERE_FROM}, in the order of the report and, within a symptom,
 * frequency, severity, interference (the order of the PRO-CTCAE item library). Expects validated responses
 * ({@link validateProResponses}); an unknown symptom throws.
 */
export function severeAnswers(items: readonly ProResponse[]): SevereAnswer[] {
  const out: SevereAnswer[] = [];
  for (const item of items) {
    const ctcaeTerm = ctcaeTermForSymptom(item.symptom);
    for (const attribute of ['frequency', 'severity', 'interference'] as const) {
      const value = item[attribute];
      if (value !== undefined && value >= PRO_SEVERE_FROM[attribute]) {
        out.push({ symptom: item.symptom, ctcaeTerm, attribute, value });
      }
    }
  }
  return out;
}
