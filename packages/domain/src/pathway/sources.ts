import type { Technology } from './tables';

/**
 * Where a therapy's product comes from, and the rules that gate it (DESIGN.md §2):
 * - allogeneic and haploidentical HSCT: a donor selected after HLA typing and a donor search, worked up, who
 *   consents for himself or herself and is found eligible before the collection (FACT-JACIE donor evaluation;
 *   WMDA standards on donor care); a haploidentical donor is a family member by definition (one shared
 *   haplotype);
 * - mesenchymal stem cells: a released lot expanded from a working bank of the seed cell bank
 *   (master → working bank → lot), allocated to the patient by the laboratory.
 */
export const DONOR_RELATIONS = ['sibling', 'parent', 'child', 'other_family', 'unrelated'] as const;
export type DonorRelation = (typeof DONOR_RELATIONS)[number];
export const DONOR_ELIGIBILITY = ['eligible', 'ineligible'] as const;

/** An HLA match count as written by transplant teams, e.g. `10/10` or `5/10` (loci A, B, C, DRB1, DQB1). */
export function parseHlaMatch(text: string): { matched: number; typed: number } | null {
  const m = /^\s*(\d{1,2})\s*\/\s*(\d{1,2})\s*$/.exec(text);
  if (!m) return null;
  const matched = Number(m[1]);
  const typed = Number(m[2]);
  if (![6, 8, 10, 12].includes(typed) || matched > typed) return null;
  return { matched, typed };
}

/** Why a donor cannot be selected for this technology (empty when the donor may be selected). */
export function donorSelectionProblems(
  technology: Technology,
  donor: { relation: DonorRelation; hlaMatch: string },
): string[] {
  const problems: string[] = [];
  if (!parseHlaMatch(donor.hlaMatch)) {
    problems.push(`hlaMatch: "${donor.hlaMatch}" is not a match count such as 10/10 or 5/10`);
  }
  if (technology === 'haploidentical_hsct' && donor.relation === 'unrelated') {
    problems.push('relation: a haploidentical donor is a family member sharing one haplotype');
  }
  return problems;
}

/** The donor's state as the collection needs it: consent recorded and eligibility determined as eligible. */
export interface DonorClearance {
  readonly consentedOn: string | null;
  readonly eligibility: 'pending' | 'eligible' | 'ineligible';
}

/** Why the donor may not be collected yet (empty when cleared). */
export function donorCollectionProblems(donor: DonorClearance | null): string[] {
  if (!donor) return ['no donor has been selected for this therapy'];
  const problems: string[] = [];
  if (!donor.consentedOn) problems.push("the donor's own consent is not recorded");
  if (donor.eligibility !== 'eligible') {
    problems.push(
      donor.eligibility === 'ineligible'
        ? 'the donor was found ineligible: no collection from this donor'
        : "the donor's eligibility is not determined",
    );
  }
  return problems;
}

/** A laboratory batch offered as the lot of an MSC therapy, with the bank it was expanded from. */
export interface LotCandidate {
  readonly reference: string;
  readonly kind: string;
  readonly status: string;
  readonly laboratoryId: string;
  readonly bankKind: string | null;
  readonly bankLot: string | null;
  /** ISO date (YYYY-MM-DD). */
  readonly bankExpiresOn: string | null;
  readonly vialsIssued: number;
}

/**
 * Why a batch cannot be allocated to a patient (empty when it can): it must be the therapy laboratory's own
 * allogeneic batch, released by the qualified person, expanded from a working bank (not a master bank) with
 * vials issued to it from that bank.
 */
export function lotAllocationProblems(batch: LotCandidate, therapyLaboratoryId: string): string[] {
  const problems: string[] = [];
  if (batch.laboratoryId !== therapyLaboratoryId) {
    problems.push(`batch ${batch.reference} is not made by this therapy's laboratory`);
  }
  if (batch.kind !== 'allogeneic') {
    problems.push(`batch ${batch.reference} is autologous: only a cell-bank lot is allocated`);
  }
  if (batch.status !== 'released') problems.push(`batch ${batch.reference} is ${batch.status}, not released`);
  if (batch.bankKind !== 'working') {
    problems.push(`batch ${batch.reference} is not expanded from a working bank`);
  }
  if (batch.vialsIssued < 1) {
    problems.push(`no vial of lot ${batch.bankLot ?? '?'} was issued to batch ${batch.reference}`);
  }
  return problems;
}

/** A shipment-temperature deviation as the bedside check reads it. */
export interface ExcursionDeviation {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly din: string | null;
  readonly leg: string | null;
}

/**
 * The unassessed temperature excursions that forbid infusing the unit `din`: any excursion on its chain still
 * open, whichever leg — the return leg (laboratory → courier → hospital pharmacy) is the one release cannot have
 * seen, because it happens after release.
 */
export function excursionsBlockingInfusion(
  deviations: readonly ExcursionDeviation[],
  din: string,
): ExcursionDeviation[] {
  return deviations.filter((d) => d.kind === 'temperature_excursion' && d.status === 'open' && d.din === din);
}
