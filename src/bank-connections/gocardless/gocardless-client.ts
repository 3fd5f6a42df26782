/**
 * HTTP to GoCardless Bank Account Data API v2: the access token (JWT obtained with the secret id and
 * key), JSON requests with a timeout, and the mapping of failures onto ProviderError.
 *
 * Token rules, from the API's documentation: POST /api/v2/token/new/ gives an access token (valid
 * `access_expires` seconds, a day) and a refresh token (valid `refresh_expires` seconds, 30 days);
 * POST /api/v2/token/refresh/ gives a new access token for a valid refresh token. The tokens live in
 * this object only (one per provider instance, never stored, never logged, never in an error message),
 * are renewed a minute before they expire, and a 401 about the token leads to exactly one renewal and
 * retry before the call fails as unauthorised_client. token/new is limited to 100 calls an hour per
 * company, so the refresh token is used whenever it is still valid.
 */
import { ProviderError } from '../provider.js';
import { providerErrorFor, readErrorBody } from './gocardless-errors.js';

export interface GoCardlessClientOptions {
  baseUrl: string;
  secretId: string;
  secretKey: string;
  /** Per request; a slow bank behind GoCardless must not hold a pull forever. */
  timeoutMs: number;
  /** Milliseconds since the epoch; injectable so that tests can move past token expiry. */
  now: () => number;
  fetch: typeof fetch;
}

/** Renew this long before the token's stated expiry, so a token never expires in flight. */
const EXPIRY_MARGIN_MS = 60_000;
const REMEMBERED_TOKENS = 8;

interface HeldToken {
  value: string;
  expiresAt: number;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  query?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses that are an answer, not a failure (404 on DELETE of an ended requisition). */
  acceptStatuses?: readonly number[];
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

export class GoCardlessClient {
  #access: HeldToken | null = null;
  #refresh: HeldToken | null = null;
  /** One token request at a time: parallel pulls share it instead of each spending a token/new call. */
  private pendingToken: Promise<string> | null = null;
  /** Recent tokens, also the ones already replaced, so that an error quoting an old one is still redacted. */
  readonly #issuedTokens: string[] = [];

  // Private fields (#), not TypeScript `private`: they are invisible to JSON.stringify, util.inspect and
  // loggers, so logging the provider or this client by mistake cannot print a secret or token.
  readonly #options: GoCardlessClientOptions;

  constructor(options: GoCardlessClientOptions) {
    this.#options = options;
  }

  /** An authorised JSON request; the response body is parsed JSON (malformed when it is not). */
  async request(path: string, options: RequestOptions = {}): Promise<JsonResponse> {
    const token = await this.accessToken();
    let response = await this.send(path, options, token);
    if (response.status === 401 && isTokenProblem(response.text)) {
      // The token may have been revoked or expired early (clock skew): renew it once, then give up.
      this.dropAccess(token);
      const renewed = await this.accessToken();
      response = await this.send(path, options, renewed);
      if (response.status === 401 && isTokenProblem(response.text)) {
        this.dropAccess(renewed);
        throw this.failure(options.method ?? 'GET', path, response, 'GoCardless refused our access token twice; check the secret id and key of this connection');
      }
    }
    return this.interpret(options.method ?? 'GET', path, response, options.acceptStatuses ?? []);
  }

  /**
   * A valid access token. The token request is shared by every call waiting for it, so it does not
   * take any one caller's abort signal (one aborted pull must not fail the others); the request
   * timeout still bounds it.
   */
  private async accessToken(): Promise<string> {
    const now = this.#options.now();
    if (this.#access && this.#access.expiresAt > now) return this.#access.value;
    this.pendingToken ??= this.obtainToken().finally(() => {
      this.pendingToken = null;
    });
    return this.pendingToken;
  }

  /** Forgets a refused token, unless a parallel call already replaced it with a fresh one. */
  private dropAccess(token: string): void {
    if (this.#access?.value === token) this.#access = null;
  }

  private async obtainToken(): Promise<string> {
    if (this.#refresh && this.#refresh.expiresAt > this.#options.now()) {
      const response = await this.send('/api/v2/token/refresh/', { method: 'POST', body: { refresh: this.#refresh.value } }, null);
      if (response.status === 200) {
        const body = this.json('POST', '/api/v2/token/refresh/', response);
        this.#access = this.heldToken(body, 'access', 'access_expires');
        return this.#access.value;
      }
      // A refused refresh token (revoked, or expired early) is not fatal: new credentials-based tokens follow.
      if (response.status !== 401) throw this.failureFrom('POST', '/api/v2/token/refresh/', response);
      this.#refresh = null;
    }
    const started = this.#options.now();
    const response = await this.send('/api/v2/token/new/', { method: 'POST', body: { secret_id: this.#options.secretId, secret_key: this.#options.secretKey } }, null);
    if (response.status === 401 || response.status === 403) {
      throw this.failure('POST', '/api/v2/token/new/', response, 'GoCardless refused the secret id and key of this connection');
    }
    if (response.status !== 200) throw this.failureFrom('POST', '/api/v2/token/new/', response);
    const body = this.json('POST', '/api/v2/token/new/', response);
    this.#access = this.heldToken(body, 'access', 'access_expires', started);
    this.#refresh = this.heldToken(body, 'refresh', 'refresh_expires', started);
    return this.#access.value;
  }

  private heldToken(body: unknown, valueKey: string, expiresKey: string, obtainedAt: number = this.#options.now()): HeldToken {
    const record = isRecord(body) ? body : {};
    const value = record[valueKey];
    const seconds = record[expiresKey];
    if (typeof value !== 'string' || value.length === 0 || typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw new ProviderError('malformed', `GoCardless token response has no usable ${valueKey} and ${expiresKey}`, { httpStatus: 200 });
    }
    this.#issuedTokens.unshift(value);
    this.#issuedTokens.length = Math.min(this.#issuedTokens.length, REMEMBERED_TOKENS);
    return { value, expiresAt: obtainedAt + Math.max(0, seconds * 1000 - EXPIRY_MARGIN_MS) };
  }

  private async send(path: string, options: RequestOptions, token: string | null): Promise<{ status: number; text: string; headers: Headers }> {
    const url = new URL(path, this.#options.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const method = options.method ?? 'GET';
    try {
      const response = await this.#options.fetch(url, {
        method,
        headers,
        signal,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, text, headers: response.headers };
    } catch (error) {
      // Never the error's own message: it may quote the request. Name what happened instead.
      const reason = timeout.aborted ? `no answer within ${this.#options.timeoutMs} ms` : options.signal?.aborted ? 'the pull was aborted' : `the connection failed (${errorName(error)})`;
      throw new ProviderError('unavailable', `GoCardless ${method} ${url.pathname}: ${reason}`);
    }
  }

  private interpret(method: string, path: string, response: { status: number; text: string; headers: Headers }, acceptStatuses: readonly number[]): JsonResponse {
    if (response.status >= 200 && response.status < 300) {
      if (response.status === 204 || response.text.trim() === '') return { status: response.status, body: null };
      return { status: response.status, body: this.json(method, path, response) };
    }
    if (acceptStatuses.includes(response.status)) return { status: response.status, body: null };
    throw this.failureFrom(method, path, response);
  }

  private json(method: string, path: string, response: { status: number; text: string }): unknown {
    try {
      return JSON.parse(response.text);
    } catch {
      throw new ProviderError('malformed', `GoCardless ${method} ${path} answered ${response.status} with a body that is not JSON`, { httpStatus: response.status });
    }
  }

  private failureFrom(method: string, path: string, response: { status: number; text: string; headers: Headers }): ProviderError {
    return providerErrorFor({ method, path, status: response.status, body: readErrorBody(response.text), headers: response.headers }, (text) => this.redact(text));
  }

  private failure(method: string, path: string, response: { status: number; text: string }, message: string): ProviderError {
    const body = readErrorBody(response.text);
    const providerCodes = [body.type ?? body.summary].filter((code): code is string => code !== null).map((code) => this.redact(code));
    return new ProviderError('unauthorised_client', this.redact(`GoCardless ${method} ${path} answered ${response.status}: ${message}`), { httpStatus: response.status, providerCodes });
  }

  /** Whatever GoCardless says back is echoed into messages; a secret or token it might quote is cut out first. */
  redact(text: string): string {
    let result = text;
    for (const secret of [this.#options.secretId, this.#options.secretKey, ...this.#issuedTokens]) {
      if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
    }
    return result;
  }
}

/**
 * A 401 about our token ("Invalid token", "Token is invalid or expired") as opposed to a 401 about the
 * end user's access to an account ("Access has expired or it has been revoked"), which renewing our
 * token cannot fix.
 */
function isTokenProblem(text: string): boolean {
  const body = readErrorBody(text);
  if (body.type === 'AccessExpiredError') return false;
  const said = `${body.summary ?? ''} ${body.detail ?? ''}`;
  if (/access has expired|has been revoked|EUA/i.test(said)) return false;
  return true;
}

function errorName(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : null;
    return code ?? error.name;
  }
  return 'unknown error';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
