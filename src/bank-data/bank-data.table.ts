import type { ColumnType, Generated, Selectable } from 'kysely';
import type { BankFormat } from './canonical.js';
import type { StatementSummary } from './statement-summary.js';

export interface BankUploadTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  consent_id: string;
  format: string;
  sha256: string;
  byte_size: number;
  accepted: number;
  duplicates: number;
  replaced_pending: number;
  rejected: ColumnType<{ location: string; reason: string }[], string, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface BankAccountTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  consent_id: string;
  /** IBAN, else the other id, else "unknown:<currency>": what makes an account the same across files. */
  account_key: string;
  iban: string | null;
  other_id: string | null;
  currency: string | null;
  owner_name: string | null;
  servicer_bic: string | null;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface BankTransactionTable {
  tenant_id: string;
  id: Generated<number>;
  account_id: string;
  debtor_id: string;
  consent_id: string;
  upload_id: string;
  dedupe_key: string;
  source_id: string | null;
  status: 'booked' | 'pending';
  booking_date: string;
  value_date: string | null;
  amount_cents: number;
  currency: string;
  counterparty_name: string | null;
  counterparty_iban: string | null;
  counterparty_bic: string | null;
  remittance_unstructured: string | null;
  remittance_structured: string | null;
  end_to_end_id: string | null;
  mandate_id: string | null;
  creditor_id: string | null;
  bank_transaction_code: string | null;
  proprietary_code: string | null;
  return_reason_code: string | null;
  reversal: boolean;
  source_format: string;
}

export interface BankBalanceTable {
  tenant_id: string;
  id: Generated<number>;
  account_id: string;
  debtor_id: string;
  consent_id: string;
  upload_id: string;
  type: string;
  raw_type: string;
  amount_cents: number;
  currency: string;
  date: string;
}

/** A parsed upload waiting for the debtor to confirm or discard it (upload-drafts.service.ts). */
export interface BankUploadDraftTable {
  tenant_id: string;
  id: string;
  debtor_id: string;
  consent_id: string;
  file_name: string | null;
  format: BankFormat;
  sha256: string;
  byte_size: number;
  /** pg returns a Buffer, PGlite a Uint8Array; both are Uint8Arrays. */
  bytes: ColumnType<Uint8Array, Uint8Array, never>;
  summary: ColumnType<StatementSummary, string, never>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  expires_at: ColumnType<Date, Date | string, never>;
}

export interface BankDataTables {
  bank_uploads: BankUploadTable;
  bank_accounts: BankAccountTable;
  bank_transactions: BankTransactionTable;
  bank_balances: BankBalanceTable;
  bank_upload_drafts: BankUploadDraftTable;
}

export type BankTransactionRow = Selectable<BankTransactionTable>;
export type BankAccountRow = Selectable<BankAccountTable>;
