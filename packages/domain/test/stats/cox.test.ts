import { describe, expect, it } from 'vitest';
import { type CoxTies, coxRegression } from '../../src/stats/cox';
import aml from './fixtures/aml.json';
import cox from './fixtures/cox.json';
import lung from './fixtures/lung.json';
import veteran from './fixtures/veteran.json';
import { asArray, expectClose } from './helpers';

interface Design {
  time: number[];
  event: number[];
  covariates: number[][];
}

/** Builds the design of each fixture's formula: complete cases, factors as treatment contrasts. */
function designFor(r: string): Design {
  if (r.includes('aml_d')) {
    const c = aml.columns;
    return { time: c.time, event: c.status, covariates: [c.x.map((v) => (v === 'Nonmaintained' ? 1 : 0))] };
  }
  if (r.includes('vet_d')) {
    const c = veteran.columns;
    const dummy = (level: string) => c.celltype.map((v) => (v === level ? 1 : 0));
    return {
      time: c.time,
      event: c.status,
      covariates: [c.trt, dummy('large'), dummy('smallcell'), dummy('squamous'), c.karno],
    };
  }
  const c = lung.columns;
  const cols: (number | null)[][] = r.includes('log(age)')
    ? [c.age.map((a) => Math.log(a)), c.ph_ecog, c.wt_loss]
    : [c.age, c.sex];
  const keep = c.time.map((_, i) => i).filter((i) => cols.every((col) => col[i] !== null));
  return {
    time: keep.map((i) => c.time[i]!),
    event: keep.map((i) => (c.status[i] === 2 ? 1 : 0)),
    covariates: cols.map((col) => keep.map((i) => col[i]!)),
  };
}

describe('Cox regression against R survival 3.5-3 coxph (fixtures/cox.json)', () => {
  for (const c of cox.cases) {
    it(`${c.name}: ${c.r}`, () => {
      const design = designFor(c.r);
      const ties: CoxTies = c.r.includes("'breslow'") ? 'breslow' : 'efron';
      const names = asArray(c.terms);
      const fit = coxRegression({ ...design, names, ties });
      expect(fit.n).toBe(c.n);
      expect(fit.events).toBe(c.events);
      expectClose(fit.loglikNull, c.loglik[0]!, 'loglik at 0');
      expectClose(fit.loglik, c.loglik[1]!, 'loglik');
      fit.terms.forEach((term, j) => {
        expectClose(term.coef, asArray(c.coef)[j]!, `${term.term} coef`);
        expectClose(term.se, asArray(c.se)[j]!, `${term.term} se`);
        expectClose(term.hr, asArray(c.hr)[j]!, `${term.term} hr`);
        expectClose(term.lower, asArray(c.lower)[j]!, `${term.term} lower`);
        expectClose(term.upper, asArray(c.upper)[j]!, `${term.term} upper`);
        expectClose(term.p, asArray(c.p)[j]!, `${term.term} p`);
      });
      expectClose(fit.wald.chisq, c.wald, 'Wald');
      expectClose(fit.likelihoodRatio.chisq, c.lrt, 'likelihood ratio');
      expectClose(fit.score.chisq, c.score, 'score');
    });
  }

  it('refuses data without events', () => {
    expect(() => coxRegression({ time: [1, 2], event: [0, 0], covariates: [[0, 1]], names: ['x'] })).toThrow(
      /no events/,
    );
  });
});
