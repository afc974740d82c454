import dayjs from 'dayjs';

/** Clinical convention on the platform: ISO-like date and 24-hour time, minutes precision. */
export const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';
export const DATE_FORMAT = 'YYYY-MM-DD';

/** Formats an ISO 8601 instant in the browser's time zone as YYYY-MM-DD HH:mm; empty for null. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const value = dayjs(iso);
  return value.isValid() ? value.format(DATE_TIME_FORMAT) : iso;
}

/** A value from an audit record (any JSON) as short readable text. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
