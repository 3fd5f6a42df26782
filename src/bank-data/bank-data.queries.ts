/**
 * Reading stored bank data. Every read names the tenant and debtor, and runs only under a valid
 * consent (checked by the caller through requireConsent), so nothing leaks past its consent.
 */
import type { Db } from '../platform/database/connection.js';
import type { IsoDate } from '../platform/dates.js';
import type { BankTransactionRow } from './bank-data.table.js';

export interface StoredTransaction {
  id: string;
  accountId: string;
  status: 'booked' | 'pending';
  bookingDate: IsoDate;
  valueDate: IsoDate | null;
  amountCents: number;
  currency: string;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  counterpartyBic: string | null;
  remittanceUnstructured: string | null;
  remittanceStructured: string | null;
  endToEndId: string | null;
  mandateId: string | null;
  creditorId: string | null;
  bankTransactionCode: string | null;
  proprietaryCode: string | null;
  returnReasonCode: string | null;
  reversal: boolean;
  sourceId: string | null;
  sourceFormat: string;
}

export function toStoredTransaction(r: BankTransactionRow): StoredTransaction {
  return {
    id: String(r.id),
    accountId: r.account_id,
    status: r.status,
    bookingDate: r.booking_date,
    valueDate: r.value_date,
    amountCents: Number(r.amount_cents),
    currency: r.currency,
    counterpartyName: r.counterparty_name,
    counterpartyIban: r.counterparty_iban,
    counterpartyBic: r.counterparty_bic,
    remittanceUnstructured: r.remittance_unstructured,
    remittanceStructured: r.remittance_structured,
    endToEndId: r.end_to_end_id,
    mandateId: r.mandate_id,
    creditorId: r.creditor_id,
    bankTransactionCode: r.bank_transaction_code,
    proprietaryCode: r.proprietary_code,
    returnReasonCode: r.return_reason_code,
    reversal: r.reversal,
    sourceId: r.source_id,
    sourceFormat: r.source_format,
  };
}

export async function listTransactions(
  db: Db,
  tenantId: string,
  debtorId: string,
  options: { consentId?: string; from?: IsoDate; to?: IsoDate; status?: 'booked' | 'pending'; limit?: number; afterId?: number } = {},
): Promise<StoredTransaction[]> {
  let query = db.selectFrom('bank_transactions').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId);
  if (options.consentId) query = query.where('consent_id', '=', options.consentId);
  if (options.from) query = query.where('booking_date', '>=', options.from);
  if (options.to) query = query.where('booking_date', '<=', options.to);
  if (options.status) query = query.where('status', '=', options.status);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  query = query.orderBy('id');
  if (options.limit) query = query.limit(options.limit);
  return (await query.execute()).map(toStoredTransaction);
}

export interface StoredAccount {
  id: string;
  consentId: string;
  iban: string | null;
  otherId: string | null;
  currency: string | null;
  ownerName: string | null;
  servicerBic: string | null;
}

export async function listAccounts(db: Db, tenantId: string, debtorId: string): Promise<StoredAccount[]> {
  const rows = await db.selectFrom('bank_accounts').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('created_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, consentId: r.consent_id, iban: r.iban, otherId: r.other_id, currency: r.currency, ownerName: r.owner_name, servicerBic: r.servicer_bic }));
}

export interface StoredBalance {
  accountId: string;
  type: string;
  rawType: string;
  amountCents: number;
  currency: string;
  date: IsoDate;
}

export async function listBalances(db: Db, tenantId: string, debtorId: string): Promise<StoredBalance[]> {
  const rows = await db.selectFrom('bank_balances').selectAll().where('tenant_id', '=', tenantId).where('debtor_id', '=', debtorId).orderBy('date').orderBy('id').execute();
  return rows.map((r) => ({ accountId: r.account_id, type: r.type, rawType: r.raw_type, amountCents: Number(r.amount_cents), currency: r.currency, date: r.date }));
}
