import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index';
import { CheckFailed, EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './errors';

/** Runs `cgtlink` with the given arguments and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('cgtlink')
    .description('CGTLink — cell and gene therapy linkage platform')
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // --help and --version end through exitOverride with code 0.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof CheckFailed) {
    process.stderr.write(`${error.message}\n`);
    return EXIT_CHECK_FAILED;
  }
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT_CHECK_FAILED;
}
