/**
 * The QR code in words, for the debtor's page: the alt text of the image and the caption under it.
 * A QR code alone tells a person nothing, and a debtor who cannot scan (no banking app, a screen
 * reader, paying at the counter) must be able to make the same transfer by hand. So the caption gives
 * the three things to type: amount, IBAN and reference, each in the grouping people read aloud
 * (IBAN and RF reference in fours). Dutch at B1 level, as the other debtor texts, and English.
 */
import { formatEuroEn } from '../affordability/plain-language.js';
import { formatEuroNl } from '../platform/money.js';
import { formatCreditorReference, isValidCreditorReference } from './creditor-reference.js';
import { normaliseIban } from './epc-qr.js';

export interface CaptionInput {
  beneficiaryName: string;
  iban: string;
  amountCents?: number;
  /** The structured reference, or the remittance text, the transfer must carry. */
  reference?: string;
}

/** "NL91ABNA0417164300" → "NL91 ABNA 0417 1643 00", the print form of ISO 13616. */
export function formatIban(iban: string): string {
  return normaliseIban(iban).replace(/(.{4})(?=.)/g, '$1 ');
}

function referenceText(reference: string): string {
  return isValidCreditorReference(reference) ? formatCreditorReference(reference) : reference.trim();
}

/** One or two sentences describing the code; the same text serves as alt text and visible caption. */
export function epcQrCaption(input: CaptionInput, language: 'nl' | 'en'): string {
  const iban = formatIban(input.iban);
  const name = input.beneficiaryName.trim();
  const ref = input.reference != null && input.reference.trim() !== '' ? referenceText(input.reference) : null;
  if (language === 'nl') {
    const amount = input.amountCents != null ? `${formatEuroNl(input.amountCents)} ` : '';
    const first = `QR-code om ${amount}te betalen aan ${name}, rekening ${iban}.`;
    return ref ? `${first} Vermeld bij de betaling: ${ref}.` : first;
  }
  const amount = input.amountCents != null ? `${formatEuroEn(input.amountCents)} ` : '';
  const first = `QR code to pay ${amount}to ${name}, account ${iban}.`;
  return ref ? `${first} Payment reference: ${ref}.` : first;
}
