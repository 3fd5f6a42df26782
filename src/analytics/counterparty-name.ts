/**
 * Turning the many spellings of one counterparty into one key.
 *
 * Banks write the same shop as "ALBERT HEIJN 1234 AMSTERDAM", "Albert Heijn 5678 UTRECHT" or
 * "BEA NR:XXX1234 21.05.11/12.54 ALBERT HEIJN 1234,PAS999". Rules and stream grouping need one form:
 * lower case, no accents, no punctuation, no legal form, and nothing from the first store number on
 * (what follows a branch number is the branch's town, which differs per visit).
 */

/** Words that say what kind of company a name is, not which one. */
const LEGAL_FORM_TOKENS = new Set(['bv', 'nv', 'vof', 'cv', 'gmbh', 'ltd', 'sarl', 'inc', 'ag', 'bvba', 'llc', 'plc']);
/** Two-letter spellings "B.V." / "N.V." become the tokens "b v" / "n v" after punctuation is dropped. */
const SPLIT_LEGAL_FORMS: readonly (readonly [string, string])[] = [['b', 'v'], ['n', 'v']];
/**
 * Payment-terminal and processor prefixes that come before the merchant's own name
 * (CCV, SumUp, Zettle, Worldline are card terminals; "BEA"/"GEA" are ABN AMRO's card-payment labels).
 */
export const TERMINAL_PREFIX_TOKENS: ReadonlySet<string> = new Set(['ccv', 'sumup', 'zettle', 'izettle', 'worldline', 'bea', 'gea', 'betaalautomaat', 'betaalpas', 'pas', 'pin', 'sepa', 'ideal']);
/** Forms of address that stand before a name in statements ("Hr", "Mw", French "M"/"Mme"); they are not initials. */
const TITLE_TOKENS = new Set(['hr', 'dhr', 'heer', 'mw', 'mevr', 'mevrouw', 'mr', 'mrs', 'ms', 'm', 'mme', 'mlle', 'fam', 'familie']);
/** Dutch surname particles ("van der", "de", "ten"): shared by thousands of unrelated names, so never evidence of the same person. */
const SURNAME_PARTICLES = new Set(['van', 'der', 'den', 'de', 'het', 'ten', 'ter', 'te', 'op', 'in', 't', 'la', 'le', 'du', 'da', 'di', 'von', 'el', 'al', 'vd']);

/** Lower case, accents removed, every run of non-alphanumerics one space. "Café 'De Zon' B.V." → "cafe de zon b v". */
export function normaliseText(value: string): string {
  return tokenise(value).join(' ');
}

/** Anything beyond ASCII (accents, typographic quotes) sends a text through Unicode normalisation first. */
const NON_ASCII = /[^\t\n\r\u0020-\u007e]/;

/**
 * The words of a text, lower case and without accents. A hand-written scanner rather than
 * normalize() and regular expressions: categorisation tokenises every name and remittance, and for
 * the usual all-ASCII bank text this is several times faster; only text with accents takes the
 * Unicode path.
 */
export function tokenise(value: string | null | undefined): string[] {
  if (value == null || value === '') return [];
  const text = (NON_ASCII.test(value) ? value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : value).toLowerCase();
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const isWordChar = (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
    if (isWordChar) {
      if (start === -1) start = i;
    } else if (start !== -1) {
      tokens.push(text.slice(start, i));
      start = -1;
    }
  }
  if (start !== -1) tokens.push(text.slice(start));
  return tokens;
}

/**
 * The words of a text as positions, for loops that read every word of thousands of texts but need
 * few of them as strings: categorisation and stream detection made a string per word with
 * tokenise(), and those allocations (and the garbage collections they caused) were a large share
 * of the report's run time. Word i is exactly tokenise(value)[i], which word(i) returns.
 *
 * For the usual all-ASCII text the words are found in the text as given and lower-cased as they
 * are read (codeAt): for such text toLowerCase() changes A–Z only, so the words and their letters
 * are those tokenise() finds in the lower-cased text. Text beyond ASCII is first transformed as
 * tokenise() transforms it. One object is reused text after text (read() replaces the previous
 * words), within one call.
 */
export class WordPositions {
  /** The text the positions point into: the text as given, or its accent-free lower-case form. */
  text = '';
  count = 0;
  starts: Int32Array = new Int32Array(32);
  ends: Int32Array = new Int32Array(32);

  read(value: string | null | undefined): this {
    this.count = 0;
    this.text = '';
    if (value == null || value === '') return this;
    if (!this.scan(value, true)) {
      this.count = 0;
      this.scan(value.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase(), false);
    }
    return this;
  }

  /**
   * The character code at a position inside a word, lower-cased. Word characters are A–Z, a–z and
   * 0–9, and setting bit 5 (| 32) turns A–Z into a–z and leaves a–z and 0–9 as they are.
   */
  codeAt(position: number): number {
    return this.text.charCodeAt(position) | 32;
  }

  /** Word i as a string, for the few words that must be looked up by value. */
  word(i: number): string {
    return this.text.slice(this.starts[i]!, this.ends[i]!).toLowerCase();
  }

  /** Same as /\d/.test(word(i)), without making the string. */
  hasDigit(i: number): boolean {
    for (let k = this.starts[i]!, end = this.ends[i]!; k < end; k += 1) {
      const code = this.text.charCodeAt(k);
      if (code >= 48 && code <= 57) return true;
    }
    return false;
  }

  /** Same as word(i) === expected, for an expected word in lower case. */
  is(i: number, expected: string): boolean {
    const start = this.starts[i]!;
    return this.ends[i]! - start === expected.length && this.matchesAt(start, expected);
  }

  /** Same as word(i).startsWith(prefix), for a prefix in lower case. */
  startsWith(i: number, prefix: string): boolean {
    const start = this.starts[i]!;
    return this.ends[i]! - start >= prefix.length && this.matchesAt(start, prefix);
  }

  private matchesAt(start: number, expected: string): boolean {
    for (let k = 0; k < expected.length; k += 1) if (this.codeAt(start + k) !== expected.charCodeAt(k)) return false;
    return true;
  }

  /**
   * Finds the words: runs of a–z and 0–9 (and A–Z when `asciiOnly`, which are lower-cased on
   * reading). With `asciiOnly`, gives up and returns false at the first character outside
   * NON_ASCII's set, for which tokenise() would normalise the text first.
   */
  private scan(text: string, asciiOnly: boolean): boolean {
    this.text = text;
    let starts = this.starts;
    let ends = this.ends;
    let count = 0;
    let start = -1;
    const length = text.length;
    for (let i = 0; i < length; i += 1) {
      const code = text.charCodeAt(i);
      if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90)) {
        if (start < 0) start = i;
        continue;
      }
      if (asciiOnly && (code > 126 || (code < 32 && code !== 9 && code !== 10 && code !== 13))) return false;
      if (start < 0) continue;
      if (count === starts.length) {
        starts = grown(starts);
        ends = grown(ends);
      }
      starts[count] = start;
      ends[count] = i;
      count += 1;
      start = -1;
    }
    // A word that runs to the end of the text.
    if (start >= 0) {
      if (count === starts.length) {
        starts = grown(starts);
        ends = grown(ends);
      }
      starts[count] = start;
      ends[count] = length;
      count += 1;
    }
    this.starts = starts;
    this.ends = ends;
    this.count = count;
    return true;
  }
}

function grown(positions: Int32Array): Int32Array {
  const larger = new Int32Array(positions.length * 2);
  larger.set(positions);
  return larger;
}

/** The counterparty's name as a grouping key: "ALBERT HEIJN 1234 AMSTERDAM" → "albert heijn". */
export function normaliseCounterpartyName(name: string | null | undefined): string {
  return counterpartyNameTokens(name).join(' ');
}

export function counterpartyNameTokens(name: string | null | undefined): string[] {
  const tokens = tokenise(name);
  let start = 0;
  while (start < tokens.length - 1 && TERMINAL_PREFIX_TOKENS.has(tokens[start]!)) start += 1;
  const kept: string[] = [];
  for (let i = start; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    // A branch or terminal number ends the name; a leading number ("2 Brothers") is part of it.
    if (kept.length > 0 && /\d/.test(token)) break;
    if (LEGAL_FORM_TOKENS.has(token)) continue;
    const next = tokens[i + 1];
    if (next != null && SPLIT_LEGAL_FORMS.some(([a, b]) => a === token && b === next)) {
      i += 1;
      continue;
    }
    kept.push(token);
  }
  return kept;
}

/** True when a name carries a company's legal form: a regular credit from one is likely an employer. */
export function hasLegalForm(name: string | null | undefined): boolean {
  const tokens = tokenise(name);
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (LEGAL_FORM_TOKENS.has(token)) return true;
    const next = tokens[i + 1];
    if (next != null && SPLIT_LEGAL_FORMS.some(([a, b]) => a === token && b === next)) return true;
  }
  return false;
}

/**
 * How a person's name compares to another spelling of it: banks write "JANSSEN G J L M",
 * "G.J.L.M. Janssen" or "Gert Janssen". Two spellings name the same person when they share the
 * surname (a word of three letters or more) and no initial contradicts. A joint account
 * ("M JANSSEN ET MME DUPONT", "J Jansen en/of M de Vries") matches when one of its holders does.
 */
export function samePersonName(a: string, b: string): boolean {
  for (const partA of jointNameParts(a)) for (const partB of jointNameParts(b)) if (sameSinglePerson(partA, partB)) return true;
  return false;
}

const JOINT_SEPARATORS = /\s+(?:en\/of|e\/o|en|of|et|and|&)\s+|\s*&\s*/i;

function jointNameParts(name: string): string[] {
  return name.split(JOINT_SEPARATORS).filter((part) => part.trim() !== '');
}

/**
 * One person's name against another's. Besides the shared surname, each side may carry initials and
 * at most one given name: "Dirk van den Broek Enschede" (a supermarket) has two other words, so it
 * is not "D van den Broek".
 */
function sameSinglePerson(a: string, b: string): boolean {
  const wordsA = tokenise(a).filter((w) => !TITLE_TOKENS.has(w) && !SURNAME_PARTICLES.has(w));
  const wordsB = tokenise(b).filter((w) => !TITLE_TOKENS.has(w) && !SURNAME_PARTICLES.has(w));
  const longB = new Set(wordsB.filter((w) => w.length >= 3));
  const shared = wordsA.filter((w) => w.length >= 3 && longB.has(w));
  if (shared.length === 0) return false;
  const restA = wordsA.filter((w) => !shared.includes(w));
  const restB = wordsB.filter((w) => !shared.includes(w));
  if (restA.filter((w) => w.length >= 3).length > 1 || restB.filter((w) => w.length >= 3).length > 1) return false;
  const initialsA = new Set(restA.map((w) => w[0]!));
  const initialsB = new Set(restB.map((w) => w[0]!));
  if (initialsA.size === 0 || initialsB.size === 0) return true;
  for (const initial of initialsA) if (initialsB.has(initial)) return true;
  return false;
}
