/**
 * Right-censored, optionally left-truncated survival data split by group, with the per-group sorted time arrays
 * that the Kaplan–Meier and log-rank computations walk instead of sorting whole records.
 */

/** Survival records as parallel columns: follow-up time, event indicator (1 event, 0 censored), optional entry. */
export interface SurvivalColumns {
  time: ArrayLike<number>;
  event: ArrayLike<number>;
  /** Late-entry (left-truncation) time; a subject is at risk at t when entry < t ≤ time (R: Surv(entry, time, event)). */
  entry?: ArrayLike<number> | undefined;
}

/** One group's times, each sorted ascending: event times, censoring times and (if any) entry times. */
export interface SortedGroup {
  eventTimes: Float64Array;
  censorTimes: Float64Array;
  entryTimes: Float64Array | null;
}

/** Thrown for survival data that no estimator may silently accept; `field` names the offending column. */
export class SurvivalDataError extends RangeError {
  override name = 'SurvivalDataError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Checks lengths, finite non-negative times, 0/1 events and entry < time; throws SurvivalDataError otherwise. */
export function validateSurvival(data: SurvivalColumns): void {
  const n = data.time.length;
  if (data.event.length !== n)
    throw new SurvivalDataError('event', `event has ${data.event.length} values, time has ${n}`);
  if (data.entry && data.entry.length !== n)
    throw new SurvivalDataError('entry', `entry has ${data.entry.length} values, time has ${n}`);
  for (let i = 0; i < n; i++) {
    const t = data.time[i]!;
    if (!Number.isFinite(t) || t < 0)
      throw new SurvivalDataError('time', `time must be a finite number ≥ 0 (row ${i + 1}: ${t})`);
    const e = data.event[i]!;
    if (e !== 0 && e !== 1) throw new SurvivalDataError('event', `event must be 0 or 1 (row ${i + 1}: ${e})`);
    if (data.entry) {
      const s = data.entry[i]!;
      if (!Number.isFinite(s) || s < 0)
        throw new SurvivalDataError('entry', `entry must be a finite number ≥ 0 (row ${i + 1}: ${s})`);
      if (s >= t)
        throw new SurvivalDataError(
          'entry',
          `entry must be before time (row ${i + 1}: entry ${s}, time ${t})`,
        );
    }
  }
}

/**
 * Splits the records into `groupCount` groups by `group[i]` (0-based codes; all 0 when omitted) and sorts each
 * group's event, censoring and entry times.
 */
export function sortByGroup(
  data: SurvivalColumns,
  group: ArrayLike<number> | null,
  groupCount: number,
): SortedGroup[] {
  const n = data.time.length;
  const events = new Int32Array(groupCount);
  const censored = new Int32Array(groupCount);
  for (let i = 0; i < n; i++) {
    const g = group ? group[i]! : 0;
    if (data.event[i] === 1) events[g]!++;
    else censored[g]!++;
  }
  const out: SortedGroup[] = [];
  for (let g = 0; g < groupCount; g++) {
    out.push({
      eventTimes: new Float64Array(events[g]!),
      censorTimes: new Float64Array(censored[g]!),
      entryTimes: data.entry ? new Float64Array(events[g]! + censored[g]!) : null,
    });
  }
  const ie = new Int32Array(groupCount);
  const ic = new Int32Array(groupCount);
  for (let i = 0; i < n; i++) {
    const g = group ? group[i]! : 0;
    const sg = out[g]!;
    if (data.event[i] === 1) sg.eventTimes[ie[g]!++] = data.time[i]!;
    else sg.censorTimes[ic[g]!++] = data.time[i]!;
    if (sg.entryTimes) sg.entryTimes[ie[g]! + ic[g]! - 1] = data.entry![i]!;
  }
  for (const sg of out) {
    sg.eventTimes.sort();
    sg.censorTimes.sort();
    sg.entryTimes?.sort();
  }
  return out;
}

/**
 * Walks one sorted group forward in time and answers "how many are at risk at t" (time ≥ t and entry < t) for
 * non-decreasing t, in amortised O(1).
 */
export class RiskSetCursor {
  private iEvent = 0;
  private iCensor = 0;
  private iEntry = 0;
  constructor(private readonly g: SortedGroup) {}

  /** Number at risk at time t, and the number of events exactly at t. Calls must use non-decreasing t. */
  at(t: number): { nRisk: number; nEvent: number } {
    const { eventTimes, censorTimes, entryTimes } = this.g;
    while (this.iEvent < eventTimes.length && eventTimes[this.iEvent]! < t) this.iEvent++;
    while (this.iCensor < censorTimes.length && censorTimes[this.iCensor]! < t) this.iCensor++;
    let nRisk = eventTimes.length - this.iEvent + censorTimes.length - this.iCensor;
    if (entryTimes) {
      while (this.iEntry < entryTimes.length && entryTimes[this.iEntry]! < t) this.iEntry++;
      nRisk -= entryTimes.length - this.iEntry;
    }
    let j = this.iEvent;
    while (j < eventTimes.length && eventTimes[j] === t) j++;
    return { nRisk, nEvent: j - this.iEvent };
  }
}

/** Distinct values of several sorted arrays, merged ascending. */
export function distinctSorted(arrays: Float64Array[]): Float64Array {
  let total = 0;
  for (const a of arrays) total += a.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const a of arrays) {
    all.set(a, k);
    k += a.length;
  }
  if (arrays.length > 1) all.sort();
  let m = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[m - 1]) all[m++] = all[i]!;
  return all.subarray(0, m);
}
