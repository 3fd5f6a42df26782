/**
 * A throw-away PostgreSQL cluster on its own port, for tests that stop and start the server. The
 * shared cluster other test files use is never touched. Needs Debian's postgresql-common tools
 * (pg_createcluster, pg_ctlcluster, pg_dropcluster) and root or the postgres user.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OwnCluster {
  version: string;
  name: string;
  port: number;
  url: string;
  start(): Promise<void>;
  /** Fast shutdown: open sessions are terminated (57P01), new connections are refused. */
  stop(): Promise<void>;
  drop(): Promise<void>;
}

/** Why a cluster cannot be made here, or null when it can. */
export function ownClusterUnavailableReason(): string | null {
  if (!existsSync('/usr/bin/pg_createcluster')) return 'pg_createcluster is missing: install postgresql-common and postgresql-15 (apt-get install postgresql)';
  if (!existsSync('/usr/lib/postgresql') || readdirSync('/usr/lib/postgresql').length === 0) return 'no PostgreSQL server binaries under /usr/lib/postgresql: apt-get install postgresql';
  if (process.getuid?.() !== 0) return 'creating a cluster needs root (pg_createcluster)';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function createOwnCluster(): Promise<OwnCluster> {
  const version = readdirSync('/usr/lib/postgresql').sort().at(-1)!;
  const name = `dk_res_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  // Listens on localhost only (the default); trust, no fsync: this cluster lives for one test file.
  await run('pg_createcluster', [version, name, '-p', String(port), '--start-conf=manual', '-o', 'fsync=off', '--', '--auth=trust', '--no-sync']);
  const cluster: OwnCluster = {
    version,
    name,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await run('pg_ctlcluster', [version, name, 'start']);
    },
    async stop() {
      await run('pg_ctlcluster', [version, name, 'stop', '-m', 'fast']);
    },
    async drop() {
      await run('pg_dropcluster', [version, name, '--stop']);
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.drop().catch(() => {});
    throw error;
  }
  return cluster;
}
