/**
 * The canonical model as JSON lines: what `draagkracht parse` prints, and the bulk path for creditors
 * and aggregators that already hold transactions in canonical form (one upload of up to the upload
 * limit, no format quirks to decode). Each line is one object with a `kind`:
 *   {"kind":"account","iban":…,"otherId":…,"currency":…,"ownerName":…,"servicerBic":…}
 *   {"kind":"transaction","accountIndex":0,"status":"booked","bookingDate":"2026-10-01","amountCents":-1250,…}
 *   {"kind":"balance","accountIndex":0,"type":"closingBooked","amountCents":…,"currency":"EUR","date":…}
 *   {"kind":"rejected","location":…,"reason":…} and {"kind":"warning","location":…,"field":…,"reason":…,"action":…}
 *   report what the parse of the original file skipped or repaired; rejected lines are not read back,
 *   warning lines are, so the record of what was repaired travels with the data.
 * Fields are checked as strictly as any bank format's: a wrong type or impossible date names its line.
 */
import { isIsoDate } from '../../platform/dates.js';
import {
  BankFileError,
  WARNING_ACTIONS,
  normaliseIban,
  type BalanceType,
  type BankFormatAdapter,
  type ParseOptions,
  type ParsedAccount,
  type ParsedBalance,
  type ParsedStatement,
  type ParsedTransaction,
  type ParseWarning,
  type WarningAction,
} from '../canonical.js';
import { cleanStatementText } from './text-hygiene.js';

const FORMAT = 'canonical-jsonl' as const;
const BALANCE_TYPES: readonly BalanceType[] = ['closingBooked', 'openingBooked', 'interimBooked', 'interimAvailable', 'closingAvailable', 'forwardAvailable', 'expected', 'other'];
const OPTIONAL_TEXT_FIELDS = [
  'sourceId',
  'counterpartyName',
  'counterpartyBic',
  'remittanceUnstructured',
  'remittanceStructured',
  'endToEndId',
  'mandateId',
  'creditorId',
  'bankTransactionCode',
  'proprietaryCode',
  'returnReasonCode',
] as const;

export function statementToJsonLines(statement: ParsedStatement): string[] {
  const lines = [JSON.stringify({ kind: 'statement', format: statement.format })];
  for (const a of statement.accounts) lines.push(JSON.stringify({ kind: 'account', ...a }));
  for (const t of statement.transactions) lines.push(JSON.stringify({ kind: 'transaction', ...t }));
  for (const b of statement.balances) lines.push(JSON.stringify({ kind: 'balance', ...b }));
  for (const r of statement.rejected) lines.push(JSON.stringify({ kind: 'rejected', ...r }));
  for (const w of statement.warnings) lines.push(JSON.stringify({ kind: 'warning', ...w }));
  return lines;
}

const KINDS = ['statement', 'account', 'transaction', 'balance', 'rejected', 'warning'];

/**
 * Canonical JSON lines are recognised by content: the first line is a JSON object whose `kind` is one
 * of ours, whatever the order of its members or the whitespace. A first line too long to read whole
 * in the sample is recognised by its opening `kind` member.
 */
function detectCanonicalJsonl(input: Buffer): number {
  const head = input.subarray(0, 8192).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  if (!head.startsWith('{')) return 0;
  const lineEnd = head.search(/\r?\n/);
  if (lineEnd === -1 && input.byteLength > 8192) {
    return /^\{\s*"kind"\s*:\s*"(?:statement|account|transaction|balance|rejected|warning)"/.test(head) ? 0.95 : 0;
  }
  const firstLine = lineEnd === -1 ? head : head.slice(0, lineEnd);
  let record: unknown;
  try {
    record = JSON.parse(firstLine);
  } catch {
    return 0;
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 0;
  const kind = (record as Record<string, unknown>).kind;
  return typeof kind === 'string' && KINDS.includes(kind) ? 0.97 : 0;
}

function readWarning(record: Record<string, unknown>, line: number): ParseWarning {
  const action = record.action as WarningAction;
  if (!WARNING_ACTIONS.includes(action)) fail(line, `action must be one of ${WARNING_ACTIONS.join(', ')}`);
  const required = (field: string, maxLength: number): string => text(record, field, line, maxLength) ?? fail(line, `${field} is required`);
  return { location: required('location', 200), field: required('field', 100), reason: required('reason', 1000), action };
}

function fail(line: number, reason: string): never {
  throw new BankFileError(FORMAT, `line ${line}`, reason);
}

function text(record: Record<string, unknown>, field: string, line: number, maxLength = 1000): string | null {
  const value = record[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > maxLength) fail(line, `${field} must be a string of at most ${maxLength} characters`);
  return value;
}

function cents(record: Record<string, unknown>, field: string, line: number): number {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(line, `${field} must be an integer number of cents`);
  return value;
}

function date(record: Record<string, unknown>, field: string, line: number, optional = false): string | null {
  const value = record[field];
  if (optional && (value === undefined || value === null)) return null;
  if (typeof value !== 'string' || !isIsoDate(value)) fail(line, `${field} must be an ISO date that exists`);
  return value;
}

function currency(record: Record<string, unknown>, line: number): string {
  const value = record.currency;
  if (typeof value !== 'string' || !/^[A-Z]{3}$/.test(value)) fail(line, 'currency must be an ISO 4217 code');
  return value;
}

function accountIndex(record: Record<string, unknown>, line: number, accounts: number): number {
  const value = record.accountIndex;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= accounts) fail(line, `accountIndex must name one of the ${accounts} accounts declared above`);
  return value;
}

function readTransaction(record: Record<string, unknown>, line: number, accounts: number, warnings: ParseWarning[]): ParsedTransaction {
  const status = record.status;
  if (status !== 'booked' && status !== 'pending') fail(line, 'status must be "booked" or "pending"');
  const counterpartyIbanRaw = text(record, 'counterpartyIban', line, 40);
  const counterpartyIban = counterpartyIbanRaw === null ? null : normaliseIban(counterpartyIbanRaw);
  if (counterpartyIbanRaw !== null && counterpartyIban === null) fail(line, 'counterpartyIban is not a valid IBAN');
  const optional = Object.fromEntries(OPTIONAL_TEXT_FIELDS.map((f) => [f, text(record, f, line)])) as Record<(typeof OPTIONAL_TEXT_FIELDS)[number], string | null>;
  if (record.reversal !== undefined && typeof record.reversal !== 'boolean') fail(line, 'reversal must be true or false');
  return {
    accountIndex: accountIndex(record, line, accounts),
    status,
    bookingDate: date(record, 'bookingDate', line)!,
    valueDate: secondaryValueDate(record, line, warnings),
    amountCents: cents(record, 'amountCents', line),
    currency: currency(record, line),
    counterpartyIban,
    ...optional,
    reversal: record.reversal === true,
    location: `line ${line}`,
  };
}

/** Beside the booking date the value date is secondary: an impossible one is dropped with a warning. */
function secondaryValueDate(record: Record<string, unknown>, line: number, warnings: ParseWarning[]): string | null {
  try {
    return date(record, 'valueDate', line, true);
  } catch (error) {
    if (!(error instanceof BankFileError)) throw error;
    warnings.push({ location: error.location, field: 'valueDate', reason: error.reason, action: 'dropped' });
    return null;
  }
}

function readBalance(record: Record<string, unknown>, line: number, accounts: number): ParsedBalance {
  const type = record.type as BalanceType;
  if (!BALANCE_TYPES.includes(type)) fail(line, `type must be one of ${BALANCE_TYPES.join(', ')}`);
  return {
    accountIndex: accountIndex(record, line, accounts),
    type,
    rawType: text(record, 'rawType', line, 50) ?? type,
    amountCents: cents(record, 'amountCents', line),
    currency: currency(record, line),
    date: date(record, 'date', line)!,
    location: `line ${line}`,
  };
}

function readAccount(record: Record<string, unknown>, line: number): ParsedAccount {
  const ibanRaw = text(record, 'iban', line, 40);
  const iban = ibanRaw === null ? null : normaliseIban(ibanRaw);
  if (ibanRaw !== null && iban === null) fail(line, 'iban is not a valid IBAN');
  const otherId = text(record, 'otherId', line, 100);
  if (iban === null && otherId === null) fail(line, 'an account needs an iban or an otherId');
  const cur = record.currency === undefined || record.currency === null ? null : currency(record, line);
  return { iban, otherId, currency: cur, ownerName: text(record, 'ownerName', line, 200), servicerBic: text(record, 'servicerBic', line, 11) };
}

export const canonicalJsonlAdapter = {
  format: FORMAT,
  produces: [FORMAT],
  detect: detectCanonicalJsonl,
  parse(input: Buffer, options: ParseOptions = {}): ParsedStatement {
    const accounts: ParsedAccount[] = [];
    const transactions: ParsedTransaction[] = [];
    const balances: ParsedBalance[] = [];
    const rejected: ParsedStatement['rejected'] = [];
    const warnings: ParseWarning[] = [];
    const textInput = input.toString('utf8').replace(/^\uFEFF/, '');
    let lineNumber = 0;
    let start = 0;
    while (start <= textInput.length) {
      let end = textInput.indexOf('\n', start);
      if (end === -1) end = textInput.length;
      const rawLine = textInput.slice(start, end).trim();
      start = end + 1;
      lineNumber += 1;
      if (rawLine === '') continue;
      try {
        let record: unknown;
        try {
          record = JSON.parse(rawLine);
        } catch {
          fail(lineNumber, 'not a JSON object');
        }
        if (typeof record !== 'object' || record === null || Array.isArray(record)) fail(lineNumber, 'not a JSON object');
        const r = record as Record<string, unknown>;
        switch (r.kind) {
          case 'statement':
          case 'rejected':
            break;
          case 'account':
            accounts.push(readAccount(r, lineNumber));
            break;
          case 'transaction':
            transactions.push(readTransaction(r, lineNumber, accounts.length, warnings));
            break;
          case 'balance':
            balances.push(readBalance(r, lineNumber, accounts.length));
            break;
          case 'warning':
            warnings.push(readWarning(r, lineNumber));
            break;
          default:
            fail(lineNumber, 'kind must be statement, account, transaction, balance, rejected or warning');
        }
      } catch (error) {
        // Accounts are the frame every later line refers to, so a bad account fails the file even in lenient mode.
        if (options.lenient && error instanceof BankFileError && !rawLine.includes('"kind":"account"')) {
          rejected.push({ location: error.location, reason: error.reason });
          continue;
        }
        throw error;
      }
    }
    if (accounts.length === 0) throw new BankFileError(FORMAT, 'file', 'no account line: declare the account before its transactions');
    return cleanStatementText({ format: FORMAT, accounts, transactions, balances, rejected, warnings });
  },
} satisfies BankFormatAdapter;
