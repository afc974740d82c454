import { type Config, loadConfig } from '@cgtlink/server/config';
import { openPlatform, type Platform } from '@cgtlink/server/platform';
import { UsageError } from '../errors';

/** Loads configuration (a bad value is a usage error) and opens the platform for a command's duration. */
export async function withPlatform<T>(
  overrides: Partial<Config>,
  work: (platform: Platform) => Promise<T>,
): Promise<T> {
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
