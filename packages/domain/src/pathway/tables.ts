import { type PathwayDefinition, validateDefinition } from './machine';

/** The technologies a filing may cover (DESIGN.md §2). */
export const TECHNOLOGIES = ['autologous_gene_hsc', 'allogeneic_hsct', 'haploidentical_hsct', 'msc'] as const;
export type Technology = (typeof TECHNOLOGIES)[number];

/**
 * Autologous gene-modified HSC for β-thalassaemia (DESIGN.md §2; beti-cel and exa-cel programmes): eligibility →
 * consent → mobilization → apheresis (DIN assigned; several cycles allowed until shipment) → shipment to the
 * laboratory → manufacturing (CD34+ transduction) → QC release testing → release (signed) → shipment to the
 * hospital → busulfan conditioning → infusion (bedside identity check only) → engraftment → follow-up.
 */
export const AUTOLOGOUS_GENE_THERAPY: PathwayDefinition = validateDefinition({
  technology: 'autologous_gene_hsc',
  steps: [
    { id: 'eligibility', party: 'hospital', after: [] },
    { id: 'consent', party: 'hospital', after: ['eligibility'] },
    { id: 'mobilization', party: 'hospital', after: ['consent'] },
    {
      id: 'apheresis',
      party: 'hospital',
      after: ['mobilization'],
      repeatable: true,
      closedBy: ['shipment_to_lab'],
    },
    { id: 'shipment_to_lab', party: 'hospital', after: ['apheresis'] },
    { id: 'manufacturing', party: 'laboratory', after: ['shipment_to_lab'] },
    { id: 'qc_testing', party: 'laboratory', after: ['manufacturing'] },
    { id: 'release', party: 'laboratory', after: ['qc_testing'], dedicated: true },
    { id: 'shipment_to_hospital', party: 'laboratory', after: ['release'] },
    { id: 'conditioning', party: 'hospital', after: ['shipment_to_hospital'] },
    { id: 'infusion', party: 'hospital', after: ['conditioning'], dedicated: true },
    { id: 'engraftment', party: 'hospital', after: ['infusion'] },
    { id: 'follow_up', party: 'hospital', after: ['infusion'], repeatable: true },
  ],
});

/**
 * Allogeneic and haploidentical HSCT (DESIGN.md §2): HLA typing of patient and family → donor search (family,
 * then unrelated registry) → donor selection and work-up → the donor's own consent and eligibility (FACT-JACIE
 * donor evaluation: infectious disease markers, medical fitness; WMDA donor care) → donor collection with its own
 * DIN → processing and release by the filing's laboratory → shipment to the hospital → infusion (bedside check)
 * → engraftment → GVHD surveillance → follow-up. Conditioning starts only once the donor is cleared.
 */
export const ALLOGENEIC_HSCT: PathwayDefinition = validateDefinition({
  technology: 'allogeneic_hsct',
  steps: [
    { id: 'eligibility', party: 'hospital', after: [] },
    { id: 'consent', party: 'hospital', after: ['eligibility'] },
    { id: 'hla_typing', party: 'hospital', after: ['consent'] },
    { id: 'donor_search', party: 'hospital', after: ['hla_typing'] },
    { id: 'donor_selection', party: 'hospital', after: ['donor_search'] },
    { id: 'donor_workup', party: 'hospital', after: ['donor_selection'] },
    { id: 'donor_consent', party: 'hospital', after: ['donor_workup'] },
    { id: 'donor_eligibility', party: 'hospital', after: ['donor_workup'] },
    { id: 'conditioning', party: 'hospital', after: ['donor_consent', 'donor_eligibility'] },
    { id: 'collection', party: 'hospital', after: ['donor_consent', 'donor_eligibility'] },
    { id: 'shipment_to_lab', party: 'hospital', after: ['collection'] },
    { id: 'processing', party: 'laboratory', after: ['shipment_to_lab'] },
    { id: 'qc_testing', party: 'laboratory', after: ['processing'] },
    { id: 'release', party: 'laboratory', after: ['qc_testing'], dedicated: true },
    { id: 'shipment_to_hospital', party: 'laboratory', after: ['release'] },
    {
      id: 'infusion',
      party: 'hospital',
      after: ['shipment_to_hospital', 'conditioning'],
      dedicated: true,
    },
    { id: 'engraftment', party: 'hospital', after: ['infusion'] },
    { id: 'gvhd_surveillance', party: 'hospital', after: ['infusion'], repeatable: true },
    { id: 'follow_up', party: 'hospital', after: ['infusion'], repeatable: true },
  ],
});

/** Haploidentical HSCT follows the allogeneic table (the family donor is selected in donor_selection). */
export const HAPLOIDENTICAL_HSCT: PathwayDefinition = {
  ...ALLOGENEIC_HSCT,
  technology: 'haploidentical_hsct',
};

/**
 * Mesenchymal stem cells (DESIGN.md §2): a lot from the seed cell bank (master → working bank → lot) is released
 * by the laboratory (the lot allocated to the patient is a released batch expanded from a working-bank lot; the
 * unit's DIN is assigned at allocation), then injected (intra-articular for the knee, intravenous for liver failure) and followed up.
 */
export const MSC: PathwayDefinition = validateDefinition({
  technology: 'msc',
  productSource: 'laboratory_lot',
  steps: [
    { id: 'eligibility', party: 'hospital', after: [] },
    { id: 'consent', party: 'hospital', after: ['eligibility'] },
    { id: 'lot_allocation', party: 'laboratory', after: ['consent'] },
    { id: 'release', party: 'laboratory', after: ['lot_allocation'], dedicated: true },
    { id: 'shipment_to_hospital', party: 'laboratory', after: ['release'] },
    { id: 'infusion', party: 'hospital', after: ['shipment_to_hospital'], dedicated: true, repeatable: true },
    { id: 'follow_up', party: 'hospital', after: ['infusion'], repeatable: true },
  ],
});

const BY_TECHNOLOGY: Readonly<Record<Technology, PathwayDefinition>> = {
  autologous_gene_hsc: AUTOLOGOUS_GENE_THERAPY,
  allogeneic_hsct: ALLOGENEIC_HSCT,
  haploidentical_hsct: HAPLOIDENTICAL_HSCT,
  msc: MSC,
};

/** The pathway table of a technology. */
export function pathwayFor(technology: Technology): PathwayDefinition {
  const definition = BY_TECHNOLOGY[technology];
  if (!definition) throw new RangeError(`technology: unknown technology ${String(technology)}`);
  return definition;
}
