import { describe, expect, it } from 'vitest';
import {
  ALLOGENEIC_HSCT,
  AUTOLOGOUS_GENE_THERAPY,
  availableSteps,
  CUSTODY_SCANS,
  checkCorrection,
  checkCustodyScan,
  checkTransition,
  currentStep,
  custodyKey,
  evaluateEligibility,
  filingIsActive,
  GENE_THERAPY_CRITERIA,
  genotypeLabel,
  isBeta0Beta0,
  MSC,
  nextFilingStatus,
  parseTemperatureCsv,
  type RecordedEntry,
  summarizeTemperatures,
  validateDefinition,
  validateHbbAllele,
} from '../../src/pathway/index';

const steps = (...ids: string[]): RecordedEntry[] =>
  ids.map((step, i) => ({ id: `e${i}`, step, kind: 'step' }));

describe('pathway machine (DESIGN.md §2: no step out of order)', () => {
  it('walks the autologous gene-therapy table in order', () => {
    const history: RecordedEntry[] = [];
    const order = ['eligibility', 'consent', 'mobilization', 'apheresis', 'shipment_to_lab'];
    for (const step of order) {
      expect(checkTransition(AUTOLOGOUS_GENE_THERAPY, history, step, 'hospital')).toEqual({ allowed: true });
      history.push({ id: step, step, kind: 'step' });
    }
    expect(currentStep(AUTOLOGOUS_GENE_THERAPY, history)).toBe('shipment_to_lab');
    expect(availableSteps(AUTOLOGOUS_GENE_THERAPY, history, 'laboratory')).toEqual(['manufacturing']);
  });

  it('refuses apheresis before mobilization and names the missing step', () => {
    const d = checkTransition(
      AUTOLOGOUS_GENE_THERAPY,
      steps('eligibility', 'consent'),
      'apheresis',
      'hospital',
    );
    expect(d).toEqual({ allowed: false, code: 'out-of-order', reason: 'apheresis needs mobilization first' });
  });

  it('refuses the wrong party, a repeat of a single step, and a closed repeatable step', () => {
    const h = steps('eligibility', 'consent', 'mobilization', 'apheresis', 'apheresis', 'shipment_to_lab');
    expect(checkTransition(AUTOLOGOUS_GENE_THERAPY, h, 'manufacturing', 'hospital')).toMatchObject({
      code: 'wrong-party',
    });
    expect(checkTransition(AUTOLOGOUS_GENE_THERAPY, h, 'consent', 'hospital')).toMatchObject({
      code: 'already-recorded',
    });
    expect(checkTransition(AUTOLOGOUS_GENE_THERAPY, h, 'apheresis', 'hospital')).toMatchObject({
      code: 'closed',
    });
  });

  it('records release and infusion only through their dedicated checks', () => {
    const h = steps(
      'eligibility',
      'consent',
      'mobilization',
      'apheresis',
      'shipment_to_lab',
      'manufacturing',
      'qc_testing',
    );
    expect(checkTransition(AUTOLOGOUS_GENE_THERAPY, h, 'release', 'laboratory')).toMatchObject({
      code: 'dedicated',
    });
    expect(
      checkTransition(AUTOLOGOUS_GENE_THERAPY, h, 'release', 'laboratory', { viaDedicatedCheck: true }),
    ).toEqual({
      allowed: true,
    });
  });

  it('corrections never change the sequence and must reference the latest version', () => {
    const h: RecordedEntry[] = [
      ...steps('eligibility', 'consent'),
      { id: 'c1', step: 'consent', kind: 'correction', corrects: 'e1' },
    ];
    expect(checkTransition(AUTOLOGOUS_GENE_THERAPY, h, 'mobilization', 'hospital')).toEqual({
      allowed: true,
    });
    expect(checkCorrection(h, 'e1')).toMatchObject({ allowed: false, code: 'already-recorded' });
    expect(checkCorrection(h, 'c1')).toEqual({ allowed: true });
    expect(checkCorrection(h, 'nope')).toMatchObject({ allowed: false, code: 'unknown-step' });
  });

  it('the allogeneic and MSC tables are other data for the same machine', () => {
    expect(
      checkTransition(ALLOGENEIC_HSCT, steps('eligibility', 'consent'), 'donor_search', 'hospital'),
    ).toMatchObject({
      reason: 'donor_search needs hla_typing first',
    });
    expect(checkTransition(MSC, steps('eligibility', 'consent'), 'lot_allocation', 'laboratory')).toEqual({
      allowed: true,
    });
  });

  it('rejects a table with a forward reference', () => {
    expect(() =>
      validateDefinition({ technology: 'x', steps: [{ id: 'a', party: 'hospital', after: ['b'] }] }),
    ).toThrow(/steps.a.after: b/);
  });
});

describe('filing status (NHC 2018 measures: filing, review, suspension)', () => {
  it('approves a submitted filing and suspends and reinstates an approved one', () => {
    expect(nextFilingStatus('submitted', 'approve')).toEqual({ ok: true, status: 'approved' });
    expect(nextFilingStatus('approved', 'suspend')).toEqual({ ok: true, status: 'suspended' });
    expect(nextFilingStatus('suspended', 'reinstate')).toEqual({ ok: true, status: 'approved' });
    expect(nextFilingStatus('returned', 'resubmit')).toEqual({ ok: true, status: 'submitted' });
  });
  it('refuses approving a closed or returned filing', () => {
    expect(nextFilingStatus('closed', 'approve')).toMatchObject({ ok: false });
    expect(nextFilingStatus('returned', 'approve')).toMatchObject({ ok: false });
  });
  it('only an approved filing is active', () => {
    expect(
      ['submitted', 'returned', 'approved', 'suspended', 'closed'].filter((s) =>
        filingIsActive(s as 'approved'),
      ),
    ).toEqual(['approved']);
  });
});

describe('eligibility (beti-cel HGB-207 criteria; DESIGN.md §3.3–3.4)', () => {
  // Monthly 300 mL at 30 kg = 120 mL/kg/year and 12 events/year: dependent (≥ 100 mL/kg/year or ≥ 8 events).
  const monthly = Array.from({ length: 24 }, (_, i) => ({
    date: `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-10`,
    volumeMl: 300,
  }));
  const base = {
    birthDate: '2011-03-15',
    referenceDate: '2026-01-01',
    weightKg: 30,
    transfusions: monthly,
    cardiacT2StarMs: 25,
    licMgG: 6,
    altUL: 40,
    astUL: 38,
    transaminaseUlnUL: 40,
    egfr: 110,
  };
  it('meets every criterion for a 14-year-old TDT patient with 12 transfusions/year', () => {
    const r = evaluateEligibility(GENE_THERAPY_CRITERIA, base);
    expect(r.allMet).toBe(true);
    expect(r.criteria.map((c) => c.id)).toEqual([
      'age',
      'transfusion_dependence',
      'cardiac_iron',
      'liver_iron',
      'liver_function',
      'renal_function',
    ]);
    expect(r.criteria[0]).toMatchObject({ value: '14 years', verdict: 'met' });
  });
  it('excludes cardiac T2* 8 ms (< 10 ms) and LIC 15 mg/g (≥ 15), and ALT 3.5 × ULN', () => {
    const r = evaluateEligibility(GENE_THERAPY_CRITERIA, {
      ...base,
      cardiacT2StarMs: 8,
      licMgG: 15,
      altUL: 140,
    });
    expect(r.allMet).toBe(false);
    const verdicts = Object.fromEntries(r.criteria.map((c) => [c.id, c.verdict]));
    expect(verdicts).toMatchObject({
      cardiac_iron: 'not-met',
      liver_iron: 'not-met',
      liver_function: 'not-met',
    });
  });
  it('reports missing data as missing, never as met', () => {
    const { egfr: _e, ...rest } = base;
    const r = evaluateEligibility(GENE_THERAPY_CRITERIA, rest);
    expect(r.allMet).toBe(false);
    expect(r.criteria.find((c) => c.id === 'renal_function')?.verdict).toBe('missing');
  });
  it('counts completed years: the day before the 4th birthday is 3', () => {
    const r = evaluateEligibility(GENE_THERAPY_CRITERIA, { ...base, birthDate: '2022-01-02' });
    expect(r.criteria[0]).toMatchObject({ value: '3 years', verdict: 'not-met' });
  });
});

describe('custody hand-offs (collection → courier → laboratory → courier → pharmacy → bedside)', () => {
  it('accepts the sequence in order and refuses a skipped hand-off', () => {
    expect(checkCustodyScan([], 'collection', 'out', 'hospital')).toEqual({ ok: true, index: 0 });
    expect(checkCustodyScan(['collection:out'], 'laboratory', 'in', 'laboratory')).toEqual({
      ok: false,
      reason: 'hand-off out of order: expected courier_to_lab:in, got laboratory:in',
    });
    const all = CUSTODY_SCANS.map((s) => custodyKey(s.stage, s.direction));
    expect(all.at(-1)).toBe('bedside:in');
    expect(checkCustodyScan(all, 'bedside', 'in', 'hospital')).toMatchObject({ ok: false });
  });
  it('refuses a scan by the wrong party', () => {
    expect(
      checkCustodyScan(['collection:out', 'courier_to_lab:in'], 'courier_to_lab', 'out', 'hospital'),
    ).toMatchObject({
      ok: false,
    });
  });
});

describe('shipment temperature (cryopreserved: ≤ −150 °C)', () => {
  it('flags a reading of −140 °C above the −150 °C limit', () => {
    const readings = parseTemperatureCsv(
      'time,celsius\n2026-01-01T00:00:00Z,-185\n2026-01-01T01:00:00Z,-140\n2026-01-01T02:00:00Z,-180\n',
    );
    const s = summarizeTemperatures(readings, -150);
    expect(s).toMatchObject({ readings: 3, maxCelsius: -140, minCelsius: -185 });
    expect(s.excursions).toEqual([{ at: '2026-01-01T01:00:00.000Z', celsius: -140 }]);
  });
  it('a reading exactly at −150 °C is not an excursion', () => {
    expect(summarizeTemperatures([{ at: '2026-01-01T00:00:00Z', celsius: -150 }], -150).excursions).toEqual(
      [],
    );
  });
  it('names the malformed line', () => {
    expect(() => parseTemperatureCsv('time,celsius\n2026-01-01T00:00:00Z,warm\n')).toThrow(/line 2/);
    expect(() => parseTemperatureCsv('a,b\n1,2')).toThrow(/header/);
  });
});

describe('HBB genotype (CIBMTR hemoglobinopathy forms; DESIGN.md §3.6)', () => {
  const b0 = { alleleClass: 'β0', hgvs: 'c.126_129delCTTT' } as const;
  const bE = { alleleClass: 'βE', hgvs: 'c.79G>A' } as const;
  it('labels βE/β0 with the more severe allele first', () => {
    expect(genotypeLabel(bE, b0)).toBe('β0/βE');
    expect(genotypeLabel(b0, b0)).toBe('β0/β0');
    expect(isBeta0Beta0(b0, b0)).toBe(true);
    expect(isBeta0Beta0(b0, bE)).toBe(false);
  });
  it('accepts HGVS c. variants (c.-78A>G, c.52A>T) and refuses an abnormal allele without one', () => {
    expect(validateHbbAllele({ alleleClass: 'β+', hgvs: 'c.-78A>G' }, 'a1').hgvs).toBe('c.-78A>G');
    expect(validateHbbAllele({ alleleClass: 'β0', hgvs: 'c.52A>T' }, 'a1').alleleClass).toBe('β0');
    expect(() => validateHbbAllele({ alleleClass: 'β0', hgvs: null }, 'allele1')).toThrow(/allele1.hgvs/);
    expect(() => validateHbbAllele({ alleleClass: 'β0', hgvs: 'CD41/42' }, 'allele1')).toThrow(
      /allele1.hgvs/,
    );
  });
});
