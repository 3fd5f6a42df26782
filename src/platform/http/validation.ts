/**
 * Request validation. Bodies are validated strictly (no type coercion, unknown fields rejected,
 * never silently removed) because a creditor's "100" for an amount is a bug we must surface.
 * Query strings and path parameters arrive as text, so there types are coerced.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { isIsoDate } from '../dates.js';
import type { FieldError } from '../errors.js';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const PLAIN_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: coerce ? 'array' : false,
    removeAdditional: false,
    useDefaults: true,
    // Unions tagged by a property (data points by `type`) report errors of the named variant only.
    discriminator: true,
    strict: false,
  });
  addFormats(ajv);
  // ajv's "date" format accepts 2026-02-30 in non-full mode; a day that does not exist is refused.
  ajv.addFormat('date', { type: 'string', validate: isIsoDate });
  // ajv's "uuid" also accepts "urn:uuid:…", which PostgreSQL's uuid type refuses (a 500 from a path id).
  ajv.addFormat('uuid', { type: 'string', validate: (value: string) => PLAIN_UUID.test(value) });
  return ajv;
}

export function createValidatorCompiler(sharedSchemas: object[]): FastifySchemaCompiler<FastifySchema> {
  const strictAjv = makeAjv(false);
  const coercingAjv = makeAjv(true);
  for (const schema of sharedSchemas) {
    strictAjv.addSchema(schema);
    coercingAjv.addSchema(schema);
  }
  return ({ schema, httpPart }) => {
    // Uploaded files are bytes that their format adapters validate; the schema only documents them.
    if ((schema as { format?: string }).format === 'binary') return () => true;
    const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
    const validate: ValidateFunction = ajv.compile(schema);
    return validate as unknown as ReturnType<FastifySchemaCompiler<FastifySchema>>;
  };
}

/**
 * Turns ajv errors into field errors with JSON pointers that name the failing field itself.
 * A union of literals makes ajv report one error per alternative; those collapse into one
 * "must be one of …" per field so clients see the rule, not the schema's shape.
 */
export function toFieldErrors(errors: ErrorObject[], part: FieldError['in']): FieldError[] {
  const pointerOf = (e: ErrorObject): string => {
    let pointer = e.instancePath;
    if (e.keyword === 'required') pointer += `/${escapePointer(String(e.params.missingProperty))}`;
    if (e.keyword === 'additionalProperties') pointer += `/${escapePointer(String(e.params.additionalProperty))}`;
    return pointer || '/';
  };
  const unionPointers = new Set(errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map(pointerOf));
  const allowedByPointer = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword === 'const' && unionPointers.has(pointerOf(e))) {
      const list = allowedByPointer.get(pointerOf(e)) ?? [];
      list.push(JSON.stringify(e.params.allowedValue));
      allowedByPointer.set(pointerOf(e), list);
    }
  }
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const pointer = pointerOf(e);
    if (e.keyword === 'if') continue;
    if (unionPointers.has(pointer) && e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    let message: string;
    if (e.keyword === 'additionalProperties') message = 'unknown field';
    else if (e.keyword === 'required') message = 'is required';
    else if ((e.keyword === 'anyOf' || e.keyword === 'oneOf') && allowedByPointer.has(pointer)) message = `must be one of ${allowedByPointer.get(pointer)!.join(', ')}`;
    else if (e.keyword === 'anyOf' || e.keyword === 'oneOf') message = 'does not match any allowed form';
    else if (e.keyword === 'enum') message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    else message = e.message ?? 'is invalid';
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ in: part, pointer, message, code: e.keyword === 'anyOf' || e.keyword === 'oneOf' ? 'enum' : e.keyword });
  }
  return out;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
