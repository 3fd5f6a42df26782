/**
 * Walks EVERY route the app registers:
 * - each route must have an entry below (a new route without one fails this test);
 * - a key of a role the route does not allow gets 403 forbidden_role;
 * - tenant B's key aimed at tenant A's resources gets 404 (or, for lists, none of A's data).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { API_KEY_ROLES } from '../../src/tenants/tenant.table.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { seedTenantResources, type SeededResources } from '../support/seed-resources.js';
import { fixture } from '../support/flows.js';
import { addDays, addMonths } from '../../src/platform/dates.js';
import { debtorWithPlanConsent, householdStatement, uploadStatement } from '../repayment-plans/plan-support.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { syntheticBundle } from '../risk-models/registry-support.js';
import { syntheticEvaluation } from '../model-reports/evaluation-support.js';
import { defaultCollectionCostsConfig } from '../../src/write-off/collection-costs.js';
import { recordEvent } from '../../src/webhooks/events.js';

interface RouteCase {
  /** The request aimed at tenant A's resources (headers are added by the test). */
  request: (r: SeededResources) => InjectOptions;
  /** How another tenant's key must be answered; `own-only` lists must not contain A's marker strings. */
  crossTenant: 'not-found' | { ownOnly: (r: SeededResources) => string[] } | 'public' | 'token';
}

/** A transaction of tenant A's seeded debtor with a counterparty correction, and the rule it taught (set in beforeAll). */
const correctionSeed = { transactionId: '', ruleId: '' };
/** Tenant A's own model (two versions, the second promoted) and a training run of A's (set in beforeAll). */
const modelSeed = { modelId: 'tenant-a-model', runId: '' };
/** A claim of tenant A's seeded debtor (set in beforeAll). */
const claimSeed = { claimId: '', reference: 'tenant-a-claim-1' };
/** Tenant A's debtor with an affordable plan: the offer, the accepted option, the plan and the debtor's link (set in beforeAll). */
const planSeed = { debtorId: '', claimId: '', offerId: '', optionId: '', planId: '', linkToken: '', payeeName: 'Tenant A Incasso BV' };
/** Tenant A's open debt-help referral of the seeded debtor (set in beforeAll), and a marker only A's cost table holds. */
const referralSeed = { id: '' };
/** A plan follow-up run of the scheduler holding a part of tenant A only (A has the seeded plan, B none; set in beforeAll). */
const jobSeed = { runId: '' };
const COST_TABLE_MARKER = 'tenant-a-cost-table';
/** Tenant A's webhook endpoint, an event in its outbox and that event's delivery (set in beforeAll). */
const webhookSeed = { endpointId: '', spareEndpointId: '', url: 'https://hooks.tenant-a.example/in', eventId: '', deliveryId: '' };
/** Tenant A's bank connections: one to read and change, a spare one to delete (set in beforeAll). */
const bankSeed = { connectionId: '', spareConnectionId: '', name: 'Tenant A Bank' };
const categoryUrl = (r: SeededResources) => `/v1/debtors/${r.debtorId}/transactions/${correctionSeed.transactionId}/category`;

const CASES: Record<string, RouteCase> = {
  'GET /healthz': { request: () => ({ url: '/healthz' }), crossTenant: 'public' },
  'GET /readyz': { request: () => ({ url: '/readyz' }), crossTenant: 'public' },
  // Operator-facing: no tenant label, and API keys do not open it (test/platform/metrics.test.ts).
  'GET /metrics': { request: () => ({ url: '/metrics' }), crossTenant: 'public' },
  'GET /v1/tenant': { request: () => ({ url: '/v1/tenant' }), crossTenant: { ownOnly: (r) => [r.tenantId] } },
  'GET /v1/api-keys': { request: () => ({ url: '/v1/api-keys' }), crossTenant: { ownOnly: (r) => [r.apiKeyId] } },
  'POST /v1/api-keys': { request: () => ({ method: 'POST', url: '/v1/api-keys', payload: { role: 'analyst' } }), crossTenant: { ownOnly: (r) => [r.tenantId] } },
  'DELETE /v1/api-keys/:keyId': { request: (r) => ({ method: 'DELETE', url: `/v1/api-keys/${r.spareApiKeyId}` }), crossTenant: 'not-found' },
  'POST /v1/debtors': {
    // Tenant B registering the same external reference gets its own debtor, never A's.
    request: (r) => ({ method: 'POST', url: '/v1/debtors', payload: { externalRef: r.debtorRef } }),
    crossTenant: { ownOnly: (r) => [r.debtorId] },
  },
  'GET /v1/debtors': { request: (r) => ({ url: `/v1/debtors?externalRef=${r.debtorRef}` }), crossTenant: { ownOnly: (r) => [r.debtorId, r.spareDebtorId] } },
  'GET /v1/debtors/:debtorId': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}` }), crossTenant: 'not-found' },
  'PUT /v1/debtors/:debtorId/segments': { request: (r) => ({ method: 'PUT', url: `/v1/debtors/${r.debtorId}/segments`, payload: { region: 'West-Nederland' } }), crossTenant: 'not-found' },
  'POST /v1/debtors/:debtorId/consents': {
    request: (r) => ({
      method: 'POST',
      url: `/v1/debtors/${r.debtorId}/consents`,
      payload: { access: { transactions: true }, purpose: 'affordability_assessment', validUntil: addDays(new Date().toISOString().slice(0, 10), 30), frequencyPerDay: 4, recurringIndicator: true },
    }),
    crossTenant: 'not-found',
  },
  'GET /v1/debtors/:debtorId/consents': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/consents` }), crossTenant: 'not-found' },
  'GET /v1/consents/:consentId': { request: (r) => ({ url: `/v1/consents/${r.consentId}` }), crossTenant: 'not-found' },
  'DELETE /v1/consents/:consentId': { request: (r) => ({ method: 'DELETE', url: `/v1/consents/${r.spareConsentId}` }), crossTenant: 'not-found' },
  'GET /v1/consent-links/:token': { request: (r) => ({ url: `/v1/consent-links/${r.linkToken}` }), crossTenant: 'token' },
  'POST /v1/consent-links/:token/grant': { request: (r) => ({ method: 'POST', url: `/v1/consent-links/${r.linkToken}/grant`, payload: { textVersion: 'x', agreed: true } }), crossTenant: 'token' },
  'POST /v1/consent-links/:token/reject': { request: (r) => ({ method: 'POST', url: `/v1/consent-links/${r.linkToken}/reject` }), crossTenant: 'token' },
  'POST /v1/consent-links/:token/revoke': { request: (r) => ({ method: 'POST', url: `/v1/consent-links/${r.linkToken}/revoke` }), crossTenant: 'token' },
  'POST /v1/debtors/:debtorId/bank-data': {
    request: (r) => ({ method: 'POST', url: `/v1/debtors/${r.debtorId}/bank-data`, headers: { 'content-type': 'application/json' }, payload: fixture('bank-formats/berlin-group/transactionsExample1_RegularAccount_json.json') }),
    crossTenant: 'not-found',
  },
  'GET /v1/debtors/:debtorId/transactions': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/transactions` }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/accounts': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/accounts` }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/balances': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/balances` }), crossTenant: 'not-found' },
  'POST /v1/data-points': {
    // Tenant B sending an event with A's eventId and debtorRef creates B's own records; A's stay untouched.
    request: (r) => ({
      method: 'POST',
      url: '/v1/data-points',
      payload: { events: [{ eventId: r.dataPointEventId, debtorRef: r.debtorRef, type: 'invoice_issued', occurredOn: '2026-01-01', invoiceId: 'INV-1', amountCents: 5000, dueDate: '2026-01-15' }] },
    }),
    crossTenant: { ownOnly: (r) => [r.debtorId] },
  },
  'GET /v1/debtors/:debtorId/data-points': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/data-points` }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/signals': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/signals?asOf=2026-06-01` }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/affordability': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/affordability?asOf=2026-11-01` }), crossTenant: 'not-found' },
  'POST /v1/affordability': {
    request: () => ({ method: 'POST', url: '/v1/affordability', payload: { asOf: '2026-11-01', transactions: [{ id: 't1', bookingDate: '2026-10-01', amountCents: -1000, counterpartyName: 'Albert Heijn' }] } }),
    crossTenant: { ownOnly: (r) => r.bankDataMarkers },
  },
  'GET /v1/policies/categorisation-rules': { request: () => ({ url: '/v1/policies/categorisation-rules' }), crossTenant: { ownOnly: (r) => [r.tenantRuleId] } },
  'PUT /v1/policies/categorisation-rules': {
    request: (r) => ({ method: 'PUT', url: '/v1/policies/categorisation-rules', payload: { rules: [{ id: r.tenantRuleId, category: 'expense.energy', confidence: 0.9, priority: 100, when: { counterparty: ['eigen energie bv'] } }] } }),
    crossTenant: { ownOnly: () => [] },
  },
  'GET /v1/policies/norm-overrides': { request: () => ({ url: '/v1/policies/norm-overrides' }), crossTenant: { ownOnly: () => ['2026-07-01'] } },
  'PUT /v1/policies/norm-overrides': { request: () => ({ method: 'PUT', url: '/v1/policies/norm-overrides', payload: { overrides: {} } }), crossTenant: { ownOnly: () => [] } },
  'PUT /v1/debtors/:debtorId/transactions/:transactionId/category': {
    // "uncategorised" fits money in and out alike; a one-off, so the seeded rule stays for the DELETE case.
    request: (r) => ({ method: 'PUT', url: categoryUrl(r), payload: { category: 'uncategorised', appliesTo: 'transaction' } }),
    crossTenant: 'not-found',
  },
  'GET /v1/debtors/:debtorId/transactions/:transactionId/category': { request: (r) => ({ url: categoryUrl(r) }), crossTenant: 'not-found' },
  'DELETE /v1/debtors/:debtorId/transactions/:transactionId/category': { request: (r) => ({ method: 'DELETE', url: categoryUrl(r) }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/category-corrections': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/category-corrections` }), crossTenant: 'not-found' },
  'GET /v1/policies/learned-categorisation-rules': { request: () => ({ url: '/v1/policies/learned-categorisation-rules' }), crossTenant: { ownOnly: () => [correctionSeed.ruleId] } },
  'DELETE /v1/policies/learned-categorisation-rules/:ruleId': {
    request: () => ({ method: 'DELETE', url: `/v1/policies/learned-categorisation-rules/${correctionSeed.ruleId}` }),
    crossTenant: 'not-found',
  },
  'GET /v1/debtors/:debtorId/export': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/export` }), crossTenant: 'not-found' },
  'DELETE /v1/debtors/:debtorId': { request: (r) => ({ method: 'DELETE', url: `/v1/debtors/${r.spareDebtorId}` }), crossTenant: 'not-found' },
  'GET /v1/models': { request: () => ({ url: '/v1/models' }), crossTenant: { ownOnly: () => [modelSeed.modelId] } },
  'GET /v1/models/:modelId/versions': { request: () => ({ url: `/v1/models/${modelSeed.modelId}/versions` }), crossTenant: 'not-found' },
  'GET /v1/models/:modelId/versions/:version': { request: () => ({ url: `/v1/models/${modelSeed.modelId}/versions/1` }), crossTenant: 'not-found' },
  'GET /v1/models/:modelId/versions/:version/report': {
    request: () => ({ url: `/v1/models/${modelSeed.modelId}/versions/2/report?challengerVersion=1&resamples=20` }),
    crossTenant: 'not-found',
  },
  'GET /v1/models/:modelId/monitoring': { request: () => ({ url: `/v1/models/${modelSeed.modelId}/monitoring?version=2` }), crossTenant: 'not-found' },
  'POST /v1/models/:modelId/monitoring/runs': { request: () => ({ method: 'POST', url: `/v1/models/${modelSeed.modelId}/monitoring/runs`, payload: { windowDays: 30 } }), crossTenant: 'not-found' },
  'POST /v1/models/:modelId/versions/:version/promote': { request: () => ({ method: 'POST', url: `/v1/models/${modelSeed.modelId}/versions/2/promote` }), crossTenant: 'not-found' },
  'POST /v1/models/:modelId/rollback': { request: () => ({ method: 'POST', url: `/v1/models/${modelSeed.modelId}/rollback` }), crossTenant: 'not-found' },
  'POST /v1/models/training-runs': { request: () => ({ method: 'POST', url: '/v1/models/training-runs', payload: {} }), crossTenant: { ownOnly: () => [modelSeed.runId] } },
  'GET /v1/models/training-runs/:runId': { request: () => ({ url: `/v1/models/training-runs/${modelSeed.runId}` }), crossTenant: 'not-found' },
  'POST /v1/scores': { request: (r) => ({ method: 'POST', url: '/v1/scores', payload: { debtorIds: [r.debtorId] } }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/score': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/score` }), crossTenant: 'not-found' },
  'POST /v1/claims': {
    // Tenant B sending A's reference and debtorRef stores B's own claim and debtor; A's stay untouched.
    request: (r) => ({ method: 'POST', url: '/v1/claims', payload: { claims: [{ reference: claimSeed.reference, debtorRef: r.debtorRef, principalCents: 5000, dueDate: '2026-01-15', interestBasis: 'statutory_consumer' }] } }),
    crossTenant: { ownOnly: (r) => [r.debtorId, claimSeed.claimId] },
  },
  'GET /v1/claims/:claimId': { request: () => ({ url: `/v1/claims/${claimSeed.claimId}?asOf=2026-06-01` }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/claims': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/claims?asOf=2026-06-01` }), crossTenant: 'not-found' },
  'POST /v1/claims/:claimId/fourteen-day-letter': { request: () => ({ method: 'POST', url: `/v1/claims/${claimSeed.claimId}/fourteen-day-letter`, payload: { sentOn: '2026-02-01' } }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/segment': { request: (r) => ({ url: `/v1/debtors/${r.debtorId}/segment?asOf=2026-06-01` }), crossTenant: 'not-found' },
  // Tenant B's thresholds are its own: A's override (lookbackDays 91, set in beforeAll) never shows.
  'GET /v1/policies/collection-segments': { request: () => ({ url: '/v1/policies/collection-segments' }), crossTenant: { ownOnly: () => ['"lookbackDays":91'] } },
  'PUT /v1/policies/collection-segments': { request: () => ({ method: 'PUT', url: '/v1/policies/collection-segments', payload: { overrides: { lookbackDays: 92 } } }), crossTenant: { ownOnly: () => [] } },
  'GET /v1/policies/repayment-plans': { request: () => ({ url: '/v1/policies/repayment-plans' }), crossTenant: { ownOnly: () => [planSeed.payeeName] } },
  'PUT /v1/policies/repayment-plans': { request: () => ({ method: 'PUT', url: '/v1/policies/repayment-plans', payload: { policy: { maxTermMonths: 18, payee: { name: planSeed.payeeName, iban: 'NL20INGB0001234567' } } } }), crossTenant: { ownOnly: () => [] } },
  'POST /v1/debtors/:debtorId/plan-options': { request: () => ({ method: 'POST', url: `/v1/debtors/${planSeed.debtorId}/plan-options`, payload: { claimIds: [planSeed.claimId] } }), crossTenant: 'not-found' },
  'GET /v1/plan-offers/:offerId': { request: () => ({ url: `/v1/plan-offers/${planSeed.offerId}` }), crossTenant: 'not-found' },
  // The option accepted before: accepting it again is a no-op that answers the plan.
  'POST /v1/plan-offers/:offerId/accept': { request: () => ({ method: 'POST', url: `/v1/plan-offers/${planSeed.offerId}/accept`, payload: { optionId: planSeed.optionId } }), crossTenant: 'not-found' },
  'GET /v1/plan-links/:token': { request: () => ({ url: `/v1/plan-links/${planSeed.linkToken}` }), crossTenant: 'token' },
  'POST /v1/plan-links/:token/accept': { request: () => ({ method: 'POST', url: `/v1/plan-links/${planSeed.linkToken}/accept`, payload: { optionId: planSeed.optionId } }), crossTenant: 'token' },
  'GET /v1/plans/:planId': { request: () => ({ url: `/v1/plans/${planSeed.planId}` }), crossTenant: 'not-found' },
  'GET /v1/debtors/:debtorId/plans': { request: () => ({ url: `/v1/debtors/${planSeed.debtorId}/plans` }), crossTenant: 'not-found' },
  'POST /v1/plans/:planId/replan': { request: () => ({ method: 'POST', url: `/v1/plans/${planSeed.planId}/replan`, payload: {} }), crossTenant: 'not-found' },
  'GET /v1/plans/:planId/instalments/:number/payment-link': { request: () => ({ url: `/v1/plans/${planSeed.planId}/instalments/1/payment-link` }), crossTenant: 'not-found' },
  'POST /v1/write-off-recommendations': { request: () => ({ method: 'POST', url: '/v1/write-off-recommendations', payload: { claimIds: [claimSeed.claimId], asOf: '2026-06-01' } }), crossTenant: 'not-found' },
  'GET /v1/policies/collection-costs': { request: () => ({ url: '/v1/policies/collection-costs' }), crossTenant: { ownOnly: () => [COST_TABLE_MARKER] } },
  'PUT /v1/policies/collection-costs': { request: () => ({ method: 'PUT', url: '/v1/policies/collection-costs', payload: { config: defaultCollectionCostsConfig() } }), crossTenant: { ownOnly: () => [COST_TABLE_MARKER] } },
  'POST /v1/debt-help-referrals': { request: (r) => ({ method: 'POST', url: '/v1/debt-help-referrals', payload: { debtorId: r.debtorId, reasons: ['debtor_request'] } }), crossTenant: 'not-found' },
  'GET /v1/debt-help-referrals': { request: () => ({ url: '/v1/debt-help-referrals?status=open' }), crossTenant: { ownOnly: (r) => [referralSeed.id, r.debtorId] } },
  'GET /v1/debt-help-referrals/:referralId': { request: () => ({ url: `/v1/debt-help-referrals/${referralSeed.id}` }), crossTenant: 'not-found' },
  'POST /v1/debt-help-referrals/:referralId/close': { request: () => ({ method: 'POST', url: `/v1/debt-help-referrals/${referralSeed.id}/close`, payload: { outcome: 'no_contact' } }), crossTenant: 'not-found' },
  // The debtor's page: HTML reached with the link token; a foreign or forged token gets the friendly 401 page.
  'GET /debtor-assets/page.css': { request: () => ({ url: '/debtor-assets/page.css' }), crossTenant: 'public' },
  'GET /debtor-assets/icon.svg': { request: () => ({ url: '/debtor-assets/icon.svg' }), crossTenant: 'public' },
  'GET /consent/:token': { request: (r) => ({ url: `/consent/${r.linkToken}` }), crossTenant: 'token' },
  'POST /consent/:token/grant': { request: (r) => pageForm(`/consent/${r.linkToken}/grant`, 'agreed=yes'), crossTenant: 'token' },
  'POST /consent/:token/decline': { request: (r) => pageForm(`/consent/${r.linkToken}/decline`), crossTenant: 'token' },
  'POST /consent/:token/withdraw': { request: (r) => pageForm(`/consent/${r.linkToken}/withdraw`), crossTenant: 'token' },
  'POST /consent/:token/statements': {
    request: (r) => ({ method: 'POST', url: `/consent/${r.linkToken}/statements`, payload: '--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nx\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' } }),
    crossTenant: 'token',
  },
  'POST /consent/:token/demo-statement': { request: (r) => pageForm(`/consent/${r.linkToken}/demo-statement`), crossTenant: 'token' },
  'GET /consent/:token/statements/:draftId': { request: (r) => ({ url: `/consent/${r.linkToken}/statements/${r.consentId}` }), crossTenant: 'token' },
  'POST /consent/:token/statements/:draftId/use': { request: (r) => pageForm(`/consent/${r.linkToken}/statements/${r.consentId}/use`), crossTenant: 'token' },
  'POST /consent/:token/statements/:draftId/discard': { request: (r) => pageForm(`/consent/${r.linkToken}/statements/${r.consentId}/discard`), crossTenant: 'token' },
  'POST /consent/:token/plan-offer': { request: (r) => pageForm(`/consent/${r.linkToken}/plan-offer`), crossTenant: 'token' },
  'GET /v1/jobs': { request: () => ({ url: '/v1/jobs?job=plan-follow-up' }), crossTenant: { ownOnly: () => [jobSeed.runId] } },
  'GET /v1/jobs/:job/runs/:runId': { request: () => ({ url: `/v1/jobs/plan-follow-up/runs/${jobSeed.runId}` }), crossTenant: 'not-found' },
  'GET /plan/:token': { request: () => ({ url: `/plan/${planSeed.linkToken}` }), crossTenant: 'token' },
  'POST /plan/:token/choose': { request: () => pageForm(`/plan/${planSeed.linkToken}/choose`, `optionId=${planSeed.optionId}`), crossTenant: 'token' },
  'GET /plan/:token/instalments/:number/qr.svg': { request: () => ({ url: `/plan/${planSeed.linkToken}/instalments/1/qr.svg` }), crossTenant: 'token' },
  'POST /v1/webhook-endpoints': { request: () => ({ method: 'POST', url: '/v1/webhook-endpoints', payload: { url: 'https://hooks.example/other', eventTypes: ['*'] } }), crossTenant: { ownOnly: () => [webhookSeed.endpointId, webhookSeed.url] } },
  'GET /v1/webhook-endpoints': { request: () => ({ url: '/v1/webhook-endpoints' }), crossTenant: { ownOnly: () => [webhookSeed.endpointId, webhookSeed.url] } },
  'PATCH /v1/webhook-endpoints/:endpointId': { request: () => ({ method: 'PATCH', url: `/v1/webhook-endpoints/${webhookSeed.endpointId}`, payload: { eventTypes: ['*'] } }), crossTenant: 'not-found' },
  'DELETE /v1/webhook-endpoints/:endpointId': { request: () => ({ method: 'DELETE', url: `/v1/webhook-endpoints/${webhookSeed.spareEndpointId}` }), crossTenant: 'not-found' },
  'POST /v1/webhook-endpoints/:endpointId/rotate-secret': { request: () => ({ method: 'POST', url: `/v1/webhook-endpoints/${webhookSeed.endpointId}/rotate-secret` }), crossTenant: 'not-found' },
  'GET /v1/webhook-endpoints/:endpointId/deliveries': { request: () => ({ url: `/v1/webhook-endpoints/${webhookSeed.endpointId}/deliveries` }), crossTenant: 'not-found' },
  'POST /v1/webhook-deliveries/:deliveryId/retry': { request: () => ({ method: 'POST', url: `/v1/webhook-deliveries/${webhookSeed.deliveryId}/retry` }), crossTenant: 'not-found' },
  'GET /v1/webhook-events': { request: () => ({ url: '/v1/webhook-events' }), crossTenant: { ownOnly: (r) => [webhookSeed.eventId, r.debtorId] } },
  'POST /v1/bank-connections': { request: () => ({ method: 'POST', url: '/v1/bank-connections', payload: { displayName: 'Other bank', kind: 'xs2a', baseUrl: 'https://bank.example' } }), crossTenant: { ownOnly: () => [bankSeed.connectionId, bankSeed.name] } },
  'GET /v1/bank-connections': { request: () => ({ url: '/v1/bank-connections' }), crossTenant: { ownOnly: () => [bankSeed.connectionId, bankSeed.name] } },
  'GET /v1/bank-connections/:connectionId': { request: () => ({ url: `/v1/bank-connections/${bankSeed.connectionId}` }), crossTenant: 'not-found' },
  'PATCH /v1/bank-connections/:connectionId': { request: () => ({ method: 'PATCH', url: `/v1/bank-connections/${bankSeed.connectionId}`, payload: { enabled: true } }), crossTenant: 'not-found' },
  'DELETE /v1/bank-connections/:connectionId': { request: () => ({ method: 'DELETE', url: `/v1/bank-connections/${bankSeed.spareConnectionId}` }), crossTenant: 'not-found' },
  'GET /v1/consents/:consentId/bank-authorisations': { request: (r) => ({ url: `/v1/consents/${r.consentId}/bank-authorisations` }), crossTenant: 'not-found' },
  'POST /v1/consents/:consentId/pulls': { request: (r) => ({ method: 'POST', url: `/v1/consents/${r.consentId}/pulls` }), crossTenant: 'not-found' },
  'GET /v1/consents/:consentId/pulls': { request: (r) => ({ url: `/v1/consents/${r.consentId}/pulls` }), crossTenant: 'not-found' },
  'POST /consent/:token/bank': { request: (r) => pageForm(`/consent/${r.linkToken}/bank`, `connectionId=${bankSeed.connectionId}`), crossTenant: 'token' },
  'GET /consent/:token/bank/return': { request: (r) => ({ url: `/consent/${r.linkToken}/bank/return?state=nothing-started` }), crossTenant: 'token' },
  'GET /consent/:token/bank/return-nok': { request: (r) => ({ url: `/consent/${r.linkToken}/bank/return-nok?state=nothing-started` }), crossTenant: 'token' },
};

function pageForm(url: string, fields = ''): InjectOptions {
  return { method: 'POST', url, payload: `csrf=x${fields ? `&${fields}` : ''}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

describe('access to every route', () => {
  let t: TestApp;
  let seeded: SeededResources;
  beforeAll(async () => {
    t = await createTestApp({ config: { trainingRunner: false } });
    seeded = await seedTenantResources(t);
    const transactions = await t.app.inject({ url: `/v1/debtors/${seeded.debtorId}/transactions`, headers: bearer(t.tenantA.keys.creditor) });
    correctionSeed.transactionId = transactions.json().items[0].id;
    const corrected = await t.app.inject({ method: 'PUT', url: categoryUrl(seeded), headers: bearer(t.tenantA.keys.creditor), payload: { category: 'uncategorised' } });
    if (corrected.statusCode !== 200) throw new Error(`seed correction failed: ${corrected.body}`);
    correctionSeed.ruleId = corrected.json().rule.id;
    // Models of tenant A's own (scoring works with or without starter models shipped in models/).
    const registry = new ModelRegistry(t.database.db);
    const bundle = await syntheticBundle('data-points-only', { modelId: modelSeed.modelId });
    // With the rows their reports are computed on.
    for (const seed of [1, 2]) await registry.writeVersion(t.tenantA.id, { ...bundle, seed }, { source: 'training-run', createdBy: null, trainingRunId: null, evaluation: syntheticEvaluation(bundle, { rows: 120 }) });
    await registry.promote(t.tenantA.id, modelSeed.modelId, 2, 'test');
    if ((await registry.championVersion(t.tenantA.id, 'early-warning-data-points')) === null) {
      await registry.writeVersion(t.tenantA.id, await syntheticBundle('data-points-only'), { source: 'training-run', createdBy: null, trainingRunId: null });
    }
    const claim = await t.app.inject({
      method: 'POST',
      url: '/v1/claims',
      headers: bearer(t.tenantA.keys.creditor),
      payload: { claims: [{ reference: claimSeed.reference, debtorRef: seeded.debtorRef, principalCents: 5000, dueDate: '2026-01-15', interestBasis: 'statutory_consumer' }] },
    });
    if (claim.statusCode !== 201) throw new Error(`seed claim failed: ${claim.body}`);
    claimSeed.claimId = claim.json().items[0].claimId;
    const thresholds = await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-segments', headers: bearer(t.tenantA.keys.admin), payload: { overrides: { lookbackDays: 91 } } });
    if (thresholds.statusCode !== 200) throw new Error(`seed segment thresholds failed: ${thresholds.body}`);
    // A debtor whose bank data affords a plan, a claim, an offer and the plan made from it.
    const today = new Date().toISOString().slice(0, 10);
    const planDebtor = await debtorWithPlanConsent(t, t.tenantA, 'plan-seed', today);
    planSeed.debtorId = planDebtor.debtorId;
    await uploadStatement(t, t.tenantA, planDebtor.debtorId, householdStatement({ salaryCents: 320_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, `${addMonths(today, -14).slice(0, 7)}-01`, today));
    const planClaim = await t.app.inject({ method: 'POST', url: '/v1/claims', headers: bearer(t.tenantA.keys.creditor), payload: { claims: [{ reference: 'plan-seed-claim', debtorRef: 'plan-seed', principalCents: 90_000, dueDate: '2026-01-15', interestBasis: 'none' }] } });
    planSeed.claimId = planClaim.json().items[0].claimId;
    const policy = await t.app.inject({ method: 'PUT', url: '/v1/policies/repayment-plans', headers: bearer(t.tenantA.keys.admin), payload: { policy: { payee: { name: planSeed.payeeName, iban: 'NL20INGB0001234567' } } } });
    if (policy.statusCode !== 200) throw new Error(`seed plan policy failed: ${policy.body}`);
    const offer = await t.app.inject({ method: 'POST', url: `/v1/debtors/${planSeed.debtorId}/plan-options`, headers: bearer(t.tenantA.keys.creditor), payload: { claimIds: [planSeed.claimId] } });
    if (offer.statusCode !== 201 || offer.json().offer.options.length === 0) throw new Error(`seed plan offer failed: ${offer.body.slice(0, 300)}`);
    planSeed.offerId = offer.json().offer.id;
    planSeed.linkToken = offer.json().linkToken;
    planSeed.optionId = offer.json().offer.options.at(-1).id;
    const accepted = await t.app.inject({ method: 'POST', url: `/v1/plan-offers/${planSeed.offerId}/accept`, headers: bearer(t.tenantA.keys.creditor), payload: { optionId: planSeed.optionId } });
    if (accepted.statusCode !== 201) throw new Error(`seed plan failed: ${accepted.body.slice(0, 300)}`);
    planSeed.planId = accepted.json().id;
    const referral = await t.app.inject({ method: 'POST', url: '/v1/debt-help-referrals', headers: bearer(t.tenantA.keys.creditor), payload: { debtorId: seeded.debtorId, reasons: ['complex_debt'] } });
    if (referral.statusCode !== 201) throw new Error(`seed referral failed: ${referral.body}`);
    referralSeed.id = referral.json().referral.id;
    const costTable = await t.app.inject({ method: 'PUT', url: '/v1/policies/collection-costs', headers: bearer(t.tenantA.keys.admin), payload: { config: { ...defaultCollectionCostsConfig(), annualDiscountRateSource: COST_TABLE_MARKER } } });
    if (costTable.statusCode !== 200) throw new Error(`seed cost table failed: ${costTable.body}`);
    const endpoint = await t.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: bearer(t.tenantA.keys.admin), payload: { url: webhookSeed.url, eventTypes: ['*'] } });
    if (endpoint.statusCode !== 201) throw new Error(`seed webhook endpoint failed: ${endpoint.body}`);
    webhookSeed.endpointId = endpoint.json().endpoint.id;
    webhookSeed.eventId = (await t.database.db.transaction().execute((trx) => recordEvent(trx, t.tenantA.id, { type: 'plan.accepted', debtorId: seeded.debtorId, subject: { type: 'plan', id: planSeed.planId }, data: {} }))).id;
    const delivery = await t.database.db.selectFrom('webhook_deliveries').select('id').where('tenant_id', '=', t.tenantA.id).where('event_id', '=', webhookSeed.eventId).executeTakeFirstOrThrow();
    webhookSeed.deliveryId = delivery.id;
    // Dead, so that tenant A's admin may retry it.
    await t.database.db.updateTable('webhook_deliveries').set({ status: 'dead', attempts: 7 }).where('tenant_id', '=', t.tenantA.id).where('id', '=', delivery.id).execute();
    const spare = await t.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: bearer(t.tenantA.keys.admin), payload: { url: 'https://hooks.tenant-a.example/spare', eventTypes: ['plan.accepted'] } });
    webhookSeed.spareEndpointId = spare.json().endpoint.id;
    for (const key of ['connectionId', 'spareConnectionId'] as const) {
      const connection = await t.app.inject({ method: 'POST', url: '/v1/bank-connections', headers: bearer(t.tenantA.keys.admin), payload: { displayName: bankSeed.name, kind: 'xs2a', baseUrl: 'https://bank.tenant-a.example' } });
      if (connection.statusCode !== 201) throw new Error(`seed bank connection failed: ${connection.body}`);
      bankSeed[key] = connection.json().id;
    }
    // An active bank authorisation under A's seeded consent, through a bank that refuses connections at
    // once (port 9 on this machine): "pull now" reaches it and answers 200 with outcome unavailable.
    await t.database.db.updateTable('bank_connections').set({ base_url: 'http://127.0.0.1:9' }).where('tenant_id', '=', t.tenantA.id).where('id', '=', bankSeed.connectionId).execute();
    await t.database.db
      .insertInto('bank_authorisations')
      .values({ tenant_id: t.tenantA.id, id: crypto.randomUUID(), consent_id: seeded.consentId, debtor_id: seeded.debtorId, connection_id: bankSeed.connectionId, provider_consent_id: 'seed-consent', state: 'seed-state', status: 'active', history_from: addDays(new Date().toISOString().slice(0, 10), -90) })
      .execute();
    const run = await t.app.inject({ method: 'POST', url: '/v1/models/training-runs', headers: bearer(t.tenantA.keys.analyst), payload: {} });
    modelSeed.runId = run.json().run.runId;
    const followUp = await t.app.jobRunner.tick('plan-follow-up', new Date());
    jobSeed.runId = followUp.runId!;
    const parts = await t.database.db.selectFrom('job_run_parts').select('tenant_id').distinct().where('run_id', '=', jobSeed.runId).execute();
    if (parts.map((p) => p.tenant_id).join() !== t.tenantA.id) throw new Error(`seed job run should hold tenant A's parts only: ${JSON.stringify(parts)}`);
  }, 120_000);
  afterAll(async () => t.close());

  it('has a case for every registered route', () => {
    const registered = t.app.routeCatalogue.map((r) => `${r.method} ${r.url}`);
    const missing = registered.filter((key) => !CASES[key]);
    expect(missing, 'add these routes to CASES in route-access.test.ts').toEqual([]);
    expect(registered.length).toBeGreaterThanOrEqual(Object.keys(CASES).length);
  });

  it('refuses every role a route does not allow with 403 forbidden_role', async () => {
    let checked = 0;
    for (const route of t.app.routeCatalogue) {
      if (typeof route.auth !== 'object') continue;
      for (const role of API_KEY_ROLES.filter((r) => !(route.auth as { roles: readonly string[] }).roles.includes(r))) {
        const request = CASES[`${route.method} ${route.url}`]!.request(seeded);
        const res = await t.app.inject({ ...request, headers: { ...request.headers, ...bearer(t.tenantA.keys[role]) } });
        expect(res.statusCode, `${route.method} ${route.url} as ${role}`).toBe(403);
        expect(res.json().code).toBe('forbidden_role');
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('refuses every protected route without a key', async () => {
    for (const route of t.app.routeCatalogue) {
      if (typeof route.auth !== 'object') continue;
      const res = await t.app.inject(CASES[`${route.method} ${route.url}`]!.request(seeded));
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('never shows tenant A’s data to tenant B’s keys', async () => {
    for (const route of t.app.routeCatalogue) {
      const routeCase = CASES[`${route.method} ${route.url}`]!;
      if (typeof route.auth !== 'object') continue;
      const role = route.auth.roles[0]!;
      const request = routeCase.request(seeded);
      const res: LightMyRequestResponse = await t.app.inject({ ...request, headers: { ...request.headers, ...bearer(t.tenantB.keys[role]) } });
      const label = `${route.method} ${route.url} with tenant B's ${role} key`;
      if (routeCase.crossTenant === 'not-found') {
        expect(res.statusCode, label).toBe(404);
        expect(res.json().code, label).toBe('not_found');
      } else if (typeof routeCase.crossTenant === 'object') {
        expect(res.statusCode, label).toBeLessThan(500);
        for (const marker of routeCase.crossTenant.ownOnly(seeded)) expect(res.body, label).not.toContain(marker);
      }
    }
  });

  it('refuses debtor-link routes with a forged or foreign token', async () => {
    const { signLinkToken, signScopedLinkToken } = await import('../../src/consent/link-token.js');
    const forged = signLinkToken({ tenantId: t.tenantB.id, consentId: seeded.consentId, debtorId: seeded.debtorId, expiresAt: Date.now() / 1000 + 3600 }, 'not-the-server-secret-not-the-server-secret');
    const retargeted = signLinkToken({ tenantId: t.tenantB.id, consentId: seeded.consentId, debtorId: seeded.debtorId, expiresAt: Math.floor(Date.now() / 1000) + 3600 }, t.config.linkTokenSecret!);
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const planTokens = [
      signScopedLinkToken({ scope: 'plan_offer', tenantId: t.tenantA.id, subjectId: planSeed.offerId, debtorId: planSeed.debtorId, expiresAt }, 'not-the-server-secret-not-the-server-secret'),
      signScopedLinkToken({ scope: 'plan_offer', tenantId: t.tenantB.id, subjectId: planSeed.offerId, debtorId: planSeed.debtorId, expiresAt }, t.config.linkTokenSecret!),
      // A genuine consent link is no plan link.
      seeded.linkToken,
    ];
    let checked = 0;
    for (const route of t.app.routeCatalogue.filter((r) => r.auth === 'link-token')) {
      const request = CASES[`${route.method} ${route.url}`]!.request(seeded);
      const url = request.url!.toString();
      const own = url.includes(planSeed.linkToken) ? planSeed.linkToken : seeded.linkToken;
      for (const token of own === planSeed.linkToken ? planTokens : [forged, retargeted]) {
        const res = await t.app.inject({ ...request, url: url.replace(own, token) });
        expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
        if (route.url.startsWith('/v1/')) expect(res.json().code).toBe('invalid_link_token');
        else {
          // The debtor's page answers in HTML and shows nothing of the consent or the offer.
          expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
          expect(res.body).toContain('Deze link werkt niet');
          expect(res.body).not.toContain(t.tenantA.id);
        }
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('lets tenant A reach its own resources with an allowed role', async () => {
    for (const route of t.app.routeCatalogue) {
      if (typeof route.auth !== 'object') continue;
      const request = CASES[`${route.method} ${route.url}`]!.request(seeded);
      const res = await t.app.inject({ ...request, headers: { ...request.headers, ...bearer(t.tenantA.keys[route.auth.roles[0]!]) } });
      expect(res.statusCode, `${route.method} ${route.url}: ${res.body.slice(0, 300)}`).toBeLessThan(400);
    }
  });
});
