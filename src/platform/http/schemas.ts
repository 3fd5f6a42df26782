/**
 * Schemas shared by every route: problem details, ids, dates, pagination.
 * TypeBox objects are the single source: validation, TypeScript types and OpenAPI come from them.
 */
import { Type, type TSchema } from '@sinclair/typebox';

export const FieldErrorSchema = Type.Object(
  {
    in: Type.Unsafe<'body' | 'query' | 'params' | 'headers'>({ type: 'string', enum: ['body', 'query', 'params', 'headers'] }),
    pointer: Type.String({ description: 'JSON pointer to the failing field within the request part', examples: ['/events/0/amountCents'] }),
    message: Type.String(),
    code: Type.Optional(Type.String()),
  },
  { $id: 'FieldError' },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI identifying the problem type' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Ref('FieldError'))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (problem+json; `errors` lists the failing fields)',
  401: 'Missing or invalid credentials',
  403: 'Not allowed for this key, or no valid consent',
  404: 'Not found (also for resources of other tenants)',
  406: 'None of the media types in the Accept header can be produced',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported content type or file format',
  422: 'Well-formed but unprocessable',
  429: 'Too many requests; `Retry-After` says how many seconds to wait',
  503: 'The database is unavailable or busy (database_unavailable, database_busy) or the service is not ready; retry after the seconds in the Retry-After header',
};

/** Response headers that come with a problem status. */
const PROBLEM_HEADERS: Record<number, Record<string, object>> = {
  429: { 'Retry-After': { type: 'integer', minimum: 1, description: 'Seconds until the limit resets (for daily limits: the next day in the tenant’s time zone)' } },
};

/** Problem responses for the given statuses, declared as application/problem+json. */
export function problemResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const status of statuses) {
    out[status] = Type.Unsafe({
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
      content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
      ...(PROBLEM_HEADERS[status] ? { headers: PROBLEM_HEADERS[status] } : {}),
    });
  }
  return out;
}

/** The statuses every authenticated route can answer with: the key is checked in the database, hence 503. */
export const AUTHENTICATED_PROBLEMS = [400, 401, 403, 503] as const;

/** A plain UUID (the validator's `uuid` format refuses `urn:uuid:` and braces, which the database does not take). */
export const UuidSchema = Type.String({ format: 'uuid' });
export const IsoDateSchema = Type.String({ format: 'date', description: 'ISO 8601 calendar date' });
export const DateTimeSchema = Type.String({ format: 'date-time' });
export const CentsSchema = Type.Integer({ description: 'Amount in euro cents' });

export const PageQuerySchema = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'Opaque cursor from the previous page' })),
});

/** A string restricted to listed values: one `enum` in JSON Schema (clearer than a union of literals). */
export function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string; default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
