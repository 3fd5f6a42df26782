/**
 * The same debtor journey through an aggregator: a tenant's connection of kind gocardless (secrets
 * sealed like any other), the debtor's page sends the browser to the requisition's link, GoCardless
 * sends it back to our return address, the requisition's status decides, and the pull goes through
 * the same parsing and ingestion. GoCardless is the local fake answering from recorded responses
 * written from its public documentation (test/fixtures/gocardless), over loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { countRows, createDebtor, requestConsent } from '../support/flows.js';
import { formEndingWith, PageBrowser, pathOf } from '../debtor-page/page-support.js';
import { ACCOUNT_2, FakeGoCardless, REQUISITION, SECRET_ID, SECRET_KEY, fixture } from './gocardless/fake-gocardless.js';

describe('connecting a bank through GoCardless (fake over loopback)', () => {
  let t: TestApp;
  let fake: FakeGoCardless;
  let connectionId = '';

  beforeAll(async () => {
    fake = new FakeGoCardless();
    // The requisition links two accounts; the recordings hold data of the first: the second is a quiet savings account.
    fake.on('GET', `/api/v2/accounts/${ACCOUNT_2}/balances/`, () => ({ body: { balances: [{ balanceAmount: { amount: '50.00', currency: 'EUR' }, balanceType: 'closingBooked', referenceDate: '2026-12-05' }] } }));
    fake.on('GET', `/api/v2/accounts/${ACCOUNT_2}/transactions/`, () => ({ body: { transactions: { booked: [], pending: [] } } }));
    const url = await fake.start();
    t = await createTestApp({ config: { bankConnectionAllowHttpLocalhost: true } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/bank-connections',
      headers: bearer(t.tenantA.keys.admin),
      payload: { displayName: 'ING (via GoCardless)', kind: 'gocardless', baseUrl: url, settings: { institutionId: 'ING_INGBNL2A', country: 'NL' }, secrets: { secretId: SECRET_ID, secretKey: SECRET_KEY } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).not.toContain(SECRET_KEY);
    connectionId = res.json().id;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  it('request → the requisition link → back → consent valid, data stored; revoking deletes the requisition', async () => {
    const debtorId = await createDebtor(t, t.tenantA, 'gc-debtor');
    const { consentId, linkToken } = await requestConsent(t, t.tenantA, debtorId, { frequencyPerDay: 4 });
    const browser = new PageBrowser(t);
    const page = await browser.get(`/consent/${linkToken}`);
    expect(page.body).toContain('ING (via GoCardless)');
    const toBank = await browser.submit(formEndingWith(page.body, '/bank'), { connectionId });
    expect(toBank.statusCode, toBank.body).toBe(303);
    expect(toBank.headers.location).toBe(fixture<{ link: string }>('requisition-created.json').link);
    const created = fake.calls('POST', '/api/v2/requisitions/')[0]!.body as { redirect: string; institution_id: string };
    expect(created.institution_id).toBe('ING_INGBNL2A');
    expect(created.redirect).toContain(`/consent/${linkToken}/bank/return?state=`);

    // GoCardless sends the browser back to the redirect with its own ref appended.
    const back = await browser.get(`${pathOf(created.redirect)}&ref=${REQUISITION}`);
    expect(back.statusCode, back.body).toBe(200);
    expect(back.body).toContain('Uw bank is gekoppeld');
    const consent = await t.database.db.selectFrom('consents').select(['status', 'evidence']).where('id', '=', consentId).executeTakeFirstOrThrow();
    expect(consent).toMatchObject({ status: 'valid', evidence: { method: 'bank_sca' } });
    const pulls = (await t.app.inject({ url: `/v1/consents/${consentId}/pulls`, headers: bearer(t.tenantA.keys.creditor) })).json().items;
    const auth = (await t.app.inject({ url: `/v1/consents/${consentId}/bank-authorisations`, headers: bearer(t.tenantA.keys.creditor) })).json().items;
    expect(await countRows(t, 'bank_transactions', debtorId), JSON.stringify({ pulls, auth })).toBeGreaterThan(0);
    expect(pulls).toMatchObject([{ trigger: 'debtor', outcome: 'ok' }]);

    const withdraw = await browser.submit(formEndingWith((await browser.get(`/consent/${linkToken}`)).body, '/withdraw'));
    expect(withdraw.statusCode).toBe(303);
    expect(fake.calls('DELETE', `/api/v2/requisitions/${REQUISITION}/`)).toHaveLength(1);
    expect(await countRows(t, 'bank_transactions', debtorId)).toBe(0);
    // The secret never travelled anywhere but the token call, and one token served the whole journey.
    expect(new Set(fake.requests.filter((r) => JSON.stringify(r).includes(SECRET_KEY)).map((r) => r.path))).toEqual(new Set(['/api/v2/token/new/']));
    expect(fake.calls('POST', '/api/v2/token/new/')).toHaveLength(1);
  });
});
