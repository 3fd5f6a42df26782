/**
 * A real HTTP receiver on 127.0.0.1 for the webhook tests, and a Standard Webhooks verifier written
 * from the spec with WebCrypto, independent of the service's node:crypto signer.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

export interface Receiver {
  url: string;
  /** Requests answered 2xx, in arrival order. */
  received: Received[];
  /** Requests refused while down. */
  refused: number;
  /** The status answered: 204 when up, e.g. 503 while "down". */
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const state = { received: [] as Received[], refused: 0, status: 204 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (state.status >= 200 && state.status < 300) state.received.push({ headers: req.headers, body, json: JSON.parse(body) as Received['json'] });
      else state.refused += 1;
      res.statusCode = state.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/**
 * Standard Webhooks verification (spec 1.0): secret "whsec_" + base64 key; signed content
 * `${webhook-id}.${webhook-timestamp}.${body}`; webhook-signature is a space-separated list of
 * "v1,<base64 HMAC-SHA256>"; the timestamp must be within the tolerance of the receiver's clock.
 */
export async function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string, nowSeconds: number, toleranceSeconds = 300): Promise<boolean> {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  if (!secret.startsWith('whsec_')) return false;
  const keyBytes = Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0));
  const key = await globalThis.crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) continue;
    const bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
    if (await globalThis.crypto.subtle.verify('HMAC', key, bytes, content)) return true;
  }
  return false;
}
