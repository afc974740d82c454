/** Treatment pathways: filing status, the step machine and its tables, eligibility, custody, shipment temperatures. */
export * from './custody';
export * from './eligibility';
export * from './filing-status';
export * from './genotype';
export * from './machine';
export * from './sources';
export * from './tables';
export * from './temperature';
