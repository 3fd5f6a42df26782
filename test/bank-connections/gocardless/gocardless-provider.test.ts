/**
 * The GoCardless adapter over real HTTP (loopback) against recorded responses written from the public
 * documentation: tokens, institutions, the authorisation, status mapping, accounts, the report the
 * existing berlin-group parser reads, and every error mapping.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseBankFile } from '../../../src/bank-data/formats/index.js';
import { ProviderError, type ProviderConsentRequest, type ProviderConsentStatus } from '../../../src/bank-connections/provider.js';
import { agreementFor, createGoCardlessProvider, type GoCardlessInstitution, type GoCardlessProvider } from '../../../src/bank-connections/gocardless/gocardless-provider.js';
import { ACCOUNT_1, ACCOUNT_2, AGREEMENT, FakeGoCardless, REQUISITION, SECRET_ID, SECRET_KEY, fixture } from './fake-gocardless.js';

const START = Date.parse('2026-12-06T09:00:00Z');
const DAY_MS = 86_400_000;
const ref = { providerConsentId: REQUISITION };

let fake: FakeGoCardless;
let baseUrl: string;
let clock: number;
let provider: GoCardlessProvider;

function makeProvider(overrides: Partial<Parameters<typeof createGoCardlessProvider>[0]> = {}): GoCardlessProvider {
  return createGoCardlessProvider({ baseUrl, secretId: SECRET_ID, secretKey: SECRET_KEY, now: () => clock, timeoutMs: 2_000, ...overrides });
}

beforeEach(async () => {
  fake = new FakeGoCardless();
  baseUrl = await fake.start();
  clock = START;
  provider = makeProvider();
});

afterEach(async () => {
  await fake.stop();
});

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error('expected the call to fail');
}

const tokenCalls = () => fake.requests.filter((r) => r.path.startsWith('/api/v2/token/')).map((r) => r.path);

const consentRequest: ProviderConsentRequest = {
  access: { accounts: true, balances: true, transactions: true },
  validUntil: '2027-03-05',
  frequencyPerDay: 4,
  recurringIndicator: true,
  redirectUri: 'https://draagkracht.example/bank/callback?attempt=attempt-0001',
  nokRedirectUri: 'https://draagkracht.example/bank/callback?attempt=attempt-0001&nok=1',
  reference: 'attempt-0001',
  institutionId: 'ING_INGBNL2A',
  historyDays: 365,
};

describe('access token', () => {
  it('fetches a token once with the secret id and key, then reuses it while valid', async () => {
    await provider.listInstitutions();
    await provider.listInstitutions('NL');
    expect(tokenCalls()).toEqual(['/api/v2/token/new/']);
    expect(fake.calls('POST', '/api/v2/token/new/')[0]!.body).toEqual({ secret_id: SECRET_ID, secret_key: SECRET_KEY });
    const [first, second] = fake.calls('GET', '/api/v2/institutions/');
    expect(first!.authorization).toMatch(/^Bearer eyJ/);
    expect(second!.authorization).toBe(first!.authorization);
  });

  it('refreshes an expired access token with the refresh token instead of asking for a new one', async () => {
    await provider.listInstitutions();
    clock = START + DAY_MS; // access_expires is 86 400 s
    await provider.listInstitutions();
    expect(tokenCalls()).toEqual(['/api/v2/token/new/', '/api/v2/token/refresh/']);
    expect(fake.calls('POST', '/api/v2/token/refresh/')[0]!.body).toEqual({ refresh: fixture<Record<string, string>>('token-new.json').refresh });
    const [first, second] = fake.calls('GET', '/api/v2/institutions/');
    expect(second!.authorization).not.toBe(first!.authorization);
    expect(second!.authorization).toContain('ACCESS-REFRESHED');
  });

  it('renews a minute before expiry, not after a failed call', async () => {
    await provider.listInstitutions();
    clock = START + DAY_MS - 30_000;
    await provider.listInstitutions();
    expect(tokenCalls()).toEqual(['/api/v2/token/new/', '/api/v2/token/refresh/']);
    expect(fake.calls('GET', '/api/v2/institutions/')).toHaveLength(2);
  });

  it('asks for a new token when the refresh token expired too', async () => {
    await provider.listInstitutions();
    clock = START + 31 * DAY_MS; // refresh_expires is 30 days
    await provider.listInstitutions();
    expect(tokenCalls()).toEqual(['/api/v2/token/new/', '/api/v2/token/new/']);
  });

  it('asks for a new token when GoCardless refuses the refresh token', async () => {
    await provider.listInstitutions();
    fake.once('POST', '/api/v2/token/refresh/', { status: 401, body: fixture('error-invalid-token.json') });
    clock = START + DAY_MS;
    await provider.listInstitutions();
    expect(tokenCalls()).toEqual(['/api/v2/token/new/', '/api/v2/token/refresh/', '/api/v2/token/new/']);
  });

  it('a token revoked at GoCardless (401) is renewed once and the call retried', async () => {
    await provider.listInstitutions();
    fake.validAccess.clear();
    const institutions = await provider.listInstitutions();
    expect(institutions).toHaveLength(3);
    expect(tokenCalls()).toEqual(['/api/v2/token/new/', '/api/v2/token/refresh/']);
    expect(fake.calls('GET', '/api/v2/institutions/')).toHaveLength(3);
  });

  it('a token refused again after renewal fails as unauthorised_client, after exactly one retry', async () => {
    // Tokens are issued but never accepted.
    fake.on('POST', '/api/v2/token/new/', () => ({ body: fixture('token-new.json') }));
    fake.on('POST', '/api/v2/token/refresh/', () => ({ body: fixture('token-refresh.json') }));
    const error = await failure(provider.listInstitutions());
    expect(error.code).toBe('unauthorised_client');
    expect(error.details.httpStatus).toBe(401);
    expect(fake.calls('GET', '/api/v2/institutions/')).toHaveLength(2);
  });

  it('wrong secrets fail as unauthorised_client without the secrets in the error', async () => {
    const wrong = makeProvider({ secretKey: 'not-the-key-0123456789' });
    const error = await failure(wrong.listInstitutions());
    expect(error.code).toBe('unauthorised_client');
    expect(error.details.providerCodes).toEqual(['Authentication failed']);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/not-the-key|sandbox-secret/);
  });

  it('a token answer without the documented fields is malformed', async () => {
    fake.on('POST', '/api/v2/token/new/', () => ({ body: { access: 'x' } }));
    expect((await failure(provider.listInstitutions())).code).toBe('malformed');
  });

  it('parallel calls share one token request', async () => {
    await Promise.all([provider.listInstitutions(), provider.listInstitutions(), provider.listInstitutions()]);
    expect(tokenCalls()).toEqual(['/api/v2/token/new/']);
  });
});

describe('institutions', () => {
  it('lists the banks of a country with their limits, numeric text read as numbers', async () => {
    const institutions = await provider.listInstitutions('nl');
    expect(fake.calls('GET', '/api/v2/institutions/')[0]!.query).toEqual({ country: 'nl' });
    expect(institutions.map((i) => [i.id, i.name, i.bic, i.transactionTotalDays, i.maxAccessValidForDays])).toEqual([
      ['ABNAMRO_ABNANL2A', 'ABN AMRO', 'ABNANL2A', 540, 180],
      ['ING_INGBNL2A', 'ING', 'INGBNL2A', 730, 90],
      ['RABOBANK_RABONL2U', 'Rabobank', 'RABONL2U', 90, null],
    ]);
    expect(institutions[1]).toMatchObject({ countries: ['NL'], logoUrl: 'https://cdn-logos.gocardless.com/ais/ING_INGBNL2A.png' });
  });

  it('uses the configured country by default', async () => {
    await makeProvider({ country: 'BE' }).listInstitutions();
    expect(fake.calls('GET', '/api/v2/institutions/')[0]!.query).toEqual({ country: 'BE' });
  });

  it('refuses a list that is not one', async () => {
    fake.on('GET', '/api/v2/institutions/', () => ({ body: { results: [] } }));
    expect((await failure(provider.listInstitutions())).code).toBe('malformed');
  });
});

describe('authorisation: agreement and requisition', () => {
  it('creates the agreement mirroring our consent, then the requisition, and returns its link and id', async () => {
    const started = await provider.startAuthorisation(consentRequest);
    expect(started).toEqual({
      providerConsentId: REQUISITION,
      scaRedirectUrl: 'https://ob.gocardless.com/ob-psd2/start/3fa85f64-5717-4562-b3fc-2c963f66afa6/ING_INGBNL2A',
    });
    const order = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(order).toEqual(['POST /api/v2/token/new/', 'GET /api/v2/institutions/ING_INGBNL2A/', 'POST /api/v2/agreements/enduser/', 'POST /api/v2/requisitions/']);
    // validUntil 2027-03-05 is the last day: 90 days from 2026-12-06; ING allows 90 days of access and 730 of history.
    expect(fake.calls('POST', '/api/v2/agreements/enduser/')[0]!.body).toEqual({
      institution_id: 'ING_INGBNL2A',
      max_historical_days: 365,
      access_valid_for_days: 90,
      access_scope: ['balances', 'details', 'transactions'],
    });
    expect(fake.calls('POST', '/api/v2/requisitions/')[0]!.body).toEqual({
      redirect: consentRequest.redirectUri,
      institution_id: 'ING_INGBNL2A',
      reference: 'attempt-0001',
      agreement: AGREEMENT,
      user_language: 'NL',
    });
  });

  it('caps access days and history at what the bank allows, and scopes to the access given', () => {
    const rabobank = fixture<unknown[]>('institutions-nl.json')[2] as Record<string, unknown>;
    const institution: GoCardlessInstitution = { id: String(rabobank.id), name: 'Rabobank', bic: null, transactionTotalDays: 90, maxAccessValidForDays: null, countries: ['NL'], logoUrl: null };
    expect(agreementFor({ ...consentRequest, validUntil: '2027-12-31', historyDays: 730, access: { accounts: true, balances: false, transactions: true } }, institution, '2026-12-06')).toEqual({
      institution_id: 'RABOBANK_RABONL2U',
      max_historical_days: 90,
      access_valid_for_days: 180,
      access_scope: ['details', 'transactions'],
    });
    const { historyDays: _omitted, ...withoutHistory } = consentRequest;
    expect(agreementFor({ ...withoutHistory, validUntil: '2026-12-06', access: { accounts: true, balances: true, transactions: false } }, institution, '2026-12-06')).toMatchObject({
      max_historical_days: 90,
      access_valid_for_days: 1,
      access_scope: ['balances', 'details'],
    });
    expect(() => agreementFor({ ...consentRequest, validUntil: '2026-12-05' }, institution, '2026-12-06')).toThrow(ProviderError);
    expect(() => agreementFor({ ...consentRequest, access: { accounts: false, balances: false, transactions: false } }, institution, '2026-12-06')).toThrow(/no access/);
  });

  it('needs the institution the debtor picked', async () => {
    const { institutionId: _omitted, ...withoutInstitution } = consentRequest;
    const error = await failure(provider.startAuthorisation(withoutInstitution));
    expect(error.code).toBe('rejected_request');
    expect(fake.requests).toEqual([]);
  });

  it('an unknown institution is a rejected request', async () => {
    const error = await failure(provider.startAuthorisation({ ...consentRequest, institutionId: 'NOPE_NOPENL2A' }));
    expect(error.code).toBe('rejected_request');
    expect(error.details.httpStatus).toBe(404);
  });

  it('deletes the agreement when the requisition cannot be created', async () => {
    fake.once('POST', '/api/v2/requisitions/', { status: 400, body: { redirect: { summary: 'Invalid redirect URI', detail: 'Redirect URI must have a valid URI structure' } } });
    const error = await failure(provider.startAuthorisation(consentRequest));
    expect(error.code).toBe('rejected_request');
    expect(error.message).toContain('Invalid redirect URI');
    expect(fake.calls('DELETE', `/api/v2/agreements/enduser/${AGREEMENT}/`)).toHaveLength(1);
  });

  it('a requisition without a link is malformed', async () => {
    fake.once('POST', '/api/v2/requisitions/', { status: 201, body: { ...fixture<Record<string, unknown>>('requisition-created.json'), link: null } });
    expect((await failure(provider.startAuthorisation(consentRequest))).code).toBe('malformed');
  });
});

describe('one connection from start to revocation', () => {
  it('start → debtor at the bank → linked → accounts → report → revoke → gone', async () => {
    let status = 'CR';
    let deleted = false;
    fake.on('GET', `/api/v2/requisitions/${REQUISITION}/`, () =>
      deleted ? { status: 404, body: fixture('error-not-found.json') } : { body: { ...fixture<Record<string, unknown>>('requisition-linked.json'), status, accounts: status === 'LN' ? [ACCOUNT_1] : [] } },
    );
    fake.on('DELETE', `/api/v2/requisitions/${REQUISITION}/`, () => {
      deleted = true;
      return { body: { summary: 'Requisition deleted' } };
    });

    const started = await provider.startAuthorisation(consentRequest);
    expect(await provider.consentStatus(started)).toBe('received');
    status = 'UA'; // the debtor is at the bank
    expect(await provider.consentStatus(started)).toBe('received');
    expect(await provider.listAccounts(started)).toEqual([]);
    status = 'LN'; // approved and back
    expect(await provider.consentStatus(started)).toBe('valid');
    const accounts = await provider.listAccounts(started);
    expect(accounts.map((a) => a.iban)).toEqual(['NL69INGB0123456789']);
    const report = await provider.accountReport(started, accounts[0]!, { dateFrom: '2026-09-07', withBalances: true, withTransactions: true });
    expect(parseBankFile(Buffer.from(JSON.stringify(report))).transactions).toHaveLength(5);
    await provider.revoke(started);
    expect((await failure(provider.consentStatus(started))).code).toBe('consent_invalid');
    await provider.revoke(started); // idempotent
    expect(tokenCalls()).toEqual(['/api/v2/token/new/']);
  });
});

describe('requisition status', () => {
  const cases: Array<[string, ProviderConsentStatus]> = [
    ['CR', 'received'],
    ['GC', 'received'],
    ['UA', 'received'],
    ['SA', 'received'],
    ['GA', 'received'],
    ['LN', 'valid'],
    ['RJ', 'rejected'],
    ['SU', 'rejected'],
    ['EX', 'expired'],
    ['LINKED', 'valid'],
    ['EXPIRED', 'expired'],
  ];
  it.each(cases)('%s maps onto %s', async (status, expected) => {
    fake.on('GET', `/api/v2/requisitions/${REQUISITION}/`, () => ({ body: { ...fixture<Record<string, unknown>>('requisition-linked.json'), status } }));
    expect(await provider.consentStatus(ref)).toBe(expected);
  });

  it('an unknown status is malformed, not guessed', async () => {
    fake.on('GET', `/api/v2/requisitions/${REQUISITION}/`, () => ({ body: { ...fixture<Record<string, unknown>>('requisition-linked.json'), status: 'ZZ' } }));
    expect((await failure(provider.consentStatus(ref))).code).toBe('malformed');
  });

  it('a requisition GoCardless no longer knows is consent_invalid', async () => {
    const error = await failure(provider.consentStatus({ providerConsentId: '00000000-0000-0000-0000-000000000000' }));
    expect(error.code).toBe('consent_invalid');
    expect(error.details.httpStatus).toBe(404);
  });
});

describe('accounts and reports', () => {
  it('lists the requisition\'s accounts with details', async () => {
    const accounts = await provider.listAccounts(ref);
    expect(accounts).toEqual([
      { resourceId: ACCOUNT_1, iban: 'NL69INGB0123456789', currency: 'EUR', name: 'Betaalrekening', ownerName: 'J. de Vries' },
      { resourceId: ACCOUNT_2, iban: 'NL91ABNA0417164300', currency: 'EUR', name: 'Spaarrekening', ownerName: 'J. de Vries' },
    ]);
  });

  it('falls back to the metadata when the bank\'s daily limit for details is used up', async () => {
    fake.once('GET', `/api/v2/accounts/${ACCOUNT_2}/details/`, { status: 429, body: fixture('error-bank-rate-limit.json'), headers: { HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET: '3600' } });
    const accounts = await provider.listAccounts(ref);
    expect(accounts[1]).toEqual({ resourceId: ACCOUNT_2, iban: 'NL91ABNA0417164300', currency: null, name: null, ownerName: 'J. de Vries' });
  });

  it('an account whose access expired ends the consent; one still processing is retried later', async () => {
    fake.once('GET', `/api/v2/accounts/${ACCOUNT_1}/`, { body: { ...fixture<Record<string, unknown>>('account-1-metadata.json'), status: 'EXPIRED' } });
    expect((await failure(provider.listAccounts(ref))).code).toBe('consent_expired');
    fake.once('GET', `/api/v2/accounts/${ACCOUNT_1}/`, { body: { ...fixture<Record<string, unknown>>('account-1-metadata.json'), status: 'PROCESSING' } });
    expect((await failure(provider.listAccounts(ref))).code).toBe('unavailable');
    fake.once('GET', `/api/v2/accounts/${ACCOUNT_1}/`, { body: { ...fixture<Record<string, unknown>>('account-1-metadata.json'), status: 'SUSPENDED' } });
    expect((await failure(provider.listAccounts(ref))).code).toBe('consent_invalid');
  });

  it('builds a report that the existing berlin-group parser reads into the expected transactions and balances', async () => {
    const [account] = await provider.listAccounts(ref);
    const report = await provider.accountReport(ref, account!, { dateFrom: '2026-09-07', withBalances: true, withTransactions: true });
    expect(fake.calls('GET', `/api/v2/accounts/${ACCOUNT_1}/transactions/`)[0]!.query).toEqual({ date_from: '2026-09-07', date_to: '2026-12-06' });

    const input = Buffer.from(JSON.stringify(report));
    const statement = parseBankFile(input, { format: 'berlin-group' });
    // Format detection picks the same reader when the flow does not name it.
    expect(parseBankFile(input).format).toBe('berlin-group');
    expect(statement.rejected).toEqual([]);
    expect(statement.accounts).toEqual([{ iban: 'NL69INGB0123456789', otherId: null, currency: 'EUR', ownerName: 'J. de Vries', servicerBic: null }]);
    expect(statement.transactions.map((t) => [t.status, t.sourceId, t.bookingDate, t.valueDate, t.amountCents, t.currency, t.counterpartyName, t.counterpartyIban, t.remittanceUnstructured])).toEqual([
      ['booked', '2026112500001', '2026-11-25', '2026-11-25', 215_000, 'EUR', 'Bouwbedrijf Jansen B.V.', 'NL20INGB0001234567', 'Salaris november 2026'],
      ['booked', '2026120100002', '2026-12-01', '2026-12-01', -85_000, 'EUR', 'Woonstichting De Linie', 'NL44RABO0123456789', 'Huur december contract 4711'],
      // No transactionId and no bookingDate: GoCardless's internalTransactionId and the date of bookingDateTime, description from additionalInformation.
      ['booked', 'c3b2a5d6e7f8a9b0c1d2e3f4a5b6c7d8', '2026-12-03', '2026-12-03', -4_512, 'EUR', 'Albert Heijn 1234', null, 'Betaalpas AH 1234 Utrecht'],
      ['booked', '2026120400004', '2026-12-04', '2026-12-04', -2_038, 'EUR', 'Energie Direct', 'NL18RABO0123459876', 'Termijn energie'],
      ['pending', null, '2026-12-05', '2026-12-05', -1_450, 'EUR', 'NS Reizigers', null, 'Reservering OV-chipkaart'],
    ]);
    expect(statement.transactions[1]).toMatchObject({ endToEndId: 'HUUR-2026-12', mandateId: 'WSDL-4711', creditorId: 'NL98ZZZ999999990000' });
    expect(statement.transactions.reduce((sum, t) => sum + t.amountCents, 0)).toBe(215_000 - 85_000 - 4_512 - 2_038 - 1_450);
    expect(statement.balances.map((b) => [b.type, b.amountCents, b.currency, b.date])).toEqual([
      ['closingBooked', 123_456, 'EUR', '2026-12-05'],
      ['interimAvailable', 122_006, 'EUR', '2026-12-06'],
      ['interimBooked', 130_000, 'EUR', '2026-12-01'],
    ]);
  });

  it('fetches only the parts the consent gives', async () => {
    const [account] = await provider.listAccounts(ref);
    const report = await provider.accountReport(ref, account!, { dateFrom: '2026-09-07', withBalances: false, withTransactions: true });
    expect(report).not.toHaveProperty('balances');
    expect(fake.calls('GET', `/api/v2/accounts/${ACCOUNT_1}/balances/`)).toHaveLength(0);
    const balancesOnly = await provider.accountReport(ref, account!, { dateFrom: '2026-09-07', withBalances: true, withTransactions: false });
    expect(balancesOnly).not.toHaveProperty('transactions');
    expect(parseBankFile(Buffer.from(JSON.stringify(balancesOnly)), { format: 'berlin-group' }).balances).toHaveLength(2);
  });

  it('amounts sent as JSON numbers are read as decimals', async () => {
    const transactions = fixture<{ transactions: { booked: Array<Record<string, unknown>> } }>('account-1-transactions.json');
    transactions.transactions.booked[0]!.transactionAmount = { amount: 2150.5, currency: 'EUR' };
    fake.on('GET', `/api/v2/accounts/${ACCOUNT_1}/transactions/`, () => ({ body: transactions }));
    const [account] = await provider.listAccounts(ref);
    const report = await provider.accountReport(ref, account!, { dateFrom: '2026-09-07', withBalances: false, withTransactions: true });
    expect(parseBankFile(Buffer.from(JSON.stringify(report)), { format: 'berlin-group' }).transactions[0]!.amountCents).toBe(215_050);
  });

  it('an account without IBAN is named by its GoCardless id', async () => {
    const report = await provider.accountReport(ref, { resourceId: ACCOUNT_1, iban: null, currency: 'EUR', name: null, ownerName: null }, { dateFrom: '2026-09-07', withBalances: false, withTransactions: true });
    const statement = parseBankFile(Buffer.from(JSON.stringify(report)), { format: 'berlin-group' });
    expect(statement.accounts[0]).toMatchObject({ iban: null, otherId: `gocardless:${ACCOUNT_1}`, currency: 'EUR' });
  });

  it('revokes by deleting the requisition; one already gone is fine', async () => {
    await provider.revoke(ref);
    expect(fake.calls('DELETE', `/api/v2/requisitions/${REQUISITION}/`)).toHaveLength(1);
    await expect(provider.revoke({ providerConsentId: '00000000-0000-0000-0000-000000000000' })).resolves.toBeUndefined();
  });
});

describe('error mapping', () => {
  const transactionsPath = `/api/v2/accounts/${ACCOUNT_1}/transactions/`;
  const account = { resourceId: ACCOUNT_1, iban: 'NL69INGB0123456789', currency: 'EUR', name: null, ownerName: null };
  const pull = (p: GoCardlessProvider = provider) => p.accountReport(ref, account, { dateFrom: '2026-09-07', withBalances: true, withTransactions: true });

  it('401 access expired (the end user\'s access, not our token) is consent_expired, without renewing the token', async () => {
    fake.on('GET', transactionsPath, () => ({ status: 401, body: fixture('error-access-expired.json') }));
    const error = await failure(pull());
    expect(error).toMatchObject({ code: 'consent_expired', details: { httpStatus: 401, providerCodes: ['AccessExpiredError'] } });
    expect(tokenCalls()).toEqual(['/api/v2/token/new/']);
  });

  it('409 with an expired end-user agreement is consent_expired', async () => {
    fake.on('GET', transactionsPath, () => ({ status: 409, body: fixture('error-eua-expired.json') }));
    const error = await failure(pull());
    expect(error.code).toBe('consent_expired');
    expect(error.message).toContain('has expired');
  });

  it('400 with an expired end-user agreement (as the API also answers) is consent_expired', async () => {
    fake.on('GET', transactionsPath, () => ({ status: 400, body: { ...fixture<Record<string, unknown>>('error-eua-expired.json'), status_code: 400 } }));
    expect((await failure(pull())).code).toBe('consent_expired');
  });

  it('409 for an account still being processed is unavailable (retry later)', async () => {
    fake.on('GET', transactionsPath, () => ({ status: 409, body: fixture('error-account-processing.json') }));
    expect((await failure(pull())).code).toBe('unavailable');
  });

  it('429 of GoCardless\'s own limit is rate_limited with the reset header\'s seconds', async () => {
    fake.on('GET', transactionsPath, () => ({
      status: 429,
      body: fixture('error-rate-limit.json'),
      headers: { HTTP_X_RATELIMIT_LIMIT: '100', HTTP_X_RATELIMIT_REMAINING: '0', HTTP_X_RATELIMIT_RESET: '42' },
    }));
    expect(await failure(pull())).toMatchObject({ code: 'rate_limited', details: { httpStatus: 429, retryAfterSeconds: 42 } });
  });

  it('429 without headers takes the wait from the detail, else a minute', async () => {
    fake.once('GET', transactionsPath, { status: 429, body: fixture('error-rate-limit.json') });
    expect((await failure(pull())).details.retryAfterSeconds).toBe(37);
    fake.once('GET', transactionsPath, { status: 429, body: { summary: 'Rate limit exceeded', status_code: 429 } });
    expect((await failure(pull())).details.retryAfterSeconds).toBe(60);
  });

  it('429 of the bank\'s daily limit per account is access_exceeded with the account reset header', async () => {
    fake.on('GET', transactionsPath, () => ({
      status: 429,
      body: fixture('error-bank-rate-limit.json'),
      headers: { HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_LIMIT: '4', HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_REMAINING: '0', HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET: '51300' },
    }));
    expect(await failure(pull())).toMatchObject({ code: 'access_exceeded', details: { httpStatus: 429, retryAfterSeconds: 51_300, providerCodes: ['RateLimitError'] } });
  });

  it('500 is unavailable', async () => {
    fake.on('GET', transactionsPath, () => ({ status: 500, body: fixture('error-institution-technical.json') }));
    expect(await failure(pull())).toMatchObject({ code: 'unavailable', details: { httpStatus: 500, providerCodes: ['InstitutionTechnicalError'] } });
    fake.on('GET', transactionsPath, () => ({ status: 503, body: '<html>Service Unavailable</html>' }));
    expect((await failure(pull())).code).toBe('unavailable');
  });

  it('no answer within the timeout is unavailable', async () => {
    fake.on('GET', transactionsPath, () => ({ body: fixture('account-1-transactions.json'), delayMs: 1_500 }));
    const started = Date.now();
    const error = await failure(pull(makeProvider({ timeoutMs: 300 })));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it('a refused connection is unavailable', async () => {
    await fake.stop();
    const error = await failure(pull());
    expect(error.code).toBe('unavailable');
  });

  it('the caller\'s abort ends the pull as unavailable', async () => {
    fake.on('GET', transactionsPath, () => ({ body: fixture('account-1-transactions.json'), delayMs: 1_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(provider.accountReport(ref, account, { dateFrom: '2026-09-07', withBalances: false, withTransactions: true }, { signal: controller.signal }));
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('aborted') });
  });

  it('a body that is not JSON is malformed', async () => {
    fake.on('GET', transactionsPath, () => ({ body: '{"transactions": {"booked": [' }));
    expect(await failure(pull())).toMatchObject({ code: 'malformed', details: { httpStatus: 200 } });
  });

  it('JSON that is not the documented shape is malformed, and no partial report comes back', async () => {
    for (const body of [{ transactions: [] }, { transactions: { booked: {} } }, { transactions: { booked: ['x'] } }, []]) {
      fake.once('GET', transactionsPath, { body });
      expect((await failure(pull())).code).toBe('malformed');
    }
    fake.once('GET', `/api/v2/accounts/${ACCOUNT_1}/balances/`, { body: { balances: 'none' } });
    expect((await failure(pull())).code).toBe('malformed');
    fake.once('GET', `/api/v2/requisitions/${REQUISITION}/`, { body: { ...fixture<Record<string, unknown>>('requisition-linked.json'), accounts: 'all' } });
    expect((await failure(provider.listAccounts(ref))).code).toBe('malformed');
  });

  it('other 4xx are rejected requests with GoCardless\'s summary', async () => {
    fake.on('GET', transactionsPath, () => ({ status: 400, body: { summary: 'Invalid date_from', detail: 'date_from must be in the past', status_code: 400 } }));
    const error = await failure(pull());
    expect(error).toMatchObject({ code: 'rejected_request', details: { httpStatus: 400, providerCodes: ['Invalid date_from'] } });
    expect(error.message).toContain('date_from must be in the past');
  });

  it('403 (not allowed for our company) is a rejected request, 404 of an account too', async () => {
    fake.once('GET', transactionsPath, { status: 403, body: { summary: 'Forbidden', detail: 'Your company does not have access to this institution', status_code: 403 } });
    expect(await failure(pull())).toMatchObject({ code: 'rejected_request', details: { httpStatus: 403 } });
    const missing = await failure(provider.accountReport(ref, { ...account, resourceId: 'unknown-account' }, { dateFrom: '2026-09-07', withBalances: false, withTransactions: true }));
    expect(missing).toMatchObject({ code: 'rejected_request', details: { httpStatus: 404 } });
  });

  it('a configuration without its secrets is refused at creation, naming the field and not the values', () => {
    expect(() => createGoCardlessProvider({ baseUrl, secretId: SECRET_ID, secretKey: ' ' })).toThrow('GoCardless configuration needs secretKey');
    expect(() => createGoCardlessProvider({ baseUrl: '', secretId: SECRET_ID, secretKey: SECRET_KEY })).toThrow(/needs baseUrl$/);
  });

  it('logging the provider by mistake shows no secret or token', async () => {
    await provider.listInstitutions();
    const access = fake.calls('GET', '/api/v2/institutions/')[0]!.authorization!.replace('Bearer ', '');
    for (const shown of [JSON.stringify(provider), inspect(provider, { depth: 10, showHidden: true })]) {
      for (const secret of [SECRET_ID, SECRET_KEY, access, 'eyJhbGciOiJIUzI1NiJ9']) expect(shown).not.toContain(secret);
    }
  });

  it('secrets and tokens never appear in any error, even when GoCardless echoes them', async () => {
    const errors: ProviderError[] = [];
    fake.once('POST', '/api/v2/token/new/', { status: 400, body: { secret_key: { summary: `Invalid secret_key ${SECRET_KEY}`, detail: `secret ${SECRET_ID} / ${SECRET_KEY} is not valid` }, status_code: 400 } });
    errors.push(await failure(provider.listInstitutions()));
    await provider.listInstitutions();
    const access = fake.calls('GET', '/api/v2/institutions/').at(-1)!.authorization!.replace('Bearer ', '');
    const refresh = fixture<Record<string, string>>('token-new.json').refresh!;
    fake.once('GET', transactionsPath, { status: 400, body: { summary: `Bad token ${access}`, detail: `refresh ${refresh}`, status_code: 400 } });
    errors.push(await failure(pull()));
    for (const [status, name] of [
      [401, 'error-access-expired.json'],
      [409, 'error-eua-expired.json'],
      [429, 'error-rate-limit.json'],
      [500, 'error-institution-technical.json'],
    ] as const) {
      fake.once('GET', transactionsPath, { status, body: fixture(name) });
      errors.push(await failure(pull()));
    }
    // A refused token quoted back, twice: the error after the one retry must not carry either token.
    fake.refuseToken = (bearer) => ({ status: 401, body: { summary: `Invalid token ${bearer}`, detail: `Token ${bearer} is invalid or expired`, status_code: 401 } });
    fake.validAccess.clear();
    const refusedTokens: string[] = [];
    fake.on('POST', '/api/v2/token/refresh/', () => {
      const refreshed = { ...fixture<Record<string, unknown>>('token-refresh.json'), access: `eyJhbGciOiJIUzI1NiJ9.NEVER-ACCEPTED.${refusedTokens.length}` };
      refusedTokens.push(String(refreshed.access));
      return { body: refreshed };
    });
    errors.push(await failure(pull()));
    fake.on('POST', '/api/v2/token/refresh/', () => ({ status: 500, body: { summary: 'down' } }));
    clock += 2 * DAY_MS;
    errors.push(await failure(pull()));
    const everything = JSON.stringify(errors.map((e) => ({ message: e.message, stack: e.stack, details: e.details })));
    expect(errors.map((e) => e.code)).toEqual(['rejected_request', 'rejected_request', 'consent_expired', 'consent_expired', 'rate_limited', 'unavailable', 'unauthorised_client', 'unavailable']);
    expect(errors[0]!.message).toContain('[redacted]');
    expect(errors[6]!.details.providerCodes).toEqual(['Invalid token [redacted]']);
    expect(refusedTokens).toHaveLength(1);
    for (const secret of [SECRET_ID, SECRET_KEY, access, refresh, ...refusedTokens, 'eyJhbGciOiJIUzI1NiJ9']) expect(everything).not.toContain(secret);
  });
});
