/**
 * The XS2A contract validator itself: it accepts the specification's own examples and rejects
 * mutations of them (a missing required member, a wrong type, a value outside an enum, a missing
 * header, an unknown path or status), so a green contract test elsewhere means something.
 */
import { describe, expect, it } from 'vitest';
import { validateXs2aRequest, validateXs2aResponse, xs2aExamples } from '../support/xs2a-contract.js';

interface TransactionsBody {
  transactions: { booked: { transactionAmount?: { amount: unknown }; valueDate?: unknown }[]; _links?: unknown };
}

const REQUEST_ID = '99391c7e-ad88-49ec-a2ad-99ddcb1f7721';
const json = { 'X-Request-ID': REQUEST_ID, 'Content-Type': 'application/json' };

function clone<T>(value: T): T {
  return structuredClone(value);
}

const responseOperations: [string, string, number][] = [
  ['POST', '/v1/consents', 201],
  ['GET', '/v1/consents/1234-wertiq-983/status', 200],
  ['GET', '/v1/accounts', 200],
  ['GET', '/v1/accounts/3dc3d5b3-7023-4848-9853-f5400a64e80f/balances', 200],
  ['GET', '/v1/accounts/3dc3d5b3-7023-4848-9853-f5400a64e80f/transactions', 200],
];

describe('validateXs2aResponse accepts the specification examples', () => {
  for (const [method, path, status] of responseOperations) {
    const examples = xs2aExamples('response', method, path, status);
    it(`${method} ${path} ${status}: ${examples.length} examples`, () => {
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) expect({ name: example.name, errors: validateXs2aResponse({ method, path, status, headers: json, body: example.value }) }).toEqual({ name: example.name, errors: [] });
    });
  }

  it('accepts the raw JSON string as body and a Headers object, and a base path before /v1/', () => {
    const [example] = xs2aExamples('response', 'GET', '/v1/accounts', 200);
    const headers = new Headers(json);
    expect(validateXs2aResponse({ method: 'GET', path: 'http://127.0.0.1:4010/psd2/v1/accounts?withBalance=true', status: 200, headers, body: JSON.stringify(example!.value) })).toEqual([]);
  });

  it('accepts a 204 without body and the 401/429 error bodies with tppMessages', () => {
    expect(validateXs2aResponse({ method: 'DELETE', path: '/v1/consents/abc', status: 204, headers: { 'x-request-id': REQUEST_ID } })).toEqual([]);
    const error = (code: string) => ({ tppMessages: [{ category: 'ERROR', code, text: 'explained' }] });
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 401, headers: json, body: error('CONSENT_EXPIRED') })).toEqual([]);
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/accounts/x/transactions', status: 429, headers: json, body: error('ACCESS_EXCEEDED') })).toEqual([]);
  });
});

describe('validateXs2aResponse rejects what is wrong', () => {
  const transactions = xs2aExamples('response', 'GET', '/v1/accounts/x/transactions', 200)[0]!.value as TransactionsBody;
  const path = '/v1/accounts/x/transactions';

  it('a transaction without its required transactionAmount', () => {
    const body = clone(transactions);
    delete body.transactions.booked[0]!.transactionAmount;
    const errors = validateXs2aResponse({ method: 'GET', path, status: 200, headers: json, body });
    expect(errors).toContainEqual(expect.stringContaining("/transactions/booked/0 must have required property 'transactionAmount'"));
  });

  it('an amount as a number instead of a string, a date that is no date', () => {
    const body = clone(transactions);
    body.transactions.booked[0]!.transactionAmount!.amount = 256.67;
    body.transactions.booked[0]!.valueDate = '2017-13-45';
    const errors = validateXs2aResponse({ method: 'GET', path, status: 200, headers: json, body });
    expect(errors).toContainEqual(expect.stringContaining('/transactions/booked/0/transactionAmount/amount must be string'));
    expect(errors).toContainEqual(expect.stringContaining('/transactions/booked/0/valueDate must match format "date"'));
  });

  it('a transaction report without its required _links.account', () => {
    const body = clone(transactions);
    body.transactions._links = { next: { href: '/v1/accounts/x/transactions?pageIndex=1' } };
    expect(validateXs2aResponse({ method: 'GET', path, status: 200, headers: json, body })).toContainEqual(expect.stringContaining("/transactions/_links must have required property 'account'"));
  });

  it('a consent status outside the enum, a 201 without _links', () => {
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/consents/a/status', status: 200, headers: json, body: { consentStatus: 'approved' } })).toContainEqual(expect.stringContaining('/consentStatus must be equal to one of the allowed values'));
    expect(validateXs2aResponse({ method: 'POST', path: '/v1/consents', status: 201, headers: json, body: { consentStatus: 'received', consentId: 'c1' } })).toContainEqual(expect.stringContaining("must have required property '_links'"));
  });

  it('an error body whose tppMessage lacks its code or has a wrong category', () => {
    const errors = validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 401, headers: json, body: { tppMessages: [{ category: 'FATAL' }] } });
    expect(errors).toContainEqual(expect.stringContaining("/tppMessages/0 must have required property 'code'"));
    expect(errors).toContainEqual(expect.stringContaining('/tppMessages/0/category must be equal to one of the allowed values'));
  });

  it('a missing or malformed X-Request-ID response header', () => {
    const body = { consentStatus: 'valid' };
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/consents/a/status', status: 200, headers: {}, body })).toEqual(['response header X-Request-ID is required']);
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/consents/a/status', status: 200, headers: { 'X-Request-ID': 'not-a-uuid' }, body })).toEqual(['response header X-Request-ID must match format "uuid"']);
  });

  it('an unknown path, an undefined method, a status the operation does not define', () => {
    expect(validateXs2aResponse({ method: 'GET', path: '/v2/accounts', status: 200, headers: json, body: {} })).toEqual(['path /v2/accounts matches no path of the specification']);
    expect(validateXs2aResponse({ method: 'PUT', path: '/v1/accounts', status: 200, headers: json, body: {} })).toEqual(['PUT /v1/accounts is not an operation of the specification']);
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 418, headers: json, body: {} })).toEqual(['status 418 is not a response of GET /v1/accounts']);
  });

  it('truncated JSON, a missing body, a body on a 204, a media type the operation does not offer', () => {
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 200, headers: json, body: '{"accounts":[{"iban":"NL' })).toEqual(['response body is not valid JSON']);
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 200, headers: json })).toEqual(['response body is required for status 200']);
    expect(validateXs2aResponse({ method: 'DELETE', path: '/v1/consents/a', status: 204, headers: json, body: { a: 1 } })).toEqual(['status 204 must come without a body']);
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 200, headers: { ...json, 'Content-Type': 'text/html' }, body: '<p>' })).toEqual(['response Content-Type text/html is not one of application/json']);
  });

  it('the consent status path is not mistaken for a payment path with three parameters', () => {
    // `/v1/{payment-service}/{payment-product}/{paymentId}` also matches; literal segments win.
    expect(validateXs2aResponse({ method: 'GET', path: '/v1/consents/a/status', status: 200, headers: json, body: { consentStatus: 'valid' } })).toEqual([]);
  });
});

/** The consent request as the specification means it (its own examples carry two known flaws). */
const validConsent = {
  access: { balances: [{ iban: 'NL91ABNA0417164300' }], transactions: [{ iban: 'NL91ABNA0417164300' }] },
  recurringIndicator: true,
  validUntil: '2027-03-01',
  frequencyPerDay: 4,
  combinedServiceIndicator: false,
};
const consentHeaders = { ...json, 'PSU-IP-Address': '192.168.8.78', 'TPP-Redirect-URI': 'https://tpp.example/ok', 'TPP-Nok-Redirect-URI': 'https://tpp.example/nok', 'TPP-Redirect-Preferred': 'true' };

describe('validateXs2aRequest', () => {
  it('accepts a well-formed consent request and well-formed reads', () => {
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders, body: validConsent })).toEqual([]);
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders, body: JSON.stringify({ ...validConsent, access: { allPsd2: 'allAccounts' } }) })).toEqual([]);
    const read = { 'X-Request-ID': REQUEST_ID, 'Consent-ID': 'c-1' };
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/accounts?withBalance=false', headers: read })).toEqual([]);
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/accounts/acc-1/balances', headers: { ...read, 'PSU-IP-Address': '10.0.0.1' } })).toEqual([]);
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/accounts/acc-1/transactions', headers: read, query: { bookingStatus: 'both', dateFrom: '2026-01-01', dateTo: '2026-12-06', withBalance: true, pageIndex: 2 } })).toEqual([]);
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/consents/c-1/status', headers: { 'X-Request-ID': REQUEST_ID } })).toEqual([]);
    expect(validateXs2aRequest({ method: 'DELETE', path: '/v1/consents/c-1', headers: { 'X-Request-ID': REQUEST_ID } })).toEqual([]);
  });

  it('rejects the specification examples of the consent request for their two known flaws', () => {
    // The 1.3.11 document's examples send recurringIndicator as the string "true" and omit the
    // required combinedServiceIndicator: the validator must see both (they prove it is not lenient).
    const examples = xs2aExamples('request', 'POST', '/v1/consents');
    expect(examples.length).toBe(3);
    for (const example of examples) {
      expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders, body: example.value })).toEqual(["request body must have required property 'combinedServiceIndicator'", 'request body/recurringIndicator must be boolean']);
    }
  });

  it('rejects a consent request with a missing member, a wrong type, a frequency below one', () => {
    const { validUntil: _dropped, ...withoutValidUntil } = validConsent;
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders, body: withoutValidUntil })).toEqual(["request body must have required property 'validUntil'"]);
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders, body: { ...validConsent, frequencyPerDay: '4' } })).toEqual(['request body/frequencyPerDay must be integer']);
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders, body: { ...validConsent, frequencyPerDay: 0 } })).toEqual(['request body/frequencyPerDay must be >= 1']);
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders, body: { ...validConsent, access: { allPsd2: 'everything' } } })).toContainEqual(expect.stringContaining('request body/access/allPsd2 must be equal to one of the allowed values'));
  });

  it('rejects missing and malformed headers, a missing body and a missing Content-Type', () => {
    const { 'PSU-IP-Address': _ip, ...withoutIp } = consentHeaders;
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: withoutIp, body: validConsent })).toEqual(['header parameter PSU-IP-Address is required']);
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: { ...consentHeaders, 'X-Request-ID': '42', 'TPP-Redirect-Preferred': 'yes' }, body: validConsent })).toEqual([
      'header parameter X-Request-ID must match format "uuid"',
      'header parameter TPP-Redirect-Preferred must be boolean',
    ]);
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: consentHeaders })).toEqual(['request body is required']);
    const { 'Content-Type': _type, ...withoutType } = consentHeaders;
    expect(validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers: withoutType, body: validConsent })).toEqual(['header Content-Type is required with a request body']);
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/accounts', headers: { 'X-Request-ID': REQUEST_ID }, body: { a: 1 } })).toEqual(['header parameter Consent-ID is required', 'request body given, but GET /v1/accounts takes none']);
  });

  it('rejects a transactions read without bookingStatus, with a bad date or an undefined query parameter', () => {
    const read = { 'X-Request-ID': REQUEST_ID, 'Consent-ID': 'c-1' };
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/accounts/a/transactions?dateFrom=2026-01-01', headers: read })).toEqual(['query parameter bookingStatus is required']);
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/accounts/a/transactions?bookingStatus=both&dateFrom=01-01-2026&withBalance=yes', headers: read })).toEqual(['query parameter dateFrom must match format "date"', 'query parameter withBalance must be boolean']);
    expect(validateXs2aRequest({ method: 'GET', path: '/v1/accounts/a/transactions', headers: read, query: new URLSearchParams({ bookingStatus: 'both', page: '2' }) })).toEqual(['query parameter page is not defined for GET /v1/accounts/{account-id}/transactions']);
  });
});
