import pg from 'pg';
import { type Database, type EngineKind, openDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';

/** PGlite always; the PostgreSQL server too when DATABASE_URL is set (CI sets it). */
export const ENGINES: EngineKind[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase extends Database {
  url: string | undefined;
}

/**
 * A fresh, migrated database per test file: in-memory PGlite, or a new database on the server that is dropped
 * afterwards. Tests never share or truncate each other's data.
 */
export async function freshDatabase(kind: EngineKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: null });
    await migrateToLatest(database.db);
    return { ...database, url: undefined };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
  const name = `cgtlink_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), poolSize: 8 });
  await migrateToLatest(database.db);
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
