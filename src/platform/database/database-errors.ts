/**
 * Tells passing database trouble from bugs. When PostgreSQL restarts, refuses connections, or a
 * request waits past lock_timeout or statement_timeout, nothing is wrong with the request: the
 * client should try again shortly. Those answer 503 with Retry-After and a stable code; everything
 * else stays a 500 internal_error.
 */
import { AppError, type ErrorCode } from '../errors.js';

/** A 503 that will pass: the error handler sends it with a Retry-After header. */
export class RetryableUnavailableError extends AppError {
  constructor(
    code: Extract<ErrorCode, 'database_unavailable' | 'database_busy' | 'service_unavailable'>,
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, detail);
    this.name = 'RetryableUnavailableError';
  }
}

// SQLSTATEs: https://www.postgresql.org/docs/current/errcodes-appendix.html
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping or restarting
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
  '25P03', // idle_in_transaction_session_timeout: the server closed the session
]);
const BUSY_SQLSTATES = new Set([
  '55P03', // lock_not_available: lock_timeout passed while another session held the lock
  '57014', // query_canceled: statement_timeout passed
]);
/** Errors from the socket under the driver: the server is not there or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN']);
/** What `pg` and `pg-pool` say, without a code, when a connection is lost or cannot be had in time. */
const DRIVER_MESSAGES = [
  /^Connection terminated/i, // "Connection terminated unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect/i, // pool connectionTimeoutMillis
  /is not queryable/i, // a client whose connection already broke
  /^Connection ended/i,
];

export type DatabaseTrouble = 'unavailable' | 'busy';

/** Classifies an error thrown by a query, a transaction or the pool; null when it is something else. */
export function classifyDatabaseError(error: unknown): DatabaseTrouble | null {
  // Follow causes and aggregated errors (a host name resolving to IPv4 and IPv6 refuses twice).
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const { code, message, cause, errors } = current as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') {
      if (BUSY_SQLSTATES.has(code)) return 'busy';
      if (UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) return 'unavailable';
    }
    if (typeof message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return 'unavailable';
    queue.push(cause);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return null;
}

/** The 503 for a database error, or null when the error is not passing database trouble. */
export function databaseAppError(error: unknown, retryAfterSeconds: number): RetryableUnavailableError | null {
  if (error instanceof AppError) return null;
  switch (classifyDatabaseError(error)) {
    case 'unavailable':
      return new RetryableUnavailableError('database_unavailable', 'the database cannot be reached; retry after the time in Retry-After', retryAfterSeconds);
    case 'busy':
      return new RetryableUnavailableError('database_busy', 'the database did not finish in time (a lock or a long query); retry after the time in Retry-After', retryAfterSeconds);
    default:
      return null;
  }
}
