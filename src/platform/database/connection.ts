/**
 * Opens the database: PostgreSQL through `pg` when a URL is configured (production), else the
 * embedded PGlite (WASM PostgreSQL) in a data directory or in memory. Both speak the same SQL, so
 * one set of migrations and queries serves both.
 */
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from './schema.js';

export type DatabaseKind = 'postgres' | 'pglite';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** The pg pool, for the bulk paths that stream with COPY; null on PGlite. */
  pool: pg.Pool | null;
  pglite: PGlite | null;
  close(): Promise<void>;
}

/** A Kysely handle or a transaction: repositories accept either, so callers decide the boundary. */
export type Db = Kysely<Database> | Transaction<Database>;

// PostgreSQL returns int8 (bigint) as strings to protect precision. Our bigints are row counts and
// ids far below 2^53, and cents sums that stay below it, so we parse them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// DATE columns stay ISO strings: turning them into JS Dates would shift days across time zones.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export interface OpenPostgresOptions {
  connectionString: string;
  max?: number;
  /** Schema to use as search_path (tests isolate per schema). */
  searchPath?: string;
  /** Told when an idle pooled connection fails; the pool has already dropped it. */
  onIdleError?: (error: Error) => void;
  /** Server-side limits set on every connection at start-up; 0 turns one off. Defaults as in config. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
  /** How long pool.connect() waits for a connection (new or free) before failing. */
  connectTimeoutMs?: number;
}

/** The defaults for the limits above, shared with the config schema's defaults. */
export const POSTGRES_LIMIT_DEFAULTS = {
  statementTimeoutMs: 30_000,
  lockTimeoutMs: 5_000,
  idleInTransactionTimeoutMs: 60_000,
  connectTimeoutMs: 5_000,
} as const;

export function openPostgres(options: OpenPostgresOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    // Without these a request waits as long as whatever blocks it: a lock held by another session,
    // a runaway query, or a server that does not accept connections. They are startup parameters,
    // so every pooled connection carries them, including those made after a database restart.
    statement_timeout: options.statementTimeoutMs ?? POSTGRES_LIMIT_DEFAULTS.statementTimeoutMs,
    lock_timeout: options.lockTimeoutMs ?? POSTGRES_LIMIT_DEFAULTS.lockTimeoutMs,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? POSTGRES_LIMIT_DEFAULTS.idleInTransactionTimeoutMs,
    connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_LIMIT_DEFAULTS.connectTimeoutMs,
    // Notices a peer that vanished without closing the socket (network partition, killed host).
    keepAlive: true,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  // An idle connection can be closed by the server (restart, failover, admin); the pool replaces it.
  // Without a listener that error would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  // A checked-out connection can also break between two queries of a transaction (server restart);
  // pg then emits 'error' on the client, which would crash the process unheard. The failing query
  // reports the problem to its caller, and the pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    pool,
    pglite: null,
    async close() {
      await db.destroy();
    },
  };
}

export interface OpenPgliteOptions {
  /** Directory to persist in; undefined means in memory. */
  dataDir?: string;
  /** A dump (from dumpDataDir) to start from: tests start from a migrated template in well under a second. */
  loadDataDir?: Blob | File;
}

export async function openPglite(options: OpenPgliteOptions = {}): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create({
    // DATE stays an ISO string, as with pg above; INT8 arrives as a number already.
    parsers: { 1082: (value: string) => value },
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    pool: null,
    pglite,
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
