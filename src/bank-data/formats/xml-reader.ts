/**
 * Safe XML reading for bank files (camt.05x).
 *
 * Bank files arrive from outside, so the reader refuses before parsing what XML parsers have been
 * exploited with: DOCTYPE and ENTITY declarations (external entities read local files; nested
 * entities expand a few bytes into gigabytes, "billion laughs"), absurd nesting, oversized input.
 * fast-xml-parser's validator then checks well-formedness (its messages name line and column), and a
 * scanner here builds a compact tree from the validated text: the five predefined entities and numeric
 * character references are decoded, nothing else is. Every value stays a string, so "0.10" never becomes
 * a float and an account number never loses its leading zeros. The tree costs about 2.5x the file's
 * size (heap and typed arrays) where fast-xml-parser's ordered tree plus wrappers cost over 10x; see
 * bench/xml-reader.ts.
 */
import iconv from 'iconv-lite';
import { XMLValidator } from 'fast-xml-parser';
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

/**
 * The document as parallel arrays rather than an object per element: a camt.053 has about 25 elements per
 * entry, and an object, a Map and a children array each cost the heap ten times the file's size. Element i
 * is described by the i-th slot of each array; children are linked first-child/next-sibling; names and
 * namespaces are numbers into shared tables. Most texts are not copied at all: they stay a range of the
 * decoded source, which the tree keeps, and become a string only when asked for.
 */
class XmlTree {
  /** Interned local names of elements and attributes. */
  readonly names: string[] = [];
  readonly nameIds = new Map<string, number>();
  /** Namespace URIs; -1 in `namespace` is no namespace. */
  readonly namespaces: string[] = [];
  private readonly namespaceIds = new Map<string, number>();
  readonly name: Int32Array;
  readonly namespace: Int32Array;
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
  /** A range of `source` (trimmed, free of references) when textStart ≥ 0; the string texts[textEnd] when TEXT_STORED; '' when NO_TEXT. */
  readonly textStart: Int32Array;
  readonly textEnd: Int32Array;
  readonly texts: string[] = [];
  /** Attributes of element i are attributeNames/Values[attributeStart[i] .. attributeStart[i] + attributeCount[i]). */
  readonly attributeStart: Int32Array;
  readonly attributeCount: Int32Array;
  readonly attributeNames: number[] = [];
  readonly attributeValues: string[] = [];
  count = 0;

  constructor(
    readonly source: string,
    capacity: number,
  ) {
    this.name = new Int32Array(capacity);
    this.namespace = new Int32Array(capacity);
    this.firstChild = new Int32Array(capacity).fill(-1);
    this.nextSibling = new Int32Array(capacity).fill(-1);
    this.textStart = new Int32Array(capacity);
    this.textEnd = new Int32Array(capacity);
    this.attributeStart = new Int32Array(capacity);
    this.attributeCount = new Int32Array(capacity);
  }

  nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  namespaceId(uri: string | undefined): number {
    if (uri === undefined) return -1;
    let id = this.namespaceIds.get(uri);
    if (id === undefined) {
      id = this.namespaces.length;
      this.namespaces.push(uri);
      this.namespaceIds.set(uri, id);
    }
    return id;
  }

  text(element: number): string {
    const start = this.textStart[element]!;
    if (start >= 0) return this.source.slice(start, this.textEnd[element]);
    return start === TEXT_STORED ? this.texts[this.textEnd[element]!]! : '';
  }
}

const NO_TEXT = -1;
const TEXT_STORED = -2;

/**
 * An element together with the path that names it in errors ("Stmt[0]/Ntry[4]/Amt").
 * Repeated elements are reached through `children`, which numbers them; `child` takes the first.
 */
export class XmlNode {
  private constructor(
    private readonly tree: XmlTree,
    private readonly element: number,
    readonly path: string,
  ) {}

  /** @internal */
  static root(tree: XmlTree, element: number): XmlNode {
    return new XmlNode(tree, element, '');
  }

  get name(): string {
    return this.tree.names[this.tree.name[this.element]!]!;
  }

  get namespace(): string | null {
    const id = this.tree.namespace[this.element]!;
    return id === -1 ? null : this.tree.namespaces[id]!;
  }

  /** The element's own text, trimmed; empty when it has none. */
  get text(): string {
    return this.tree.text(this.element);
  }

  attribute(name: string): string | null {
    const tree = this.tree;
    const id = tree.nameIds.get(name);
    if (id === undefined) return null;
    const start = tree.attributeStart[this.element]!;
    // The last of two same-named attributes (a:x and b:x) wins, as it did when they were put in a Map.
    for (let a = start + tree.attributeCount[this.element]! - 1; a >= start; a--) {
      if (tree.attributeNames[a] === id) return tree.attributeValues[a]!;
    }
    return null;
  }

  /** The same element under another path, so record-level paths can start at "Stmt[0]". */
  withPath(path: string): XmlNode {
    return new XmlNode(this.tree, this.element, path);
  }

  child(name: string): XmlNode | null {
    const tree = this.tree;
    const id = tree.nameIds.get(name);
    if (id === undefined) return null;
    for (let c = tree.firstChild[this.element]!; c !== -1; c = tree.nextSibling[c]!) {
      if (tree.name[c] === id) return new XmlNode(tree, c, this.join(name));
    }
    return null;
  }

  children(name: string): XmlNode[] {
    const tree = this.tree;
    const found: XmlNode[] = [];
    const id = tree.nameIds.get(name);
    if (id === undefined) return found;
    for (let c = tree.firstChild[this.element]!; c !== -1; c = tree.nextSibling[c]!) {
      if (tree.name[c] === id) found.push(new XmlNode(tree, c, this.join(`${name}[${found.length}]`)));
    }
    return found;
  }

  get childNames(): string[] {
    const tree = this.tree;
    const names: string[] = [];
    for (let c = tree.firstChild[this.element]!; c !== -1; c = tree.nextSibling[c]!) names.push(tree.names[tree.name[c]!]!);
    return names;
  }

  /** Follows first children by name: node.find('Tp', 'CdOrPrtry', 'Cd'). */
  find(...names: string[]): XmlNode | null {
    return names.reduce<XmlNode | null>((node, name) => node?.child(name) ?? null, this);
  }

  /** Text at a path of first children, or null when the element is missing or empty. */
  textAt(...names: string[]): string | null {
    const node = this.find(...names);
    if (node === null) return null;
    const text = node.text;
    return text === '' ? null : text;
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

  const reader: ElementReader = { format, maxDepth, locate: (fragment) => describePosition(text, Math.max(text.indexOf(fragment), 0)), firstBadReference: null };
  // Line breaks are normalised to LF, as XML prescribes and fast-xml-parser's tree had them; errors still
  // locate fragments in the text as received.
  const { tree, roots } = buildTree(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text, reader);
  if (roots.length !== 1) {
    throw new BankFileError(format, 'file', roots.length === 0 ? 'the document has no root element' : 'the document has more than one root element');
  }
  return XmlNode.root(tree, roots[0]!);
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

interface ElementReader {
  format: BankFormat;
  maxDepth: number;
  /** Where a piece of raw text first occurs, for errors found after parsing ("line 12, column 7"). */
  locate(fragment: string): string;
  firstBadReference: { element: number; kind: number; error: BankFileError } | null;
}

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/** What String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator), so ranges trim as strings did. */
function isTrimmed(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** An upper bound of the number of elements: the '<' that open neither an end tag, a comment, CDATA nor a PI. */
function countStartTags(text: string): number {
  let count = 0;
  for (let i = text.indexOf('<'); i !== -1; i = text.indexOf('<', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next !== SLASH && next !== BANG && next !== QUESTION) count++;
  }
  return count;
}

/**
 * Text of the element being read, gathered piece by piece (text between child elements, CDATA sections).
 * Whitespace pieces before the first and after the last non-blank piece vanish in the final trim, so they
 * are only kept (in `gap`) until a non-blank piece follows; a single plain piece stays a range of the source.
 */
interface OpenElement {
  element: number;
  lastChild: number;
  scope: ReadonlyMap<string, string>;
  /** The first non-blank piece as a source range (its end not yet trimmed), while it is the only one and holds no reference. */
  rangeStart: number;
  rangeEnd: number;
  /** The text from the first non-blank piece on, once it is more than one plain range. */
  joined: string | null;
  /** Blank pieces since the last non-blank one. */
  gap: string;
}

/**
 * Builds the tree from text XMLValidator has already found well-formed (and refuseUnsafeConstructs free of
 * declarations and deep nesting), so this scanner needs no error reporting of its own beyond references.
 * Namespaces are resolved and the five predefined entities and numeric references decoded as it goes.
 */
function buildTree(text: string, reader: ElementReader): { tree: XmlTree; roots: number[] } {
  const tree = new XmlTree(text, countStartTags(text));
  const roots: number[] = [];
  const open: OpenElement[] = [];
  const rootScope: ReadonlyMap<string, string> = new Map();
  const length = text.length;
  let i = 0;

  const addPiece = (top: OpenElement, start: number, end: number, literal: boolean): void => {
    let first = start;
    while (first < end && isTrimmed(text.charCodeAt(first))) first++;
    if (first === end) {
      if (top.rangeStart !== NO_TEXT || top.joined !== null) top.gap += text.slice(start, end);
      return;
    }
    const raw = text.slice(start, end);
    const piece = literal ? raw : decodeOrNote(raw, reader, top.element, TEXT_REFERENCE);
    if (top.rangeStart === NO_TEXT && top.joined === null) {
      if (!literal && piece === raw) {
        top.rangeStart = first;
        top.rangeEnd = end;
      } else {
        top.joined = piece;
      }
    } else {
      const before = top.joined ?? text.slice(top.rangeStart, top.rangeEnd);
      top.joined = before + top.gap + piece;
      top.rangeStart = NO_TEXT;
    }
    top.gap = '';
  };

  while (i < length) {
    const lt = text.indexOf('<', i);
    const textEnd = lt === -1 ? length : lt;
    if (textEnd > i && open.length > 0) addPiece(open[open.length - 1]!, i, textEnd, false);
    if (lt === -1) break;
    const next = text.charCodeAt(lt + 1);
    if (next === BANG) {
      if (text.startsWith('<![CDATA[', lt)) {
        const close = text.indexOf(']]>', lt + 9);
        const end = close === -1 ? length : close;
        if (open.length > 0) addPiece(open[open.length - 1]!, lt + 9, end, true);
        i = close === -1 ? length : close + 3;
      } else if (text.startsWith('<!--', lt)) {
        i = endOf(text, '-->', lt + 4);
      } else {
        i = endOf(text, '>', lt + 2);
      }
      continue;
    }
    if (next === QUESTION) {
      i = endOf(text, '?>', lt + 2);
      continue;
    }
    if (next === SLASH) {
      const top = open.pop();
      if (top !== undefined) closeElement(tree, top);
      i = endOf(text, '>', lt + 2);
      continue;
    }
    i = readStartTag(text, lt, tree, open, roots, rootScope, reader);
  }
  // Well-formed text closes every element; this only guards against a validator that let one slip.
  while (open.length > 0) closeElement(tree, open.pop()!);
  if (reader.firstBadReference !== null) throw reader.firstBadReference.error;
  return { tree, roots };
}

const ATTRIBUTE_REFERENCE = 0;
const TEXT_REFERENCE = 1;

/**
 * Decodes references; a bad one is noted rather than thrown, and the first in the order the tree used to be
 * built (element by element in document order, an element's attributes, then its text, then its children)
 * is thrown once the document is read, so a file with several bad references names the same one as before.
 */
function decodeOrNote(raw: string, reader: ElementReader, element: number, kind: number): string {
  try {
    return decodeReferences(raw, reader);
  } catch (error) {
    if (!(error instanceof BankFileError)) throw error;
    const noted = reader.firstBadReference;
    if (noted === null || element < noted.element || (element === noted.element && kind < noted.kind)) reader.firstBadReference = { element, kind, error };
    return '';
  }
}

function closeElement(tree: XmlTree, top: OpenElement): void {
  const element = top.element;
  if (top.joined !== null) {
    const trimmed = top.joined.trim();
    if (trimmed === '') {
      tree.textStart[element] = NO_TEXT;
    } else {
      tree.textStart[element] = TEXT_STORED;
      tree.textEnd[element] = tree.texts.length;
      tree.texts.push(trimmed);
    }
  } else if (top.rangeStart !== NO_TEXT) {
    // The range starts at a non-blank character, so trimming its end stops before passing its start.
    let end = top.rangeEnd;
    while (isTrimmed(tree.source.charCodeAt(end - 1))) end--;
    tree.textStart[element] = top.rangeStart;
    tree.textEnd[element] = end;
  } else {
    tree.textStart[element] = NO_TEXT;
  }
}

/** Reads `<name attr="v" ...>` or `<name/>` at `lt`, adds the element, and returns the offset after it. */
function readStartTag(
  text: string,
  lt: number,
  tree: XmlTree,
  open: OpenElement[],
  roots: number[],
  rootScope: ReadonlyMap<string, string>,
  reader: ElementReader,
): number {
  const length = text.length;
  let j = lt + 1;
  while (j < length) {
    const c = text.charCodeAt(j);
    if (c === GT || c === SLASH || isXmlSpace(c)) break;
    j++;
  }
  const qualifiedName = text.slice(lt + 1, j);
  // Attributes: name = "value" pairs up to '>' or '/>'; XMLValidator has refused any other shape.
  let rawAttributes: [string, string][] | null = null;
  let selfClosing = false;
  while (j < length) {
    const c = text.charCodeAt(j);
    if (c === GT) {
      j++;
      break;
    }
    if (c === SLASH) {
      selfClosing = true;
      j++;
      continue;
    }
    if (isXmlSpace(c)) {
      j++;
      continue;
    }
    const nameStart = j;
    while (j < length) {
      const d = text.charCodeAt(j);
      if (d === EQUALS || d === GT || d === SLASH || isXmlSpace(d)) break;
      j++;
    }
    const attrName = text.slice(nameStart, j);
    while (j < length && isXmlSpace(text.charCodeAt(j))) j++;
    let value = '';
    if (text.charCodeAt(j) === EQUALS) {
      j++;
      while (j < length && isXmlSpace(text.charCodeAt(j))) j++;
      const quote = text.charCodeAt(j);
      if (quote === DOUBLE_QUOTE || quote === SINGLE_QUOTE) {
        const close = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", j + 1);
        const end = close === -1 ? length : close;
        value = text.slice(j + 1, end);
        j = end + 1;
      }
    }
    (rawAttributes ??= []).push([attrName, value]);
  }

  const parent = open.length > 0 ? open[open.length - 1]! : null;
  const depth = open.length + 1;
  if (depth > reader.maxDepth) throw new BankFileError(reader.format, 'file', `elements nested deeper than ${reader.maxDepth} levels are refused`, 'unsafe');
  const scope = parent === null ? rootScope : parent.scope;
  // Most elements declare no namespace and carry no attribute: they share their parent's scope.
  let localScope = scope;
  const element = tree.count++;
  tree.attributeStart[element] = tree.attributeNames.length;
  if (rawAttributes !== null) {
    for (const [attrName, attrValue] of rawAttributes) {
      if (attrName !== 'xmlns' && !attrName.startsWith('xmlns:')) continue;
      if (localScope === scope) localScope = new Map(scope);
      (localScope as Map<string, string>).set(attrName === 'xmlns' ? '' : attrName.slice(6), attrValue);
    }
    for (const [attrName, attrValue] of rawAttributes) {
      if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) continue;
      tree.attributeNames.push(tree.nameId(splitQualifiedName(attrName)[1]));
      tree.attributeValues.push(decodeOrNote(attrValue, reader, element, ATTRIBUTE_REFERENCE));
    }
  }
  tree.attributeCount[element] = tree.attributeNames.length - tree.attributeStart[element]!;
  const [prefix, localName] = splitQualifiedName(qualifiedName);
  tree.name[element] = tree.nameId(localName);
  tree.namespace[element] = tree.namespaceId(localScope.get(prefix));
  tree.textStart[element] = NO_TEXT;

  if (parent === null) {
    roots.push(element);
  } else {
    if (parent.lastChild === -1) tree.firstChild[parent.element] = element;
    else tree.nextSibling[parent.lastChild] = element;
    parent.lastChild = element;
  }
  if (!selfClosing) open.push({ element, lastChild: -1, scope: localScope, rangeStart: NO_TEXT, rangeEnd: NO_TEXT, joined: null, gap: '' });
  return j;
}

function splitQualifiedName(name: string): [prefix: string, local: string] {
  const colon = name.indexOf(':');
  return colon === -1 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
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
