/**
 * What this service needs from a bank or an aggregator to read a debtor's accounts after the debtor
 * agreed: one interface, implemented by the Berlin Group NextGenPSD2 XS2A client (a bank's own API)
 * and by an aggregator adapter (GoCardless Bank Account Data). The flow code (authorisation, pull,
 * refresh) only speaks this interface, so a tenant can use either per connection.
 *
 * Data comes back in the Berlin Group shape (account reference, balances, booked and pending
 * transactions), the shape the existing `berlin-group` parser reads, so pulled data goes through the
 * same parsing and idempotent ingestion as an uploaded file.
 *
 * Domain code: no Fastify.
 */
import type { IsoDate } from '../platform/dates.js';

export type ProviderKind = 'xs2a' | 'gocardless';

/** The access of our consent, as the provider's consent must mirror it. */
export interface ProviderConsentRequest {
  access: { accounts: boolean; balances: boolean; transactions: boolean };
  validUntil: IsoDate;
  frequencyPerDay: number;
  recurringIndicator: boolean;
  /** Where the bank sends the debtor's browser back after approval (TPP-Redirect-URI). */
  redirectUri: string;
  /** Where the bank sends the debtor's browser back after a denial or failure (TPP-Nok-Redirect-URI). */
  nokRedirectUri: string;
  /** The debtor's IP address when the debtor is present (PSU-IP-Address); omitted for unattended pulls. */
  psuIpAddress?: string;
  /** Our id for this attempt; sent as X-Request-ID prefix / reference so logs on both sides match. */
  reference: string;
  /** Aggregators need the institution (bank) the debtor picked; a bank's own XS2A API ignores it. */
  institutionId?: string;
  /** How far back the debtor allowed us to read (aggregators ask it in the agreement). */
  historyDays?: number;
}

/** The provider's consent (or requisition), as this service stores it to come back to it later. */
export interface ProviderConsentRef {
  /** Consent-ID at a bank; requisition id at an aggregator. */
  providerConsentId: string;
}

export interface StartedAuthorisation extends ProviderConsentRef {
  /** Send the debtor's browser here (the bank's SCA page, or the aggregator's link). */
  scaRedirectUrl: string;
}

/** Berlin Group consent statuses, which aggregators' statuses are mapped onto. */
export type ProviderConsentStatus = 'received' | 'valid' | 'rejected' | 'revokedByPsu' | 'expired' | 'terminatedByTpp' | 'partiallyAuthorised';

export interface ProviderAccount {
  /** The provider's resource id for the account (resourceId), used in the account's URLs. */
  resourceId: string;
  iban: string | null;
  currency: string | null;
  name: string | null;
  ownerName: string | null;
}

/**
 * One account's data in the Berlin Group transaction-report shape, every page merged:
 * `{ account: { iban, currency }, balances: [...], transactions: { booked: [...], pending: [...] } }`.
 * This is exactly what `parseBankFile` with the `berlin-group` adapter reads.
 */
export type BerlinGroupAccountReport = Record<string, unknown>;

/** Who is asking: present debtor (with IP) or an unattended scheduled refresh. */
export interface PullContext {
  psuIpAddress?: string;
  /** Abort the pull (timeout or shutdown). */
  signal?: AbortSignal;
}

export interface AccountInformationProvider {
  readonly kind: ProviderKind;
  /** Create the consent at the provider and return where the debtor approves it. */
  startAuthorisation(request: ProviderConsentRequest, context?: PullContext): Promise<StartedAuthorisation>;
  /** The consent's status at the provider (after the debtor came back, or before a pull). */
  consentStatus(ref: ProviderConsentRef, context?: PullContext): Promise<ProviderConsentStatus>;
  listAccounts(ref: ProviderConsentRef, context?: PullContext): Promise<ProviderAccount[]>;
  /**
   * One account's balances (when the consent gives them) and transactions from `dateFrom`
   * (bookingStatus both, every page followed), as one Berlin Group report.
   */
  accountReport(ref: ProviderConsentRef, account: ProviderAccount, options: { dateFrom: IsoDate; withBalances: boolean; withTransactions: boolean }, context?: PullContext): Promise<BerlinGroupAccountReport>;
  /** End the consent at the provider (our consent ended). Idempotent: an unknown or ended consent is fine. */
  revoke(ref: ProviderConsentRef, context?: PullContext): Promise<void>;
}

/**
 * Why a provider call failed, in terms the flow acts on:
 * - consent_invalid / consent_expired / consent_revoked: the provider says the consent no longer
 *   gives access: our consent ends with that status and its data is erased;
 * - access_exceeded: frequencyPerDay used up (429 ACCESS_EXCEEDED): try again tomorrow;
 * - rate_limited: 429 with Retry-After: back off (retryAfterSeconds) and retry later;
 * - unavailable: 5xx, timeout, connection refused: retry later, data unchanged;
 * - malformed: a response that does not follow the specification: nothing stored, status says so;
 * - rejected_request: 400/403/404 with tppMessages that mean our request was wrong (a bug or a
 *   misconfigured connection): nothing stored, the connection's status says so;
 * - unauthorised_client: the provider refused our credentials or certificate (401 CERTIFICATE_*, token).
 */
export type ProviderErrorCode =
  | 'consent_invalid'
  | 'consent_expired'
  | 'consent_revoked'
  | 'access_exceeded'
  | 'rate_limited'
  | 'unavailable'
  | 'malformed'
  | 'rejected_request'
  | 'unauthorised_client';

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: {
      httpStatus?: number;
      /** The provider's own codes (Berlin Group tppMessages[].code, aggregator error types). */
      providerCodes?: string[];
      retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
