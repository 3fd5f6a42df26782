/**
 * A sandbox bank: a real HTTP server implementing the Berlin Group NextGenPSD2 XS2A 1.3.x Account
 * Information Service with the redirect SCA approach, serving the simulated world as its customers.
 * The XS2A client (src/bank-connections) is tested against it over loopback, as it will run against
 * a bank, and the sandbox's answers are checked against the published OpenAPI document in its tests.
 *
 * Endpoints (paths under options.basePath, default none):
 *   POST   /v1/consents                         create an AIS consent (received) → 201 with _links.scaRedirect
 *   GET    /v1/consents/{consentId}             the consent
 *   GET    /v1/consents/{consentId}/status      its status
 *   DELETE /v1/consents/{consentId}             terminatedByTpp
 *   GET    /v1/accounts[?withBalance]            the consent's accounts
 *   GET    /v1/accounts/{account-id}[?withBalance]
 *   GET    /v1/accounts/{account-id}/balances
 *   GET    /v1/accounts/{account-id}/transactions?bookingStatus=booked|pending|both&dateFrom&dateTo&withBalance
 *          paged: pageIndex (0-based) and itemsPerPage; _links first/previous/next/last as absolute paths
 *   GET    /sca/{consentId}  POST /sca/{consentId}   the PSU's approve/deny page (HTML form)
 *   GET|POST|DELETE /sandbox/faults                 inject, list, clear faults (JSON); not XS2A
 *   GET    /sandbox                                 the world and a few PSU ids (JSON)
 *
 * Links in bodies are absolute paths ("/v1/accounts/…"), as in the specification's examples: a
 * client resolves them against the bank's origin. The SCA redirect is an absolute URL.
 *
 * Plain node:http rather than Fastify: the sandbox must be able to send what a framework would stop
 * (a truncated body, a slow answer, a broken link), and it is not part of this service's API.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { isIsoDate, type IsoDate } from '../platform/dates.js';
import { berlinGroupBalances, berlinGroupEntries } from '../simulation/berlin-group.writer.js';
import { debtorRefOf } from '../simulation/household-profile.js';
import { dateInAmsterdam, SandboxConsents, type AccessKind, type AccountReference, type GrantedAccess, type RequestedAccess, type SandboxConsent } from './sandbox-consents.js';
import { FaultSpecError, SandboxFaults, type ActiveFault, type FaultSpec } from './sandbox-faults.js';
import { SandboxWorld, type SandboxAccount } from './sandbox-world.js';
import { renderScaNotice, renderScaPage } from './sca-page.js';

export interface SandboxBankOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Prefix of every path, e.g. "/psd2" as the specification's servers have it (default none). */
  basePath?: string;
  households?: number;
  months?: number;
  seed?: number;
  truthRuns?: number;
  /** The world's "today" (it ends in the month before); default: the clock's date in Amsterdam at start. */
  today?: IsoDate;
  /** The bank's clock: consent expiry and the frequencyPerDay day (default: the system clock). */
  clock?: () => Date;
  /** Transactions per page unless the client asks itemsPerPage (default 100). */
  pageSize?: number;
  /** Largest itemsPerPage a client may ask (default 1000). */
  maxPageSize?: number;
}

export interface SandboxBank {
  /** The bank's base URL (origin plus basePath), e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
  faults: SandboxFaults;
  world: SandboxWorld;
  consents: SandboxConsents;
}

/** The simulated world the sandbox serves unless told otherwise: the demo's (src/demo/demo-seed.ts). */
export const SANDBOX_DEFAULT_WORLD = { households: 200, months: 14, seed: 2026 } as const;

const BODY_LIMIT_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TppMessage {
  category: 'ERROR';
  code: string;
  text: string;
  path?: string;
}

class Xs2aError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    text: string,
    readonly path?: string,
  ) {
    super(text);
  }
}

interface Call {
  method: string;
  /** Path without basePath and query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  requestId: string;
  /** The PSU is present (PSU-IP-Address sent): the call is not counted against frequencyPerDay. */
  psuPresent: boolean;
  body: Buffer;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  html?: string;
}

function header(call: Call, name: string): string | undefined {
  const value = call.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function errorBody(messages: TppMessage[]): unknown {
  return { tppMessages: messages };
}

function isDateString(value: unknown): value is IsoDate {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(value);
}

function parseReferences(value: unknown, path: string): AccountReference[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new Xs2aError(400, 'FORMAT_ERROR', `${path} must be an array of account references`, path);
  return value.map((entry: unknown, i) => {
    const ref = entry as Record<string, unknown> | null;
    // This bank identifies accounts by IBAN only (no BBAN, PAN, MSISDN), as Dutch banks do.
    if (!ref || typeof ref !== 'object' || typeof ref.iban !== 'string' || !/^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(ref.iban)) {
      throw new Xs2aError(400, 'FORMAT_ERROR', `${path}[${i}] must be an account reference with an iban`, `${path}[${i}]`);
    }
    if (ref.currency !== undefined && ref.currency !== 'EUR') throw new Xs2aError(400, 'FORMAT_ERROR', `${path}[${i}].currency: this bank holds EUR accounts only`, `${path}[${i}].currency`);
    return { iban: ref.iban, ...(ref.currency ? { currency: 'EUR' } : {}) };
  });
}

const ACCOUNT_SCOPES = ['allAccounts', 'allAccountsWithOwnerName'] as const;

function parseAccess(value: unknown): RequestedAccess {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Xs2aError(400, 'FORMAT_ERROR', 'access must be an object', 'access');
  const raw = value as Record<string, unknown>;
  const access: RequestedAccess = {};
  for (const key of ['accounts', 'balances', 'transactions'] as const) {
    const refs = parseReferences(raw[key], `access.${key}`);
    if (refs) access[key] = refs;
  }
  for (const key of ['availableAccounts', 'availableAccountsWithBalance', 'allPsd2'] as const) {
    if (raw[key] === undefined) continue;
    if (!ACCOUNT_SCOPES.includes(raw[key] as (typeof ACCOUNT_SCOPES)[number])) throw new Xs2aError(400, 'FORMAT_ERROR', `access.${key} must be allAccounts or allAccountsWithOwnerName`, `access.${key}`);
    access[key] = raw[key] as (typeof ACCOUNT_SCOPES)[number];
  }
  for (const key of ['restrictedTo', 'additionalInformation']) {
    if (raw[key] !== undefined) throw new Xs2aError(400, 'PARAMETER_NOT_SUPPORTED', `access.${key} is not supported by this bank`, `access.${key}`);
  }
  const lists = access.accounts !== undefined || access.balances !== undefined || access.transactions !== undefined;
  const global = [access.allPsd2, access.availableAccounts, access.availableAccountsWithBalance].filter((v) => v !== undefined).length;
  if (!lists && global === 0) throw new Xs2aError(400, 'FORMAT_ERROR', 'access must name accounts, balances or transactions, or one of allPsd2, availableAccounts, availableAccountsWithBalance', 'access');
  // The implementation guidelines: allPsd2 / availableAccounts come without account lists, one at a time.
  if (global > 1 || (global === 1 && lists)) throw new Xs2aError(400, 'FORMAT_ERROR', 'allPsd2, availableAccounts and availableAccountsWithBalance stand alone, without account lists', 'access');
  return access;
}

/** The accounts a PSU's approval binds, per kind of read. */
function grant(access: RequestedAccess, accounts: SandboxAccount[]): GrantedAccess | null {
  const all = new Set(accounts.map((a) => a.resourceId));
  const owner = (scope: string | undefined) => scope === 'allAccountsWithOwnerName';
  if (access.allPsd2) return { accounts: all, balances: new Set(all), transactions: new Set(all), withOwnerName: owner(access.allPsd2) };
  if (access.availableAccounts) return { accounts: all, balances: new Set(), transactions: new Set(), withOwnerName: owner(access.availableAccounts) };
  if (access.availableAccountsWithBalance) return { accounts: all, balances: new Set(all), transactions: new Set(), withOwnerName: owner(access.availableAccountsWithBalance) };
  // Explicit lists; an empty list is the bank-offered consent: the PSU gives all their accounts for it.
  const pick = (refs: AccountReference[] | undefined): Set<string> => {
    if (refs === undefined) return new Set();
    if (refs.length === 0) return new Set(all);
    const ibans = new Set(refs.map((r) => r.iban));
    return new Set(accounts.filter((a) => ibans.has(a.iban)).map((a) => a.resourceId));
  };
  const balances = pick(access.balances);
  const transactions = pick(access.transactions);
  // Accounts named for balances or transactions are readable in the account list too.
  const listed = new Set([...pick(access.accounts), ...balances, ...transactions]);
  if (listed.size === 0) return null;
  return { accounts: listed, balances, transactions, withOwnerName: false };
}

export async function startSandboxBank(options: SandboxBankOptions = {}): Promise<SandboxBank> {
  const clock = options.clock ?? (() => new Date());
  const today = () => dateInAmsterdam(clock());
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const pageSize = options.pageSize ?? 100;
  const maxPageSize = options.maxPageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) throw new RangeError(`pageSize must be a whole number from 1 to ${maxPageSize}`);
  const world = new SandboxWorld({
    households: options.households ?? SANDBOX_DEFAULT_WORLD.households,
    months: options.months ?? SANDBOX_DEFAULT_WORLD.months,
    seed: options.seed ?? SANDBOX_DEFAULT_WORLD.seed,
    truthRuns: options.truthRuns ?? 0,
    today: options.today ?? today(),
  });
  const consents = new SandboxConsents(today);
  const faults = new SandboxFaults((id) => consents.revokeByPsu(id));
  let origin = '';

  const link = (path: string) => `${basePath}${path}`;

  // ---- consent resource -------------------------------------------------------------------------

  function consentFor(consentId: string): SandboxConsent {
    const consent = consents.get(consentId);
    if (!consent) throw new Xs2aError(403, 'CONSENT_UNKNOWN', 'The consent id is not known to this bank for this TPP', 'consentId');
    return consent;
  }

  function createConsent(call: Call): Reply {
    const contentType = header(call, 'content-type')?.split(';')[0]?.trim().toLowerCase();
    if (contentType !== 'application/json') throw new Xs2aError(415, 'FORMAT_ERROR', 'The consent request must be application/json');
    const ip = header(call, 'psu-ip-address');
    // The specification makes PSU-IP-Address mandatory here: the PSU is present when asking consent.
    if (!ip || isIP(ip) === 0) throw new Xs2aError(400, 'FORMAT_ERROR', 'PSU-IP-Address is required (the PSU is present when a consent is created) and must be an IP address', 'PSU-IP-Address');
    const redirectUri = header(call, 'tpp-redirect-uri');
    // This bank offers the redirect approach only, so the TPP must say where the PSU comes back.
    if (!redirectUri || !/^https?:\/\//i.test(redirectUri)) throw new Xs2aError(400, 'FORMAT_ERROR', 'TPP-Redirect-URI is required (redirect SCA approach) and must be an http(s) URL', 'TPP-Redirect-URI');
    const nokRedirectUri = header(call, 'tpp-nok-redirect-uri') ?? null;
    if (nokRedirectUri !== null && !/^https?:\/\//i.test(nokRedirectUri)) throw new Xs2aError(400, 'FORMAT_ERROR', 'TPP-Nok-Redirect-URI must be an http(s) URL', 'TPP-Nok-Redirect-URI');
    const preferred = header(call, 'tpp-redirect-preferred');
    if (preferred !== undefined && preferred !== 'true' && preferred !== 'false') throw new Xs2aError(400, 'FORMAT_ERROR', 'TPP-Redirect-Preferred must be true or false', 'TPP-Redirect-Preferred');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(call.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new Xs2aError(400, 'FORMAT_ERROR', 'The body is not valid JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Xs2aError(400, 'FORMAT_ERROR', 'The body must be a JSON object');
    const access = parseAccess(body.access);
    if (typeof body.recurringIndicator !== 'boolean') throw new Xs2aError(400, 'FORMAT_ERROR', 'recurringIndicator must be true or false', 'recurringIndicator');
    if (!isDateString(body.validUntil)) throw new Xs2aError(400, 'FORMAT_ERROR', 'validUntil must be an ISO date', 'validUntil');
    if (body.validUntil < today()) throw new Xs2aError(400, 'FORMAT_ERROR', 'validUntil lies in the past', 'validUntil');
    if (typeof body.frequencyPerDay !== 'number' || !Number.isInteger(body.frequencyPerDay) || body.frequencyPerDay < 1) throw new Xs2aError(400, 'FORMAT_ERROR', 'frequencyPerDay must be a whole number of at least 1', 'frequencyPerDay');
    if (typeof body.combinedServiceIndicator !== 'boolean') throw new Xs2aError(400, 'FORMAT_ERROR', 'combinedServiceIndicator must be true or false', 'combinedServiceIndicator');
    if (body.combinedServiceIndicator) throw new Xs2aError(400, 'PARAMETER_NOT_SUPPORTED', 'This bank offers no combined AIS and PIS sessions', 'combinedServiceIndicator');
    const consent = consents.create({
      access,
      validUntil: body.validUntil,
      frequencyPerDay: body.frequencyPerDay,
      recurringIndicator: body.recurringIndicator,
      redirectUri,
      nokRedirectUri,
      psuIdHint: header(call, 'psu-id') ?? null,
      tppBrand: header(call, 'tpp-brand-logging-information')?.slice(0, 140) ?? null,
    });
    const self = link(`/v1/consents/${consent.consentId}`);
    return {
      status: 201,
      // The specification types Location as an absolute URL (format url), unlike the _links hrefs.
      headers: { Location: `${origin}${self}`, 'ASPSP-SCA-Approach': 'REDIRECT' },
      json: {
        consentStatus: consent.status,
        consentId: consent.consentId,
        _links: {
          scaRedirect: { href: `${origin}${link(`/sca/${consent.consentId}`)}` },
          self: { href: self },
          status: { href: `${self}/status` },
        },
      },
    };
  }

  function consentAccessView(consent: SandboxConsent): RequestedAccess {
    // Once approved, the access names the accounts the PSU gave, as banks report bank-offered consents.
    if (!consent.granted || !consent.psuId) return consent.access;
    const ibanOf = new Map(world.accountsOf(consent.psuId).map((a) => [a.resourceId, a.iban]));
    const refs = (ids: Set<string>) => [...ids].map((id) => ({ iban: ibanOf.get(id)! }));
    const view: RequestedAccess = { ...consent.access };
    if (!consent.access.allPsd2 && !consent.access.availableAccounts && !consent.access.availableAccountsWithBalance) {
      view.accounts = refs(consent.granted.accounts);
      if (consent.access.balances) view.balances = refs(consent.granted.balances);
      if (consent.access.transactions) view.transactions = refs(consent.granted.transactions);
    }
    return view;
  }

  function getConsent(call: Call, consentId: string): Reply {
    const consent = consentFor(consentId);
    return {
      status: 200,
      json: {
        access: consentAccessView(consent),
        recurringIndicator: consent.recurringIndicator,
        validUntil: consent.validUntil,
        frequencyPerDay: consent.frequencyPerDay,
        lastActionDate: consent.lastActionDate,
        consentStatus: consent.status,
        ...(consent.status === 'valid' ? { _links: { account: { href: link('/v1/accounts') } } } : {}),
      },
    };
  }

  // ---- account reads ----------------------------------------------------------------------------

  /** The consent of a read: known, valid, not expired; otherwise the error the guidelines name. */
  function validConsent(call: Call): SandboxConsent {
    const consentId = header(call, 'consent-id');
    if (!consentId) throw new Xs2aError(400, 'FORMAT_ERROR', 'Consent-ID is required', 'Consent-ID');
    const consent = consents.get(consentId);
    if (!consent) throw new Xs2aError(403, 'CONSENT_UNKNOWN', 'The Consent-ID is not known to this bank for this TPP', 'Consent-ID');
    if (consent.status === 'expired') throw new Xs2aError(401, 'CONSENT_EXPIRED', `The consent expired after ${consent.validUntil}; ask the PSU for a new one`, 'Consent-ID');
    if (consent.status !== 'valid' || !consent.granted || !consent.psuId) {
      const why: Record<string, string> = {
        received: 'the PSU has not approved it yet',
        rejected: 'the PSU denied it',
        revokedByPsu: 'the PSU revoked it at the bank',
        terminatedByTpp: 'the TPP ended it',
      };
      throw new Xs2aError(401, 'CONSENT_INVALID', `The consent gives no access: ${why[consent.status] ?? consent.status}`, 'Consent-ID');
    }
    return consent;
  }

  function accountFor(consent: SandboxConsent, resourceId: string, kind: 'accounts' | 'balances' | 'transactions'): SandboxAccount {
    const granted = consent.granted!;
    if (!granted.accounts.has(resourceId)) throw new Xs2aError(403, 'RESOURCE_UNKNOWN', 'The account is not known under this consent', 'account-id');
    if (!granted[kind].has(resourceId)) throw new Xs2aError(401, 'CONSENT_INVALID', `The consent does not give ${kind} of this account`, 'Consent-ID');
    const account = world.account(resourceId);
    if (!account) throw new Xs2aError(403, 'RESOURCE_UNKNOWN', 'The account is not known', 'account-id');
    return account;
  }

  /** Counts an unattended access (see sandbox-consents.ts for what counts); 429 when the day's allowance is used. */
  function countAccess(call: Call, consent: SandboxConsent, kind: AccessKind, resourceId: string): void {
    if (!call.psuPresent && !consents.tryCountAccess(consent, kind, resourceId)) {
      throw new Xs2aError(429, 'ACCESS_EXCEEDED', `frequencyPerDay (${consent.frequencyPerDay}) used up for today (Europe/Amsterdam) without the PSU present`);
    }
    consents.touch(consent);
  }

  function booleanQuery(call: Call, name: string): boolean {
    const value = call.query.get(name);
    if (value === null) return false;
    if (value !== 'true' && value !== 'false') throw new Xs2aError(400, 'FORMAT_ERROR', `${name} must be true or false`, name);
    return value === 'true';
  }

  function accountDetails(consent: SandboxConsent, account: SandboxAccount, withBalance: boolean): Record<string, unknown> {
    const granted = consent.granted!;
    const simulated = account.simulated;
    const links: Record<string, { href: string }> = {};
    if (granted.balances.has(account.resourceId)) links.balances = { href: link(`/v1/accounts/${account.resourceId}/balances`) };
    if (granted.transactions.has(account.resourceId)) links.transactions = { href: link(`/v1/accounts/${account.resourceId}/transactions`) };
    return {
      resourceId: account.resourceId,
      iban: account.iban,
      currency: 'EUR',
      name: account.name,
      product: simulated.bankName.slice(0, 35),
      cashAccountType: simulated.kind === 'savings' ? 'SVGS' : 'CACC',
      status: simulated.closedOn !== null ? 'deleted' : 'enabled',
      bic: account.bic,
      usage: 'PRIV',
      ...(granted.withOwnerName ? { ownerName: account.ownerName } : {}),
      // withBalance "might be ignored": balances only where the consent gives them.
      ...(withBalance && granted.balances.has(account.resourceId) ? { balances: berlinGroupBalances(simulated) } : {}),
      ...(Object.keys(links).length > 0 ? { _links: links } : {}),
    };
  }

  function listAccounts(call: Call): Reply {
    const consent = validConsent(call);
    const withBalance = booleanQuery(call, 'withBalance');
    countAccess(call, consent, 'account-list', '*');
    const accounts = world.accountsOf(consent.psuId!).filter((a) => consent.granted!.accounts.has(a.resourceId));
    return { status: 200, json: { accounts: accounts.map((a) => accountDetails(consent, a, withBalance)) } };
  }

  function readAccount(call: Call, resourceId: string): Reply {
    const consent = validConsent(call);
    const withBalance = booleanQuery(call, 'withBalance');
    const account = accountFor(consent, resourceId, 'accounts');
    countAccess(call, consent, 'account', resourceId);
    return { status: 200, json: { account: accountDetails(consent, account, withBalance) } };
  }

  function readBalances(call: Call, resourceId: string): Reply {
    const consent = validConsent(call);
    const account = accountFor(consent, resourceId, 'balances');
    countAccess(call, consent, 'balances', resourceId);
    return { status: 200, json: { account: { iban: account.iban, currency: 'EUR' }, balances: berlinGroupBalances(account.simulated) } };
  }

  function wholeQuery(call: Call, name: string): number | null {
    const value = call.query.get(name);
    if (value === null) return null;
    if (!/^[0-9]{1,9}$/.test(value)) throw new Xs2aError(400, 'FORMAT_ERROR', `${name} must be a whole number ≥ 0`, name);
    return Number(value);
  }

  function readTransactions(call: Call, resourceId: string, fault: ActiveFault | null): Reply {
    const consent = validConsent(call);
    const bookingStatus = call.query.get('bookingStatus');
    if (bookingStatus === null) throw new Xs2aError(400, 'FORMAT_ERROR', 'bookingStatus is required', 'bookingStatus');
    if (bookingStatus === 'information') throw new Xs2aError(400, 'PARAMETER_NOT_SUPPORTED', 'This bank keeps no standing orders to report as information', 'bookingStatus');
    if (!['booked', 'pending', 'both', 'all'].includes(bookingStatus)) throw new Xs2aError(400, 'FORMAT_ERROR', 'bookingStatus must be booked, pending, both or all', 'bookingStatus');
    // Delta reports are optional in the standard; this bank reads by period only.
    if (call.query.has('deltaList') || call.query.has('entryReferenceFrom')) throw new Xs2aError(400, 'PARAMETER_NOT_SUPPORTED', 'Delta access (deltaList, entryReferenceFrom) is not supported; ask by dateFrom and dateTo', call.query.has('deltaList') ? 'deltaList' : 'entryReferenceFrom');
    const dateFrom = call.query.get('dateFrom');
    if (dateFrom === null) throw new Xs2aError(400, 'FORMAT_ERROR', 'dateFrom is required', 'dateFrom');
    if (!isDateString(dateFrom)) throw new Xs2aError(400, 'FORMAT_ERROR', 'dateFrom must be an ISO date', 'dateFrom');
    const dateToRaw = call.query.get('dateTo');
    if (dateToRaw !== null && !isDateString(dateToRaw)) throw new Xs2aError(400, 'FORMAT_ERROR', 'dateTo must be an ISO date', 'dateTo');
    // dateTo defaults to "now"; the links carry it fixed, so a read spanning midnight pages one period.
    const dateTo = dateToRaw ?? today();
    if (dateFrom > dateTo) throw new Xs2aError(400, 'PERIOD_INVALID', 'dateFrom lies after dateTo', 'dateFrom');
    if (dateFrom > today()) throw new Xs2aError(400, 'PERIOD_INVALID', 'dateFrom lies in the future', 'dateFrom');
    const withBalance = booleanQuery(call, 'withBalance');
    const pageIndex = wholeQuery(call, 'pageIndex') ?? 0;
    const itemsPerPage = wholeQuery(call, 'itemsPerPage') ?? pageSize;
    if (itemsPerPage < 1 || itemsPerPage > maxPageSize) throw new Xs2aError(400, 'FORMAT_ERROR', `itemsPerPage must be from 1 to ${maxPageSize}`, 'itemsPerPage');
    const account = accountFor(consent, resourceId, 'transactions');
    if (withBalance && !consent.granted!.balances.has(resourceId)) throw new Xs2aError(401, 'CONSENT_INVALID', 'withBalance asks balances the consent does not give', 'withBalance');

    // Booked entries by booking date, pending ones by value date (the entry date the standard means
    // is not in the simulation); the writer's order is kept, so pages joined equal the written file.
    const entries = berlinGroupEntries(account.simulated);
    const inPeriod = (date: unknown) => typeof date === 'string' && date >= dateFrom && date <= dateTo;
    const wantBooked = bookingStatus !== 'pending';
    const wantPending = bookingStatus !== 'booked';
    const booked = wantBooked ? entries.booked.filter((e) => inPeriod(e.bookingDate)) : [];
    const pending = wantPending ? entries.pending.filter((e) => inPeriod(e.valueDate)) : [];
    const total = booked.length + pending.length;
    const pages = Math.max(1, Math.ceil(total / itemsPerPage));
    if (pageIndex >= pages) throw new Xs2aError(404, 'RESOURCE_UNKNOWN', `Page ${pageIndex} does not exist; the report has ${pages} page(s)`, 'pageIndex');
    // Only the first page is an access: the others continue it (see sandbox-consents.ts).
    if (pageIndex === 0) countAccess(call, consent, 'transactions', resourceId);
    else consents.touch(consent);

    const start = pageIndex * itemsPerPage;
    const end = Math.min(total, start + itemsPerPage);
    const pageBooked = booked.slice(Math.min(start, booked.length), Math.min(end, booked.length));
    const pagePending = pending.slice(Math.max(0, start - booked.length), Math.max(0, end - booked.length));
    const pageHref = (index: number) => {
      const query = new URLSearchParams({ bookingStatus, dateFrom, dateTo });
      if (withBalance) query.set('withBalance', 'true');
      query.set('pageIndex', String(index));
      query.set('itemsPerPage', String(itemsPerPage));
      return link(`/v1/accounts/${resourceId}/transactions?${query.toString()}`);
    };
    const links: Record<string, { href: string }> = { account: { href: link(`/v1/accounts/${resourceId}`) } };
    if (pages > 1) {
      links.first = { href: pageHref(0) };
      if (pageIndex > 0) links.previous = { href: pageHref(pageIndex - 1) };
      if (pageIndex < pages - 1) links.next = { href: pageHref(pageIndex + 1) };
      links.last = { href: pageHref(pages - 1) };
    }
    if (fault?.kind === 'broken-next-link') {
      // A link the bank cannot serve: the same report, a page far past the last.
      links.next = { href: pageHref(pages + 1000) };
    }
    const transactions: Record<string, unknown> = {};
    if (wantBooked) transactions.booked = pageBooked;
    if (wantPending) transactions.pending = pagePending;
    transactions._links = links;
    return {
      status: 200,
      json: {
        account: { iban: account.iban, currency: 'EUR' },
        transactions,
        ...(withBalance ? { balances: berlinGroupBalances(account.simulated) } : {}),
      },
    };
  }

  // ---- SCA page ---------------------------------------------------------------------------------

  function psuChoices() {
    return world.psuIds().map((psuId, index) => ({ psuId, label: `${psuId} (${debtorRefOf(world.resolved.seed, world.resolved.firstIndex + index)})` }));
  }

  function scaPage(consentId: string, message?: string, status = 200): Reply {
    const consent = consents.get(consentId);
    if (!consent) return { status: 404, html: renderScaNotice('Unknown request', 'This bank knows no such consent request.') };
    if (consent.status !== 'received') return { status: 409, html: renderScaNotice('Request already handled', `This request is ${consent.status}; go back to the service that sent you here.`) };
    return { status, html: renderScaPage({ consent, psuChoices: psuChoices(), formAction: link(`/sca/${consent.consentId}`), ...(message ? { message } : {}) }) };
  }

  function scaDecision(call: Call, consentId: string): Reply {
    const consent = consents.get(consentId);
    if (!consent || consent.status !== 'received') return scaPage(consentId);
    const form = new URLSearchParams(call.body.toString('utf8'));
    const decision = form.get('decision');
    const typed = form.get('psuIdText')?.trim();
    const chosen = typed ? typed : form.get('psuId')?.trim();
    const index = chosen ? world.indexOf(chosen) : null;
    const psuId = index === null ? null : world.psuIdOf(index);
    if (decision === 'deny') {
      consents.deny(consent, psuId);
      return { status: 303, headers: { Location: consent.nokRedirectUri ?? consent.redirectUri } };
    }
    if (decision !== 'approve') return scaPage(consentId, 'Choose approve or deny.', 400);
    if (psuId === null) return scaPage(consentId, chosen ? `This bank has no customer ${chosen}.` : 'Say who you are first.', 400);
    const granted = grant(consent.access, world.accountsOf(psuId));
    if (!granted) return scaPage(consentId, `${psuId} holds none of the accounts this request names.`, 400);
    consents.approve(consent, psuId, granted);
    return { status: 303, headers: { Location: consent.redirectUri } };
  }

  // ---- admin ------------------------------------------------------------------------------------

  function faultView(fault: ActiveFault) {
    return { ...fault, path: fault.path?.source ?? null };
  }

  function admin(call: Call): Reply {
    if (call.path === '/sandbox' && call.method === 'GET') {
      return {
        status: 200,
        json: {
          households: world.size,
          months: world.resolved.months,
          seed: world.resolved.seed,
          worldFrom: world.resolved.startDate,
          worldUntil: world.resolved.endDate,
          today: today(),
          pageSize,
          psuIds: world.psuIds().slice(0, 10),
          consents: consents.all().map((c) => ({ consentId: c.consentId, status: c.status, psuId: c.psuId, validUntil: c.validUntil })),
        },
      };
    }
    if (call.path !== '/sandbox/faults') return { status: 404, json: { error: 'not found' } };
    if (call.method === 'GET') return { status: 200, json: { faults: faults.pending().map(faultView) } };
    if (call.method === 'DELETE') {
      faults.clear();
      return { status: 204 };
    }
    if (call.method !== 'POST') return { status: 405, json: { error: 'method not allowed' } };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(call.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 400, json: { error: 'the body must be JSON' } };
    }
    if (!body || typeof body !== 'object') return { status: 400, json: { error: 'the body must be a JSON object' } };
    if (typeof body.revokeAtBank === 'string') {
      return faults.revokeAtBank(body.revokeAtBank) ? { status: 200, json: { revoked: body.revokeAtBank, status: consents.get(body.revokeAtBank)!.status } } : { status: 404, json: { error: 'unknown consent' } };
    }
    try {
      return { status: 201, json: { fault: faultView(faults.inject(body as unknown as FaultSpec)) } };
    } catch (error) {
      if (error instanceof FaultSpecError) return { status: 400, json: { error: error.message } };
      throw error;
    }
  }

  // ---- dispatch ---------------------------------------------------------------------------------

  function route(call: Call, fault: ActiveFault | null): Reply {
    const segments = call.path.split('/').slice(1).map((s) => decodeURIComponent(s));
    const [v1, resource, id, sub, ...rest] = segments;
    if (v1 !== 'v1' || rest.length > 0) throw new Xs2aError(404, 'RESOURCE_UNKNOWN', 'No such resource at this bank');
    const method = call.method;
    const allow = (allowed: string) => {
      if (method !== allowed) throw new Xs2aError(405, 'SERVICE_INVALID', `${method} is not allowed here`);
    };
    if (resource === 'consents') {
      if (id === undefined) {
        allow('POST');
        return createConsent(call);
      }
      if (sub === undefined) {
        if (method === 'DELETE') {
          consents.terminate(consentFor(id));
          return { status: 204 };
        }
        allow('GET');
        return getConsent(call, id);
      }
      if (sub === 'status') {
        allow('GET');
        return { status: 200, json: { consentStatus: consentFor(id).status } };
      }
    }
    if (resource === 'accounts') {
      allow('GET');
      if (id === undefined) return listAccounts(call);
      if (sub === undefined) return readAccount(call, id);
      if (sub === 'balances') return readBalances(call, id);
      if (sub === 'transactions') return readTransactions(call, id, fault);
    }
    throw new Xs2aError(404, 'RESOURCE_UNKNOWN', 'No such resource at this bank');
  }

  async function readBody(request: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > BODY_LIMIT_BYTES) throw new Xs2aError(400, 'FORMAT_ERROR', 'The body is too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  function send(response: ServerResponse, reply: Reply, requestId: string | null, truncate = false): void {
    const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(reply.headers ?? {}) };
    if (requestId) headers['X-Request-ID'] = requestId;
    let payload = '';
    if (reply.html !== undefined) {
      headers['Content-Type'] = 'text/html; charset=utf-8';
      payload = reply.html;
    } else if (reply.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(reply.json);
      if (truncate) payload = payload.slice(0, Math.floor(payload.length / 2));
    }
    headers['Content-Length'] = String(Buffer.byteLength(payload));
    response.writeHead(reply.status, headers);
    response.end(payload);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid');
    const method = (request.method ?? 'GET').toUpperCase();
    let path = url.pathname;
    if (basePath) {
      if (path !== basePath && !path.startsWith(`${basePath}/`)) {
        send(response, { status: 404, json: errorBody([{ category: 'ERROR', code: 'RESOURCE_UNKNOWN', text: 'No such resource at this bank' }]) }, null);
        return;
      }
      path = path.slice(basePath.length) || '/';
    }
    const rawRequestId = request.headers['x-request-id'];
    const givenRequestId = Array.isArray(rawRequestId) ? rawRequestId[0] : rawRequestId;
    const isXs2a = path.startsWith('/v1/') || path === '/v1';
    // Every XS2A answer carries an X-Request-ID (the specification requires the header): the TPP's
    // own when it sent a valid one, else one of ours, with the error saying why.
    const requestId = givenRequestId && UUID.test(givenRequestId) ? givenRequestId : isXs2a ? randomUUID() : null;
    try {
      const body = await readBody(request);
      const psuIp = request.headers['psu-ip-address'];
      const call: Call = { method, path, query: url.searchParams, headers: request.headers, requestId: requestId ?? '', psuPresent: typeof psuIp === 'string' && psuIp.length > 0, body };
      if (path.startsWith('/sca/')) {
        const consentId = decodeURIComponent(path.slice('/sca/'.length));
        send(response, method === 'POST' ? scaDecision(call, consentId) : method === 'GET' ? scaPage(consentId) : { status: 405, html: renderScaNotice('Not allowed', 'Use the form.') }, null);
        return;
      }
      if (path === '/sandbox' || path.startsWith('/sandbox/')) {
        send(response, admin(call), null);
        return;
      }
      if (!givenRequestId || !UUID.test(givenRequestId)) throw new Xs2aError(400, 'FORMAT_ERROR', 'X-Request-ID is required and must be a UUID', 'X-Request-ID');
      const fault = isXs2a ? faults.take(method, path) : null;
      if (fault?.kind === 'rate-limit') {
        send(response, { status: 429, headers: { 'Retry-After': String(fault.retryAfterSeconds ?? 1) }, json: errorBody([{ category: 'ERROR', code: 'ACCESS_EXCEEDED', text: 'Too many requests; try again after Retry-After seconds' }]) }, requestId);
        return;
      }
      if (fault?.kind === 'server-error') {
        send(response, { status: fault.status, headers: fault.retryAfterSeconds !== null ? { 'Retry-After': String(fault.retryAfterSeconds) } : {}, json: errorBody([{ category: 'ERROR', code: 'INTERNAL_SERVER_ERROR', text: 'The bank had a problem (injected fault)' }]) }, requestId);
        return;
      }
      if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      const reply = route(call, fault);
      if (response.destroyed) return;
      send(response, reply, requestId, fault?.kind === 'truncated');
    } catch (error) {
      if (error instanceof Xs2aError) {
        const message: TppMessage = { category: 'ERROR', code: error.code, text: error.message, ...(error.path ? { path: error.path } : {}) };
        send(response, { status: error.status, json: errorBody([message]) }, requestId);
        return;
      }
      send(response, { status: 500, json: errorBody([{ category: 'ERROR', code: 'INTERNAL_SERVER_ERROR', text: 'The bank had a problem' }]) }, requestId);
      process.stderr.write(`sandbox bank: ${(error as Error).stack ?? String(error)}\n`);
    }
  }

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `http://${host}:${address.port}`;
  return {
    url: `${origin}${basePath}`,
    faults,
    world,
    consents,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
