/**
 * The categorisation engine: compiles a rule set once into lookup tables, then gives every
 * transaction one category with the rule that decided it and how sure that rule is.
 *
 * Why indexes instead of trying every rule on every transaction: a rule set has a few hundred
 * phrases; testing each against each of 2,000 transactions would be ~10^6 string tests. Phrases are
 * indexed by their first word (or its first letters for prefix words), IBANs and creditor ids by
 * value, bank codes by family, so each transaction only looks at the rules its own words point to.
 */
import { normaliseIban } from '../../bank-data/canonical.js';
import type { AnalysisTransaction } from '../analysis-input.js';
import { TERMINAL_PREFIX_TOKENS, WordPositions, counterpartyNameTokens, hasLegalForm, normaliseCounterpartyName, samePersonName, tokenise } from '../counterparty-name.js';
import type { CategoryId } from '../taxonomy.js';
import { defaultTextClassifier } from './default-model.js';
import type { CompiledTextClassifier } from './text-classifier.js';
import { RuleSetError, type CategorisationRule, type RuleCondition, type RuleSet } from './rule-set.schema.js';

export interface Categorisation {
  category: CategoryId;
  ruleId: string;
  confidence: number;
}

export type CategorisedTransaction = AnalysisTransaction & Categorisation;

export interface CategoriseOptions {
  rules: RuleSet | CompiledRuleSet;
  ownIbans: readonly string[];
  /** How the bank names the debtor; transfers to or from that name are own-account transfers. */
  accountHolderNames?: readonly string[];
  /** A tenant's own rules; when one matches it wins over every default rule. */
  tenantOverrides?: readonly CategorisationRule[];
  /**
   * The learned fallback for lines no rule decides (used when the rule set has `learnedFallback`).
   * Left out: the committed model; null: none (rules only).
   */
  textClassifier?: CompiledTextClassifier | null;
}

type PhraseField = 'counterparty' | 'remittance' | 'text' | 'name';
/** Phrase uses are packed as rank * 4 + field code: four fields, one small integer per use. */
const FIELD_CODE: Record<PhraseField, number> = { counterparty: 0, remittance: 1, text: 2, name: 3 };
const FIELDS = Object.keys(FIELD_CODE) as PhraseField[];

/** Prefix words are indexed by their first letters; shorter prefixes would point at too many words. */
const PREFIX_KEY_LENGTH = 3;
const MAX_SHAPE_LENGTH = 63;
const SHAPE_TABLE_SIZE = 128 * (MAX_SHAPE_LENGTH + 1);

function prefixKeyOf(word: string): number {
  return word.charCodeAt(0) * 65_536 + word.charCodeAt(1) * 256 + word.charCodeAt(2);
}

/** Words are lower-case ASCII letters and digits, so the first character code is below 128. */
function shapeOf(word: string): number {
  return shapeOfWord(word.charCodeAt(0), word.length);
}

function shapeOfWord(firstCharCode: number, length: number): number {
  return (firstCharCode & 127) * (MAX_SHAPE_LENGTH + 1) + Math.min(length, MAX_SHAPE_LENGTH);
}

/**
 * Presence tables in front of the phrase indexes: a slot per hash of a word's first two
 * characters, last character and length (or of a prefix key), set for every indexed first word
 * (prefix). A clear slot proves the index has no entry, so the lookup is skipped with the same
 * outcome; a set slot only means "look it up". Most words of a remittance pass the (first
 * character, length) shape test but are no phrase's first word; this rules out nearly all of them.
 */
const PRESENCE_SLOTS = 1 << 16;

/** From a word's first, second (0 for a one-letter word) and last character codes and its length. */
function wordPresenceSlot(first: number, second: number, last: number, length: number): number {
  const mixed = ((first * 131 + second) * 131 + last) * 64 + length;
  return Math.imul(mixed, 0x9e3779b1) >>> 16;
}

function prefixPresenceSlot(prefixKey: number): number {
  return Math.imul(prefixKey, 0x9e3779b1) >>> 16;
}

interface CompiledPhrase {
  tokens: string[];
  prefixLast: boolean;
  anchored: boolean;
  /** rank * 4 + field code of every rule condition that uses this phrase. */
  uses: number[];
}

interface CompiledRule {
  rule: CategorisationRule;
  rank: number;
  phraseFields: number[];
  /** -1 money out only, 1 money in only, 0 either: checked first, as most candidates fail on it. */
  direction: -1 | 0 | 1;
  check: (tx: TransactionView, hits: PhraseHits) => boolean;
}

/** Which phrase uses (rank * 4 + field) the current transaction hit: a stamp per use, so nothing is cleared between transactions. */
interface PhraseHits {
  stamps: Int32Array;
  stamp: number;
}

export interface CompiledRuleSet {
  readonly version: string;
  readonly ruleSet: RuleSet;
  readonly rules: readonly CompiledRule[];
  readonly phrasesByWord: ReadonlyMap<string, CompiledPhrase[]>;
  /** Prefix phrases by the numeric key of their first three characters (no string built per word). */
  readonly phrasesByPrefix: ReadonlyMap<number, CompiledPhrase[]>;
  /**
   * (first character, length) of every indexed first word, as a bit table: most words of a
   * remittance (dates, amounts, references) are ruled out by it before a map has to hash them.
   */
  readonly firstWordShapes: Uint8Array;
  /** See wordPresenceSlot: 1 where some indexed first word hashes to. */
  readonly firstWordPresence: Uint8Array;
  /**
   * 1 for every (first, second character) pair that some indexed first word or prefix starts with
   * (second 0 for one-letter words), by first * 128 + second: most words of a remittance start
   * with a pair no phrase starts with and need no further look.
   */
  readonly firstTwoLetters: Uint8Array;
  /**
   * 1 at prefixPresenceSlot of the first three letters of every indexed first word of three or
   * more letters and of every prefix key: a word of three or more letters whose first three
   * letters are not among them can neither equal such a word nor start with such a prefix.
   */
  readonly firstThreeLetters: Uint8Array;
  /** The entries of phrasesByWord by presence slot, so a word read in place is compared, not sliced and hashed. */
  readonly firstWordsBySlot: ReadonlyMap<number, readonly { word: string; phrases: CompiledPhrase[] }[]>;
  /** See prefixPresenceSlot: 1 where some prefix key of phrasesByPrefix hashes to. */
  readonly prefixPresence: Uint8Array;
  readonly byIban: ReadonlyMap<string, number[]>;
  readonly byCreditorId: ReadonlyMap<string, number[]>;
  readonly byBankCode: ReadonlyMap<string, number[]>;
  readonly byProprietaryCode: ReadonlyMap<string, number[]>;
  /** Ranks of rules no index can point to (direction, return codes, own account, patterns only). */
  readonly unindexed: readonly number[];
}

/** What the checks read from a transaction, computed once per transaction. */
interface TransactionView {
  tx: AnalysisTransaction;
  remittance: string;
  isOwnAccount: boolean;
}

const compiledCache = new WeakMap<RuleSet, WeakMap<readonly CategorisationRule[], CompiledRuleSet>>();
/** For index misses: one shared empty list instead of a new one per transaction. */
const NO_RANKS: readonly number[] = Object.freeze([]);
const NO_OVERRIDES: readonly CategorisationRule[] = Object.freeze([]);

/** Compiles a rule set (and a tenant's overrides) once; categorise() caches this per rule set object. */
export function compileRuleSet(ruleSet: RuleSet, tenantOverrides: readonly CategorisationRule[] = NO_OVERRIDES): CompiledRuleSet {
  const ordered = [
    ...tenantOverrides.map((rule, order) => ({ rule, tier: 0, order })),
    ...ruleSet.rules.map((rule, order) => ({ rule, tier: 1, order })),
  ].sort((a, b) => a.tier - b.tier || b.rule.priority - a.rule.priority || b.rule.confidence - a.rule.confidence || a.order - b.order);

  const phrases = new Map<string, CompiledPhrase>();
  const byIban = new Map<string, number[]>();
  const byCreditorId = new Map<string, number[]>();
  const byBankCode = new Map<string, number[]>();
  const byProprietaryCode = new Map<string, number[]>();
  const unindexed: number[] = [];
  const push = (map: Map<string, number[]>, key: string, rank: number) => {
    const list = map.get(key);
    if (list) {
      if (list[list.length - 1] !== rank) list.push(rank);
    } else map.set(key, [rank]);
  };

  const rules: CompiledRule[] = ordered.map(({ rule }, rank) => {
    const when = rule.when;
    const phraseFields: number[] = [];
    for (const field of FIELDS) {
      const list = when[field];
      if (!list) continue;
      phraseFields.push(FIELD_CODE[field]);
      for (const source of list) {
        const phrase = parsePhrase(source, rule.id);
        const key = `${phrase.anchored ? '^' : ''}${phrase.tokens.join(' ')}${phrase.prefixLast ? '*' : ''}`;
        const existing = phrases.get(key);
        if (existing) existing.uses.push(rank * 4 + FIELD_CODE[field]);
        else phrases.set(key, { ...phrase, uses: [rank * 4 + FIELD_CODE[field]] });
      }
    }
    let indexed = phraseFields.length > 0;
    for (const iban of when.counterpartyIban ?? []) {
      push(byIban, normaliseIban(iban) ?? iban.replace(/\s+/g, '').toUpperCase(), rank);
      indexed = true;
    }
    for (const id of when.creditorId ?? []) {
      push(byCreditorId, id.replace(/\s+/g, '').toUpperCase(), rank);
      indexed = true;
    }
    for (const code of when.bankTransactionCode ?? []) {
      push(byBankCode, code.toUpperCase(), rank);
      indexed = true;
    }
    for (const code of when.proprietaryCode ?? []) {
      push(byProprietaryCode, code.toLowerCase(), rank);
      indexed = true;
    }
    if (!indexed) unindexed.push(rank);
    return { rule, rank, phraseFields, direction: when.direction === 'in' ? 1 : when.direction === 'out' ? -1 : 0, check: compileCheck(when, rank, phraseFields) };
  });

  const phrasesByWord = new Map<string, CompiledPhrase[]>();
  const phrasesByPrefix = new Map<number, CompiledPhrase[]>();
  const firstWordShapes = new Uint8Array(SHAPE_TABLE_SIZE);
  const firstWordPresence = new Uint8Array(PRESENCE_SLOTS);
  const prefixPresence = new Uint8Array(PRESENCE_SLOTS);
  for (const phrase of phrases.values()) {
    const first = phrase.tokens[0]!;
    if (phrase.tokens.length === 1 && phrase.prefixLast) {
      const key = prefixKeyOf(first);
      phrasesByPrefix.set(key, [...(phrasesByPrefix.get(key) ?? []), phrase]);
      prefixPresence[prefixPresenceSlot(key)] = 1;
    } else {
      phrasesByWord.set(first, [...(phrasesByWord.get(first) ?? []), phrase]);
      firstWordShapes[shapeOf(first)] = 1;
      firstWordPresence[wordPresenceSlot(first.charCodeAt(0), first.length > 1 ? first.charCodeAt(1) : 0, first.charCodeAt(first.length - 1), first.length)] = 1;
    }
  }
  const firstTwoLetters = new Uint8Array(128 * 128);
  for (const word of [...phrasesByWord.keys(), ...[...phrasesByPrefix.values()].map((list) => list[0]!.tokens[0]!)]) {
    firstTwoLetters[(word.charCodeAt(0) & 127) * 128 + (word.length > 1 ? word.charCodeAt(1) & 127 : 0)] = 1;
  }
  const firstThreeLetters = new Uint8Array(PRESENCE_SLOTS);
  for (const key of phrasesByPrefix.keys()) firstThreeLetters[prefixPresenceSlot(key)] = 1;
  for (const word of phrasesByWord.keys()) if (word.length >= PREFIX_KEY_LENGTH) firstThreeLetters[prefixPresenceSlot(prefixKeyOf(word))] = 1;
  const firstWordsBySlot = new Map<number, { word: string; phrases: CompiledPhrase[] }[]>();
  for (const [word, list] of phrasesByWord) {
    const slot = wordPresenceSlot(word.charCodeAt(0), word.length > 1 ? word.charCodeAt(1) : 0, word.charCodeAt(word.length - 1), word.length);
    firstWordsBySlot.set(slot, [...(firstWordsBySlot.get(slot) ?? []), { word, phrases: list }]);
  }
  return {
    version: ruleSet.version,
    ruleSet,
    rules,
    phrasesByWord,
    phrasesByPrefix,
    firstWordShapes,
    firstWordPresence,
    firstTwoLetters,
    firstThreeLetters,
    firstWordsBySlot,
    prefixPresence,
    byIban,
    byCreditorId,
    byBankCode,
    byProprietaryCode,
    unindexed,
  };
}

function parsePhrase(source: string, ruleId: string): Omit<CompiledPhrase, 'uses'> {
  let text = source.trim();
  const anchored = text.startsWith('^');
  if (anchored) text = text.slice(1);
  const prefixLast = text.endsWith('*');
  if (prefixLast) text = text.slice(0, -1);
  const tokens = tokenise(text);
  if (tokens.length === 0) throw new RuleSetError(`rule ${ruleId}`, `phrase "${source}" has no words`);
  if (prefixLast && tokens.length === 1 && tokens[0]!.length < PREFIX_KEY_LENGTH) {
    throw new RuleSetError(`rule ${ruleId}`, `prefix phrase "${source}" needs at least ${PREFIX_KEY_LENGTH} letters`);
  }
  return { tokens, prefixLast, anchored };
}

function compileCheck(when: RuleCondition, rank: number, phraseFields: number[]): CompiledRule['check'] {
  const checks: ((view: TransactionView, hits: PhraseHits) => boolean)[] = [];
  for (const field of phraseFields) checks.push((_view, hits) => hits.stamps[rank * 4 + field] === hits.stamp);
  if (when.counterpartyIban) {
    const ibans = new Set(when.counterpartyIban.map((i) => normaliseIban(i) ?? i.replace(/\s+/g, '').toUpperCase()));
    checks.push((v) => v.tx.counterpartyIban != null && ibans.has(v.tx.counterpartyIban.replace(/\s+/g, '').toUpperCase()));
  }
  if (when.creditorId) {
    const ids = new Set(when.creditorId.map((i) => i.replace(/\s+/g, '').toUpperCase()));
    checks.push((v) => v.tx.creditorId != null && ids.has(v.tx.creditorId.replace(/\s+/g, '').toUpperCase()));
  }
  if (when.bankTransactionCode) {
    const codes = when.bankTransactionCode.map((c) => c.toUpperCase());
    checks.push((v) => {
      const code = v.tx.bankTransactionCode?.toUpperCase();
      return code != null && codes.some((c) => code === c || code.startsWith(`${c}-`));
    });
  }
  if (when.proprietaryCode) {
    const codes = new Set(when.proprietaryCode.map((c) => c.toLowerCase()));
    checks.push((v) => v.tx.proprietaryCode != null && codes.has(v.tx.proprietaryCode.toLowerCase()));
  }
  if (when.returnReasonCode === true) checks.push((v) => v.tx.returnReasonCode != null && v.tx.returnReasonCode !== '');
  else if (when.returnReasonCode) {
    const codes = new Set(when.returnReasonCode.map((c) => c.toUpperCase()));
    checks.push((v) => v.tx.returnReasonCode != null && codes.has(v.tx.returnReasonCode.toUpperCase()));
  }
  if (when.reversal != null) {
    const wanted = when.reversal;
    checks.push((v) => v.tx.reversal === wanted);
  }
  if (when.ownAccount) checks.push((v) => v.isOwnAccount);
  if (when.remittancePattern) {
    const pattern = new RegExp(when.remittancePattern, 'i');
    checks.push((v) => pattern.test(v.remittance));
  }
  return (view, hits) => {
    for (let i = 0; i < checks.length; i += 1) if (!checks[i]!(view, hits)) return false;
    return true;
  };
}

/** What categorisation needs of a counterparty name; `own` is worked out when first asked. */
interface NameFacts {
  /** Phrase uses (rank * 4 + field code) of the name's words. */
  uses: number[];
  /** Whether the name has words once terminal prefixes are dropped. */
  given: boolean;
  /** Whether it names one of the account holders. */
  own: boolean | undefined;
}

/** Phrase uses found so far: the first `count` values (refilled from the start for each text). */
interface UseList {
  values: number[];
  count: number;
}

/**
 * Where an anchored phrase ("^plus") may start. In a name: at its first word. In a remittance the
 * merchant follows a terminal number, a time or a card label ("12.54 DIRCKIII", "BEA, Betaalpas
 * Albert Heijn"), so also after a word with digits or such a label.
 */
type AnchorMode = 'name' | 'remittance';

function anchorAllowed(mode: AnchorMode, words: WordPositions, index: number): boolean {
  if (index === 0) return true;
  if (mode === 'name') return false;
  return words.hasDigit(index - 1) || isTerminalPrefixAt(words, index - 1);
}

/** TERMINAL_PREFIX_TOKENS by length, so a word is compared with the few of its own length in place. */
const TERMINAL_PREFIXES_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const byLength: string[][] = [];
  for (const token of TERMINAL_PREFIX_TOKENS) (byLength[token.length] ??= []).push(token);
  return byLength;
})();

/** TERMINAL_PREFIX_TOKENS.has(word i), without making the word a string: nearly every card payment asks it. */
function isTerminalPrefixAt(words: WordPositions, index: number): boolean {
  const candidates = TERMINAL_PREFIXES_BY_LENGTH[words.ends[index]! - words.starts[index]!];
  if (candidates === undefined) return false;
  for (let k = 0; k < candidates.length; k += 1) if (words.is(index, candidates[k]!)) return true;
  return false;
}

/**
 * Every phrase use (rank * 4 + field code) whose phrase occurs in these words, added to `uses`.
 * Reads the words by position (see WordPositions) and makes no string of them: the letter, shape
 * and presence tables rule out most words at once, a first word is compared in place with the
 * indexed words of its presence slot, and a prefix is looked up by the number its first three
 * letters make.
 */
function phraseUsesIn(compiled: CompiledRuleSet, words: WordPositions, mode: AnchorMode, uses: UseList): void {
  const { starts, ends, count } = words;
  for (let i = 0; i < count; i += 1) {
    const start = starts[i]!;
    const end = ends[i]!;
    const length = end - start;
    const first = words.codeAt(start);
    const second = length > 1 ? words.codeAt(start + 1) : 0;
    let prefixKey = -1;
    if (length >= PREFIX_KEY_LENGTH) {
      // No first word or prefix starts with these three letters: neither lookup below can find anything.
      prefixKey = first * 65_536 + second * 256 + words.codeAt(start + 2);
      if (compiled.firstThreeLetters[prefixPresenceSlot(prefixKey)] === 0) continue;
    } else if (compiled.firstTwoLetters[(first & 127) * 128 + (second & 127)] === 0) continue;
    if (compiled.firstWordShapes[shapeOfWord(first, length)] === 1) {
      const slot = wordPresenceSlot(first, second, words.codeAt(end - 1), length);
      if (compiled.firstWordPresence[slot] === 1) {
        // Same as phrasesByWord.get(word i): the entry whose word equals it, if any (keys are distinct).
        const entries = compiled.firstWordsBySlot.get(slot)!;
        for (let e = 0; e < entries.length; e += 1) {
          const entry = entries[e]!;
          if (words.is(i, entry.word)) {
            collectMatches(entry.phrases, words, i, mode, uses);
            break;
          }
        }
      }
    }
    if (prefixKey >= 0 && compiled.prefixPresence[prefixPresenceSlot(prefixKey)] === 1) {
      const byPrefix = compiled.phrasesByPrefix.get(prefixKey);
      if (byPrefix) collectMatches(byPrefix, words, i, mode, uses);
    }
  }
}

function collectMatches(phrases: readonly CompiledPhrase[], words: WordPositions, i: number, mode: AnchorMode, uses: UseList): void {
  for (const phrase of phrases) {
    if (phrase.anchored && !anchorAllowed(mode, words, i)) continue;
    if (!phraseMatchesAt(phrase, words, i)) continue;
    for (const use of phrase.uses) uses.values[uses.count++] = use;
  }
}

function phraseMatchesAt(phrase: CompiledPhrase, words: WordPositions, start: number): boolean {
  const last = phrase.tokens.length - 1;
  if (start + last >= words.count) return false;
  for (let k = 0; k <= last; k += 1) {
    const want = phrase.tokens[k]!;
    if (k === last && phrase.prefixLast ? !words.startsWith(start + k, want) : !words.is(start + k, want)) return false;
  }
  return true;
}

function resolveCompiled(options: CategoriseOptions): CompiledRuleSet {
  const given = options.rules;
  if ('phrasesByWord' in given) {
    if (options.tenantOverrides && options.tenantOverrides.length > 0) return compileRuleSet(given.ruleSet, options.tenantOverrides);
    return given;
  }
  const overrides = options.tenantOverrides ?? NO_OVERRIDES;
  let perOverrides = compiledCache.get(given);
  if (!perOverrides) {
    perOverrides = new WeakMap();
    compiledCache.set(given, perOverrides);
  }
  let compiled = perOverrides.get(overrides);
  if (!compiled) {
    compiled = compileRuleSet(given, overrides);
    perOverrides.set(overrides, compiled);
  }
  return compiled;
}

export function categorise(transactions: readonly AnalysisTransaction[], options: CategoriseOptions): CategorisedTransaction[] {
  const compiled = resolveCompiled(options);
  const ownIbans = new Set(options.ownIbans.map((i) => i.replace(/\s+/g, '').toUpperCase()));
  const holderNames = [...(options.accountHolderNames ?? [])];
  const result = categoriseWith(compiled, transactions, ownIbans, holderNames);

  // The debtor's own name shows as counterparty on transfers the bank calls internal ("interne
  // overboeking", "naar spaarrekening"); other transfers to or from that name are then own-account
  // too, even when the statement does not give the account holder's name.
  const learnedNames = new Set<string>();
  const consideredNames = new Set<string>();
  for (const tx of result) {
    const name = tx.counterpartyName;
    if (tx.category !== 'transfer.own_account' || name == null || consideredNames.has(name)) continue;
    consideredNames.add(name);
    if (looksLikePersonName(name) && !holderNames.some((h) => samePersonName(h, name))) learnedNames.add(name);
  }
  if (learnedNames.size > 0) {
    const fallbackIds = new Set([compiled.ruleSet.fallback.in.ruleId, compiled.ruleSet.fallback.out.ruleId]);
    const undecided = result.filter((tx) => fallbackIds.has(tx.ruleId) && tx.counterpartyName != null);
    if (undecided.length > 0) {
      const again = categoriseWith(compiled, undecided, ownIbans, [...holderNames, ...learnedNames]);
      const byId = new Map(again.map((tx) => [tx.id, tx]));
      for (let i = 0; i < result.length; i += 1) {
        const redone = byId.get(result[i]!.id);
        if (redone && redone.category === 'transfer.own_account') result[i] = redone;
      }
    }
  }
  inferRecurringIncome(result, compiled.ruleSet);
  const learned = compiled.ruleSet.learnedFallback;
  const classifier = options.textClassifier === undefined ? (learned ? defaultTextClassifier() : null) : options.textClassifier;
  if (learned && classifier) applyLearnedFallback(result, compiled.ruleSet, classifier, learned);
  return result;
}

/**
 * Lines still on the fallback by sign after the rules and the salary inference get the learned
 * model's answer on their remittance when it is sure enough; a line with only a name keeps the
 * fallback. Remittances repeat (the same monthly text), so each is scored once per call.
 */
function applyLearnedFallback(result: CategorisedTransaction[], ruleSet: RuleSet, classifier: CompiledTextClassifier, learned: NonNullable<RuleSet['learnedFallback']>): void {
  const fallbackIds = new Set([ruleSet.fallback.in.ruleId, ruleSet.fallback.out.ruleId]);
  const memo = new Map<string, ReturnType<CompiledTextClassifier['predict']>>();
  for (const tx of result) {
    if (!fallbackIds.has(tx.ruleId)) continue;
    const remittance = [tx.remittanceUnstructured, tx.remittanceStructured].filter((r) => r != null && r !== '').join(' ');
    if (remittance === '') continue;
    const key = `${tx.amountCents > 0 ? '+' : '-'}${remittance}`;
    let prediction = memo.get(key);
    if (prediction === undefined && !memo.has(key)) {
      prediction = classifier.predict(remittance, tx.amountCents);
      memo.set(key, prediction);
    }
    if (!prediction || prediction.confidence < learned.minConfidence || prediction.knownShare < learned.minKnownShare) continue;
    tx.category = prediction.category;
    tx.ruleId = learned.ruleId;
    tx.confidence = Math.round(prediction.confidence * 1000) / 1000;
  }
}

/** A bank or a savings product as counterparty ("ING Bank", "Oranje Spaarrekening") is no one's name to learn. */
function looksLikePersonName(name: string): boolean {
  if (hasLegalForm(name)) return false;
  return !tokenise(name).some((w) => w === 'bank' || w.startsWith('spaar') || w.startsWith('rekening') || w.startsWith('beleg'));
}

function categoriseWith(compiled: CompiledRuleSet, transactions: readonly AnalysisTransaction[], ownIbans: ReadonlySet<string>, holderNames: readonly string[]): CategorisedTransaction[] {
  // One scanner for every name and remittance of this call; each is read and matched before the next.
  const words = new WordPositions();

  // Names repeat (every visit to the same shop): what the rules need of a name is worked out once
  // per name, and found with one lookup per transaction.
  const nameFacts = new Map<string, NameFacts>();
  const factsOf = (name: string): NameFacts => {
    let facts = nameFacts.get(name);
    if (facts === undefined) {
      const nameTokens = nameMatchTokens(name);
      // Name words are letters and digits, so joined with spaces they read back as the same words.
      const found: UseList = { values: [], count: 0 };
      if (nameTokens.length > 0) phraseUsesIn(compiled, words.read(nameTokens.join(' ')), 'name', found);
      facts = { uses: found.values, given: nameTokens.length > 0, own: undefined };
      nameFacts.set(name, facts);
    }
    return facts;
  };
  const isOwnName = (name: string | null, facts: NameFacts | undefined): boolean => {
    if (name == null || holderNames.length === 0) return false;
    const known = facts ?? factsOf(name);
    known.own ??= holderNames.some((holder) => samePersonName(holder, name));
    return known.own;
  };
  const hits: PhraseHits = { stamps: new Int32Array(compiled.rules.length * 4), stamp: 0 };
  const candidateStamps = new Int32Array(compiled.rules.length);
  const NAME_FIELDS = (1 << FIELD_CODE.counterparty) | (1 << FIELD_CODE.text) | (1 << FIELD_CODE.name);
  const REMITTANCE_FIELDS_WITH_NAME = (1 << FIELD_CODE.remittance) | (1 << FIELD_CODE.text);
  const REMITTANCE_FIELDS_WITHOUT_NAME = REMITTANCE_FIELDS_WITH_NAME | (1 << FIELD_CODE.counterparty);

  let stamp = 0;
  // One list, refilled per transaction (the first candidateCount entries): nothing keeps it beyond
  // the transaction's own turn. Emptied by count, not by `length = 0`, which gives up the storage.
  const candidates: number[] = [];
  let candidateCount = 0;
  let view: TransactionView | undefined;
  // Kept in rank order as they come (there are a handful per transaction): the first that holds wins.
  const addCandidate = (rank: number) => {
    if (candidateStamps[rank] === stamp) return;
    candidateStamps[rank] = stamp;
    let i = candidateCount;
    candidateCount += 1;
    while (i > 0 && candidates[i - 1]! > rank) {
      candidates[i] = candidates[i - 1]!;
      i -= 1;
    }
    candidates[i] = rank;
  };
  const addUses = (uses: readonly number[], count: number, fieldMask: number) => {
    for (let u = 0; u < count; u += 1) {
      const use = uses[u]!;
      if ((fieldMask & (1 << (use & 3))) === 0) continue;
      hits.stamps[use] = stamp;
      addCandidate(use >> 2);
    }
  };
  const remittanceUses: UseList = { values: [], count: 0 };

  // IBANs and creditor ids repeat too; their normal form (no spaces, upper case) is worked out once each.
  const normalKeys = new Map<string, string>();
  const normalKey = (value: string): string => {
    let key = normalKeys.get(value);
    if (key === undefined) {
      key = value.replace(/\s+/g, '').toUpperCase();
      normalKeys.set(value, key);
    }
    return key;
  };

  // A bank code "PMNT-CCRD-CWDL" points at the rules for the domain, the family and the code itself.
  const ranksByBankCode = new Map<string, number[]>();
  const bankCodeRanks = (raw: string): number[] => {
    let ranks = ranksByBankCode.get(raw);
    if (!ranks) {
      ranks = [];
      const code = raw.toUpperCase();
      for (let end = code.indexOf('-'); ; end = code.indexOf('-', end + 1)) {
        ranks.push(...(compiled.byBankCode.get(end === -1 ? code : code.slice(0, end)) ?? []));
        if (end === -1) break;
      }
      ranksByBankCode.set(raw, ranks);
    }
    return ranks;
  };

  return transactions.map((tx): CategorisedTransaction => {
    hits.stamp += 1;
    stamp = hits.stamp;
    candidateCount = 0;
    for (const rank of compiled.unindexed) addCandidate(rank);

    const counterpartyIban = tx.counterpartyIban == null ? null : normalKey(tx.counterpartyIban);
    const remittance =
      tx.remittanceStructured == null || tx.remittanceStructured === ''
        ? (tx.remittanceUnstructured ?? '')
        : tx.remittanceUnstructured == null || tx.remittanceUnstructured === ''
          ? tx.remittanceStructured
          : `${tx.remittanceUnstructured} ${tx.remittanceStructured}`;

    let nameGiven = false;
    let facts: NameFacts | undefined;
    if (tx.counterpartyName != null && tx.counterpartyName !== '') {
      facts = factsOf(tx.counterpartyName);
      nameGiven = facts.given;
      addUses(facts.uses, facts.uses.length, NAME_FIELDS);
    }
    if (remittance !== '') {
      remittanceUses.count = 0;
      phraseUsesIn(compiled, words.read(remittance), 'remittance', remittanceUses);
      addUses(remittanceUses.values, remittanceUses.count, nameGiven ? REMITTANCE_FIELDS_WITH_NAME : REMITTANCE_FIELDS_WITHOUT_NAME);
    }
    if (counterpartyIban) for (const rank of compiled.byIban.get(counterpartyIban) ?? NO_RANKS) addCandidate(rank);
    if (tx.creditorId) for (const rank of compiled.byCreditorId.get(normalKey(tx.creditorId)) ?? NO_RANKS) addCandidate(rank);
    if (tx.bankTransactionCode) for (const rank of bankCodeRanks(tx.bankTransactionCode)) addCandidate(rank);
    if (tx.proprietaryCode) for (const rank of compiled.byProprietaryCode.get(tx.proprietaryCode.toLowerCase()) ?? NO_RANKS) addCandidate(rank);

    const sign = tx.amountCents > 0 ? 1 : tx.amountCents < 0 ? -1 : 0;
    const isOwnAccount = (counterpartyIban != null && ownIbans.has(counterpartyIban)) || isOwnName(tx.counterpartyName, facts);
    // One view for the whole call, refilled per transaction: the checks read it and keep nothing.
    if (view === undefined) view = { tx, remittance, isOwnAccount };
    else {
      view.tx = tx;
      view.remittance = remittance;
      view.isOwnAccount = isOwnAccount;
    }
    let decided: CompiledRule | undefined;
    for (let c = 0; c < candidateCount; c += 1) {
      const candidate = compiled.rules[candidates[c]!]!;
      if (candidate.direction !== 0 && candidate.direction !== sign) continue;
      if (candidate.check(view, hits)) {
        decided = candidate;
        break;
      }
    }
    if (decided) return withCategory(tx, decided.rule.category, decided.rule.id, decided.rule.confidence);
    const fallback = sign > 0 ? compiled.ruleSet.fallback.in : sign < 0 ? compiled.ruleSet.fallback.out : compiled.ruleSet.fallback.zero;
    return withCategory(tx, fallback.category as CategoryId, fallback.ruleId, fallback.confidence);
  });
}

/** Spelled out rather than spread: it is built for every transaction, and a fixed shape keeps it cheap. */
function withCategory(tx: AnalysisTransaction, category: CategoryId, ruleId: string, confidence: number): CategorisedTransaction {
  return {
    id: tx.id,
    accountIban: tx.accountIban,
    status: tx.status,
    bookingDate: tx.bookingDate,
    valueDate: tx.valueDate,
    amountCents: tx.amountCents,
    currency: tx.currency,
    counterpartyName: tx.counterpartyName,
    counterpartyIban: tx.counterpartyIban,
    remittanceUnstructured: tx.remittanceUnstructured,
    remittanceStructured: tx.remittanceStructured,
    creditorId: tx.creditorId,
    mandateId: tx.mandateId,
    bankTransactionCode: tx.bankTransactionCode,
    proprietaryCode: tx.proprietaryCode,
    returnReasonCode: tx.returnReasonCode,
    reversal: tx.reversal,
    category,
    ruleId,
    confidence,
  };
}

/** Name words with terminal prefixes ("CCV*", "BEA") removed but branch numbers kept: rules may name a branch word. */
function nameMatchTokens(name: string | null): string[] {
  if (name == null) return [];
  const cut = counterpartyNameTokens(name);
  const all = tokenise(name);
  if (cut.length === 0) return all;
  const start = all.indexOf(cut[0]!);
  return start <= 0 ? all : all.slice(start);
}

/**
 * Credits that no rule named (or that a rule could only read as a refund) but that come from the
 * same company at a steady amount on a steady rhythm are a salary: employers are too many to list,
 * their payroll rhythm gives them away.
 */
function inferRecurringIncome(transactions: CategorisedTransaction[], ruleSet: RuleSet): void {
  const settings = ruleSet.recurringIncome;
  if (!settings) return;
  const reconsidered = new Set(settings.appliesToRuleIds);
  const groups = new Map<string, CategorisedTransaction[]>();
  for (const tx of transactions) {
    if (!reconsidered.has(tx.ruleId) || tx.amountCents <= 0) continue;
    if (settings.requireCompanyName && !hasLegalForm(tx.counterpartyName)) continue;
    const key = tx.counterpartyIban ?? normaliseCounterpartyName(tx.counterpartyName);
    if (key === '') continue;
    const list = groups.get(key);
    if (list) list.push(tx);
    else groups.set(key, [tx]);
  }
  for (const group of groups.values()) {
    if (group.length < settings.minOccurrences) continue;
    const amounts = group.map((t) => t.amountCents);
    const mean = amounts.reduce((a, b) => a + b, 0) / amounts.length;
    const sd = Math.sqrt(amounts.reduce((a, b) => a + (b - mean) ** 2, 0) / amounts.length);
    if (mean <= 0 || sd / mean > settings.maxAmountVariation) continue;
    const days = group.map((t) => Date.parse(t.bookingDate) / 86_400_000).sort((a, b) => a - b);
    const gaps = days.slice(1).map((d, i) => d - days[i]!).sort((a, b) => a - b);
    const medianGap = gaps[Math.floor(gaps.length / 2)]!;
    if (medianGap < settings.minIntervalDays || medianGap > settings.maxIntervalDays) continue;
    for (const tx of group) {
      tx.category = settings.category as CategoryId;
      tx.ruleId = settings.ruleId;
      tx.confidence = settings.confidence;
    }
  }
}
