import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export const REFERRAL_STATUSES = ['open', 'closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export const REFERRAL_SOURCES = ['api', 'write_off_recommendation'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

export interface ReferralEvidence {
  claimIds?: string[];
  transactionIds?: string[];
  eventIds?: string[];
  note?: string;
}

export interface DebtHelpReferralTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  status: ReferralStatus;
  reasons: ColumnType<string[], string, string>;
  evidence: ColumnType<ReferralEvidence | null, string | null, string | null>;
  source: ReferralSource;
  opened_on: string;
  closed_on: string | null;
  outcome: string | null;
  created_at: Timestamp;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface DebtHelpReferralTables {
  debt_help_referrals: DebtHelpReferralTable;
}

export type DebtHelpReferralRow = Selectable<DebtHelpReferralTable>;
