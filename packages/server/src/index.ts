export { type Config, loadConfig } from './config';
export { openDatabase } from './db/database';
export { migrateToLatest } from './db/migrate';
export { buildApp } from './http/app';
export { openPlatform, type Platform } from './platform';
export { seedDemo } from './seed/demo';
