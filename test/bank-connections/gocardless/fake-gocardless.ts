/**
 * A local HTTP server answering like GoCardless Bank Account Data, from the recorded responses in
 * test/fixtures/gocardless (written from the public documentation; see SOURCE.md there). The adapter
 * talks to it over loopback exactly as it would to https://bankaccountdata.gocardless.com.
 *
 * It checks what the real API checks that matters here: every call but the token calls needs a bearer
 * token it issued and has not revoked. Tests replace any route's answer to inject faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';

const FIXTURES = new URL('../../fixtures/gocardless/', import.meta.url);

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

export interface Reply {
  status?: number;
  /** JSON-encoded unless it is a string, which is sent as it is (for malformed bodies). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export const ACCOUNT_1 = '7e944232-bda9-40bc-b784-660c7ab5fe78';
export const ACCOUNT_2 = '99a0bfe2-0bef-46df-bff2-e9ae0c6c5838';
export const REQUISITION = '8126e9fb-93c9-4228-937c-68f0383c2df7';
export const AGREEMENT = '2dea1b84-97b0-4cb4-8805-302c227587c8';
export const SECRET_ID = 'sandbox-secret-id-2f6c1e0a';
export const SECRET_KEY = 'sandbox-secret-key-9b1d7c44e0f2a8b3c5d6e7f8091a2b3c';

export class FakeGoCardless {
  readonly requests: RecordedRequest[] = [];
  /** Access tokens this server accepts; a test removes one to simulate revocation. */
  readonly validAccess = new Set<string>();
  /** The answer to a call without an accepted token; replaceable to test what an echoed token does. */
  refuseToken: (bearer: string | undefined) => Reply = () => ({ status: 401, body: fixture('error-invalid-token.json') });
  private readonly routes = new Map<string, Handler>();
  private server: Server | null = null;
  private tokenCounter = 0;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.on('POST', '/api/v2/token/new/', (request) => {
      const body = request.body as { secret_id?: string; secret_key?: string };
      if (body.secret_id !== SECRET_ID || body.secret_key !== SECRET_KEY) return { status: 401, body: fixture('error-authentication-failed.json') };
      const token = fixture<Record<string, unknown>>('token-new.json');
      const access = `${String(token.access)}.${++this.tokenCounter}`;
      this.validAccess.add(access);
      return { body: { ...token, access } };
    });
    this.on('POST', '/api/v2/token/refresh/', (request) => {
      const body = request.body as { refresh?: string };
      if (body.refresh !== fixture<Record<string, string>>('token-new.json').refresh) return { status: 401, body: fixture('error-invalid-token.json') };
      const token = fixture<Record<string, unknown>>('token-refresh.json');
      const access = `${String(token.access)}.${++this.tokenCounter}`;
      this.validAccess.add(access);
      return { body: { ...token, access } };
    });
    this.on('GET', '/api/v2/institutions/', () => ({ body: fixture('institutions-nl.json') }));
    this.on('GET', '/api/v2/institutions/ING_INGBNL2A/', () => ({ body: fixture('institution-ing.json') }));
    this.on('POST', '/api/v2/agreements/enduser/', () => ({ status: 201, body: fixture('agreement-created.json') }));
    this.on('DELETE', `/api/v2/agreements/enduser/${AGREEMENT}/`, () => ({ body: { summary: 'End User Agreement deleted', detail: `End User Agreement ${AGREEMENT} deleted` } }));
    this.on('POST', '/api/v2/requisitions/', () => ({ status: 201, body: fixture('requisition-created.json') }));
    this.on('GET', `/api/v2/requisitions/${REQUISITION}/`, () => ({ body: fixture('requisition-linked.json') }));
    this.on('DELETE', `/api/v2/requisitions/${REQUISITION}/`, () => ({ body: { summary: 'Requisition deleted', detail: `Requisition ${REQUISITION} deleted with all its End User Agreements` } }));
    for (const [id, n] of [
      [ACCOUNT_1, 1],
      [ACCOUNT_2, 2],
    ] as const) {
      this.on('GET', `/api/v2/accounts/${id}/`, () => ({ body: fixture(`account-${n}-metadata.json`) }));
      this.on('GET', `/api/v2/accounts/${id}/details/`, () => ({ body: fixture(`account-${n}-details.json`) }));
    }
    this.on('GET', `/api/v2/accounts/${ACCOUNT_1}/balances/`, () => ({ body: fixture('account-1-balances.json') }));
    this.on('GET', `/api/v2/accounts/${ACCOUNT_1}/transactions/`, () => ({ body: fixture('account-1-transactions.json') }));
  }

  on(method: string, path: string, handler: Handler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** Answer the next call to this route with `reply`, then go back to the previous handler. */
  once(method: string, path: string, reply: Reply): void {
    const key = `${method} ${path}`;
    const previous = this.routes.get(key);
    this.routes.set(key, () => {
      if (previous) this.routes.set(key, previous);
      else this.routes.delete(key);
      return reply;
    });
  }

  calls(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
    };
    this.requests.push(request);

    let reply: Reply;
    const isTokenCall = request.path.startsWith('/api/v2/token/');
    const bearer = request.authorization?.replace(/^Bearer /, '');
    if (!isTokenCall && (bearer === undefined || !this.validAccess.has(bearer))) {
      reply = this.refuseToken(bearer);
    } else {
      const handler = this.routes.get(`${request.method} ${request.path}`);
      reply = handler ? await handler(request) : { status: 404, body: fixture('error-not-found.json') };
    }
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    const payload = typeof reply.body === 'string' ? reply.body : reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(payload);
  }
}
