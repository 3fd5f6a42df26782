/**
 * The canonical bank-data model every format adapter produces.
 *
 * Glossary
 * - statement: what one file or one API response holds: accounts, their transactions and balances.
 * - account reference: how a transaction names its account inside a statement (its index in `accounts`).
 * - source id: the bank's own identifier of an entry (Berlin Group transactionId/entryReference,
 *   UK TransactionId, camt AcctSvcrRef/NtryRef, MT940 bank reference). Null when the bank gives none;
 *   ingestion then derives a stable content key.
 * - location: where in the file an entry stands ("line 12", "/transactions/booked/3",
 *   "Stmt[0]/Ntry[4]"), so errors, rejections and warnings name the place.
 * - essential field: what a transaction cannot exist without (amount, sign, a booking date, its
 *   currency). A flaw there refuses the file (strict) or skips the entry (lenient).
 * - secondary field: everything else (balances and their types, a value date beside a booking date,
 *   totals, bank codes, text). A flaw there drops or repairs the value and adds a warning.
 *
 * Amounts are signed integer cents from the account holder's view: money in is positive.
 */
import type { IsoDate } from '../platform/dates.js';

export const BANK_FORMATS = [
  'berlin-group',
  'uk-open-banking',
  'camt.053',
  'camt.052',
  'camt.054',
  'mt940',
  'mt942',
  'csv-ing',
  'csv-rabobank',
  'csv-abnamro',
  'csv-knab',
  'csv-asn',
  'csv-bunq',
  'canonical-jsonl',
] as const;
export type BankFormat = (typeof BANK_FORMATS)[number];

export type TransactionStatus = 'booked' | 'pending';

export interface ParsedAccount {
  /** IBAN without spaces, upper case; null when the file names the account otherwise. */
  iban: string | null;
  /** The account identifier as the file gives it when it is not an IBAN (e.g. MT940 ":25:" "0123456789", UK AccountId). */
  otherId: string | null;
  currency: string | null;
  ownerName: string | null;
  /** BIC of the servicing bank when given. */
  servicerBic: string | null;
}

export interface ParsedTransaction {
  accountIndex: number;
  sourceId: string | null;
  status: TransactionStatus;
  /** Booking date; pending entries may lack one, in which case the value date or transaction date stands in. */
  bookingDate: IsoDate;
  valueDate: IsoDate | null;
  /** Signed: positive = credit (money in), negative = debit (money out). */
  amountCents: number;
  currency: string;
  counterpartyName: string | null;
  counterpartyIban: string | null;
  counterpartyBic: string | null;
  remittanceUnstructured: string | null;
  /** Structured creditor reference (ISO 11649 RF…, Dutch betalingskenmerk) when given. */
  remittanceStructured: string | null;
  endToEndId: string | null;
  mandateId: string | null;
  /** SEPA creditor identifier (e.g. NL98ZZZ999999999999) of a direct debit, when given. */
  creditorId: string | null;
  /** ISO 20022 bank transaction code as "DOMAIN-FAMILY-SUBFAMILY" (e.g. "PMNT-RCDT-ESCT"). */
  bankTransactionCode: string | null;
  /** The bank's proprietary code (MT940 ":61:" type, Berlin Group proprietaryBankTransactionCode, camt Prtry/Cd). */
  proprietaryCode: string | null;
  /** ISO 20022 return reason (camt RtrInf/Rsn/Cd, e.g. AM04) of a returned direct debit or credit transfer. */
  returnReasonCode: string | null;
  /** True when the entry reverses an earlier one (camt RvslInd, MT940 "RC"/"RD"). */
  reversal: boolean;
  location: string;
}

export type BalanceType =
  | 'closingBooked'
  | 'openingBooked'
  | 'interimBooked'
  | 'interimAvailable'
  | 'closingAvailable'
  | 'forwardAvailable'
  | 'expected'
  | 'other';

export interface ParsedBalance {
  accountIndex: number;
  type: BalanceType;
  /** The format's own name of the balance type (camt "CLBD", Berlin Group "closingBooked", UK "ClosingBooked"). */
  rawType: string;
  amountCents: number;
  currency: string;
  date: IsoDate;
  location: string;
}

export interface RejectedEntry {
  location: string;
  reason: string;
}

/**
 * What was done to a flawed secondary field (a balance, a balance type, a value date beside a booking
 * date, a bank code, control characters in a text): 'dropped' removes the value, 'repaired' puts a value
 * derived from elsewhere in the file in its place, 'kept' keeps it in a neutral form (an unknown balance
 * code as type other), 'cleaned' removes characters that are not text.
 */
export type WarningAction = 'dropped' | 'repaired' | 'kept' | 'cleaned';

/**
 * A flaw in a field that a transaction does not need. It never refuses the file (a flaw in what a
 * transaction needs, its amount, sign or booking date, does); the warning names the place and what was done.
 */
export interface ParseWarning {
  location: string;
  /** The field as the format names it (":60F:", "Bal/Dt", "valueDate", "remittanceUnstructured"). */
  field: string;
  reason: string;
  action: WarningAction;
}

export const WARNING_ACTIONS: readonly WarningAction[] = ['dropped', 'repaired', 'kept', 'cleaned'];

export interface ParsedStatement {
  format: BankFormat;
  accounts: ParsedAccount[];
  transactions: ParsedTransaction[];
  balances: ParsedBalance[];
  /** Entries skipped in lenient mode, with their place and reason; empty in strict mode (which throws instead). */
  rejected: RejectedEntry[];
  /** Secondary fields dropped, repaired or cleaned, in both modes; see ParseWarning. */
  warnings: ParseWarning[];
}

export interface ParseOptions {
  /** Strict (default): the first malformed entry fails the whole file. Lenient: keep valid entries, list the rest. */
  lenient?: boolean;
  /** Upper bound on input size in bytes; larger inputs are refused before parsing. */
  maxBytes?: number;
}

export interface DetectHints {
  fileName?: string;
  contentType?: string;
}

/**
 * One bank format. Each adapter lives in its own file under formats/ and is listed in formats/index.ts.
 * Adapters are pure: bytes in, canonical statement out; no I/O, no database, no framework.
 */
export interface BankFormatAdapter {
  readonly format: BankFormat;
  /** Formats this adapter can produce (camt adapter yields camt.052/053/054; MT940 adapter yields mt940/mt942). */
  readonly produces: readonly BankFormat[];
  /**
   * How sure the adapter is that the bytes are its format: 0 = not mine, 1 = certain.
   * Cheap: looks at the first few kilobytes and the hints only.
   */
  detect(input: Buffer, hints?: DetectHints): number;
  /** Throws BankFileError (strict) naming the place; never throws anything else for bad input. */
  parse(input: Buffer, options?: ParseOptions): ParsedStatement;
}

/** A bank file that cannot be read, with the place that failed. Thrown by adapters; mapped to 422 by the API. */
export class BankFileError extends Error {
  constructor(
    readonly format: BankFormat | 'unknown',
    readonly location: string,
    readonly reason: string,
    readonly kind: 'malformed' | 'unsupported' | 'unsafe' | 'too_large' = 'malformed',
  ) {
    super(`${format}: ${location}: ${reason}`);
    this.name = 'BankFileError';
  }
}

/** Normalises an IBAN (spaces removed, upper case) and checks its mod-97 checksum; returns null when invalid. */
export function normaliseIban(value: string | null | undefined): string | null {
  if (value == null) return null;
  const iban = value.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/.test(iban)) return null;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of code) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1 ? iban : null;
}
