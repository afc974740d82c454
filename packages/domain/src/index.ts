/**
 * @cgtlink/domain — the pure rules of CGTLink: identifiers, clinical grading, HLA, statistics, QC.
 * No I/O happens here; callers pass data in and get values out. Import an area through its own path
 * (for example `@cgtlink/domain/isbt128/din`) or through the re-exports below.
 */
export {};
