import type { ColumnType, Selectable } from 'kysely';
import type { ProviderKind } from './provider.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Non-secret settings of a connection (see bank-connections.service.ts for each one's meaning). */
export interface BankConnectionSettings {
  historyDays?: number;
  requestTimeoutMs?: number;
  reportTimeoutMs?: number;
  maxPages?: number;
  certificatePem?: string;
  caPem?: string;
  oauthTokenUrl?: string;
  oauthClientId?: string;
  oauthScope?: string;
  country?: string;
  institutionId?: string;
}

/** Secret material, sealed at rest and never returned. */
export interface BankConnectionSecrets {
  privateKeyPem?: string;
  oauthClientSecret?: string;
  secretId?: string;
  secretKey?: string;
}

export interface BankConnectionTable {
  tenant_id: string;
  id: string;
  display_name: string;
  kind: ProviderKind;
  base_url: string;
  settings: ColumnType<BankConnectionSettings, string | undefined, string>;
  secrets_sealed: string | null;
  secret_names: ColumnType<string[], string | undefined, string>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export const AUTHORISATION_STATUSES = ['redirected', 'active', 'rejected', 'failed', 'ended'] as const;
export type AuthorisationStatus = (typeof AUTHORISATION_STATUSES)[number];

export interface BankAuthorisationTable {
  tenant_id: string;
  id: string;
  consent_id: string;
  debtor_id: string;
  connection_id: string;
  provider_consent_id: string | null;
  state: string;
  status: AuthorisationStatus;
  history_from: ColumnType<string, string, string>;
  last_pull_at: NullableTimestamp;
  last_pull_outcome: string | null;
  last_success_at: NullableTimestamp;
  next_pull_after: NullableTimestamp;
  last_error_code: string | null;
  last_error_at: NullableTimestamp;
  pull_day: ColumnType<string | null, string | null | undefined, string | null>;
  pulls_on_day: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  ended_at: NullableTimestamp;
}

export const PULL_TRIGGERS = ['debtor', 'creditor', 'schedule'] as const;
export type PullTrigger = (typeof PULL_TRIGGERS)[number];

export interface BankPullTable {
  tenant_id: string;
  id: string;
  authorisation_id: string;
  consent_id: string;
  trigger: PullTrigger;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
  /** 'running', 'ok', 'no_accounts', or a ProviderErrorCode / our own refusal (access_exceeded, consent_ended). */
  outcome: string;
  date_from: ColumnType<string | null, string | null | undefined, string | null>;
  accounts: ColumnType<number, number | undefined, number>;
  accepted: ColumnType<number, number | undefined, number>;
  duplicates: ColumnType<number, number | undefined, number>;
  replaced_pending: ColumnType<number, number | undefined, number>;
  balances: ColumnType<number, number | undefined, number>;
  upload_id: string | null;
}

export interface BankConnectionTables {
  bank_connections: BankConnectionTable;
  bank_authorisations: BankAuthorisationTable;
  bank_pulls: BankPullTable;
}

export type BankConnectionRow = Selectable<BankConnectionTable>;
export type BankAuthorisationRow = Selectable<BankAuthorisationTable>;
export type BankPullRow = Selectable<BankPullTable>;
