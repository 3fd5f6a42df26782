/**
 * Driving the debtor's page over HTTP as a browser without JavaScript would: keep the form cookie,
 * read each form's action and CSRF field from the HTML, post urlencoded or multipart forms.
 */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { addMonths, type IsoDate } from '../../src/platform/dates.js';
import { bearer, type TestApp, type TestTenant } from '../support/test-app.js';

export interface PageForm {
  action: string;
  csrf: string;
  hidden: Record<string, string>;
}

const unescape = (value: string) => value.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** Every post form on the page with its hidden fields, in document order. */
export function formsOf(html: string): PageForm[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].map((m) => {
    const hidden: Record<string, string> = {};
    for (const h of m[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden[h[1]!] = unescape(h[2]!);
    return { action: unescape(m[1]!), csrf: hidden.csrf ?? '', hidden };
  });
}

export function formEndingWith(html: string, suffix: string): PageForm {
  const form = formsOf(html).find((f) => f.action.split('?')[0]!.endsWith(suffix));
  if (!form) throw new Error(`no form posting to …${suffix} in the page:\n${html.slice(0, 2000)}`);
  return form;
}

export class PageBrowser {
  cookie: string | null = null;
  /** The public base URL's path (a proxy prefix) is not part of the paths the service itself sees. */
  constructor(private readonly t: TestApp, private readonly prefix = '') {}

  private local(url: string): string {
    return this.prefix && url.startsWith(this.prefix) ? url.slice(this.prefix.length) : url;
  }

  private remember(res: LightMyRequestResponse) {
    const set = res.headers['set-cookie'];
    const line = Array.isArray(set) ? set[0] : set;
    if (line) this.cookie = line.split(';')[0]!;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.t.app.inject({ method: 'GET', url: this.local(url), headers: this.cookie ? { cookie: this.cookie } : {} });
    this.remember(res);
    return res;
  }

  async submit(form: PageForm, extra: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams({ ...form.hidden, ...extra }).toString();
    const res = await this.t.app.inject({ method: 'POST', url: this.local(form.action), payload: body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}), ...headers } });
    this.remember(res);
    return res;
  }

  async upload(form: PageForm, file: { name: string; bytes: Buffer | string } | null): Promise<LightMyRequestResponse> {
    const boundary = '----draagkrachtpagetest';
    const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${form.csrf}\r\n`)];
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="statement"; filename="${file?.name ?? ''}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    if (file) parts.push(Buffer.from(file.bytes));
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
    const res = await this.t.app.inject({
      method: 'POST',
      url: this.local(form.action),
      payload: Buffer.concat(parts),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    this.remember(res);
    return res;
  }
}

/** A debtor of the tenant with a requested (not yet granted) consent; returns the link the creditor got. */
export async function requestedConsent(t: TestApp, tenant: TestTenant, externalRef: string, today: IsoDate, purpose = 'repayment_plan'): Promise<{ debtorId: string; consentId: string; linkToken: string; linkUrl: string }> {
  const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(tenant.keys.creditor), payload: { externalRef, household: { composition: 'single' } } });
  expect(debtor.statusCode, debtor.body).toBeLessThan(300);
  const consent = await t.app.inject({
    method: 'POST',
    url: `/v1/debtors/${debtor.json().id as string}/consents`,
    headers: bearer(tenant.keys.creditor),
    payload: { access: { accounts: true, balances: true, transactions: true }, purpose, validUntil: addMonths(today, 3), frequencyPerDay: 10, recurringIndicator: true },
  });
  expect(consent.statusCode, consent.body).toBe(201);
  return { debtorId: debtor.json().id, consentId: consent.json().consent.id, linkToken: consent.json().linkToken, linkUrl: consent.json().linkUrl };
}

export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
