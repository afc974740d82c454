import { exactRate, type PersonTimeRate, poissonRate, type Rate } from './statistics';

/** One adverse event of a cohort patient, with onset after infusion. */
export interface CohortEvent {
  patientId: string;
  /** The CTCAE term where coded, else the reported term. */
  term: string;
  grade: number | null;
  serious: boolean;
  expected: boolean;
}

export interface AeRow {
  term: string;
  grade: number | null;
  events: number;
  patients: number;
  serious: number;
  unexpected: number;
  incidence: Rate;
  rate: PersonTimeRate;
}

export type ImmuneKind = 'gvhd' | 'crs' | 'icans';

/** Immune-mediated toxicities recognised by term: GVHD, cytokine release syndrome, ICANS. */
export function immuneKind(term: string): ImmuneKind | null {
  if (/(gvhd|graft.versus.host)/i.test(term)) return 'gvhd';
  if (/cytokine release/i.test(term)) return 'crs';
  if (/(icans|immune effector cell.associated neurotox)/i.test(term)) return 'icans';
  return null;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const gradeOrder = (a: number | null, b: number | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a - b;

/**
 * The safety tables of a cohort of `n` patients followed for `patientYears`: events by term and grade and by term
 * (each event at its grade; patients counted once per row), all events, serious and unexpected ones, and the worst
 * grade of each immune-mediated toxicity per patient.
 */
export function summariseAdverseEvents(events: readonly CohortEvent[], n: number, patientYears: number) {
  const tally = () => ({ events: 0, patients: new Set<string>(), serious: 0, unexpected: 0 });
  type Tally = ReturnType<typeof tally>;
  const add = (t: Tally, e: CohortEvent) => {
    t.events += 1;
    t.patients.add(e.patientId);
    if (e.serious) t.serious += 1;
    if (!e.expected) t.unexpected += 1;
  };
  const rows = new Map<string, { term: string; grade: number | null; t: Tally }>();
  const any = tally();
  const flagged = { serious: tally(), unexpected: tally(), both: tally() };
  const worst = new Map<string, { kind: ImmuneKind; grade: number | null }>();
  for (const e of events) {
    for (const grade of [e.grade, undefined]) {
      const key = `${e.term}\u0000${grade === undefined ? 'term' : String(grade)}`;
      let row = rows.get(key);
      if (!row) {
        row = { term: e.term, grade: grade ?? null, t: tally() };
        rows.set(key, row);
      }
      add(row.t, e);
    }
    add(any, e);
    if (e.serious) add(flagged.serious, e);
    if (!e.expected) add(flagged.unexpected, e);
    if (e.serious && !e.expected) add(flagged.both, e);
    const kind = immuneKind(e.term);
    if (kind) {
      const key = `${kind}\u0000${e.patientId}`;
      const prev = worst.get(key);
      if (!prev) worst.set(key, { kind, grade: e.grade });
      else if (e.grade !== null && (prev.grade === null || e.grade > prev.grade)) prev.grade = e.grade;
    }
  }
  const aeRow = (term: string, grade: number | null, t: Tally): AeRow => ({
    term,
    grade,
    events: t.events,
    patients: t.patients.size,
    serious: t.serious,
    unexpected: t.unexpected,
    incidence: exactRate(t.patients.size, n),
    rate: poissonRate(t.events, patientYears),
  });
  const immune = new Map<string, { kind: ImmuneKind; grade: number; patients: number }>();
  for (const w of worst.values()) {
    const key = `${w.kind}\u0000${w.grade}`;
    const row = immune.get(key) ?? { kind: w.kind, grade: Number(w.grade), patients: 0 };
    row.patients += 1;
    immune.set(key, row);
  }
  const counted = (t: Tally) => ({ events: t.events, patients: t.patients.size });
  return {
    byTerm: [...rows.values()]
      .sort((a, b) => byteOrder(a.term, b.term) || gradeOrder(a.grade, b.grade))
      .map((r) => aeRow(r.term, r.grade, r.t)),
    any: aeRow('any', null, any),
    serious: { ...counted(flagged.serious), incidence: exactRate(flagged.serious.patients.size, n) },
    unexpected: { ...counted(flagged.unexpected), incidence: exactRate(flagged.unexpected.patients.size, n) },
    seriousUnexpected: counted(flagged.both),
    immune: [...immune.values()].sort((a, b) => byteOrder(a.kind, b.kind) || a.grade - b.grade),
  };
}
