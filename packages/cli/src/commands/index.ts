import type { Command } from 'commander';
import { registerAudit } from './audit';
import { registerExport } from './export';
import { registerHla } from './hla';
import { registerIsbt } from './isbt';
import { registerMigrate } from './migrate';
import { registerSeed } from './seed';
import { registerServe } from './serve';
import { registerSignals } from './signals';
import { registerStats } from './stats';
import { registerUsers } from './users';

/**
 * Every `cgtlink` sub-command registers itself here, one line each, so the command tree is visible in one place.
 */
export function registerCommands(program: Command): void {
  registerStats(program);
  registerSignals(program);
  registerIsbt(program);
  registerServe(program);
  registerMigrate(program);
  registerSeed(program);
  registerUsers(program);
  registerAudit(program);
  registerHla(program);
  registerExport(program);
}
