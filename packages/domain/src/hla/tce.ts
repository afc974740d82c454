/**
 * HLA-DPB1 T-cell-epitope (TCE) permissiveness. Each DPB1 allele belongs to a TCE group of high (1), intermediate
 * (2) or low (3) immunogenicity (tce/dpb_tce.csv of the IPD-IMGT/HLA release, V2 = functional-distance
 * assignment: Crivello P et al., Biol Blood Marrow Transplant 2016;22:1098–1106; V1 = Zino E et al., Blood
 * 2004;103:1417–1424). A DPB1 mismatch is permissive when patient and donor carry the same most-immunogenic TCE
 * group; otherwise it is non-permissive, in the graft-versus-host direction when the patient's most immunogenic
 * group is the lower-numbered one, and in the host-versus-graft direction when the donor's is (Fleischhauer K et
 * al., Lancet Oncol 2012;13:366–374; Pidala J et al., Blood 2014;124:2596–2606).
 */
import type { HlaRelease } from './release';

export type TceVersion = 'V1' | 'V2';
export type TceGroup = 1 | 2 | 3;

/** TCE group of one DPB1 allele or protein name; undefined when the file gives none (empty or 0). */
export function tceGroup(
  release: HlaRelease,
  allele: string,
  version: TceVersion = 'V2',
): TceGroup | undefined {
  const assignment = release.tce.get(allele);
  if (!assignment) return undefined;
  const raw = version === 'V1' ? assignment.v1 : assignment.v2;
  // Values are "1", "2", "3", with a "$" or a subgroup letter ("2a") appended for some alleles; "0" = unassigned.
  const digit = Number.parseInt(raw, 10);
  return digit === 1 || digit === 2 || digit === 3 ? digit : undefined;
}

export type TcePermissiveness =
  | 'match'
  | 'permissive'
  | 'non-permissive-GvH'
  | 'non-permissive-HvG'
  | 'unknown';

export interface TceResult {
  permissiveness: TcePermissiveness;
  patientGroups: (TceGroup | undefined)[];
  donorGroups: (TceGroup | undefined)[];
}

/**
 * Classifies a DPB1 pairing. `patient` and `donor` hold two DPB1 names each; `alleleMatched` says whether the
 * pair is already allele-matched (then the result is `match`). Unknown when any allele has no TCE group.
 */
export function dpb1Permissiveness(
  release: HlaRelease,
  patient: readonly string[],
  donor: readonly string[],
  alleleMatched: boolean,
  version: TceVersion = 'V2',
): TceResult {
  const patientGroups = patient.map((a) => tceGroup(release, a, version));
  const donorGroups = donor.map((a) => tceGroup(release, a, version));
  if (alleleMatched) return { permissiveness: 'match', patientGroups, donorGroups };
  if (patientGroups.includes(undefined) || donorGroups.includes(undefined) || patient.length === 0) {
    return { permissiveness: 'unknown', patientGroups, donorGroups };
  }
  const patientMin = Math.min(...(patientGroups as TceGroup[]));
  const donorMin = Math.min(...(donorGroups as TceGroup[]));
  const permissiveness =
    patientMin === donorMin
      ? 'permissive'
      : patientMin < donorMin
        ? 'non-permissive-GvH'
        : 'non-permissive-HvG';
  return { permissiveness, patientGroups, donorGroups };
}
