import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * Runtime configuration, read once from the environment. Every knob is listed in the README's table.
 * Production mode refuses to start without explicit secrets, so no deployment runs on demo keys by accident.
 */
const envSchema = z.object({
  CGTLINK_MODE: z.enum(['production', 'demo', 'test']).default('production'),
  CGTLINK_DATA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  CGTLINK_SECRET: z.string().min(32).optional(),
  CGTLINK_COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  CGTLINK_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  CGTLINK_SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(12),
  CGTLINK_IMGT_DIR: z.string().min(1).optional(),
  CGTLINK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Mode = 'production' | 'demo' | 'test';

export interface Config {
  mode: Mode;
  /** Folder of the embedded PGlite database; unused when `databaseUrl` is set. */
  dataDir: string;
  databaseUrl: string | undefined;
  port: number;
  host: string;
  /** Master secret: derives the identifier encryption key and the keyed hash for duplicate detection. */
  secret: string;
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  logLevel: string;
  /** IPD-IMGT/HLA release folder (wmda/, tce/) read at run time for the HLA features. */
  imgtDir: string;
}

// Known and printed in the README: only acceptable where the data is synthetic (demo and test modes).
/** Default HLA reference folder: the shared data beside the repository (`../shared/data/imgthla/3.58.0`). */
const DEFAULT_IMGT_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/imgthla/3.58.0',
);

const DEMO_SECRET = 'cgtlink-demo-secret-not-for-production-use-0000';

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const e = parsed.data;
  const mode = overrides.mode ?? e.CGTLINK_MODE;
  const secret = overrides.secret ?? e.CGTLINK_SECRET ?? (mode === 'production' ? undefined : DEMO_SECRET);
  if (!secret) {
    throw new Error('CGTLINK_SECRET (at least 32 characters) is required in production mode');
  }
  return {
    mode,
    dataDir: resolve(e.CGTLINK_DATA_DIR ?? '.cgtlink-data'),
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    host: e.HOST,
    secret,
    cookieSecure: e.CGTLINK_COOKIE_SECURE ? e.CGTLINK_COOKIE_SECURE === 'true' : mode === 'production',
    sessionIdleMinutes: e.CGTLINK_SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.CGTLINK_SESSION_ABSOLUTE_HOURS,
    logLevel: e.CGTLINK_LOG_LEVEL,
    imgtDir: resolve(e.CGTLINK_IMGT_DIR ?? DEFAULT_IMGT_DIR),
    ...overrides,
  };
}
