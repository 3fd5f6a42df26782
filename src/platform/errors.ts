/**
 * One error type for the whole service. Domain code throws AppError with a stable machine code;
 * the HTTP layer turns it into RFC 9457 problem+json, the CLI into a message and exit code.
 * Codes are part of the API contract: clients branch on them, so they never change meaning.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The body is not valid JSON' },
  invalid_parameter: { status: 400, title: 'A parameter is not valid' },
  missing_api_key: { status: 401, title: 'An API key is required' },
  invalid_api_key: { status: 401, title: 'The API key is not valid' },
  invalid_link_token: { status: 401, title: 'The link is not valid or has expired' },
  invalid_metrics_token: { status: 401, title: 'The metrics token is missing or not valid' },
  metrics_local_only: { status: 403, title: 'Metrics are served to this machine only' },
  invalid_form: { status: 403, title: 'The form could not be verified as sent from this page' },
  forbidden_role: { status: 403, title: 'This API key may not do this' },
  consent_required: { status: 403, title: 'No valid consent covers this data and purpose' },
  consent_expired: { status: 403, title: 'The consent has expired' },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such route' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'None of the accepted media types can be produced' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  idempotency_conflict: { status: 409, title: 'The same id was sent before with other content' },
  invalid_state: { status: 409, title: 'The resource is not in a state that allows this' },
  payload_too_large: { status: 413, title: 'The body is too large' },
  unsupported_media_type: { status: 415, title: 'The content type is not supported' },
  unsupported_format: { status: 415, title: 'The file format is not supported or not recognised' },
  unprocessable_file: { status: 422, title: 'The file could not be read' },
  unsafe_file: { status: 422, title: 'The file contains constructs that are refused for safety' },
  unprocessable_entity: { status: 422, title: 'The request cannot be processed' },
  no_evaluation_set: { status: 422, title: 'The model version has no evaluation set to report on' },
  rate_limited: { status: 429, title: 'Too many requests' },
  // Hostile or broken input refused at the edge, before any route code runs (src/platform/http/edge.ts).
  malformed_url: { status: 400, title: 'The URL is not valid' },
  malformed_request: { status: 400, title: 'The request is not valid HTTP' },
  invalid_utf8: { status: 400, title: 'The body is not valid UTF-8' },
  json_too_deep: { status: 400, title: 'The body is nested too deeply' },
  malformed_compressed_body: { status: 400, title: 'The compressed body cannot be decompressed' },
  request_timeout: { status: 408, title: 'The request took too long to arrive' },
  uri_too_long: { status: 414, title: 'The URL is too long' },
  unsupported_content_encoding: { status: 415, title: 'The content encoding is not supported' },
  headers_too_large: { status: 431, title: 'The request headers are too large' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'The service is not ready' },
  database_unavailable: { status: 503, title: 'The database is unavailable' },
  database_busy: { status: 503, title: 'The database is busy' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A field that failed, as a JSON pointer into the named part of the request. */
export interface FieldError {
  in: 'body' | 'query' | 'params' | 'headers';
  pointer: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly extra: { errors?: FieldError[]; [key: string]: unknown } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}

export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} was not found`);
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'https://draagkracht.dev/problems/';

export function toProblem(error: AppError, instance?: string, requestId?: string): ProblemDetails {
  const { errors, ...extra } = error.extra;
  return {
    type: `${PROBLEM_TYPE_BASE}${error.code.replace(/_/g, '-')}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
    ...extra,
  };
}
