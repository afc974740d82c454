/**
 * @cgtlink/domain — the pure rules of CGTLink: identifiers, clinical grading, HLA, statistics, QC. No I/O
 * happens here; callers pass data in and get values out.
 *
 * Each area is a namespace below, or can be imported by its own path (`@cgtlink/domain/isbt128/din`). The
 * larger engines are imported by file: `hla/*` (nomenclature, reduction, matching, family, registry search),
 * `stats/*` (Kaplan–Meier, log-rank, Cox, competing risks, proportions) and `signals/*` (disproportionality,
 * MGPS, CUSUM, MaxSPRT).
 */
export * as access from './access/index';
export * as clinical from './clinical/index';
export * as grading from './grading/index';
export * as isbt128 from './isbt128/index';
export * as pathway from './pathway/index';
export * as quality from './quality/index';
export * as scores from './scores/index';
export * as thalassemia from './thalassemia/index';
