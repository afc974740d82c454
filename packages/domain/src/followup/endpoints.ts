import { assessEngraftment, type EngraftmentResult, type GraftSource } from '../clinical/engraftment';
import { formatIsoDate, parseIsoDate } from '../thalassemia/dates';
import {
  assessTransfusionIndependence,
  type TransfusionIndependenceResult,
} from '../thalassemia/transfusion';
import type { LabCode } from './catalog';
import {
  altAbove3Uln,
  engraftmentOverdue,
  ferritinRising,
  hbBelowAfterIndependence,
  type Warning,
} from './early-warning';

/** One laboratory result in its code's canonical unit (see `catalog.ts`). */
export interface CanonicalLab {
  readonly code: LabCode;
  readonly date: string;
  readonly value: number;
  /** Upper limit of normal in the canonical unit, when reported. */
  readonly uln?: number | null;
}

export interface TransfusionRecord {
  readonly date: string;
  readonly product: 'red-cells' | 'platelets' | 'plasma' | 'other';
}

export interface EndpointInput {
  readonly infusionDate: string;
  readonly graftSource: GraftSource;
  readonly labs: readonly CanonicalLab[];
  readonly transfusions: readonly TransfusionRecord[];
  /** Last follow-up day, `YYYY-MM-DD`; defaults to the latest record. */
  readonly asOf?: string;
}

export interface Endpoints {
  readonly engraftment: EngraftmentResult;
  readonly transfusionIndependence: TransfusionIndependenceResult | null;
}

/**
 * The per-patient end points, computed afresh from the raw records every time (so a corrected value changes
 * them at once): neutrophil and platelet engraftment by the clinical module's CIBMTR rules, and transfusion
 * independence by the thalassemia module's beti-cel / exa-cel definition (only when Hb values exist).
 */
export function computeEndpoints(input: EndpointInput): Endpoints {
  const day0 = parseIsoDate(input.infusionDate, 'infusionDate');
  const byDay = new Map<
    number,
    { day: number; anc?: number; wbc?: number; neutrophilPercent?: number; platelets?: number }
  >();
  const row = (day: number) => {
    let r = byDay.get(day);
    if (!r) {
      r = { day };
      byDay.set(day, r);
    }
    return r;
  };
  let last = day0;
  for (const [i, lab] of input.labs.entries()) {
    const day = parseIsoDate(lab.date, `labs[${i}].date`) - day0;
    last = Math.max(last, day + day0);
    const r = row(day);
    // Several values the same day: the lowest counts (the engraftment rule wants sustained recovery).
    const keep = (prev: number | undefined) => (prev === undefined ? lab.value : Math.min(prev, lab.value));
    if (lab.code === 'anc') r.anc = keep(r.anc);
    else if (lab.code === 'wbc') r.wbc = keep(r.wbc);
    else if (lab.code === 'neutrophil-percent') r.neutrophilPercent = keep(r.neutrophilPercent);
    else if (lab.code === 'platelets') r.platelets = keep(r.platelets);
  }
  // A WBC without a differential cannot give an ANC; leave it out rather than fail the whole assessment.
  const counts = [...byDay.values()]
    .map((r) =>
      r.anc === undefined && r.wbc !== undefined && r.neutrophilPercent === undefined
        ? { day: r.day, ...(r.platelets !== undefined ? { platelets: r.platelets } : {}) }
        : r,
    )
    .filter((r) => r.anc !== undefined || r.wbc !== undefined || r.platelets !== undefined)
    .sort((a, b) => a.day - b.day);
  for (const t of input.transfusions) last = Math.max(last, parseIsoDate(t.date, 'transfusions.date'));
  const asOfDay = input.asOf ? parseIsoDate(input.asOf, 'asOf') : last;
  const engraftment = assessEngraftment({
    source: input.graftSource,
    countUnit: '10^9/L',
    counts,
    plateletTransfusionDays: input.transfusions
      .filter((t) => t.product === 'platelets')
      .map((t) => parseIsoDate(t.date, 'transfusions.date') - day0),
    asOfDay: asOfDay - day0,
  });
  const hemoglobin = input.labs
    .filter((l) => l.code === 'hb')
    .map((l) => ({ date: l.date, value: l.value, unit: 'g/dL' }));
  const transfusionIndependence =
    hemoglobin.length === 0
      ? null
      : assessTransfusionIndependence({
          infusionDate: input.infusionDate,
          transfusions: input.transfusions.filter((t) => t.product === 'red-cells'),
          hemoglobin,
          lastFollowUpDate: formatIsoDate(
            Math.max(asOfDay, ...hemoglobin.map((h) => parseIsoDate(h.date, 'hb'))),
          ),
        });
  return { engraftment, transfusionIndependence };
}

/**
 * The laboratory early-warning rules that fire on a patient's records now (adverse-event grades are checked
 * when an event is recorded): engraftment overdue, Hb < 9 g/dL after independence, ferritin rising and the
 * latest ALT above 3 × ULN.
 */
export function laboratoryWarnings(
  input: EndpointInput,
  endpoints: Endpoints = computeEndpoints(input),
): Warning[] {
  const warnings: (Warning | null)[] = [engraftmentOverdue(endpoints.engraftment)];
  if (endpoints.transfusionIndependence) {
    warnings.push(
      hbBelowAfterIndependence(
        endpoints.transfusionIndependence,
        input.labs.filter((l) => l.code === 'hb').map((l) => ({ date: l.date, gdl: l.value })),
      ),
    );
  }
  warnings.push(
    ferritinRising(
      input.labs.filter((l) => l.code === 'ferritin').map((l) => ({ date: l.date, ngMl: l.value })),
    ),
  );
  for (const alt of input.labs.filter((l) => l.code === 'alt' && l.uln != null)) {
    warnings.push(altAbove3Uln({ date: alt.date, ul: alt.value, uln: alt.uln as number }));
  }
  return warnings.filter((w): w is Warning => w !== null);
}
