/**
 * Webhooks on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL) with a real HTTP
 * receiver: the transactional outbox (a rolled-back change emits nothing; a change committed before
 * the process died is delivered after restart), signatures checked by an independent verifier,
 * retries on a fake clock (a receiver down for an hour gets every event afterwards, in order per
 * debtor), the dead letter and its retry, tenant isolation, and each event type from the real flows.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths } from '../../src/platform/dates.js';
import { CURRENT_CONSENT_TEXT_VERSION, expireConsents, terminateConsent } from '../../src/consent/consent.service.js';
import { WebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { recordEvent } from '../../src/webhooks/events.js';
import { checkEndpointUrl, purgeWebhookHistory } from '../../src/webhooks/webhooks.service.js';
import { signPayload } from '../../src/webhooks/signature.js';
import { ModelRegistry } from '../../src/risk-models/registry.js';
import { syntheticBundle } from '../risk-models/registry-support.js';
import { today as realToday } from '../support/flows.js';
import { bearer, createTestApp, type TestApp, type TestTenant } from '../support/test-app.js';
import { debtorWithPlanConsent, householdStatement, uploadStatement } from '../repayment-plans/plan-support.js';
import { startReceiver, verifyStandardWebhook, type Receiver } from './webhooks-support.js';
import { metrics } from '../../src/platform/metrics.js';

const START = realToday();
const SCHEDULE = [30, 120, 600, 3600, 21600, 86400];

describe('webhooks', () => {
  let t: TestApp;
  let receiver: Receiver;
  let today = START;
  let clock = new Date();

  const as = (tenant: TestTenant, role: 'creditor' | 'analyst' | 'admin') => bearer(tenant.keys[role]);
  const dispatcher = (options: { schedule?: number[]; fetch?: typeof fetch } = {}) =>
    new WebhookDispatcher({ db: t.database.db, retryScheduleSeconds: options.schedule ?? SCHEDULE, timeoutMs: 2_000, batchSize: 50, pollMs: 10, now: () => clock, random: () => 0.5, allowHttpLocalhost: true, ...(options.fetch ? { fetch: options.fetch } : {}) });
  /** The fake clock starts just after the database's own now(), which stamped the deliveries written so far. */
  const startClock = () => {
    clock = new Date(Date.now() + 1000);
  };
  const advance = (seconds: number) => {
    clock = new Date(clock.getTime() + seconds * 1000);
  };
  const createEndpoint = async (eventTypes: string[] = ['*'], tenant: TestTenant = t.tenantA) => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: as(tenant, 'admin'), payload: { url: receiver.url, eventTypes } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { endpoint: { id: string }; secret: string };
  };
  const deleteEndpoint = async (id: string) => {
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/webhook-endpoints/${id}`, headers: as(t.tenantA, 'admin') });
    expect(res.statusCode).toBe(204);
  };
  const events = async (query = '', tenant: TestTenant = t.tenantA) => {
    const res = await t.app.inject({ url: `/v1/webhook-events?limit=500${query}`, headers: as(tenant, 'analyst') });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { id: string; seq: number; type: string; debtorId: string | null; subject: { type: string; id: string }; data: Record<string, unknown> }[];
  };
  const deliveries = async (endpointId: string) => {
    const res = await t.app.inject({ url: `/v1/webhook-endpoints/${endpointId}/deliveries?limit=500`, headers: as(t.tenantA, 'analyst') });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { id: string; eventId: string; eventType: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null }[];
  };
  const newConsent = async (debtorRef: string, validDays = 90) => {
    const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: as(t.tenantA, 'creditor'), payload: { externalRef: debtorRef } });
    const debtorId = debtor.json().id as string;
    const consent = await t.app.inject({
      method: 'POST',
      url: `/v1/debtors/${debtorId}/consents`,
      headers: as(t.tenantA, 'creditor'),
      payload: { access: { transactions: true }, purpose: 'early_warning_monitoring', validUntil: addDays(START, validDays), frequencyPerDay: 4, recurringIndicator: true },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    return { debtorId, consentId: consent.json().consent.id as string, linkToken: consent.json().linkToken as string };
  };
  const grant = async (linkToken: string) => {
    const res = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${linkToken}/grant`, payload: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const record = (tenantId: string, debtorId: string | null, n: number) =>
    t.database.db.transaction().execute((trx) => recordEvent(trx, tenantId, { type: 'plan.instalment_missed', debtorId, subject: { type: 'plan', id: `test-${n}` }, data: { n } }));

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await createTestApp({ today: () => today, config: { webhookAllowHttpLocalhost: true } });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  it('accepts https endpoints, and plain http only on this machine when allowed', () => {
    expect(checkEndpointUrl('https://hooks.example.nl/in', false)).toBe('https://hooks.example.nl/in');
    expect(() => checkEndpointUrl('http://hooks.example.nl/in', true)).toThrow(/https/);
    expect(() => checkEndpointUrl('http://127.0.0.1:9/in', false)).toThrow(/private|https/);
    // The service is not to be made to POST into its own network.
    for (const internal of ['https://10.0.0.5/h', 'https://169.254.169.254/latest', 'https://192.168.1.1/', 'https://172.20.0.1/', 'https://[fd00::1]/', 'https://0x7f.0.0.1/', 'https://localhost/h']) {
      expect(() => checkEndpointUrl(internal, false), internal).toThrow(/private/);
    }
    expect(checkEndpointUrl('https://172.32.0.1/h', false)).toBe('https://172.32.0.1/h');
    expect(checkEndpointUrl('http://127.0.0.1:9/in', true)).toBe('http://127.0.0.1:9/in');
    expect(() => checkEndpointUrl('https://user:pw@hooks.example.nl/', false)).toThrow(/credentials/);
  });

  it('refuses unknown event types and shows the secret only on create and rotation', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/v1/webhook-endpoints', headers: as(t.tenantA, 'admin'), payload: { url: 'https://x.example/h', eventTypes: ['plan.accepted', 'plan.eaten'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/eventTypes/1');
    const { endpoint, secret } = await createEndpoint(['plan.accepted']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = await t.app.inject({ url: '/v1/webhook-endpoints', headers: as(t.tenantA, 'analyst') });
    expect(list.body).not.toContain(secret);
    const rotated = await t.app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, headers: as(t.tenantA, 'admin') });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(secret);
    expect(rotated.json().endpoint.secretRotatedAt).not.toBeNull();
    await deleteEndpoint(endpoint.id);
  });

  it('writes no event when the business change rolls back', async () => {
    const { endpoint } = await createEndpoint();
    const { consentId, linkToken } = await newConsent('rollback-debtor');
    await grant(linkToken);
    const before = await events();
    const failed = t.database.db.transaction().execute(async (trx) => {
      await terminateConsent(trx, t.tenantA.id, consentId, { now: new Date(), actor: 'test' });
      throw new Error('the request failed after the change');
    });
    await expect(failed).rejects.toThrow('after the change');
    const consent = await t.app.inject({ url: `/v1/consents/${consentId}`, headers: as(t.tenantA, 'creditor') });
    expect(consent.json().consent.status).toBe('valid');
    const after = await events();
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect((await deliveries(endpoint.id)).map((d) => d.eventType)).toEqual(['consent.granted']);
    // The same change committed does write its event (so the check above can fail).
    await t.database.db.transaction().execute((trx) => terminateConsent(trx, t.tenantA.id, consentId, { now: new Date(), actor: 'test' }));
    expect((await events()).filter((e) => e.subject.id === consentId).map((e) => e.type)).toEqual(['consent.terminated', 'consent.granted']);
    await deleteEndpoint(endpoint.id);
  });

  it('delivers, signed, an event committed before the process died: before any send, and during one', async () => {
    const { endpoint, secret } = await createEndpoint(['consent.granted']);
    const { consentId, linkToken } = await newConsent('crash-debtor');
    await grant(linkToken);
    startClock();
    // The process died after the commit and before any send: only the outbox knows. A new process:
    receiver.received.length = 0;
    expect((await dispatcher().drain()).delivered).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    const [event] = (await events()).filter((e) => e.subject.id === consentId);
    expect(got.headers['webhook-id']).toBe(event!.id);
    expect(got.json).toMatchObject({ id: event!.id, type: 'consent.granted', data: { consentId, status: 'valid', purpose: 'early_warning_monitoring' } });
    expect(await verifyStandardWebhook(secret, got.headers, got.body, Math.floor(clock.getTime() / 1000))).toBe(true);
    // The independent verifier refuses a changed body, another secret and a stale timestamp.
    expect(await verifyStandardWebhook(secret, got.headers, got.body.replace('valid', 'other'), Math.floor(clock.getTime() / 1000))).toBe(false);
    expect(await verifyStandardWebhook('whsec_' + Buffer.alloc(32, 1).toString('base64'), got.headers, got.body, Math.floor(clock.getTime() / 1000))).toBe(false);
    expect(await verifyStandardWebhook(secret, got.headers, got.body, Math.floor(clock.getTime() / 1000) + 3600)).toBe(false);
    // The service's signer agrees with the spec's example (standardwebhooks test vector).
    expect(signPayload('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');

    // Now the process dies during the send: the attempt never returns. After the lease, a new process sends it.
    const second = await newConsent('crash-debtor-2');
    await grant(second.linkToken);
    startClock();
    void dispatcher({ fetch: () => new Promise<Response>(() => undefined) }).runOnce();
    await new Promise((resolve) => setTimeout(resolve, 200));
    receiver.received.length = 0;
    const restarted = dispatcher();
    expect((await restarted.drain()).attempted).toBe(0);
    advance(2 + 30 + 1);
    expect((await restarted.drain()).delivered).toBe(1);
    expect(receiver.received.map((r) => r.json.data.consentId)).toEqual([second.consentId]);
    await deleteEndpoint(endpoint.id);
  });

  it('gets a receiver that was down for an hour every event afterwards, in order per debtor', async () => {
    const { endpoint } = await createEndpoint(['plan.instalment_missed']);
    const debtors = [randomUUID(), randomUUID(), randomUUID()];
    const written: Record<string, string[]> = {};
    for (let n = 0; n < 12; n += 1) {
      const debtorId = debtors[n % 3]!;
      const { id } = await record(t.tenantA.id, debtorId, n);
      (written[debtorId] ??= []).push(id);
    }
    startClock();
    receiver.received.length = 0;
    receiver.refused = 0;
    receiver.status = 503;
    const d = dispatcher();
    for (let second = 0; second <= 3600; second += 30) {
      await d.drain();
      advance(30);
    }
    // Only the first event of each debtor was tried; the rest waited behind it.
    expect(receiver.refused).toBe(3 * 4);
    const during = await deliveries(endpoint.id);
    expect(during.every((x) => x.status === 'pending')).toBe(true);
    expect(during.filter((x) => x.attempts > 0)).toHaveLength(3);
    receiver.status = 204;
    for (let minute = 0; minute < 24 * 60 && receiver.received.length < 12; minute += 1) {
      await d.drain();
      advance(60);
    }
    expect(receiver.received).toHaveLength(12);
    for (const debtorId of debtors) {
      expect(receiver.received.filter((r) => r.json.data.debtorId === debtorId).map((r) => r.json.id)).toEqual(written[debtorId]);
    }
    expect((await deliveries(endpoint.id)).every((x) => x.status === 'delivered')).toBe(true);
    await deleteEndpoint(endpoint.id);
  }, 60_000);

  it('lets two dispatchers run at once: each event is sent once, and each debtor’s in order', async () => {
    const { endpoint } = await createEndpoint(['plan.instalment_missed']);
    const debtors = Array.from({ length: 5 }, () => randomUUID());
    const written: Record<string, string[]> = {};
    for (let n = 0; n < 40; n += 1) {
      const debtorId = debtors[n % debtors.length]!;
      (written[debtorId] ??= []).push((await record(t.tenantA.id, debtorId, n)).id);
    }
    startClock();
    receiver.received.length = 0;
    const [one, two] = [dispatcher(), dispatcher()];
    const results = await Promise.all([one.drain(), two.drain()]);
    expect(results[0]!.delivered + results[1]!.delivered).toBe(40);
    expect(receiver.received).toHaveLength(40);
    expect(new Set(receiver.received.map((r) => r.json.id)).size).toBe(40);
    for (const debtorId of debtors) {
      expect(receiver.received.filter((r) => r.json.data.debtorId === debtorId).map((r) => r.json.id)).toEqual(written[debtorId]);
    }
    await deleteEndpoint(endpoint.id);
  });

  it('holds a disabled endpoint’s pending deliveries and sends them, in order, once it is enabled again', async () => {
    const { endpoint } = await createEndpoint(['plan.instalment_missed']);
    const debtorId = randomUUID();
    const first = await record(t.tenantA.id, debtorId, 1);
    const paused = await t.app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: as(t.tenantA, 'admin'), payload: { enabled: false } });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json().enabled).toBe(false);
    // Written while disabled: no delivery at all.
    const whileDisabled = await record(t.tenantA.id, debtorId, 2);
    startClock();
    receiver.received.length = 0;
    expect((await dispatcher().drain()).attempted).toBe(0);
    expect((await t.app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: as(t.tenantA, 'admin'), payload: { enabled: true } })).statusCode).toBe(200);
    const third = await record(t.tenantA.id, debtorId, 3);
    startClock();
    await dispatcher().drain();
    expect(receiver.received.map((r) => r.json.id)).toEqual([first.id, third.id]);
    expect(receiver.received.map((r) => r.json.id)).not.toContain(whileDisabled.id);
    const badUrl = await t.app.inject({ method: 'PATCH', url: `/v1/webhook-endpoints/${endpoint.id}`, headers: as(t.tenantA, 'admin'), payload: { url: 'https://10.1.2.3/h' } });
    expect(badUrl.statusCode).toBe(400);
    await deleteEndpoint(endpoint.id);
  });

  it('gives up after the last retry (dead), lets later events of the debtor pass, and retries a dead delivery on request', async () => {
    const gaveUp = async () => (await metrics.webhookDeliveries.get()).values.filter((v) => v.labels.outcome === 'gave_up').reduce((n, v) => n + v.value, 0);
    const gaveUpBefore = await gaveUp();
    const { endpoint } = await createEndpoint(['plan.instalment_missed']);
    const debtorId = randomUUID();
    const first = await record(t.tenantA.id, debtorId, 1);
    startClock();
    receiver.status = 500;
    receiver.received.length = 0;
    const d = dispatcher({ schedule: [1, 2] });
    for (let i = 0; i < 5; i += 1) {
      await d.drain();
      advance(3);
    }
    const [dead] = await deliveries(endpoint.id);
    expect(dead).toMatchObject({ eventId: first.id, status: 'dead', attempts: 3, lastStatusCode: 500, lastError: 'HTTP 500' });
    // A dead delivery no longer holds back the debtor's later events.
    receiver.status = 200;
    const second = await record(t.tenantA.id, debtorId, 2);
    startClock();
    await d.drain();
    expect(receiver.received.map((r) => r.json.id)).toEqual([second.id]);
    // Only a dead delivery can be retried; it goes out again with a fresh schedule.
    const delivered = (await deliveries(endpoint.id)).find((x) => x.eventId === second.id)!;
    expect((await t.app.inject({ method: 'POST', url: `/v1/webhook-deliveries/${delivered.id}/retry`, headers: as(t.tenantA, 'admin') })).statusCode).toBe(409);
    const retried = await t.app.inject({ method: 'POST', url: `/v1/webhook-deliveries/${dead!.id}/retry`, headers: as(t.tenantA, 'admin') });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 0 });
    startClock();
    await d.drain();
    expect(receiver.received.map((r) => r.json.id)).toEqual([second.id, first.id]);
    expect((await deliveries(endpoint.id)).find((x) => x.id === dead!.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    receiver.status = 204;
    await deleteEndpoint(endpoint.id);
    // /metrics counts the deliveries given up.
    expect(await gaveUp()).toBeGreaterThan(gaveUpBefore);
  });

  it('keeps tenants apart: events go to the own tenant’s endpoints, and another tenant sees none of them', async () => {
    const a = await createEndpoint(['plan.instalment_missed'], t.tenantA);
    const b = await createEndpoint(['plan.instalment_missed'], t.tenantB);
    const debtorId = randomUUID();
    const event = await record(t.tenantA.id, debtorId, 7);
    startClock();
    receiver.received.length = 0;
    await dispatcher().drain();
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries(a.endpoint.id)).map((x) => x.eventId)).toEqual([event.id]);
    const bDeliveries = await t.app.inject({ url: `/v1/webhook-endpoints/${b.endpoint.id}/deliveries`, headers: as(t.tenantB, 'analyst') });
    expect(bDeliveries.json().items).toEqual([]);
    expect((await events('', t.tenantB)).map((e) => e.id)).not.toContain(event.id);
    expect((await t.app.inject({ url: `/v1/webhook-endpoints/${a.endpoint.id}/deliveries`, headers: as(t.tenantB, 'analyst') })).statusCode).toBe(404);
    const aDelivery = (await deliveries(a.endpoint.id))[0]!;
    expect((await t.app.inject({ method: 'POST', url: `/v1/webhook-deliveries/${aDelivery.id}/retry`, headers: as(t.tenantB, 'admin') })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/webhook-endpoints/${a.endpoint.id}`, headers: as(t.tenantB, 'admin') })).statusCode).toBe(404);
    await deleteEndpoint(a.endpoint.id);
    await t.app.inject({ method: 'DELETE', url: `/v1/webhook-endpoints/${b.endpoint.id}`, headers: as(t.tenantB, 'admin') });
  });

  it('emits the consent events from the real flows: granted, revoked, rejected, terminated, expired', async () => {
    const revoked = await newConsent('flow-revoke');
    await grant(revoked.linkToken);
    expect((await t.app.inject({ method: 'POST', url: `/v1/consent-links/${revoked.linkToken}/revoke` })).statusCode).toBe(200);
    const rejected = await newConsent('flow-reject');
    expect((await t.app.inject({ method: 'POST', url: `/v1/consent-links/${rejected.linkToken}/reject` })).statusCode).toBe(200);
    const terminated = await newConsent('flow-terminate');
    await grant(terminated.linkToken);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/consents/${terminated.consentId}`, headers: as(t.tenantA, 'creditor') })).statusCode).toBeLessThan(300);
    const expiring = await newConsent('flow-expire', 3);
    await grant(expiring.linkToken);
    expect(await expireConsents(t.database.db, addDays(START, 10), new Date(), t.tenantA.id)).toBeGreaterThanOrEqual(1);
    // Expiring again finds nothing more to announce.
    await expireConsents(t.database.db, addDays(START, 10), new Date(), t.tenantA.id);
    const of = async (consentId: string) => (await events()).filter((e) => e.subject.id === consentId).map((e) => e.type).reverse();
    expect(await of(revoked.consentId)).toEqual(['consent.granted', 'consent.revoked']);
    expect(await of(rejected.consentId)).toEqual(['consent.rejected']);
    expect(await of(terminated.consentId)).toEqual(['consent.granted', 'consent.terminated']);
    expect(await of(expiring.consentId)).toEqual(['consent.granted', 'consent.expired']);
    const [expired] = (await events('&type=consent.expired')).filter((e) => e.subject.id === expiring.consentId);
    expect(expired).toMatchObject({ debtorId: expiring.debtorId, data: { consentId: expiring.consentId, status: 'expired', previousStatus: 'valid' } });
  });

  it('emits plan accepted, each instalment missed once, and the plan broken, from the real flows', async () => {
    today = START;
    const { debtorId } = await debtorWithPlanConsent(t, t.tenantA, 'flow-plan', START);
    await uploadStatement(t, t.tenantA, debtorId, householdStatement({ salaryCents: 320_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, `${addMonths(START, -14).slice(0, 7)}-01`, START));
    const claim = await t.app.inject({ method: 'POST', url: '/v1/claims', headers: as(t.tenantA, 'creditor'), payload: { claims: [{ reference: 'WH-1', debtorRef: 'flow-plan', principalCents: 90_000, dueDate: '2026-01-15', interestBasis: 'none' }] } });
    expect(claim.statusCode, claim.body).toBe(201);
    const offer = await t.app.inject({ method: 'POST', url: `/v1/debtors/${debtorId}/plan-options`, headers: as(t.tenantA, 'creditor'), payload: { claimIds: [claim.json().items[0].claimId] } });
    expect(offer.statusCode, offer.body.slice(0, 300)).toBe(201);
    const option = offer.json().offer.options.find((o: { instalments: unknown[] }) => o.instalments.length >= 2);
    expect(option, 'an option of two or more instalments').toBeDefined();
    const accepted = await t.app.inject({ method: 'POST', url: `/v1/plan-offers/${offer.json().offer.id}/accept`, headers: as(t.tenantA, 'creditor'), payload: { optionId: option.id } });
    expect(accepted.statusCode, accepted.body.slice(0, 300)).toBe(201);
    const planId = accepted.json().id as string;
    const planEvents = async () => (await events(`&debtorId=${debtorId}`)).filter((e) => e.subject.id === planId).reverse();
    expect((await planEvents()).map((e) => e.type)).toEqual(['plan.accepted']);
    expect((await planEvents())[0]!.data).toMatchObject({ planId, optionId: option.id, acceptedBy: 'creditor', totalCents: option.totalCents });
    // A look ahead (asOf in the future) announces nothing: transitions are announced as they stand today.
    const instalments = accepted.json().state.instalments as { number: number; dueDate: string }[];
    const far = addDays(instalments.at(-1)!.dueDate, 60);
    expect((await t.app.inject({ url: `/v1/plans/${planId}?asOf=${far}`, headers: as(t.tenantA, 'analyst') })).statusCode).toBe(200);
    expect((await planEvents()).map((e) => e.type)).toEqual(['plan.accepted']);
    // Nothing paid: 14 days after the first due date the first instalment is missed, and announced once.
    today = addDays(instalments[0]!.dueDate, 15);
    for (let i = 0; i < 2; i += 1) expect((await t.app.inject({ url: `/v1/plans/${planId}`, headers: as(t.tenantA, 'analyst') })).statusCode).toBe(200);
    expect((await planEvents()).map((e) => e.type)).toEqual(['plan.accepted', 'plan.instalment_missed']);
    // The second one missed breaks the plan (breachAfterMissed 2); reading it twice, through two routes, announces each once.
    today = addDays(instalments[1]!.dueDate, 15);
    await t.app.inject({ url: `/v1/plans/${planId}`, headers: as(t.tenantA, 'analyst') });
    await t.app.inject({ url: `/v1/debtors/${debtorId}/plans`, headers: as(t.tenantA, 'creditor') });
    const types = (await planEvents()).map((e) => e.type);
    expect(types).toEqual(['plan.accepted', 'plan.instalment_missed', 'plan.instalment_missed', 'plan.broken']);
    expect((await planEvents()).filter((e) => e.type === 'plan.instalment_missed').map((e) => e.data.instalmentNumber)).toEqual([1, 2]);
    today = START;
  }, 90_000);

  it('emits model promoted and a score’s band change against the debtor’s previous stored score', async () => {
    const registry = new ModelRegistry(t.database.db);
    const bundle = await syntheticBundle('data-points-only', { modelId: 'webhook-model' });
    const version = await registry.writeVersion(t.tenantA.id, { ...bundle, seed: 99 }, { source: 'training-run', createdBy: null, trainingRunId: null });
    const second = await registry.writeVersion(t.tenantA.id, { ...bundle, seed: 100 }, { source: 'training-run', createdBy: null, trainingRunId: null });
    const promoted = await t.app.inject({ method: 'POST', url: `/v1/models/webhook-model/versions/${second}/promote`, headers: as(t.tenantA, 'analyst') });
    expect(promoted.statusCode, promoted.body).toBe(200);
    const modelEvents = (await events('&type=model.promoted')).filter((e) => e.subject.id === 'webhook-model');
    expect(modelEvents.map((e) => e.data)).toEqual([expect.objectContaining({ version: second, previousVersion: version }), expect.objectContaining({ version, previousVersion: null })]);

    const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: as(t.tenantA, 'creditor'), payload: { externalRef: 'flow-score' } });
    const debtorId = debtor.json().id as string;
    const score = async () => {
      const res = await t.app.inject({ url: `/v1/debtors/${debtorId}/score`, headers: as(t.tenantA, 'creditor') });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      return res.json() as { scoreId: string; band: { name: string } };
    };
    const first = await score();
    const riskEvents = async () => (await events(`&debtorId=${debtorId}`)).filter((e) => e.type.startsWith('risk.')).reverse();
    const warned = ['high', 'very_high'].includes(first.band.name);
    expect((await riskEvents()).map((e) => e.type)).toEqual(warned ? ['risk.early_warning_raised'] : []);
    // The same data scores the same band: nothing new.
    await score();
    expect(await riskEvents()).toHaveLength(warned ? 1 : 0);
    // The stored previous score said another band (as if the debtor's data had changed since).
    const otherBand = warned ? 'low' : 'very_high';
    await t.database.db.updateTable('risk_scores').set({ band: otherBand }).where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', debtorId).execute();
    // Scored anew (POST /v1/scores always computes; GET would answer the unchanged debtor from memory).
    const rescored = await t.app.inject({ method: 'POST', url: '/v1/scores', headers: as(t.tenantA, 'creditor'), payload: { debtorIds: [debtorId] } });
    expect(rescored.statusCode, rescored.body.slice(0, 300)).toBe(200);
    const third = (rescored.json() as { scores: { scoreId: string; band: { name: string } }[] }).scores[0]!;
    const after = await riskEvents();
    const changed = after.filter((e) => e.type === 'risk.band_changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({ subject: { type: 'risk_score', id: third.scoreId }, data: { band: third.band.name, previousBand: otherBand } });
    expect(after.filter((e) => e.type === 'risk.early_warning_raised')).toHaveLength(warned ? 2 : 0);
  }, 60_000);

  it('lists the debtor’s events in the GDPR export and erases them with the debtor', async () => {
    const { endpoint } = await createEndpoint(['consent.granted']);
    const { debtorId, linkToken } = await newConsent('gdpr-debtor');
    await grant(linkToken);
    const exported = await t.app.inject({ url: `/v1/debtors/${debtorId}/export`, headers: as(t.tenantA, 'creditor') });
    expect(exported.statusCode).toBe(200);
    expect(exported.json().webhookEvents.map((e: { type: string }) => e.type)).toEqual(['consent.granted']);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/debtors/${debtorId}`, headers: as(t.tenantA, 'creditor') })).statusCode).toBe(204);
    expect(await events(`&debtorId=${debtorId}`)).toEqual([]);
    const left = await t.database.db.selectFrom('webhook_deliveries').select('id').where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', debtorId).execute();
    expect(left).toEqual([]);
    await deleteEndpoint(endpoint.id);
  });

  it('signs with the old and the new secret for the overlap after a rotation, then with the new one alone', async () => {
    const { endpoint, secret: oldSecret } = await createEndpoint(['plan.instalment_missed']);
    const rotated = await t.app.inject({ method: 'POST', url: `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, headers: as(t.tenantA, 'admin') });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.body).not.toContain(oldSecret.slice(6));
    const debtorId = randomUUID();
    await record(t.tenantA.id, debtorId, 1);
    startClock();
    receiver.received.length = 0;
    await dispatcher().drain();
    const during = receiver.received[0]!;
    const nowSeconds = () => Math.floor(clock.getTime() / 1000);
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    // A receiver that has not switched yet, and one that has, both verify the event.
    expect(await verifyStandardWebhook(oldSecret, during.headers, during.body, nowSeconds())).toBe(true);
    expect(await verifyStandardWebhook(newSecret, during.headers, during.body, nowSeconds())).toBe(true);
    // After the overlap (24 hours by default) the old secret no longer signs.
    await record(t.tenantA.id, debtorId, 2);
    startClock();
    advance(24 * 3600 + 60);
    receiver.received.length = 0;
    await dispatcher().drain();
    const after = receiver.received[0]!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(await verifyStandardWebhook(oldSecret, after.headers, after.body, nowSeconds())).toBe(false);
    expect(await verifyStandardWebhook(newSecret, after.headers, after.body, nowSeconds())).toBe(true);
    // The secrets stay write-only: the endpoint as listed carries neither.
    const listed = await t.app.inject({ url: '/v1/webhook-endpoints', headers: as(t.tenantA, 'admin') });
    expect(listed.body).not.toContain(newSecret.slice(6));
    expect(listed.body).not.toContain(oldSecret.slice(6));
    await deleteEndpoint(endpoint.id);
  });

  it('purges sent history after the retention, dead deliveries after theirs, and never what is still to be sent', async () => {
    const { endpoint } = await createEndpoint(['plan.instalment_missed']);
    const delivered = await record(t.tenantA.id, randomUUID(), 1);
    startClock();
    await dispatcher().drain();
    const deadEvent = await record(t.tenantA.id, randomUUID(), 2);
    startClock();
    receiver.status = 500;
    const failing = dispatcher({ schedule: [1] });
    await failing.drain();
    advance(2);
    await failing.drain();
    receiver.status = 204;
    // Not sent yet (no dispatcher ran since): pending however old it gets.
    const pending = await record(t.tenantA.id, randomUUID(), 3);
    const statusOf = async (eventId: string) =>
      (await t.database.db.selectFrom('webhook_deliveries').select('status').where('tenant_id', '=', t.tenantA.id).where('event_id', '=', eventId).executeTakeFirst())?.status ?? 'gone';
    const eventExists = async (eventId: string) => (await t.database.db.selectFrom('webhook_events').select('id').where('tenant_id', '=', t.tenantA.id).where('id', '=', eventId).executeTakeFirst()) !== undefined;
    expect([await statusOf(delivered.id), await statusOf(deadEvent.id), await statusOf(pending.id)]).toEqual(['delivered', 'dead', 'pending']);
    const purge = (daysLater: number) => purgeWebhookHistory(t.database.db, t.tenantA.id, new Date(Date.now() + daysLater * 86_400_000), { deliveredDays: 30, deadDays: 90 });

    expect(await purge(29)).toEqual({ deliveries: 0, events: 0 });
    const at31 = await purge(31);
    expect(at31.deliveries).toBeGreaterThanOrEqual(1);
    expect(await statusOf(delivered.id)).toBe('gone');
    expect(await eventExists(delivered.id)).toBe(false);
    expect([await statusOf(deadEvent.id), await statusOf(pending.id)]).toEqual(['dead', 'pending']);
    expect(await eventExists(deadEvent.id)).toBe(true);

    await purge(91);
    expect(await statusOf(deadEvent.id)).toBe('gone');
    expect(await eventExists(deadEvent.id)).toBe(false);
    // What is still to be sent is kept, with its event, whatever its age; the other tenant is untouched.
    expect(await statusOf(pending.id)).toBe('pending');
    expect(await eventExists(pending.id)).toBe(true);
    await deleteEndpoint(endpoint.id);
  });
});
