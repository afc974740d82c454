import { describe, expect, it } from 'vitest';
import {
  ALLOGENEIC_HSCT,
  availableSteps,
  checkCustodyScan,
  checkTransition,
  custodyScansFor,
  donorCollectionProblems,
  donorSelectionProblems,
  excursionsBlockingInfusion,
  HAPLOIDENTICAL_HSCT,
  isReturnLegScan,
  type LotCandidate,
  lotAllocationProblems,
  MSC,
  parseHlaMatch,
  pathwayFor,
  type RecordedEntry,
} from '../../src/pathway/index';

const walk = (definition: typeof MSC, party: (id: string) => 'hospital' | 'laboratory', order: string[]) => {
  const history: RecordedEntry[] = [];
  for (const step of order) {
    const dedicated = definition.steps.find((s) => s.id === step)?.dedicated ?? false;
    expect(
      checkTransition(definition, history, step, party(step), { viaDedicatedCheck: dedicated }),
      step,
    ).toEqual({ allowed: true });
    history.push({ id: `e${history.length}`, step, kind: 'step' });
  }
  return history;
};
const partyIn = (definition: typeof MSC) => (id: string) => definition.steps.find((s) => s.id === id)!.party;

describe('allogeneic and haploidentical HSCT: the donor before the collection (DESIGN.md §2)', () => {
  const order = [
    'eligibility',
    'consent',
    'hla_typing',
    'donor_search',
    'donor_selection',
    'donor_workup',
    'donor_consent',
    'donor_eligibility',
    'collection',
    'conditioning',
    'shipment_to_lab',
    'processing',
    'qc_testing',
    'release',
    'shipment_to_hospital',
    'infusion',
    'engraftment',
    'gvhd_surveillance',
  ];

  it('walks from enrolment to infusion and GVHD surveillance, the laboratory processing and releasing the graft', () => {
    walk(ALLOGENEIC_HSCT, partyIn(ALLOGENEIC_HSCT), order);
    walk(HAPLOIDENTICAL_HSCT, partyIn(HAPLOIDENTICAL_HSCT), order);
    expect(pathwayFor('haploidentical_hsct').productSource ?? 'collection').toBe('collection');
  });

  it("refuses the collection and the conditioning before the donor's consent and eligibility", () => {
    const history = walk(ALLOGENEIC_HSCT, partyIn(ALLOGENEIC_HSCT), order.slice(0, 7));
    expect(checkTransition(ALLOGENEIC_HSCT, history, 'collection', 'hospital')).toMatchObject({
      allowed: false,
      code: 'out-of-order',
      reason: 'collection needs donor_eligibility first',
    });
    expect(availableSteps(ALLOGENEIC_HSCT, history, 'hospital')).toEqual(['donor_eligibility']);
  });

  it('a haploidentical donor is family; the match count is read as n/6, n/8, n/10 or n/12', () => {
    expect(parseHlaMatch('5/10')).toEqual({ matched: 5, typed: 10 });
    expect(parseHlaMatch(' 8 / 8 ')).toEqual({ matched: 8, typed: 8 });
    expect(parseHlaMatch('11/10')).toBeNull();
    expect(parseHlaMatch('5/9')).toBeNull();
    expect(donorSelectionProblems('haploidentical_hsct', { relation: 'parent', hlaMatch: '5/10' })).toEqual(
      [],
    );
    expect(
      donorSelectionProblems('haploidentical_hsct', { relation: 'unrelated', hlaMatch: '5/10' }),
    ).toEqual(['relation: a haploidentical donor is a family member sharing one haplotype']);
    expect(
      donorSelectionProblems('allogeneic_hsct', { relation: 'unrelated', hlaMatch: 'full' }),
    ).toHaveLength(1);
  });

  it('collects only a donor who consented and was found eligible', () => {
    expect(donorCollectionProblems(null)).toEqual(['no donor has been selected for this therapy']);
    expect(donorCollectionProblems({ consentedOn: null, eligibility: 'pending' })).toEqual([
      "the donor's own consent is not recorded",
      "the donor's eligibility is not determined",
    ]);
    expect(donorCollectionProblems({ consentedOn: '2026-05-02', eligibility: 'ineligible' })).toEqual([
      'the donor was found ineligible: no collection from this donor',
    ]);
    expect(donorCollectionProblems({ consentedOn: '2026-05-02', eligibility: 'eligible' })).toEqual([]);
  });
});

describe('MSC: a released lot from a working bank (master → working bank → lot)', () => {
  const lot: LotCandidate = {
    reference: 'MSC-2026-001',
    kind: 'allogeneic',
    status: 'released',
    laboratoryId: 'lab',
    bankKind: 'working',
    bankLot: 'WCB-UC07-2026A',
    bankExpiresOn: '2031-01-15',
    vialsIssued: 2,
  };

  it('walks from enrolment to infusion and follow-up, the lot allocated and released by the laboratory', () => {
    walk(MSC, partyIn(MSC), [
      'eligibility',
      'consent',
      'lot_allocation',
      'release',
      'shipment_to_hospital',
      'infusion',
      'follow_up',
    ]);
  });

  it('allocates a released allogeneic batch of this laboratory made from issued working-bank vials only', () => {
    expect(lotAllocationProblems(lot, 'lab')).toEqual([]);
    expect(
      lotAllocationProblems({ ...lot, status: 'in_process', bankKind: 'master', vialsIssued: 0 }, 'other'),
    ).toEqual([
      "batch MSC-2026-001 is not made by this therapy's laboratory",
      'batch MSC-2026-001 is in_process, not released',
      'batch MSC-2026-001 is not expanded from a working bank',
      'no vial of lot WCB-UC07-2026A was issued to batch MSC-2026-001',
    ]);
  });

  it('its custody starts at the laboratory as a released product: the first scan is laboratory:out', () => {
    const scans = custodyScansFor(MSC.productSource);
    expect(scans.map((s) => `${s.stage}:${s.direction}`)).toEqual([
      'laboratory:out',
      'courier_to_hospital:in',
      'courier_to_hospital:out',
      'pharmacy:in',
      'pharmacy:out',
      'bedside:in',
    ]);
    expect(checkCustodyScan([], 'laboratory', 'out', 'laboratory', scans)).toEqual({ ok: true, index: 0 });
    expect(checkCustodyScan([], 'collection', 'out', 'hospital', scans)).toMatchObject({
      ok: false,
      reason: 'hand-off out of order: expected laboratory:out, got collection:out',
    });
    expect(isReturnLegScan('laboratory', 'out')).toBe(true);
    expect(isReturnLegScan('laboratory', 'in')).toBe(false);
  });
});

describe('the return leg: an unassessed excursion forbids infusion', () => {
  it('blocks on an open excursion of this DIN, on either leg, and not on an assessed one or another DIN', () => {
    const d = (id: string, din: string, status: string, leg: string, kind = 'temperature_excursion') => ({
      id,
      din,
      status,
      leg,
      kind,
    });
    const blocking = excursionsBlockingInfusion(
      [
        d('a', 'G123426000001', 'assessed', 'to_laboratory'),
        d('b', 'G123426000001', 'open', 'to_hospital'),
        d('c', 'G123426000002', 'open', 'to_hospital'),
        d('e', 'G123426000001', 'open', 'to_hospital', 'identity_mismatch'),
      ],
      'G123426000001',
    );
    expect(blocking.map((x) => x.id)).toEqual(['b']);
  });
});
