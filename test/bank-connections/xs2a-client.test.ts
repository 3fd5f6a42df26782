/**
 * The XS2A client's own rules, each against a tiny HTTP server that answers one way on purpose:
 * what it sends (body, headers), how it follows paging and refuses bad paging, and how every kind of
 * failure maps onto a ProviderError code. The full flow against the sandbox bank, with the contract
 * check on every exchange, is in bank-flow.e2e.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/bank-connections/provider.js';
import { Xs2aClient, retryAfterSeconds, type Xs2aExchange } from '../../src/bank-connections/xs2a-client.js';

type Handler = (request: http.IncomingMessage, body: string) => { status: number; headers?: Record<string, string>; body?: unknown; raw?: string; delayMs?: number };

let handler: Handler = () => ({ status: 500 });
let seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      const answer = handler(request, body);
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status, { 'content-type': 'application/json', 'x-request-id': String(request.headers['x-request-id'] ?? ''), ...(answer.headers ?? {}) });
        response.end(answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body)));
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/psd2`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(options: Partial<ConstructorParameters<typeof Xs2aClient>[0]> = {}): Xs2aClient {
  seen = [];
  return new Xs2aClient({ baseUrl: base, requestTimeoutMs: 500, ...options });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected a ProviderError');
}

const ref = { providerConsentId: 'c-1' };
const account = { resourceId: 'acc-1', iban: 'NL91ABNA0417164300', currency: 'EUR', name: null, ownerName: null };
const entry = (id: string) => ({ transactionId: id, bookingDate: '2026-11-02', transactionAmount: { amount: '-12.50', currency: 'EUR' }, creditorName: 'Bakker' });

describe('consent creation', () => {
  it('asks a bank-offered consent mirroring ours, with the redirect headers, and returns the SCA link', async () => {
    handler = () => ({ status: 201, body: { consentStatus: 'received', consentId: 'c-9', _links: { scaRedirect: { href: 'https://bank.example/sca/c-9' } } } });
    const exchanges: Xs2aExchange[] = [];
    const started = await client({ onExchange: (e) => exchanges.push(e) }).startAuthorisation({
      access: { accounts: true, balances: false, transactions: true },
      validUntil: '2027-03-01',
      frequencyPerDay: 4,
      recurringIndicator: true,
      redirectUri: 'https://us.example/consent/t/bank/return?state=s',
      nokRedirectUri: 'https://us.example/consent/t/bank/return-nok?state=s',
      reference: 'r',
      psuIpAddress: '192.0.2.7',
    });
    expect(started).toEqual({ providerConsentId: 'c-9', scaRedirectUrl: 'https://bank.example/sca/c-9' });
    const request = seen[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/psd2/v1/consents');
    expect(JSON.parse(request.body)).toEqual({ access: { accounts: [], transactions: [] }, recurringIndicator: true, validUntil: '2027-03-01', frequencyPerDay: 4, combinedServiceIndicator: false });
    expect(request.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers['psu-ip-address']).toBe('192.0.2.7');
    expect(request.headers['tpp-redirect-preferred']).toBe('true');
    expect(request.headers['tpp-redirect-uri']).toBe('https://us.example/consent/t/bank/return?state=s');
    expect(request.headers['tpp-nok-redirect-uri']).toBe('https://us.example/consent/t/bank/return-nok?state=s');
    expect(exchanges[0]!.request.path).toBe('/v1/consents');
    expect(exchanges[0]!.response!.status).toBe(201);
  });

  it('refuses an answer without scaRedirect as malformed', async () => {
    handler = () => ({ status: 201, body: { consentStatus: 'received', consentId: 'c-9', _links: {} } });
    const error = await failure(client().startAuthorisation({ access: { accounts: true, balances: true, transactions: true }, validUntil: '2027-03-01', frequencyPerDay: 1, recurringIndicator: false, redirectUri: 'https://a/x', nokRedirectUri: 'https://a/y', reference: 'r' }));
    expect(error.code).toBe('malformed');
  });

  it('sends a fresh X-Request-ID on every call and no PSU-IP-Address when the debtor is absent', async () => {
    handler = () => ({ status: 200, body: { consentStatus: 'valid' } });
    const c = client();
    expect(await c.consentStatus(ref)).toBe('valid');
    expect(await c.consentStatus(ref)).toBe('valid');
    expect(seen[0]!.headers['x-request-id']).not.toBe(seen[1]!.headers['x-request-id']);
    expect(seen[0]!.headers['psu-ip-address']).toBeUndefined();
    expect(seen[0]!.url).toBe('/psd2/v1/consents/c-1/status');
  });
});

describe('paging', () => {
  it('follows _links.next until none, merging booked and pending, with balances', async () => {
    handler = (request) => {
      const url = new URL(request.url!, 'http://x');
      if (url.pathname.endsWith('/balances')) return { status: 200, body: { balances: [{ balanceType: 'closingBooked', balanceAmount: { amount: '10.00', currency: 'EUR' }, referenceDate: '2026-11-30' }] } };
      const page = Number(url.searchParams.get('page') ?? '0');
      const next = page < 2 ? { next: { href: `/psd2/v1/accounts/acc-1/transactions?bookingStatus=both&dateFrom=2026-01-01&page=${page + 1}` } } : {};
      return { status: 200, body: { account: { iban: 'NL91ABNA0417164300' }, transactions: { booked: [entry(`b${page}`)], pending: page === 0 ? [entry('p0')] : [], _links: next } } };
    };
    const report = await client().accountReport(ref, account, { dateFrom: '2026-01-01', withBalances: true, withTransactions: true });
    const transactions = report.transactions as { booked: { transactionId: string }[]; pending: unknown[] };
    expect(transactions.booked.map((t) => t.transactionId)).toEqual(['b0', 'b1', 'b2']);
    expect(transactions.pending).toHaveLength(1);
    expect(report.balances).toHaveLength(1);
    expect(seen.filter((s) => s.url.includes('/transactions'))).toHaveLength(3);
    expect(seen[1]!.url).toBe('/psd2/v1/accounts/acc-1/transactions?bookingStatus=both&dateFrom=2026-01-01');
    expect(seen.every((s) => s.headers['consent-id'] === 'c-1')).toBe(true);
  });

  it('accepts a next link relative to the API root (without the base path)', async () => {
    handler = (request) => {
      const page = Number(new URL(request.url!, 'http://x').searchParams.get('page') ?? '0');
      return { status: 200, body: { transactions: { booked: [entry(`b${page}`)], _links: page === 0 ? { next: { href: '/v1/accounts/acc-1/transactions?page=1' } } : {} } } };
    };
    const report = await client().accountReport(ref, account, { dateFrom: '2026-01-01', withBalances: false, withTransactions: true });
    expect((report.transactions as { booked: unknown[] }).booked).toHaveLength(2);
  });

  it.each([
    ['a page that links to itself', '/psd2/v1/accounts/acc-1/transactions?bookingStatus=both&dateFrom=2026-01-01'],
    ['another host', 'http://attacker.example/psd2/v1/accounts/acc-1/transactions?page=1'],
    ['another resource', '/psd2/v1/accounts/acc-2/transactions?page=1'],
  ])('refuses %s as malformed', async (_name, href) => {
    handler = () => ({ status: 200, body: { transactions: { booked: [entry('b')], _links: { next: { href } } } } });
    expect((await failure(client().accountReport(ref, account, { dateFrom: '2026-01-01', withBalances: false, withTransactions: true }))).code).toBe('malformed');
  });

  it('stops after maxPages', async () => {
    let n = 0;
    handler = () => ({ status: 200, body: { transactions: { booked: [entry('b')], _links: { next: { href: `/psd2/v1/accounts/acc-1/transactions?page=${++n}` } } } } });
    const error = await failure(client({ maxPages: 5 }).accountReport(ref, account, { dateFrom: '2026-01-01', withBalances: false, withTransactions: true }));
    expect(error.code).toBe('malformed');
    expect(seen).toHaveLength(5);
  });
});

describe('errors', () => {
  const tpp = (code: string) => ({ tppMessages: [{ category: 'ERROR', code }] });
  it.each([
    [401, tpp('CONSENT_EXPIRED'), {}, 'consent_expired'],
    [401, tpp('CONSENT_INVALID'), {}, 'consent_invalid'],
    [403, tpp('CONSENT_UNKNOWN'), {}, 'consent_invalid'],
    [401, tpp('CERTIFICATE_INVALID'), {}, 'unauthorised_client'],
    [400, tpp('FORMAT_ERROR'), {}, 'rejected_request'],
    [404, tpp('RESOURCE_UNKNOWN'), {}, 'rejected_request'],
    [429, tpp('ACCESS_EXCEEDED'), {}, 'access_exceeded'],
    [429, {}, { 'retry-after': '7' }, 'rate_limited'],
    [429, tpp('ACCESS_EXCEEDED'), { 'retry-after': '7' }, 'rate_limited'],
    [500, {}, {}, 'unavailable'],
    [503, {}, {}, 'unavailable'],
  ] as const)('%i %j maps to %s', async (status, body, headers, code) => {
    handler = () => ({ status, body, headers: { ...headers } });
    const error = await failure(client().listAccounts(ref));
    expect(error.code).toBe(code);
    expect(error.details.httpStatus).toBe(status);
    if (code === 'rate_limited') expect(error.details.retryAfterSeconds).toBe(7);
  });

  it('a bank slower than the request timeout is unavailable', async () => {
    handler = () => ({ status: 200, body: { accounts: [] }, delayMs: 1500 });
    const started = Date.now();
    expect((await failure(client({ requestTimeoutMs: 200 }).listAccounts(ref))).code).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('a refused connection is unavailable', async () => {
    const c = new Xs2aClient({ baseUrl: 'http://127.0.0.1:1', requestTimeoutMs: 500 });
    expect((await failure(c.listAccounts(ref))).code).toBe('unavailable');
  });

  it.each([
    ['truncated JSON', '{"accounts": [{"resourceId": "a"'],
    ['not an object', '[1,2]'],
    ['accounts not an array', '{"accounts": {}}'],
    ['an account without resourceId', '{"accounts": [{"iban": "NL91ABNA0417164300"}]}'],
  ])('%s is malformed', async (_name, raw) => {
    handler = () => ({ status: 200, raw });
    expect((await failure(client().listAccounts(ref))).code).toBe('malformed');
  });

  it('an unknown consent status is malformed', async () => {
    handler = () => ({ status: 200, body: { consentStatus: 'happy' } });
    expect((await failure(client().consentStatus(ref))).code).toBe('malformed');
  });

  it('revoking a consent the bank no longer knows is fine; a 500 is not', async () => {
    handler = () => ({ status: 401, body: tpp('CONSENT_INVALID') });
    await expect(client().revoke(ref)).resolves.toBeUndefined();
    handler = () => ({ status: 204 });
    await expect(client().revoke(ref)).resolves.toBeUndefined();
    expect(seen[0]!.method).toBe('DELETE');
    handler = () => ({ status: 500 });
    expect((await failure(client().revoke(ref))).code).toBe('unavailable');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds(new Date(Date.parse('2026-12-06T10:00:30Z')).toUTCString(), Date.parse('2026-12-06T10:00:00Z'))).toBe(30);
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds(undefined)).toBeNull();
  });
});

describe('client credentials', () => {
  it('fetches a bearer token once and sends it on every call; the secret never travels elsewhere', async () => {
    let tokens = 0;
    handler = (request, body) => {
      if (request.url === '/token') {
        tokens++;
        expect(body).toContain('grant_type=client_credentials');
        expect(request.headers.authorization).toBe(`Basic ${Buffer.from('me:s3cret').toString('base64')}`);
        return { status: 200, body: { access_token: 'tok-1', expires_in: 3600 } };
      }
      return { status: 200, body: { consentStatus: 'valid' } };
    };
    const c = client({ oauth: { tokenUrl: `${base.replace('/psd2', '')}/token`, clientId: 'me', clientSecret: 's3cret' } });
    await c.consentStatus(ref);
    await c.consentStatus(ref);
    expect(tokens).toBe(1);
    const apiCalls = seen.filter((s) => s.url !== '/token');
    expect(apiCalls.map((s) => s.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1']);
    expect(apiCalls.some((s) => JSON.stringify(s.headers).includes('s3cret'))).toBe(false);
  });

  it('a refused token request is unauthorised_client', async () => {
    handler = (request) => (request.url === '/token' ? { status: 401, body: { error: 'invalid_client' } } : { status: 200, body: { consentStatus: 'valid' } });
    const c = client({ oauth: { tokenUrl: `${base.replace('/psd2', '')}/token`, clientId: 'me', clientSecret: 'wrong' } });
    expect((await failure(c.consentStatus(ref))).code).toBe('unauthorised_client');
  });
});
