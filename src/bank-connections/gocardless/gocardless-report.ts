/**
 * GoCardless account data into the Berlin Group report the existing `berlin-group` parser reads.
 *
 * GoCardless passes the banks' Berlin Group fields through, with a few documented differences that the
 * parser would otherwise miss or refuse, normalised here and nowhere else:
 * - `internalTransactionId` is GoCardless's own stable id of a transaction; many banks send no
 *   `transactionId`. It becomes the transactionId then, so re-pulling the same transaction is idempotent.
 * - `bookingDateTime` / `valueDateTime` stand in for `bookingDate` / `valueDate` at some banks; the
 *   calendar date of the date-time (in its own offset) is used.
 * - `additionalInformation` carries the description at banks that send no remittance information; it
 *   becomes the unstructured remittance then, because the description is what categorisation reads.
 * - Amounts must be decimal text; a bank that sends a JSON number gets it written as text, without
 *   float rounding beyond what JSON already did.
 * Everything else is passed through untouched (unknown members are ignored by the parser), and a
 * response that is not the documented shape at all is refused as malformed: nothing is stored from it.
 */
import { dateOfDateTime } from '../../platform/dates.js';
import { ProviderError, type ProviderAccount, type BerlinGroupAccountReport } from '../provider.js';
import { isRecord } from './gocardless-client.js';

/** GET /api/v2/accounts/{id}/balances/ → the `balances` list. */
export function balancesOf(body: unknown): Record<string, unknown>[] {
  if (!isRecord(body) || !Array.isArray(body.balances)) throw malformed('/balances/', 'has no balances list');
  return body.balances.map((balance, index) => {
    if (!isRecord(balance)) throw malformed('/balances/', `balance ${index} is not an object`);
    return { ...balance, ...amountAsText(balance, 'balanceAmount') };
  });
}

/** GET /api/v2/accounts/{id}/transactions/ → the booked and pending lists, normalised. */
export function transactionsOf(body: unknown): { booked: Record<string, unknown>[]; pending: Record<string, unknown>[] } {
  if (!isRecord(body) || !isRecord(body.transactions)) throw malformed('/transactions/', 'has no transactions object');
  const report = body.transactions;
  const list = (name: 'booked' | 'pending'): Record<string, unknown>[] => {
    const entries = report[name];
    if (entries === undefined || entries === null) return [];
    if (!Array.isArray(entries)) throw malformed('/transactions/', `transactions.${name} is not a list`);
    return entries.map((entry, index) => {
      if (!isRecord(entry)) throw malformed('/transactions/', `transactions.${name}[${index}] is not an object`);
      return normaliseTransaction(entry);
    });
  };
  return { booked: list('booked'), pending: list('pending') };
}

export function normaliseTransaction(entry: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...entry, ...amountAsText(entry, 'transactionAmount') };
  if (typeof result.transactionId !== 'string' && typeof entry.internalTransactionId === 'string') result.transactionId = entry.internalTransactionId;
  for (const [dateKey, dateTimeKey] of [
    ['bookingDate', 'bookingDateTime'],
    ['valueDate', 'valueDateTime'],
  ] as const) {
    if (typeof result[dateKey] === 'string') continue;
    const dateTime = entry[dateTimeKey];
    const date = typeof dateTime === 'string' ? dateOfDateTime(dateTime) : null;
    if (date !== null) result[dateKey] = date;
  }
  const hasRemittance =
    typeof entry.remittanceInformationUnstructured === 'string' ||
    (Array.isArray(entry.remittanceInformationUnstructuredArray) && entry.remittanceInformationUnstructuredArray.length > 0);
  if (!hasRemittance && typeof entry.additionalInformation === 'string' && entry.additionalInformation.trim() !== '') {
    result.remittanceInformationUnstructured = entry.additionalInformation;
  }
  if (isRecord(entry.balanceAfterTransaction)) {
    result.balanceAfterTransaction = { ...entry.balanceAfterTransaction, ...amountAsText(entry.balanceAfterTransaction, 'balanceAmount') };
  }
  return result;
}

/** `{ amount: 12.5 }` → `{ amount: "12.5" }`; decimal text is left as it is for the parser to judge. */
function amountAsText(holder: Record<string, unknown>, key: string): Record<string, unknown> {
  const amount = holder[key];
  if (!isRecord(amount) || typeof amount.amount !== 'number' || !Number.isFinite(amount.amount)) return {};
  return { [key]: { ...amount, amount: numberAsDecimalText(amount.amount) } };
}

function numberAsDecimalText(value: number): string {
  // toString gives exponent notation below 1e-6 or above 1e21; no real amount is there, but stay decimal.
  const text = String(value);
  return /e/i.test(text) ? value.toFixed(2) : text;
}

/** The report of one account, every part the consent allows, in the shape parseBankFile reads. */
export function accountReportOf(
  account: ProviderAccount,
  parts: { balances: Record<string, unknown>[] | null; transactions: { booked: Record<string, unknown>[]; pending: Record<string, unknown>[] } | null },
): BerlinGroupAccountReport {
  const reference: Record<string, unknown> = {};
  // Without an IBAN (card or savings accounts at some banks) GoCardless's account id is the only
  // identifier; it is stable for the requisition, which is as long as our consent lasts.
  if (account.iban !== null) reference.iban = account.iban;
  else reference.other = { identification: `gocardless:${account.resourceId}` };
  if (account.currency !== null) reference.currency = account.currency;
  if (account.ownerName !== null) reference.ownerName = account.ownerName;
  if (account.name !== null) reference.name = account.name;
  return {
    account: reference,
    ...(parts.balances !== null ? { balances: parts.balances } : {}),
    ...(parts.transactions !== null ? { transactions: parts.transactions } : {}),
  };
}

function malformed(path: string, problem: string): ProviderError {
  return new ProviderError('malformed', `GoCardless account ${path} response ${problem}`, { httpStatus: 200 });
}
