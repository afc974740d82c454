import { dinCheckCharacter, parseDin, validateDinWithCheck } from '@cgtlink/domain/isbt128/din';
import type { Command } from 'commander';
import { CheckFailed, UsageError } from '../errors';

/**
 * `cgtlink isbt check <DIN>` prints the ISO/IEC 7064 MOD 37-2 check character of a 13-character ISBT 128
 * Donation Identification Number; `cgtlink isbt validate <DIN+check>` checks a keyed DIN with its check
 * character (exit 0 valid, 1 invalid with the reasons, 2 bad usage). The eye-readable grouping with spaces
 * (`G1234 98 654321`) is accepted quoted or as separate arguments.
 */
export function registerIsbt(program: Command): void {
  const isbt = program.command('isbt').description('ISBT 128 identifiers (Donation Identification Number)');

  isbt
    .command('check')
    .description('print the MOD 37-2 check character of a 13-character DIN')
    .argument('<din...>', '13-character DIN, e.g. G123498654321 or "G1234 98 654321"')
    .action((parts: string[]) => {
      const parsed = parseDin(parts.join(''));
      if (!parsed.valid) {
        throw new UsageError(`not a DIN: ${parsed.problems.map((p) => p.message).join('; ')}`);
      }
      process.stdout.write(`${dinCheckCharacter(parsed.value.din)}\n`);
    });

  isbt
    .command('validate')
    .description('validate a DIN followed by its check character (14 characters)')
    .argument('<din...>', 'DIN + check character, e.g. G123498654321H')
    .action((parts: string[]) => {
      const result = validateDinWithCheck(parts.join(''));
      if (!result.valid) {
        throw new CheckFailed(`invalid DIN: ${result.problems.map((p) => p.message).join('; ')}`);
      }
      process.stdout.write(`valid: ${result.value.din} check character ${result.value.checkCharacter}\n`);
    });

  // The whole group is useless without a sub-command: say so with exit 2 instead of printing help with 0.
  isbt.action(() => {
    throw new UsageError('isbt needs a sub-command: check or validate');
  });
}
