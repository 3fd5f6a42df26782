/**
 * ISO 11649 structured creditor references ("RF references"): "RF", two check digits, then 1–21 of
 * A–Z and 0–9. The check digits are ISO 7064 mod 97-10, the same scheme as the IBAN: move "RF" and the
 * check digits to the end, read letters as 10–35, and the number mod 97 must be 1. That catches every
 * single-character error and every swap of two neighbours, so a hand-typed reference that still
 * validates is almost surely the one we issued.
 *
 * Why RF and not the Dutch "betalingskenmerk": RF works SEPA-wide (EPC069-12 names it for the QR's
 * structured-reference field, and every SEPA bank must carry it end to end), it is an open ISO
 * standard, and it can hold our plan and instalment numbers. The betalingskenmerk is a Dutch-only
 * numeric code from the acceptgiro scheme (which Currence ended on 1 June 2023), debtors abroad
 * cannot use it, and its several lengths and check rules are not published in one stable public
 * spec, so it would not be cheap to implement correctly here; see docs/domain.md.
 *
 * An instalment's reference is built from the tenant-scoped plan number and the instalment number
 * with FIXED widths (12 + 3 digits), so the matcher can find it in a remittance text without guessing
 * where it ends (banks wrap and glue remittance lines), and parse it back without a lookup table.
 */

export class CreditorReferenceError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`invalid creditor reference "${input}": ${reason}`);
    this.name = 'CreditorReferenceError';
  }
}

/** ISO 11649: at most 21 characters after "RF" and the check digits (25 in all). */
export const RF_MAX_BODY_LENGTH = 21;

/** Fixed widths of an instalment reference's body: plan number, then instalment number, zero-padded. */
export const PLAN_NUMBER_DIGITS = 12;
export const INSTALMENT_NUMBER_DIGITS = 3;
export const MAX_PLAN_NUMBER = 10 ** PLAN_NUMBER_DIGITS - 1;
export const MAX_INSTALMENT_NUMBER = 10 ** INSTALMENT_NUMBER_DIGITS - 1;
const INSTALMENT_BODY_LENGTH = PLAN_NUMBER_DIGITS + INSTALMENT_NUMBER_DIGITS;

const BODY_PATTERN = /^[A-Z0-9]{1,21}$/;

/**
 * mod 97 of the number written by `chars`, letters read as 10–35 (ISO 7064 / ISO 13616). Done digit by
 * digit so it never leaves the safe-integer range, whatever the length.
 */
export function mod97(chars: string): number {
  let rest = 0;
  for (const ch of chars) {
    const code = ch.charCodeAt(0);
    if (code >= 48 && code <= 57) {
      rest = (rest * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      // A letter stands for two digits (A = 10 … Z = 35).
      rest = (rest * 100 + (code - 55)) % 97;
    } else {
      throw new RangeError(`not A–Z or 0–9: ${JSON.stringify(ch)}`);
    }
  }
  return rest;
}

/** The two check digits for a reference body ("539007547034" → "18"). */
export function creditorReferenceCheckDigits(body: string): string {
  if (!BODY_PATTERN.test(body)) throw new CreditorReferenceError(body, 'the body must be 1–21 characters A–Z or 0–9');
  return String(98 - mod97(`${body}RF00`)).padStart(2, '0');
}

/** Builds the electronic form "RF" + check digits + body from a body of A–Z/0–9 (lower case and spaces are tidied). */
export function buildCreditorReference(body: string): string {
  const clean = body.replace(/\s+/g, '').toUpperCase();
  return `RF${creditorReferenceCheckDigits(clean)}${clean}`;
}

/**
 * Brings a reference as a person or bank may write it ("rf18 5390 0754 7034") to the electronic form
 * ("RF18539007547034"). It does not check it: see isValidCreditorReference.
 */
export function normaliseCreditorReference(input: string): string {
  return input.replace(/\s+/g, '').toUpperCase();
}

/** True for a well-formed RF reference with correct check digits; spaces and lower case are tolerated. */
export function isValidCreditorReference(input: string): boolean {
  const ref = normaliseCreditorReference(input);
  if (!/^RF[0-9]{2}[A-Z0-9]{1,21}$/.test(ref)) return false;
  // Check digits 00, 01 and 99 can never come out of the computation (98 − (0…96) is 2…98).
  const check = Number(ref.slice(2, 4));
  if (check < 2 || check > 98) return false;
  return mod97(`${ref.slice(4)}${ref.slice(0, 4)}`) === 1;
}

/** Like isValidCreditorReference, but returns the electronic form or throws saying what is wrong. */
export function parseCreditorReference(input: string): string {
  const ref = normaliseCreditorReference(input);
  if (!ref.startsWith('RF')) throw new CreditorReferenceError(input, 'does not start with RF');
  if (!/^RF[0-9]{2}/.test(ref)) throw new CreditorReferenceError(input, 'RF must be followed by two check digits');
  const body = ref.slice(4);
  if (body.length === 0) throw new CreditorReferenceError(input, 'no reference after the check digits');
  if (body.length > RF_MAX_BODY_LENGTH) throw new CreditorReferenceError(input, `more than ${RF_MAX_BODY_LENGTH} characters after the check digits`);
  if (!BODY_PATTERN.test(body)) throw new CreditorReferenceError(input, 'only A–Z and 0–9 may follow the check digits');
  if (!isValidCreditorReference(ref)) throw new CreditorReferenceError(input, 'the check digits do not match');
  return ref;
}

/** The print form ISO 11649 recommends: groups of four ("RF18 5390 0754 7034"). */
export function formatCreditorReference(input: string): string {
  return normaliseCreditorReference(input).replace(/(.{4})(?=.)/g, '$1 ');
}

export interface InstalmentReferenceParts {
  /** The plan's number within its tenant (1 … 999 999 999 999). */
  planNumber: number;
  /** The instalment's number within the plan (1 … 999). */
  instalmentNumber: number;
}

/**
 * The RF reference of one instalment: plan number (12 digits) then instalment number (3 digits),
 * zero-padded. Digits only, so a debtor who types it cannot confuse O and 0. Deterministic: the same
 * instalment always gets the same reference, so a re-sent payment link still matches.
 */
export function instalmentCreditorReference(parts: InstalmentReferenceParts): string {
  const { planNumber, instalmentNumber } = parts;
  if (!Number.isSafeInteger(planNumber) || planNumber < 1 || planNumber > MAX_PLAN_NUMBER) {
    throw new CreditorReferenceError(String(planNumber), `the plan number must be an integer from 1 to ${MAX_PLAN_NUMBER}`);
  }
  if (!Number.isSafeInteger(instalmentNumber) || instalmentNumber < 1 || instalmentNumber > MAX_INSTALMENT_NUMBER) {
    throw new CreditorReferenceError(String(instalmentNumber), `the instalment number must be an integer from 1 to ${MAX_INSTALMENT_NUMBER}`);
  }
  const body = `${String(planNumber).padStart(PLAN_NUMBER_DIGITS, '0')}${String(instalmentNumber).padStart(INSTALMENT_NUMBER_DIGITS, '0')}`;
  return buildCreditorReference(body);
}

/** Reads plan and instalment number back from a valid instalment reference; null when it is not one. */
export function parseInstalmentCreditorReference(input: string): InstalmentReferenceParts | null {
  const ref = normaliseCreditorReference(input);
  if (!isValidCreditorReference(ref)) return null;
  const body = ref.slice(4);
  if (!new RegExp(`^[0-9]{${INSTALMENT_BODY_LENGTH}}$`).test(body)) return null;
  const planNumber = Number(body.slice(0, PLAN_NUMBER_DIGITS));
  const instalmentNumber = Number(body.slice(PLAN_NUMBER_DIGITS));
  // Zero is never issued, so a body of zeros is somebody else's reference, not ours.
  if (planNumber < 1 || instalmentNumber < 1) return null;
  return { planNumber, instalmentNumber };
}

/** One possible reading of an "RF" found in free text. */
interface Candidate {
  /** Electronic form, upper case, no spaces. */
  reference: string;
  /** Whether the text's next character after the last one read is not a letter or digit (a word ends there). */
  atWordEnd: boolean;
  /** Whether a digit follows at once, with no space: the reading stops inside a longer number. */
  followedByDigit: boolean;
}

const isAsciiAlnum = (ch: string | undefined): boolean => ch !== undefined && /^[A-Za-z0-9]$/.test(ch);
const isSpace = (ch: string | undefined): boolean => ch !== undefined && /^\s$/.test(ch);

/**
 * Every reading of each "RF" in `text` that starts a word: "RF", two digits, then 1–21 letters or
 * digits, where any whitespace (spaces, tabs, line breaks, no-break spaces) may stand between
 * characters because banks regroup and wrap remittance text. Each body length is a reading of its
 * own; the callers decide which readings to trust.
 */
function* candidates(text: string): Generator<Candidate> {
  for (let start = 0; start < text.length; start += 1) {
    const r = text[start];
    if (r !== 'R' && r !== 'r') continue;
    // "surf12…" or "INTERF…" are words, not references.
    if (isAsciiAlnum(text[start - 1])) continue;
    let at = start + 1;
    const next = (): string | undefined => {
      while (isSpace(text[at])) at += 1;
      return text[at];
    };
    const f = next();
    if (f !== 'F' && f !== 'f') continue;
    at += 1;
    let check = '';
    while (check.length < 2) {
      const d = next();
      if (d === undefined || !/^[0-9]$/.test(d)) break;
      check += d;
      at += 1;
    }
    if (check.length < 2) continue;
    let body = '';
    while (body.length < RF_MAX_BODY_LENGTH) {
      const ch = next();
      if (!isAsciiAlnum(ch)) break;
      body += ch!.toUpperCase();
      at += 1;
      const after = text[at];
      yield { reference: `RF${check}${body}`, atWordEnd: !isAsciiAlnum(after), followedByDigit: after !== undefined && /^[0-9]$/.test(after) };
    }
  }
}

/**
 * The valid RF references in a free remittance text, in the order they appear, each once. Only readings
 * that end where a word ends count: a reading that stops inside a word ("RF18…7034" of "RF18…7034AB")
 * would be a guess. Since a wrapped line may end inside a reference, more than one reading of one "RF"
 * can validate (each wrong one with odds of about 1 in 97), so the list can hold more than one: the
 * matcher looks each up among the references it issued.
 */
export function findCreditorReferences(text: string): string[] {
  const found: string[] = [];
  for (const c of candidates(text)) {
    if (c.atWordEnd && isValidCreditorReference(c.reference) && !found.includes(c.reference)) found.push(c.reference);
  }
  return found;
}

export interface FoundInstalmentReference extends InstalmentReferenceParts {
  reference: string;
}

/**
 * The instalment references in a free remittance text. An instalment reference has a fixed length, so
 * the reading with exactly 15 body digits is taken even when a letter follows without a space: some
 * banks join 35-character remittance lines without a separator ("…0001Termijn 3"). A digit right
 * after it means a longer number, of which our 15 digits are only the start, so that is not taken.
 */
export function findInstalmentReferences(text: string): FoundInstalmentReference[] {
  const found: FoundInstalmentReference[] = [];
  for (const c of candidates(text)) {
    if (c.reference.length !== 4 + INSTALMENT_BODY_LENGTH || c.followedByDigit) continue;
    const parts = parseInstalmentCreditorReference(c.reference);
    if (parts && !found.some((f) => f.reference === c.reference)) found.push({ reference: c.reference, ...parts });
  }
  return found;
}
