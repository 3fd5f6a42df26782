/**
 * The process dies in the middle of an upload (SIGKILL: no shutdown hook runs) and the debtor's bank
 * data is all of the file or none of it; sending the file again afterwards stores every entry exactly
 * once. The service runs as its own process (as `npm start` does, from the sources through tsx) on
 * the run's database: PostgreSQL with TEST_DATABASE_URL, else the embedded PGlite in a data directory,
 * which must also come back after the kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { CURRENT_CONSENT_TEXT_VERSION } from '../../src/consent/consent.service.js';
import { openPglite, openPostgres, type DatabaseHandle } from '../../src/platform/database/connection.js';
import { migrateToLatest } from '../../src/platform/database/migrate.js';
import { addDays } from '../../src/platform/dates.js';
import { createApiKey, ensureTenant } from '../../src/tenants/api-key.service.js';
import { withDatabase } from '../support/global-setup.js';

const SECRET = 'fault-secret-fault-secret-fault-secret-0123';
const ENTRIES = 40_000;
const today = new Date().toISOString().slice(0, 10);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A Berlin Group transactions file with many distinct booked entries over the last year. */
function bigFile(): string {
  const booked = Array.from({ length: ENTRIES }, (_, i) => ({
    transactionId: `kill-${i}`,
    creditorName: `Winkel ${i % 97}`,
    creditorAccount: { iban: 'NL20INGB0001234567' },
    transactionAmount: { currency: 'EUR', amount: `-${(1 + (i % 5000) / 100).toFixed(2)}` },
    bookingDate: addDays(today, -1 - (i % 360)),
    remittanceInformationUnstructured: `aankoop ${i}`,
  }));
  return JSON.stringify({ account: { iban: 'NL91ABNA0417164300' }, transactions: { booked, pending: [] } });
}

describe('a process killed mid-upload', () => {
  const mode = inject('databaseMode');
  let databaseUrl = '';
  let dataDir = '';
  let postgresName = '';
  let port = 0;
  let key = '';
  let child: ChildProcess | null = null;
  const base = () => `http://127.0.0.1:${port}`;

  /** The run's database, opened by the test only while no server holds it (PGlite has one owner). */
  const openDatabase = async (): Promise<DatabaseHandle> => (mode === 'postgres' ? openPostgres({ connectionString: databaseUrl, max: 2 }) : openPglite({ dataDir: path.join(dataDir, 'pglite') }));

  const startServer = async () => {
    const env: Record<string, string> = { ...(process.env as Record<string, string>), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', DEMO: 'false', LINK_TOKEN_SECRET: SECRET, MONITORING_ENABLED: 'false', TRAINING_RUNNER: 'false' };
    delete env.DATABASE_URL;
    if (mode === 'postgres') env.DATABASE_URL = databaseUrl;
    else env.DATA_DIR = dataDir;
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    for (let i = 0; i < 1200; i++) {
      try {
        if ((await fetch(`${base()}/readyz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the server did not become ready');
  };
  const kill = async () => {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGKILL');
    await exited;
    child = null;
  };
  const stop = async () => {
    if (!child) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    child = null;
  };
  const api = async (method: string, url: string, body?: unknown, withKey = true) => {
    const res = await fetch(base() + url, { method, headers: { 'content-type': 'application/json', ...(withKey ? { authorization: `Bearer ${key}` } : {}) }, ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const stored = async (debtorId: string) => {
    const database = await openDatabase();
    try {
      const count = async (table: 'bank_transactions' | 'bank_uploads') =>
        Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', 'fault').where('debtor_id', '=', debtorId).executeTakeFirstOrThrow()).n);
      return { transactions: await count('bank_transactions'), uploads: await count('bank_uploads') };
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    port = await freePort();
    if (mode === 'postgres') {
      const url = process.env.TEST_DATABASE_URL!;
      postgresName = `dk_fault_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${postgresName}`);
      await admin.end();
      databaseUrl = withDatabase(url, postgresName);
    } else {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'dk-fault-'));
    }
    const database = await openDatabase();
    await migrateToLatest(database.db);
    await ensureTenant(database.db, 'fault', 'Fault BV');
    key = (await createApiKey(database.db, { tenantId: 'fault', role: 'creditor' })).key;
    await database.close();
    await startServer();
  }, 300_000);

  afterAll(async () => {
    if (child) await kill();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (postgresName) {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL! });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${postgresName} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('keeps all of the file or none of it, and a resend stores every entry exactly once', async () => {
    const debtor = await api('POST', '/v1/debtors', { externalRef: 'killed-upload' });
    const debtorId = debtor.body.id as string;
    const consent = await api('POST', `/v1/debtors/${debtorId}/consents`, { access: { transactions: true }, purpose: 'affordability_assessment', validUntil: addDays(today, 30), frequencyPerDay: 100, recurringIndicator: true });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    const granted = await api('POST', `/v1/consent-links/${consent.body.linkToken as string}/grant`, { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true }, false);
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    const file = bigFile();

    // Killed at three moments into the upload: reading the body, parsing, storing.
    let killedBeforeAnswer = 0;
    for (const delayMs of [50, 400, 1200]) {
      const upload = fetch(`${base()}/v1/debtors/${debtorId}/bank-data?format=berlin-group`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: file }).then(
        (res) => ({ answered: true, status: res.status }),
        () => ({ answered: false, status: 0 }),
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await kill();
      const outcome = await upload;
      if (!outcome.answered) killedBeforeAnswer += 1;
      const after = await stored(debtorId);
      // Atomic: the upload's rows and its upload record are there together, or neither is.
      expect([0, ENTRIES], `killed after ${delayMs} ms`).toContain(after.transactions);
      expect(after.uploads, `killed after ${delayMs} ms`).toBe(after.transactions === 0 ? 0 : 1);
      await startServer();
    }
    // At least one kill landed while the upload was still being handled.
    expect(killedBeforeAnswer).toBeGreaterThan(0);

    const resend = await api('POST', `/v1/debtors/${debtorId}/bank-data?format=berlin-group`, file);
    expect([200, 201]).toContain(resend.status);
    expect((resend.body.accepted as number) + (resend.body.duplicates as number)).toBe(ENTRIES);
    // Counted with the server stopped: PGlite has one owner at a time.
    await stop();
    expect((await stored(debtorId)).transactions).toBe(ENTRIES);
    await startServer();
    const again = await api('POST', `/v1/debtors/${debtorId}/bank-data?format=berlin-group`, file);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: ENTRIES });
  }, 600_000);
});
