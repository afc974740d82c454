import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config';
import type { EngineKind } from '../../src/db/database';
import { buildApp } from '../../src/http/app';
import { assemblePlatform, type Platform } from '../../src/platform';
import { DEMO_PASSWORD, seedDemo } from '../../src/seed/demo';
import { freshDatabase } from './databases';

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  /** A bearer token for a demo account. */
  token(username: string): Promise<string>;
  /** Authorization header for a demo account. */
  as(username: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** The real platform over a fresh database with the demo world seeded, and its HTTP app (via inject). */
export async function openTestPlatform(engine: EngineKind): Promise<TestPlatform> {
  const database = await freshDatabase(engine);
  const config = loadConfig({ CGTLINK_MODE: 'test', CGTLINK_LOG_LEVEL: 'silent' }, { mode: 'test' });
  const platform = assemblePlatform(config, database);
  await seedDemo(platform);
  const app = await buildApp(platform, { logLevel: 'silent' });
  const tokens = new Map<string, string>();
  const token = async (username: string) => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username, password: DEMO_PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const value = res.json<{ token: string }>().token;
    tokens.set(username, value);
    return value;
  };
  return {
    platform,
    app,
    token,
    as: async (username) => ({ authorization: `Bearer ${await token(username)}` }),
    close: async () => {
      await app.close();
      await platform.close();
    },
  };
}
