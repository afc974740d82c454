import { describe, expect, it } from 'vitest';
import { PRO_CTCAE_SEVERE_RULE, proCtcaeSevere } from '../../src/followup/early-warning';
import {
  PRO_CTCAE_ITEMS,
  PRO_SCALES,
  PRO_SEVERE_FROM,
  type ProResponse,
  severeAnswers,
  validateProResponses,
} from '../../src/followup/pro-ctcae';
import { DomainInputError } from '../../src/grading/input';

// The NCI PRO-CTCAE v1.0 response scales (item library; FAQ "generic item structures"), answer 0 first.
const NCI = {
  frequency: ['never', 'rarely', 'occasionally', 'frequently', 'almost constantly'],
  severity: ['none', 'mild', 'moderate', 'severe', 'very severe'],
  interference: ['not at all', 'a little bit', 'somewhat', 'quite a bit', 'very much'],
} as const;

describe('PRO-CTCAE response scales', () => {
  it('quotes the NCI wording of each 5-point scale and the zh-CN words of the patient screen', () => {
    for (const attribute of ['frequency', 'severity', 'interference'] as const) {
      expect(PRO_SCALES[attribute].en).toEqual(NCI[attribute]);
      expect(PRO_SCALES[attribute].zh).toHaveLength(5);
    }
    expect(PRO_SCALES.severity.zh[4]).toBe('非常严重');
    expect(PRO_SCALES.presence.en).toEqual(['no', 'yes']);
  });

  it('alerts from severity "severe", interference "quite a bit" and frequency "almost constantly"', () => {
    expect(NCI.severity[PRO_SEVERE_FROM.severity]).toBe('severe');
    expect(NCI.interference[PRO_SEVERE_FROM.interference]).toBe('quite a bit');
    expect(NCI.frequency[PRO_SEVERE_FROM.frequency]).toBe('almost constantly');
  });
});

describe('severe or very severe answers', () => {
  it('finds, for every item of the library, each graded attribute at and above its threshold and none below', () => {
    for (const item of PRO_CTCAE_ITEMS) {
      const graded = item.attributes.filter((a) => a !== 'presence');
      for (const attribute of graded) {
        for (let value = 0; value <= 4; value++) {
          // The other attributes answered 0, so only this one can fire.
          const answer = Object.fromEntries(item.attributes.map((a) => [a, a === attribute ? value : 0]));
          const [response] = validateProResponses([{ symptom: item.symptom, ...answer }]);
          const found = severeAnswers([response!]);
          if (value >= PRO_SEVERE_FROM[attribute]) {
            expect(found).toEqual([{ symptom: item.symptom, ctcaeTerm: item.ctcaeTerm, attribute, value }]);
          } else {
            expect(found).toEqual([]);
          }
        }
      }
    }
  });

  it('takes "moderate", "somewhat" and "frequently" as not severe', () => {
    expect(severeAnswers([{ symptom: 'fatigue', severity: 2, interference: 2 }])).toEqual([]);
    expect(severeAnswers([{ symptom: 'diarrhea', frequency: 3 }])).toEqual([]);
    expect(severeAnswers([{ symptom: 'pain', frequency: 3, severity: 2, interference: 2 }])).toEqual([]);
  });

  it('never alerts on a presence item (bruising, rash: yes/no carries no grade)', () => {
    expect(
      severeAnswers([
        { symptom: 'bruising', presence: 1 },
        { symptom: 'rash', presence: 1 },
      ]),
    ).toEqual([]);
  });

  it('lists every severe answer of a multi-symptom report in report order, frequency before severity', () => {
    const found = severeAnswers([
      { symptom: 'nausea', frequency: 2, severity: 1 },
      { symptom: 'pain', frequency: 4, severity: 3, interference: 2 },
      { symptom: 'shortness-of-breath', severity: 4, interference: 4 },
    ]);
    expect(found.map((a) => `${a.ctcaeTerm}:${a.attribute}=${a.value}`)).toEqual([
      'Pain:frequency=4',
      'Pain:severity=3',
      'Dyspnea:severity=4',
      'Dyspnea:interference=4',
    ]);
  });

  it('throws on a symptom the library does not have', () => {
    expect(() => severeAnswers([{ symptom: 'hiccups', severity: 4 }])).toThrow(DomainInputError);
  });
});

describe('the patient-reported early warning (pro-ctcae-severe)', () => {
  const report = (items: ProResponse[]) => ({ id: 'r1', items });

  it('raises nothing for a mild report', () => {
    expect(proCtcaeSevere(report([{ symptom: 'fatigue', severity: 1, interference: 1 }]))).toBeNull();
    expect(proCtcaeSevere(report([{ symptom: 'nausea', frequency: 3, severity: 2 }]))).toBeNull();
  });

  it('raises one warning per report, keyed by the report, naming the symptoms and grades zh-CN first', () => {
    const w = proCtcaeSevere(
      report([
        { symptom: 'fatigue', severity: 4, interference: 3 },
        { symptom: 'shortness-of-breath', severity: 3, interference: 1 },
        { symptom: 'rash', presence: 1 },
      ]),
    )!;
    expect(w.rule).toBe('pro-ctcae-severe');
    expect(w.rule).toBe(PRO_CTCAE_SEVERE_RULE.id);
    expect(w.key).toBe('pro-ctcae:r1');
    expect(w.message).toBe(
      '患者自报重度/极重度症状：乏力 严重程度“非常严重”（4/4）、对日常活动的影响“相当多”（3/4）；气短 严重程度“重度”（3/4）' +
        " — patient-reported severe or very severe symptoms: Fatigue severity 'very severe' (4/4), interference with" +
        " usual activities 'quite a bit' (3/4); Shortness of breath (CTCAE: Dyspnea) severity 'severe' (3/4)",
    );
    expect(w.message.indexOf('乏力')).toBeLessThan(w.message.indexOf('Fatigue'));
    expect(w.message).not.toContain('皮疹');
    expect(w.detail).toEqual({
      ruleText: 'PRO-CTCAE 重度/极重度症状 — severe or very severe symptom reported by the patient',
      symptomReportId: 'r1',
      answers: [
        { symptom: 'fatigue', ctcaeTerm: 'Fatigue', attribute: 'severity', value: 4 },
        { symptom: 'fatigue', ctcaeTerm: 'Fatigue', attribute: 'interference', value: 3 },
        { symptom: 'shortness-of-breath', ctcaeTerm: 'Dyspnea', attribute: 'severity', value: 3 },
      ],
    });
  });

  it('raises on diarrhoea "almost constantly" and not on "frequently"', () => {
    expect(proCtcaeSevere(report([{ symptom: 'diarrhea', frequency: 4 }]))?.message).toContain(
      "Diarrhea frequency 'almost constantly' (4/4)",
    );
    expect(proCtcaeSevere(report([{ symptom: 'diarrhea', frequency: 3 }]))).toBeNull();
  });
});
