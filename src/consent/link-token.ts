/**
 * Debtor link tokens: a signed, expiring capability for ONE consent of ONE debtor, sent to the
 * debtor so they can grant or revoke without an account. HMAC-SHA256 over the payload; the server
 * keeps no token table, and a tampered or expired token is simply invalid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkTokenPayload {
  tenantId: string;
  consentId: string;
  debtorId: string;
  /** Expiry as seconds since the epoch. */
  expiresAt: number;
}

const VERSION = 'v1';

export function signLinkToken(payload: LinkTokenPayload, secret: string): string {
  const body = Buffer.from(JSON.stringify({ t: payload.tenantId, c: payload.consentId, d: payload.debtorId, e: payload.expiresAt })).toString('base64url');
  return `${VERSION}.${body}.${mac(`${VERSION}.${body}`, secret)}`;
}

/** Returns the payload of a genuine, unexpired token, else null (never says which check failed). */
export function verifyLinkToken(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): LinkTokenPayload | null {
  if (token.length > 1000) return null;
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) return null;
  const expected = Buffer.from(mac(`${parts[0]}.${parts[1]}`, secret));
  const given = Buffer.from(parts[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const raw = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof raw.t !== 'string' || typeof raw.c !== 'string' || typeof raw.d !== 'string' || typeof raw.e !== 'number') return null;
    if (raw.e < nowSeconds) return null;
    return { tenantId: raw.t, consentId: raw.c, debtorId: raw.d, expiresAt: raw.e };
  } catch {
    return null;
  }
}

function mac(data: string, secret: string): string {
  return createHmac('sha256', secret).update(data).digest('base64url');
}
