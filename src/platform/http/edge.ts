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
  // Entries keep their parent and key, and a pointer is spelled out only for a bad string: a 20 MB
  // body has a million values and almost never a bad one.
  interface Entry {
    value: unknown;
    parent: Entry | null;
    key: string;
  }
  const pointerOf = (entry: Entry): string => {
    const segments: string[] = [];
    for (let e: Entry | null = entry; e?.parent; e = e.parent) segments.push(escapePointer(e.key));
    return segments.length === 0 ? '/' : `/${segments.reverse().join('/')}`;
  };
  const found: FieldError[] = [];
  const stack: Entry[] = [{ value: root, parent: null, key: '' }];
  while (stack.length > 0 && found.length < limit) {
    const entry = stack.pop()!;
    const value = entry.value;
    if (typeof value === 'string') {
      const problem = unstorableText(value);
      if (problem) found.push({ in: part, pointer: pointerOf(entry), message: problem, code: 'unstorable_text' });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], parent: entry, key: String(i) });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const child: Entry = { value: (value as Record<string, unknown>)[key], parent: entry, key };
        const keyProblem = unstorableText(key);
        if (keyProblem) found.push({ in: part, pointer: pointerOf(child), message: `field name ${keyProblem}`, code: 'unstorable_text' });
        stack.push(child);
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// JSON bodies

/**
 * Whether the JSON text nests objects and arrays deeper than `max`. A linear scan of the bytes, run
 * before parsing, so nothing downstream ever sees a deeper document. Works on UTF-8 bytes (the
 * structural characters never occur inside a multi-byte sequence) and jumps over string contents
 * with Buffer.indexOf, which is native: most bytes of a body are inside strings.
 */
export function jsonDepthExceeds(bytes: Buffer, max: number): boolean {
  let depth = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const c = bytes[i]!;
    if (c === 0x22) {
      // The closing quote is the next one not escaped by an odd run of backslashes.
      let end = bytes.indexOf(0x22, i + 1);
      while (end !== -1) {
        let backslashes = 0;
        while (bytes[end - 1 - backslashes] === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        end = bytes.indexOf(0x22, end + 1);
      }
      if (end === -1) return false; // unterminated: the parser refuses it
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Only a \u escape can put NUL or a surrogate into parsed JSON (raw control characters are invalid JSON, and strict UTF-8 has no surrogates). */
const RISKY_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

type JsonParser = (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => void;

/**
 * The application/json parser: strict UTF-8 (invalid bytes are refused, not replaced by U+FFFD and
 * stored), a nesting limit, then Fastify's own parser (prototype-poisoning checks), then the string check.
 */
export function makeJsonBodyParser(defaultParser: JsonParser, options: { maxDepth: number }) {
  return (request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void): void => {
    if (jsonDepthExceeds(body, options.maxDepth)) {
      done(new AppError('json_too_deep', `the body nests objects and arrays more than ${options.maxDepth} deep`));
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      done(new AppError('invalid_utf8', 'the body is not valid UTF-8; JSON must be sent as UTF-8'));
      return;
    }
    defaultParser(request, text, (error, value) => {
      if (error) return done(error);
      // The walk finds the pointers; it runs only when the text has an escape that could produce a bad string.
      const errors = RISKY_ESCAPE.test(text) ? findUnstorableStrings(value, 'body') : [];
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
