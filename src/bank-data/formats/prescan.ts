/**
 * A cheap pass over the raw bytes that refuses a file over its caps before any tree is built.
 *
 * The readers build a whole document (fast-xml-parser's tree, JSON.parse, all lines) before they can
 * count anything, and a 47 MB file of six million empty `<Ntry/>` grows that tree past 3 GB. One loop
 * over the bytes, no decoding and no allocation per entry, counts what each family of formats calls an
 * entry and an account and measures the longest text, and stops at the first cap it passes, so a
 * hostile file is refused in milliseconds whatever its size.
 *
 * The counts are upper bounds of what the reader will find (a commented-out `<Ntry>` still counts),
 * never lower ones, so nothing the caps forbid slips through; the registry checks the parsed counts
 * again afterwards. Files in encodings that are not ASCII-compatible (UTF-16) are not counted here;
 * the parse worker's memory limit still bounds them.
 */
import { BankFileError, type BankFormat } from '../canonical.js';

export interface FileCaps {
  /** Most entries (transactions) a file may hold. */
  maxEntries: number;
  /** Most accounts (statements, reports) a file may hold. */
  maxAccounts: number;
  /** Longest single text (XML text node, JSON string, line) in bytes. */
  maxTextBytes: number;
}

export type CapName = 'maxFileEntries' | 'maxFileAccounts' | 'maxFileTextBytes';

/** A file over one of the configured caps; the HTTP layer answers 413 naming the cap. */
export class FileCapError extends BankFileError {
  constructor(
    format: BankFormat | 'unknown',
    readonly cap: CapName,
    readonly limit: number,
    reason: string,
  ) {
    super(format, 'file', reason, 'too_large');
    this.name = 'FileCapError';
  }
}

/** How a family of formats is counted. */
export type PrescanFamily = 'xml' | 'json' | 'swift' | 'lines';

export function prescanFamily(format: BankFormat): PrescanFamily {
  if (format.startsWith('camt.')) return 'xml';
  if (format === 'berlin-group' || format === 'uk-open-banking') return 'json';
  if (format === 'mt940' || format === 'mt942') return 'swift';
  return 'lines';
}

export interface PrescanCounts {
  entries: number;
  accounts: number;
  longestText: number;
}

const LT = 0x3c; // <
const GT = 0x3e; // >
const SLASH = 0x2f;
const COLON = 0x3a;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const BRACE = 0x7b;
const BRACKET_OPEN = 0x5b;
const BRACKET_CLOSE = 0x5d;
const BRACE_CLOSE = 0x7d;

/** Counts entries, accounts and the longest text; throws FileCapError at the first cap passed. */
export function prescanBankFile(input: Uint8Array, format: BankFormat, caps: FileCaps): PrescanCounts {
  const guard = new CapGuard(format, caps);
  switch (prescanFamily(format)) {
    case 'xml':
      scanXml(input, guard);
      break;
    case 'json':
      scanJson(input, guard);
      break;
    case 'swift':
      scanLines(input, guard, true);
      break;
    case 'lines':
      scanLines(input, guard, false);
      break;
  }
  return { entries: guard.entries, accounts: guard.accounts, longestText: guard.longestText };
}

/** Checks the parsed counts against the same caps, for what the byte scan could not count (UTF-16 files). */
export function checkParsedCounts(format: BankFormat, counts: { entries: number; accounts: number }, caps: FileCaps): void {
  if (counts.entries > caps.maxEntries) throw tooManyEntries(format, caps, 'entries');
  if (counts.accounts > caps.maxAccounts) throw tooManyAccounts(format, caps, 'accounts');
}

function tooManyEntries(format: BankFormat, caps: FileCaps, what: string): FileCapError {
  return new FileCapError(format, 'maxFileEntries', caps.maxEntries, `the file holds more than ${caps.maxEntries} ${what}; at most ${caps.maxEntries} entries are accepted per file`);
}

function tooManyAccounts(format: BankFormat, caps: FileCaps, what: string): FileCapError {
  return new FileCapError(format, 'maxFileAccounts', caps.maxAccounts, `the file holds more than ${caps.maxAccounts} ${what}; at most ${caps.maxAccounts} accounts are accepted per file`);
}

class CapGuard {
  entries = 0;
  accounts = 0;
  longestText = 0;
  constructor(
    private readonly format: BankFormat,
    private readonly caps: FileCaps,
  ) {}

  entry(what: string): void {
    if (++this.entries > this.caps.maxEntries) throw tooManyEntries(this.format, this.caps, what);
  }

  account(what: string): void {
    if (++this.accounts > this.caps.maxAccounts) throw tooManyAccounts(this.format, this.caps, what);
  }

  text(length: number, what: string): void {
    if (length > this.longestText) {
      this.longestText = length;
      if (length > this.caps.maxTextBytes) {
        throw new FileCapError(this.format, 'maxFileTextBytes', this.caps.maxTextBytes, `the file holds ${what} of ${length} bytes; at most ${this.caps.maxTextBytes} bytes are accepted`);
      }
    }
  }
}

/**
 * XML: `<Ntry` elements are entries; `<Stmt`, `<Rpt` and `<Ntfctn` (the camt.053/052/054 records) are
 * accounts, with or without a namespace prefix. `<NtryDtls>` and `<NtryRef>` share the prefix, so the
 * whole local name is compared. Text between tags is measured.
 */
function scanXml(input: Uint8Array, guard: CapGuard): void {
  const n = input.length;
  let textStart = 0;
  let i = 0;
  while (i < n) {
    const b = input[i]!;
    if (b === GT) {
      textStart = i + 1;
      i++;
      continue;
    }
    if (b !== LT) {
      i++;
      continue;
    }
    guard.text(i - textStart, 'a text');
    // Closing tags, declarations, comments and processing instructions are not elements.
    const first = input[i + 1];
    if (first === SLASH || first === 0x21 || first === 0x3f) {
      i += 2;
      continue;
    }
    // Read the qualified name; keep where the local part starts.
    let j = i + 1;
    let local = j;
    while (j < n) {
      const c = input[j]!;
      if (c === COLON) local = j + 1;
      else if (c === GT || c === SLASH || c === 0x20 || c === 0x09 || c === LF || c === CR) break;
      j++;
    }
    const length = j - local;
    if (length === 4 && input[local] === 0x4e && input[local + 1] === 0x74 && input[local + 2] === 0x72 && input[local + 3] === 0x79) {
      guard.entry('entries (<Ntry> elements)'); // Ntry
    } else if (
      (length === 4 && input[local] === 0x53 && input[local + 1] === 0x74 && input[local + 2] === 0x6d && input[local + 3] === 0x74) || // Stmt
      (length === 3 && input[local] === 0x52 && input[local + 1] === 0x70 && input[local + 2] === 0x74) || // Rpt
      (length === 6 && input[local] === 0x4e && input[local + 1] === 0x74 && input[local + 2] === 0x66 && input[local + 3] === 0x63 && input[local + 4] === 0x74 && input[local + 5] === 0x6e) // Ntfctn
    ) {
      guard.account('accounts (<Stmt>, <Rpt> or <Ntfctn> elements)');
    }
    i = j;
  }
  guard.text(n - textStart, 'a text');
}

/** Containers deeper than this are not told apart; the JSON reader refuses such nesting anyway. */
const TRACKED_JSON_DEPTH = 256;

/**
 * JSON: every object held directly in an array counts as an entry (transactions, and the few balances
 * and accounts, which makes the count an upper bound), plus one for the document itself, as a Berlin
 * Group transaction-details response holds its one entry outside any array. Strings are measured, and
 * skipped byte by byte with their escapes, so brackets inside them do not count.
 */
function scanJson(input: Uint8Array, guard: CapGuard): void {
  const n = input.length;
  guard.entry('entries (objects in arrays)');
  // 1 = array, 0 = object, per depth.
  const isArray = new Uint8Array(TRACKED_JSON_DEPTH);
  let depth = 0;
  let i = 0;
  while (i < n) {
    const b = input[i]!;
    if (b === QUOTE) {
      const start = i + 1;
      i = start;
      while (i < n) {
        const c = input[i]!;
        if (c === BACKSLASH) i += 2;
        else if (c === QUOTE) break;
        else i++;
      }
      guard.text(Math.min(i, n) - start, 'a string');
      i++;
      continue;
    }
    if (b === BRACE || b === BRACKET_OPEN) {
      if (b === BRACE && depth > 0 && depth <= TRACKED_JSON_DEPTH && isArray[depth - 1] === 1) guard.entry('entries (objects in arrays)');
      if (depth < TRACKED_JSON_DEPTH) isArray[depth] = b === BRACKET_OPEN ? 1 : 0;
      depth++;
    } else if ((b === BRACE_CLOSE || b === BRACKET_CLOSE) && depth > 0) {
      depth--;
    }
    i++;
  }
}

/**
 * Line formats: every non-blank line of CSV or JSON lines counts as an entry (header, statement and
 * account lines included, an upper bound). MT940/MT942 count `:61:` lines as entries and `:25:` lines
 * as accounts. Lines end at LF or CR, so a file with old Mac line ends is not one endless line.
 */
function scanLines(input: Uint8Array, guard: CapGuard, swift: boolean): void {
  const n = input.length;
  let lineStart = 0;
  for (let i = 0; i <= n; i++) {
    const b = i < n ? input[i]! : LF;
    if (b !== LF && b !== CR) continue;
    const length = i - lineStart;
    if (length > 0) {
      guard.text(length, 'a line');
      if (!swift) {
        guard.entry('lines (entries)');
      } else if (length >= 4 && input[lineStart] === COLON && input[lineStart + 3] === COLON) {
        const a = input[lineStart + 1];
        const c = input[lineStart + 2];
        if (a === 0x36 && c === 0x31) guard.entry('entries (:61: lines)');
        else if (a === 0x32 && c === 0x35) guard.account('accounts (:25: lines)');
      }
    }
    lineStart = i + 1;
  }
}
