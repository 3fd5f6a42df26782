/**
 * The GDPR export is streamed from batched reads: with more of everything than one batch holds, the
 * document is still one complete, valid JSON object in the documented shape, holding every row once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { createBulkDebtor } from '../support/bulk-debtor.js';
import { EXPORT_BATCH_ROWS } from '../../src/privacy/privacy.service.js';

const ACCOUNTS = EXPORT_BATCH_ROWS + 130;
const DATA_POINTS = EXPORT_BATCH_ROWS + 70;

describe('GDPR export, streamed', () => {
  let t: TestApp;
  let debtorId: string;

  beforeAll(async () => {
    t = await createTestApp();
    ({ debtorId } = await createBulkDebtor(t, t.tenantA, 'export-bulk', { accounts: ACCOUNTS, transactionsPerAccount: 2, dataPoints: DATA_POINTS }));
  });
  afterAll(async () => {
    await t.close();
  });

  async function allPages(list: string, limit: number): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof t.app.inject>> = await t.app.inject({ url: `/v1/debtors/${debtorId}/${list}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, headers: bearer(t.tenantA.keys.creditor) });
      expect(res.statusCode, res.body).toBe(200);
      items.push(...res.json().items);
      cursor = res.json().nextCursor;
    } while (cursor);
    return items;
  }

  it('writes every row once, in the documented shape, as one valid JSON document', async () => {
    const res = await t.app.inject({ url: `/v1/debtors/${debtorId}/export`, headers: bearer(t.tenantA.keys.creditor) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const exported = JSON.parse(res.body) as Record<string, unknown[]> & { exportedAt: string; debtor: Record<string, unknown> };
    expect(Object.keys(exported)).toEqual(['exportedAt', 'debtor', 'consents', 'accounts', 'transactions', 'balances', 'bankUploadDrafts', 'dataPoints', 'categoryCorrections', 'claims', 'planOffers', 'repaymentPlans', 'debtHelpReferrals', 'webhookEvents', 'bankAuthorisations']);
    expect(Number.isNaN(Date.parse(exported.exportedAt))).toBe(false);
    expect(exported.debtor).toEqual((await t.app.inject({ url: `/v1/debtors/${debtorId}`, headers: bearer(t.tenantA.keys.creditor) })).json());
    expect(exported.consents).toEqual((await t.app.inject({ url: `/v1/debtors/${debtorId}/consents`, headers: bearer(t.tenantA.keys.creditor) })).json().items);

    expect(exported.accounts).toHaveLength(ACCOUNTS);
    expect(exported.transactions).toHaveLength(ACCOUNTS * 2);
    expect(exported.balances).toHaveLength(ACCOUNTS);
    expect(exported.dataPoints).toHaveLength(DATA_POINTS);
    // The same rows, fields and order as the paged lists give.
    expect(exported.accounts).toEqual(await allPages('accounts', 500));
    expect(exported.transactions).toEqual(await allPages('transactions', 5000));
    expect(exported.balances).toEqual(await allPages('balances', 5000));
    expect(exported.dataPoints).toEqual(await allPages('data-points', 400));
    expect(exported.dataPoints![0]).toMatchObject({ eventId: 'export-bulk-inv-0', type: 'invoice_issued', invoiceId: 'F0', amountCents: 1000 });
    expect(new Set((exported.dataPoints as { eventId: string }[]).map((e) => e.eventId)).size).toBe(DATA_POINTS);
  });

  it('answers 404 problem+json before anything is streamed for an unknown or foreign debtor', async () => {
    const foreign = await t.app.inject({ url: `/v1/debtors/${debtorId}/export`, headers: bearer(t.tenantB.keys.creditor) });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(foreign.json().code).toBe('not_found');
  });
});
