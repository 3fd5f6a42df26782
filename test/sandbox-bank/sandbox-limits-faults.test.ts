/**
 * The sandbox bank's frequencyPerDay enforcement (unattended reads only, per account and kind of
 * read, per Amsterdam day, a paged read counted once) and its injectable faults: 429 with
 * Retry-After, 500/503, slow answers, truncated JSON, a next link to nowhere, faults limited to a path
 * and a number of calls, and the admin endpoint that injects them over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxBank, type SandboxBank } from '../../src/sandbox-bank/sandbox-bank.js';
import { validateXs2aResponse } from '../support/xs2a-contract.js';
import { PSU_IP, xs2a } from './xs2a-http.js';

const TODAY = '2026-12-06';
let now = new Date(`${TODAY}T10:00:00Z`);
let bank: SandboxBank;

beforeAll(async () => {
  bank = await startSandboxBank({ households: 6, months: 3, seed: 11, today: TODAY, clock: () => now, pageSize: 20 });
});
afterAll(async () => {
  await bank.close();
});

async function approvedConsent(psuId: string, frequencyPerDay = 4): Promise<string> {
  const created = await xs2a(bank.url, 'POST', '/v1/consents', {
    headers: { 'PSU-IP-Address': PSU_IP, 'TPP-Redirect-URI': 'https://tpp.example/ok' },
    body: { access: { allPsd2: 'allAccounts' }, recurringIndicator: true, validUntil: '2027-03-01', frequencyPerDay, combinedServiceIndicator: false },
  });
  const approved = await fetch(created.body._links.scaRedirect.href, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ psuId, decision: 'approve' }).toString(), redirect: 'manual' });
  expect(approved.status).toBe(303);
  return created.body.consentId as string;
}

describe('frequencyPerDay', () => {
  it('the (N+1)th unattended read of an account’s balances that day is 429 ACCESS_EXCEEDED; the present PSU is not counted', async () => {
    const consentId = await approvedConsent('household-0001', 2);
    const [first, second] = bank.world.accountsOf('household-0001');
    const balances = (resourceId: string, present = false) => xs2a(bank.url, 'GET', `/v1/accounts/${resourceId}/balances`, { headers: { 'Consent-ID': consentId, ...(present ? { 'PSU-IP-Address': PSU_IP } : {}) } });

    // The PSU is present: as many reads as the TPP likes, none counted.
    for (let i = 0; i < 5; i++) expect((await balances(first!.resourceId, true)).status).toBe(200);
    expect((await balances(first!.resourceId)).status).toBe(200);
    expect((await balances(first!.resourceId)).status).toBe(200);
    const exceeded = await balances(first!.resourceId);
    expect(exceeded.status).toBe(429);
    expect(exceeded.body.tppMessages[0].code).toBe('ACCESS_EXCEEDED');
    expect(exceeded.headers.get('retry-after')).toBeNull();
    // Still exceeded, and a refused call does not count further; the present PSU still reads.
    expect((await balances(first!.resourceId)).status).toBe(429);
    expect((await balances(first!.resourceId, true)).status).toBe(200);
    // Per account and per kind of read: the other account, and the account list, have their own allowance.
    if (second) expect((await balances(second.resourceId)).status).toBe(200);
    expect((await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': consentId } })).status).toBe(200);

    const saved = now;
    try {
      now = new Date('2026-12-06T22:59:59Z'); // 23:59:59 in Amsterdam: the same day
      expect((await balances(first!.resourceId)).status).toBe(429);
      now = new Date('2026-12-06T23:00:00Z'); // midnight in Amsterdam: a new day
      expect((await balances(first!.resourceId)).status).toBe(200);
    } finally {
      now = saved;
    }
  });

  it('a paged transactions read is one access: following next links does not count again', async () => {
    const consentId = await approvedConsent('household-0002', 1);
    const account = bank.world.accountsOf('household-0002')[0]!;
    const headers = { 'Consent-ID': consentId };
    let page = await xs2a(bank.url, 'GET', `/v1/accounts/${account.resourceId}/transactions`, { headers, query: { bookingStatus: 'both', dateFrom: '2026-01-01' } });
    let pages = 1;
    while (page.body.transactions._links.next) {
      page = await xs2a(bank.url, 'GET', page.body.transactions._links.next.href, { headers });
      expect(page.status).toBe(200);
      pages++;
    }
    expect(pages).toBeGreaterThan(2);
    const again = await xs2a(bank.url, 'GET', `/v1/accounts/${account.resourceId}/transactions`, { headers, query: { bookingStatus: 'both', dateFrom: '2026-01-01' } });
    expect(again.status).toBe(429);
    expect(again.body.tppMessages[0].code).toBe('ACCESS_EXCEEDED');
  });
});

describe('faults', () => {
  let consentId: string;
  let resourceId: string;
  beforeAll(async () => {
    consentId = await approvedConsent('household-0003', 100);
    resourceId = bank.world.accountsOf('household-0003')[0]!.resourceId;
  });
  const accounts = () => xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': consentId, 'PSU-IP-Address': PSU_IP } });

  it('rate-limit: the next N calls answer 429 with Retry-After, then normal service', async () => {
    bank.faults.inject({ kind: 'rate-limit', times: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const limited = await accounts();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('7');
      expect(limited.body.tppMessages[0].code).toBe('ACCESS_EXCEEDED');
    }
    expect((await accounts()).status).toBe(200);
  });

  it('server-error: 500, and 503 with Retry-After', async () => {
    bank.faults.inject({ kind: 'server-error' });
    bank.faults.inject({ kind: 'server-error', status: 503, retryAfterSeconds: 30 });
    expect((await accounts()).status).toBe(500);
    const unavailable = await accounts();
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('30');
    expect((await accounts()).status).toBe(200);
  });

  it('slow: the normal answer after the delay; a client that gives up earlier sees a timeout', async () => {
    bank.faults.inject({ kind: 'slow', delayMs: 400 });
    const slow = await accounts();
    expect(slow.status).toBe(200);
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(390);
    bank.faults.inject({ kind: 'slow', delayMs: 1500 });
    await expect(fetch(`${bank.url}/v1/accounts`, { headers: { 'X-Request-ID': crypto.randomUUID(), 'Consent-ID': consentId }, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const quick = await accounts();
    expect(quick.elapsedMs).toBeLessThan(1000);
  });

  it('truncated: status 200 and JSON headers, a body cut off that neither parses nor validates', async () => {
    bank.faults.inject({ kind: 'truncated' });
    const broken = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': consentId, 'PSU-IP-Address': PSU_IP }, broken: true });
    expect(broken.status).toBe(200);
    expect(broken.headers.get('content-type')).toBe('application/json');
    expect(() => JSON.parse(broken.text)).toThrow();
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 200, headers: broken.headers, body: broken.text })).toEqual(['response body is not valid JSON']);
  });

  it('broken-next-link: a transactions page whose next link leads to a 404', async () => {
    bank.faults.inject({ kind: 'broken-next-link', path: '/transactions$' });
    const headers = { 'Consent-ID': consentId, 'PSU-IP-Address': PSU_IP };
    const page = await xs2a(bank.url, 'GET', `/v1/accounts/${resourceId}/transactions`, { headers, query: { bookingStatus: 'both', dateFrom: '2026-01-01' } });
    expect(page.status).toBe(200);
    const next = await xs2a(bank.url, 'GET', page.body.transactions._links.next.href, { headers });
    expect(next.status).toBe(404);
    expect(next.body.tppMessages[0].code).toBe('RESOURCE_UNKNOWN');
  });

  it('a fault limited to a path and method leaves other calls alone until a matching one takes it', async () => {
    bank.faults.inject({ kind: 'server-error', path: '/balances$', method: 'GET' });
    expect((await accounts()).status).toBe(200);
    expect((await xs2a(bank.url, 'GET', `/v1/consents/${consentId}/status`)).status).toBe(200);
    expect(bank.faults.pending()).toHaveLength(1);
    expect((await xs2a(bank.url, 'GET', `/v1/accounts/${resourceId}/balances`, { headers: { 'Consent-ID': consentId } })).status).toBe(500);
    expect(bank.faults.pending()).toHaveLength(0);
  });

  it('faults never touch the SCA page or the admin interface', async () => {
    bank.faults.inject({ kind: 'server-error', times: 3 });
    expect((await fetch(`${bank.url}/sca/unknown`)).status).toBe(404);
    expect((await fetch(`${bank.url}/sandbox`)).status).toBe(200);
    expect(bank.faults.pending()[0]!.remaining).toBe(3);
    bank.faults.clear();
    expect((await accounts()).status).toBe(200);
  });

  it('the admin endpoint injects, lists and clears faults over HTTP, and refuses a wrong fault', async () => {
    const post = (body: unknown) => fetch(`${bank.url}/sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const injected = await post({ kind: 'rate-limit', times: 1, retryAfterSeconds: 3, path: '^/v1/accounts$' });
    expect(injected.status).toBe(201);
    expect(new RegExp(((await injected.json()) as { fault: { path: string } }).fault.path).test('/v1/accounts/x')).toBe(false);
    const listed = (await (await fetch(`${bank.url}/sandbox/faults`)).json()) as { faults: unknown[] };
    expect(listed.faults).toHaveLength(1);
    const limited = await accounts();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await post({ kind: 'earthquake' })).status).toBe(400);
    expect((await post({ kind: 'slow', delayMs: -1 })).status).toBe(400);
    expect((await post({ kind: 'server-error', path: '(' })).status).toBe(400);
    await post({ kind: 'server-error', times: 5 });
    expect((await fetch(`${bank.url}/sandbox/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await accounts()).status).toBe(200);
    const info = (await (await fetch(`${bank.url}/sandbox`)).json()) as { households: number; psuIds: string[] };
    expect(info.households).toBe(6);
    expect(info.psuIds[0]).toBe('household-0000');
  });
});
