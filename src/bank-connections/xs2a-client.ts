/**
 * A Berlin Group NextGenPSD2 XS2A 1.3.x account-information client (redirect SCA approach), speaking
 * to one bank's API. Domain code: no Fastify, plain node:http/https so the TLS client certificate
 * (eIDAS QWAC) and per-request timeouts are under our control.
 *
 * Choices the specification leaves open, made here on purpose:
 * - The consent is a bank-offered consent: `access` carries empty `accounts`/`balances`/`transactions`
 *   arrays (only those our consent covers), so the debtor picks the accounts at the bank during SCA.
 *   We never know the debtor's IBANs beforehand, and `allPsd2` would ask for more than our consent
 *   says (it always includes balances and transactions); `availableAccounts` gives a list only.
 * - combinedServiceIndicator is false: no payment is ever initiated in the same session.
 * - Paging: `_links.next` is followed exactly as given. A next link that repeats a page already read,
 *   or points to another host or another resource, is a malformed answer (a looping or hostile server
 *   must not make us read forever or send our Consent-ID elsewhere); so is a report beyond maxPages.
 * - Nothing is logged here: URLs carry account ids, bodies carry personal data, headers carry the
 *   Consent-ID and the bearer token. Callers see ProviderError codes and HTTP statuses only.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { IsoDate } from '../platform/dates.js';
import {
  ProviderError,
  type AccountInformationProvider,
  type BerlinGroupAccountReport,
  type ProviderAccount,
  type ProviderConsentRef,
  type ProviderConsentRequest,
  type ProviderConsentStatus,
  type ProviderErrorCode,
  type PullContext,
  type StartedAuthorisation,
} from './provider.js';

export interface Xs2aClientOptions {
  /** The bank's XS2A root, before `/v1` (e.g. https://api.bank.example/psd2). */
  baseUrl: string;
  /** One HTTP call's limit (connect to last byte). Default 15 s. */
  requestTimeoutMs?: number;
  /** One account report's limit, every page included. Default 120 s. */
  reportTimeoutMs?: number;
  /** Most transaction pages one report may have. Default 500. */
  maxPages?: number;
  /** Largest response body accepted. Default 20 MB. */
  maxResponseBytes?: number;
  /** eIDAS QWAC for mutual TLS, PEM. */
  tls?: { certificatePem: string; privateKeyPem: string; caPem?: string };
  /** OAuth2 client-credentials token, when the bank asks for one beside the certificate. */
  oauth?: { tokenUrl: string; clientId: string; clientSecret: string; scope?: string };
  /** Every exchange, for contract tests and diagnostics. Receives personal data: never log it. */
  onExchange?: (exchange: Xs2aExchange) => void;
}

export interface Xs2aExchange {
  request: { method: string; url: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown } | null;
}

const CONSENT_STATUSES: readonly ProviderConsentStatus[] = ['received', 'valid', 'rejected', 'revokedByPsu', 'expired', 'terminatedByTpp', 'partiallyAuthorised'];

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface CallOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the API root (`/v1/...`) or an absolute URL already checked by the caller. */
  url: URL;
  headers?: Record<string, string | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export class Xs2aClient implements AccountInformationProvider {
  readonly kind = 'xs2a' as const;
  private readonly root: URL;
  /** The base URL's path without a trailing slash ('' at the host's root). */
  private readonly basePath: string;
  private readonly agent: http.Agent;
  private readonly requestTimeoutMs: number;
  private readonly reportTimeoutMs: number;
  private readonly maxPages: number;
  private readonly maxResponseBytes: number;
  private token: { value: string; expiresAt: number } | null = null;

  constructor(private readonly options: Xs2aClientOptions) {
    const root = new URL(options.baseUrl);
    if (root.protocol !== 'https:' && root.protocol !== 'http:') throw new Error('an XS2A base URL is http(s)');
    this.basePath = root.pathname.replace(/\/+$/, '');
    root.search = '';
    root.hash = '';
    this.root = root;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.reportTimeoutMs = options.reportTimeoutMs ?? 120_000;
    this.maxPages = options.maxPages ?? 500;
    this.maxResponseBytes = options.maxResponseBytes ?? 20 * 1024 * 1024;
    this.agent =
      root.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ...(options.tls ? { cert: options.tls.certificatePem, key: options.tls.privateKeyPem, ...(options.tls.caPem ? { ca: options.tls.caPem } : {}) } : {}) })
        : new http.Agent({ keepAlive: true });
  }

  /** Frees the kept-alive sockets (tests, shutdown). */
  close(): void {
    this.agent.destroy();
  }

  async startAuthorisation(request: ProviderConsentRequest, context: PullContext = {}): Promise<StartedAuthorisation> {
    const access: Record<string, unknown[]> = { accounts: [] };
    if (request.access.balances) access.balances = [];
    if (request.access.transactions) access.transactions = [];
    const body = {
      access,
      recurringIndicator: request.recurringIndicator,
      validUntil: request.validUntil,
      frequencyPerDay: request.frequencyPerDay,
      combinedServiceIndicator: false,
    };
    const psuIp = request.psuIpAddress ?? context.psuIpAddress;
    const response = await this.callJson(
      {
        method: 'POST',
        url: this.api('/v1/consents'),
        headers: {
          'psu-ip-address': psuIp,
          'tpp-redirect-preferred': 'true',
          'tpp-redirect-uri': request.redirectUri,
          'tpp-nok-redirect-uri': request.nokRedirectUri,
        },
        body,
        ...(context.signal ? { signal: context.signal } : {}),
      },
      [201],
    );
    const consentId = response.consentId;
    const links = isObject(response._links) ? response._links : {};
    const sca = isObject(links.scaRedirect) ? links.scaRedirect.href : undefined;
    if (typeof consentId !== 'string' || consentId.length === 0 || consentId.length > 500) throw malformed('the consent answer has no consentId');
    if (typeof sca !== 'string') throw malformed('the consent answer has no _links.scaRedirect (only the redirect approach is supported)');
    let scaUrl: URL;
    try {
      scaUrl = new URL(sca, this.root);
    } catch {
      throw malformed('_links.scaRedirect is not a URL');
    }
    if (scaUrl.protocol !== 'https:' && scaUrl.protocol !== 'http:') throw malformed('_links.scaRedirect is not an http(s) URL');
    return { providerConsentId: consentId, scaRedirectUrl: scaUrl.toString() };
  }

  async consentStatus(ref: ProviderConsentRef, context: PullContext = {}): Promise<ProviderConsentStatus> {
    const response = await this.callJson({ method: 'GET', url: this.api(`/v1/consents/${encodeURIComponent(ref.providerConsentId)}/status`), headers: { 'psu-ip-address': context.psuIpAddress }, ...signalOf(context) }, [200]);
    const status = response.consentStatus;
    if (typeof status !== 'string' || !CONSENT_STATUSES.includes(status as ProviderConsentStatus)) throw malformed('consentStatus is missing or not a Berlin Group consent status');
    return status as ProviderConsentStatus;
  }

  async listAccounts(ref: ProviderConsentRef, context: PullContext = {}): Promise<ProviderAccount[]> {
    const response = await this.callJson({ method: 'GET', url: this.api('/v1/accounts'), headers: this.consentHeaders(ref, context), ...signalOf(context) }, [200]);
    if (!Array.isArray(response.accounts)) throw malformed('the account list has no accounts array');
    return response.accounts.map((item, i) => {
      if (!isObject(item)) throw malformed(`accounts[${i}] is not an object`);
      const resourceId = item.resourceId;
      if (typeof resourceId !== 'string' || !/^[^/?#\s]{1,200}$/.test(resourceId)) throw malformed(`accounts[${i}] has no usable resourceId`);
      return {
        resourceId,
        iban: optionalString(item.iban),
        currency: optionalString(item.currency),
        name: optionalString(item.name) ?? optionalString(item.displayName) ?? optionalString(item.product),
        ownerName: optionalString(item.ownerName),
      };
    });
  }

  async accountReport(
    ref: ProviderConsentRef,
    account: ProviderAccount,
    options: { dateFrom: IsoDate; withBalances: boolean; withTransactions: boolean },
    context: PullContext = {},
  ): Promise<BerlinGroupAccountReport> {
    // One deadline for the whole report: a bank answering each page just inside the request timeout
    // must still not hold a pull (and the job part running it) for hours.
    const signal = context.signal ? AbortSignal.any([context.signal, AbortSignal.timeout(this.reportTimeoutMs)]) : AbortSignal.timeout(this.reportTimeoutMs);
    const accountPath = `/v1/accounts/${encodeURIComponent(account.resourceId)}`;
    const headers = this.consentHeaders(ref, context);
    let balances: unknown[] = [];
    if (options.withBalances) {
      const response = await this.callJson({ method: 'GET', url: this.api(`${accountPath}/balances`), headers, signal }, [200]);
      if (!Array.isArray(response.balances)) throw malformed('the balance report has no balances array');
      balances = response.balances;
    }
    const booked: unknown[] = [];
    const pending: unknown[] = [];
    let reportedAccount: unknown = undefined;
    if (options.withTransactions) {
      const first = this.api(`${accountPath}/transactions`);
      first.searchParams.set('bookingStatus', 'both');
      first.searchParams.set('dateFrom', options.dateFrom);
      const seen = new Set<string>();
      let next: URL | null = first;
      while (next) {
        if (seen.size >= this.maxPages) throw malformed(`the transaction report has more than ${this.maxPages} pages`);
        seen.add(next.toString());
        const page = await this.callJson({ method: 'GET', url: next, headers, signal }, [200]);
        reportedAccount ??= page.account;
        const transactions = page.transactions;
        if (!isObject(transactions)) throw malformed('the transaction report has no transactions object');
        for (const [member, into] of [['booked', booked], ['pending', pending]] as const) {
          const entries = transactions[member];
          if (entries === undefined) continue;
          if (!Array.isArray(entries)) throw malformed(`transactions.${member} is not an array`);
          for (const entry of entries) into.push(entry);
        }
        const links = isObject(transactions._links) ? transactions._links : isObject(page._links) ? page._links : {};
        const href = isObject(links.next) ? links.next.href : undefined;
        next = href === undefined ? null : this.nextPage(href, first, seen);
      }
    }
    const accountReference = isObject(reportedAccount) ? reportedAccount : { iban: account.iban ?? undefined, currency: account.currency ?? undefined };
    const report: Json = { account: accountReference };
    if (options.withBalances) report.balances = balances;
    if (options.withTransactions) report.transactions = { booked, pending };
    return report;
  }

  async revoke(ref: ProviderConsentRef, context: PullContext = {}): Promise<void> {
    try {
      await this.call({ method: 'DELETE', url: this.api(`/v1/consents/${encodeURIComponent(ref.providerConsentId)}`), headers: { 'psu-ip-address': context.psuIpAddress }, ...signalOf(context) }, [200, 202, 204]);
    } catch (error) {
      // Already ended or unknown at the bank: the goal (no access any more) is reached.
      if (error instanceof ProviderError && (error.code === 'consent_invalid' || error.code === 'consent_expired' || error.code === 'consent_revoked')) return;
      if (error instanceof ProviderError && error.details.httpStatus === 404) return;
      throw error;
    }
  }

  // -----------------------------------------------------------------------------------------------

  private api(path: string): URL {
    const url = new URL(this.root.origin);
    url.pathname = `${this.basePath}${path}`;
    return url;
  }

  /**
   * The next page, as the bank linked it: absolute, or relative to the host (hrefs in the
   * specification's examples start at the API root, some banks include their base path, some not).
   * It must stay on the same resource (same origin and path as the first page).
   */
  private nextPage(href: unknown, first: URL, seen: Set<string>): URL {
    if (typeof href !== 'string' || href.length === 0 || href.length > 4000) throw malformed('_links.next has no href');
    let candidate: URL;
    try {
      candidate = new URL(href, this.root.origin);
    } catch {
      throw malformed('_links.next is not a URL');
    }
    if (candidate.origin !== first.origin) throw malformed('_links.next points to another host');
    if (candidate.pathname !== first.pathname && `${this.basePath}${candidate.pathname}` === first.pathname) candidate.pathname = first.pathname;
    if (candidate.pathname !== first.pathname) throw malformed('_links.next points to another resource');
    candidate.hash = '';
    if (seen.has(candidate.toString())) throw malformed('_links.next repeats a page already read');
    return candidate;
  }

  private consentHeaders(ref: ProviderConsentRef, context: PullContext): Record<string, string | undefined> {
    return { 'consent-id': ref.providerConsentId, 'psu-ip-address': context.psuIpAddress };
  }

  private async callJson(options: CallOptions, expected: number[]): Promise<Json> {
    const response = await this.call(options, expected);
    return parseJsonObject(response.body);
  }

  private async call(options: CallOptions, expected: number[]): Promise<RawResponse> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': randomUUID() };
    for (const [name, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[name] = value;
    if (this.options.oauth) headers.authorization = `Bearer ${await this.accessToken(options.signal)}`;
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.from(JSON.stringify(options.body));
      headers['content-type'] = 'application/json';
    }
    const exchange: Xs2aExchange | null = this.options.onExchange
      ? {
          request: {
            method: options.method,
            url: options.url.toString(),
            path: this.pathBelowRoot(options.url),
            query: Object.fromEntries(options.url.searchParams),
            headers: { ...headers },
            ...(options.body !== undefined ? { body: options.body } : {}),
          },
          response: null,
        }
      : null;
    let response: RawResponse;
    try {
      response = await this.send(options.method, options.url, headers, payload, options.signal);
    } catch (error) {
      // A request that got no answer (timeout, refused) is recorded too: the request itself is checked.
      if (exchange) this.options.onExchange!(exchange);
      throw error;
    }
    if (exchange) {
      let body: unknown = null;
      try {
        body = response.body.length > 0 ? JSON.parse(response.body.toString('utf8')) : null;
      } catch {
        body = response.body.toString('utf8');
      }
      exchange.response = { status: response.status, headers: flattenHeaders(response.headers), body };
      this.options.onExchange!(exchange);
    }
    if (expected.includes(response.status)) return response;
    throw errorOfResponse(response);
  }

  private pathBelowRoot(url: URL): string {
    return this.basePath && url.pathname.startsWith(`${this.basePath}/`) ? url.pathname.slice(this.basePath.length) : url.pathname;
  }

  private send(method: string, url: URL, headers: Record<string, string>, payload: Buffer | undefined, signal: AbortSignal | undefined): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(unavailable('the pull was stopped (timeout or shutdown)'));
        return;
      }
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, { method, headers: payload ? { ...headers, 'content-length': String(payload.length) } : headers, agent: this.agent });
      let settled = false;
      const fail = (error: ProviderError) => {
        if (settled) return;
        settled = true;
        cleanup();
        request.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(unavailable(`the bank did not answer within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      const onAbort = () => fail(unavailable('the pull was stopped (timeout or shutdown)'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      request.on('error', (error: NodeJS.ErrnoException) => fail(unavailable(`the bank could not be reached (${error.code ?? 'connection error'})`)));
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxResponseBytes) {
            fail(malformed(`the answer is larger than ${this.maxResponseBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', () => fail(unavailable('the answer broke off')));
        response.on('aborted', () => fail(unavailable('the answer broke off')));
        response.on('end', () => {
          if (settled) return;
          settled = true;
          cleanup();
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
        });
      });
      request.end(payload);
    });
  }

  /** The client-credentials token, kept until shortly before it expires. */
  private async accessToken(signal: AbortSignal | undefined): Promise<string> {
    const oauth = this.options.oauth!;
    if (this.token && this.token.expiresAt > Date.now() + 30_000) return this.token.value;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(oauth.scope ? { scope: oauth.scope } : {}) });
    const payload = Buffer.from(form.toString());
    const basic = Buffer.from(`${encodeURIComponent(oauth.clientId)}:${encodeURIComponent(oauth.clientSecret)}`).toString('base64');
    const response = await this.send('POST', new URL(oauth.tokenUrl), { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` }, payload, signal);
    if (response.status === 400 || response.status === 401 || response.status === 403) throw new ProviderError('unauthorised_client', 'the token endpoint refused our client credentials', { httpStatus: response.status });
    if (response.status !== 200) throw errorOfResponse(response);
    const body = parseJsonObject(response.body);
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) throw malformed('the token answer has no access_token');
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 300;
    this.token = { value: body.access_token, expiresAt: Date.now() + seconds * 1000 };
    return this.token.value;
  }
}

function signalOf(context: PullContext): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {};
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

function malformed(message: string): ProviderError {
  return new ProviderError('malformed', message);
}

function unavailable(message: string): ProviderError {
  return new ProviderError('unavailable', message);
}

function parseJsonObject(body: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw malformed('the answer is not JSON');
  }
  if (!isObject(parsed)) throw malformed('the answer is not a JSON object');
  return parsed;
}

/** Retry-After as seconds (delta or HTTP date); null when absent or unreadable. */
export function retryAfterSeconds(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return null;
  if (/^\s*\d{1,9}\s*$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** The tppMessages codes of an error answer (Berlin Group `tppMessages[].code`; RFC 7807 `additionalErrors` too). */
function tppCodes(body: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [];
  }
  if (!isObject(parsed)) return [];
  const codes: string[] = [];
  const lists = [parsed.tppMessages, parsed.additionalErrors];
  if (typeof parsed.code === 'string') codes.push(parsed.code);
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list) if (isObject(item) && typeof item.code === 'string') codes.push(item.code);
  }
  return [...new Set(codes)].slice(0, 20);
}

const CLIENT_CODES = /^(CERTIFICATE_|SIGNATURE_|TOKEN_|ROLE_INVALID|CORPORATE_ID_INVALID|PSU_CREDENTIALS_INVALID)/;

/** Maps a non-2xx answer onto what the flow acts on (provider.ts ProviderErrorCode). */
export function errorOfResponse(response: { status: number; headers: http.IncomingHttpHeaders; body: Buffer }): ProviderError {
  const status = response.status;
  const codes = tppCodes(response.body);
  const has = (code: string) => codes.includes(code);
  const details = { httpStatus: status, providerCodes: codes };
  let code: ProviderErrorCode;
  if (status === 429) {
    const retry = retryAfterSeconds(response.headers['retry-after']);
    // The specification has one 429 code (ACCESS_EXCEEDED) for both cases: a throttle says when to come
    // back (Retry-After); the frequencyPerDay limit does not (it lasts until the bank's day ends).
    if (retry !== null) return new ProviderError('rate_limited', 'the bank asks us to slow down', { ...details, retryAfterSeconds: retry });
    return new ProviderError(has('ACCESS_EXCEEDED') ? 'access_exceeded' : 'rate_limited', has('ACCESS_EXCEEDED') ? 'the consent’s accesses for today are used up at the bank' : 'the bank asks us to slow down', details);
  }
  if (status >= 500 || status === 408) return new ProviderError('unavailable', `the bank answered ${status}`, details);
  if (has('CONSENT_EXPIRED')) code = 'consent_expired';
  else if (has('CONSENT_INVALID') || has('CONSENT_UNKNOWN')) code = 'consent_invalid';
  else if (status === 401 && (codes.length === 0 || codes.some((c) => CLIENT_CODES.test(c)))) code = 'unauthorised_client';
  else if (codes.some((c) => CLIENT_CODES.test(c))) code = 'unauthorised_client';
  else if (status >= 400 && status < 500) code = 'rejected_request';
  else code = 'malformed';
  return new ProviderError(code, `the bank answered ${status}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`, details);
}
