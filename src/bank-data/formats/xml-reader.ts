/**
 * Safe XML reading for bank files (camt.05x).
 *
 * Bank files arrive from outside, so the reader refuses before parsing what XML parsers have been
 * exploited with: DOCTYPE and ENTITY declarations (external entities read local files; nested
 * entities expand a few bytes into gigabytes, "billion laughs"), absurd nesting, oversized input.
 * fast-xml-parser then runs with entity processing off; the five predefined entities and numeric
 * character references are decoded here, and nothing else is. Every value stays a string, so
 * "0.10" never becomes a float and an account number never loses its leading zeros.
 */
import iconv from 'iconv-lite';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { BankFileError, type BankFormat } from '../canonical.js';
import { asciiPrefix, decodeUtf8, describePosition, hasUtf8Bom } from './text-decoding.js';

/** Same bound as the registry's default; adapters may be called directly, so the reader enforces one too. */
export const DEFAULT_MAX_XML_BYTES = 50 * 1024 * 1024;
/** camt documents nest about 12 levels deep; 64 leaves room for any real file and none for an attack. */
export const DEFAULT_MAX_XML_DEPTH = 64;

export interface XmlReadOptions {
  maxBytes?: number;
  maxDepth?: number;
  /**
   * Told how many characters XML 1.0 forbids (NUL and the other C0 controls but tab, LF and CR) were
   * removed before parsing. Banks' exports carry them (a NUL inside a name from a fixed-width source);
   * refusing the whole statement for one would throw away every complete entry beside it.
   */
  onForbiddenCharactersRemoved?: (count: number) => void;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

interface XmlElement {
  readonly name: string;
  readonly namespace: string | null;
  readonly attributes: ReadonlyMap<string, string>;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

/**
 * An element together with the path that names it in errors ("Stmt[0]/Ntry[4]/Amt").
 * Repeated elements are reached through `children`, which numbers them; `child` takes the first.
 */
export class XmlNode {
  constructor(
    private readonly element: XmlElement,
    readonly path: string,
  ) {}

  get name(): string {
    return this.element.name;
  }

  get namespace(): string | null {
    return this.element.namespace;
  }

  /** The element's own text, trimmed; empty when it has none. */
  get text(): string {
    return this.element.text;
  }

  attribute(name: string): string | null {
    return this.element.attributes.get(name) ?? null;
  }

  /** The same element under another path, so record-level paths can start at "Stmt[0]". */
  withPath(path: string): XmlNode {
    return new XmlNode(this.element, path);
  }

  child(name: string): XmlNode | null {
    const found = this.element.children.find((c) => c.name === name);
    return found ? new XmlNode(found, this.join(name)) : null;
  }

  children(name: string): XmlNode[] {
    return this.element.children.filter((c) => c.name === name).map((c, i) => new XmlNode(c, this.join(`${name}[${i}]`)));
  }

  get childNames(): string[] {
    return this.element.children.map((c) => c.name);
  }

  /** Follows first children by name: node.find('Tp', 'CdOrPrtry', 'Cd'). */
  find(...names: string[]): XmlNode | null {
    return names.reduce<XmlNode | null>((node, name) => node?.child(name) ?? null, this);
  }

  /** Text at a path of first children, or null when the element is missing or empty. */
  textAt(...names: string[]): string | null {
    const node = this.find(...names);
    return node === null || node.text === '' ? null : node.text;
  }

  /** The path a missing child would have, for errors about absent elements. */
  pathOf(...names: string[]): string {
    return names.reduce<string>((path, name) => (path === '' ? name : `${path}/${name}`), this.path);
  }

  private join(segment: string): string {
    return this.path === '' ? segment : `${this.path}/${segment}`;
  }
}

/** Decodes, screens and parses an XML document; returns its root element with an empty path. */
export function readXmlDocument(input: Buffer, format: BankFormat, options: XmlReadOptions = {}): XmlNode {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_XML_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_XML_DEPTH;
  if (input.byteLength > maxBytes) {
    throw new BankFileError(format, 'file', `the file is ${input.byteLength} bytes; at most ${maxBytes} are accepted`, 'too_large');
  }
  let text = decodeXmlText(input, format);
  let removed = 0;
  text = text.replace(XML_FORBIDDEN_CHARACTERS, () => {
    removed++;
    return '';
  });
  if (removed > 0) options.onForbiddenCharactersRemoved?.(removed);
  refuseUnsafeConstructs(text, format, maxDepth);

  const validation = safely(() => XMLValidator.validate(text, { allowBooleanAttributes: false }));
  if (validation !== true) {
    const err = validation === 'threw' ? null : validation.err;
    const location = err && Number.isInteger(err.line) ? `line ${err.line}${Number.isInteger(err.col) ? `, column ${err.col}` : ''}` : 'file';
    throw new BankFileError(format, location, `the XML is not well-formed: ${err?.msg ?? 'the parser gave up'}`);
  }

  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    removeNSPrefix: false,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    // Trimmed after text and CDATA pieces are joined, so the space between them survives.
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA,
    commentPropName: false,
    maxNestedTags: maxDepth + 2,
  });
  let ordered: unknown;
  try {
    ordered = parser.parse(text);
  } catch (error) {
    throw new BankFileError(format, 'file', `the XML could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const reader: ElementReader = { format, maxDepth, locate: (fragment) => describePosition(text, Math.max(text.indexOf(fragment), 0)) };
  const roots = toElements(ordered, new Map(), reader, 1);
  if (roots.length !== 1) {
    throw new BankFileError(format, 'file', roots.length === 0 ? 'the document has no root element' : 'the document has more than one root element');
  }
  return new XmlNode(roots[0]!, '');
}

function safely<T>(run: () => T): T | 'threw' {
  try {
    return run();
  } catch {
    return 'threw';
  }
}

function decodeXmlText(input: Buffer, format: BankFormat): string {
  if (input.length >= 2 && input[0] === 0xff && input[1] === 0xfe) return decodeWith(input.subarray(2), 'utf-16le', format);
  if (input.length >= 2 && input[0] === 0xfe && input[1] === 0xff) return decodeWith(input.subarray(2), 'utf-16be', format);
  if (hasUtf8Bom(input)) return decodeUtf8(input, format);
  if (input.length >= 4 && input[0] === 0x3c && input[1] === 0x00 && input[2] === 0x3f && input[3] === 0x00) return decodeWith(input, 'utf-16le', format);
  if (input.length >= 4 && input[0] === 0x00 && input[1] === 0x3c && input[2] === 0x00 && input[3] === 0x3f) return decodeWith(input, 'utf-16be', format);
  const declared = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(asciiPrefix(input, 256))?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return decodeUtf8(input, format);
  return decodeWith(input, declared, format);
}

function decodeWith(input: Buffer, encoding: string, format: BankFormat): string {
  if (!iconv.encodingExists(encoding)) {
    throw new BankFileError(format, 'line 1', `the declared encoding "${encoding}" is not supported`, 'unsupported');
  }
  try {
    return iconv.decode(input, encoding);
  } catch {
    throw new BankFileError(format, 'file', `the file cannot be decoded as ${encoding}`);
  }
}

const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

/** Refuses DOCTYPE/ENTITY declarations and deep nesting on the raw text, before any parser runs. */
function refuseUnsafeConstructs(text: string, format: BankFormat, maxDepth: number): void {
  const declaration = DECLARATION.exec(text);
  if (declaration) {
    throw new BankFileError(
      format,
      describePosition(text, declaration.index),
      `the document contains a <!${declaration[1]!.toUpperCase()} declaration; bank files need none, and entity declarations are how XML parsers are attacked (external entities, entity expansion)`,
      'unsafe',
    );
  }
  const tooDeepAt = findNestingBeyond(text, maxDepth);
  if (tooDeepAt !== null) {
    throw new BankFileError(format, describePosition(text, tooDeepAt), `elements nested deeper than ${maxDepth} levels are refused`, 'unsafe');
  }
}

/** Offset of the first start tag deeper than maxDepth, or null. Tolerates malformed text: it only counts. */
function findNestingBeyond(text: string, maxDepth: number): number | null {
  let depth = 0;
  let i = text.indexOf('<');
  while (i !== -1 && i < text.length) {
    let resumeAt: number;
    if (text.startsWith('<!--', i)) {
      resumeAt = endOf(text, '-->', i + 4);
    } else if (text.startsWith('<![CDATA[', i)) {
      resumeAt = endOf(text, ']]>', i + 9);
    } else if (text.startsWith('<?', i) || text.startsWith('<!', i)) {
      resumeAt = endOf(text, '>', i + 2);
    } else if (text[i + 1] === '/') {
      depth--;
      resumeAt = endOf(text, '>', i + 2);
    } else {
      // The tag ends at '>' outside quotes; an unquoted '<' ends it too (malformed), so that a run of
      // unclosed tags is scanned once, not once per '<'.
      let j = i + 1;
      let quote: string | null = null;
      for (; j < text.length; j++) {
        const c = text[j];
        if (quote !== null) {
          if (c === quote) quote = null;
        } else if (c === '"' || c === "'") {
          quote = c;
        } else if (c === '>' || c === '<') {
          break;
        }
      }
      if (text[j - 1] !== '/') {
        depth++;
        if (depth > maxDepth) return i;
      }
      resumeAt = text[j] === '>' ? j + 1 : j;
    }
    i = text.indexOf('<', resumeAt);
  }
  return null;
}

function endOf(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at === -1 ? text.length : at + terminator.length;
}

const CDATA = '#cdata';
const TEXT = '#text';
const ATTRIBUTES = ':@';

interface ElementReader {
  format: BankFormat;
  maxDepth: number;
  /** Where a piece of raw text first occurs, for errors found after parsing ("line 12, column 7"). */
  locate(fragment: string): string;
}

const NO_ATTRIBUTES: ReadonlyMap<string, string> = new Map();

/** fast-xml-parser's ordered output → XmlElement, resolving namespaces and decoding references. */
function toElements(nodes: unknown, scope: ReadonlyMap<string, string>, reader: ElementReader, depth: number): XmlElement[] {
  if (!Array.isArray(nodes)) return [];
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) continue;
    const qualifiedName = Object.keys(node).find((key) => key !== ATTRIBUTES && key !== TEXT && key !== CDATA);
    if (qualifiedName === undefined) continue;
    if (depth > reader.maxDepth) throw new BankFileError(reader.format, 'file', `elements nested deeper than ${reader.maxDepth} levels are refused`, 'unsafe');
    const rawAttributes = (node as Record<string, unknown>)[ATTRIBUTES];
    const attributeEntries = typeof rawAttributes === 'object' && rawAttributes !== null ? Object.entries(rawAttributes) : [];
    // Most elements declare no namespace and carry no attribute: they share their parent's scope and one
    // empty map, as a camt file has about 25 elements per entry and a Map each costs hundreds of MB.
    let localScope = scope;
    for (const [attrName, attrValue] of attributeEntries) {
      if (attrName !== 'xmlns' && !attrName.startsWith('xmlns:')) continue;
      if (localScope === scope) localScope = new Map(scope);
      (localScope as Map<string, string>).set(attrName === 'xmlns' ? '' : attrName.slice(6), String(attrValue));
    }
    const [prefix, localName] = splitQualifiedName(qualifiedName);
    const attributes = attributeEntries.length === 0 ? NO_ATTRIBUTES : new Map<string, string>();
    for (const [attrName, attrValue] of attributeEntries) {
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) continue;
      (attributes as Map<string, string>).set(splitQualifiedName(attrName)[1], decodeReferences(String(attrValue), reader));
    }
    const content = (node as Record<string, unknown>)[qualifiedName];
    elements.push({
      name: localName,
      namespace: localScope.get(prefix) ?? null,
      attributes,
      text: textOf(content, reader),
      children: toElements(content, localScope, reader, depth + 1),
    });
  }
  return elements;
}

function splitQualifiedName(name: string): [prefix: string, local: string] {
  const colon = name.indexOf(':');
  return colon === -1 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
}

function textOf(content: unknown, reader: ElementReader): string {
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part !== 'object' || part === null) continue;
    const record = part as Record<string, unknown>;
    if (TEXT in record) text += decodeReferences(String(record[TEXT]), reader);
    else if (CDATA in record) text += cdataText(record[CDATA]);
  }
  return text.trim();
}

/** CDATA content is literal: no references are decoded inside it. */
function cdataText(cdata: unknown): string {
  if (!Array.isArray(cdata)) return '';
  return cdata.map((piece) => (typeof piece === 'object' && piece !== null && TEXT in piece ? String((piece as Record<string, unknown>)[TEXT]) : '')).join('');
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z_][A-Za-z0-9._-]*);/g;

/** The five predefined entities and numeric character references; any other entity was never declared. */
function decodeReferences(raw: string, reader: ElementReader): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (whole, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      const allowed = codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd || (codePoint >= 0x20 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff));
      if (!allowed) throw new BankFileError(reader.format, reader.locate(whole), `the character reference ${whole} names no allowed character`);
      return String.fromCodePoint(codePoint);
    }
    const replacement = Object.hasOwn(PREDEFINED_ENTITIES, body) ? PREDEFINED_ENTITIES[body] : undefined;
    if (replacement === undefined) throw new BankFileError(reader.format, reader.locate(whole), `the entity ${whole} is not declared (only &lt; &gt; &amp; &quot; &apos; exist without a DOCTYPE)`);
    return replacement;
  });
}
