import { DomainInputError } from '../grading/input';

/**
 * Calendar dates as whole days since 1970-01-01 (UTC), so that intervals between clinical records are exact
 * day counts with no time-zone or daylight-saving drift.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Parses `YYYY-MM-DD` into a day number; throws a {@link DomainInputError} naming `field` otherwise. */
export function parseIsoDate(text: unknown, field: string): number {
  const match = typeof text === 'string' ? ISO_DATE.exec(text) : null;
  if (!match) throw new DomainInputError(field, `expected a date YYYY-MM-DD, got ${JSON.stringify(text)}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new DomainInputError(field, `${String(text)} is not a calendar date`);
  }
  return ms / MS_PER_DAY;
}

/** The `YYYY-MM-DD` form of a day number. */
export function formatIsoDate(dayNumber: number): string {
  return new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * Adds calendar months: 2024-01-31 + 1 month → 2024-02-29 (the day is clamped to the month's last day), so
 * "12 consecutive months" from 2024-02-29 ends on 2025-02-28.
 */
export function addCalendarMonths(dayNumber: number, months: number): number {
  const date = new Date(dayNumber * MS_PER_DAY);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)) / MS_PER_DAY;
}
