/**
 * The sandbox bank's AIS consents, in memory: created by the TPP (status received), approved or
 * denied by the PSU on the SCA page (valid / rejected), ended by the TPP (terminatedByTpp), by the PSU
 * at the bank (revokedByPsu) or by time (expired, the day after validUntil in the bank's time zone).
 *
 * frequencyPerDay: RTS (EU) 2018/389 art. 36(5)(b) lets an AISP read without the PSU "no more than
 * four times in a 24-hour period" unless agreed otherwise, and the Berlin Group field is "the
 * requested maximum frequency for an access without PSU involvement per day". What this bank counts
 * as one access, which is our choice where the texts leave it open:
 * - only calls without PSU-IP-Address (the PSU is not present); calls with it are not counted;
 * - per consent, per calendar day in Europe/Amsterdam (a "day" the PSU and the bank recognise,
 *   instead of a sliding 24 hours);
 * - per account and per kind of read: the account list, one account's details, its balances, its
 *   transactions are separate accesses, as most Berlin Group banks count "per account per endpoint";
 * - a transactions read is one access however many pages it takes: following a paging link
 *   (pageIndex > 0) continues the access the first page started;
 * - calls the bank refused (errors, faults) are not counted, since no data was read.
 */
import { randomUUID } from 'node:crypto';
import type { IsoDate } from '../platform/dates.js';

export type SandboxConsentStatus = 'received' | 'valid' | 'rejected' | 'revokedByPsu' | 'expired' | 'terminatedByTpp';

export interface AccountReference {
  iban: string;
  currency?: string;
}

/** The access as the TPP asked it (the body's `access`). */
export interface RequestedAccess {
  accounts?: AccountReference[];
  balances?: AccountReference[];
  transactions?: AccountReference[];
  availableAccounts?: 'allAccounts' | 'allAccountsWithOwnerName';
  availableAccountsWithBalance?: 'allAccounts' | 'allAccountsWithOwnerName';
  allPsd2?: 'allAccounts' | 'allAccountsWithOwnerName';
}

/** What the PSU's approval gave: resource ids per kind of read. */
export interface GrantedAccess {
  accounts: Set<string>;
  balances: Set<string>;
  transactions: Set<string>;
  withOwnerName: boolean;
}

export interface SandboxConsent {
  consentId: string;
  status: SandboxConsentStatus;
  access: RequestedAccess;
  validUntil: IsoDate;
  frequencyPerDay: number;
  recurringIndicator: boolean;
  redirectUri: string;
  nokRedirectUri: string | null;
  /** PSU-ID the TPP sent at creation, if any: the SCA page preselects it. */
  psuIdHint: string | null;
  /** TPP-Brand-Logging-Information, shown on the SCA page as who asks. */
  tppBrand: string | null;
  createdOn: IsoDate;
  lastActionDate: IsoDate;
  psuId: string | null;
  granted: GrantedAccess | null;
  /** Unattended accesses: `${day}|${kind}|${resourceId}` → count. */
  usage: Map<string, number>;
}

export type AccessKind = 'account-list' | 'account' | 'balances' | 'transactions';

export class SandboxConsents {
  private readonly consents = new Map<string, SandboxConsent>();

  constructor(private readonly today: () => IsoDate) {}

  create(input: Pick<SandboxConsent, 'access' | 'validUntil' | 'frequencyPerDay' | 'recurringIndicator' | 'redirectUri' | 'nokRedirectUri' | 'psuIdHint' | 'tppBrand'>): SandboxConsent {
    const today = this.today();
    const consent: SandboxConsent = { ...input, consentId: randomUUID(), status: 'received', createdOn: today, lastActionDate: today, psuId: null, granted: null, usage: new Map() };
    this.consents.set(consent.consentId, consent);
    return consent;
  }

  /** The consent with its status brought up to date (expiry is applied when it is read). */
  get(consentId: string): SandboxConsent | null {
    const consent = this.consents.get(consentId);
    if (!consent) return null;
    if ((consent.status === 'valid' || consent.status === 'received') && this.today() > consent.validUntil) {
      consent.status = 'expired';
      consent.lastActionDate = this.today();
    }
    return consent;
  }

  all(): SandboxConsent[] {
    return [...this.consents.keys()].map((id) => this.get(id)!);
  }

  approve(consent: SandboxConsent, psuId: string, granted: GrantedAccess): void {
    consent.status = 'valid';
    consent.psuId = psuId;
    consent.granted = granted;
    consent.lastActionDate = this.today();
  }

  deny(consent: SandboxConsent, psuId: string | null): void {
    consent.status = 'rejected';
    consent.psuId = psuId;
    consent.lastActionDate = this.today();
  }

  /** DELETE by the TPP: an open or valid consent ends as terminatedByTpp; an ended one stays as it ended. */
  terminate(consent: SandboxConsent): void {
    if (consent.status === 'valid' || consent.status === 'received') {
      consent.status = 'terminatedByTpp';
      consent.lastActionDate = this.today();
    }
  }

  /** The PSU revoked it in the bank's own channel. */
  revokeByPsu(consentId: string): boolean {
    const consent = this.get(consentId);
    if (!consent) return false;
    if (consent.status === 'valid' || consent.status === 'received') {
      consent.status = 'revokedByPsu';
      consent.lastActionDate = this.today();
    }
    return true;
  }

  /**
   * Counts one unattended access if the day's allowance has room; false when it is used up
   * (the caller answers 429 ACCESS_EXCEEDED and counts nothing).
   */
  tryCountAccess(consent: SandboxConsent, kind: AccessKind, resourceId: string): boolean {
    const key = `${this.today()}|${kind}|${resourceId}`;
    const used = consent.usage.get(key) ?? 0;
    if (used >= consent.frequencyPerDay) return false;
    consent.usage.set(key, used + 1);
    return true;
  }

  touch(consent: SandboxConsent): void {
    consent.lastActionDate = this.today();
  }
}

/** The calendar date of an instant in the bank's time zone. */
export function dateInAmsterdam(instant: Date): IsoDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}
