/**
 * Debtor link tokens: a signed, expiring capability for ONE thing of ONE debtor (a consent, or a
 * repayment-plan offer), sent to the debtor so they can act without an account. HMAC-SHA256 over the
 * payload; the server keeps no token table, and a tampered or expired token is simply invalid.
 *
 * The scope is signed with the rest: a consent link cannot be replayed against the plan-offer routes
 * or the other way round. Consent tokens carry no scope field (they were issued before scopes
 * existed), so an absent scope means `consent`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type LinkTokenScope = 'consent' | 'plan_offer';

export interface LinkTokenPayload {
  tenantId: string;
  consentId: string;
  debtorId: string;
  /** Expiry as seconds since the epoch. */
  expiresAt: number;
}

export interface ScopedLinkTokenPayload {
  scope: LinkTokenScope;
  tenantId: string;
  /** The consent's or the offer's id. */
  subjectId: string;
  debtorId: string;
  /** Expiry as seconds since the epoch. */
  expiresAt: number;
}

const VERSION = 'v1';

export function signScopedLinkToken(payload: ScopedLinkTokenPayload, secret: string): string {
  const fields: Record<string, string | number> = { t: payload.tenantId, c: payload.subjectId, d: payload.debtorId, e: payload.expiresAt };
  if (payload.scope !== 'consent') fields.s = payload.scope;
  const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${VERSION}.${body}.${mac(`${VERSION}.${body}`, secret)}`;
}

/** Returns the payload of a genuine, unexpired token of the scope, else null (never says which check failed). */
export function verifyScopedLinkToken(token: string, secret: string, scope: LinkTokenScope, nowSeconds = Math.floor(Date.now() / 1000)): ScopedLinkTokenPayload | null {
  if (token.length > 1000) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const expected = Buffer.from(mac(`${parts[0]}.${parts[1]}`, secret));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const raw = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof raw.t !== 'string' || typeof raw.c !== 'string' || typeof raw.d !== 'string' || typeof raw.e !== 'number') return null;
    if ((raw.s ?? 'consent') !== scope) return null;
    if (raw.e < nowSeconds) return null;
    return { scope, tenantId: raw.t, subjectId: raw.c, debtorId: raw.d, expiresAt: raw.e };
  } catch {
    return null;
  }
}

export function signLinkToken(payload: LinkTokenPayload, secret: string): string {
  return signScopedLinkToken({ scope: 'consent', tenantId: payload.tenantId, subjectId: payload.consentId, debtorId: payload.debtorId, expiresAt: payload.expiresAt }, secret);
}

/** Returns the payload of a genuine, unexpired consent token, else null (never says which check failed). */
export function verifyLinkToken(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): LinkTokenPayload | null {
  const payload = verifyScopedLinkToken(token, secret, 'consent', nowSeconds);
  return payload === null ? null : { tenantId: payload.tenantId, consentId: payload.subjectId, debtorId: payload.debtorId, expiresAt: payload.expiresAt };
}

function mac(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}
