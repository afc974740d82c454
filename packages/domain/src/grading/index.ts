/** CTCAE v5.0 grading: laboratory terms, general grade descriptors, unit conversions and input checks. */
export * from './compare';
export * from './ctcae-lab';
export * from './descriptors';
export * from './input';
export * from './units';
