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
}

export const PRO_CTCAE_ITEMS: readonly ProItem[] = [
  { symptom: 'fatigue', attributes: ['severity', 'interference'], ctcaeTerm: 'Fatigue' },
  { symptom: 'nausea', attributes: ['frequency', 'severity'], ctcaeTerm: 'Nausea' },
  { symptom: 'diarrhea', attributes: ['frequency'], ctcaeTerm: 'Diarrhea' },
  { symptom: 'shortness-of-breath', attributes: ['severity', 'interference'], ctcaeTerm: 'Dyspnea' },
  { symptom: 'pain', attributes: ['frequency', 'severity', 'interference'], ctcaeTerm: 'Pain' },
  { symptom: 'decreased-appetite', attributes: ['severity', 'interference'], ctcaeTerm: 'Anorexia' },
  { symptom: 'bruising', attributes: ['presence'], ctcaeTerm: 'Bruising' },
  { symptom: 'rash', attributes: ['presence'], ctcaeTerm: 'Rash maculo-papular' },
];

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
