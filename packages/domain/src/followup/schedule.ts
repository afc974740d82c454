import { DomainInputError, requireOneOf } from '../grading/input';
import { addCalendarMonths, formatIsoDate, parseIsoDate } from '../thalassemia/dates';

/**
 * Follow-up visit schedules by protocol (DESIGN.md §2): for autologous gene therapy day 30, 60, 100, 180,
 * month 12, then yearly to 15 years (long-term follow-up of integrating vectors, FDA guidance 2020 and the
 * beti-cel LTF-303 study); for allogeneic transplantation day 30, 100, 180, then yearly (CIBMTR post-TED at day
 * 100, 6 months and yearly); for MSC therapy month 1, 3, 6, 12, 24.
 */
export const PROTOCOLS = ['gene-therapy', 'allogeneic-hsct', 'msc'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

type Offset = { kind: 'day'; n: number; window: number } | { kind: 'month'; n: number; window: number };

const d = (n: number, window: number): Offset => ({ kind: 'day', n, window });
const m = (n: number, window: number): Offset => ({ kind: 'month', n, window });
const yearly = (fromYear: number, toYear: number, window: number) =>
  Array.from({ length: toYear - fromYear + 1 }, (_, i) => m(12 * (fromYear + i), window));

const SCHEDULES: Readonly<Record<Protocol, readonly Offset[]>> = {
  'gene-therapy': [d(30, 7), d(60, 7), d(100, 14), d(180, 30), m(12, 30), ...yearly(2, 15, 60)],
  'allogeneic-hsct': [d(30, 7), d(100, 14), d(180, 30), ...yearly(1, 15, 60)],
  msc: [m(1, 7), m(3, 14), m(6, 30), m(12, 30), m(24, 60)],
};

export interface PlannedVisit {
  readonly label: string;
  readonly dueDate: string;
  readonly windowStart: string;
  readonly windowEnd: string;
}

/** The planned visits of a protocol from the day of infusion, each with its window (± days). */
export function followUpSchedule(protocol: Protocol, infusionDate: string): PlannedVisit[] {
  const p = requireOneOf(protocol, 'protocol', PROTOCOLS);
  const day0 = parseIsoDate(infusionDate, 'infusionDate');
  return SCHEDULES[p].map((o) => {
    const due = o.kind === 'day' ? day0 + o.n : addCalendarMonths(day0, o.n);
    const label = o.kind === 'day' ? `D${o.n}` : o.n % 12 === 0 ? `Y${o.n / 12}` : `M${o.n}`;
    return {
      label,
      dueDate: formatIsoDate(due),
      windowStart: formatIsoDate(due - o.window),
      windowEnd: formatIsoDate(due + o.window),
    };
  });
}

export type VisitStatus = 'done' | 'upcoming' | 'open' | 'overdue';

/** A visit is done when attended, open inside its window, overdue after it, upcoming before it. */
export function visitStatus(visit: PlannedVisit, attendedOn: string | null, today: string): VisitStatus {
  if (attendedOn) return 'done';
  if (today < visit.windowStart) return 'upcoming';
  return today <= visit.windowEnd ? 'open' : 'overdue';
}

/** Days after the end of a missed window from which a patient counts as lost to follow-up. */
export const LOST_TO_FOLLOW_UP_DAYS = 365;

/**
 * Lost to follow-up: no attended visit and no contact for a year past the end of the oldest missed window.
 */
export function isLostToFollowUp(
  visits: readonly { visit: PlannedVisit; attendedOn: string | null }[],
  lastContact: string | null,
  today: string,
): boolean {
  const t = parseIsoDate(today, 'today');
  const missed = visits.filter((v) => !v.attendedOn && visitStatus(v.visit, null, today) === 'overdue');
  if (missed.length === 0) return false;
  const oldestEnd = parseIsoDate(missed[0]!.visit.windowEnd, 'windowEnd');
  if (lastContact !== null && parseIsoDate(lastContact, 'lastContact') > oldestEnd) return false;
  if (t - oldestEnd < 0) throw new DomainInputError('today', 'before the missed window');
  return t - oldestEnd >= LOST_TO_FOLLOW_UP_DAYS;
}
