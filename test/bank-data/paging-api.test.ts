/** Lists stay small: accounts and balances come a page at a time, and the pages add up to everything. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { createBulkDebtor } from '../support/bulk-debtor.js';

const ACCOUNTS = 230;

describe('paged bank-data lists', () => {
  let t: TestApp;
  let debtorId: string;

  beforeAll(async () => {
    t = await createTestApp();
    ({ debtorId } = await createBulkDebtor(t, t.tenantA, 'paging', { accounts: ACCOUNTS, transactionsPerAccount: 1, dataPoints: 1 }));
  });
  afterAll(async () => {
    await t.close();
  });

  async function pageThrough(path: string, limit: number): Promise<{ pages: unknown[][]; items: Record<string, unknown>[] }> {
    const pages: unknown[][] = [];
    let cursor: string | null = null;
    do {
      const res = await t.app.inject({ url: `${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(t.tenantA.keys.creditor) });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { items: unknown[]; nextCursor: string | null };
      pages.push(body.items);
      cursor = body.nextCursor;
      expect(pages.length).toBeLessThan(100);
    } while (cursor);
    return { pages, items: pages.flat() as Record<string, unknown>[] };
  }

  it('returns at most limit accounts per page and pages through all of them once, oldest first', async () => {
    const { pages, items } = await pageThrough(`/v1/debtors/${debtorId}/accounts`, 50);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 50, 50, 30]);
    expect(new Set(items.map((a) => a.id)).size).toBe(ACCOUNTS);
    expect(new Set(items.map((a) => a.otherId))).toEqual(new Set(Array.from({ length: ACCOUNTS }, (_, a) => `ACC-${a}`)));
    // One page as large as the whole list gives the same accounts in the same order.
    const whole = await t.app.inject({ url: `/v1/debtors/${debtorId}/accounts?limit=500`, headers: bearer(t.tenantA.keys.creditor) });
    expect(whole.json()).toEqual({ items, nextCursor: null });
  });

  it('pages balances by date, each once', async () => {
    const { pages, items } = await pageThrough(`/v1/debtors/${debtorId}/balances`, 100);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 30]);
    expect(new Set(items.map((b) => `${b.accountId}/${b.type}/${b.date}`)).size).toBe(ACCOUNTS);
    const dates = items.map((b) => b.date as string);
    expect(dates).toEqual([...dates].sort());
  });

  it('applies the default limit and refuses a limit over the maximum or a forged cursor', async () => {
    const first = await t.app.inject({ url: `/v1/debtors/${debtorId}/accounts`, headers: bearer(t.tenantA.keys.creditor) });
    expect(first.json().items).toHaveLength(100);
    expect(first.json().nextCursor).toEqual(expect.any(String));
    const tooMany = await t.app.inject({ url: `/v1/debtors/${debtorId}/accounts?limit=501`, headers: bearer(t.tenantA.keys.creditor) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().code).toBe('validation_failed');
    for (const cursor of ['not-a-cursor', Buffer.from(JSON.stringify(['2026-01-01', "x' or 1=1"])).toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      for (const list of ['accounts', 'balances']) {
        const forged = await t.app.inject({ url: `/v1/debtors/${debtorId}/${list}?cursor=${cursor}`, headers: bearer(t.tenantA.keys.creditor) });
        expect(forged.statusCode, forged.body).toBe(400);
        expect(forged.json().code).toBe('invalid_parameter');
      }
    }
  });
});
