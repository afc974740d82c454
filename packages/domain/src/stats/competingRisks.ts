/**
 * Competing risks: the Aalen–Johansen cumulative incidence of each cause with the Aalen-type delta-method
 * variance, and Gray's (1988) K-sample test, as R's cmprsk::cuminc computes them (status 0 = censored, k = cause k).
 */
import { chiSquareUpperTail } from './distributions';
import { symmetricSolve } from './linearAlgebra';
import { argsortNonNegative } from './sorting';

export interface CifRow {
  time: number;
  cif: number;
  variance: number;
  stdErr: number;
}

export interface CifCurve {
  cause: number;
  /** One row per distinct time with at least one event of this cause. */
  rows: CifRow[];
}

interface TimeBlock {
  time: number;
  /** Subjects whose follow-up ends at this time, by status code. */
  statuses: number[];
}

function validate(time: ArrayLike<number>, status: ArrayLike<number>): void {
  if (time.length !== status.length)
    throw new RangeError(`status has ${status.length} values, time has ${time.length}`);
  for (let i = 0; i < time.length; i++) {
    const t = time[i]!;
    if (!Number.isFinite(t) || t < 0)
      throw new RangeError(`time must be a finite number ≥ 0 (row ${i + 1}: ${t})`);
    const s = status[i]!;
    if (!Number.isInteger(s) || s < 0)
      throw new RangeError(`status must be 0 (censored) or a cause number 1, 2, … (row ${i + 1}: ${s})`);
  }
}

function blocksOf(time: ArrayLike<number>, status: ArrayLike<number>): TimeBlock[] {
  const order = argsortNonNegative(Float64Array.from(time));
  const blocks: TimeBlock[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const t = time[i]!;
    const last = blocks[blocks.length - 1];
    if (last && last.time === t) last.statuses.push(status[i]!);
    else blocks.push({ time: t, statuses: [status[i]!] });
  }
  return blocks;
}

/** Distinct causes present (status > 0), ascending. */
export function causesOf(status: ArrayLike<number>): number[] {
  const set = new Set<number>();
  for (let i = 0; i < status.length; i++) if (status[i]! > 0) set.add(status[i]!);
  return [...set].sort((a, b) => a - b);
}

/**
 * Aalen–Johansen cumulative incidence F_k(t) = Σ_{tj ≤ t} S(tj−)·d_kj/n_j for each cause, with the variance of
 * Aalen (1978) in the form cmprsk::cuminc evaluates it (tied events of one kind handled with the factor
 * 1 − (d − 1)/(n − 1)).
 */
export function cumulativeIncidence(time: ArrayLike<number>, status: ArrayLike<number>): CifCurve[] {
  validate(time, status);
  const blocks = blocksOf(time, status);
  return causesOf(status).map((cause) => {
    const rows: CifRow[] = [];
    let atRisk = time.length;
    let s = 1; // overall Kaplan–Meier just before the current time
    let f = 0;
    let v1 = 0;
    let v2 = 0;
    let v3 = 0;
    for (const block of blocks) {
      let dCause = 0;
      let dOther = 0;
      for (const st of block.statuses) {
        if (st === cause) dCause++;
        else if (st > 0) dOther++;
      }
      const d = dCause + dOther;
      if (d > 0) {
        const sNext = (s * (atRisk - d)) / atRisk;
        if (dCause > 0) f += (s * dCause) / atRisk;
        if (dOther > 0 && sNext > 0) {
          const w = (s * s * tieFactor(dOther, atRisk) * dOther) / (atRisk * atRisk);
          const a = 1 / sNext;
          const b = f / sNext;
          v1 += b * b * w;
          v2 += a * b * w;
          v3 += a * a * w;
        }
        if (dCause > 0) {
          const w = (s * s * tieFactor(dCause, atRisk) * dCause) / (atRisk * atRisk);
          const a = sNext > 0 ? 1 / sNext : 0;
          const b = 1 + a * f;
          v1 += b * b * w;
          v2 += a * b * w;
          v3 += a * a * w;
          const variance = v1 + f * f * v3 - 2 * f * v2;
          rows.push({ time: block.time, cif: f, variance, stdErr: Math.sqrt(Math.max(variance, 0)) });
        }
        s = sNext;
      }
      atRisk -= block.statuses.length;
    }
    return { cause, rows };
  });
}

function tieFactor(d: number, n: number): number {
  return d > 1 ? 1 - (d - 1) / (n - 1) : 1;
}

/** Value of a cumulative incidence step function at chosen times (0 before the first event). */
export function cifAt(curve: CifCurve, times: readonly number[]): CifRow[] {
  return times.map((t) => {
    let found: CifRow | undefined;
    for (const r of curve.rows) {
      if (r.time > t) break;
      found = r;
    }
    return found ? { ...found, time: t } : { time: t, cif: 0, variance: 0, stdErr: 0 };
  });
}

export interface GrayTestResult {
  cause: number;
  chisq: number;
  df: number;
  p: number;
}

/**
 * Gray's (1988) test that the cumulative incidence of `cause` is equal across groups (group codes 0..k−1),
 * with weight (1 − F(t−))^rho (rho = 0 as cuminc's default); score and variance as in Gray's paper, §2–3.
 */
export function grayTest(
  time: ArrayLike<number>,
  status: ArrayLike<number>,
  group: ArrayLike<number>,
  groupCount: number,
  cause: number,
  rho = 0,
): GrayTestResult {
  validate(time, status);
  const ng = groupCount;
  const ng1 = ng - 1;
  if (ng < 2) throw new RangeError('group: Gray’s test needs at least two groups');
  const order = argsortNonNegative(Float64Array.from(time));
  const rs = new Float64Array(ng);
  for (let i = 0; i < group.length; i++) rs[group[i]!]!++;
  const f1m = new Float64Array(ng);
  const f1 = new Float64Array(ng);
  const skmm = new Float64Array(ng).fill(1);
  const skm = new Float64Array(ng).fill(1);
  const v3 = new Float64Array(ng);
  const v2 = Array.from({ length: ng1 }, () => new Float64Array(ng));
  const c = Array.from({ length: ng }, () => new Float64Array(ng));
  const a = Array.from({ length: ng }, () => new Float64Array(ng));
  const v = Array.from({ length: ng1 }, () => new Float64Array(ng1));
  const score = new Float64Array(ng1);
  const dCause = new Float64Array(ng);
  const dOther = new Float64Array(ng);
  const leaving = new Float64Array(ng);
  let fm = 0;
  let f = 0;
  let k = 0;
  while (k < order.length) {
    const t = time[order[k]!]!;
    dCause.fill(0);
    dOther.fill(0);
    leaving.fill(0);
    for (; k < order.length && time[order[k]!] === t; k++) {
      const i = order[k]!;
      const g = group[i]!;
      leaving[g]!++;
      if (status[i] === cause) dCause[g]!++;
      else if (status[i]! > 0) dOther[g]!++;
    }
    let nd1 = 0;
    let nd2 = 0;
    for (let g = 0; g < ng; g++) {
      nd1 += dCause[g]!;
      nd2 += dOther[g]!;
    }
    if (nd1 > 0 || nd2 > 0) {
      let tr = 0; // Σ_r R_r / S_r(t−): the pooled "subdistribution" risk set
      let tq = 0;
      for (let g = 0; g < ng; g++) {
        if (rs[g]! <= 0) continue;
        skm[g] = (skmm[g]! * (rs[g]! - dCause[g]! - dOther[g]!)) / rs[g]!;
        f1[g] = f1m[g]! + (skmm[g]! * dCause[g]!) / rs[g]!;
        tr += rs[g]! / skmm[g]!;
        tq += (rs[g]! * (1 - f1m[g]!)) / skmm[g]!;
      }
      f = fm + nd1 / tr;
      const fb = (1 - fm) ** rho;
      for (let i = 0; i < ng; i++) {
        for (let j = i; j < ng; j++) a[i]![j] = 0;
        if (rs[i]! <= 0) continue;
        const t1 = rs[i]! / skmm[i]!;
        a[i]![i] = fb * t1 * (1 - t1 / tr);
        c[i]![i]! += (a[i]![i]! * nd1) / (tr * (1 - fm));
        for (let j = i + 1; j < ng; j++) {
          if (rs[j]! <= 0) continue;
          a[i]![j] = (-fb * t1 * rs[j]!) / (skmm[j]! * tr);
          c[i]![j]! += (a[i]![j]! * nd1) / (tr * (1 - fm));
        }
      }
      for (let i = 1; i < ng; i++)
        for (let j = 0; j < i; j++) {
          a[i]![j] = a[j]![i]!;
          c[i]![j] = c[j]![i]!;
        }
      for (let i = 0; i < ng1; i++)
        if (rs[i]! > 0) score[i]! += fb * (dCause[i]! - (nd1 * rs[i]! * (1 - f1m[i]!)) / (skmm[i]! * tq));
      if (nd1 > 0) {
        for (let g = 0; g < ng; g++) {
          if (rs[g]! <= 0) continue;
          const t4 = skm[g]! > 0 ? 1 - (1 - f) / skm[g]! : 1;
          const t5 = nd1 > 1 ? 1 - (nd1 - 1) / (tr * skmm[g]! - 1) : 1;
          const t3 = (t5 * skmm[g]! * nd1) / (tr * rs[g]!);
          v3[g]! += t4 * t4 * t3;
          for (let i = 0; i < ng1; i++) {
            const t1 = a[i]![g]! - t4 * c[i]![g]!;
            v2[i]![g]! += t1 * t4 * t3;
            for (let j = 0; j <= i; j++) v[i]![j]! += t1 * (a[j]![g]! - t4 * c[j]![g]!) * t3;
          }
        }
      }
      if (nd2 > 0) {
        for (let g = 0; g < ng; g++) {
          if (skm[g]! <= 0 || dOther[g]! <= 0) continue;
          const t4 = (1 - f) / skm[g]!;
          const t5 = dOther[g]! > 1 ? 1 - (dOther[g]! - 1) / (rs[g]! - 1) : 1;
          const t3 = (t5 * skmm[g]! * skmm[g]! * dOther[g]!) / (rs[g]! * rs[g]!);
          v3[g]! += t4 * t4 * t3;
          for (let i = 0; i < ng1; i++) {
            const t1 = t4 * c[i]![g]!;
            v2[i]![g]! -= t1 * t4 * t3;
            for (let j = 0; j <= i; j++) v[i]![j]! += t1 * t4 * c[j]![g]! * t3;
          }
        }
      }
    }
    for (let g = 0; g < ng; g++) rs[g]! -= leaving[g]!;
    fm = f;
    f1m.set(f1);
    skmm.set(skm);
  }
  for (let i = 0; i < ng1; i++)
    for (let j = 0; j <= i; j++)
      for (let g = 0; g < ng; g++)
        v[i]![j]! += c[i]![g]! * c[j]![g]! * v3[g]! + c[i]![g]! * v2[j]![g]! + c[j]![g]! * v2[i]![g]!;
  const full = Array.from({ length: ng1 }, (_, i) =>
    Array.from({ length: ng1 }, (_, j) => (j <= i ? v[i]![j]! : v[j]![i]!)),
  );
  const s = Array.from(score);
  const solved = symmetricSolve(full, s);
  const chisq = s.reduce((acc, x, i) => acc + x * solved[i]!, 0);
  return { cause, chisq, df: ng1, p: chiSquareUpperTail(chisq, ng1) };
}
