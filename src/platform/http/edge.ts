/**
 * Hostile or broken input, refused at the edge before any route code runs, always as problem+json:
 * - JSON bodies: invalid UTF-8, nesting deeper than configured, and strings (values or keys) holding
 *   NUL or lone surrogates, which PostgreSQL refuses in text and jsonb (a 500 if they got that far);
 * - query strings and path parameters with the same characters;
 * - compressed bodies (Content-Encoding), decompressed with the body limit counting decompressed
 *   bytes, so a gzip bomb is a 413; unknown encodings are a 415 that names them;
 * - Fastify's own refusals (bad URL, parameter too long) and errors of the HTTP parser itself.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, toProblem, type ErrorCode, type FieldError } from '../errors.js';
import type { RouteCatalogueEntry } from './types.js';

// ---------------------------------------------------------------------------------------------
// Strings

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or null when it can. */
export function unstorableText(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain NUL (U+0000) characters';
  if (LONE_SURROGATE.test(value)) return 'must not contain lone UTF-16 surrogates (not valid Unicode text)';
  return null;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Every string in a parsed JSON value (object keys too) that cannot be stored, with its JSON pointer.
 * Walks with an explicit stack, so a deep document cannot exhaust the call stack.
 */
export function findUnstorableStrings(root: unknown, part: FieldError['in'], limit = 20): FieldError[] {
  const found: FieldError[] = [];
  const stack: { value: unknown; pointer: string }[] = [{ value: root, pointer: '' }];
  while (stack.length > 0 && found.length < limit) {
    const { value, pointer } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) found.push({ in: part, pointer: pointer || '/', message: problem, code: 'unstorable_text' });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: `${pointer}/${i}` });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const at = `${pointer}/${escapePointer(key)}`;
        const keyProblem = unstorableText(key);
        if (keyProblem) found.push({ in: part, pointer: at, message: `field name ${keyProblem}`, code: 'unstorable_text' });
        stack.push({ value: (value as Record<string, unknown>)[key], pointer: at });
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// JSON bodies

/**
 * How deeply the JSON text nests objects and arrays, stopping as soon as it passes `max`. A linear
 * scan of the text, run before parsing, so nothing downstream ever sees a document deeper than allowed.
 */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

type JsonParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * The application/json parser: strict UTF-8 (invalid bytes are refused, not replaced by U+FFFD and
 * stored), a nesting limit, then Fastify's own parser (prototype-poisoning checks), then the string check.
 */
export function makeJsonBodyParser(defaultParser: JsonParser, options: { maxDepth: number }) {
  return (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void): void => {
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(new AppError('invalid_utf8', 'the body is not valid UTF-8; JSON must be sent as UTF-8'));
      return;
    }
    if (jsonDepthExceeds(text, options.maxDepth)) {
      done(new AppError('json_too_deep', `the body nests objects and arrays more than ${options.maxDepth} deep`));
      return;
    }
    defaultParser(request, text, (error, value) => {
      if (error) return done(error);
      const errors = findUnstorableStrings(value, 'body');
      if (errors.length > 0) return done(new AppError('validation_failed', `body ${errors[0]!.pointer}: ${errors[0]!.message}`, { errors }));
      done(null, value);
    });
  };
}

/** preValidation: query strings and path parameters may not carry NUL or lone surrogates either. */
export async function refuseUnstorableParameters(request: FastifyRequest): Promise<void> {
  const errors = [...findUnstorableStrings(request.query, 'query'), ...findUnstorableStrings(request.params, 'params')];
  if (errors.length > 0) throw new AppError('validation_failed', `${errors[0]!.in} ${errors[0]!.pointer}: ${errors[0]!.message}`, { errors });
}

// ---------------------------------------------------------------------------------------------
// Content-Encoding

const DECODERS: Record<string, () => Transform> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
};

/** A header value safe to repeat in a message: short and made of token characters only. */
function nameForMessage(value: string): string {
  return /^[A-Za-z0-9._+-]{1,40}$/.test(value) ? `"${value}"` : 'this one';
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * preParsing: decompresses a body sent with Content-Encoding gzip, deflate or br. The content-type
 * parsers then count decompressed bytes against the body limit (413 for a bomb) and compressed bytes
 * against Content-Length (receivedEncodedLength, as Fastify expects from a decoding stream).
 */
export async function decompressRequestBody(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  const header = request.headers['content-encoding'];
  if (header === undefined || !hasBody(request)) return payload;
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return payload;
  if (codings.length > 1) throw new AppError('unsupported_content_encoding', 'send the body with at most one content encoding (gzip, deflate or br)');
  const coding = codings[0]!;
  const decoder = DECODERS[coding];
  if (!decoder) throw new AppError('unsupported_content_encoding', `content encoding ${nameForMessage(coding)} is not supported; send gzip, deflate, br or no encoding`);
  const output = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  output.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    output.receivedEncodedLength += chunk.length;
  });
  // pipe() rather than pipeline(): pipeline would destroy the output with zlib's own error first, and
  // the client must get malformed_compressed_body, not an internal error.
  const decoding = decoder();
  decoding.on('error', () => output.destroy(new AppError('malformed_compressed_body', `the body is not valid ${coding} data`)));
  payload.on('error', (error) => output.destroy(error));
  payload.pipe(decoding).pipe(output);
  return output;
}

// ---------------------------------------------------------------------------------------------
// Fastify's own refusals, and 405

/** Fastify's frameworkErrors: a URL that cannot be decoded, or a path parameter over maxParamLength. */
export function frameworkErrorToAppError(error: { code?: string }): AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError('uri_too_long', 'a path segment of the URL is longer than this service accepts');
  if (error.code === 'FST_ERR_BAD_URL') return new AppError('malformed_url', 'the URL path holds an invalid percent-encoding');
  return new AppError('malformed_url', 'the URL cannot be routed');
}

/** The methods the app serves at this path (GET implies HEAD), for 405 and its Allow header. */
export function makeAllowedMethods(catalogue: readonly RouteCatalogueEntry[]) {
  let compiled: { method: string; pattern: RegExp }[] | null = null;
  return (path: string): string[] => {
    // Compiled on first use: the catalogue is complete once the app is ready.
    compiled ??= catalogue.map((route) => ({
      method: route.method,
      pattern: new RegExp(`^${route.url.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`),
    }));
    const methods = new Set<string>();
    for (const route of compiled) {
      if (!route.pattern.test(path)) continue;
      methods.add(route.method);
      if (route.method === 'GET') methods.add('HEAD');
    }
    return [...methods].sort();
  };
}

// ---------------------------------------------------------------------------------------------
// Errors of Node's HTTP parser (before Fastify sees a request)

const CLIENT_ERRORS: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
};

/** Fastify's clientErrorHandler: answers a request Node could not parse with problem+json and closes. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError = new AppError(CLIENT_ERRORS[error.code ?? ''] ?? 'malformed_request');
  const body = JSON.stringify(toProblem(appError));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
