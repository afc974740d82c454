/** Follow-up after cell and gene therapy: observation catalogue, grade proposals, end points, expedited reports, early warning, visit schedules. */
export * from './catalog';
export * from './early-warning';
export * from './endpoints';
export * from './expedited';
export * from './grade-proposal';
export * from './graded-forms';
export * from './measures';
export * from './pro-ctcae';
export * from './registry-monitor';
export * from './schedule';
