/**
 * The rows analytics reads: what the database hands over, or what the CLI derives from a bank file.
 *
 * Glossary
 * - analysis transaction: one booked or pending entry of one of the debtor's accounts, flattened
 *   from the canonical model, with a stable id (the database's, or derived from the file).
 * - own IBANs: the debtor's accounts; money between them is neither income nor cost.
 * - account holder names: how the bank names the debtor; a transfer to or from the same name is
 *   also an own-account transfer, even when the other account was not shared with us.
 */
import type { BalanceType, ParsedStatement, TransactionStatus } from '../bank-data/canonical.js';
import type { IsoDate } from '../platform/dates.js';

export interface AnalysisTransaction {
  id: string;
  accountIban: string | null;
  status: TransactionStatus;
  bookingDate: IsoDate;
  valueDate: IsoDate | null;
  /** Signed integer cents from the account holder's view: money in is positive. */
  amountCents: number;
  currency: string;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  remittanceUnstructured: string | null;
  remittanceStructured: string | null;
  creditorId: string | null;
  mandateId: string | null;
  bankTransactionCode: string | null;
  proprietaryCode: string | null;
  returnReasonCode: string | null;
  reversal: boolean;
}

export interface AnalysisBalance {
  accountIban: string | null;
  date: IsoDate;
  amountCents: number;
  type: BalanceType;
}

export interface AnalysisInput {
  transactions: AnalysisTransaction[];
  balances: AnalysisBalance[];
  ownIbans: string[];
  accountHolderNames: string[];
}

export interface StatementConversionOptions {
  /**
   * Prefixed to ids derived from a location so that entries of different files cannot collide
   * (two MT940 files both have a "line 4"). The CLI passes the file name. Ids from the bank are
   * scoped by account instead, so the same entry in two overlapping exports keeps one id.
   */
  idPrefix?: string;
}

/**
 * Flattens a parsed statement into analysis rows. The id is the bank's own id when the statement
 * uses it only once (MT940 often writes "NONREF" for every line, so a repeated id is no id),
 * otherwise the entry's location in the file, which is stable for the same file.
 */
export function analysisInputFromStatement(statement: ParsedStatement, options: StatementConversionOptions = {}): AnalysisInput {
  const prefix = options.idPrefix == null || options.idPrefix === '' ? '' : `${options.idPrefix}#`;
  const sourceIdUses = new Map<string, number>();
  for (const tx of statement.transactions) {
    if (tx.sourceId != null && tx.sourceId !== '') sourceIdUses.set(tx.sourceId, (sourceIdUses.get(tx.sourceId) ?? 0) + 1);
  }
  const ibanOf = (accountIndex: number): string | null => statement.accounts[accountIndex]?.iban ?? null;

  const transactions = statement.transactions.map((tx): AnalysisTransaction => {
    const usableSourceId = tx.sourceId != null && tx.sourceId !== '' && sourceIdUses.get(tx.sourceId) === 1;
    const accountIban = ibanOf(tx.accountIndex);
    const id = usableSourceId ? `${accountIban ?? `${prefix}account ${tx.accountIndex}`}:${tx.sourceId}` : `${prefix}${tx.location}`;
    return {
      id,
      accountIban,
      status: tx.status,
      bookingDate: tx.bookingDate,
      valueDate: tx.valueDate,
      amountCents: tx.amountCents,
      currency: tx.currency,
      counterpartyName: tx.counterpartyName,
      counterpartyIban: tx.counterpartyIban,
      remittanceUnstructured: tx.remittanceUnstructured,
      remittanceStructured: tx.remittanceStructured,
      creditorId: tx.creditorId,
      mandateId: tx.mandateId,
      bankTransactionCode: tx.bankTransactionCode,
      proprietaryCode: tx.proprietaryCode,
      returnReasonCode: tx.returnReasonCode,
      reversal: tx.reversal,
    };
  });

  const balances = statement.balances.map((b): AnalysisBalance => ({
    accountIban: ibanOf(b.accountIndex),
    date: b.date,
    amountCents: b.amountCents,
    type: b.type,
  }));

  const ownIbans = [...new Set(statement.accounts.map((a) => a.iban).filter((iban): iban is string => iban != null))];
  const accountHolderNames = [...new Set(statement.accounts.map((a) => a.ownerName).filter((n): n is string => n != null && n.trim() !== ''))];
  return { transactions, balances, ownIbans, accountHolderNames };
}

/** Joins the inputs of several files (the CLI reads one per argument) into one debtor's view. */
export function mergeAnalysisInputs(inputs: readonly AnalysisInput[]): AnalysisInput {
  const seenIds = new Set<string>();
  const transactions: AnalysisTransaction[] = [];
  for (const input of inputs) {
    for (const tx of input.transactions) {
      // The same bank id in two overlapping exports is the same entry; counting it twice would double money.
      if (seenIds.has(tx.id)) continue;
      seenIds.add(tx.id);
      transactions.push(tx);
    }
  }
  return {
    transactions,
    balances: inputs.flatMap((i) => i.balances),
    ownIbans: [...new Set(inputs.flatMap((i) => i.ownIbans))],
    accountHolderNames: [...new Set(inputs.flatMap((i) => i.accountHolderNames))],
  };
}
