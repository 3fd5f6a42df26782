/**
 * Reading the CSV exports of Dutch banks: bytes to text, text to RFC 4180 records that know the line
 * they start on, and the field conventions those exports share (decimal comma, "Af"/"Bij" and "D"/"C"
 * sign columns, three date layouts). Each bank's adapter only describes its columns; everything that
 * decides whether a file is readable, and how a failure is reported, lives here so the banks agree.
 */
import iconv from 'iconv-lite';
import {
  BankFileError,
  normaliseIban,
  type BankFormat,
  type BankFormatAdapter,
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
import { isoDateFromParts, type IsoDate } from '../../platform/dates.js';

/** Same bound as the registry's default: adapters can be called directly, so they enforce one too. */
const DEFAULT_MAX_TEXT_FILE_BYTES = 50 * 1024 * 1024;

/**
 * The first step of every text bank format: refuse oversized input, then decode. Bank exports are UTF-8
 * (sometimes with a BOM) or, from older systems, windows-1252; bytes that are not valid UTF-8 can only
 * be the latter, and windows-1252 decodes every byte, so this never fails on content.
 */
export function readBankText(input: Buffer, format: BankFormat, options: ParseOptions = {}): string {
  if (!Buffer.isBuffer(input)) throw new BankFileError(format, 'file', 'the input is not a byte buffer');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TEXT_FILE_BYTES;
  if (input.byteLength > maxBytes) {
    throw new BankFileError(format, 'file', `the file is ${input.byteLength} bytes; at most ${maxBytes} are accepted`, 'too_large');
  }
  if (input.byteLength === 0) throw new BankFileError(format, 'file', 'the file is empty');
  return decodeBankText(input);
}

export function decodeBankText(input: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch {
    return iconv.decode(input, 'windows-1252');
  }
}

/** A cheap, never-failing look at the start of a file for detect(): no encoding decision is needed to match ASCII headers. */
export function peekText(input: Buffer, bytes = 4096): string {
  if (!Buffer.isBuffer(input)) return '';
  return input.subarray(0, bytes).toString('latin1').replace(/^\u00ef\u00bb\u00bf/, '');
}

export type CsvSeparator = ';' | ',' | '\t';

export interface CsvRecord {
  /** Line on which the record starts (a quoted field may carry it over further lines), counted from 1. */
  line: number;
  fields: string[];
  /** Why the record breaks the quoting rules, or null; its fields are then only a best-effort reading. */
  defect: string | null;
}

export interface CsvDialect {
  separator: CsvSeparator;
  /** ASN quotes its description with apostrophes, ABN AMRO's TAB export quotes nothing (null); the rest use double quotes. */
  quote?: '"' | "'" | null;
  /**
   * 'doubled' is RFC 4180 (a quote inside a quoted field is written twice). 'literal' is for exports that
   * never escape: a quote only closes the field when the separator or the line end follows it, so an
   * apostrophe in "'s-Hertogenbosch" inside an ASN description stays text.
   */
  embeddedQuotes?: 'doubled' | 'literal';
}

/** Splits CSV text into records. Never throws: quoting errors are reported per record so lenient parsing can skip them. */
export function readCsvRecords(text: string, dialect: CsvDialect): CsvRecord[] {
  const sep = dialect.separator;
  const quote = dialect.quote === undefined ? '"' : dialect.quote;
  const literalQuotes = dialect.embeddedQuotes === 'literal';
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  const isLineBreak = (at: number): boolean => text[at] === '\n' || text[at] === '\r';
  /** Consumes one line break at `at` (CRLF, LF or a lone CR) and returns the index after it. */
  const skipLineBreak = (at: number): number => {
    line++;
    return text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
  };

  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let defect: string | null = null;
    let quoted = false;
    for (;;) {
      const column = fields.length + 1;
      let field = '';
      if (text[i] === quote) {
        quoted = true;
        const openedOn = line;
        i++;
        let closed = false;
        while (i < n) {
          const c = text[i]!;
          if (c === quote) {
            if (!literalQuotes && text[i + 1] === quote) {
              field += quote;
              i += 2;
              continue;
            }
            const next = text[i + 1];
            if (literalQuotes && next !== undefined && next !== sep && next !== '\n' && next !== '\r') {
              field += quote;
              i++;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (isLineBreak(i)) {
            const after = skipLineBreak(i);
            field += text.slice(i, after);
            i = after;
            continue;
          }
          field += c;
          i++;
        }
        if (!closed) {
          defect ??= `column ${column}: the quoted field opened on line ${openedOn} is never closed`;
        } else if (i < n && text[i] !== sep && !isLineBreak(i)) {
          defect ??= `column ${column}: text follows the closing quote`;
          while (i < n && text[i] !== sep && !isLineBreak(i)) field += text[i++];
        }
      } else {
        while (i < n && text[i] !== sep && !isLineBreak(i)) {
          if (text[i] === quote && defect === null) {
            defect =
              field.trim() === ''
                ? `column ${column}: ${field.length === 1 ? 'a space stands' : `${field.length} characters stand`} before the opening quote, so the field is not quoted`
                : `column ${column}: a quote appears inside an unquoted field`;
          }
          field += text[i++];
        }
      }
      fields.push(field);
      if (i < n && text[i] === sep) {
        i++;
        continue;
      }
      if (i < n) i = skipLineBreak(i);
      break;
    }
    const blank = fields.length === 1 && fields[0]!.trim() === '' && !quoted && defect === null;
    if (!blank) records.push({ line: recordLine, fields, defect });
  }
  return records;
}

/** The separator a header or first record uses: the candidate occurring most often outside quotes. */
export function detectCsvSeparator(firstLine: string): CsvSeparator | null {
  const counts: Record<CsvSeparator, number> = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const c of firstLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ';' || c === ',' || c === '\t')) counts[c]++;
  }
  const best = (Object.keys(counts) as CsvSeparator[]).sort((a, b) => counts[b] - counts[a])[0]!;
  return counts[best] > 0 ? best : null;
}

/** The first line that is not blank, for separator detection and header checks. */
export function firstNonBlankLine(text: string): string {
  for (const line of text.split(/\r\n|\n|\r/)) if (line.trim() !== '') return line;
  return '';
}

/** A field that cannot be read; the reason names the column so that, with the line, the user can find it. */
export class CsvFieldError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CsvFieldError';
  }
}

export type CsvDateLayout = 'YYYYMMDD' | 'DD-MM-YYYY' | 'YYYY-MM-DD';

const DATE_PATTERNS: Record<CsvDateLayout, { pattern: RegExp; order: [year: number, month: number, day: number] }> = {
  YYYYMMDD: { pattern: /^(\d{4})(\d{2})(\d{2})$/, order: [1, 2, 3] },
  'DD-MM-YYYY': { pattern: /^(\d{2})-(\d{2})-(\d{4})$/, order: [3, 2, 1] },
  'YYYY-MM-DD': { pattern: /^(\d{4})-(\d{2})-(\d{2})$/, order: [1, 2, 3] },
};

/** Reads a date in the bank's layout; "30-02-2024" is refused rather than rolled into March. */
export function readCsvDate(value: string, layout: CsvDateLayout, column: string): IsoDate {
  const raw = value.trim();
  const { pattern, order } = DATE_PATTERNS[layout];
  const m = pattern.exec(raw);
  if (!m) throw new CsvFieldError(`${column} "${raw}" is not a date in the form ${layout}`);
  const date = isoDateFromParts(Number(m[order[0]]), Number(m[order[1]]), Number(m[order[2]]));
  if (!date) throw new CsvFieldError(`${column} "${raw}" is not a calendar date`);
  return date;
}

/** Reads an amount into cents through the project's decimal parser; never a float. */
export function readCsvAmount(value: string, decimalSeparator: '.' | ',' | 'auto', column: string): number {
  try {
    return parseAmountToCents(value, { decimalSeparator });
  } catch (error) {
    if (error instanceof AmountFormatError) throw new CsvFieldError(`${column} "${value.trim()}" is not an amount: ${error.message.replace(/^invalid amount "[^"]*": /, '')}`);
    throw error;
  }
}

const DEBIT_MARKS = new Set(['af', 'd', 'debit', 'debet']);
const CREDIT_MARKS = new Set(['bij', 'c', 'credit']);

/** Applies a sign column ("Af"/"Bij", "D"/"C", "Debit"/"Credit") to an unsigned amount; money in stays positive. */
export function applyDebitCredit(cents: number, mark: string, column: string): number {
  const key = mark.trim().toLowerCase();
  if (cents < 0) throw new CsvFieldError(`the amount carries its own minus sign although ${column} gives the direction`);
  if (DEBIT_MARKS.has(key)) return cents === 0 ? 0 : -cents;
  if (CREDIT_MARKS.has(key)) return cents;
  throw new CsvFieldError(`${column} "${mark.trim()}" is neither debit (Af/D) nor credit (Bij/C)`);
}

/** A text field as the canonical model wants it: trimmed, and null when empty. */
export function textOrNull(value: string | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** One row's fields, read by column name when the file has a header and by position when it has none. */
export interface CsvRow {
  line: number;
  /** The field of a column; '' when a headerless row is shorter (the caller checked the minimum width). */
  get(column: string): string;
  /** True when the file has this column at all (optional columns such as ING's "Saldo na mutatie"). */
  has(column: string): boolean;
  /**
   * Reads a secondary column (a value date beside the booking date, a balance): when its text cannot be
   * read the value is dropped with a warning naming the row and column, and the row is still taken.
   */
  secondary<T>(column: string, read: () => T): T | null;
}

export interface CsvEntry {
  account: ParsedAccount;
  transaction: Omit<ParsedTransaction, 'accountIndex' | 'location'>;
  /** A balance the row states, such as the balance after the mutation. */
  balance?: Omit<ParsedBalance, 'accountIndex' | 'location'>;
}

export interface CsvLayout {
  format: BankFormat;
  dialect(text: string): CsvDialect;
  /**
   * Column names by position for headerless exports; null when the file carries a header, which
   * `isHeader` recognises and `requiredColumns` must all be part of.
   */
  positionalColumns: readonly string[] | null;
  isHeader?(fields: string[]): boolean;
  requiredColumns: readonly string[];
  readRow(row: CsvRow): CsvEntry;
}

/** Header names compare without case, spacing or accents: exports of one bank differ in exactly those ("MutatieSoort"). */
export function normaliseColumnName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

const HEADER_SEARCH_RECORDS = 2;

/**
 * Reads a whole CSV export into the canonical statement. In strict mode the first unreadable record
 * throws BankFileError naming its line; in lenient mode it is listed in `rejected` and reading goes on.
 * A file whose header cannot be found fails in both modes: without it no row can be understood.
 */
export function parseCsvStatement(input: Buffer, options: ParseOptions, layout: CsvLayout): ParsedStatement {
  const format = layout.format;
  const text = readBankText(input, format, options);
  const records = readCsvRecords(text, layout.dialect(text));
  if (records.length === 0) throw new BankFileError(format, 'file', 'the file holds no records');

  let columnIndex: Map<string, number>;
  let columnNames: readonly string[];
  let minimumWidth: number;
  let dataRecords: CsvRecord[];
  if (layout.positionalColumns) {
    columnIndex = new Map(layout.positionalColumns.map((name, index) => [normaliseColumnName(name), index]));
    columnNames = layout.positionalColumns;
    minimumWidth = layout.positionalColumns.length;
    dataRecords = records;
  } else {
    // Exports put at most a title line before the header ("KNAB EXPORT"); rows above a header further
    // down would be dropped unseen, so such a file is refused instead.
    const headerAt = records.slice(0, HEADER_SEARCH_RECORDS).findIndex((r) => r.defect === null && (layout.isHeader?.(r.fields) ?? false));
    if (headerAt === -1) {
      throw new BankFileError(format, `line ${records[0]!.line}`, `no header row of a ${format} export was found (expected the columns ${layout.requiredColumns.join(', ')})`);
    }
    const header = records[headerAt]!;
    columnNames = header.fields.map((name) => name.trim());
    columnIndex = new Map();
    header.fields.forEach((name, index) => {
      const key = normaliseColumnName(name);
      if (key !== '' && !columnIndex.has(key)) columnIndex.set(key, index);
    });
    const missing = layout.requiredColumns.filter((c) => !columnIndex.has(normaliseColumnName(c)));
    if (missing.length > 0) throw new BankFileError(format, `line ${header.line}`, `the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    minimumWidth = Math.max(...layout.requiredColumns.map((c) => columnIndex.get(normaliseColumnName(c))!)) + 1;
    dataRecords = records.slice(headerAt + 1);
  }

  const accounts: ParsedAccount[] = [];
  const accountKeys = new Map<string, number>();
  const transactions: ParsedTransaction[] = [];
  const balances: ParsedBalance[] = [];
  const rejected: RejectedEntry[] = [];
  const warnings: ParseWarning[] = [];

  for (const record of dataRecords) {
    const location = `line ${record.line}`;
    // A row's warnings count only when the row itself is taken.
    const rowWarnings: ParseWarning[] = [];
    try {
      if (record.defect) throw new CsvFieldError(describeDefect(record.defect, columnNames));
      if (record.fields.length < minimumWidth) {
        throw new CsvFieldError(`the record has ${record.fields.length} field${record.fields.length === 1 ? '' : 's'} where ${minimumWidth} are needed`);
      }
      const row: CsvRow = {
        line: record.line,
        get: (column) => {
          const index = columnIndex.get(normaliseColumnName(column));
          return index === undefined ? '' : (record.fields[index] ?? '');
        },
        has: (column) => columnIndex.has(normaliseColumnName(column)),
        secondary: (column, read) => {
          try {
            return read();
          } catch (error) {
            if (!(error instanceof CsvFieldError)) throw error;
            rowWarnings.push({ location, field: column, reason: error.reason, action: 'dropped' });
            return null;
          }
        },
      };
      const entry = layout.readRow(row);
      const accountIndex = registerAccount(entry.account, accounts, accountKeys);
      transactions.push({ ...entry.transaction, accountIndex, location });
      if (entry.balance) balances.push({ ...entry.balance, accountIndex, location });
      warnings.push(...rowWarnings);
    } catch (error) {
      if (!(error instanceof CsvFieldError)) throw error;
      if (!options.lenient) throw new BankFileError(format, location, error.reason);
      rejected.push({ location, reason: error.reason });
    }
  }
  return cleanStatementText({ format, accounts, transactions, balances, rejected, warnings });
}

/** Names the column of a quoting defect by its header, which is what a user sees in a spreadsheet. */
function describeDefect(defect: string, columnNames: readonly string[]): string {
  return defect.replace(/^column (\d+):/, (whole, n: string) => {
    const name = columnNames[Number(n) - 1];
    return name ? `column ${n} (${name}):` : whole;
  });
}

function registerAccount(account: ParsedAccount, accounts: ParsedAccount[], keys: Map<string, number>): number {
  const key = `${account.iban ?? account.otherId ?? ''}|${account.currency ?? ''}`;
  const known = keys.get(key);
  if (known !== undefined) return known;
  accounts.push(account);
  keys.set(key, accounts.length - 1);
  return accounts.length - 1;
}

/** The account a row belongs to, from the bank's account column: an IBAN when it checks out, else the text as given. */
export function accountFromColumn(value: string, currency: string | null, servicerBic: string | null = null): ParsedAccount {
  const raw = value.trim();
  const iban = normaliseIban(raw);
  return { iban, otherId: iban ? null : raw === '' ? null : raw, currency, ownerName: null, servicerBic };
}

export function currencyOrThrow(value: string, column: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new CsvFieldError(`${column} "${value.trim()}" is not an ISO currency code`);
  return code;
}

/**
 * The adapter of a CSV export that a header row identifies (ING, Rabobank, bunq): detection reads the
 * first line with the same header check the parser uses, so the two can never disagree.
 */
export function headerCsvAdapter(layout: CsvLayout & { isHeader(fields: string[]): boolean }) {
  return {
    format: layout.format,
    produces: [layout.format],
    detect(input: Buffer): number {
      const first = firstNonBlankLine(peekText(input));
      const separator = detectCsvSeparator(first);
      if (!separator) return 0;
      return layout.isHeader(first.split(separator).map((f) => f.replace(/^"|"$/g, ''))) ? 0.95 : 0;
    },
    parse: (input: Buffer, options: ParseOptions = {}): ParsedStatement => parseCsvStatement(input, options, layout),
  } satisfies BankFormatAdapter;
}
