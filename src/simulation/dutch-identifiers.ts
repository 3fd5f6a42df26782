/**
 * Dutch bank identifiers for synthetic accounts and creditors.
 *
 * - IBAN: "NL" + two check digits + a four-letter bank code + a ten-digit account number. The check
 *   digits follow ISO 13616 (mod 97). Dutch account numbers of the banks that predate the IBAN also
 *   pass the "elfproef" (weighted digit sum divisible by 11); ING's former Postbank numbers do not,
 *   so the generator applies the elfproef to every bank but ING, as real numbers do.
 * - SEPA creditor identifier (incassant-ID): "NL" + check digits + business code "ZZZ" + the KvK
 *   number (8 digits) + a 4-digit suffix. The check digits are computed like an IBAN's over the
 *   identifier without the business code (EPC262-08).
 */
import type { SeededRandom } from './seeded-random.js';

export interface DutchBank {
  code: string;
  name: string;
  bic: string;
}

/** Banks with Dutch current-account market presence; weights approximate market shares (DNB, 2023). */
export const DUTCH_BANKS: readonly (readonly [DutchBank, number])[] = [
  [{ code: 'INGB', name: 'ING', bic: 'INGBNL2A' }, 36],
  [{ code: 'RABO', name: 'Rabobank', bic: 'RABONL2U' }, 28],
  [{ code: 'ABNA', name: 'ABN AMRO', bic: 'ABNANL2A' }, 20],
  [{ code: 'SNSB', name: 'SNS', bic: 'SNSBNL2A' }, 5],
  [{ code: 'ASNB', name: 'ASN Bank', bic: 'ASNBNL21' }, 3],
  [{ code: 'RBRB', name: 'RegioBank', bic: 'RBRBNL21' }, 2],
  [{ code: 'BUNQ', name: 'bunq', bic: 'BUNQNL2A' }, 3],
  [{ code: 'KNAB', name: 'Knab', bic: 'KNABNL2H' }, 2],
  [{ code: 'TRIO', name: 'Triodos Bank', bic: 'TRIONL2U' }, 1],
];

/** Remainder mod 97 of a string of digits and upper-case letters (letters as 10…35), digit by digit. */
function mod97(text: string): number {
  let remainder = 0;
  for (const ch of text) {
    const code = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of code) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

function checkDigits(bodyWithCountry: string): string {
  return String(98 - mod97(bodyWithCountry)).padStart(2, '0');
}

/** True when the ten digits pass the Dutch elfproef. */
export function passesElfproef(accountNumber: string): boolean {
  if (!/^[0-9]{10}$/.test(accountNumber)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(accountNumber[i]) * (10 - i);
  return sum % 11 === 0 && sum > 0;
}

export function dutchIban(bankCode: string, accountNumber: string): string {
  if (!/^[A-Z]{4}$/.test(bankCode)) throw new RangeError(`bank code must be four letters: ${bankCode}`);
  if (!/^[0-9]{10}$/.test(accountNumber)) throw new RangeError(`account number must be ten digits: ${accountNumber}`);
  const body = bankCode + accountNumber;
  return `NL${checkDigits(`${body}NL00`)}${body}`;
}

/** A random valid Dutch IBAN at the given bank. */
export function randomDutchIban(random: SeededRandom, bankCode: string): string {
  for (;;) {
    // Nine random digits after a leading zero or digit, as real numbers look ("0123456789", "1234567890").
    let digits = '';
    for (let i = 0; i < 10; i++) digits += String(random.int(0, 9));
    if (bankCode === 'INGB') {
      // ING numbers are former Postbank numbers: up to 7 significant digits, zero-padded.
      digits = `000${digits.slice(3)}`;
      if (digits === '0000000000') continue;
      return dutchIban(bankCode, digits);
    }
    if (passesElfproef(digits)) return dutchIban(bankCode, digits);
  }
}

/** SEPA creditor identifier for a Dutch creditor from its KvK number. */
export function dutchCreditorId(kvkNumber: string, suffix = '0000'): string {
  if (!/^[0-9]{8}$/.test(kvkNumber)) throw new RangeError(`KvK number must be eight digits: ${kvkNumber}`);
  const national = kvkNumber + suffix;
  return `NL${checkDigits(`${national}NL00`)}ZZZ${national}`;
}

/** True for a creditor identifier whose check digits are right (business code ignored, as EPC prescribes). */
export function isValidCreditorId(creditorId: string): boolean {
  const m = /^([A-Z]{2})([0-9]{2})[A-Z0-9]{3}([A-Z0-9]{1,28})$/.exec(creditorId);
  if (!m) return false;
  return mod97(`${m[3]}${m[1]}${m[2]}`) === 1;
}

/** True for an IBAN whose mod-97 check holds. */
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  return mod97(iban.slice(4) + iban.slice(0, 4)) === 1;
}
