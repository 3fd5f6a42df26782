import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { authenticateApiKey } from '../../src/tenants/api-key.service.js';
import { openPglite } from '../../src/platform/database/connection.js';

function capture() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

// Each case starts the CLI twice, each a cold PGlite start (5–10 s on a busy 2-core machine): a wider timeout than the suite's.
describe('draagkracht keys (embedded database)', { timeout: 90_000 }, () => {
  let dir: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dk-cli-'));
    delete process.env.DATABASE_URL;
    process.env.DATA_DIR = dir;
    process.env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a tenant and key, then revokes the key', async () => {
    const created = capture();
    expect(await main(['keys', 'create', '--tenant', 'acme-energie', '--role', 'creditor', '--label', 'billing'], created.io)).toBe(0);
    const { id, key, tenant, role } = JSON.parse(created.out());
    expect({ tenant, role }).toEqual({ tenant: 'acme-energie', role: 'creditor' });
    expect(key).toMatch(/^dk_[A-Za-z0-9_-]{27}$/);

    const revoked = capture();
    expect(await main(['keys', 'revoke', '--tenant', 'acme-energie', '--id', id], revoked.io)).toBe(0);

    const db = await openPglite({ dataDir: `${dir}/pglite` });
    expect(await authenticateApiKey(db.db, key)).toBeNull();
    const stored = await db.db.selectFrom('api_keys').select(['key_hash', 'revoked_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key);
    expect(stored.revoked_at).not.toBeNull();
    await db.close();
  });

  it('refuses bad roles, bad tenant ids and unknown commands with exit code 1', async () => {
    const c = capture();
    expect(await main(['keys', 'create', '--tenant', 'x', '--role', 'root'], c.io)).toBe(1);
    expect(c.err()).toContain('--role');
    const d = capture();
    expect(await main(['keys', 'create', '--tenant', 'Bad Tenant!', '--role', 'admin'], d.io)).toBe(1);
    expect(d.err()).toContain('tenant id');
    const e = capture();
    expect(await main(['frobnicate'], e.io)).toBe(1);
    expect(e.err()).toContain('unknown command');
  });
});
