import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { withPlatform } from './platform';
import { readPasswordFromStdin } from './users';

const FORMATS = ['rwe', 'cibmtr', 'ebmt'] as const;
type Format = (typeof FORMATS)[number];

/**
 * `cgtlink export` writes a filing's de-identified export (issue 9, item 4) as a ZIP of CSV files, signed in as
 * a sponsor or regulator account (password on standard input) so that the same scoping and audit apply as on
 * the web. `cgtlink generate national` builds the national-scale synthetic registry (issue 9, item 5).
 */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Download a filing’s de-identified export (rwe | cibmtr | ebmt) as a ZIP of CSV files')
    .argument('<filing>', 'filing reference, e.g. F-2026-NSGT01')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .requiredOption('--user <username>', 'a sponsor or regulator account')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .requiredOption('--out <file>', 'where to write the ZIP')
    .action(async (filing: string, options: { format: string; user: string; out: string }) => {
      if (!(FORMATS as readonly string[]).includes(options.format))
        throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}`);
      const password = await readPasswordFromStdin();
      await withPlatform({}, async (platform) => {
        const { zip } = await import('@cgtlink/server/exports/zip');
        const session = await platform.auth.login({ username: options.user, password, ip: 'cli' }, 'bearer');
        try {
          const ctx = { principal: session.principal, requestId: `cli-${Date.now()}` };
          const target = (await platform.exports.filings(ctx)).find((f) => f.reference === filing);
          if (!target) throw new UsageError(`filing ${filing} not found among the filings you may export`);
          const result = await platform.exports.export(ctx, target.id, options.format as Format);
          writeFileSync(options.out, zip(result.files));
          for (const f of result.files) process.stdout.write(`${f.name.padEnd(22)} ${f.rows} rows\n`);
          process.stdout.write(`wrote ${options.out} (cut-off ${result.cutOff})\n`);
        } finally {
          await platform.auth.logout((await platform.auth.authenticate(session.token)).sessionId);
        }
      });
    });

  program
    .command('generate')
    .description('Generate synthetic data')
    .command('national')
    .description('A national-scale synthetic thalassaemia registry, written set-based into the database')
    .requiredOption('--patients <n>', 'number of patients (e.g. 300000)')
    .option('--years <n>', 'years of history', '10')
    .option('--end-date <date>', 'last day of the registry (default today)')
    .option(
      '--fast',
      'bulk-load mode: superuser connection, triggers and secondary indexes off during the load',
    )
    .action(async (options: { patients: string; years: string; endDate?: string; fast?: boolean }) => {
      const patients = Number(options.patients);
      const years = Number(options.years);
      if (!Number.isInteger(patients) || patients < 1)
        throw new UsageError('--patients: expected a positive integer');
      if (!Number.isInteger(years) || years < 1 || years > 30)
        throw new UsageError('--years: expected 1 to 30');
      await withPlatform({}, async (platform) => {
        const { generateNational } = await import('@cgtlink/server/scale/national-registry');
        const { IdentifierCrypto } = await import('@cgtlink/server/patients/identifier-crypto');
        const nameCipher = new IdentifierCrypto(platform.config.secret).encrypt('合成患者 Synthetic patient');
        const report = await generateNational(platform.database.db, {
          patients,
          years,
          nameCipher,
          fast: options.fast === true,
          ...(options.endDate ? { endDate: options.endDate } : {}),
          log: (line) => process.stdout.write(`${line}\n`),
        });
        for (const [table, n] of Object.entries(report.rows))
          process.stdout.write(`${table.padEnd(20)} ${n}\n`);
        process.stdout.write(`${report.total} rows in ${report.seconds.toFixed(1)} s\n`);
      });
    });
}
