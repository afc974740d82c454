export * from './password-policy';
export * from './policy';
export type { Principal } from './principal';
export * from './roles';
