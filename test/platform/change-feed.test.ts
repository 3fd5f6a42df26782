/**
 * The change feed against a real database (both PGlite and PostgreSQL): what the triggers of migration
 * 2026-12-08-001 announce, and the memory it keeps honest. The tables a score reads are taken from the
 * database's own definition of the data stamp (risk_feature_snapshot_lookup), so a table added there
 * without a trigger fails here.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChangeFeed, type DataChange } from '../../src/platform/database/change-feed.js';
import { ChangeScopedMemory, debtorScope, tenantScope } from '../../src/platform/database/change-scoped-memory.js';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';
import { createApiKey, ensureTenant, revokeApiKey } from '../../src/tenants/api-key.service.js';
import { ScoreServings } from '../../src/risk-models/score-servings.js';
import { createTestDatabase } from '../support/database.js';

const TENANT = 'feed-tenant';

describe('change feed', () => {
  let database: DatabaseHandle;
  let feed: ChangeFeed;
  const heard: DataChange[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await ensureTenant(database.db, TENANT);
    feed = new ChangeFeed(database, { heartbeatMs: 0 });
    feed.subscribe((change) => heard.push(change));
    await feed.start();
    expect(feed.live).toBe(true);
  });
  afterAll(async () => {
    await feed?.close();
    await database?.close();
  });
  beforeEach(async () => {
    await feed.sync();
    heard.length = 0;
  });

  const addDebtors = async (count: number) => {
    const ids = Array.from({ length: count }, () => randomUUID());
    await database.db
      .insertInto('debtors')
      .values(ids.map((id, i) => ({ tenant_id: TENANT, id, external_ref: `feed-${id}-${i}` })))
      .execute();
    return ids;
  };
  const addDataPoints = async (debtorIds: readonly string[], perDebtor = 1) => {
    await database.db
      .insertInto('data_point_events')
      .values(debtorIds.flatMap((debtorId) => Array.from({ length: perDebtor }, (_, i) => ({ tenant_id: TENANT, event_id: `${debtorId}-${i}`, debtor_id: debtorId, type: 'reminder_sent', occurred_on: '2026-11-01', payload: JSON.stringify({ channel: 'email' }), content_hash: randomUUID() }))))
      .execute();
  };
  /** What the feed heard from the writes since the last call (after a round trip proves it heard all). */
  const changesHeard = async () => {
    await feed.sync();
    const changes = [...heard];
    heard.length = 0;
    return changes;
  };

  it('every table the data stamp reads per debtor announces its writes, once per statement and debtor', async () => {
    const { rows } = await sql<{ body: string }>`select pg_get_functiondef('risk_feature_snapshot_lookup(text, uuid, date, text)'::regprocedure) as body`.execute(database.db);
    const read = new Set([...rows[0]!.body.matchAll(/\bfrom\s+([a-z_]+)\s+[a-z]\b/g)].map((m) => m[1]!));
    expect([...read]).toEqual(expect.arrayContaining(['debtors', 'data_point_events', 'tenant_policies', 'bank_transactions', 'bank_balances', 'category_corrections', 'learned_categorisation_rules']));
    const { rows: triggers } = await sql<{ table: string; event: string }>`
      select c.relname as "table", lower(e.event) as event
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
      cross join lateral (select unnest(array['INSERT', 'UPDATE', 'DELETE']) as event) e
      where not t.tgisinternal and t.tgname like '%_notify_%'
        and ((t.tgtype & 4 <> 0 and e.event = 'INSERT') or (t.tgtype & 16 <> 0 and e.event = 'UPDATE') or (t.tgtype & 8 <> 0 and e.event = 'DELETE'))`.execute(database.db);
    const covered = new Set(triggers.map((t) => `${t.table}:${t.event}`));
    for (const table of read) {
      if (table === 'risk_feature_snapshots') continue; // derived, keyed by the stamp itself
      const events = table === 'debtors' ? ['update', 'delete'] : ['insert', 'update', 'delete'];
      for (const event of events) expect(covered, `${table} ${event}`).toContain(`${table}:${event}`);
    }
    expect(covered).toContain('consents:update');
    expect(covered).toContain('risk_model_champions:insert');
    expect(covered).toContain('api_keys:update');
  });

  it('names the debtor for a debtor’s rows, once per statement however many rows', async () => {
    const [a, b] = await addDebtors(2);
    expect(await changesHeard()).toEqual([]); // a new debtor has nothing remembered
    await addDataPoints([a!], 50);
    expect(await changesHeard()).toEqual([{ kind: 'debtor', tenantId: TENANT, debtorId: a }]);
    await database.db.updateTable('debtors').set({ household: JSON.stringify({ children: 2 }) }).where('tenant_id', '=', TENANT).where('id', 'in', [a!, b!]).execute();
    const both = await changesHeard();
    expect(both).toHaveLength(2);
    expect(both).toEqual(expect.arrayContaining([{ kind: 'debtor', tenantId: TENANT, debtorId: a }, { kind: 'debtor', tenantId: TENANT, debtorId: b }]));
    // In one transaction, the same debtor is announced once, at commit.
    await database.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('data_point_events').where('tenant_id', '=', TENANT).where('debtor_id', '=', a!).where('event_id', 'like', '%-1%').execute();
      await trx.deleteFrom('data_point_events').where('tenant_id', '=', TENANT).where('debtor_id', '=', a!).execute();
    });
    expect(await changesHeard()).toEqual([{ kind: 'debtor', tenantId: TENANT, debtorId: a }]);
  });

  it('announces nothing for a transaction that rolls back', async () => {
    const [a] = await addDebtors(1);
    await changesHeard();
    await database.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('debtors').set({ display_name: 'x' }).where('tenant_id', '=', TENANT).where('id', '=', a!).execute();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await changesHeard()).toEqual([]);
  });

  it('names the tenant past 100 debtors in one statement, and for what every debtor’s score reads', async () => {
    const many = await addDebtors(150);
    await changesHeard();
    await addDataPoints(many);
    expect(await changesHeard()).toEqual([{ kind: 'tenant', tenantId: TENANT }]);
    await database.db.insertInto('tenant_policies').values({ tenant_id: TENANT, kind: 'categorisation_rules', document: JSON.stringify({ rules: [] }), version: 1 }).execute();
    expect(await changesHeard()).toEqual([{ kind: 'tenant', tenantId: TENANT }]);
  });

  it('announces a revoked key as a change to the tenant’s keys', async () => {
    const key = await createApiKey(database.db, { tenantId: TENANT, role: 'creditor' });
    expect(await changesHeard()).toEqual([]);
    await revokeApiKey(database.db, TENANT, key.id);
    expect(await changesHeard()).toEqual([{ kind: 'keys', tenantId: TENANT }]);
  });

  it('keeps memory only while live, drops it by scope, and refuses a value read before a change heard after its mark', async () => {
    const memory = new ChangeScopedMemory<string>(feed, 3);
    const [a, b] = await addDebtors(2);
    await changesHeard();
    const scopes = (debtor: string) => [debtorScope(TENANT, debtor), tenantScope(TENANT)];
    expect(memory.set(memory.mark(), 'a', 'answer a', scopes(a!))).toBe(true);
    expect(memory.set(memory.mark(), 'b', 'answer b', scopes(b!))).toBe(true);
    // The race: marked, then a change is heard while the value is computed — it must not be kept.
    const mark = memory.mark();
    await addDataPoints([b!]);
    await feed.sync();
    expect(await memory.get('b')).toBeUndefined();
    expect(await memory.get('a')).toBe('answer a');
    expect(memory.set(mark, 'b', 'stale b', scopes(b!))).toBe(false);
    expect(memory.set(memory.mark(), 'b', 'fresh b', scopes(b!))).toBe(true);
    // A change heard before the mark was committed before the reads: the value is kept.
    expect(await memory.get('b')).toBe('fresh b');
    // A tenant-wide change drops every debtor of the tenant.
    await database.db.updateTable('tenant_policies').set({ version: 2 }).where('tenant_id', '=', TENANT).execute();
    await feed.sync();
    expect([await memory.get('a'), await memory.get('b')]).toEqual([undefined, undefined]);
    // Oldest first past capacity.
    for (const k of ['k1', 'k2', 'k3', 'k4']) memory.set(memory.mark(), k, k, scopes(a!));
    expect(memory.size).toBe(3);
    expect(await memory.get('k1')).toBeUndefined();
  });

  it('forgets everything when the feed closes, and serves nothing until it listens again', async () => {
    const other = new ChangeFeed(database, { heartbeatMs: 0 });
    const resets: DataChange[] = [];
    other.subscribe((c) => c.kind === 'reset' && resets.push(c));
    await other.start();
    const memory = new ChangeScopedMemory<string>(other, 10);
    const mark = memory.mark();
    expect(memory.set(mark, 'x', 'value', [tenantScope(TENANT)])).toBe(true);
    await other.close();
    expect(other.live).toBe(false);
    expect(await memory.get('x')).toBeUndefined();
    expect(memory.mark()).toBeNull();
    expect(memory.set(mark, 'y', 'value', [tenantScope(TENANT)])).toBe(false);
    await expect(other.sync()).rejects.toThrow(/not listening/);
    expect(resets.length).toBeGreaterThanOrEqual(1);
  });
});

describe('serving counts', () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await createTestDatabase();
    await ensureTenant(database.db, TENANT);
  });
  afterAll(async () => database?.close());

  it('adds up per key and day, keeps counts through a failed flush, and skips a score erased meanwhile', async () => {
    const servings = new ScoreServings(database.db, { flushMs: 60_000 });
    const debtor = randomUUID();
    await database.db.insertInto('debtors').values({ tenant_id: TENANT, id: debtor, external_ref: 'servings' }).execute();
    // A score row needs a model version and a snapshot; what is counted here is only that the score
    // row exists, so the two rows go in without them (foreign-key triggers off for this transaction).
    const [kept, erased] = [randomUUID(), randomUUID()];
    await database.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      for (const id of [kept, erased]) {
        await trx.insertInto('risk_scores').values({ tenant_id: TENANT, id, debtor_id: debtor, as_of: '2026-12-01', model_id: 'm', model_version: 1, feature_set: 'data-points-only', probability: 0.1, band: 'low', reasons: JSON.stringify([]), feature_snapshot_id: randomUUID(), requested_by: 'k0' }).execute();
      }
    });
    servings.record(TENANT, kept, 'k1', '2026-12-01', new Date('2026-12-01T10:00:00Z'));
    servings.record(TENANT, kept, 'k1', '2026-12-01', new Date('2026-12-01T11:00:00Z'));
    servings.record(TENANT, kept, 'k2', '2026-12-01');
    servings.record(TENANT, erased, 'k1', '2026-12-01');
    // The table away: the flush fails and the counts wait.
    await sql`alter table risk_score_servings rename to risk_score_servings_away`.execute(database.db);
    await servings.flush();
    await sql`alter table risk_score_servings_away rename to risk_score_servings`.execute(database.db);
    servings.record(TENANT, kept, 'k1', '2026-12-01', new Date('2026-12-01T12:00:00Z'));
    await database.db.deleteFrom('risk_scores').where('tenant_id', '=', TENANT).where('id', '=', erased).execute();
    await servings.close();
    const rows = await database.db.selectFrom('risk_score_servings').select(['score_id', 'requested_by', 'served', 'first_served_at', 'last_served_at']).where('tenant_id', '=', TENANT).orderBy('requested_by').execute();
    expect(rows.map((r) => [r.score_id, r.requested_by, r.served])).toEqual([
      [kept, 'k1', 3],
      [kept, 'k2', 1],
    ]);
    expect(new Date(rows[0]!.first_served_at).toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(new Date(rows[0]!.last_served_at).toISOString()).toBe('2026-12-01T12:00:00.000Z');
  });
});
