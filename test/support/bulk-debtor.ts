/** A debtor holding more of everything than one export batch or list page, loaded through the API. */
import { expect } from 'vitest';
import { addDays } from '../../src/platform/dates.js';
import { bearer, type TestApp, type TestTenant } from './test-app.js';
import { createDebtorWithConsent, upload, type DebtorWithConsent } from './flows.js';

export interface BulkDebtorSize {
  accounts: number;
  transactionsPerAccount: number;
  dataPoints: number;
}

const ACCOUNTS_PER_UPLOAD = 500;

export async function createBulkDebtor(t: TestApp, tenant: TestTenant, externalRef: string, size: BulkDebtorSize): Promise<DebtorWithConsent> {
  const debtor = await createDebtorWithConsent(t, tenant, externalRef);
  // Uploads of at most ACCOUNTS_PER_UPLOAD accounts each: a single file may hold only so many (MAX_FILE_ACCOUNTS).
  for (let first = 0; first < size.accounts; first += ACCOUNTS_PER_UPLOAD) {
    const count = Math.min(ACCOUNTS_PER_UPLOAD, size.accounts - first);
    const lines = [JSON.stringify({ kind: 'statement', format: 'canonical-jsonl' })];
    for (let i = 0; i < count; i++) lines.push(JSON.stringify({ kind: 'account', otherId: `ACC-${first + i}`, currency: 'EUR', ownerName: `Rekening ${first + i}` }));
    for (let i = 0; i < count; i++) {
      const a = first + i;
      for (let n = 0; n < size.transactionsPerAccount; n++) {
        const date = addDays('2026-01-01', (a + n) % 300);
        lines.push(JSON.stringify({ kind: 'transaction', accountIndex: i, sourceId: `TX-${a}-${n}`, status: 'booked', bookingDate: date, amountCents: -(100 + a + n), currency: 'EUR', counterpartyName: 'Albert Heijn 1021' }));
      }
      lines.push(JSON.stringify({ kind: 'balance', accountIndex: i, type: 'closingBooked', amountCents: 10_000 + a, currency: 'EUR', date: addDays('2026-01-01', a % 200) }));
    }
    const uploaded = await upload(t, tenant, debtor.debtorId, `${lines.join('\n')}\n`, { contentType: 'application/x-ndjson', query: 'format=canonical-jsonl' });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
  }
  const events = Array.from({ length: size.dataPoints }, (_, i) => ({
    eventId: `${externalRef}-inv-${i}`,
    debtorRef: externalRef,
    type: 'invoice_issued',
    occurredOn: addDays('2026-01-01', i % 250),
    invoiceId: `F${i}`,
    amountCents: 1000 + i,
    dueDate: addDays('2026-01-15', i % 250),
  }));
  const sent = await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(tenant.keys.creditor), payload: { events } });
  expect(sent.statusCode, sent.body).toBeLessThan(300);
  return debtor;
}
