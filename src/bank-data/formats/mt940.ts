/**
 * SWIFT MT940 (end-of-day statement) and MT942 (intraday report), as Dutch, German and other banks
 * export them: bare or in a SWIFT envelope ("{1:…}{2:O940…}{4:" … "-}"), several messages per file,
 * CRLF or LF, any padding, UTF-8 or windows-1252.
 *
 * Reading happens in three layers that tests can reach separately: `readMt940Messages` cuts the text
 * into messages and fields (with the line of each tag), `parseStatementLine` reads one ":61:", and
 * `parsePaymentDescription` (payment-description.ts) reads the ":86:" text. The adapter assembles them.
 *
 * Choices where banks and the standard disagree:
 * - A line that starts like a tag but names none of MT940/MT942's fields (":12:", ":26:") continues the
 *   previous field: ":86:" text wraps at 65 characters and may put a time such as "13:12:11" there.
 * - "RC" (reversal of a credit) is money out and "RD" (reversal of a debit) money in, as SWIFT defines
 *   them; the statements' balances agree with that reading.
 * - A ":86:" after the closing balance informs about the statement, not about its last entry.
 * - Statement fragments without ":20:" or ":25:" are read (the account is then unnamed); entries
 *   whose currency cannot be known from a balance, ":34F:" or ":25:" are refused, never guessed.
 * - Impossible dates such as 30 February are never moved to a neighbouring day. An impossible value date
 *   beside a readable entry (booking) date is dropped with a warning, since the entry date books the
 *   entry; without one the entry is refused. An impossible entry date beside a value date is dropped
 *   likewise and the value date books the entry, as when a bank gives no entry date at all.
 * - Amounts take a decimal comma (SWIFT) or, as old Rabobank exports write them, a decimal point.
 * - Balances are secondary: a balance that cannot be read is dropped with a warning, never the file.
 * - Control characters are removed from the text before reading, with a warning naming their line;
 *   SOH and ETX, the framing of SWIFT transmissions, are removed silently.
 */
import {
  BankFileError,
  normaliseIban,
  type BalanceType,
  type BankFormat,
  type BankFormatAdapter,
  type DetectHints,
  type ParseOptions,
  type ParsedAccount,
  type ParsedBalance,
  type ParsedStatement,
  type ParsedTransaction,
  type ParseWarning,
  type RejectedEntry,
} from '../canonical.js';
import { cleanStatementText } from './text-hygiene.js';
import { AmountFormatError, parseAmountToCents } from '../../platform/money.js';
import { diffDays, isoDateFromParts, type IsoDate } from '../../platform/dates.js';
import { peekText, readBankText } from './csv-reader.js';
import { descriptionLayout, parsePaymentDescription } from './payment-description.js';

/** The fields of MT940 and MT942; see the module comment for why other ":NN:" lines are text. */
const KNOWN_TAGS = new Set([
  '13', '13D', '20', '21', '25', '25P', '28', '28C', '34F', '60', '60F', '60M', '61', '62', '62F', '62M', '64', '65',
  '86', '90C', '90D', 'NS',
]);

const BALANCE_TYPES: Record<string, BalanceType> = {
  '60': 'openingBooked',
  '60F': 'openingBooked',
  '60M': 'interimBooked',
  '62': 'closingBooked',
  '62F': 'closingBooked',
  '62M': 'interimBooked',
  '64': 'closingAvailable',
  '65': 'forwardAvailable',
};
/** After these the statement's entries are over, so a following ":86:" is about the statement. */
const CLOSING_TAGS = new Set(['62', '62F', '62M', '64', '65', '90C', '90D']);

export interface Mt940Field {
  tag: string;
  /** The text after the tag, then every continuation line, each without its line break. */
  lines: string[];
  /** Line of the tag, counted from 1. */
  line: number;
}

export interface Mt940Message {
  /** '942' when the SWIFT envelope says so or the fields are an intraday report's; otherwise '940'. */
  messageType: '940' | '942';
  /** The sending bank, from the SWIFT envelope or the header line some banks write before ":20:". */
  servicerBic: string | null;
  fields: Mt940Field[];
}

/** SWIFT framing (SOH, ETX) and other C0 controls are not text; tabs stay, line breaks are split on. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const TAG_LINE = /^:(\d{2}[A-Z]?|NS):/;
/** End of a message's text block: "-", "-}", "-}{5:…}"; ING's legacy export ends with "-XXX". */
const END_OF_MESSAGE = /^-(\}.*|XXX)?$/;

interface OpenMessage {
  messageType: '940' | '942' | null;
  servicerBic: string | null;
  fields: Mt940Field[];
}

/** Cuts MT940/MT942 text into messages and fields. Never throws: text that is no field is skipped or continues a field. */
export function readMt940Messages(text: string): Mt940Message[] {
  const messages: Mt940Message[] = [];
  let current: OpenMessage | null = null;
  let field: Mt940Field | null = null;
  let servicerBic: string | null = null;
  let announcedType: '940' | '942' | null = null;
  let bicLine: string | null = null;

  const close = (): void => {
    if (current && current.fields.length > 0) {
      messages.push({ messageType: current.messageType ?? inferMessageType(current.fields), servicerBic: current.servicerBic, fields: current.fields });
    }
    current = null;
    field = null;
  };

  const lines = text.replace(CONTROL_CHARACTERS, '').split(/\r\n|\n|\r/);
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!;
    // Sparkasse exports have been seen breaking a tag after its first colon (":" then "86:…").
    if (line === ':' && isTagLine(`:${lines[index + 1] ?? ''}`)) continue;
    if (index > 0 && lines[index - 1] === ':' && isTagLine(`:${line}`)) line = `:${line}`;
    if (/^\s*\{[1-4]:/.test(line)) {
      close();
      const block1 = /\{1:F\d{2}([A-Z]{6}[A-Z0-9]{2})[A-Z0-9]([A-Z0-9]{3})/.exec(line);
      if (block1) servicerBic = bicFromAddress(block1[1]!, block1[2]!);
      const block2 = /\{2:[IO](94[02])/.exec(line);
      if (block2) announcedType = block2[1] as '940' | '942';
      const textBlock = line.indexOf('{4:');
      if (textBlock === -1) continue;
      line = line.slice(textBlock + 3);
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (END_OF_MESSAGE.test(trimmed)) {
      close();
      continue;
    }
    const tag = TAG_LINE.exec(line)?.[1];
    if (tag !== undefined && KNOWN_TAGS.has(tag)) {
      if (current === null || (tag === '20' && current.fields.length > 0)) {
        close();
        current = { messageType: announcedType, servicerBic, fields: [] };
        announcedType = null;
      }
      field = { tag, lines: [line.slice(tag.length + 2)], line: index + 1 };
      current.fields.push(field);
    } else if (field) {
      field.lines.push(line);
    } else {
      // Text before a message. ING writes a header record holding its BIC ("0000 01INGBNL2AXXXX00001");
      // ABN AMRO writes its BIC on a line of its own, then "940". Only that pair counts, since any
      // eight capitals before a statement would otherwise pass for a BIC.
      const ingHeader = /^\d{4} \d{2}([A-Z]{6}[A-Z0-9]{2})[A-Z0-9]([A-Z0-9]{3})\d+$/.exec(trimmed);
      if (ingHeader) servicerBic = bicFromAddress(ingHeader[1]!, ingHeader[2]!);
      if (/^94[02]\b/.test(trimmed) && bicLine) servicerBic = bicLine;
      bicLine = /^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(trimmed) ? trimmed : null;
    }
  }
  close();
  return messages;
}

function isTagLine(line: string): boolean {
  const tag = TAG_LINE.exec(line)?.[1];
  return tag !== undefined && KNOWN_TAGS.has(tag);
}

function bicFromAddress(bic8: string, branch: string): string {
  return branch === 'XXX' ? bic8 : bic8 + branch;
}

function inferMessageType(fields: Mt940Field[]): '940' | '942' {
  const tags = new Set(fields.map((f) => f.tag));
  const intraday = tags.has('34F') || tags.has('13D') || tags.has('90D') || tags.has('90C');
  const statement = [...tags].some((t) => t.startsWith('60') || t.startsWith('62'));
  return intraday && !statement ? '942' : '940';
}

/** A field value that cannot be read; the adapter adds the line and turns it into a BankFileError or a rejection. */
export class Mt940FieldError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Mt940FieldError';
  }
}

export type DebitCreditMark = 'C' | 'D' | 'RC' | 'RD';

/** A secondary part of a ":61:" line that could not be read and was dropped. */
export interface StatementLineFlaw {
  field: 'value date' | 'entry date';
  reason: string;
}

export interface StatementLine {
  /** Null only when the written value date is impossible and the entry date stands in (see `flaws`). */
  valueDate: IsoDate | null;
  /** Booking date when the bank gives one (MMDD, its year taken from the value date across New Year). */
  entryDate: IsoDate | null;
  mark: DebitCreditMark;
  fundsCode: string | null;
  /** Unsigned, as written; the mark gives the direction. */
  amountCents: number;
  /** Transaction type identification, e.g. "NTRF", "N654", "S051". */
  typeCode: string | null;
  customerReference: string;
  bankReference: string | null;
  supplementaryDetails: string | null;
  /** Dropped secondary parts; absent when there are none. */
  flaws?: StatementLineFlaw[];
}

const STATEMENT_LINE_HEAD = /^(\d{2})(\d{2})(\d{2})(\d{4}| {4})?(RC|RD|C|D)([A-Z])?\n?(\d[\d,.]*)([A-Z][A-Z0-9 ]{3})?/;
/** Dutch banks fill the customer reference with the counterparty's account: an IBAN or an old giro/bank number. */
const ACCOUNT_LIKE = /^(?:[A-Z]{2}\d{2}[A-Z0-9]{10,30}|P?\d{7,10})$/;

/** Reads one ":61:" value (its lines as given). Throws Mt940FieldError with the reason when it cannot. */
export function parseStatementLine(lines: readonly string[]): StatementLine {
  const text = lines.map((l) => l.replace(/\r/g, '')).join('\n');
  const head = STATEMENT_LINE_HEAD.exec(text);
  if (!head) {
    throw new Mt940FieldError(`the :61: statement line "${firstLineOf(text)}" does not start with a value date (YYMMDD), a debit/credit mark and an amount`);
  }
  const [, yy, mm, dd, entry, mark, fundsCode, amount, typeCode] = head;
  const flaws: StatementLineFlaw[] = [];
  const writtenValueDate = isoDateFromParts(fullYear(Number(yy)), Number(mm), Number(dd));
  const valueDateReason = `the value date ${yy}${mm}${dd} of the :61: statement line is not a calendar date`;
  const hasEntryDate = entry !== undefined && entry.trim() !== '';
  if (!writtenValueDate && !hasEntryDate) throw new Mt940FieldError(valueDateReason);
  let valueDate: IsoDate | null = writtenValueDate;
  let entryDate: IsoDate | null = null;
  if (hasEntryDate) {
    const entryMonth = Number(entry.slice(0, 2));
    const entryDay = Number(entry.slice(2));
    // An impossible value date still gives the year and, mostly, the month to place the entry date near.
    entryDate = entryDateNear(writtenValueDate ?? nearestRealDate(fullYear(Number(yy)), Number(mm), Number(dd)), entryMonth, entryDay);
    const entryReason = `the entry date ${entry} (MMDD) of the :61: statement line is not a calendar date near the value date`;
    if (!writtenValueDate) {
      if (!entryDate) throw new Mt940FieldError(`${valueDateReason}, and ${entryReason.replace(/^the /, 'its ')}`);
      flaws.push({ field: 'value date', reason: `${valueDateReason}; the entry date books the entry` });
    } else if (!entryDate) {
      flaws.push({ field: 'entry date', reason: `${entryReason}; the value date books the entry` });
    }
    if (!writtenValueDate) valueDate = null;
  }
  const amountCents = readMt940Amount(amount!, ':61: statement line');

  const rest = text.slice(head[0].length);
  const lineBreak = rest.indexOf('\n');
  const restOfFirstLine = lineBreak === -1 ? rest : rest.slice(0, lineBreak);
  const following = lineBreak === -1 ? [] : rest.slice(lineBreak + 1).split('\n');
  let customerReference: string;
  let bankReference: string | null = null;
  let sameLineDetails = '';
  const slashes = restOfFirstLine.indexOf('//');
  if (slashes !== -1) {
    customerReference = restOfFirstLine.slice(0, slashes);
    bankReference = restOfFirstLine.slice(slashes + 2).trim();
  } else if (restOfFirstLine.trimEnd().length > 16 && /\s/.test(restOfFirstLine.trim())) {
    // Fixed columns (Rabobank): 16 characters of reference, then the supplementary details on the same line.
    customerReference = restOfFirstLine.slice(0, 16);
    sameLineDetails = restOfFirstLine.slice(16);
  } else {
    // A longer reference without spaces is one value (ASN puts an 18-character IBAN there).
    customerReference = restOfFirstLine;
  }
  const supplementary = [sameLineDetails, ...following].map((l) => l.trim()).filter((l) => l !== '').join(' ');
  return {
    valueDate,
    entryDate,
    mark: mark as DebitCreditMark,
    fundsCode: fundsCode ?? null,
    amountCents,
    typeCode: typeCode?.trim() || null,
    customerReference: customerReference.trim(),
    bankReference: bankReference === '' ? null : bankReference,
    supplementaryDetails: supplementary === '' ? null : supplementary,
    ...(flaws.length > 0 ? { flaws } : {}),
  };
}

/** The real date closest to an impossible one in the same year: day clamped to its month, a month outside 1–12 to mid-year. */
function nearestRealDate(year: number, month: number, day: number): IsoDate {
  if (month < 1 || month > 12) return isoDateFromParts(year, 7, 1)!;
  for (let d = Math.min(Math.max(day, 1), 31); d >= 1; d--) {
    const date = isoDateFromParts(year, month, d);
    if (date) return date;
  }
  return isoDateFromParts(year, month, 1)!;
}

function firstLineOf(text: string): string {
  const first = text.split('\n')[0] ?? '';
  return first.length > 60 ? `${first.slice(0, 60)}…` : first;
}

/** Two-digit years: SWIFT statements from 1980 on are in use; 80–99 are the 1900s, the rest this century. */
function fullYear(yy: number): number {
  return yy >= 80 ? 1900 + yy : 2000 + yy;
}

/**
 * The entry date lies within days of the value date, so across New Year its year is the neighbouring one.
 * A date that only exists far from the value date (29 February of another year) is not taken.
 */
function entryDateNear(valueDate: IsoDate, month: number, day: number): IsoDate | null {
  const year = Number(valueDate.slice(0, 4));
  const distance = (date: IsoDate): number => Math.abs(diffDays(date, valueDate));
  const nearest = [year, year + 1, year - 1]
    .map((y) => isoDateFromParts(y, month, day))
    .filter((d): d is IsoDate => d !== null)
    .sort((a, b) => distance(a) - distance(b))[0];
  return nearest !== undefined && distance(nearest) <= MAX_ENTRY_DATE_DISTANCE_DAYS ? nearest : null;
}

const MAX_ENTRY_DATE_DISTANCE_DAYS = 183;

/**
 * SWIFT amounts: digits with one decimal comma ("1234,5", "380115,"); some banks omit the comma for whole
 * amounts, and old Rabobank exports write a decimal point ("000000002145.00"). MT940 has no thousands
 * separator, so one mark of either kind is the decimal separator; more than one, or both, are refused.
 */
function readMt940Amount(raw: string, what: string): number {
  const commas = (raw.match(/,/g) ?? []).length;
  const points = (raw.match(/\./g) ?? []).length;
  if (commas + points > 1) throw new Mt940FieldError(`the amount "${raw}" of the ${what} has more than one decimal separator`);
  try {
    return parseAmountToCents(raw, { decimalSeparator: points === 1 ? '.' : ',' });
  } catch (error) {
    if (error instanceof AmountFormatError) throw new Mt940FieldError(`the amount "${raw}" of the ${what} cannot be read: ${error.message.replace(/^invalid amount "[^"]*": /, '')}`);
    throw error;
  }
}

export interface BalanceField {
  type: BalanceType;
  amountCents: number;
  currency: string;
  date: IsoDate;
}

/** Reads ":60F:", ":62F:", ":64:" and the like: mark, date (YYMMDD), ISO currency, amount. */
export function parseBalanceField(tag: string, lines: readonly string[]): BalanceField {
  const value = (lines[0] ?? '').trim();
  const m = /^([DC])(\d{2})(\d{2})(\d{2})(.{3})(\d[\d,.]*)$/.exec(value);
  if (!m) throw new Mt940FieldError(`the :${tag}: balance "${value}" is not a debit/credit mark, a date (YYMMDD), a currency and an amount`);
  const [, mark, yy, mm, dd, currency, amount] = m;
  if (!/^[A-Z]{3}$/.test(currency!)) throw new Mt940FieldError(`the :${tag}: balance "${value}" has no ISO currency code after its date (found "${currency}")`);
  const date = isoDateFromParts(fullYear(Number(yy)), Number(mm), Number(dd));
  if (!date) throw new Mt940FieldError(`the date ${yy}${mm}${dd} of the :${tag}: balance is not a calendar date`);
  const cents = readMt940Amount(amount!, `:${tag}: balance`);
  return { type: BALANCE_TYPES[tag]!, amountCents: mark === 'D' && cents !== 0 ? -cents : cents, currency: currency!, date };
}

/** ":25:" holds an IBAN, a bank code and account number ("50880050/0194787400888"), or an account number, each possibly followed by the currency. */
function parseAccountField(lines: readonly string[], servicerBic: string | null): ParsedAccount {
  const raw = (lines[0] ?? '').trim();
  // Old Rabobank exports separate the currency with a space ("0800003200000001610722 EUR").
  const suffix = /^(.*\d)(?:\/| )?([A-Z]{3})$/.exec(raw);
  const withoutCurrency = suffix ? suffix[1]! : raw;
  const iban = normaliseIban(withoutCurrency) ?? normaliseIban(raw);
  return { iban, otherId: iban ? null : raw === '' ? null : raw, currency: suffix ? suffix[2]! : null, ownerName: null, servicerBic };
}

/** SWIFT text lines (":86:" is 6*65x) are at most 65 characters; banks cut them there, often mid-word. */
export const SWIFT_LINE_WIDTH = 65;

interface PendingEntry {
  field: Mt940Field;
  details: string[];
}

type ReportedField =
  | { kind: 'balance'; field: Mt940Field; balance: BalanceField | Mt940FieldError }
  | { kind: 'entry'; field: Mt940Field; entry: PendingEntry }
  | { kind: 'damage'; field: Mt940Field; error: Mt940FieldError };

const UNNAMED_ACCOUNT_KEY = '(unnamed)';

function parseMt940(input: Buffer, options: ParseOptions = {}): ParsedStatement {
  const text = readBankText(input, 'mt940', options);
  const warnings: ParseWarning[] = controlCharacterWarnings(text);
  const messages = readMt940Messages(text);
  if (messages.length === 0) {
    throw new BankFileError('mt940', 'line 1', 'no MT940 or MT942 field was found (a statement starts with ":20:" and names its account in ":25:")');
  }
  const fileFormat: BankFormat = messages.every((m) => m.messageType === '942') ? 'mt942' : 'mt940';
  const accounts: ParsedAccount[] = [];
  const accountKeys = new Map<string, number>();
  const transactions: ParsedTransaction[] = [];
  const balances: ParsedBalance[] = [];
  const rejected: RejectedEntry[] = [];

  for (const message of messages) {
    const format: BankFormat = message.messageType === '942' ? 'mt942' : 'mt940';
    const refuse = (field: Mt940Field, reason: string): void => {
      if (!options.lenient) throw new BankFileError(format, `line ${field.line}`, reason);
      rejected.push({ location: `line ${field.line}`, reason });
    };

    // First pass: the statement's account and currency, and the fields to report in file order, so that
    // strict mode names the first bad field of the file whatever its kind.
    let account: ParsedAccount = { iban: null, otherId: null, currency: null, ownerName: null, servicerBic: message.servicerBic };
    const reported: ReportedField[] = [];
    let floorLimitCurrency: string | null = null;
    let currentEntry: PendingEntry | null = null;
    let accountNamed = false;
    for (const field of message.fields) {
      if (field.tag === '25') {
        // A statement has one account; a second ":25:" is a damaged field (often a mistyped ":86:"),
        // and taking it would book the entries to whatever text it holds.
        if (accountNamed) reported.push({ kind: 'damage', field, error: new Mt940FieldError('a second :25: account identification inside one statement') });
        else account = parseAccountField(field.lines, message.servicerBic);
        accountNamed = true;
      } else if (BALANCE_TYPES[field.tag] !== undefined) {
        reported.push({ kind: 'balance', field, balance: attempt(() => parseBalanceField(field.tag, field.lines)) });
      } else if (field.tag === '61') {
        currentEntry = { field, details: [] };
        reported.push({ kind: 'entry', field, entry: currentEntry });
      } else if (field.tag === '86') {
        currentEntry?.details.push(...field.lines);
      } else if (field.tag === '34F') {
        floorLimitCurrency ??= /^([A-Z]{3})/.exec((field.lines[0] ?? '').trim())?.[1] ?? null;
      }
      if (CLOSING_TAGS.has(field.tag)) currentEntry = null;
    }

    const key = account.iban ?? account.otherId ?? UNNAMED_ACCOUNT_KEY;
    let accountIndex = accountKeys.get(key);
    if (accountIndex === undefined) {
      accounts.push(account);
      accountIndex = accounts.length - 1;
      accountKeys.set(key, accountIndex);
    }
    const stated = reported.flatMap((r) => (r.kind === 'balance' && !(r.balance instanceof Mt940FieldError) ? [{ tag: r.field.tag, currency: r.balance.currency }] : []));
    const currency = stated.find((b) => b.tag.startsWith('60'))?.currency ?? stated[0]?.currency ?? floorLimitCurrency ?? account.currency;

    for (const item of reported) {
      const location = `line ${item.field.line}`;
      if (item.kind === 'damage') {
        refuse(item.field, item.error.reason);
      } else if (item.kind === 'balance') {
        const { balance } = item;
        if (balance instanceof Mt940FieldError) warnings.push({ location, field: `:${item.field.tag}:`, reason: balance.reason, action: 'dropped' });
        else balances.push({ accountIndex, type: balance.type, rawType: item.field.tag, amountCents: balance.amountCents, currency: balance.currency, date: balance.date, location });
      } else {
        const built = attempt(() => buildTransaction(item.entry, accountIndex, currency, message.messageType, location));
        if (built instanceof Mt940FieldError) refuse(item.field, built.reason);
        else {
          transactions.push(built.transaction);
          for (const flaw of built.flaws) warnings.push({ location, field: `:61: ${flaw.field}`, reason: flaw.reason, action: 'dropped' });
        }
      }
    }
  }
  return cleanStatementText({ format: fileFormat, accounts, transactions, balances, rejected, warnings });
}

/** SWIFT framing, removed without a word: SOH and ETX enclose every message of a transmission. */
const SWIFT_FRAMING = new Set([0x01, 0x03]);

/** One warning per line that holds control characters other than SWIFT framing; readMt940Messages removes them. */
function controlCharacterWarnings(text: string): ParseWarning[] {
  const warnings: ParseWarning[] = [];
  text.split(/\r\n|\n|\r/).forEach((line, index) => {
    const found = (line.match(CONTROL_CHARACTERS) ?? []).filter((c) => !SWIFT_FRAMING.has(c.charCodeAt(0)));
    if (found.length === 0) return;
    const codes = [...new Set(found.map((c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`))].join(', ');
    warnings.push({
      location: `line ${index + 1}`,
      field: 'text',
      reason: `${found.length} control character${found.length === 1 ? '' : 's'} (${codes}) removed`,
      action: 'cleaned',
    });
  });
  return warnings;
}

/** Runs a field reader, turning its refusal into a value so fields can be reported in file order. */
function attempt<T>(read: () => T): T | Mt940FieldError {
  try {
    return read();
  } catch (error) {
    if (error instanceof Mt940FieldError) return error;
    throw error;
  }
}

function buildTransaction(
  entry: PendingEntry,
  accountIndex: number,
  currency: string | null,
  messageType: '940' | '942',
  location: string,
): { transaction: ParsedTransaction; flaws: StatementLineFlaw[] } {
  const line = parseStatementLine(entry.field.lines);
  const bookingDate = line.entryDate ?? line.valueDate;
  // parseStatementLine keeps a line only when one of its dates is readable; this guards that promise.
  if (bookingDate === null) throw new Mt940FieldError('the :61: statement line has neither a readable value date nor entry date');
  if (!currency) {
    throw new Mt940FieldError('the currency of this entry is not stated: the statement has no balance, no :34F: floor limit and no currency after the account in :25:');
  }
  const reference = line.customerReference;
  const referenceIsAccount = ACCOUNT_LIKE.test(reference);
  let detailLines = entry.details;
  let nameFromDetails: string | null = null;
  // ASN and SNS open ":86:" with "<counterparty account> <name>", repeating the account of the customer reference.
  if (referenceIsAccount && descriptionLayout(detailLines, SWIFT_LINE_WIDTH) === 'plain') {
    const first = detailLines[0]?.trim() ?? '';
    if (first === reference || first.startsWith(`${reference} `)) {
      nameFromDetails = first.slice(reference.length).trim() || null;
      detailLines = detailLines.slice(1);
    }
  }
  const details = parsePaymentDescription(detailLines, SWIFT_LINE_WIDTH);
  const supplementary = line.supplementaryDetails;
  const supplementaryIsAccount = supplementary !== null && ACCOUNT_LIKE.test(supplementary);
  const debit = line.mark === 'D' || line.mark === 'RC';
  const amountCents = debit && line.amountCents !== 0 ? -line.amountCents : line.amountCents;
  const transaction: ParsedTransaction = {
    accountIndex,
    sourceId: line.bankReference && line.bankReference.toUpperCase() !== 'NONREF' ? line.bankReference : null,
    // An intraday report is provisional: its entries come back in the end-of-day MT940, which is the booked record.
    status: messageType === '942' ? 'pending' : 'booked',
    bookingDate,
    valueDate: line.valueDate,
    amountCents,
    currency,
    counterpartyName:
      details.counterpartyName ?? nameFromDetails ?? (referenceIsAccount && supplementary && !supplementaryIsAccount ? supplementary : null),
    counterpartyIban: details.counterpartyIban ?? normaliseIban(reference) ?? (supplementaryIsAccount ? normaliseIban(supplementary) : null),
    counterpartyBic: details.counterpartyBic,
    remittanceUnstructured: details.remittanceUnstructured,
    remittanceStructured: details.remittanceStructured,
    endToEndId: details.endToEndId,
    mandateId: details.mandateId,
    creditorId: details.creditorId,
    bankTransactionCode: null,
    proprietaryCode: line.typeCode,
    returnReasonCode: details.returnReasonCode,
    reversal: line.mark === 'RC' || line.mark === 'RD',
    location,
  };
  return { transaction, flaws: line.flaws ?? [] };
}

function detectMt940(input: Buffer, hints: DetectHints = {}): number {
  const head = peekText(input, 8192);
  const hasReference = /(?:^|[\r\n]|\{4:)\s*:20:/.test(head);
  const hasStatementBody = /(?:^|[\r\n]):(?:25|28C?|60F|61):/.test(head);
  if (!hasReference || !hasStatementBody) return 0;
  if (/\{2:[IO]94[02]/.test(head)) return 1;
  return /\.(sta|940|942|mt940|swi)$/i.test(hints.fileName ?? '') ? 0.95 : 0.9;
}

export const mt940Adapter = {
  format: 'mt940',
  produces: ['mt940', 'mt942'],
  detect: detectMt940,
  parse: parseMt940,
} satisfies BankFormatAdapter;
