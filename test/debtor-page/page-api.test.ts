/**
 * The debtor's page over HTTP on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL), as a
 * browser without JavaScript uses it: links, CSRF-protected forms, uploads that wait for the debtor's
 * word, plans chosen and paid by QR, and links that are bad in every way answered with a friendly page
 * and no data. The browser test (browser.test.ts) walks the same journey in Chromium.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBankFile } from '../../src/bank-data/formats/index.js';
import { signLinkToken, signScopedLinkToken } from '../../src/consent/link-token.js';
import { addMonths } from '../../src/platform/dates.js';
import { writeCamt053Statement } from '../../src/simulation/camt053.writer.js';
import type { SimulatedBankTransaction } from '../../src/simulation/simulation.types.js';
import { today as realToday } from '../support/flows.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { householdStatement, PAYEE } from '../repayment-plans/plan-support.js';
import { formEndingWith, PageBrowser, pathOf, requestedConsent } from './page-support.js';

const START = realToday();
const HISTORY_FROM = `${addMonths(START, -6).slice(0, 7)}-01`;
const BASE = 'https://betalen.example.nl/draagkracht';

function statement(shape = { salaryCents: 320_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, extra: SimulatedBankTransaction[] = []) {
  const account = householdStatement(shape, HISTORY_FROM, START);
  account.transactions.push(...extra);
  account.transactions.sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : 1));
  return { xml: writeCamt053Statement(account), transactions: account.transactions.length };
}

describe('the debtor’s page over HTTP', () => {
  let t: TestApp;
  const count = async (table: 'bank_transactions' | 'bank_upload_drafts' | 'repayment_plan_offers', column: 'consent_id' | 'debtor_id', id: string) => {
    const row = await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', t.tenantA.id).where(column, '=', id).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const consentStatus = async (consentId: string) =>
    (await t.database.db.selectFrom('consents').select('status').where('tenant_id', '=', t.tenantA.id).where('id', '=', consentId).executeTakeFirstOrThrow()).status;

  /** Opens the link and grants; returns the browser and the page after the grant. */
  const granted = async (externalRef: string) => {
    const link = await requestedConsent(t, t.tenantA, externalRef, START);
    const browser = new PageBrowser(t, '/draagkracht');
    const page = await browser.get(pathOf(link.linkUrl));
    const grant = await browser.submit(formEndingWith(page.body, '/grant'));
    expect(grant.statusCode, grant.body.slice(0, 500)).toBe(303);
    const after = await browser.get(grant.headers.location as string);
    return { link, browser, page: after };
  };

  beforeAll(async () => {
    t = await createTestApp({ config: { publicBaseUrl: `${BASE}/` } });
    const policy = await t.app.inject({ method: 'PUT', url: '/v1/policies/repayment-plans', headers: bearer(t.tenantA.keys.admin), payload: { policy: { payee: PAYEE } } });
    expect(policy.statusCode, policy.body).toBe(200);
  });
  afterAll(async () => t?.close());

  it('gives the creditor an absolute link on the configured base, and serves a safe page there', async () => {
    const link = await requestedConsent(t, t.tenantA, 'page-headers', START);
    expect(link.linkUrl).toBe(`${BASE}/consent/${link.linkToken}`);
    const browser = new PageBrowser(t, '/draagkracht');
    const page = await browser.get(`/consent/${link.linkToken}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(String(page.headers['set-cookie'])).toMatch(/^dk_form=[A-Za-z0-9_-]{32}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
    expect(page.body).toContain('<html lang="nl">');
    expect(page.body).not.toContain('<script');
    // Forms post back under the public prefix, so the page works behind a proxy path.
    expect(formEndingWith(page.body, '/grant').action).toBe(`/draagkracht/consent/${link.linkToken}/grant`);
    // Who, what, why, until when, how to stop, and what saying no means.
    for (const words of ['Wie vraagt het?', 'Welke gegevens?', 'Waarom?', 'Tot wanneer?', 'Kunt u stoppen?', 'Wat als u nee zegt?', 'uw bij- en afschrijvingen', 'Tenant tenant-a']) expect(page.body).toContain(words);
    // The debt-help link is on every screen.
    expect(page.body).toContain('href="https://www.geldfit.nl"');
    const english = await browser.get(`/consent/${link.linkToken}?lang=en`);
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Tenant tenant-a asks for your bank data');
    expect(formEndingWith(english.body, '/grant').action).toBe(`/draagkracht/consent/${link.linkToken}/grant?lang=en`);
    const stylesheet = await browser.get('/debtor-assets/page.css');
    expect(stylesheet.statusCode).toBe(200);
    expect(stylesheet.headers['content-type']).toBe('text/css; charset=utf-8');
    const unknownLanguage = await browser.get(`/consent/${link.linkToken}?lang=fr`);
    expect(unknownLanguage.statusCode).toBe(400);
    expect(unknownLanguage.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('takes a decision only from its own form: cookie, form token and origin must match', async () => {
    const link = await requestedConsent(t, t.tenantA, 'page-csrf', START);
    const browser = new PageBrowser(t, '/draagkracht');
    const page = await browser.get(`/consent/${link.linkToken}`);
    const grant = formEndingWith(page.body, '/grant');
    const action = grant.action.replace('/draagkracht', '');
    const attempts = [
      { why: 'no cookie', cookie: null, csrf: grant.csrf, origin: undefined },
      { why: 'another browser’s cookie', cookie: 'dk_form=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', csrf: grant.csrf, origin: undefined },
      { why: 'no form token', cookie: browser.cookie, csrf: undefined, origin: undefined },
      { why: 'a form token of another link', cookie: browser.cookie, csrf: 'x'.repeat(43), origin: undefined },
      { why: 'a post from another site', cookie: browser.cookie, csrf: grant.csrf, origin: 'https://evil.example' },
    ];
    for (const attempt of attempts) {
      const body = new URLSearchParams({ agreed: 'yes', ...(attempt.csrf ? { csrf: attempt.csrf } : {}) }).toString();
      const res = await t.app.inject({
        method: 'POST',
        url: action,
        payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(attempt.cookie ? { cookie: attempt.cookie } : {}), ...(attempt.origin ? { origin: attempt.origin } : {}) },
      });
      expect(res.statusCode, attempt.why).toBe(403);
      expect(res.body, attempt.why).toContain('Dit ging niet goed');
      expect(await consentStatus(link.consentId), attempt.why).toBe('received');
    }
    // The form's own fields are checked too: granting needs the grant button's value.
    const unpressed = await browser.submit({ ...grant, action, hidden: { csrf: grant.csrf } });
    expect(unpressed.statusCode).toBe(400);
    expect(unpressed.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(await consentStatus(link.consentId)).toBe('received');
    const ok = await browser.submit({ ...grant, action }, {}, { origin: BASE.replace('/draagkracht', '') });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/draagkracht/consent/${link.linkToken}`);
    expect(await consentStatus(link.consentId)).toBe('valid');
    // JSON is not a form this page takes.
    const json = await t.app.inject({ method: 'POST', url: action, payload: { agreed: 'yes', csrf: grant.csrf }, headers: { cookie: browser.cookie! } });
    expect(json.statusCode).toBe(415);
  });

  it('answers a bad, foreign, expired or wrong-kind link with a friendly page and no data', async () => {
    const link = await requestedConsent(t, t.tenantA, 'page-bad-links', START);
    const secret = t.config.linkTokenSecret!;
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const bad = {
      garbage: 'not-a-token-at-all',
      tampered: `${link.linkToken.slice(0, -4)}AAAA`,
      otherSecret: signLinkToken({ tenantId: t.tenantA.id, consentId: link.consentId, debtorId: link.debtorId, expiresAt: inAnHour }, 'another-secret-another-secret-another-secret'),
      otherTenant: signLinkToken({ tenantId: t.tenantB.id, consentId: link.consentId, debtorId: link.debtorId, expiresAt: inAnHour }, secret),
      expired: signLinkToken({ tenantId: t.tenantA.id, consentId: link.consentId, debtorId: link.debtorId, expiresAt: Math.floor(Date.now() / 1000) - 60 }, secret),
      planScope: signScopedLinkToken({ scope: 'plan_offer', tenantId: t.tenantA.id, subjectId: link.consentId, debtorId: link.debtorId, expiresAt: inAnHour }, secret),
    };
    for (const [why, token] of Object.entries(bad)) {
      for (const url of [`/consent/${token}`, `/consent/${token}?lang=en`]) {
        const res = await t.app.inject({ url });
        expect(res.statusCode, `${why} ${url}`).toBe(401);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toMatch(/Deze link werkt niet|This link does not work/);
        expect(res.body).not.toContain('Tenant tenant-a');
        expect(res.body).not.toContain('<form');
      }
    }
    // A consent link is no plan link.
    const asPlan = await t.app.inject({ url: `/plan/${link.linkToken}` });
    expect(asPlan.statusCode).toBe(401);
    // A post with a bad link changes nothing, whatever the form says.
    const post = await t.app.inject({ method: 'POST', url: `/consent/${bad.otherTenant}/withdraw`, payload: 'csrf=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.statusCode).toBe(401);
    expect(await consentStatus(link.consentId)).toBe('received');
  });

  it('reads an upload, shows what it read, and stores nothing until the debtor says so', async () => {
    const { link, browser, page } = await granted('page-upload');
    const file = statement();
    // Not a bank file: a friendly refusal, nothing kept.
    const pdf = await browser.upload(formEndingWith(page.body, '/statements'), { name: 'afschrift.pdf', bytes: Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\n') });
    expect(pdf.statusCode).toBe(422);
    expect(pdf.body).toContain('We konden dit bestand niet lezen');
    expect(await count('bank_upload_drafts', 'consent_id', link.consentId)).toBe(0);
    const none = await browser.upload(formEndingWith(page.body, '/statements'), null);
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('Kies eerst een bestand');

    const staged = await browser.upload(formEndingWith(page.body, '/statements'), { name: 'ing-export.xml', bytes: file.xml });
    expect(staged.statusCode, staged.body.slice(0, 500)).toBe(303);
    const summary = await browser.get(staged.headers.location as string);
    expect(summary.statusCode).toBe(200);
    expect(summary.body).toContain('Dit hebben we gelezen');
    expect(summary.body).toContain('ing-export.xml');
    expect(summary.body).toContain('NL91 ABNA 0417 1643 00');
    expect(summary.body).toContain(`<dd>${file.transactions}</dd>`);
    expect(await count('bank_transactions', 'consent_id', link.consentId)).toBe(0);

    // Thrown away: gone, and its summary screen says so.
    const discard = await browser.submit(formEndingWith(summary.body, '/discard'));
    expect(discard.statusCode).toBe(303);
    expect(await count('bank_upload_drafts', 'consent_id', link.consentId)).toBe(0);
    const gone = await browser.get(staged.headers.location as string);
    expect(gone.body).toContain('Dit bestand is er niet meer');

    // Used: stored once, however often the button is pressed.
    const again = await browser.upload(formEndingWith(page.body, '/statements'), { name: 'ing-export.xml', bytes: file.xml });
    const summary2 = await browser.get(again.headers.location as string);
    const use = formEndingWith(summary2.body, '/use');
    expect((await browser.submit(use)).statusCode).toBe(303);
    expect(await count('bank_transactions', 'consent_id', link.consentId)).toBe(file.transactions);
    const twice = await browser.submit(use);
    expect(twice.statusCode).toBe(200);
    expect(twice.body).toContain('Dit bestand is er niet meer');
    expect(await count('bank_transactions', 'consent_id', link.consentId)).toBe(file.transactions);
    const after = await browser.get(pathOf(link.linkUrl));
    expect(after.body).toContain(`1 rekening met ${file.transactions} bij- en afschrijvingen`);

    // Withdrawn: the consent ends, its bank data and any draft go with it, and the page says so.
    await browser.upload(formEndingWith(after.body, '/statements'), { name: 'nog-een.xml', bytes: file.xml });
    expect(await count('bank_upload_drafts', 'consent_id', link.consentId)).toBe(1);
    const withdraw = await browser.submit(formEndingWith(after.body, '/withdraw'));
    expect(withdraw.statusCode).toBe(303);
    expect(await consentStatus(link.consentId)).toBe('revokedByPsu');
    expect(await count('bank_transactions', 'consent_id', link.consentId)).toBe(0);
    expect(await count('bank_upload_drafts', 'consent_id', link.consentId)).toBe(0);
    const ended = await browser.get(pathOf(link.linkUrl));
    expect(ended.body).toContain('Uw bankgegevens zijn verwijderd');
    expect(ended.body).not.toContain('<form');
  });

  it('reads real bank exports through the page: an ING and a Knab CSV, an ASN and an ING MT940', async () => {
    const { browser, page } = await granted('page-real-files');
    const files = ['nl-bank-csv/ing_ok.csv', 'nl-bank-csv/Knab_transactieoverzicht_ok.csv', 'mt940/ASNB/0708271685_09022020_164516.940.txt', 'mt940/jejik/ing.sta'];
    for (const file of files) {
      const bytes = readFileSync(path.resolve('test/fixtures/bank-formats', file));
      // What the parser reads from the file, independently of the page: the summary must show exactly this.
      const parsed = parseBankFile(bytes, { lenient: true, hints: { fileName: path.basename(file) } });
      const staged = await browser.upload(formEndingWith(page.body, '/statements'), { name: path.basename(file), bytes });
      expect(staged.statusCode, `${file}: ${staged.body.slice(0, 300)}`).toBe(303);
      const summary = await browser.get(staged.headers.location as string);
      const counts = [...summary.body.matchAll(/<dt>Bij- en afschrijvingen<\/dt><dd>(\d+)<\/dd>/g)].map((m) => Number(m[1]));
      expect(counts.reduce((a, b) => a + b, 0), file).toBe(parsed.transactions.length);
      expect(counts.length, file).toBe(new Set(parsed.transactions.map((t) => t.accountIndex)).size);
      expect((await browser.submit(formEndingWith(summary.body, '/discard'))).statusCode).toBe(303);
    }
  });

  it('offers plans timed to the income day, lets the debtor choose one and pay each instalment by QR', async () => {
    const { link, browser, page } = await granted('page-plan');
    const claim = await t.app.inject({
      method: 'POST',
      url: '/v1/claims',
      headers: bearer(t.tenantA.keys.creditor),
      payload: { claims: [{ reference: 'P-2026-1', debtorRef: 'page-plan', principalCents: 120_000, dueDate: addMonths(START, -3), costsChargedCents: 18_000, interestBasis: 'none', fourteenDayLetter: { sentOn: addMonths(START, -2) } }] },
    });
    expect(claim.statusCode, claim.body).toBe(201);
    // Before any bank data there is no plan step yet.
    expect(page.body).not.toContain('Bekijk wat ik kan betalen');
    const staged = await browser.upload(formEndingWith(page.body, '/statements'), { name: 'afschrift.xml', bytes: statement().xml });
    await browser.submit(formEndingWith((await browser.get(staged.headers.location as string)).body, '/use'));
    const withData = await browser.get(pathOf(link.linkUrl));
    const ask = await browser.submit(formEndingWith(withData.body, '/plan-offer'));
    expect(ask.statusCode, ask.body.slice(0, 500)).toBe(303);
    expect(ask.headers.location).toMatch(/^\/draagkracht\/plan\/v1\./);
    const planUrl = (ask.headers.location as string).replace('/draagkracht', '');
    const offer = await browser.get(planUrl);
    expect(offer.statusCode).toBe(200);
    expect(offer.body).toContain('Betalen aan Tenant tenant-a');
    expect(offer.body).toContain('U moet in totaal € 1.380,00 betalen.');
    expect(offer.body).toMatch(/Eerste betaling: \w+dag \d+ \w+ \d{4}, \d+ dag(en)? nadat uw inkomen binnenkomt \(\d+ \w+ \d{4}\)/);
    expect(offer.body).toContain('Betaalt u alles op tijd? Dan hoeft u € 180,00 aan incassokosten niet te betalen.');
    expect(offer.body).toMatch(/U hoeft niet nu te kiezen\. U kunt kiezen tot en met \w+dag \d+ \w+ \d{4}\./);
    const choices = [...offer.body.matchAll(/name="optionId" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(choices.length).toBeGreaterThanOrEqual(2);
    const longest = choices.at(-1)!;
    const months = Number(/_(\d+)m$/.exec(longest)![1]);
    const choose = formEndingWith(offer.body, '/choose');
    const chosen = await browser.submit({ ...choose, action: choose.action.replace('/draagkracht', ''), hidden: { ...choose.hidden, optionId: longest } });
    expect(chosen.statusCode, chosen.body.slice(0, 500)).toBe(303);
    const plan = await browser.get(planUrl);
    expect(plan.body).toContain('Uw betaalregeling staat vast');
    const images = [...plan.body.matchAll(/<img src="([^"]+)" alt="([^"]+)"/g)];
    // Every date in the schedule; a code for each instalment that asks money (keeping the plan earns the last ones off).
    const rows = [...plan.body.matchAll(/<tr><td>(\d+)<\/td><td>[^<]+<\/td><td class="money">([^<]+)<\/td><\/tr>/g)];
    expect(rows.map((r) => Number(r[1]))).toEqual(Array.from({ length: months }, (_, i) => i + 1));
    const earnedOff = rows.filter((r) => r[2] === '€ 0,00').length;
    expect(earnedOff).toBe(Math.floor(18_000 / Math.ceil(138_000 / months)));
    expect(plan.body).toContain('Dan hoeft u deze betaling niet te doen');
    expect(images).toHaveLength(months - earnedOff);
    expect(plan.body).toContain(`Betaalcodes voor de volgende ${months - earnedOff - 1} betalingen`);
    for (const [, , alt] of images) expect(alt).toContain('NL20 INGB 0001 2345 67');
    const svg = await t.app.inject({ url: images[0]![1]!.replace('/draagkracht', '') });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(svg.body).toContain('<svg');
    expect((await t.app.inject({ url: planUrl.replace(/\?.*$/, '') + `/instalments/${months + 1}/qr.svg` })).statusCode).toBe(404);
    // The same choice again changes nothing; the plan was taken by the debtor.
    expect((await browser.submit({ ...choose, action: choose.action.replace('/draagkracht', ''), hidden: { ...choose.hidden, optionId: longest } })).statusCode).toBe(303);
    const plans = await t.database.db.selectFrom('repayment_plans').select(['accepted_by', 'option_id']).where('tenant_id', '=', t.tenantA.id).where('debtor_id', '=', link.debtorId).execute();
    expect(plans).toEqual([{ accepted_by: 'debtor', option_id: longest }]);
    // Back on the consent page the running plan is one link away, and no second offer is made.
    const consentPage = await browser.get(pathOf(link.linkUrl));
    expect(consentPage.body).toMatch(/href="\/draagkracht\/plan\/v1\.[^"]+">Uw betaalregeling staat vast/);
    expect(consentPage.body).not.toContain('Bekijk wat ik kan betalen');
  });

  it('puts debt help first when the bank data shows complex debt', async () => {
    const { link, browser, page } = await granted('page-complex');
    const collector = (id: string, date: string, name: string, remittance: string, iban: string, cents: number): SimulatedBankTransaction => ({
      transactionId: id, status: 'booked', bookingDate: date, valueDate: date, amountCents: -cents, counterpartyName: name, counterpartyIban: iban, remittance, bankTransactionCode: 'PMNT-ICDT-ESCT', creditorId: null, mandateId: null, endToEndId: null, returnReasonCode: null, category: 'expense.other',
    });
    const month = addMonths(START, -2).slice(0, 7);
    const file = statement(undefined, [
      collector('col-1', `${month}-02`, 'Incassobureau Janssen', 'dossier 4411 termijn', 'NL20INGB0001234567', 7_500),
      collector('col-2', `${month}-04`, 'Van Dam', 'deurwaarderskosten vonnis 2026-118', 'NL39RABO0300065264', 12_000),
    ]);
    const staged = await browser.upload(formEndingWith(page.body, '/statements'), { name: 'afschrift.xml', bytes: file.xml });
    await browser.submit(formEndingWith((await browser.get(staged.headers.location as string)).body, '/use'));
    const after = await browser.get(pathOf(link.linkUrl));
    expect(after.body.indexOf('class="debt-help"')).toBeGreaterThan(-1);
    expect(after.body.indexOf('class="debt-help"')).toBeLessThan(after.body.indexOf('<h1>'));
    // Without complex debt the help is there too, after the content.
    const plain = await granted('page-simple');
    expect(plain.page.body.indexOf('class="debt-help"')).toBeGreaterThan(plain.page.body.indexOf('<h1>'));
  });

  it('offers a simulated account in demo mode only', async () => {
    const { browser, page } = await granted('page-no-demo');
    expect(page.body).not.toContain('Gebruik een voorbeeldrekening');
    const demoPost = await browser.submit({ ...formEndingWith(page.body, '/statements'), action: formEndingWith(page.body, '/statements').action.replace('/statements', '/demo-statement').replace('/draagkracht', '') });
    expect(demoPost.statusCode).toBe(409);

    const demo = await createTestApp({ config: { demo: true } });
    try {
      const link = await requestedConsent(demo, demo.tenantA, 'page-demo', START);
      const demoBrowser = new PageBrowser(demo);
      const first = await demoBrowser.get(pathOf(link.linkUrl));
      await demoBrowser.submit(formEndingWith(first.body, '/grant'));
      const running = await demoBrowser.get(pathOf(link.linkUrl));
      expect(running.body).toContain('Gebruik een voorbeeldrekening');
      const staged = await demoBrowser.submit(formEndingWith(running.body, '/demo-statement'));
      expect(staged.statusCode, staged.body.slice(0, 500)).toBe(303);
      const summary = await demoBrowser.get(staged.headers.location as string);
      expect(summary.body).toContain('Dit hebben we gelezen');
      expect(summary.body).toMatch(/voorbeeldrekening-NL\d\d[A-Z]{4}\d{10}\.xml/);
    } finally {
      await demo.close();
    }
  });
});
