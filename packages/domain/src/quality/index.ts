/** Quality control: release specifications, cell dose per kg, Westgard rules and Levey–Jennings statistics. */
export * from './dose';
export * from './instrument-csv';
export * from './plausibility';
export * from './specification';
export * from './westgard';
