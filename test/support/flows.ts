/** Common API flows for tests: a debtor with a granted consent, uploads, counting rows. */
import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { addDays } from '../../src/platform/dates.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../../src/consent/consent.service.js';
import { bearer, type TestApp, type TestTenant } from './test-app.js';

export function fixture(relativePath: string): Buffer {
  return readFileSync(new URL(`../fixtures/${relativePath}`, import.meta.url));
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export interface DebtorWithConsent {
  debtorId: string;
  consentId: string;
  linkToken: string;
}

export async function createDebtor(t: TestApp, tenant: TestTenant, externalRef: string): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(tenant.keys.creditor), payload: { externalRef, household: { composition: 'single' } } });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json().id as string;
}

export async function requestConsent(
  t: TestApp,
  tenant: TestTenant,
  debtorId: string,
  options: { validDays?: number; access?: { balances?: boolean; transactions?: boolean }; frequencyPerDay?: number; purpose?: string } = {},
): Promise<{ consentId: string; linkToken: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/debtors/${debtorId}/consents`,
    headers: bearer(tenant.keys.creditor),
    payload: {
      access: { accounts: true, balances: true, transactions: true, ...options.access },
      purpose: options.purpose ?? 'affordability_assessment',
      validUntil: addDays(today(), options.validDays ?? 90),
      frequencyPerDay: options.frequencyPerDay ?? 100,
      recurringIndicator: true,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { consentId: res.json().consent.id, linkToken: res.json().linkToken };
}

export async function grant(t: TestApp, linkToken: string): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${linkToken}/grant`, payload: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true } });
  expect(res.statusCode, res.body).toBe(200);
}

export async function createDebtorWithConsent(t: TestApp, tenant: TestTenant, externalRef: string, options: Parameters<typeof requestConsent>[3] = {}): Promise<DebtorWithConsent> {
  const debtorId = await createDebtor(t, tenant, externalRef);
  const { consentId, linkToken } = await requestConsent(t, tenant, debtorId, options);
  await grant(t, linkToken);
  return { debtorId, consentId, linkToken };
}

export async function upload(t: TestApp, tenant: TestTenant, debtorId: string, body: Buffer | string, options: { contentType?: string; query?: string } = {}) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/debtors/${debtorId}/bank-data${options.query ? `?${options.query}` : ''}`,
    headers: { ...bearer(tenant.keys.creditor), 'content-type': options.contentType ?? 'application/octet-stream' },
    payload: body,
  });
}

export async function countRows(t: TestApp, table: 'bank_transactions' | 'bank_balances' | 'bank_accounts' | 'bank_uploads', debtorId: string): Promise<number> {
  const row = await t.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('debtor_id', '=', debtorId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
