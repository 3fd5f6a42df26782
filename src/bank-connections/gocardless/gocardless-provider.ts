/**
 * The aggregator route: AccountInformationProvider implemented for GoCardless Bank Account Data
 * (formerly Nordigen), API v2. GoCardless fronts the PSD2 APIs of most EU banks behind one API, so a
 * tenant whose debtors bank where no direct XS2A connection exists can still pull data.
 *
 * How our consent maps onto its objects:
 * - an end-user agreement (EUA) holds the access: `access_scope` from our access (accounts → details,
 *   balances, transactions), `access_valid_for_days` from validUntil, `max_historical_days` from
 *   historyDays; both are capped at what the institution allows, because GoCardless refuses larger values;
 * - a requisition binds the agreement to the institution and the redirect: its `link` is where the
 *   debtor goes (scaRedirectUrl), its id is our providerConsentId, and deleting it ends the access.
 * What has no place at GoCardless: frequencyPerDay (GoCardless enforces 4 calls a day per account and
 * scope itself and answers 429, mapped to access_exceeded), recurringIndicator (an agreement is always
 * recurring until it expires), the PSU IP address (no such header), and nokRedirectUri (GoCardless
 * sends the debtor back to the one `redirect` with `error` and `details` query parameters on failure;
 * the callback reads the requisition's status instead, which is the reliable source either way).
 *
 * Configuration (one object per bank connection of kind 'gocardless'):
 * - baseUrl: https://bankaccountdata.gocardless.com in production; a local server in tests;
 * - secretId, secretKey: the user secret created in the Bank Account Data portal; held in memory
 *   only by this instance to obtain tokens, never returned or logged;
 * - country: ISO 3166 country for listInstitutions() when none is given (default NL);
 * - userLanguage: language of GoCardless's own pages (ISO 639-1, default NL);
 * - timeoutMs: per request (default 20 000).
 *
 * Domain code: no Fastify.
 */
import { addDays, diffDays, type IsoDate } from '../../platform/dates.js';
import {
  ProviderError,
  type AccountInformationProvider,
  type BerlinGroupAccountReport,
  type ProviderAccount,
  type ProviderConsentRef,
  type ProviderConsentRequest,
  type ProviderConsentStatus,
  type PullContext,
  type StartedAuthorisation,
} from '../provider.js';
import { GoCardlessClient, isRecord } from './gocardless-client.js';
import { accountReportOf, balancesOf, transactionsOf } from './gocardless-report.js';

export const GOCARDLESS_PRODUCTION_BASE_URL = 'https://bankaccountdata.gocardless.com';

export interface GoCardlessConfig {
  baseUrl: string;
  secretId: string;
  secretKey: string;
  country?: string;
  userLanguage?: string;
  timeoutMs?: number;
  /** Clock in epoch milliseconds (token expiry, agreement days, date_to); tests move it. */
  now?: () => number;
  /** Replaceable for tests that must see the wire; production uses the global fetch. */
  fetch?: typeof fetch;
}

export interface GoCardlessInstitution {
  id: string;
  name: string;
  bic: string | null;
  /** How many days back the bank gives transactions; max_historical_days may not exceed it. */
  transactionTotalDays: number;
  /** How long an agreement may last at this bank (180 at most banks); null when not stated. */
  maxAccessValidForDays: number | null;
  countries: string[];
  logoUrl: string | null;
}

/**
 * Requisition statuses (documented CR, GC, UA, RJ, SA, GA, LN, SU, EX; the long names are accepted
 * too) onto the Berlin Group consent statuses the flow understands:
 * - CR, GC, UA, SA, GA → received: the debtor is still on the way (GoCardless's consent screen, the
 *   bank's login, choosing accounts); nothing may be pulled yet, nothing has ended;
 * - LN → valid: accounts are linked and can be read;
 * - RJ → rejected: authentication failed or the debtor stopped at the bank, as a Berlin Group consent
 *   whose SCA failed;
 * - EX → expired: the agreement's access_valid_for_days passed;
 * - SU → rejected: suspended after repeated failures at the bank. The access no longer works and
 *   GoCardless does not resume it; the debtor did not withdraw it (so not revokedByPsu) and time did
 *   not end it (so not expired). 'rejected' ends our consent and asks for a new connection, which is
 *   the only way forward.
 */
const REQUISITION_STATUS: Readonly<Record<string, ProviderConsentStatus>> = {
  CR: 'received',
  CREATED: 'received',
  GC: 'received',
  GIVING_CONSENT: 'received',
  UA: 'received',
  UNDERGOING_AUTHENTICATION: 'received',
  SA: 'received',
  SELECTING_ACCOUNTS: 'received',
  GA: 'received',
  GRANTING_ACCESS: 'received',
  LN: 'valid',
  LINKED: 'valid',
  RJ: 'rejected',
  REJECTED: 'rejected',
  SU: 'rejected',
  SUSPENDED: 'rejected',
  EX: 'expired',
  EXPIRED: 'expired',
};

/** GoCardless's own cap on access_valid_for_days when the institution states none. */
const DEFAULT_MAX_ACCESS_DAYS = 180;
/** GoCardless's default max_historical_days, used when our consent names no history. */
const DEFAULT_HISTORY_DAYS = 90;

export class GoCardlessProvider implements AccountInformationProvider {
  readonly kind = 'gocardless' as const;
  private readonly client: GoCardlessClient;
  private readonly now: () => number;

  /** Only what is not secret is kept here; the secrets live in the client's private fields. */
  private readonly country: string;
  private readonly userLanguage: string;

  constructor(config: GoCardlessConfig) {
    for (const key of ['baseUrl', 'secretId', 'secretKey'] as const) {
      if (typeof config[key] !== 'string' || config[key].trim() === '') throw new Error(`GoCardless configuration needs ${key}`);
    }
    this.country = config.country ?? 'NL';
    this.userLanguage = (config.userLanguage ?? 'NL').toUpperCase();
    this.now = config.now ?? Date.now;
    this.client = new GoCardlessClient({
      baseUrl: config.baseUrl,
      secretId: config.secretId,
      secretKey: config.secretKey,
      timeoutMs: config.timeoutMs ?? 20_000,
      now: this.now,
      fetch: config.fetch ?? fetch,
    });
  }

  /** The banks a debtor can pick, for the debtor page. */
  async listInstitutions(country: string = this.country, context: PullContext = {}): Promise<GoCardlessInstitution[]> {
    const { body } = await this.client.request('/api/v2/institutions/', { query: { country }, ...signalOf(context) });
    if (!Array.isArray(body)) throw malformed('/api/v2/institutions/', 'is not a list');
    return body.map((entry, index) => institutionOf(entry, `/api/v2/institutions/ item ${index}`));
  }

  async institution(institutionId: string, context: PullContext = {}): Promise<GoCardlessInstitution> {
    const path = `/api/v2/institutions/${encodeURIComponent(institutionId)}/`;
    const { body } = await this.client.request(path, signalOf(context));
    return institutionOf(body, path);
  }

  async startAuthorisation(request: ProviderConsentRequest, context: PullContext = {}): Promise<StartedAuthorisation> {
    if (!request.institutionId) {
      throw new ProviderError('rejected_request', 'GoCardless needs the institution the debtor picked (institutionId); none was given');
    }
    const institution = await this.institution(request.institutionId, context);
    const agreementBody = agreementFor(request, institution, this.today());
    const agreement = await this.client.request('/api/v2/agreements/enduser/', { method: 'POST', body: agreementBody, ...signalOf(context) });
    const agreementId = idOf(agreement.body, '/api/v2/agreements/enduser/');
    try {
      const requisition = await this.client.request('/api/v2/requisitions/', {
        method: 'POST',
        body: {
          redirect: request.redirectUri,
          institution_id: institution.id,
          reference: request.reference,
          agreement: agreementId,
          user_language: this.userLanguage,
        },
        ...signalOf(context),
      });
      const providerConsentId = idOf(requisition.body, '/api/v2/requisitions/');
      const link = isRecord(requisition.body) ? requisition.body.link : undefined;
      if (typeof link !== 'string' || !/^https?:\/\//.test(link)) throw malformed('/api/v2/requisitions/', 'has no link for the debtor');
      return { providerConsentId, scaRedirectUrl: link };
    } catch (error) {
      // An agreement without requisition is never used; delete it so it does not linger at GoCardless.
      await this.client.request(`/api/v2/agreements/enduser/${encodeURIComponent(agreementId)}/`, { method: 'DELETE', acceptStatuses: [404] }).catch(() => undefined);
      throw error;
    }
  }

  async consentStatus(ref: ProviderConsentRef, context: PullContext = {}): Promise<ProviderConsentStatus> {
    const requisition = await this.requisition(ref, context);
    const status = requisition.status;
    const mapped = typeof status === 'string' ? REQUISITION_STATUS[status.toUpperCase()] : undefined;
    if (mapped === undefined) throw malformed(requisitionPath(ref), `has an unknown status ${JSON.stringify(status)}`);
    return mapped;
  }

  async listAccounts(ref: ProviderConsentRef, context: PullContext = {}): Promise<ProviderAccount[]> {
    const requisition = await this.requisition(ref, context);
    const ids = requisition.accounts;
    if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) throw malformed(requisitionPath(ref), 'has no list of account ids');
    const accounts: ProviderAccount[] = [];
    // One after the other: the accounts endpoints share a per-minute limit, and a household has few accounts.
    for (const id of ids) accounts.push(await this.account(id, context));
    return accounts;
  }

  async accountReport(
    _ref: ProviderConsentRef,
    account: ProviderAccount,
    options: { dateFrom: IsoDate; withBalances: boolean; withTransactions: boolean },
    context: PullContext = {},
  ): Promise<BerlinGroupAccountReport> {
    const base = `/api/v2/accounts/${encodeURIComponent(account.resourceId)}`;
    // Both parts are fetched before anything is returned, so a failure of either leaves no partial report.
    const balances = options.withBalances ? balancesOf((await this.client.request(`${base}/balances/`, signalOf(context))).body) : null;
    const transactions = options.withTransactions
      ? transactionsOf((await this.client.request(`${base}/transactions/`, { query: { date_from: options.dateFrom, date_to: this.today() }, ...signalOf(context) })).body)
      : null;
    return accountReportOf(account, { balances, transactions });
  }

  async revoke(ref: ProviderConsentRef, context: PullContext = {}): Promise<void> {
    // Deleting the requisition ends the access and deletes its agreement; one already gone is fine.
    await this.client.request(requisitionPath(ref), { method: 'DELETE', acceptStatuses: [404], ...signalOf(context) });
  }

  private async requisition(ref: ProviderConsentRef, context: PullContext): Promise<Record<string, unknown>> {
    const path = requisitionPath(ref);
    try {
      const { body } = await this.client.request(path, signalOf(context));
      if (!isRecord(body)) throw malformed(path, 'is not an object');
      return body;
    } catch (error) {
      // A requisition GoCardless no longer knows (deleted at its side) gives no access any more.
      if (error instanceof ProviderError && error.details.httpStatus === 404) {
        throw new ProviderError('consent_invalid', error.message, error.details);
      }
      throw error;
    }
  }

  private async account(id: string, context: PullContext): Promise<ProviderAccount> {
    const base = `/api/v2/accounts/${encodeURIComponent(id)}`;
    const { body: metadata } = await this.client.request(`${base}/`, signalOf(context));
    if (!isRecord(metadata)) throw malformed(`${base}/`, 'is not an object');
    checkAccountStatus(metadata.status, `${base}/`);
    let details: Record<string, unknown> = {};
    try {
      const { body } = await this.client.request(`${base}/details/`, signalOf(context));
      if (!isRecord(body) || !isRecord(body.account)) throw malformed(`${base}/details/`, 'has no account object');
      details = body.account;
    } catch (error) {
      // Details count against the bank's 4-a-day limit of their own scope; without them the metadata
      // still names the IBAN and owner, which is enough to pull balances and transactions.
      if (!(error instanceof ProviderError && error.code === 'access_exceeded')) throw error;
    }
    return {
      resourceId: id,
      iban: textOf(details.iban) ?? textOf(metadata.iban),
      currency: textOf(details.currency),
      name: textOf(details.name) ?? textOf(details.product) ?? textOf(details.displayName),
      ownerName: textOf(details.ownerName) ?? textOf(metadata.owner_name),
    };
  }

  private today(): IsoDate {
    return new Date(this.now()).toISOString().slice(0, 10);
  }
}

export function createGoCardlessProvider(config: GoCardlessConfig): GoCardlessProvider {
  return new GoCardlessProvider(config);
}

/** The agreement's body: our consent's access, duration and history, within what the bank allows. */
export function agreementFor(request: ProviderConsentRequest, institution: GoCardlessInstitution, today: IsoDate): Record<string, unknown> {
  // 'details' comes with any access: listAccounts reads the account's currency and name from it, and in
  // Berlin Group terms access to balances or transactions includes access to the account itself.
  const scope = [
    ...(request.access.balances ? ['balances'] : []),
    ...(request.access.accounts || request.access.balances || request.access.transactions ? ['details'] : []),
    ...(request.access.transactions ? ['transactions'] : []),
  ];
  if (scope.length === 0) throw new ProviderError('rejected_request', 'the consent gives no access to accounts, balances or transactions');
  const maxAccessDays = institution.maxAccessValidForDays ?? DEFAULT_MAX_ACCESS_DAYS;
  // validUntil is the last day of access; GoCardless counts whole days from now.
  const validDays = diffDays(addDays(request.validUntil, 1), today);
  if (validDays < 1) throw new ProviderError('rejected_request', `the consent's validUntil ${request.validUntil} is not after today ${today}`);
  const historyDays = Math.max(1, Math.min(request.historyDays ?? DEFAULT_HISTORY_DAYS, institution.transactionTotalDays));
  return {
    institution_id: institution.id,
    max_historical_days: historyDays,
    access_valid_for_days: Math.min(validDays, maxAccessDays),
    access_scope: scope,
  };
}

/** Account statuses: READY and DISCOVERED can be read; the others say why not. */
function checkAccountStatus(status: unknown, path: string): void {
  if (status === undefined || status === null || status === 'READY' || status === 'DISCOVERED') return;
  if (status === 'EXPIRED') throw new ProviderError('consent_expired', `GoCardless ${path}: the account's access expired`, { providerCodes: ['EXPIRED'] });
  if (status === 'SUSPENDED') throw new ProviderError('consent_invalid', `GoCardless ${path}: the account is suspended after repeated failures at the bank`, { providerCodes: ['SUSPENDED'] });
  if (status === 'PROCESSING' || status === 'ERROR') throw new ProviderError('unavailable', `GoCardless ${path}: the account is ${String(status)} at GoCardless; retry later`, { providerCodes: [String(status)] });
  throw malformed(path, `has an unknown account status ${JSON.stringify(status)}`);
}

function institutionOf(entry: unknown, where: string): GoCardlessInstitution {
  if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.name !== 'string') throw malformed(where, 'is not an institution with id and name');
  const totalDays = positiveInteger(entry.transaction_total_days);
  return {
    id: entry.id,
    name: entry.name,
    bic: textOf(entry.bic),
    // The API documents these as numbers but sends them as numeric text; both are read.
    transactionTotalDays: totalDays ?? DEFAULT_HISTORY_DAYS,
    maxAccessValidForDays: positiveInteger(entry.max_access_valid_for_days),
    countries: Array.isArray(entry.countries) ? entry.countries.filter((c): c is string => typeof c === 'string') : [],
    logoUrl: textOf(entry.logo),
  };
}

function positiveInteger(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(number) && number > 0 ? number : null;
}

function idOf(body: unknown, path: string): string {
  const id = isRecord(body) ? body.id : undefined;
  if (typeof id !== 'string' || id.length === 0) throw malformed(path, 'has no id');
  return id;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function requisitionPath(ref: ProviderConsentRef): string {
  return `/api/v2/requisitions/${encodeURIComponent(ref.providerConsentId)}/`;
}

function signalOf(context: PullContext): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {};
}

function malformed(path: string, problem: string): ProviderError {
  return new ProviderError('malformed', `GoCardless ${path} response ${problem}`, { httpStatus: 200 });
}
