/**
 * Contract validator for the Berlin Group NextGenPSD2 XS2A API, built on the published OpenAPI
 * document (test/fixtures/berlin-group/psd2-api_v1.3.11-2021-10-01v1.yaml, CC BY 4.0 Berlin Group).
 *
 * Both sides of this project's XS2A traffic are checked against the same document: the sandbox
 * bank's responses (test/sandbox-bank) and the client's requests and the responses it accepts
 * (test/bank-connections). Neither side can then drift into a private dialect the other happens to
 * share, because the judge is the specification, not the other side's code.
 *
 * Usage:
 *   const errors = validateXs2aRequest({ method: 'POST', path: '/v1/consents', headers, body });
 *   const errors = validateXs2aResponse({ method: 'GET', path: '/v1/accounts', status: 200, headers, body });
 *   expect(errors).toEqual([]);   // every entry says what is wrong and where
 *
 * - `path` may be a full URL or a path, with or without a query string and with any prefix before
 *   `/v1/` (a bank's base path such as `/psd2`); it is matched to the spec's path template, literal
 *   segments winning over parameters (`/v1/consents/x/status` is the consent status, not a payment).
 * - `headers`: names case-insensitive; values strings (as on the wire), or a `Headers` object.
 * - `query`: an object or URLSearchParams; merged with any query string in `path`.
 * - `body`: the parsed JSON, or the raw string (parsed here; invalid JSON is an error). For responses
 *   the media type comes from the Content-Type header (application/json when absent).
 *
 * What is checked: the path and method exist; path, header and query parameters (required ones
 * present, every given one valid against its schema after the string-to-type conversion HTTP
 * implies; a query parameter the operation does not define is an error); the request body (required,
 * Content-Type, schema); the response status is one the operation defines, its required headers
 * (X-Request-ID) are present and valid, and its body matches the schema of its media type (a status
 * without content must come without a body). The document is OpenAPI 3.0: `nullable` and the boolean
 * `exclusiveMinimum`/`exclusiveMaximum` are translated to JSON Schema before ajv compiles it.
 *
 * Not checked: security (the document declares none for AIS besides optional OAuth), signatures and
 * certificates (eIDAS is out of scope for the sandbox), and the free-text tppMessages codes (the
 * 1.3.11 document types them as plain strings; the sandbox tests assert the codes themselves).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const XS2A_SPEC_PATH = new URL('../fixtures/berlin-group/psd2-api_v1.3.11-2021-10-01v1.yaml', import.meta.url);

type HeaderInput = Record<string, string | string[] | number | undefined> | Headers;
type QueryInput = Record<string, string | number | boolean | undefined> | URLSearchParams;

export interface Xs2aRequest {
  method: string;
  path: string;
  headers?: HeaderInput;
  query?: QueryInput;
  body?: unknown;
}

export interface Xs2aResponse {
  method: string;
  path: string;
  status: number;
  headers?: HeaderInput;
  body?: unknown;
}

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
  /** Pointer of the parameter in the document, for the compile cache. */
  pointer: string;
}

interface MatchedOperation {
  template: string;
  operation: Json;
  operationPointer: string;
  pathParameters: Record<string, string>;
  parameters: Parameter[];
}

const DOCUMENT_ID = 'xs2a.json';

interface Spec {
  doc: Json;
  ajv: Ajv;
  templates: { template: string; pattern: RegExp; names: string[]; literals: number }[];
  compiled: Map<string, ValidateFunction>;
}

let loaded: Spec | null = null;

/**
 * OpenAPI 3.0 schema objects to JSON Schema (draft-07, which ajv speaks): `nullable: true` adds
 * null to the type, boolean exclusive bounds become numeric ones, and local `#/...` references are
 * made absolute so a schema compiled on its own still resolves into the document.
 */
function translate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translate);
  if (node === null || typeof node !== 'object') return node;
  const source = node as Json;
  const out: Json = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out.$ref = `${DOCUMENT_ID}${value}`;
    else if (key === 'example' || key === 'examples' || key === 'discriminator' || key === 'xml' || key === 'externalDocs') {
      // Annotations ajv does not need; `examples` under a media type is kept below for the tests.
      if (key === 'examples') out[key] = value;
    } else out[key] = translate(value);
  }
  if (source.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.enum && Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    else if (!out.type) out.anyOf = [{ ...out }, { type: 'null' }];
  } else if ('nullable' in out) delete out.nullable;
  for (const [bound, exclusive] of [
    ['minimum', 'exclusiveMinimum'],
    ['maximum', 'exclusiveMaximum'],
  ] as const) {
    if (typeof out[exclusive] === 'boolean') {
      if (out[exclusive] === true && typeof out[bound] === 'number') {
        out[exclusive] = out[bound];
        delete out[bound];
      } else delete out[exclusive];
    }
  }
  return out;
}

function spec(): Spec {
  if (loaded) return loaded;
  const raw = parse(readFileSync(XS2A_SPEC_PATH, 'utf8')) as Json;
  const doc = translate(raw) as Json;
  // strict: false because OpenAPI documents carry keywords JSON Schema does not know (style,
  // explode, in, required as a boolean on parameters...); the schemas themselves are still enforced.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, logger: false });
  addFormats(ajv);
  // ajv-formats' "url" is a regex that refuses private and loopback hosts (127.0.0.1, 192.168.x),
  // which says nothing about conformance and would fail every bank on a test network: any absolute
  // URL the WHATWG parser accepts is a url here.
  ajv.addFormat('url', { type: 'string', validate: (value: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value) && URL.canParse(value) });
  ajv.addSchema({ $id: DOCUMENT_ID, components: doc.components, paths: doc.paths } as Json);
  const templates = Object.keys(doc.paths as Json).map((template) => {
    const names: string[] = [];
    const segments = template.split('/').slice(1);
    const pattern = new RegExp(
      `^/${segments
        .map((segment) => {
          const parameter = /^\{(.+)\}$/.exec(segment);
          if (!parameter) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          names.push(parameter[1]!);
          return '([^/]+)';
        })
        .join('/')}$`,
    );
    return { template, pattern, names, literals: segments.filter((segment) => !segment.startsWith('{')).length };
  });
  loaded = { doc, ajv, templates, compiled: new Map() };
  return loaded;
}

/** `xs2a.json#/components/...` (translated) or `#/components/...` (inside examples) to a pointer. */
function pointerOfRef(ref: string): string {
  return ref.slice(ref.indexOf('#') + 1);
}

function pointerEscape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Resolves `{ $ref }` chains to the referenced object (parameters, responses, headers, bodies). */
function resolve(value: unknown): Json {
  let node = value as Json;
  for (let hops = 0; node && typeof node.$ref === 'string' && hops < 20; hops++) {
    node = lookup(pointerOfRef(node.$ref as string)) as Json;
  }
  return node;
}

function lookup(pointer: string): unknown {
  let node: unknown = spec().doc;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Json | undefined)?.[segment];
  }
  return node;
}

/** Compiles the schema found at a pointer in the document once; refs resolve into the document. */
function validatorAt(pointer: string): ValidateFunction {
  const { ajv, compiled } = spec();
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const detail = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : error.keyword === 'enum' ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})` : '';
    return `${where}${error.instancePath || ''} ${error.message ?? error.keyword}${detail}`;
  });
}

function pathOf(input: string): { pathname: string; search: URLSearchParams } {
  const url = new URL(input, 'http://xs2a.invalid');
  const index = url.pathname.indexOf('/v1/');
  return { pathname: index >= 0 ? url.pathname.slice(index) : url.pathname, search: url.searchParams };
}

function matchOperation(method: string, pathname: string, errors: string[]): MatchedOperation | null {
  const { doc, templates } = spec();
  const candidates = templates
    .map((entry) => ({ entry, match: entry.pattern.exec(pathname) }))
    .filter((candidate) => candidate.match !== null)
    .sort((a, b) => b.entry.literals - a.entry.literals);
  const best = candidates[0];
  if (!best || !best.match) {
    errors.push(`path ${pathname} matches no path of the specification`);
    return null;
  }
  const { template, names } = best.entry;
  const pathItem = (doc.paths as Json)[template] as Json;
  const lower = method.toLowerCase();
  const operation = pathItem[lower] as Json | undefined;
  if (!operation) {
    errors.push(`${method.toUpperCase()} ${template} is not an operation of the specification`);
    return null;
  }
  const pathParameters: Record<string, string> = {};
  names.forEach((name, i) => {
    pathParameters[name] = decodeURIComponent(best.match![i + 1]!);
  });
  const operationPointer = `/paths/${pointerEscape(template)}/${lower}`;
  const parameters: Parameter[] = [];
  const seen = new Set<string>();
  // Operation-level parameters override path-item-level ones with the same name and location.
  const lists: [unknown, string][] = [
    [operation.parameters, `${operationPointer}/parameters`],
    [pathItem.parameters, `/paths/${pointerEscape(template)}/parameters`],
  ];
  for (const [list, base] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((entry: unknown, i: number) => {
      const ref = (entry as Json).$ref;
      const pointer = typeof ref === 'string' ? pointerOfRef(ref) : `${base}/${i}`;
      const parameter = resolve(entry) as unknown as Omit<Parameter, 'pointer'>;
      const key = `${parameter.in}:${parameter.name.toLowerCase()}`;
      if (seen.has(key)) return;
      seen.add(key);
      parameters.push({ ...parameter, pointer });
    });
  }
  return { template, operation, operationPointer, pathParameters, parameters };
}

function headerMap(headers: HeaderInput | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (!headers) return map;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((value, name) => map.set(name.toLowerCase(), value));
    return map;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined) continue;
    map.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
  }
  return map;
}

/** HTTP carries strings; a parameter typed boolean/integer/number is converted as the wire implies. */
function coerce(raw: string, schema: Json | undefined): unknown {
  const type = schema ? (resolve(schema).type as string | undefined) : undefined;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'integer' || type === 'number') return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return raw;
}

function checkParameter(parameter: Parameter, raw: string | undefined, errors: string[]): void {
  const where = `${parameter.in} parameter ${parameter.name}`;
  if (raw === undefined) {
    if (parameter.required) errors.push(`${where} is required`);
    return;
  }
  if (!parameter.schema) return;
  const validate = validatorAt(`${parameter.pointer}/schema`);
  if (!validate(coerce(raw, parameter.schema))) errors.push(...describeErrors(where, validate.errors));
}

function parseBody(body: unknown, where: string, errors: string[]): { ok: boolean; value: unknown } {
  if (typeof body !== 'string') return { ok: true, value: body };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    errors.push(`${where} is not valid JSON`);
    return { ok: false, value: undefined };
  }
}

function mediaTypeOf(headers: Map<string, string>): string | undefined {
  return headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
}

/** Checks a request a client sends (or a server receives) against the operation it addresses. */
export function validateXs2aRequest(request: Xs2aRequest): string[] {
  const errors: string[] = [];
  const { pathname, search } = pathOf(request.path);
  const matched = matchOperation(request.method, pathname, errors);
  if (!matched) return errors;
  const headers = headerMap(request.headers);
  const query = new Map<string, string>();
  search.forEach((value, name) => query.set(name, value));
  if (request.query instanceof URLSearchParams) request.query.forEach((value, name) => query.set(name, value));
  else if (request.query) for (const [name, value] of Object.entries(request.query)) if (value !== undefined) query.set(name, String(value));

  const knownQuery = new Set<string>();
  for (const parameter of matched.parameters) {
    if (parameter.in === 'path') checkParameter(parameter, matched.pathParameters[parameter.name], errors);
    else if (parameter.in === 'header') checkParameter(parameter, headers.get(parameter.name.toLowerCase()), errors);
    else if (parameter.in === 'query') {
      knownQuery.add(parameter.name);
      checkParameter(parameter, query.get(parameter.name), errors);
    }
  }
  for (const name of query.keys()) if (!knownQuery.has(name)) errors.push(`query parameter ${name} is not defined for ${request.method.toUpperCase()} ${matched.template}`);

  const requestBodyRef = matched.operation.requestBody;
  const requestBody = requestBodyRef ? resolve(requestBodyRef) : undefined;
  const hasBody = request.body !== undefined && request.body !== null && request.body !== '';
  if (!requestBody) {
    if (hasBody) errors.push(`request body given, but ${request.method.toUpperCase()} ${matched.template} takes none`);
    return errors;
  }
  if (!hasBody) {
    if (requestBody.required !== false) errors.push('request body is required');
    return errors;
  }
  const content = requestBody.content as Json;
  const mediaType = mediaTypeOf(headers);
  if (!mediaType) errors.push('header Content-Type is required with a request body');
  const chosen = mediaType && content[mediaType] ? mediaType : 'application/json';
  if (mediaType && !content[mediaType]) errors.push(`Content-Type ${mediaType} is not one of ${Object.keys(content).join(', ')}`);
  const base = typeof requestBodyRef === 'object' && typeof (requestBodyRef as Json).$ref === 'string' ? pointerOfRef((requestBodyRef as Json).$ref as string) : `${matched.operationPointer}/requestBody`;
  const parsed = parseBody(request.body, 'request body', errors);
  if (!parsed.ok || !content[chosen]) return errors;
  const validate = validatorAt(`${base}/content/${pointerEscape(chosen)}/schema`);
  if (!validate(parsed.value)) errors.push(...describeErrors('request body', validate.errors));
  return errors;
}

/** Checks a response an ASPSP sends (or a client accepts) for the operation the request addressed. */
export function validateXs2aResponse(response: Xs2aResponse): string[] {
  const errors: string[] = [];
  const { pathname } = pathOf(response.path);
  const matched = matchOperation(response.method, pathname, errors);
  if (!matched) return errors;
  const responses = matched.operation.responses as Json;
  const statusKey = String(response.status);
  const responseRef = responses[statusKey] ?? responses[`${statusKey[0]}XX`] ?? responses.default;
  if (!responseRef) {
    errors.push(`status ${statusKey} is not a response of ${response.method.toUpperCase()} ${matched.template}`);
    return errors;
  }
  const ref = (responseRef as Json).$ref;
  const responsePointer = typeof ref === 'string' ? pointerOfRef(ref) : `${matched.operationPointer}/responses/${statusKey}`;
  const definition = resolve(responseRef);
  const headers = headerMap(response.headers);

  for (const [name, headerRef] of Object.entries((definition.headers ?? {}) as Json)) {
    const header = resolve(headerRef);
    const value = headers.get(name.toLowerCase());
    if (value === undefined) {
      if (header.required) errors.push(`response header ${name} is required`);
      continue;
    }
    const headerPointer = typeof (headerRef as Json).$ref === 'string' ? pointerOfRef((headerRef as Json).$ref as string) : `${responsePointer}/headers/${pointerEscape(name)}`;
    if (!header.schema) continue;
    const validate = validatorAt(`${headerPointer}/schema`);
    if (!validate(coerce(value, header.schema as Json))) errors.push(...describeErrors(`response header ${name}`, validate.errors));
  }

  const content = definition.content as Json | undefined;
  const hasBody = response.body !== undefined && response.body !== null && response.body !== '';
  if (!content) {
    // 204, and the 5xx answers whose content the document leaves open: a 204 must be empty.
    if (hasBody && response.status === 204) errors.push('status 204 must come without a body');
    return errors;
  }
  if (!hasBody) {
    errors.push(`response body is required for status ${statusKey}`);
    return errors;
  }
  const mediaType = mediaTypeOf(headers) ?? 'application/json';
  if (!content[mediaType]) {
    errors.push(`response Content-Type ${mediaType} is not one of ${Object.keys(content).join(', ')}`);
    return errors;
  }
  if (!mediaType.includes('json')) return errors;
  const parsed = parseBody(response.body, 'response body', errors);
  if (!parsed.ok) return errors;
  const validate = validatorAt(`${responsePointer}/content/${pointerEscape(mediaType)}/schema`);
  if (!validate(parsed.value)) errors.push(...describeErrors('response body', validate.errors));
  return errors;
}

/**
 * The examples the document gives for a response or request body (by media type), resolved: the
 * positive cases of the validator's own tests, and a reference for anyone reading the sandbox.
 */
export function xs2aExamples(kind: 'response', method: string, path: string, status: number): { name: string; value: unknown }[];
export function xs2aExamples(kind: 'request', method: string, path: string): { name: string; value: unknown }[];
export function xs2aExamples(kind: 'request' | 'response', method: string, path: string, status?: number): { name: string; value: unknown }[] {
  const errors: string[] = [];
  const matched = matchOperation(method, pathOf(path).pathname, errors);
  if (!matched) throw new Error(errors.join('; '));
  const holder = kind === 'request' ? matched.operation.requestBody : (matched.operation.responses as Json)[String(status)];
  if (!holder) return [];
  const media = (resolve(holder).content as Json | undefined)?.['application/json'] as Json | undefined;
  const examples = (media?.examples ?? {}) as Json;
  return Object.entries(examples).map(([name, example]) => ({ name, value: resolve(example).value }));
}
