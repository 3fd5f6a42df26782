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
import { TERMINAL_PREFIX_TOKENS, counterpartyNameTokens, hasLegalForm, normaliseCounterpartyName, samePersonName, tokenise } from '../counterparty-name.js';
import type { CategoryId } from '../taxonomy.js';
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
}

type PhraseField = 'counterparty' | 'remittance' | 'text' | 'name';
/** Phrase uses are packed as rank * 4 + field code: four fields, one small integer per use. */
const FIELD_CODE: Record<PhraseField, number> = { counterparty: 0, remittance: 1, text: 2, name: 3 };
const FIELDS = Object.keys(FIELD_CODE) as PhraseField[];

/** Prefix words are indexed by their first letters; shorter prefixes would point at too many words. */
const PREFIX_KEY_LENGTH = 3;

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
  check: (tx: TransactionView, hits: Set<number>) => boolean;
}

export interface CompiledRuleSet {
  readonly version: string;
  readonly ruleSet: RuleSet;
  readonly rules: readonly CompiledRule[];
  readonly phrasesByWord: ReadonlyMap<string, CompiledPhrase[]>;
  readonly phrasesByPrefix: ReadonlyMap<string, CompiledPhrase[]>;
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
    return { rule, rank, phraseFields, check: compileCheck(when, rank, phraseFields) };
  });

  const phrasesByWord = new Map<string, CompiledPhrase[]>();
  const phrasesByPrefix = new Map<string, CompiledPhrase[]>();
  for (const phrase of phrases.values()) {
    const first = phrase.tokens[0]!;
    if (phrase.tokens.length === 1 && phrase.prefixLast) {
      const key = first.slice(0, PREFIX_KEY_LENGTH);
      phrasesByPrefix.set(key, [...(phrasesByPrefix.get(key) ?? []), phrase]);
    } else {
      phrasesByWord.set(first, [...(phrasesByWord.get(first) ?? []), phrase]);
    }
  }
  return { version: ruleSet.version, ruleSet, rules, phrasesByWord, phrasesByPrefix, byIban, byCreditorId, byBankCode, byProprietaryCode, unindexed };
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
  const checks: ((view: TransactionView, hits: Set<number>) => boolean)[] = [];
  for (const field of phraseFields) checks.push((_view, hits) => hits.has(rank * 4 + field));
  if (when.direction === 'in') checks.push((v) => v.tx.amountCents > 0);
  if (when.direction === 'out') checks.push((v) => v.tx.amountCents < 0);
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
    for (const check of checks) if (!check(view, hits)) return false;
    return true;
  };
}

/** Finds every phrase occurrence in the words of one field and records the rule conditions it serves. */
function collectPhraseHits(
  compiled: CompiledRuleSet,
  tokens: readonly string[],
  fieldCodes: readonly number[],
  anchorAt: (index: number) => boolean,
  hits: Set<number>,
  candidates: Set<number>,
): void {
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const exact = compiled.phrasesByWord.get(token);
    const byPrefix = token.length >= PREFIX_KEY_LENGTH ? compiled.phrasesByPrefix.get(token.slice(0, PREFIX_KEY_LENGTH)) : undefined;
    for (const list of [exact, byPrefix]) {
      if (!list) continue;
      for (const phrase of list) {
        if (phrase.anchored && !anchorAt(i)) continue;
        if (!phraseMatchesAt(phrase, tokens, i)) continue;
        for (const use of phrase.uses) {
          if (fieldCodes.includes(use % 4)) {
            hits.add(use);
            candidates.add(Math.floor(use / 4));
          }
        }
      }
    }
  }
}

function phraseMatchesAt(phrase: CompiledPhrase, tokens: readonly string[], start: number): boolean {
  const last = phrase.tokens.length - 1;
  if (start + last >= tokens.length) return false;
  for (let k = 0; k <= last; k += 1) {
    const want = phrase.tokens[k]!;
    const have = tokens[start + k]!;
    if (k === last && phrase.prefixLast ? !have.startsWith(want) : have !== want) return false;
  }
  return true;
}

/**
 * In a remittance the merchant follows a terminal number, a time or a card label ("12.54 DIRCKIII",
 * "BEA, Betaalpas Albert Heijn"), so an anchored name may start after a word with digits or such a label.
 */
function remittanceAnchor(tokens: readonly string[]): (index: number) => boolean {
  return (index) => index === 0 || /\d/.test(tokens[index - 1]!) || TERMINAL_PREFIX_TOKENS.has(tokens[index - 1]!);
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
  for (const tx of result) {
    const name = tx.counterpartyName;
    if (tx.category !== 'transfer.own_account' || name == null || !looksLikePersonName(name)) continue;
    if (!holderNames.some((h) => samePersonName(h, name))) learnedNames.add(name);
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
  return result;
}

/** A bank or a savings product as counterparty ("ING Bank", "Oranje Spaarrekening") is no one's name to learn. */
function looksLikePersonName(name: string): boolean {
  if (hasLegalForm(name)) return false;
  return !tokenise(name).some((w) => w === 'bank' || w.startsWith('spaar') || w.startsWith('rekening') || w.startsWith('beleg'));
}

function categoriseWith(compiled: CompiledRuleSet, transactions: readonly AnalysisTransaction[], ownIbans: ReadonlySet<string>, holderNames: readonly string[]): CategorisedTransaction[] {
  const nameCache = new Map<string, boolean>();
  const isOwnName = (name: string | null): boolean => {
    if (name == null || holderNames.length === 0) return false;
    let known = nameCache.get(name);
    if (known === undefined) {
      known = holderNames.some((holder) => samePersonName(holder, name));
      nameCache.set(name, known);
    }
    return known;
  };

  return transactions.map((tx): CategorisedTransaction => {
    const counterpartyIban = tx.counterpartyIban?.replace(/\s+/g, '').toUpperCase() ?? null;
    const remittance = [tx.remittanceUnstructured, tx.remittanceStructured].filter((r) => r != null && r !== '').join(' ');
    const view: TransactionView = {
      tx,
      remittance,
      isOwnAccount: (counterpartyIban != null && ownIbans.has(counterpartyIban)) || isOwnName(tx.counterpartyName),
    };
    const hits = new Set<number>();
    const candidates = new Set<number>(compiled.unindexed);
    const nameTokens = nameMatchTokens(tx.counterpartyName);
    const remittanceTokens = tokenise(remittance);
    const nameGiven = nameTokens.length > 0;
    if (nameGiven) collectPhraseHits(compiled, nameTokens, [FIELD_CODE.counterparty, FIELD_CODE.text, FIELD_CODE.name], (i) => i === 0, hits, candidates);
    collectPhraseHits(
      compiled,
      remittanceTokens,
      nameGiven ? [FIELD_CODE.remittance, FIELD_CODE.text] : [FIELD_CODE.counterparty, FIELD_CODE.remittance, FIELD_CODE.text],
      remittanceAnchor(remittanceTokens),
      hits,
      candidates,
    );
    if (counterpartyIban) for (const rank of compiled.byIban.get(counterpartyIban) ?? []) candidates.add(rank);
    if (tx.creditorId) for (const rank of compiled.byCreditorId.get(tx.creditorId.replace(/\s+/g, '').toUpperCase()) ?? []) candidates.add(rank);
    if (tx.bankTransactionCode) {
      const parts = tx.bankTransactionCode.toUpperCase().split('-');
      for (let n = 1; n <= parts.length; n += 1) for (const rank of compiled.byBankCode.get(parts.slice(0, n).join('-')) ?? []) candidates.add(rank);
    }
    if (tx.proprietaryCode) for (const rank of compiled.byProprietaryCode.get(tx.proprietaryCode.toLowerCase()) ?? []) candidates.add(rank);

    const ordered = [...candidates].sort((a, b) => a - b);
    for (const rank of ordered) {
      const candidate = compiled.rules[rank]!;
      if (candidate.check(view, hits)) {
        return { ...tx, category: candidate.rule.category, ruleId: candidate.rule.id, confidence: candidate.rule.confidence };
      }
    }
    const fallback = tx.amountCents > 0 ? compiled.ruleSet.fallback.in : tx.amountCents < 0 ? compiled.ruleSet.fallback.out : compiled.ruleSet.fallback.zero;
    return { ...tx, category: fallback.category as CategoryId, ruleId: fallback.ruleId, confidence: fallback.confidence };
  });
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
