import type { Command } from 'commander';
import { registerIsbt } from './isbt';

/**
 * Every `cgtlink` sub-command registers itself here, one line each, so the command tree is visible in one place.
 */
export function registerCommands(program: Command): void {
  registerIsbt(program);
  void program;
}
