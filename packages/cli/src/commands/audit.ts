import type { Command } from 'commander';
import { CheckFailed } from '../errors';
import { withPlatform } from './platform';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('The audit trail');
  audit
    .command('verify')
    .description(
      'Seal pending entries, then verify the whole hash chain; exit 1 and name the first broken entry',
    )
    .option('--json', 'print the report as JSON')
    .option('--no-deep', 'skip recomputing each entry digest from its columns (the chain is still checked)')
    .action(async (options: { json?: boolean; deep: boolean }) => {
      await withPlatform({}, async (platform) => {
        await platform.sealer.flush();
        const { verifyAuditChain } = await import('@cgtlink/server/audit/verify');
        const report = await verifyAuditChain(platform.database.db, { deep: options.deep });
        if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        const rate = report.millis > 0 ? Math.round((report.checked / report.millis) * 1000) : report.checked;
        if (!report.ok && report.firstBroken) {
          const b = report.firstBroken;
          throw new CheckFailed(
            `audit chain BROKEN at seal ${b.seq} (audit event ${b.eventId}): ${b.problem}; ${report.checked} entries before it verified`,
          );
        }
        if (!options.json) {
          process.stdout.write(
            `audit chain intact: ${report.checked} entries verified in ${report.millis.toFixed(0)} ms (${rate}/s)` +
              `${report.deep ? `, digests recomputed for ${report.deep.checked}` : ''}; ${report.unsealed} not yet sealed\n`,
          );
        }
      });
    });
}
