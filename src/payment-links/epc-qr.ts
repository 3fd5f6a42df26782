/**
 * The EPC QR payload (EPC069-12, "Quick Response Code: guidelines to enable data capture for the
 * initiation of a SEPA credit transfer", format version 002): the text a banking app reads from the
 * code to fill in a transfer. Twelve elements, one per line, in a fixed order:
 *
 *   1 service tag "BCD"           5 BIC (8 or 11, optional in 002)   9 purpose code (4, optional)
 *   2 version "002"               6 beneficiary name (≤ 70)         10 structured reference (≤ 35)
 *   3 character set "1" = UTF-8   7 IBAN (≤ 34)                     11 unstructured remittance (≤ 140)
 *   4 identification "SCT"        8 "EUR" + amount (optional)       12 beneficiary-to-originator info (≤ 70)
 *
 * Lines end in LF; after the last element that has a value nothing follows (no separator, no empty
 * lines), while an empty element before it keeps its empty line so every element stays at its
 * position. 10 and 11 exclude each other. The whole payload is at most 331 bytes, which is what a QR
 * code of version 13 holds at error-correction level M, the largest the guidelines allow.
 *
 * Field limits count characters (Unicode code points); the 331 counts bytes of the UTF-8 encoding,
 * so a name with "ë" or "ø" takes more of the budget than its length shows.
 */
import { formatCents } from '../platform/money.js';
import { isValidCreditorReference, mod97, normaliseCreditorReference } from './creditor-reference.js';

export type EpcField =
  | 'bic'
  | 'beneficiaryName'
  | 'iban'
  | 'amountCents'
  | 'purpose'
  | 'structuredReference'
  | 'remittanceText'
  | 'beneficiaryToOriginatorInfo'
  | 'payload';

/** Input that cannot become a valid EPC QR payload; `field` names the culprit for an API error later. */
export class EpcQrError extends Error {
  constructor(readonly field: EpcField, reason: string) {
    super(`EPC QR ${field}: ${reason}`);
    this.name = 'EpcQrError';
  }
}

export interface EpcCreditTransfer {
  /** The creditor's name as the debtor's bank shows it (element 6, 1–70 characters). */
  beneficiaryName: string;
  /** The creditor's IBAN; spaces and lower case are tidied (element 7). */
  iban: string;
  /** The creditor's bank's BIC, 8 or 11 characters; optional in version 002 within the EEA (element 5). */
  bic?: string;
  /** The amount in cents, 1 … 99 999 999 999 (element 8); absent lets the debtor type it. */
  amountCents?: number;
  /** ISO 20022 purpose code, four letters (element 9). */
  purpose?: string;
  /** A creditor reference, e.g. an RF reference (element 10, ≤ 35). Excludes remittanceText. */
  structuredReference?: string;
  /** Free remittance text (element 11, ≤ 140). Excludes structuredReference. */
  remittanceText?: string;
  /** A note the debtor's app may show (element 12, ≤ 70). */
  beneficiaryToOriginatorInfo?: string;
}

export const EPC_SERVICE_TAG = 'BCD';
export const EPC_VERSION = '002';
/** "1" = UTF-8, so names need no transliteration. */
export const EPC_CHARACTER_SET = '1';
export const EPC_IDENTIFICATION = 'SCT';
export const EPC_MAX_PAYLOAD_BYTES = 331;
export const EPC_MIN_AMOUNT_CENTS = 1;
export const EPC_MAX_AMOUNT_CENTS = 99_999_999_999;

export const EPC_LIMITS = {
  beneficiaryName: 70,
  iban: 34,
  structuredReference: 35,
  remittanceText: 140,
  beneficiaryToOriginatorInfo: 70,
} as const;

/**
 * Characters refused in the free-text elements. Control characters (LF and CR above all) would break
 * the one-element-per-line structure. Format characters (bidi overrides, zero-width joiners), private
 * use and line/paragraph separators are invisible or reorder text: in a beneficiary name they could
 * make the banking app show a different name from the one the bank checks. Lone surrogates have no
 * UTF-8 encoding.
 */
const REFUSED_TEXT_CHARS = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;

/** The SEPA basic Latin set (EPC's SEPA rulebooks), which every SEPA bank must carry: used for non-RF structured references. */
const SEPA_BASIC_LATIN = /^[A-Za-z0-9/\-?:().,'+ ]+$/;

/** Counts code points, not UTF-16 units, so "𝄞" is one character as the standard means it. */
export function characterCount(text: string): number {
  return [...text].length;
}

export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Validates a SEPA IBAN's shape and ISO 13616 mod-97 check digits; returns the electronic form. */
export function normaliseIban(input: string): string {
  const iban = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/.test(iban)) {
    throw new EpcQrError('iban', 'an IBAN is a country code, two check digits and 11–30 letters or digits (15–34 in all)');
  }
  if (mod97(`${iban.slice(4)}${iban.slice(0, 4)}`) !== 1) throw new EpcQrError('iban', 'the check digits do not match');
  return iban;
}

export function isValidIban(input: string): boolean {
  try {
    normaliseIban(input);
    return true;
  } catch {
    return false;
  }
}

/** ISO 9362: 4 institution, 2 country, 2 location, optionally 3 branch. */
function normaliseBic(input: string): string {
  const bic = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/.test(bic)) {
    throw new EpcQrError('bic', 'a BIC is 8 or 11 letters and digits (institution, country, location, branch)');
  }
  return bic;
}

/**
 * "EUR" and the amount with a dot and two decimals ("EUR12.30"), straight from integer cents so no
 * float rounding can change it. The standard allows at most two decimals; always two is the common
 * form and reads back unambiguously.
 */
export function formatEpcAmount(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new EpcQrError('amountCents', `not a whole number of cents: ${cents}`);
  if (cents < EPC_MIN_AMOUNT_CENTS || cents > EPC_MAX_AMOUNT_CENTS) {
    throw new EpcQrError('amountCents', `the amount must be from EUR0.01 to EUR999999999.99, got ${cents} cents`);
  }
  return `EUR${formatCents(cents)}`;
}

/** Reads element 8 back into cents, as a banking app would: "EUR12.3" and "EUR12.30" are both 1230. */
export function parseEpcAmount(element: string): number {
  const match = /^EUR([0-9]{1,9})(?:\.([0-9]{1,2}))?$/.exec(element);
  if (!match) throw new EpcQrError('amountCents', `not an EPC amount: ${JSON.stringify(element)}`);
  const cents = Number(match[1]) * 100 + Number(((match[2] ?? '') + '00').slice(0, 2));
  if (cents < EPC_MIN_AMOUNT_CENTS) throw new EpcQrError('amountCents', 'the amount must be at least EUR0.01');
  return cents;
}

function freeText(field: EpcField & keyof typeof EPC_LIMITS, value: string, required: boolean): string {
  // Leading and trailing spaces would be invisible on the debtor's screen and some apps strip them,
  // so they are dropped here rather than carried into the code.
  const text = value.trim();
  if (text === '') {
    if (required) throw new EpcQrError(field, 'must not be empty');
    return '';
  }
  const refused = REFUSED_TEXT_CHARS.exec(text);
  if (refused) {
    const code = refused[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new EpcQrError(field, `character U+${code} is not allowed (control, format or separator character)`);
  }
  const length = characterCount(text);
  if (length > EPC_LIMITS[field]) throw new EpcQrError(field, `at most ${EPC_LIMITS[field]} characters, got ${length}`);
  return text;
}

function structuredReference(value: string): string {
  const raw = value.trim();
  // Written with spaces or in lower case, an RF reference is still the same reference: store its
  // electronic form, which is what the debtor's bank passes on and the matcher compares.
  if (/^rf\s*[0-9]/i.test(raw)) {
    const ref = normaliseCreditorReference(raw);
    if (!isValidCreditorReference(ref)) throw new EpcQrError('structuredReference', `"${raw}" is not a valid ISO 11649 RF reference`);
    return ref;
  }
  if (raw === '') throw new EpcQrError('structuredReference', 'must not be empty when given');
  if (!SEPA_BASIC_LATIN.test(raw)) throw new EpcQrError('structuredReference', 'only the SEPA basic Latin characters (A–Z, a–z, 0–9, / - ? : ( ) . , \' + and space) are allowed');
  if (raw.length > EPC_LIMITS.structuredReference) {
    throw new EpcQrError('structuredReference', `at most ${EPC_LIMITS.structuredReference} characters, got ${raw.length}`);
  }
  return raw;
}

/** The twelve elements in order, empty strings where an optional element is absent. */
export function epcElements(transfer: EpcCreditTransfer): string[] {
  const hasStructured = transfer.structuredReference != null && transfer.structuredReference.trim() !== '';
  const hasText = transfer.remittanceText != null && transfer.remittanceText.trim() !== '';
  if (hasStructured && hasText) {
    throw new EpcQrError('payload', 'give a structured reference or a remittance text, not both (EPC069-12 elements 10 and 11 exclude each other)');
  }
  let purpose = '';
  if (transfer.purpose != null && transfer.purpose !== '') {
    if (!/^[A-Z]{4}$/.test(transfer.purpose)) throw new EpcQrError('purpose', 'an ISO 20022 purpose code is four capital letters');
    purpose = transfer.purpose;
  }
  return [
    EPC_SERVICE_TAG,
    EPC_VERSION,
    EPC_CHARACTER_SET,
    EPC_IDENTIFICATION,
    transfer.bic != null && transfer.bic.trim() !== '' ? normaliseBic(transfer.bic) : '',
    freeText('beneficiaryName', transfer.beneficiaryName, true),
    normaliseIban(transfer.iban),
    transfer.amountCents != null ? formatEpcAmount(transfer.amountCents) : '',
    purpose,
    hasStructured ? structuredReference(transfer.structuredReference!) : '',
    hasText ? freeText('remittanceText', transfer.remittanceText!, false) : '',
    freeText('beneficiaryToOriginatorInfo', transfer.beneficiaryToOriginatorInfo ?? '', false),
  ];
}

/** The payload as text: elements joined by LF, empty trailing elements left out, at most 331 UTF-8 bytes. */
export function buildEpcPayload(transfer: EpcCreditTransfer): string {
  const elements = epcElements(transfer);
  let last = elements.length;
  while (last > 0 && elements[last - 1] === '') last -= 1;
  const payload = elements.slice(0, last).join('\n');
  const bytes = utf8ByteLength(payload);
  if (bytes > EPC_MAX_PAYLOAD_BYTES) {
    throw new EpcQrError('payload', `the payload is ${bytes} bytes, more than the ${EPC_MAX_PAYLOAD_BYTES} an EPC QR code may hold; shorten the name or the remittance text`);
  }
  return payload;
}
