/**
 * Bank-connection secrets at rest: AES-256-GCM, a fresh 96-bit nonce per seal, and the row's tenant
 * and connection id as additional authenticated data, so a sealed value copied into another row (or
 * another tenant's) does not open. A database dump without the key reveals no client secret or key.
 *
 * The key: BANK_CONNECTION_SECRET_KEY when set; otherwise derived (HKDF-SHA256) from the link-token
 * secret, which every instance already shares, so a single-instance or demo setup needs no extra
 * setting. Setting the key separately lets an operator keep it out of the database (the generated
 * link-token secret lives in service_settings).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SecretSeal {
  private readonly key: Buffer;

  constructor(secretKey: string | null, linkTokenSecret: string) {
    const material = secretKey ?? linkTokenSecret;
    this.key = Buffer.from(hkdfSync('sha256', Buffer.from(material, 'utf8'), Buffer.alloc(0), Buffer.from('draagkracht bank-connection secrets v1'), 32));
  }

  seal(plain: Record<string, string>, context: { tenantId: string; connectionId: string }): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${context.tenantId}\u0000${context.connectionId}`));
    const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws when the value was not sealed with this key for this row. */
  open(sealed: string, context: { tenantId: string; connectionId: string }): Record<string, string> {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('sealed secrets have an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${context.tenantId}\u0000${context.connectionId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as Record<string, string>;
  }
}
