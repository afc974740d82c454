import type { Command } from 'commander';
import { sql } from 'kysely';
import { withPlatform } from './platform';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database to the latest schema (forward-only migrations)')
    .action(async () => {
      // Opening the platform migrates; report what the database now holds.
      await withPlatform({}, async (platform) => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(
          platform.database.db,
        );
        process.stdout.write(
          `database (${platform.database.kind}) is at the latest of ${rows[0]?.n ?? 0} migrations\n`,
        );
      });
    });
}
