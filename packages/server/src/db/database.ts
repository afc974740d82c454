import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlitePool } from './pglite-pool';
import type { Schema } from './schema';

export type EngineKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<Schema>;
  kind: EngineKind;
  close(): Promise<void>;
}

// Both engines hand rows back in the same shapes: int8 as number (ids and counts stay below 2^53),
// dates as 'YYYY-MM-DD' strings (a calendar date has no time zone), numeric as number.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parsers = {
  [INT8]: (v: string) => Number(v),
  [NUMERIC]: (v: string) => Number(v),
  [DATE]: (v: string) => v,
};

export interface OpenOptions {
  /** PostgreSQL server URL; when absent, the embedded PGlite in `dataDir` (or in memory when dataDir is null). */
  databaseUrl?: string | undefined;
  dataDir?: string | null;
  poolSize?: number;
  onIdleError?: (error: Error) => void;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      // No JIT compilation: every query here is interactive, and when the planner's estimates go wrong (a CTE
      // over a few hundred patients priced as millions of rows) compiling costs seconds that execution never
      // needed — 1.7 s of a 1.8 s evaluation query at national scale.
      options: '-c jit=off',
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          const custom = parsers[oid as keyof typeof parsers];
          return custom ?? pg.types.getTypeParser(oid, format);
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server drops (restart, failover) must not crash the process; the pool replaces it.
    pool.on('error', (error) => options.onIdleError?.(error));
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir ?? undefined, { parsers });
  const pool = new PGlitePool(pglite);
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }),
  });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
