import { describe, expect, it } from 'vitest';
import { cifAt, cumulativeIncidence, grayTest } from '../../src/stats/competingRisks';
import cif from './fixtures/cif.json';
import mgus from './fixtures/mgus2cr.json';
import { asArray, expectClose, levelsOf } from './helpers';

const tinyTime = [1, 2, 2, 3, 4, 5, 5, 6, 8, 9];
const tinyStatus = [1, 2, 1, 0, 1, 2, 0, 1, 0, 2];

interface RCurve {
  name: string;
  time: number[];
  est: number[];
  var: number[];
}

/** Value of cuminc's step-function output just after time t (the last corner at t). */
function rAt(curve: RCurve, t: number): { est: number; var: number } {
  const i = curve.time.lastIndexOf(t);
  return { est: curve.est[i]!, var: curve.var[i]! };
}

function dataFor(r: string): { time: number[]; status: number[]; group: string[] | null } {
  const c = mgus.columns;
  if (r.includes('mg_d$sex')) return { time: c.etime, status: c.event, group: c.sex };
  if (r.includes('mg_d$agegrp')) return { time: c.etime, status: c.event, group: c.agegrp };
  if (r.includes('mg_d')) return { time: c.etime, status: c.event, group: null };
  return { time: tinyTime, status: tinyStatus, group: null };
}

describe('cumulative incidence and Gray’s test against R cmprsk::cuminc (fixtures/cif.json)', () => {
  for (const c of cif.cases) {
    it(`${c.name}: ${c.r}`, () => {
      const { time, status, group } = dataFor(c.r);
      const levels = group ? (levelsOf(group) as string[]) : ['1'];
      for (const level of levels) {
        const rows = group ? time.map((_, i) => i).filter((i) => group[i] === level) : time.map((_, i) => i);
        const curves = cumulativeIncidence(
          rows.map((i) => time[i]!),
          rows.map((i) => status[i]!),
        );
        for (const curve of curves) {
          const ref = (c.curves as RCurve[]).find((x) => x.name === `${level} ${curve.cause}`)!;
          expect(ref, `${level} ${curve.cause}`).toBeDefined();
          expect(curve.rows.length).toBeGreaterThan(0);
          for (const row of curve.rows) {
            const r = rAt(ref, row.time);
            expectClose(row.cif, r.est, `${ref.name} F(${row.time})`);
            expectClose(row.variance, r.var, `${ref.name} var(${row.time})`);
          }
        }
      }
      if (group && c.tests) {
        const codes = group.map((g) => levels.indexOf(g));
        const tests = c.tests as { cause: string[]; stat: number[]; p: number[]; df: number[] };
        asArray(tests.cause).forEach((cause, i) => {
          const g = grayTest(time, status, codes, levels.length, Number(cause));
          expectClose(g.chisq, tests.stat[i]!, `Gray cause ${cause} statistic`);
          expectClose(g.p, tests.p[i]!, `Gray cause ${cause} p`);
          expect(g.df).toBe(tests.df[i]);
        });
      }
    });
  }

  it('reads the step function at chosen times (0 before the first event, last value after)', () => {
    const [cause1] = cumulativeIncidence(tinyTime, tinyStatus);
    const at = cifAt(cause1!, [0.5, 2, 7, 100]);
    expect(at.map((r) => r.cif)).toEqual([0, 0.2, cause1!.rows[3]!.cif, cause1!.rows[3]!.cif]);
  });

  it('rejects a negative time and a non-integer status naming the field', () => {
    expect(() => cumulativeIncidence([1, -2], [1, 0])).toThrow(/time/);
    expect(() => cumulativeIncidence([1, 2], [1, 0.5])).toThrow(/status/);
  });
});
