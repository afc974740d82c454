import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '@cgtlink/server/config';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { printCredentials } from './seed';

const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../web/dist');

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Migrate the database, then serve the API and the web app (PORT, CGTLINK_DATA_DIR, DATABASE_URL)',
    )
    .option('--demo', 'demo mode: seed the demo world on first start and print its sign-in accounts')
    .option('--port <port>', 'port to listen on (default: PORT or 3000)')
    .action(async (options: { demo?: boolean; port?: string }) => {
      const started = performance.now();
      const { loadConfig } = await import('@cgtlink/server/config');
      const { openPlatform } = await import('@cgtlink/server/platform');
      const { buildApp } = await import('@cgtlink/server/http/app');
      const { seedDemo, demoCohortSize } = await import('@cgtlink/server/seed/demo');
      let config: Config;
      try {
        config = loadConfig(process.env, {
          ...(options.demo && { mode: 'demo' as const }),
          ...(options.port !== undefined && { port: Number(options.port) }),
        });
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535)
        throw new UsageError('--port must be 0–65535');
      const platform = await openPlatform(config);
      if (config.mode === 'demo') {
        const { created, credentials } = await seedDemo(platform, { cohort: demoCohortSize() });
        printCredentials(credentials, created);
      }
      const app = await buildApp(platform, { webDir: WEB_DIST });
      platform.sealer.start();
      platform.outcomes.start();
      platform.monitoring.start();
      const address = await app.listen({ port: config.port, host: config.host });
      const where = config.databaseUrl ? 'PostgreSQL server' : `embedded PGlite in ${config.dataDir}`;
      process.stdout.write(
        `CGTLink ${config.mode} mode on ${where}; ready in ${Math.round(performance.now() - started)} ms\nOpen ${address.replace('127.0.0.1', 'localhost')}\n`,
      );
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      await platform.close();
    });
}
