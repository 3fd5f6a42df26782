/**
 * GoCardless Bank Account Data error responses, turned into the ProviderError codes the flow acts on.
 *
 * Every error body has the documented form `{ summary, detail, status_code, type? }`. The HTTP status
 * alone is not enough: the API answers 401 both for our own token and for an end user's access that
 * expired, 400 for an expired end-user agreement, and 429 both for its own per-minute limits and for the
 * bank's daily limit per account (4 a day per scope). The body's `type`, `summary` and `detail` tell
 * those apart; the wording matched below is the wording of the public documentation and of the
 * responses quoted from it (see test/fixtures/gocardless/SOURCE.md).
 */
import { ProviderError, type ProviderErrorCode } from '../provider.js';

export interface GoCardlessErrorBody {
  summary: string | null;
  detail: string | null;
  type: string | null;
}

/** Reads the error body when it has the documented form; anything else (HTML of a proxy, empty) gives nulls. */
export function readErrorBody(text: string): GoCardlessErrorBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { summary: null, detail: null, type: null };
  }
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  // Validation errors of POST bodies come as { field: { summary, detail } } instead; the first one says enough.
  const nested = Object.values(record).find((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Record<string, unknown>).summary === 'string');
  const source = typeof record.summary === 'string' || typeof record.detail === 'string' ? record : (nested ?? record);
  return {
    summary: asText(source.summary),
    detail: asText(source.detail),
    type: asText(record.type) ?? asText(source.type),
  };
}

function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(' ');
  return null;
}

/** The end user's access (not our token) ended: the requisition's agreement expired or was revoked at the bank. */
const ACCESS_ENDED = /access has expired|has been revoked|(?:end user agreement|\bEUA\b)[^.]*(?:expired|has expired)|EUA was valid for/i;
/** The bank's own daily limit per account and scope, as opposed to GoCardless's per-minute limits. */
const BANK_DAILY_LIMIT = /daily request limit|set by the institution/i;
const SUSPENDED = /suspended/i;

/** Seconds until a 429 may be retried, from the documented headers; null when none is usable. */
function secondsFromHeaders(headers: Headers, names: readonly string[]): number | null {
  for (const name of names) {
    const raw = headers.get(name);
    if (raw === null) continue;
    const seconds = Number(raw.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  }
  return null;
}

/*
 * The documentation names the headers HTTP_X_RATELIMIT_* (general, per minute) and
 * HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_* (the bank's daily limit for this account and scope); the _RESET
 * ones hold the seconds left in the window. Header lookups are case-insensitive; the dashed spelling is
 * accepted too because a proxy may rewrite underscores, and Retry-After is the HTTP standard's fallback.
 */
const GENERAL_RESET_HEADERS = ['http_x_ratelimit_reset', 'x-ratelimit-reset', 'retry-after'] as const;
const ACCOUNT_RESET_HEADERS = ['http_x_ratelimit_account_success_reset', 'x-ratelimit-account-success-reset', 'retry-after'] as const;
/** When a 429 names no wait at all: a minute is the window of GoCardless's own limits. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

export interface ErrorContext {
  method: string;
  /** The path without query, e.g. /api/v2/accounts/{id}/transactions/; ids are not secrets. */
  path: string;
  status: number;
  body: GoCardlessErrorBody;
  headers: Headers;
}

/** The ProviderError for a non-2xx answer (a 401 about our token is handled by the client before this). */
export function providerErrorFor(context: ErrorContext, redact: (text: string) => string): ProviderError {
  const { status, body } = context;
  const text = `${body.summary ?? ''} ${body.detail ?? ''}`;
  const providerCodes = [body.type ?? body.summary].filter((code): code is string => code !== null).map(redact);
  const describe = (meaning: string): string => {
    const said = [body.summary, body.detail].filter((part): part is string => part !== null && part.length > 0).join(': ');
    return redact(`GoCardless ${context.method} ${context.path} answered ${status}${said ? ` (${said})` : ''}: ${meaning}`);
  };
  const error = (code: ProviderErrorCode, meaning: string, retryAfterSeconds?: number): ProviderError =>
    new ProviderError(code, describe(meaning), { httpStatus: status, providerCodes, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });

  if (status === 429) {
    if (body.type === 'RateLimitError' || BANK_DAILY_LIMIT.test(text)) {
      const wait = secondsFromHeaders(context.headers, ACCOUNT_RESET_HEADERS) ?? secondsFromDetail(body.detail);
      return error('access_exceeded', "the bank's daily limit for this account is used up; try again after it resets", wait ?? undefined);
    }
    const wait = secondsFromHeaders(context.headers, GENERAL_RESET_HEADERS) ?? secondsFromDetail(body.detail) ?? DEFAULT_RETRY_AFTER_SECONDS;
    return error('rate_limited', 'rate limited by GoCardless; back off and retry', wait);
  }
  if (status >= 500) return error('unavailable', 'GoCardless or the bank behind it failed; retry later');
  if (body.type === 'AccessExpiredError' || ACCESS_ENDED.test(text)) {
    return error('consent_expired', "the end user's access expired or was revoked; the debtor must connect the bank again");
  }
  if (status === 409) {
    // 409 is "the account's state does not allow this": suspended accounts need a new requisition,
    // an account still being processed only needs time.
    if (SUSPENDED.test(text)) return error('consent_invalid', 'the account or requisition is suspended at GoCardless; the debtor must connect the bank again');
    return error('unavailable', 'the account is not ready at GoCardless yet; retry later');
  }
  if (status === 401) return error('unauthorised_client', 'GoCardless refused our credentials');
  // 403 is about what our credentials may do (an institution outside the company's plan, another
  // company's requisition): a misconfigured connection, not a broken secret.
  return error('rejected_request', 'GoCardless refused the request');
}

/** "Please try again in 37 seconds" in the detail of GoCardless's own 429. */
function secondsFromDetail(detail: string | null): number | null {
  const match = detail === null ? null : /try again in (\d+) seconds?/i.exec(detail);
  return match ? Number(match[1]) : null;
}
