/**
 * Creates one of every kind of resource for tenant A, through the API, so the access tests can aim
 * other tenants' keys at real ids.
 */
import { createApiKey } from '../../src/tenants/api-key.service.js';
import { createDebtorWithConsent, fixture, requestConsent, upload } from './flows.js';
import { bearer, type TestApp } from './test-app.js';

export interface SeededResources {
  tenantId: string;
  apiKeyId: string;
  /** A key the route tests may revoke. */
  spareApiKeyId: string;
  debtorId: string;
  debtorRef: string;
  consentId: string;
  linkToken: string;
  /** A consent the route tests may end. */
  spareConsentId: string;
  /** A debtor the route tests may erase. */
  spareDebtorId: string;
  dataPointEventId: string;
  /** Id of a categorisation rule only tenant A has. */
  tenantRuleId: string;
  /** Strings that occur only in tenant A's bank data (counterparty names). */
  bankDataMarkers: string[];
}

export async function seedTenantResources(t: TestApp): Promise<SeededResources> {
  const spare = await createApiKey(t.database.db, { tenantId: t.tenantA.id, role: 'analyst', label: 'spare' });
  const main = await createDebtorWithConsent(t, t.tenantA, 'seed-main');
  const uploaded = await upload(t, t.tenantA, main.debtorId, fixture('bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json'), { contentType: 'application/json' });
  if (uploaded.statusCode !== 201) throw new Error(`seed upload failed: ${uploaded.body}`);
  await upload(t, t.tenantA, main.debtorId, fixture('bank-formats/berlin-group/balancesExample1_RegularAccount.json'), { contentType: 'application/json' });
  const spareConsent = await requestConsent(t, t.tenantA, main.debtorId);
  const spareDebtor = await createDebtorWithConsent(t, t.tenantA, 'seed-spare');
  const events = await t.app.inject({
    method: 'POST',
    url: '/v1/data-points',
    headers: bearer(t.tenantA.keys.creditor),
    payload: { events: [{ eventId: 'seed-inv-1', debtorRef: 'seed-main', type: 'invoice_issued', occurredOn: '2026-01-01', invoiceId: 'INV-1', amountCents: 5000, dueDate: '2026-01-15' }] },
  });
  if (events.statusCode !== 200) throw new Error(`seed data points failed: ${events.body}`);
  const rule = await t.app.inject({
    method: 'PUT',
    url: '/v1/policies/categorisation-rules',
    headers: bearer(t.tenantA.keys.admin),
    payload: { rules: [{ id: 'tenant-a-own-supplier', category: 'expense.energy', confidence: 0.95, priority: 100, when: { counterparty: ['energie van a bv'] } }] },
  });
  if (rule.statusCode !== 200) throw new Error(`seed rules failed: ${rule.body}`);
  const norms = await t.app.inject({
    method: 'PUT',
    url: '/v1/policies/norm-overrides',
    headers: bearer(t.tenantA.keys.admin),
    payload: { overrides: { assessmentPolicy: [{ validFrom: '2026-07-01', maxMonthsAssessed: 6 }] } },
  });
  if (norms.statusCode !== 200) throw new Error(`seed norms failed: ${norms.body}`);
  return {
    tenantId: t.tenantA.id,
    apiKeyId: t.tenantA.keyIds.creditor,
    spareApiKeyId: spare.id,
    debtorId: main.debtorId,
    debtorRef: 'seed-main',
    consentId: main.consentId,
    linkToken: main.linkToken,
    spareConsentId: spareConsent.consentId,
    spareDebtorId: spareDebtor.debtorId,
    dataPointEventId: 'seed-inv-1',
    tenantRuleId: 'tenant-a-own-supplier',
    bankDataMarkers: ['John Miles', 'Paul Simpson'],
  };
}
