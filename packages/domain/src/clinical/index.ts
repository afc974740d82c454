/** Clinical rules after cell and gene therapy: engraftment, acute and chronic GVHD, CRS and ICANS. */
export * from './crs-icans';
export * from './engraftment';
export * from './gvhd-acute';
export * from './gvhd-chronic';
