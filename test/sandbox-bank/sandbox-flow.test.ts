/**
 * The sandbox bank over HTTP as a TPP meets it: the redirect flow (create → SCA page → approve → 303
 * to the TPP → valid → accounts → balances → transactions page by page), the consent's other ends
 * (denial, expiry, DELETE, revocation at the bank), and the errors a TPP gets for a wrong call. Every
 * response is checked against the Berlin Group OpenAPI document (xs2a-http.ts); the data equals what
 * the simulation's Berlin Group writer writes for the same account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxBank, type SandboxBank } from '../../src/sandbox-bank/sandbox-bank.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import { resolveSimulation, simulateHousehold } from '../../src/simulation/simulate-households.js';
import { worldStartEndingToday } from '../../src/simulation/world-loader.js';
import { DEMO_WORLD } from '../../src/demo/demo-seed.js';
import { PSU_IP, xs2a, type Xs2aAnswer } from './xs2a-http.js';

const TODAY = '2026-12-06';
let now = new Date(`${TODAY}T10:00:00Z`);
let bank: SandboxBank;

beforeAll(async () => {
  bank = await startSandboxBank({ households: 12, months: 4, seed: 7, today: TODAY, clock: () => now, pageSize: 25 });
});
afterAll(async () => {
  await bank.close();
});

const OK_URI = 'https://tpp.example/callback?attempt=1';
const NOK_URI = 'https://tpp.example/callback-nok?attempt=1';

function consentBody(overrides: Record<string, unknown> = {}) {
  return { access: { allPsd2: 'allAccounts' }, recurringIndicator: true, validUntil: '2027-03-01', frequencyPerDay: 4, combinedServiceIndicator: false, ...overrides };
}

async function createConsent(body: Record<string, unknown> = consentBody(), extraHeaders: Record<string, string> = {}): Promise<Xs2aAnswer> {
  return xs2a(bank.url, 'POST', '/v1/consents', {
    headers: { 'PSU-IP-Address': PSU_IP, 'TPP-Redirect-URI': OK_URI, 'TPP-Nok-Redirect-URI': NOK_URI, 'TPP-Redirect-Preferred': 'true', ...extraHeaders },
    body,
  });
}

async function decide(scaHref: string, fields: Record<string, string>): Promise<Response> {
  return fetch(scaHref, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
}

/** A consent approved by the PSU, as the TPP holds it after the callback. */
async function approvedConsent(psuId: string, body: Record<string, unknown> = consentBody()): Promise<string> {
  const created = await createConsent(body);
  expect(created.status).toBe(201);
  const approved = await decide(created.body._links.scaRedirect.href, { psuId, decision: 'approve' });
  expect(approved.status).toBe(303);
  return created.body.consentId as string;
}

async function status(consentId: string): Promise<string> {
  const answer = await xs2a(bank.url, 'GET', `/v1/consents/${consentId}/status`);
  expect(answer.status).toBe(200);
  return answer.body.consentStatus as string;
}

/** Follows _links.next from the first page to the last, as a client does, collecting every page. */
async function allPages(consentId: string, resourceId: string, query: Record<string, string>, headers: Record<string, string> = {}): Promise<Xs2aAnswer[]> {
  const pages = [await xs2a(bank.url, 'GET', `/v1/accounts/${resourceId}/transactions`, { headers: { 'Consent-ID': consentId, ...headers }, query })];
  while (pages.at(-1)!.body.transactions._links.next) {
    expect(pages.at(-1)!.status).toBe(200);
    pages.push(await xs2a(bank.url, 'GET', pages.at(-1)!.body.transactions._links.next.href, { headers: { 'Consent-ID': consentId, ...headers } }));
    expect(pages.length).toBeLessThan(1000);
  }
  return pages;
}

describe('the redirect flow', () => {
  it('create → SCA page → approve → 303 to the TPP → valid → accounts, balances, every transaction page equal to the writer', async () => {
    const created = await createConsent(consentBody(), { 'PSU-ID': 'household-0003', 'TPP-Brand-Logging-Information': 'Zonnedal Energie via Draagkracht' });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe(created.requestId);
    expect(created.headers.get('aspsp-sca-approach')).toBe('REDIRECT');
    expect(created.body.consentStatus).toBe('received');
    const consentId = created.body.consentId as string;
    expect(created.headers.get('location')).toBe(`${bank.url}/v1/consents/${consentId}`);
    const scaHref = created.body._links.scaRedirect.href as string;
    expect(scaHref).toBe(`${bank.url}/sca/${consentId}`);
    expect(await status(consentId)).toBe('received');

    // The PSU's browser at the bank: who asks, what, and a choice of PSU with the hint preselected.
    const page = await fetch(scaHref);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const markup = await page.text();
    expect(markup).toContain('Zonnedal Energie via Draagkracht');
    expect(markup).toContain('All your payment accounts');
    expect(markup).toContain('<option value="household-0003" selected>');
    expect(markup).toContain('name="decision" value="approve"');
    expect(markup).toContain('name="decision" value="deny"');
    expect(markup).not.toContain('<script');

    const approved = await decide(scaHref, { psuId: 'household-0003', decision: 'approve' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(OK_URI);
    expect(await status(consentId)).toBe('valid');
    // The form is spent: the page says so instead of offering it again.
    expect((await fetch(scaHref)).status).toBe(409);

    const consent = await xs2a(bank.url, 'GET', `/v1/consents/${consentId}`);
    expect(consent.body).toMatchObject({ consentStatus: 'valid', frequencyPerDay: 4, recurringIndicator: true, validUntil: '2027-03-01', lastActionDate: TODAY });

    const household = bank.world.household('household-0003')!;
    const accounts = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': consentId, 'PSU-IP-Address': PSU_IP } });
    expect(accounts.status).toBe(200);
    expect(accounts.body.accounts.map((a: { iban: string }) => a.iban)).toEqual(household.accounts.map((a) => a.iban));
    expect(accounts.body.accounts[0]).toMatchObject({ resourceId: 'household-0003-account-1', currency: 'EUR', cashAccountType: 'CACC' });
    expect(accounts.body.accounts[0].ownerName).toBeUndefined();

    let entriesSeen = 0;
    for (const [i, listed] of (accounts.body.accounts as { resourceId: string; iban: string; _links: { balances: { href: string }; transactions: { href: string } } }[]).entries()) {
      const written = JSON.parse(writeBerlinGroupTransactions(household.accounts[i]!)) as { balances: unknown[]; transactions: { booked: { transactionId: string }[]; pending: unknown[] } };
      const balances = await xs2a(bank.url, 'GET', listed._links.balances.href, { headers: { 'Consent-ID': consentId, 'PSU-IP-Address': PSU_IP } });
      expect(balances.status).toBe(200);
      expect(balances.body).toEqual({ account: { iban: listed.iban, currency: 'EUR' }, balances: written.balances });

      const pages = await allPages(consentId, listed.resourceId, { bookingStatus: 'both', dateFrom: '2020-01-01' }, { 'PSU-IP-Address': PSU_IP });
      for (const p of pages) expect(p.status).toBe(200);
      const booked = pages.flatMap((p) => p.body.transactions.booked);
      const pending = pages.flatMap((p) => p.body.transactions.pending);
      // Entry for entry, in order: no entry lost or repeated across pages.
      expect(booked).toEqual(written.transactions.booked);
      expect(pending).toEqual(written.transactions.pending);
      expect(new Set(booked.map((t: { transactionId: string }) => t.transactionId)).size).toBe(booked.length);
      expect(pages.length).toBe(Math.max(1, Math.ceil((booked.length + pending.length) / 25)));
      for (const p of pages) expect(p.body.transactions.booked.length + p.body.transactions.pending.length).toBeLessThanOrEqual(25);
      entriesSeen += booked.length + pending.length;
      if (pages.length > 1) {
        const [first, second] = pages;
        expect(first!.body.transactions._links.previous).toBeUndefined();
        expect(second!.body.transactions._links.previous.href).toBe(first!.body.transactions._links.first.href);
        expect(pages.at(-1)!.body.transactions._links.last.href).toBe(first!.body.transactions._links.last.href);
      }
    }
    expect(entriesSeen).toBeGreaterThan(100);
  });

  it('pages by itemsPerPage, by booking status and by period, withBalance on every page', async () => {
    const consentId = await approvedConsent('household-0005');
    const account = bank.world.accountsOf('household-0005')[0]!;
    const written = JSON.parse(writeBerlinGroupTransactions(account.simulated)) as { balances: unknown[]; transactions: { booked: { bookingDate: string }[]; pending: { valueDate: string }[] } };
    const period = { dateFrom: '2026-09-10', dateTo: '2026-10-20' };
    const booked = await allPages(consentId, account.resourceId, { bookingStatus: 'booked', ...period, itemsPerPage: '7', withBalance: 'true' }, { 'PSU-IP-Address': PSU_IP });
    const expected = written.transactions.booked.filter((t) => t.bookingDate >= period.dateFrom && t.bookingDate <= period.dateTo);
    expect(expected.length).toBeGreaterThan(14);
    expect(booked.flatMap((p) => p.body.transactions.booked)).toEqual(expected);
    expect(booked.length).toBe(Math.ceil(expected.length / 7));
    for (const p of booked) {
      expect(p.body.transactions.pending).toBeUndefined();
      expect(p.body.balances).toEqual(written.balances);
      expect(p.body.transactions._links.next?.href ?? '').not.toContain('undefined');
    }
    const pending = await allPages(consentId, account.resourceId, { bookingStatus: 'pending', dateFrom: '2026-01-01' }, { 'PSU-IP-Address': PSU_IP });
    expect(pending.flatMap((p) => p.body.transactions.pending)).toEqual(written.transactions.pending);
    expect(pending.every((p) => p.body.transactions.booked === undefined)).toBe(true);
  });

  it('links carry the period fixed: a read started before midnight pages the same report after it', async () => {
    const consentId = await approvedConsent('household-0006');
    const account = bank.world.accountsOf('household-0006')[0]!;
    const first = await xs2a(bank.url, 'GET', `/v1/accounts/${account.resourceId}/transactions`, { headers: { 'Consent-ID': consentId }, query: { bookingStatus: 'both', dateFrom: '2026-08-01' } });
    expect(first.body.transactions._links.next.href).toContain(`dateTo=${TODAY}`);
  });

  it('a PSU named by the simulation debtor reference, typed in; a bank-offered consent (empty lists) gives all accounts', async () => {
    const created = await createConsent(consentBody({ access: { accounts: [], balances: [], transactions: [] } }));
    const ref = bank.world.household('household-0002')!.debtorRef;
    const approved = await decide(created.body._links.scaRedirect.href, { psuId: 'household-0000', psuIdText: ref, decision: 'approve' });
    expect(approved.status).toBe(303);
    const accounts = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': created.body.consentId } });
    expect(accounts.body.accounts.map((a: { resourceId: string }) => a.resourceId)).toEqual(bank.world.accountsOf('household-0002').map((a) => a.resourceId));
    const consent = await xs2a(bank.url, 'GET', `/v1/consents/${created.body.consentId}`);
    expect(consent.body.access.transactions.map((r: { iban: string }) => r.iban)).toEqual(bank.world.accountsOf('household-0002').map((a) => a.iban));
  });

  it('explicit accounts: only the named IBAN, only the reads named; the owner name only when asked', async () => {
    const [current, second] = bank.world.accountsOf('household-0002');
    expect(second).toBeDefined();
    const consentId = await approvedConsent('household-0002', consentBody({ access: { balances: [{ iban: current!.iban }] } }));
    const headers = { 'Consent-ID': consentId };
    const accounts = await xs2a(bank.url, 'GET', '/v1/accounts', { headers, query: { withBalance: 'true' } });
    expect(accounts.body.accounts.map((a: { iban: string }) => a.iban)).toEqual([current!.iban]);
    expect(accounts.body.accounts[0].balances).toHaveLength(2);
    expect(accounts.body.accounts[0]._links.transactions).toBeUndefined();
    expect((await xs2a(bank.url, 'GET', `/v1/accounts/${current!.resourceId}/balances`, { headers })).status).toBe(200);
    const transactions = await xs2a(bank.url, 'GET', `/v1/accounts/${current!.resourceId}/transactions`, { headers, query: { bookingStatus: 'both', dateFrom: '2026-01-01' } });
    expect(transactions.status).toBe(401);
    expect(transactions.body.tppMessages[0].code).toBe('CONSENT_INVALID');
    const other = await xs2a(bank.url, 'GET', `/v1/accounts/${second!.resourceId}/balances`, { headers });
    expect(other.status).toBe(403);
    expect(other.body.tppMessages[0].code).toBe('RESOURCE_UNKNOWN');

    const withOwner = await approvedConsent('household-0002', consentBody({ access: { allPsd2: 'allAccountsWithOwnerName' } }));
    const details = await xs2a(bank.url, 'GET', `/v1/accounts/${current!.resourceId}`, { headers: { 'Consent-ID': withOwner } });
    expect(details.body.account.ownerName).toBe(current!.ownerName);
  });

  it('an explicit consent naming accounts the PSU does not hold cannot be approved by that PSU', async () => {
    const created = await createConsent(consentBody({ access: { transactions: [{ iban: 'NL91ABNA0417164300' }] } }));
    const answer = await decide(created.body._links.scaRedirect.href, { psuId: 'household-0001', decision: 'approve' });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('holds none of the accounts');
    expect(await status(created.body.consentId)).toBe('received');
  });
});

describe('how a consent ends', () => {
  it('denial: 303 to TPP-Nok-Redirect-URI, status rejected, reads 401 CONSENT_INVALID', async () => {
    const created = await createConsent();
    const denied = await decide(created.body._links.scaRedirect.href, { psuId: 'household-0004', decision: 'deny' });
    expect(denied.status).toBe(303);
    expect(denied.headers.get('location')).toBe(NOK_URI);
    expect(await status(created.body.consentId)).toBe('rejected');
    const read = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': created.body.consentId } });
    expect(read.status).toBe(401);
    expect(read.body.tppMessages[0].code).toBe('CONSENT_INVALID');
  });

  it('denial without a Nok URI goes back to TPP-Redirect-URI', async () => {
    const created = await xs2a(bank.url, 'POST', '/v1/consents', { headers: { 'PSU-IP-Address': PSU_IP, 'TPP-Redirect-URI': OK_URI }, body: consentBody() });
    const denied = await decide(created.body._links.scaRedirect.href, { decision: 'deny' });
    expect(denied.headers.get('location')).toBe(OK_URI);
  });

  it('expiry: the day after validUntil (Amsterdam) the consent is expired and reads get 401 CONSENT_EXPIRED', async () => {
    const consentId = await approvedConsent('household-0001', consentBody({ validUntil: '2026-12-07' }));
    const headers = { 'Consent-ID': consentId };
    expect((await xs2a(bank.url, 'GET', '/v1/accounts', { headers })).status).toBe(200);
    const saved = now;
    try {
      now = new Date('2026-12-07T22:59:00Z'); // 23:59 in Amsterdam: still the last valid day
      expect(await status(consentId)).toBe('valid');
      now = new Date('2026-12-07T23:00:00Z'); // midnight in Amsterdam
      expect(await status(consentId)).toBe('expired');
      const read = await xs2a(bank.url, 'GET', '/v1/accounts', { headers });
      expect(read.status).toBe(401);
      expect(read.body.tppMessages[0].code).toBe('CONSENT_EXPIRED');
      expect((await xs2a(bank.url, 'GET', `/v1/consents/${consentId}`)).body.consentStatus).toBe('expired');
    } finally {
      now = saved;
    }
  });

  it('DELETE: 204, terminatedByTpp, reads 401 CONSENT_INVALID; a second DELETE is fine', async () => {
    const consentId = await approvedConsent('household-0001');
    const deleted = await xs2a(bank.url, 'DELETE', `/v1/consents/${consentId}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(await status(consentId)).toBe('terminatedByTpp');
    const read = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': consentId } });
    expect(read.status).toBe(401);
    expect(read.body.tppMessages[0].code).toBe('CONSENT_INVALID');
    expect((await xs2a(bank.url, 'DELETE', `/v1/consents/${consentId}`)).status).toBe(204);
  });

  it('revocation at the bank (programmatic and over the admin endpoint): revokedByPsu, reads 401 CONSENT_INVALID', async () => {
    const first = await approvedConsent('household-0001');
    expect(bank.faults.revokeAtBank(first)).toBe(true);
    expect(await status(first)).toBe('revokedByPsu');
    const read = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': first } });
    expect(read.status).toBe(401);
    expect(read.body.tppMessages[0]).toMatchObject({ code: 'CONSENT_INVALID', text: expect.stringContaining('revoked') });

    const second = await approvedConsent('household-0001');
    const admin = await fetch(`${bank.url}/sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ revokeAtBank: second }) });
    expect(admin.status).toBe(200);
    expect(await status(second)).toBe('revokedByPsu');
    expect((await fetch(`${bank.url}/sandbox/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ revokeAtBank: 'nope' }) })).status).toBe(404);
  });

  it('a consent not yet approved gives no access', async () => {
    const created = await createConsent();
    const read = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': created.body.consentId } });
    expect(read.status).toBe(401);
    expect(read.body.tppMessages[0].code).toBe('CONSENT_INVALID');
  });
});

describe('what a wrong call gets', () => {
  it('X-Request-ID missing or not a UUID: 400 FORMAT_ERROR, with an X-Request-ID of the bank', async () => {
    const response = await fetch(`${bank.url}/v1/consents/abc/status`);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as { tppMessages: { code: string; path: string }[] };
    expect(body.tppMessages[0]).toMatchObject({ code: 'FORMAT_ERROR', path: 'X-Request-ID' });
  });

  it('unknown consent: 403 CONSENT_UNKNOWN on its path and as Consent-ID; Consent-ID missing: 400', async () => {
    const byPath = await xs2a(bank.url, 'GET', '/v1/consents/unknown-consent/status');
    expect(byPath.status).toBe(403);
    expect(byPath.body.tppMessages[0].code).toBe('CONSENT_UNKNOWN');
    const byHeader = await xs2a(bank.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': 'unknown-consent' } });
    expect(byHeader.status).toBe(403);
    expect(byHeader.body.tppMessages[0].code).toBe('CONSENT_UNKNOWN');
    const missing = await xs2a(bank.url, 'GET', '/v1/accounts', { checkRequest: false });
    expect(missing.status).toBe(400);
    expect(missing.body.tppMessages[0]).toMatchObject({ code: 'FORMAT_ERROR', path: 'Consent-ID' });
  });

  it('a consent request without the mandatory parts: 400 FORMAT_ERROR naming the field', async () => {
    const cases: [Record<string, unknown>, Record<string, string>, string][] = [
      [consentBody({ frequencyPerDay: 0 }), {}, 'frequencyPerDay'],
      [consentBody({ recurringIndicator: 'true' }), {}, 'recurringIndicator'],
      [consentBody({ validUntil: '2026-12-05' }), {}, 'validUntil'],
      [consentBody({ access: {} }), {}, 'access'],
      [consentBody({ access: { allPsd2: 'allAccounts', balances: [] } }), {}, 'access'],
      [consentBody({ access: { transactions: [{ maskedPan: '123456xxxxxx1234' }] } }), {}, 'access.transactions[0]'],
      [consentBody(), { 'TPP-Redirect-URI': '' }, 'TPP-Redirect-URI'],
      [consentBody(), { 'PSU-IP-Address': '' }, 'PSU-IP-Address'],
    ];
    for (const [body, headers, path] of cases) {
      const { combinedServiceIndicator: _c, ...rest } = body;
      void _c;
      const answer = await xs2a(bank.url, 'POST', '/v1/consents', { headers: { 'PSU-IP-Address': PSU_IP, 'TPP-Redirect-URI': OK_URI, ...headers }, body: { ...rest, combinedServiceIndicator: false }, checkRequest: false });
      expect({ path, status: answer.status, message: answer.body.tppMessages[0] }).toMatchObject({ path, status: 400, message: { code: 'FORMAT_ERROR', path } });
    }
    const combined = await createConsent(consentBody({ combinedServiceIndicator: true }));
    expect(combined.status).toBe(400);
    expect(combined.body.tppMessages[0].code).toBe('PARAMETER_NOT_SUPPORTED');
    const notJson = await xs2a(bank.url, 'POST', '/v1/consents', { headers: { 'PSU-IP-Address': PSU_IP, 'TPP-Redirect-URI': OK_URI }, body: '{"access":', checkRequest: false });
    expect(notJson.status).toBe(400);
  });

  it('transactions: bookingStatus and dateFrom required, a reversed or future period is PERIOD_INVALID, delta not supported, a page past the last is 404', async () => {
    const consentId = await approvedConsent('household-0007');
    const account = bank.world.accountsOf('household-0007')[0]!;
    const path = `/v1/accounts/${account.resourceId}/transactions`;
    const read = (query: Record<string, string>, checkRequest = true) => xs2a(bank.url, 'GET', path, { headers: { 'Consent-ID': consentId, 'PSU-IP-Address': PSU_IP }, query, checkRequest });
    const expectations: [Record<string, string>, number, string, boolean][] = [
      [{ dateFrom: '2026-01-01' }, 400, 'FORMAT_ERROR', false],
      [{ bookingStatus: 'both' }, 400, 'FORMAT_ERROR', true],
      [{ bookingStatus: 'both', dateFrom: '2026-13-01' }, 400, 'FORMAT_ERROR', false],
      [{ bookingStatus: 'both', dateFrom: '2026-11-01', dateTo: '2026-10-01' }, 400, 'PERIOD_INVALID', true],
      [{ bookingStatus: 'both', dateFrom: '2027-01-01' }, 400, 'PERIOD_INVALID', true],
      [{ bookingStatus: 'both', deltaList: 'true' }, 400, 'PARAMETER_NOT_SUPPORTED', true],
      [{ bookingStatus: 'information' }, 400, 'PARAMETER_NOT_SUPPORTED', true],
      [{ bookingStatus: 'both', dateFrom: '2026-01-01', pageIndex: '999' }, 404, 'RESOURCE_UNKNOWN', true],
      [{ bookingStatus: 'both', dateFrom: '2026-01-01', itemsPerPage: '0' }, 400, 'FORMAT_ERROR', true],
    ];
    for (const [query, expectedStatus, code, checkRequest] of expectations) {
      const answer = await read(query, checkRequest);
      expect({ query, status: answer.status, code: answer.body.tppMessages[0].code }).toEqual({ query, status: expectedStatus, code });
    }
    const unknownAccount = await xs2a(bank.url, 'GET', '/v1/accounts/household-0009-account-1/transactions', { headers: { 'Consent-ID': consentId }, query: { bookingStatus: 'both', dateFrom: '2026-01-01' } });
    expect(unknownAccount.status).toBe(403);
    expect(unknownAccount.body.tppMessages[0].code).toBe('RESOURCE_UNKNOWN');
  });

  it('a method the resource does not have: 405', async () => {
    const answer = await xs2a(bank.url, 'POST', '/v1/accounts', { checkRequest: false, broken: true });
    expect(answer.status).toBe(405);
    expect(answer.body.tppMessages[0].code).toBe('SERVICE_INVALID');
  });

  it('the SCA page: unknown consent 404, no PSU or an unknown one 400 with the form again', async () => {
    expect((await fetch(`${bank.url}/sca/nope`)).status).toBe(404);
    const created = await createConsent();
    const nobody = await decide(created.body._links.scaRedirect.href, { decision: 'approve' });
    expect(nobody.status).toBe(400);
    expect(await nobody.text()).toContain('Say who you are');
    const stranger = await decide(created.body._links.scaRedirect.href, { psuIdText: 'household-9999', decision: 'approve' });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('no customer household-9999');
    expect(await status(created.body.consentId)).toBe('received');
  });
});

describe('the world', () => {
  it('households are the simulation’s, and the demo world’s truth runs do not change their accounts', () => {
    const resolved = resolveSimulation({ households: 12, months: 4, seed: 7, truthRuns: 4, startDate: worldStartEndingToday(TODAY, 4) });
    expect(bank.world.household('household-0003')!.accounts).toEqual(simulateHousehold(resolved, 3).accounts);
    expect(DEMO_WORLD.truthRuns).toBeGreaterThan(0);
    expect(bank.world.indexOf('household-0011')).toBe(11);
    expect(bank.world.indexOf('household-0012')).toBeNull();
    expect(bank.world.account('household-0003-account-9')).toBeNull();
  });

  it('a base path as the specification’s servers have (/psd2): links carry it, and following them works', async () => {
    const prefixed = await startSandboxBank({ households: 3, months: 2, seed: 7, today: TODAY, clock: () => now, pageSize: 10, basePath: '/psd2' });
    try {
      expect(prefixed.url).toMatch(/\/psd2$/);
      const created = await xs2a(prefixed.url, 'POST', '/v1/consents', { headers: { 'PSU-IP-Address': PSU_IP, 'TPP-Redirect-URI': OK_URI }, body: consentBody() });
      expect(created.body._links.self.href).toBe(`/psd2/v1/consents/${created.body.consentId}`);
      expect(created.body._links.scaRedirect.href).toBe(`${prefixed.url}/sca/${created.body.consentId}`);
      expect((await decide(created.body._links.scaRedirect.href, { psuId: 'household-0001', decision: 'approve' })).status).toBe(303);
      const accounts = await xs2a(prefixed.url, 'GET', '/v1/accounts', { headers: { 'Consent-ID': created.body.consentId } });
      const href = accounts.body.accounts[0]._links.transactions.href as string;
      expect(href.startsWith('/psd2/v1/accounts/')).toBe(true);
      const page = await xs2a(prefixed.url, 'GET', href, { headers: { 'Consent-ID': created.body.consentId }, query: { bookingStatus: 'both', dateFrom: '2026-01-01' } });
      expect(page.status).toBe(200);
      const next = await xs2a(prefixed.url, 'GET', page.body.transactions._links.next.href, { headers: { 'Consent-ID': created.body.consentId } });
      expect(next.status).toBe(200);
    } finally {
      await prefixed.close();
    }
  });
});
