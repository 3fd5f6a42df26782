/**
 * Text fields of a parsed statement cleaned of what is not text: NUL and other C0/C1 control
 * characters (tab and line breaks stay) and lone UTF-16 surrogates. They come from damaged exports or
 * hostile uploads, break PostgreSQL text columns (NUL), JSON consumers (lone surrogates) and terminals,
 * and carry no meaning; removing them changes no amount or date, so it is a warning, never a refusal.
 */
import type { ParseWarning, ParsedStatement } from '../canonical.js';

// eslint-disable-next-line no-control-regex
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ACCOUNT_TEXT_FIELDS = ['otherId', 'ownerName'] as const;
const TRANSACTION_TEXT_FIELDS = [
  'sourceId',
  'counterpartyName',
  'remittanceUnstructured',
  'remittanceStructured',
  'endToEndId',
  'mandateId',
  'creditorId',
  'bankTransactionCode',
  'proprietaryCode',
  'returnReasonCode',
] as const;

/** The text without control characters and lone surrogates, and how many were removed. */
export function withoutNonText(value: string): { text: string; removed: number } {
  let removed = 0;
  const text = value.replace(NOT_TEXT, () => {
    removed++;
    return '';
  });
  return { text, removed };
}

function describe(removed: number): string {
  return `${removed} control character${removed === 1 ? '' : 's'} or lone surrogate${removed === 1 ? '' : 's'} (NUL, C0/C1 controls, unpaired UTF-16 halves) removed`;
}

/**
 * Cleans every free-text field of the statement in place and appends a warning per cleaned field.
 * A field left empty becomes null, as a field the bank did not fill.
 */
export function cleanStatementText(statement: ParsedStatement): ParsedStatement {
  const warnings: ParseWarning[] = [];
  const clean = <K extends string>(record: Partial<Record<K, string | null>>, fields: readonly K[], location: string): void => {
    for (const field of fields) {
      const value = record[field];
      if (typeof value !== 'string') continue;
      const { text, removed } = withoutNonText(value);
      if (removed === 0) continue;
      record[field] = text === '' ? null : text;
      warnings.push({ location, field, reason: describe(removed), action: 'cleaned' });
    }
  };
  statement.accounts.forEach((account, index) => clean(account, ACCOUNT_TEXT_FIELDS, `account ${index}`));
  for (const transaction of statement.transactions) clean(transaction, TRANSACTION_TEXT_FIELDS, transaction.location);
  for (const balance of statement.balances) {
    const { text, removed } = withoutNonText(balance.rawType);
    if (removed === 0) continue;
    balance.rawType = text;
    warnings.push({ location: balance.location, field: 'rawType', reason: describe(removed), action: 'cleaned' });
  }
  statement.warnings.push(...warnings);
  return statement;
}
