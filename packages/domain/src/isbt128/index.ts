/** ISBT 128 identifiers: DIN and its MOD 37-2 check character, chain of identity, label and bedside check. */
export * from './chain-of-identity';
export * from './code128';
export * from './din';
export * from './label';
export * from './mod37-2';
