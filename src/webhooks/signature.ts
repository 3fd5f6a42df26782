/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is "whsec_" plus base64
 * of random bytes; the signature is base64 HMAC-SHA256 over `${id}.${timestamp}.${body}` with the
 * decoded bytes as key, sent as "v1,<signature>" in webhook-signature, with webhook-id and
 * webhook-timestamp (Unix seconds) beside it. Receivers can use any Standard Webhooks library.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
/** 32 bytes: the spec allows 24 to 64; HMAC-SHA256's block-size-independent strength is 256 bits. */
const SECRET_BYTES = 32;

export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

export function signPayload(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * Headers for one attempt. Several secrets give several signatures, space-separated, as the spec
 * allows for rotation: a receiver that still holds the old secret and one that already has the new one
 * both find a signature they can verify.
 */
export function webhookHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': secrets.map((secret) => signPayload(secret, id, timestampSeconds, body)).join(' '),
  };
}
