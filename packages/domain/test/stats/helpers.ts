import { expect } from 'vitest';
import { type SortedGroup, sortByGroup } from '../../src/stats/survivalData';

/** Asserts agreement to `rel` relative (absolute near zero); R's NA/NaN (JSON null) must be NaN here. */
export function expectClose(actual: number, expected: number | null, label: string, rel = 1e-6): void {
  if (expected === null || Number.isNaN(expected)) {
    expect(Number.isNaN(actual), `${label}: expected NA, got ${actual}`).toBe(true);
    return;
  }
  const tol = rel * Math.max(Math.abs(expected), 1e-12);
  expect(Math.abs(actual - expected) <= tol, `${label}: ${actual} vs R ${expected}`).toBe(true);
}

export function asArray<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x];
}

/** Codes of values sorted as R sorts factor levels (numbers numerically, strings lexically); nulls dropped. */
export function levelsOf(values: readonly (string | number | null)[]): (string | number)[] {
  const set = [...new Set(values.filter((v): v is string | number => v !== null))];
  return set.sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1,
  );
}

/** Splits rows into groups (R factor-level order), skipping rows with a missing value. */
export function groupsOf(
  time: readonly (number | null)[],
  status: readonly (number | null)[],
  group: readonly (string | number | null)[] | null,
  eventCode = 1,
  entry?: readonly number[],
): { levels: (string | number)[]; groups: SortedGroup[] } {
  const levels = group ? levelsOf(group) : ['all'];
  const keep: number[] = [];
  for (let i = 0; i < time.length; i++)
    if (time[i] !== null && status[i] !== null && (!group || group[i] !== null)) keep.push(i);
  const t = keep.map((i) => time[i]!);
  const e = keep.map((i) => (status[i] === eventCode ? 1 : 0));
  const codes = keep.map((i) => (group ? levels.indexOf(group[i]!) : 0));
  const en = entry ? keep.map((i) => entry[i]!) : undefined;
  return { levels, groups: sortByGroup({ time: t, event: e, entry: en }, codes, levels.length) };
}
