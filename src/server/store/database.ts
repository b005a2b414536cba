import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type RawBuilder, type Expression } from 'kysely';
import type { DB } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<DB>;
  dialect: Dialect;
  /**
   * SQLite only: the better-sqlite3 handle under `db`, for hot paths that need cached prepared
   * statements. Use it only while holding kysely's connection (inside a transaction), or it
   * interleaves with someone else's open transaction.
   */
  sqlite?: SQLite.Database;
  /** Human description for logs, never containing a password. */
  describe: string;
  close(): Promise<void>;
}

// PostgreSQL: return timestamps as ISO strings and bigint counts as numbers so that both
// dialects hand repositories the same JavaScript types.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (v) => new Date(v).toISOString());
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface StoreOptions {
  databaseUrl?: string;
  dataDir: string;
  /** SQLite file name override (tests). */
  sqliteFile?: string;
}

export function openStore(opts: StoreOptions): Store {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 10 });
    // An idle connection that the server drops (restart, failover, admin) is replaced on next use;
    // without a listener node-postgres re-throws it as an uncaught exception and the process dies.
    pool.on('error', (err) => console.warn(`PostgreSQL connection lost (it will be replaced): ${err.message}`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    const url = new URL(opts.databaseUrl);
    return {
      db,
      dialect: 'postgres',
      describe: `postgres ${url.hostname || 'socket'}:${url.port || 5432}${url.pathname}`,
      close: () => db.destroy(),
    };
  }
  const file = opts.sqliteFile ?? path.join(opts.dataDir, 'xiaoan.db');
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new SQLite(file);
  // WAL + synchronous=NORMAL would lose the last commits on power loss; FULL keeps every
  // acknowledged write (an accepted alarm must survive a crash).
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, dialect: 'sqlite', sqlite: database, describe: `sqlite ${path.resolve(file)}`, close: () => db.destroy() };
}

/** Statements kept prepared: enough for every query shape the server runs, not for one-off batch inserts. */
const STATEMENT_CACHE_SIZE = 1000;
const MAX_CACHED_SQL_LENGTH = 4000;

/**
 * Kysely's SQLite driver prepares every statement anew, which costs more than running it for the
 * small statements the alarm engine and the API run most (bench/RESULTS.md, alarms). The same
 * SQL text gets the same prepared statement (least recently used ones are dropped), unless that
 * statement is still being iterated by a streaming query.
 */
function withStatementCache(database: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sqlText: string): SQLite.Statement {
      if (sqlText.length > MAX_CACHED_SQL_LENGTH) return database.prepare(sqlText);
      const hit = cache.get(sqlText);
      if (hit && !hit.busy) {
        cache.delete(sqlText); // re-insert: the Map's order is the recency order
        cache.set(sqlText, hit);
        return hit;
      }
      const stmt = database.prepare(sqlText);
      if (!hit) {
        cache.set(sqlText, stmt);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return stmt;
    },
  };
}

/** Case-insensitive substring match in both dialects. */
export function containsInsensitive(dialect: Dialect, column: Expression<unknown>, needle: string): RawBuilder<boolean> {
  const pattern = '%' + needle.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
  return dialect === 'postgres'
    ? sql<boolean>`${column} ILIKE ${pattern} ESCAPE '\\'`
    : sql<boolean>`${column} LIKE ${pattern} ESCAPE '\\'`;
}

/** JSON columns are jsonb in PostgreSQL (driver returns objects) and text in SQLite. */
export function readJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
export function writeJson(value: unknown): string {
  return JSON.stringify(value);
}
