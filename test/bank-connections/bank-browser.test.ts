/**
 * Connecting a bank as a debtor does it, in Debian's Chromium with JavaScript OFF: the consent
 * request's "give permission at your bank", the form post answered with a 303 to the sandbox bank's
 * own page (allowed by the page's form-action policy: a CSP violation would show as a console error
 * and the browser would stay on our page), approve there, back on our page with what was read.
 * The screens with the bank choice and the result are checked with axe-core (WCAG 2.1 A/AA).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSandboxBank, type SandboxBank } from '../../src/sandbox-bank/sandbox-bank.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';
import { createDebtor, requestConsent } from '../support/flows.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

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

describe.skipIf(!hasChromium)('connecting a bank in a real browser', () => {
  let t: TestApp;
  let bank: SandboxBank;
  let browser: Browser;
  let origin = '';
  const consoleErrors: string[] = [];
  const axeSource = hasChromium ? readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8') : '';

  beforeAll(async () => {
    bank = await startSandboxBank({ households: 4, months: 4, seed: 2026 });
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    t = await createTestApp({ config: { publicBaseUrl: origin, bankConnectionAllowHttpLocalhost: true } });
    await t.app.listen({ port, host: '127.0.0.1' });
    const connection = await t.app.inject({ method: 'POST', url: '/v1/bank-connections', headers: bearer(t.tenantA.keys.admin), payload: { displayName: 'Sandboxbank', kind: 'xs2a', baseUrl: bank.url, settings: { historyDays: 730 } } });
    expect(connection.statusCode, connection.body).toBe(201);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await bank?.close();
  });

  const watch = (page: Page) => {
    page.on('console', (message) => {
      // Our pages only: the sandbox bank's own page is not ours to judge (Chromium asks it for a favicon it does not have).
      if (!page.url().startsWith(origin)) return;
      if (message.type() === 'error' || message.type() === 'warning') consoleErrors.push(`${message.type()}: ${message.text()} (${page.url()})`);
    });
  };
  const axe = async (page: Page) => {
    const desktop = await browser.newPage();
    await desktop.goto(page.url());
    await desktop.evaluate(axeSource);
    const violations = (await desktop.evaluate(
      `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id))`,
    )) as string[];
    await desktop.close();
    return violations;
  };

  it('gives permission at the bank: to the bank’s page and back, with the data read', async () => {
    const debtorId = await createDebtor(t, t.tenantA, 'browser-bank');
    const { consentId, linkToken } = await requestConsent(t, t.tenantA, debtorId, { frequencyPerDay: 10 });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false, locale: 'nl-NL' });
    const page = await context.newPage();
    watch(page);

    const opened = await page.goto(`${origin}/consent/${linkToken}`);
    expect(opened?.status()).toBe(200);
    expect(await page.locator('#bank-title').innerText()).toBe('Of: geef toestemming bij uw bank');
    expect(await page.locator('label[for="bank-connection"]').innerText()).toBe('Uw bank');
    expect(await axe(page)).toEqual([]);

    await page.selectOption('#bank-connection', { label: 'Sandboxbank' });
    await Promise.all([page.waitForURL(`${bank.url}/**`), page.getByRole('button', { name: 'Naar mijn bank' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('Sandbox bank');

    await Promise.all([page.waitForURL(`${origin}/consent/${linkToken}/bank/return?**`), page.getByRole('button', { name: 'Approve' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('Uw bank is gekoppeld');
    expect(await page.locator('main').innerText()).toMatch(/We lazen \d+ rekening(en)? met \d+ nieuwe bij- en afschrijvingen\./);
    expect(await axe(page)).toEqual([]);
    const consent = await t.database.db.selectFrom('consents').select(['status', 'evidence']).where('id', '=', consentId).executeTakeFirstOrThrow();
    expect(consent.status).toBe('valid');
    expect(consent.evidence?.method).toBe('bank_sca');

    await Promise.all([page.waitForURL(`${origin}/consent/${linkToken}`), page.getByRole('link', { name: 'Verder' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('U heeft toestemming gegeven');
    expect(await page.locator('#stored-title').innerText()).toBe('Uw bankgegevens');
    expect(await page.locator('#bank-title').innerText()).toBe('Of: koppel uw bank');
    await context.close();
    expect(consoleErrors).toEqual([]);
  });
});
