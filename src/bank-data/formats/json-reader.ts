/**
 * Safe JSON reading for the API-shaped bank formats (Berlin Group, UK Open Banking).
 *
 * The syntax is checked by a small iterative scanner before JSON.parse sees the text, for two reasons:
 * the error must name line and column the same way on every Node version (V8's messages differ and
 * some carry no position at all), and nesting depth must be bounded before anything recursive runs.
 * Values are then read through JsonNode, which knows its JSON pointer, so every refusal names its place.
 */
import { BankFileError, type BankFormat } from '../canonical.js';
import { decodeUtf8, describePosition } from './text-decoding.js';

/** Same bound as the registry's default; adapters may be called directly, so they enforce one too. */
export const DEFAULT_MAX_JSON_BYTES = 50 * 1024 * 1024;
/** Real bank API responses nest fewer than 10 levels; deeper input is an attack on the parser, not data. */
export const MAX_JSON_DEPTH = 64;

export function readJsonDocument(input: Buffer, format: BankFormat, maxBytes: number = DEFAULT_MAX_JSON_BYTES): JsonNode {
  if (input.byteLength > maxBytes) {
    throw new BankFileError(format, 'file', `the file is ${input.byteLength} bytes; at most ${maxBytes} are accepted`, 'too_large');
  }
  const text = decodeUtf8(input, format);
  const problem = findJsonSyntaxProblem(text);
  if (problem) {
    throw new BankFileError(format, describePosition(text, problem.offset), problem.reason, problem.tooDeep ? 'unsafe' : 'malformed');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Unreachable when the scanner above is right; kept so that a disagreement still surfaces as a file error.
    throw new BankFileError(format, 'file', `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new JsonNode(format, value, '');
}

interface SyntaxProblem {
  offset: number;
  reason: string;
  tooDeep?: boolean;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** RFC 8259 syntax check without recursion; returns the first problem or null. */
export function findJsonSyntaxProblem(text: string, maxDepth: number = MAX_JSON_DEPTH): SyntaxProblem | null {
  const containers: Array<'{' | '['> = [];
  let pos = 0;
  let expecting: 'value' | 'key' | 'after-value' = 'value';
  const skipWhitespace = (): void => {
    while (pos < text.length && WHITESPACE.has(text.charCodeAt(pos))) pos++;
  };
  const describe = (at: number): string => (at >= text.length ? 'the end of the file' : `'${text[at]}'`);

  const scanString = (): SyntaxProblem | null => {
    const start = pos;
    pos++;
    while (pos < text.length) {
      const code = text.charCodeAt(pos);
      if (code === 0x22) {
        pos++;
        return null;
      }
      if (code < 0x20) return { offset: pos, reason: 'invalid JSON: a control character (such as a tab or line break) inside a string must be escaped' };
      if (code === 0x5c) {
        const escape = text[pos + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) return { offset: pos, reason: 'invalid JSON: \\u must be followed by four hexadecimal digits' };
          pos += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) return { offset: pos, reason: 'invalid JSON: unknown escape sequence in a string' };
        pos += 2;
        continue;
      }
      pos++;
    }
    return { offset: start, reason: 'invalid JSON: a string is not closed' };
  };

  for (;;) {
    skipWhitespace();
    if (expecting === 'value') {
      const ch = text[pos];
      if (ch === '{' || ch === '[') {
        containers.push(ch);
        if (containers.length > maxDepth) return { offset: pos, reason: `JSON nested deeper than ${maxDepth} levels is refused`, tooDeep: true };
        pos++;
        skipWhitespace();
        const close = ch === '{' ? '}' : ']';
        if (text[pos] === close) {
          containers.pop();
          pos++;
          expecting = 'after-value';
        } else {
          expecting = ch === '{' ? 'key' : 'value';
        }
        continue;
      }
      if (ch === '"') {
        const problem = scanString();
        if (problem) return problem;
      } else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) {
        NUMBER.lastIndex = pos;
        if (!NUMBER.test(text)) return { offset: pos, reason: 'invalid JSON: malformed number' };
        pos = NUMBER.lastIndex;
      } else if (text.startsWith('true', pos)) {
        pos += 4;
      } else if (text.startsWith('false', pos)) {
        pos += 5;
      } else if (text.startsWith('null', pos)) {
        pos += 4;
      } else {
        return { offset: pos, reason: `invalid JSON: expected a value but found ${describe(pos)}` };
      }
      expecting = 'after-value';
      continue;
    }
    if (expecting === 'key') {
      if (text[pos] !== '"') {
        const trailingComma = text[pos] === '}';
        return {
          offset: pos,
          reason: trailingComma
            ? "invalid JSON: a comma before '}' is not allowed (trailing comma)"
            : `invalid JSON: expected a property name in double quotes but found ${describe(pos)}`,
        };
      }
      const problem = scanString();
      if (problem) return problem;
      skipWhitespace();
      if (text[pos] !== ':') return { offset: pos, reason: `invalid JSON: expected ':' after a property name but found ${describe(pos)}` };
      pos++;
      expecting = 'value';
      continue;
    }
    const open = containers[containers.length - 1];
    if (open === undefined) {
      if (pos < text.length) return { offset: pos, reason: `invalid JSON: unexpected ${describe(pos)} after the end of the document` };
      return null;
    }
    const ch = text[pos];
    if (ch === ',') {
      pos++;
      skipWhitespace();
      if (open === '[' && text[pos] === ']') return { offset: pos, reason: "invalid JSON: a comma before ']' is not allowed (trailing comma)" };
      expecting = open === '{' ? 'key' : 'value';
      continue;
    }
    if ((open === '{' && ch === '}') || (open === '[' && ch === ']')) {
      containers.pop();
      pos++;
      continue;
    }
    return { offset: pos, reason: `invalid JSON: expected ',' or '${open === '{' ? '}' : ']'}' but found ${describe(pos)}` };
  }
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * A value inside a parsed JSON document together with its JSON pointer (RFC 6901).
 * Reading a value of the wrong type throws BankFileError at that pointer, so adapters never touch
 * `unknown` directly and cannot fail with a TypeError on hostile input.
 */
export class JsonNode {
  constructor(
    readonly format: BankFormat,
    readonly value: unknown,
    readonly pointer: string,
  ) {}

  get location(): string {
    return this.pointer === '' ? '/' : this.pointer;
  }

  /** Absent and JSON null are treated alike: APIs use both for "not given". */
  get isPresent(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  get isObject(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  get isArray(): boolean {
    return Array.isArray(this.value);
  }

  fail(reason: string): never {
    throw new BankFileError(this.format, this.location, reason);
  }

  /** The named member; own properties only, so "constructor" or "__proto__" never reach Object.prototype. */
  field(key: string): JsonNode {
    const value = this.isObject && Object.hasOwn(this.value as object, key) ? (this.value as Record<string, unknown>)[key] : undefined;
    return new JsonNode(this.format, value, `${this.pointer}/${escapePointerToken(key)}`);
  }

  has(key: string): boolean {
    return this.field(key).isPresent;
  }

  requireObject(what = 'an object'): this {
    if (!this.isPresent) this.fail(`${what} is required here`);
    if (!this.isObject) this.fail(`expected ${what}`);
    return this;
  }

  /** Elements of a required array. */
  items(): JsonNode[] {
    if (!this.isPresent) this.fail('an array is required here');
    if (!Array.isArray(this.value)) this.fail('expected an array');
    return this.value.map((item, index) => new JsonNode(this.format, item, `${this.pointer}/${index}`));
  }

  optionalItems(): JsonNode[] {
    return this.isPresent ? this.items() : [];
  }

  /** Some APIs (UK Open Banking examples among them) give a single object where the schema says array. */
  itemsOrSingle(): JsonNode[] {
    if (!this.isPresent) return [];
    return this.isArray ? this.items() : [this.requireObject()];
  }

  string(): string {
    const value = this.optionalString();
    if (value === null) this.fail('a non-empty text value is required here');
    return value;
  }

  /** Trimmed text, or null when absent, null or blank. Numbers are refused: amounts must stay decimal strings. */
  optionalString(): string | null {
    if (!this.isPresent) return null;
    if (typeof this.value !== 'string') this.fail(`expected a text value but found ${describeJsonType(this.value)}`);
    const trimmed = this.value.trim();
    return trimmed === '' ? null : trimmed;
  }

  optionalBoolean(): boolean | null {
    if (!this.isPresent) return null;
    if (typeof this.value !== 'boolean') this.fail(`expected true or false but found ${describeJsonType(this.value)}`);
    return this.value;
  }
}

function describeJsonType(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
