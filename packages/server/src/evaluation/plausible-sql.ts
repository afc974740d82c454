import { GENERAL_RANGE, OBSERVATION_RANGES } from '@cgtlink/domain/quality/plausibility';
import { type RawBuilder, sql } from 'kysely';

/**
 * The SQL condition "this stored observation value is plausible for its code" (the domain's plausibility
 * table): the evaluation views read only such values. A value written before entry was checked (or by SQL)
 * can then neither overflow an aggregate — PostgreSQL raises 22003 "value out of range: overflow" on a float8
 * sum beyond 1.8e308 — nor carry an impossible Hb into an end point. NaN and ±Infinity fail every BETWEEN.
 *
 * `alias` is a table alias written by the caller (a constant, never input).
 */
export function plausibleObservation(alias: string): RawBuilder<boolean> {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not an alias: ${alias}`);
  const when = Object.entries(OBSERVATION_RANGES)
    .map(
      ([code, r]) =>
        `WHEN '${code.replaceAll("'", "''")}' THEN ${alias}.value_canonical BETWEEN ${r.min} AND ${r.max}`,
    )
    .join(' ');
  return sql.raw<boolean>(
    `(CASE ${alias}.code ${when} ELSE ${alias}.value_canonical BETWEEN ${GENERAL_RANGE.min} AND ${GENERAL_RANGE.max} END)`,
  );
}
