import type { DemoCredentials } from '@cgtlink/server/seed/demo';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { withPlatform } from './platform';

export function printCredentials(credentials: DemoCredentials[], created: boolean): void {
  const lines = [
    created
      ? 'Demo world seeded. Sign in with any of these accounts:'
      : 'Demo world already present. Accounts:',
    ...credentials.map(
      (c) =>
        `  ${c.username.padEnd(16)} ${c.role.padEnd(22)} ${c.organization.padEnd(10)} password: ${c.password}`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('Seed the demo world (only in demo mode: CGTLINK_MODE=demo)')
    .requiredOption('--demo', 'the demo world of organizations, users for every role, and patients')
    .action(async () => {
      if (process.env.CGTLINK_MODE !== 'demo') {
        throw new UsageError(
          'the demo seed is refused unless demo mode is on (CGTLINK_MODE=demo); it creates known passwords',
        );
      }
      const { seedDemo, demoCohortSize } = await import('@cgtlink/server/seed/demo');
      await withPlatform({}, async (platform) => {
        const { created, credentials } = await seedDemo(platform, { cohort: demoCohortSize() });
        printCredentials(credentials, created);
      });
    });
}
