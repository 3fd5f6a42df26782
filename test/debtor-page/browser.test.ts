/**
 * The debtor's page as a debtor meets it, in Debian's Chromium (playwright-core drives the installed
 * browser; nothing is downloaded), against the real service listening on a port and a real database.
 *
 * The journey runs with JavaScript switched OFF at phone width, and by keyboard where it matters:
 * open the link the creditor got from the API, grant consent, upload a camt.053 statement, see what
 * was read (nothing stored yet: checked in the database), use it, ask for options, choose a plan, see
 * an EPC QR code per instalment (one decoded back to its payload), withdraw consent and see the data
 * gone (checked in the database). Every screen is also opened with JavaScript on at desktop width to
 * run axe-core (no serious or critical WCAG 2.1 A/AA violation), to catch console errors (a CSP
 * violation is one) and requests to any other origin. Screenshots at both widths go to
 * test-output/debtor-page/ as artefacts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addMonths } from '../../src/platform/dates.js';
import { writeCamt053Statement } from '../../src/simulation/camt053.writer.js';
import { today as realToday } from '../support/flows.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { householdStatement, PAYEE } from '../repayment-plans/plan-support.js';

// jsqr is a CommonJS bundle typed as an ES module: its function is the export and its `default`.
const jsQR = jsQRModule.default;
const CHROMIUM = '/usr/bin/chromium';
const OUT = path.resolve('test-output', 'debtor-page');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`debtor page browser test skipped: ${CHROMIUM} not found; install Debian's chromium (apt-get install chromium)`);

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const START = realToday();
const HISTORY_FROM = `${addMonths(START, -6).slice(0, 7)}-01`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe.skipIf(!hasChromium)('the debtor’s page in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let phone: BrowserContext;
  let desktop: BrowserContext;
  let origin = '';
  let linkUrl = '';
  let consentId = '';
  let statementPath = '';
  let statementTransactions = 0;
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];
  const axeResults: Record<string, AxeViolation[]> = {};
  const axeSource = hasChromium ? readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8') : '';

  const count = async (table: 'bank_transactions' | 'bank_upload_drafts', where: { consent_id: string }) => {
    const row = await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', t.tenantA.id).where('consent_id', '=', where.consent_id).executeTakeFirstOrThrow();
    return Number(row.n);
  };

  const watch = (page: Page) => {
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
    page.on('console', (message) => {
      // The tampered link's page is answered with 401 on purpose; Chromium logs any 4xx document.
      if (message.text().includes('status of 401') && page.url().includes('AAAA')) return;
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()} (${page.url()})`);
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  };

  /** The screen's phone screenshot (from the journey's page) and, at desktop width with JavaScript on, a screenshot and an axe run. */
  const inspect = async (journey: Page, name: string) => {
    await journey.screenshot({ path: path.join(OUT, `${name}-phone.png`), fullPage: true });
    const page = await desktop.newPage();
    watch(page);
    const response = await page.goto(journey.url());
    expect(response?.status(), `${name}: ${journey.url()}`).toBeLessThan(500);
    await page.screenshot({ path: path.join(OUT, `${name}-desktop.png`), fullPage: true });
    await page.evaluate(axeSource);
    const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] };
    axeResults[name] = (await page.evaluate(
      `axe.run(document, ${JSON.stringify(options)}).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`,
    )) as AxeViolation[];
    await page.close();
  };

  const heading = (page: Page) => page.locator('h1').innerText();

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await createTestApp({ config: { publicBaseUrl: origin } });
    await t.app.listen({ port, host: '127.0.0.1' });
    await rm(OUT, { recursive: true, force: true });
    await mkdir(OUT, { recursive: true });

    const as = (role: 'creditor' | 'admin') => bearer(t.tenantA.keys[role]);
    const policy = await t.app.inject({ method: 'PUT', url: '/v1/policies/repayment-plans', headers: as('admin'), payload: { policy: { payee: PAYEE } } });
    expect(policy.statusCode, policy.body).toBe(200);
    const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: as('creditor'), payload: { externalRef: 'page-debtor', household: { composition: 'single' } } });
    expect(debtor.statusCode, debtor.body).toBeLessThan(300);
    const debtorId = debtor.json().id as string;
    const consent = await t.app.inject({
      method: 'POST',
      url: `/v1/debtors/${debtorId}/consents`,
      headers: as('creditor'),
      payload: { access: { accounts: true, balances: true, transactions: true }, purpose: 'repayment_plan', validUntil: addMonths(START, 3), frequencyPerDay: 10, recurringIndicator: true },
    });
    expect(consent.statusCode, consent.body).toBe(201);
    linkUrl = consent.json().linkUrl as string;
    consentId = consent.json().consent.id as string;
    const claims = await t.app.inject({
      method: 'POST',
      url: '/v1/claims',
      headers: as('creditor'),
      payload: { claims: [{ reference: 'E-2026-0801', debtorRef: 'page-debtor', principalCents: 150_000, dueDate: addMonths(START, -3), costsChargedCents: 22_500, interestBasis: 'none', fourteenDayLetter: { sentOn: addMonths(START, -2) } }] },
    });
    expect(claims.statusCode, claims.body).toBe(201);

    // Known truth: a salary on the 23rd, rent, energy and weekly groceries, as the bank would export it.
    const account = householdStatement({ salaryCents: 320_000, rentCents: 95_000, energyCents: 12_000, groceriesPerWeekCents: 9_000 }, HISTORY_FROM, START);
    statementTransactions = account.transactions.length;
    statementPath = path.join(os.tmpdir(), `draagkracht-page-${process.pid}.xml`);
    await writeFile(statementPath, writeCamt053Statement(account));

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
    phone = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false, locale: 'nl-NL' });
    desktop = await browser.newContext({ viewport: DESKTOP, locale: 'nl-NL' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (statementPath) await rm(statementPath, { force: true });
  });

  it('takes a debtor from the link to a chosen plan and back out, with the data gone', async () => {
    expect(linkUrl.startsWith(`${origin}/consent/`)).toBe(true);
    const page = await phone.newPage();
    watch(page);

    // 1. The request, read and answered by keyboard alone.
    const opened = await page.goto(linkUrl);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await heading(page)).toBe('Tenant tenant-a vraagt om uw bankgegevens');
    expect(await page.getAttribute('html', 'lang')).toBe('nl');
    await inspect(page, '01-consent-request');
    await Promise.all([page.waitForURL(linkUrl), page.getByRole('button', { name: 'Ja, ik deel mijn bankgegevens' }).click()]);
    expect(await heading(page)).toBe('U heeft toestemming gegeven');
    const granted = await t.database.db.selectFrom('consents').select(['status', 'evidence']).where('tenant_id', '=', t.tenantA.id).where('id', '=', consentId).executeTakeFirstOrThrow();
    expect(granted.status).toBe('valid');
    await inspect(page, '02-consent-granted');

    // 2. A statement is read, summarised, and not used until the debtor says so.
    await page.setInputFiles('#statement-file', statementPath);
    await Promise.all([page.waitForURL(/\/statements\/[0-9a-f-]{36}/), page.getByRole('button', { name: 'Bestand lezen' }).click()]);
    expect(await heading(page)).toBe('Dit hebben we gelezen');
    const summary = await page.locator('main').innerText();
    expect(summary).toContain('NL91 ABNA 0417 1643 00');
    expect(summary).toContain(String(statementTransactions));
    expect(summary).toMatch(/\(\d+ maanden\)/);
    expect(await count('bank_transactions', { consent_id: consentId })).toBe(0);
    expect(await count('bank_upload_drafts', { consent_id: consentId })).toBe(1);
    await inspect(page, '03-statement-summary');
    await Promise.all([page.waitForURL(linkUrl), page.getByRole('button', { name: 'Ja, gebruik dit' }).click()]);
    expect(await count('bank_transactions', { consent_id: consentId })).toBe(statementTransactions);
    expect(await count('bank_upload_drafts', { consent_id: consentId })).toBe(0);
    expect(await page.locator('#stored-title').innerText()).toBe('Uw bankgegevens');

    // 3. The options, in words and numbers, each due date after the income day.
    await Promise.all([page.waitForURL(/\/plan\//), page.getByRole('button', { name: 'Bekijk wat ik kan betalen' }).click()]);
    expect(await heading(page)).toBe('Betalen aan Tenant tenant-a');
    const options = page.locator('section.option');
    expect(await options.count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('main').innerText()).toContain('nadat uw inkomen binnenkomt');
    await inspect(page, '04-plan-options');

    // 4. Choose the longest plan: the confirmation shows every date and a QR code per instalment.
    const longest = options.last();
    const longestTitle = await longest.locator('h2').innerText();
    await Promise.all([page.waitForURL(/\/plan\/[^/]+$/), longest.getByRole('button').click()]);
    expect(await heading(page)).toBe('Uw betaalregeling staat vast');
    const months = Number(/(\d+)/.exec(longestTitle)![1]);
    expect(await page.locator('table tbody tr').count()).toBe(months);
    const codes = page.locator('section.qr img');
    expect(await codes.count()).toBe(months - (await page.locator('table tbody tr', { hasText: '€ 0,00' }).count()));
    for (const code of await codes.all()) expect(await code.getAttribute('alt')).toContain('NL20 INGB 0001 2345 67');
    const qrShot = PNG.sync.read(await codes.first().screenshot());
    const decoded = jsQR(new Uint8ClampedArray(qrShot.data), qrShot.width, qrShot.height);
    expect(decoded?.data.startsWith('BCD\n002\n1\nSCT\n')).toBe(true);
    expect(decoded?.data).toContain(PAYEE.iban);
    const plans = await t.database.db.selectFrom('repayment_plans').select(['accepted_by']).where('tenant_id', '=', t.tenantA.id).execute();
    expect(plans).toEqual([{ accepted_by: 'debtor' }]);
    await inspect(page, '05-plan-chosen');

    // 5. The English switch on the same screen.
    await Promise.all([page.waitForURL(/lang=en/), page.getByRole('link', { name: 'English' }).click()]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await heading(page)).toBe('Your payment plan is set');

    // 6. Withdraw: the consent ends and every row of bank data under it is gone.
    await page.goto(linkUrl);
    await Promise.all([page.waitForURL(linkUrl), page.getByRole('button', { name: 'Stop en verwijder mijn bankgegevens' }).click()]);
    expect(await heading(page)).toBe('Uw toestemming is gestopt');
    expect(await page.locator('main').innerText()).toContain('Uw bankgegevens zijn verwijderd');
    const ended = await t.database.db.selectFrom('consents').select('status').where('tenant_id', '=', t.tenantA.id).where('id', '=', consentId).executeTakeFirstOrThrow();
    expect(ended.status).toBe('revokedByPsu');
    expect(await count('bank_transactions', { consent_id: consentId })).toBe(0);
    await inspect(page, '06-consent-withdrawn');

    // 7. A tampered link: a friendly page, no data.
    const tampered = `${linkUrl.slice(0, -4)}AAAA`;
    const refused = await page.goto(tampered);
    expect(refused?.status()).toBe(401);
    expect(await heading(page)).toBe('Deze link werkt niet');
    expect(await page.locator('main').innerText()).not.toContain('Tenant tenant-a');
    await inspect(page, '07-bad-link');

    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    for (const [screen, violations] of Object.entries(axeResults)) {
      const severe = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(severe, `${screen}: ${JSON.stringify(severe, null, 1)}`).toEqual([]);
    }
    expect(Object.keys(axeResults)).toHaveLength(7);
  }, 180_000);

  it('is usable by keyboard alone, and declining is as easy as granting', async () => {
    const as = bearer(t.tenantA.keys.creditor);
    const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: as, payload: { externalRef: 'page-keyboard-debtor' } });
    const consent = await t.app.inject({
      method: 'POST',
      url: `/v1/debtors/${debtor.json().id as string}/consents`,
      headers: as,
      payload: { access: { transactions: true }, purpose: 'affordability_assessment', validUntil: addMonths(START, 1), frequencyPerDay: 1, recurringIndicator: false },
    });
    const url = consent.json().linkUrl as string;
    const page = await desktop.newPage();
    watch(page);
    await page.goto(url);
    const order: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      order.push((await page.evaluate('document.activeElement.textContent.trim()')) as string);
    }
    // Skip link, language, then the two answers side by side: yes first as read, no one Tab further.
    expect(order).toEqual(['Naar de inhoud', 'English', 'Ja, ik deel mijn bankgegevens', 'Nee, liever niet']);
    const outline = (await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')) as string;
    expect(outline).toBe('solid');
    const sizes = (await page.evaluate(
      `[...document.querySelectorAll('.choices button')].map((b) => { const r = b.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height), getComputedStyle(b).backgroundColor]; })`,
    )) as [number, number, string][];
    expect(sizes).toHaveLength(2);
    expect(sizes[0]![1]).toBe(sizes[1]![1]);
    expect(sizes[0]![2]).toBe(sizes[1]![2]);
    await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')]);
    expect(await heading(page)).toBe('U heeft nee gezegd');
    const row = await t.database.db.selectFrom('consents').select('status').where('tenant_id', '=', t.tenantA.id).where('id', '=', consent.json().consent.id as string).executeTakeFirstOrThrow();
    expect(row.status).toBe('rejected');
    await page.close();
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
