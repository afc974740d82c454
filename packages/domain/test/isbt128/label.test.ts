import { describe, expect, it } from 'vitest';
import {
  bedsideIdentityCheck,
  chainContainsDin,
  createChainOfIdentity,
  linkCollection,
  type ProductLabel,
  productDescriptionCode,
  validateLabel,
} from '../../src/isbt128/index';

const label: ProductLabel = {
  din: 'G123498654321',
  productCode: 'S1234A00',
  expiresAt: '2026-06-01T12:00:00Z',
  patient: { patientId: 'P-001', chainOfIdentityId: 'COI2026000001' },
};

describe('chain of identity (ICCBBA ST-001 data structure 040, DESIGN.md §3.1)', () => {
  it('links several DINs of one therapy and refuses a duplicate', () => {
    let chain = createChainOfIdentity('COI2026000001', 'P-001', '2026-01-01T08:00:00Z');
    chain = linkCollection(chain, 'G1234 98 654321', '2026-01-02T08:00:00Z');
    chain = linkCollection(chain, 'G123498654322', '2026-01-03T08:00:00Z');
    expect(chain.collections.map((c) => c.din)).toEqual(['G123498654321', 'G123498654322']);
    expect(chainContainsDin(chain, 'G123498654322')).toBe(true);
    expect(chainContainsDin(chain, 'G123498654323')).toBe(false);
    expect(() => linkCollection(chain, 'G123498654321', '2026-01-04T08:00:00Z')).toThrow(/already linked/);
  });

  it('refuses a collection before the identifier was allocated (allocated at or before the first collection)', () => {
    const chain = createChainOfIdentity('COI1', 'P-001', '2026-01-02T00:00:00Z');
    expect(() => linkCollection(chain, 'G123498654321', '2026-01-01T23:59:59Z')).toThrow(/collectedAt/);
    expect(linkCollection(chain, 'G123498654321', '2026-01-02T00:00:00Z').collections).toHaveLength(1);
  });

  it('names the bad field: identifier, patientId, allocatedAt, din', () => {
    expect(() => createChainOfIdentity('coi-1', 'P', '2026-01-01')).toThrow(/identifier/);
    expect(() => createChainOfIdentity('COI1', ' ', '2026-01-01')).toThrow(/patientId/);
    expect(() => createChainOfIdentity('COI1', 'P', 'yesterday')).toThrow(/allocatedAt/);
    const chain = createChainOfIdentity('COI1', 'P', '2026-01-01');
    expect(() => linkCollection(chain, 'G12349865432', '2026-01-02')).toThrow(/din: wrong length/);
  });
});

describe('label model and bedside check (DESIGN.md §3.1: no infusion on a mismatch)', () => {
  it('takes the product description code as the first 5 characters of the product code (ST-001 data structure 003)', () => {
    expect(productDescriptionCode('S1234A00')).toBe('S1234');
    expect(() => productDescriptionCode('S123A00')).toThrow(/productCode/);
  });

  it('accepts a matching scan before expiry', () => {
    expect(validateLabel(label)).toEqual([]);
    const result = bedsideIdentityCheck(
      label,
      {
        patientId: 'P-001',
        din: '=G123498654321',
        productCode: 'S1234A00',
        chainOfIdentityId: 'COI2026000001',
      },
      '2026-06-01T12:00:00Z',
    );
    expect(result).toEqual({ ok: true, problems: [] });
  });

  it('reports every mismatch and expiry one minute after the expiry time', () => {
    const result = bedsideIdentityCheck(
      label,
      { patientId: 'P-002', din: 'G123498654322', productCode: 'S1234B00', chainOfIdentityId: 'COI9' },
      '2026-06-01T12:01:00Z',
    );
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual([
      'patient-mismatch',
      'din-mismatch',
      'product-mismatch',
      'chain-of-identity-mismatch',
      'expired',
    ]);
  });

  it('reports a malformed label: DIN, product code, expiry, patient', () => {
    const problems = validateLabel({
      din: 'X',
      productCode: '?',
      expiresAt: 'never',
      patient: { patientId: '' },
    });
    expect(problems.map((p) => p.code)).toEqual([
      'bad-din',
      'bad-product-code',
      'bad-expiry',
      'missing-patient',
    ]);
    expect(() =>
      bedsideIdentityCheck(label, { patientId: 'P-001', din: label.din, productCode: 'S1234A00' }, 'now'),
    ).toThrow(/at:/);
  });
});
