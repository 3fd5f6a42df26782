/**
 * Assembling a ParsedStatement the same way in every adapter: strict versus lenient handling of bad
 * entries, one account index per real account, amounts converted without floats, and the rules that
 * several formats share (ISO entry statuses and balance codes, which party is the counterparty).
 */
import {
  BankFileError,
  type BalanceType,
  type BankFormat,
  type ParsedAccount,
  type ParsedBalance,
  type ParsedStatement,
  type ParsedTransaction,
  type ParseWarning,
  type RejectedEntry,
  type TransactionStatus,
  type WarningAction,
} from '../canonical.js';
import { AmountFormatError, parseAmountToCents } from '../../platform/money.js';
import { cleanStatementText } from './text-hygiene.js';

export class StatementBuilder {
  readonly accounts: ParsedAccount[] = [];
  readonly transactions: ParsedTransaction[] = [];
  readonly balances: ParsedBalance[] = [];
  private readonly rejected: RejectedEntry[] = [];
  readonly warnings: ParseWarning[] = [];

  constructor(private readonly lenient: boolean) {}

  /**
   * Index of the account, adding it when new. A file may name the same account twice (two consecutive
   * camt.053 statements in one file); giving both the same index keeps its transactions together.
   */
  addAccount(account: ParsedAccount): number {
    const key = accountKey(account);
    const existing = key === null ? -1 : this.accounts.findIndex((a) => accountKey(a) === key);
    if (existing >= 0) {
      const known = this.accounts[existing]!;
      this.accounts[existing] = {
        ...known,
        ownerName: known.ownerName ?? account.ownerName,
        servicerBic: known.servicerBic ?? account.servicerBic,
      };
      return existing;
    }
    this.accounts.push({ ...account });
    return this.accounts.length - 1;
  }

  /**
   * Reads one entry. Strict: a bad entry fails the file. Lenient: it is listed in `rejected` and reading
   * goes on. Only 'malformed' errors are skippable; unsafe or oversized input fails in both modes.
   */
  readEntry(read: () => void): void {
    try {
      read();
    } catch (error) {
      if (this.lenient && error instanceof BankFileError && error.kind === 'malformed') {
        this.rejected.push({ location: error.location, reason: error.reason });
        return;
      }
      throw error;
    }
  }

  /**
   * An entry that is valid in its format but has no place in the canonical model (a rejected or
   * information-only entry). It is listed, not thrown, in both modes: refusing a
   * correct bank file would lose the rest of it, and dropping the entry silently would hide it.
   */
  skip(location: string, reason: string): void {
    this.rejected.push({ location, reason });
  }

  /** A secondary field that was dropped, repaired or kept in a neutral form; see ParseWarning. */
  warn(location: string, field: string, reason: string, action: WarningAction): void {
    this.warnings.push({ location, field, reason, action });
  }

  /**
   * Reads a secondary field (a balance, a value date beside a booking date, a bank code). When it is
   * malformed the value is dropped with a warning in both modes, so the flaw never costs the file.
   */
  secondary<T>(field: string, read: () => T): T | null {
    try {
      return read();
    } catch (error) {
      if (error instanceof BankFileError && error.kind === 'malformed') {
        this.warn(error.location, field, error.reason, 'dropped');
        return null;
      }
      throw error;
    }
  }

  build(format: BankFormat): ParsedStatement {
    return cleanStatementText({
      format,
      accounts: this.accounts,
      transactions: this.transactions,
      balances: this.balances,
      rejected: this.rejected,
      warnings: this.warnings,
    });
  }
}

function accountKey(account: ParsedAccount): string | null {
  const id = account.iban ?? account.otherId;
  return id === null ? null : `${id}|${account.currency ?? ''}`;
}

export const EMPTY_ACCOUNT: ParsedAccount = Object.freeze({ iban: null, otherId: null, currency: null, ownerName: null, servicerBic: null });

const SIGNED_DECIMAL = /^[+-]?[0-9]+(\.[0-9]+)?$/;
const UNSIGNED_DECIMAL = /^[0-9]+(\.[0-9]+)?$/;

/**
 * Decimal text with a dot (the only form the JSON and XML formats allow) to integer cents.
 * Sub-cent precision that is not zero is refused: rounding would change a debtor's money silently.
 */
export function decimalToCents(raw: string, options: { signed: boolean; format: BankFormat; location: string }): number {
  const text = raw.trim();
  const shape = options.signed ? SIGNED_DECIMAL : UNSIGNED_DECIMAL;
  if (!shape.test(text)) {
    const expected = options.signed ? 'a decimal number with a dot, like "-12.50"' : 'an unsigned decimal number with a dot, like "12.50"';
    throw new BankFileError(options.format, options.location, `amount "${raw}" is not ${expected}`);
  }
  try {
    return parseAmountToCents(text, { decimalSeparator: '.' });
  } catch (error) {
    if (error instanceof AmountFormatError) {
      throw new BankFileError(options.format, options.location, `amount "${raw}": ${error.message.replace(/^invalid amount "[^"]*": /, '')}; it is not rounded`);
    }
    throw error;
  }
}

/** Negates without producing -0, which would compare unequal in Object.is and print as "-0". */
export function debit(cents: number): number {
  return cents === 0 ? 0 : -cents;
}

const CURRENCY = /^[A-Z]{3}$/;

export function isCurrencyCode(value: string): boolean {
  return CURRENCY.test(value);
}

const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** A BIC, upper case, or null when the text is not one (UK examples put sort codes in BIC fields). */
export function normaliseBic(value: string | null | undefined): string | null {
  if (value == null) return null;
  const bic = value.replace(/\s+/g, '').toUpperCase();
  return BIC.test(bic) ? bic : null;
}

/** SEPA's placeholder for "the payer gave no end-to-end reference"; it identifies nothing. */
export function meaningfulEndToEndId(value: string | null): string | null {
  return value === null || value.toUpperCase() === 'NOTPROVIDED' ? null : value;
}

export type EntryStatusOutcome = { status: TransactionStatus } | { skipReason: string } | null;

/** ISO 20022 ExternalEntryStatus1Code, shared by camt and UK Open Banking v4. Null: not a known code. */
export function entryStatusFromIsoCode(code: string): EntryStatusOutcome {
  switch (code.toUpperCase()) {
    case 'BOOK':
      return { status: 'booked' };
    case 'PDNG':
    case 'FUTR':
      return { status: 'pending' };
    case 'INFO':
      return { skipReason: 'status INFO: the entry is for information only and moved no money' };
    case 'RJCT':
      return { skipReason: 'status RJCT: the entry was rejected and moved no money' };
    default:
      return null;
  }
}

/**
 * ISO 20022 balance type codes (camt Bal/Tp, UK Open Banking v4) and their long names (UK v3.1).
 * PRCD, the closing balance of the previous period, is the opening balance of this one.
 */
export function balanceTypeFromIsoCode(code: string): BalanceType {
  switch (code.replace(/\s+/g, '').toUpperCase()) {
    case 'CLBD':
    case 'CLOSINGBOOKED':
      return 'closingBooked';
    case 'OPBD':
    case 'OPENINGBOOKED':
    case 'PRCD':
    case 'PREVIOUSLYCLOSEDBOOKED':
      return 'openingBooked';
    case 'ITBD':
    case 'INTERIMBOOKED':
      return 'interimBooked';
    case 'ITAV':
    case 'INTERIMAVAILABLE':
      return 'interimAvailable';
    case 'CLAV':
    case 'CLOSINGAVAILABLE':
      return 'closingAvailable';
    case 'FWAV':
    case 'FORWARDAVAILABLE':
      return 'forwardAvailable';
    case 'XPCD':
    case 'EXPECTED':
      return 'expected';
    default:
      return 'other';
  }
}

/**
 * Balance type codes that ISO 20022 (BalanceType12Code, ExternalBalanceType1Code) and UK Open Banking
 * define, in code and long-name form. Those without a canonical type (INFO, the cleared balances, OPAV)
 * are type other without a word; any code outside this list is type other with a warning.
 */
const KNOWN_BALANCE_CODES = new Set([
  'CLAV', 'CLBD', 'FWAV', 'INFO', 'ITAV', 'ITBD', 'OPAV', 'OPBD', 'PRCD', 'XPCD', 'ITCL', 'OPCL', 'CLCL',
  'CLOSINGAVAILABLE', 'CLOSINGBOOKED', 'CLOSINGCLEARED', 'EXPECTED', 'FORWARDAVAILABLE', 'INFORMATION', 'INTERIMAVAILABLE',
  'INTERIMBOOKED', 'INTERIMCLEARED', 'OPENINGAVAILABLE', 'OPENINGBOOKED', 'OPENINGCLEARED', 'PREVIOUSLYCLOSEDBOOKED',
]);

export function isKnownBalanceCode(code: string): boolean {
  return KNOWN_BALANCE_CODES.has(code.replace(/\s+/g, '').toUpperCase());
}

/** One side of a payment as a file describes it. */
export interface PaymentParty {
  name: string | null;
  iban: string | null;
  /** The party's account when it is not an IBAN (sort code and number, BBAN…). */
  otherAccountId: string | null;
  bic: string | null;
}

export const NO_PARTY: PaymentParty = Object.freeze({ name: null, iban: null, otherAccountId: null, bic: null });

/**
 * The other side of a payment: the creditor when money goes out, the debtor when it comes in.
 * When that side is missing but the file names only the opposite party, and that party's account is
 * demonstrably not the account holder's, it is the other side after all; files (the Berlin Group spec's
 * own examples among them) do label the single party they give with the wrong role.
 */
export function counterpartyOf(
  direction: 'in' | 'out',
  parties: { creditor: PaymentParty; debtor: PaymentParty },
  ownAccount: Pick<ParsedAccount, 'iban' | 'otherId'>,
): PaymentParty {
  const expected = direction === 'out' ? parties.creditor : parties.debtor;
  const opposite = direction === 'out' ? parties.debtor : parties.creditor;
  if (expected.name !== null || expected.iban !== null || expected.otherAccountId !== null) return expected;
  const oppositeAccount = opposite.iban ?? opposite.otherAccountId;
  const ownIds = [ownAccount.iban, ownAccount.otherId].filter((id): id is string => id !== null);
  if (oppositeAccount !== null && !ownIds.includes(oppositeAccount)) return opposite;
  return NO_PARTY;
}
