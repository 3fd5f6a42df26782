/**
 * Money is held as integer cents (a JS number is exact up to 2^53, about 90 trillion euro).
 * Bank files write amounts as decimal strings with a dot or a comma; converting through a float
 * would turn "0.29" into 28.999… cents, so the conversion works on the digits.
 */
export class AmountFormatError extends Error {
  constructor(readonly input: string, reason: string) {
    super(`invalid amount "${input}": ${reason}`);
    this.name = 'AmountFormatError';
  }
}

export interface ParseAmountOptions {
  /** Which character separates the fraction. 'auto' takes the last of '.' or ',' when followed by 1–2 (or more, if zeros) digits. */
  decimalSeparator?: '.' | ',' | 'auto';
}

const MAX_SAFE_CENTS = Number.MAX_SAFE_INTEGER;

/**
 * Parses "1.234,56", "-12.5", "+0,07", "100.00000" (trailing zeros beyond cents allowed) into cents.
 * Rejects sub-cent precision that is not zero, because rounding silently would change a debtor's money.
 */
export function parseAmountToCents(input: string, options: ParseAmountOptions = {}): number {
  const raw = input.trim();
  if (raw === '') throw new AmountFormatError(input, 'empty');
  let sign = 1;
  let body = raw;
  if (body.startsWith('-') || body.startsWith('+')) {
    sign = body.startsWith('-') ? -1 : 1;
    body = body.slice(1).trim();
  }
  if (!/^[0-9][0-9.,' ]*$/.test(body) && !/^[.,][0-9]+$/.test(body)) {
    throw new AmountFormatError(input, 'not a decimal number');
  }
  const sepOpt = options.decimalSeparator ?? 'auto';
  let decimalSep: '.' | ',' | null;
  if (sepOpt === 'auto') {
    const lastDot = body.lastIndexOf('.');
    const lastComma = body.lastIndexOf(',');
    if (lastDot === -1 && lastComma === -1) decimalSep = null;
    else if (lastDot > lastComma) decimalSep = lastComma === -1 && isThousandsGrouped(body, '.') ? null : '.';
    else decimalSep = lastDot === -1 && isThousandsGrouped(body, ',') ? null : ',';
  } else {
    decimalSep = body.includes(sepOpt) ? sepOpt : null;
  }
  let intPart = body;
  let fracPart = '';
  if (decimalSep) {
    const at = body.lastIndexOf(decimalSep);
    intPart = body.slice(0, at);
    fracPart = body.slice(at + 1);
  }
  const groupSep = decimalSep === ',' ? '.' : decimalSep === '.' ? ',' : intPart.includes('.') ? '.' : ',';
  const groups = intPart.replace(/[' ]/g, '').split(groupSep);
  if (groups.length > 1 && groups.slice(1).some((g) => g.length !== 3)) throw new AmountFormatError(input, 'misplaced thousands separator');
  intPart = groups.join('');
  if (intPart === '') intPart = '0';
  if (!/^[0-9]+$/.test(intPart)) throw new AmountFormatError(input, 'misplaced separators');
  if (!/^[0-9]*$/.test(fracPart)) throw new AmountFormatError(input, 'misplaced separators');
  const cents2 = (fracPart + '00').slice(0, 2);
  const beyond = fracPart.slice(2);
  if (/[1-9]/.test(beyond)) throw new AmountFormatError(input, 'more precision than cents');
  const cents = Number(intPart) * 100 + Number(cents2);
  if (!Number.isSafeInteger(cents) || cents > MAX_SAFE_CENTS) throw new AmountFormatError(input, 'too large');
  return sign * cents === 0 ? 0 : sign * cents;
}

/** "1.234" with exactly-three-digit groups and no other separator reads as a thousands group only when repeated ("1.234.567"); a single "1.234" is ambiguous and read as a decimal. */
function isThousandsGrouped(body: string, sep: string): boolean {
  const parts = body.split(sep);
  return parts.length > 2 && parts.slice(1).every((p) => p.length === 3);
}

/** Formats cents as a plain decimal string with a dot: -123 → "-1.23". */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer amount of cents: ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Euro formatting for plain-language text: 1234.5 euro → "€ 1.234,50". */
export function formatEuroNl(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${sign}€ ${euros},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * Splits a total into n parts that differ by at most one cent and add up exactly,
 * the larger parts first (so an instalment plan never loses or invents a cent).
 */
export function splitCents(total: number, parts: number): number[] {
  if (!Number.isSafeInteger(total) || !Number.isInteger(parts) || parts <= 0) throw new RangeError('bad split');
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const base = Math.floor(abs / parts);
  const rest = abs - base * parts;
  return Array.from({ length: parts }, (_, i) => sign * (base + (i < rest ? 1 : 0)));
}

/** Percentage of an amount in basis points (1 % = 100 bp), rounded half away from zero to a cent. */
export function applyBasisPoints(cents: number, basisPoints: number): number {
  const product = cents * basisPoints;
  if (!Number.isSafeInteger(product)) throw new RangeError('amount too large for basis-point math');
  const q = product / 10_000;
  return Math.sign(q) * Math.round(Math.abs(q));
}
