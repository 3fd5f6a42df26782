/**
 * Per-key and per-link rate limits: the request after the limit is a 429 problem+json with
 * Retry-After, other keys and links keep their own budget, and the window resets.
 *
 * The clock (Date only) is faked: the limiter's windows are read from Date.now(), so a window ends
 * when the test moves the clock past it, never because a slow machine took long between requests.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDebtorWithConsent } from '../support/flows.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const LIMIT = 3;
const LINK_LIMIT = 2;
const WINDOW_MS = 60_000;

/** Moves the (fake) clock on by this many milliseconds. */
function advanceClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

describe('rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { trainingRunner: false, rateLimitPerMinute: LIMIT, rateLimitLinkPerMinute: LINK_LIMIT, rateLimitWindowMs: WINDOW_MS } });
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('answers the request after the limit with 429 problem+json and Retry-After; another key is unaffected; the window resets', async () => {
    const key = bearer(t.tenantA.keys.analyst);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await t.app.inject({ url: '/v1/tenant', headers: key })).statusCode);
    const refused = await t.app.inject({ url: '/v1/tenant', headers: key });
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBe(WINDOW_MS / 1000);
    expect(refused.headers['x-ratelimit-remaining']).toBe('0');

    // Another key of the same tenant, and a key of another tenant, have their own budgets.
    expect((await t.app.inject({ url: '/v1/tenant', headers: bearer(t.tenantA.keys.creditor) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/v1/tenant', headers: bearer(t.tenantB.keys.analyst) })).statusCode).toBe(200);
    // Public routes are never limited.
    for (let i = 0; i < LIMIT + 2; i++) expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);

    // Just before the window ends the key is still refused; once it has ended, it is served again.
    advanceClock(WINDOW_MS - 1000);
    expect((await t.app.inject({ url: '/v1/tenant', headers: key })).statusCode).toBe(429);
    advanceClock(1000);
    expect((await t.app.inject({ url: '/v1/tenant', headers: key })).statusCode).toBe(200);
  });

  it('spends no budget on requests without a valid key', async () => {
    for (let i = 0; i < LIMIT + 2; i++) expect((await t.app.inject({ url: '/v1/tenant', headers: bearer('dk_not_a_key') })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/v1/tenant', headers: bearer(t.tenantB.keys.admin) })).statusCode).toBe(200);
  });

  it('limits a debtor link per consent, whichever of its routes is used; another link is unaffected', async () => {
    // Setting up spends API-key budget (and the grant spends the link's): start a fresh window after each.
    advanceClock(WINDOW_MS);
    const first = await createDebtorWithConsent(t, t.tenantA, 'limit-link-1');
    advanceClock(WINDOW_MS);
    const second = await createDebtorWithConsent(t, t.tenantB, 'limit-link-2');
    advanceClock(WINDOW_MS);
    const urls = [`/v1/consent-links/${first.linkToken}`, `/consent/${first.linkToken}`];
    for (let i = 0; i < LINK_LIMIT; i++) expect((await t.app.inject({ url: urls[i % 2]! })).statusCode, urls[i % 2]).toBeLessThan(400);
    const refused = await t.app.inject({ url: urls[0]! });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await t.app.inject({ url: `/v1/consent-links/${second.linkToken}` })).statusCode).toBe(200);
  });

  it('counts forged link tokens by client address, so each forgery does not get a fresh budget', async () => {
    const remoteAddress = '192.0.2.44';
    const statuses: number[] = [];
    for (let i = 0; i < LINK_LIMIT + 1; i++) statuses.push((await t.app.inject({ url: `/v1/consent-links/forged-token-${i}`, remoteAddress })).statusCode);
    expect(statuses).toEqual([...Array(LINK_LIMIT).fill(401), 429]);
    // Another address is not affected.
    expect((await t.app.inject({ url: '/v1/consent-links/forged-token-x', remoteAddress: '192.0.2.45' })).statusCode).toBe(401);
  });
});
