import type { Config } from '@cgtlink/server/config';
import type { Platform } from '@cgtlink/server/platform';
import { UsageError } from '../errors';

/** Loads configuration (a bad value is a usage error) and opens the platform for a command's duration. */
export async function withPlatform<T>(
  overrides: Partial<Config>,
  work: (platform: Platform) => Promise<T>,
): Promise<T> {
  // Server modules load only when a command needs them, so `--help` and the pure commands start fast.
  const { loadConfig } = await import('@cgtlink/server/config');
  const { openPlatform } = await import('@cgtlink/server/platform');
  let config: Config;
  try {
    config = loadConfig(process.env, overrides);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const platform = await openPlatform(config);
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

export function modeOverride(demo: boolean | undefined): Partial<Config> {
  return demo ? { mode: 'demo' } : {};
}
