import { describe, expect, it } from 'vitest';
import { logRank } from '../../src/stats/logRank';
import type { SortedGroup } from '../../src/stats/survivalData';
import aml from './fixtures/aml.json';
import km from './fixtures/km.json';
import logrank from './fixtures/logrank.json';
import lung from './fixtures/lung.json';
import veteran from './fixtures/veteran.json';
import { expectClose, groupsOf } from './helpers';

function strataFor(r: string): SortedGroup[][] {
  if (r.includes('aml_d')) return [groupsOf(aml.columns.time, aml.columns.status, aml.columns.x).groups];
  if (r.includes('~ sex'))
    return [groupsOf(lung.columns.time, lung.columns.status, lung.columns.sex, 2).groups];
  if (r.includes('~ ph_ecog'))
    return [groupsOf(lung.columns.time, lung.columns.status, lung.columns.ph_ecog, 2).groups];
  if (r.includes('strata(trt)')) {
    const c = veteran.columns;
    return [1, 2].map((trt) => {
      const rows = c.trt.map((t, i) => (t === trt ? i : -1)).filter((i) => i >= 0);
      // Keep every celltype level in every stratum so group columns line up.
      const levels = ['adeno', 'large', 'smallcell', 'squamous'];
      const g = groupsOf(
        rows.map((i) => c.time[i]!),
        rows.map((i) => c.status[i]!),
        rows.map((i) => c.celltype[i]!),
      );
      return levels.map((l) => g.groups[g.levels.indexOf(l)]!);
    });
  }
  if (r.includes('vet_d'))
    return [groupsOf(veteran.columns.time, veteran.columns.status, veteran.columns.celltype).groups];
  if (r.includes('tiny')) return [groupsOf(km.data.tiny.time, km.data.tiny.status, km.data.tiny.g).groups];
  throw new Error(r);
}

describe('log-rank test against R survival 3.5-3 survdiff (fixtures/logrank.json)', () => {
  for (const c of logrank.cases) {
    it(`${c.name}: ${c.r}`, () => {
      const result = logRank(strataFor(c.r));
      expectClose(result.chisq, c.chisq, 'chisq');
      expect(result.df).toBe(c.df);
      expectClose(result.p, c.p, 'p');
      expect(result.observed).toEqual(c.observed);
      for (const [i, e] of c.expected.entries()) expectClose(result.expected[i]!, e, `expected[${i}]`);
    });
  }

  it('refuses a single group', () => {
    const { groups } = groupsOf([1, 2], [1, 0], null);
    expect(() => logRank([groups])).toThrow(/at least two groups/);
  });
});
