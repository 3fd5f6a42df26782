/**
 * One place turns every failure into RFC 9457 problem+json with a stable code. Clients get the
 * failing fields for validation errors; they never get stack traces, SQL or internal messages.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, toProblem, type ErrorCode, type FieldError } from '../errors.js';
import { toFieldErrors } from './validation.js';
import { databaseAppError, RetryableUnavailableError } from '../database/database-errors.js';

/** Retry-After for database trouble when the app does not configure it (see makeErrorHandler). */
const DEFAULT_DATABASE_RETRY_AFTER_SECONDS = 5;

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_parameter',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

const PARTS: Record<string, FieldError['in']> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

export function toAppError(error: FastifyError | Error, options: { retryAfterSeconds?: number } = {}): AppError {
  if (error instanceof AppError) return error;
  // Database away or busy: 503 with Retry-After, not 500 (see database/database-errors.ts).
  const database = databaseAppError(error, options.retryAfterSeconds ?? DEFAULT_DATABASE_RETRY_AFTER_SECONDS);
  if (database) return database;
  const fastifyError = error as FastifyError & { validation?: ErrorObject[]; validationContext?: string };
  if (fastifyError.validation) {
    const part = PARTS[fastifyError.validationContext ?? 'body'] ?? 'body';
    const errors = toFieldErrors(fastifyError.validation, part);
    const first = errors[0];
    const detail = first ? `${part} ${first.pointer}: ${first.message}` : 'the request is not valid';
    return new AppError('validation_failed', detail, { errors });
  }
  const mapped = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return new AppError(mapped, publicMessage(mapped, fastifyError));
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) return new AppError('malformed_json', 'the body is not valid JSON');
  if (fastifyError.statusCode === 413) return new AppError('payload_too_large');
  if (fastifyError.statusCode === 415) return new AppError('unsupported_media_type');
  return new AppError('internal_error', 'an unexpected error occurred; the request id identifies it in the logs');
}

function publicMessage(code: ErrorCode, error: FastifyError): string {
  switch (code) {
    case 'unsupported_media_type':
      return 'this content type is not accepted here; see the API documentation';
    case 'payload_too_large':
      return 'the request body is larger than this endpoint accepts';
    case 'malformed_json':
      return 'the body is not valid JSON';
    default:
      return error.message;
  }
}

/** Retry-After for a 429 whose thrower gave no figure; every 429 must carry one. */
const DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

export async function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError, options: { echoUrl?: boolean } = {}): Promise<FastifyReply> {
  // A URL that failed to route is not repeated back (it may be hostile or huge).
  const problem = toProblem(error, options.echoUrl === false ? undefined : request.url.split('?')[0], String(request.id));
  if (error.status === 429) {
    const seconds = error.extra.retryAfterSeconds;
    reply.header('retry-after', String(typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : DEFAULT_RATE_LIMIT_RETRY_AFTER_SECONDS));
  }
  if (error instanceof RetryableUnavailableError) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.status(error.status).type('application/problem+json').serializer(JSON.stringify).send(problem);
}

export function errorHandler(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  return handleError(error, request, reply, {});
}

/** The error handler with the configured Retry-After for database trouble. */
export function makeErrorHandler(options: { retryAfterSeconds: number }) {
  return function configuredErrorHandler(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    return handleError(error, request, reply, options);
  };
}

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, options: { retryAfterSeconds?: number }): Promise<FastifyReply> {
  const appError = toAppError(error, options);
  if (appError instanceof RetryableUnavailableError) request.log.warn({ err: error, code: appError.code }, 'database unavailable or busy');
  else if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: appError.code, status: appError.status }, 'request refused');
  return sendProblem(reply, request, appError);
}
