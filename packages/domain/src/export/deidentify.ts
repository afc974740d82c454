import { formatIsoDate, parseIsoDate } from '../thalassemia/dates';

/**
 * De-identification rules of the patient-level exports (issue 9, item 4), pure so that the server, the CLI and
 * the tests apply the same ones.
 *
 * - Dates are shifted per patient by a whole number of days drawn from a keyed hash of the patient (the server
 *   computes the hash with the platform secret): the same patient always moves by the same amount, in every file
 *   and every run, so intervals within a patient (day 0 → engraftment, transfusion gaps) are exact, while a
 *   calendar date no longer points at a person. The shift lies in ±1…180 days, never 0.
 * - Small cells: an aggregate count below {@link SMALL_CELL_THRESHOLD} is blanked; a patient whose cohort cell
 *   (sex × age band × diagnosis within the export) holds fewer than {@link SMALL_CELL_THRESHOLD} patients is
 *   withheld from every patient-level file (the manifest says how many were withheld only as a blanked count
 *   when that number is itself small).
 */
export const SMALL_CELL_THRESHOLD = 5;
export const MAX_DATE_SHIFT_DAYS = 180;

/** The shift in days for a patient from the first 4 bytes of its keyed hash: ±1…180, never 0. */
export function dateShiftDays(keyedHash: Uint8Array): number {
  if (keyedHash.length < 4) throw new RangeError('keyedHash: expected at least 4 bytes');
  const n =
    ((keyedHash[0] as number) << 24) |
    ((keyedHash[1] as number) << 16) |
    ((keyedHash[2] as number) << 8) |
    (keyedHash[3] as number);
  const u = n >>> 0;
  const magnitude = (u % MAX_DATE_SHIFT_DAYS) + 1;
  return (u >>> 31) % 2 === 0 ? magnitude : -magnitude;
}

/** A `YYYY-MM-DD` date moved by `days`; null stays null. */
export function shiftDate(date: string | null | undefined, days: number): string | null {
  if (date === null || date === undefined) return null;
  return formatIsoDate(parseIsoDate(date, 'date') + days);
}

/** An aggregate count as published: blanked (null) below the threshold. */
export function suppressCount(count: number): number | null {
  return count < SMALL_CELL_THRESHOLD ? null : count;
}

/** Age bands of the cohort cells (years at day 0), paediatric bands first as thalassaemia care is. */
export function ageBand(age: number | null): string {
  if (age === null || !Number.isFinite(age)) return 'unknown';
  if (age < 6) return '0-5';
  if (age < 12) return '6-11';
  if (age < 18) return '12-17';
  if (age < 35) return '18-34';
  return '35+';
}

/**
 * The patients to withhold: those whose cohort cell (same key) holds fewer than the threshold. Returns the set of
 * withheld ids; every other patient is kept.
 */
export function smallCellPatients<T>(patients: readonly T[], id: (p: T) => string, cell: (p: T) => string) {
  const counts = new Map<string, number>();
  for (const p of patients) counts.set(cell(p), (counts.get(cell(p)) ?? 0) + 1);
  const withheld = new Set<string>();
  for (const p of patients) if ((counts.get(cell(p)) ?? 0) < SMALL_CELL_THRESHOLD) withheld.add(id(p));
  return withheld;
}
