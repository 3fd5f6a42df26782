/**
 * CSRF protection for the debtor's forms, without sessions and without JavaScript.
 *
 * The page has no login: the signed link token in the address is the debtor's capability. A form
 * still must not be postable from another site (a page the debtor happens to visit could otherwise
 * withdraw their consent or pick a plan). Each browser gets a random value in an HttpOnly,
 * SameSite=Lax cookie; every form carries HMAC(secret, cookie value, link token) in a hidden field. A
 * post is taken only when the cookie came with it and the field matches: another site can neither
 * read the cookie nor make a browser send it on a cross-site POST, and a field copied from one link
 * does not work on another. The Origin header, when the browser sends one, must be this service's.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const FORM_COOKIE = 'dk_form';
/** Long enough to fill in the page at any pace: the debtor is never hurried. */
const COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;

export function newFormCookieValue(): string {
  return randomBytes(24).toString('base64url');
}

export function formToken(secret: string, cookieValue: string, linkToken: string): string {
  return createHmac('sha256', secret).update(`debtor-form\u0000${cookieValue}\u0000${linkToken}`).digest('base64url');
}

export function isValidFormToken(secret: string, cookieValue: string | undefined, linkToken: string, given: string | undefined): boolean {
  if (!cookieValue || !given || given.length > 100) return false;
  const expected = Buffer.from(formToken(secret, cookieValue, linkToken));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** One cookie's value from a Cookie header (no decoding: the values this page sets are base64url). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function formCookieHeader(value: string, secure: boolean): string {
  return `${FORM_COOKIE}=${value}; Path=/; Max-Age=${COOKIE_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** True when the request either names no origin (older browsers, some privacy settings) or names this service. */
export function isSameOrigin(originHeader: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (originHeader === undefined) return true;
  return allowedOrigins.includes(originHeader);
}
