import type { ColumnType, Selectable } from 'kysely';

/**
 * Consent statuses follow the Berlin Group model:
 * received (requested, not yet granted) → valid → revokedByPsu (the debtor withdrew) /
 * expired (validUntil passed) / terminatedByTpp (the creditor ended it) / rejected (the debtor declined).
 */
export const CONSENT_STATUSES = ['received', 'valid', 'rejected', 'revokedByPsu', 'expired', 'terminatedByTpp'] as const;
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];

export const CONSENT_PURPOSES = ['affordability_assessment', 'early_warning_monitoring', 'repayment_plan'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** Proof of what the debtor agreed to: when, how and to which text version. No personal data. */
export interface ConsentEvidence {
  grantedAt?: string;
  method?: string;
  textVersion?: string;
  endedAt?: string;
  endedBy?: string;
}

export interface ConsentTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  access_accounts: boolean;
  access_balances: boolean;
  access_transactions: boolean;
  purpose: ConsentPurpose;
  valid_until: string;
  frequency_per_day: number;
  recurring: boolean;
  status: ConsentStatus;
  status_changed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  link_expires_at: ColumnType<Date, Date | string, Date | string>;
  evidence: ColumnType<ConsentEvidence | null, string | null, string | null>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface ConsentTables {
  consents: ConsentTable;
}

export type ConsentRow = Selectable<ConsentTable>;
