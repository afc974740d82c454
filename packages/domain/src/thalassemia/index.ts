/** Thalassaemia care and prevention: transfusion dependence and independence, iron overload, carrier screening. */
export * from './carrier';
export * from './dates';
export * from './iron';
export * from './transfusion';
