import { describe, expect, it } from 'vitest';
import { type ConfType, kaplanMeier, survivalAt } from '../../src/stats/kaplanMeier';
import aml from './fixtures/aml.json';
import km from './fixtures/km.json';
import lung from './fixtures/lung.json';
import veteran from './fixtures/veteran.json';
import { asArray, expectClose, groupsOf } from './helpers';

type Column = (number | null)[];
interface RCurve {
  time: number[];
  nRisk: number[];
  nEvent: number[];
  survival: number[];
  stdErr: (number | null)[];
  lower: (number | null)[];
  upper: (number | null)[];
}

/** Rebuilds each fixture case's data set from its R command. */
function dataFor(r: string) {
  const statusCode = r.includes('lung') ? 2 : 1;
  if (r.includes('aml_d')) return groupsOf(aml.columns.time, aml.columns.status, aml.columns.x);
  if (r.includes('lung_entry'))
    return groupsOf(lung.columns.time, lung.columns.status, lung.columns.sex, 2, km.data.lungEntry);
  if (r.includes('~ sex'))
    return groupsOf(lung.columns.time, lung.columns.status, lung.columns.sex, statusCode);
  if (r.includes('~ ph_ecog'))
    return groupsOf(lung.columns.time, lung.columns.status, lung.columns.ph_ecog as Column, statusCode);
  if (r.includes('lung_d')) return groupsOf(lung.columns.time, lung.columns.status, null, statusCode);
  if (r.includes('vet_d'))
    return groupsOf(veteran.columns.time, veteran.columns.status, veteran.columns.celltype);
  if (r.includes('data = half')) return groupsOf(km.data.half.time, km.data.half.status, null);
  if (r.includes('data = one')) return groupsOf(asArray(km.data.one.time), asArray(km.data.one.status), null);
  if (r.includes('data = tiny')) return groupsOf(km.data.tiny.time, km.data.tiny.status, km.data.tiny.g);
  throw new Error(`no data for ${r}`);
}

function confTypeOf(r: string): ConfType {
  if (r.includes("'log-log'")) return 'log-log';
  if (r.includes("'plain'")) return 'plain';
  return 'log';
}

describe('Kaplan–Meier against R survival 3.5-3 survfit (fixtures/km.json)', () => {
  for (const c of km.cases) {
    it(`${c.name}: ${c.r}`, () => {
      const { groups } = dataFor(c.r);
      expect(groups.length).toBe(c.groups.length);
      c.groups.forEach((rg, gi) => {
        const fit = kaplanMeier(groups[gi]!, { confType: confTypeOf(c.r) });
        expect(fit.n).toBe(rg.n);
        expect(fit.events).toBe(rg.events);
        expectClose(fit.median, rg.median, `${rg.group} median`);
        expectClose(fit.medianLower, rg.medianLower, `${rg.group} median lower`);
        expectClose(fit.medianUpper, rg.medianUpper, `${rg.group} median upper`);
        const curve = rg.curve as unknown as RCurve;
        const times = asArray(curve.time);
        expect(fit.rows.length).toBe(times.length);
        fit.rows.forEach((row, i) => {
          const at = `${rg.group} t=${row.time}`;
          expect(row.time).toBe(times[i]);
          expect(row.nRisk).toBe(asArray(curve.nRisk)[i]);
          expect(row.nEvent).toBe(asArray(curve.nEvent)[i]);
          expectClose(row.survival, asArray(curve.survival)[i]!, `${at} survival`);
          expectClose(row.stdErr, asArray(curve.stdErr)[i]!, `${at} std.err`);
          expectClose(row.lower, asArray(curve.lower)[i]!, `${at} lower`);
          expectClose(row.upper, asArray(curve.upper)[i]!, `${at} upper`);
        });
      });
      const at = (c as { at?: Record<string, (number | string | null)[]> }).at;
      if (at) {
        const levelNames = c.groups.map((g) => g.group);
        for (let i = 0; i < at.time!.length; i++) {
          const gi = levelNames.indexOf(at.group![i] as string);
          const fit = kaplanMeier(groups[gi]!, { confType: confTypeOf(c.r) });
          const [v] = survivalAt(fit, groups[gi]!, [at.time![i] as number]);
          const label = `${at.group![i]} at ${at.time![i]}`;
          expect(v!.nRisk, label).toBe(at.nRisk![i]);
          expectClose(v!.survival, at.survival![i] as number, `${label} survival`);
          expectClose(v!.stdErr, at.stdErr![i] as number, `${label} std.err`);
          expectClose(v!.lower, at.lower![i] as number, `${label} lower`);
          expectClose(v!.upper, at.upper![i] as number, `${label} upper`);
        }
      }
    });
  }
});
