import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@cgtlink/server/config';
import { buildApp } from '@cgtlink/server/http/app';
import { openPlatform } from '@cgtlink/server/platform';
import { DEMO_PASSWORD, seedDemo } from '@cgtlink/server/seed/demo';

export { DEMO_PASSWORD };

const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../packages/web/dist');

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The real CGTLink server in this process, as `cgtlink serve --demo` runs it: a fresh PGlite folder, the demo
 * world seeded, the built web app at `/`, listening on a free port.
 */
export async function startServer(): Promise<TestServer> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    throw new Error(
      `no built web app in ${WEB_DIST}: run \`npm run build:web\` first (npm run test:e2e does)`,
    );
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'cgtlink-e2e-'));
  const config = loadConfig(
    { CGTLINK_MODE: 'demo', CGTLINK_DATA_DIR: dataDir, CGTLINK_LOG_LEVEL: 'silent' },
    { mode: 'demo', port: 0, host: '127.0.0.1' },
  );
  const platform = await openPlatform(config);
  await seedDemo(platform);
  const app = await buildApp(platform, { webDir: WEB_DIST, logLevel: 'silent' });
  platform.sealer.start();
  platform.outcomes.start();
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl: address,
    async close() {
      await app.close();
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
