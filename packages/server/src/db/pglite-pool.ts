import type { PGlite } from '@electric-sql/pglite';

interface QueryResultLike {
  command: string;
  rowCount: number;
  rows: unknown[];
}

interface PooledClient {
  query(sql: string, parameters: readonly unknown[]): Promise<QueryResultLike>;
  release(): void;
}

const DML = /^\s*(insert|update|delete|merge)\b/i;

/**
 * Presents one in-process PGlite database as the `pg` pool Kysely's PostgresDialect expects. PGlite is a
 * single session, so the pool hands out one client at a time: a transaction can never interleave with another.
 */
export class PGlitePool {
  #queue: Promise<void> = Promise.resolve();

  constructor(private readonly pglite: PGlite) {}

  connect(): Promise<PooledClient> {
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const acquired = this.#queue.then(() => this.#client(release));
    this.#queue = this.#queue.then(() => released);
    return acquired;
  }

  async end(): Promise<void> {
    await this.#queue;
  }

  #client(release: () => void): PooledClient {
    const pglite = this.pglite;
    let done = false;
    return {
      async query(sql, parameters) {
        const command = DML.exec(sql)?.[1]?.toUpperCase() ?? 'SELECT';
        if (parameters.length === 0) {
          // Like pg, a query without parameters goes through the simple protocol, so scripts of several
          // statements (migrations) run the same way on both engines.
          const results = await pglite.exec(sql);
          const last = results.at(-1);
          return { command, rowCount: last?.affectedRows ?? last?.rows.length ?? 0, rows: last?.rows ?? [] };
        }
        const result = await pglite.query(sql, parameters as unknown[]);
        return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
      },
      release() {
        if (done) return;
        done = true;
        release();
      },
    };
  }
}
