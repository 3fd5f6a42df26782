/**
 * Recurring streams: the salary, the rent, the phone bill, the weekly groceries, found by grouping
 * transactions by counterparty and amount and fitting a rhythm to their dates.
 *
 * Glossary
 * - counterparty key: the SEPA creditor id when there is one (stable across a company's bank
 *   accounts), else the counterparty IBAN, else the normalised name.
 * - status: mature = three or more payments and the next one is not overdue; early = two;
 *   inactive = the expected date has passed by more than the uncertainty window.
 * - monthly equivalent: what the stream costs or brings per average month (a four-weekly salary
 *   brings 13/12 of one payment).
 */
import { diffDays, type IsoDate } from '../../platform/dates.js';
import { dayNumberOfIso, isoOfDayNumber } from '../../platform/day-number.js';
import type { CategorisedTransaction } from '../categorisation/categorise.js';
import { WordPositions, normaliseCounterpartyName } from '../counterparty-name.js';
import type { CategoryId } from '../taxonomy.js';
import { AVERAGE_DAYS_PER_MONTH, MIN_FITTING_GAP_DAYS, cadenceOf, detectCadenceOfDays, nextOnGridOfDays, type CadenceFit, type Frequency } from './cadence.js';

export type StreamStatus = 'mature' | 'early' | 'inactive';

export interface RecurringStream {
  id: string;
  direction: 'in' | 'out';
  counterpartyKey: string;
  counterpartyName: string | null;
  category: CategoryId;
  frequency: Frequency;
  status: StreamStatus;
  occurrences: number;
  firstDate: IsoDate;
  lastDate: IsoDate;
  medianIntervalDays: number;
  amount: {
    meanCents: number;
    medianCents: number;
    minCents: number;
    maxCents: number;
    /** Standard deviation over mean of the absolute amounts: 0 is the same amount every time. */
    coefficientOfVariation: number;
  };
  /** Expected next date and how many days either side it may fall; null when nothing more is expected. */
  predictedNext: { date: IsoDate; windowDays: number } | null;
  /** Signed like the amounts: positive for money in. */
  monthlyEquivalentCents: number;
  transactionIds: string[];
}

export interface StreamDetectionOptions {
  asOf: IsoDate;
  /**
   * Relative amount difference within which two payments to the same counterparty are the same
   * stream; wider than salary noise, narrower than the gap between two allowances of one payer.
   */
  amountTolerance?: number;
}

const DEFAULT_AMOUNT_TOLERANCE = 0.25;
/** Below this difference in cents amounts are the same whatever the ratio: a 2-euro subscription rising to 3 is still one stream. */
const AMOUNT_TOLERANCE_FLOOR_CENTS = 150;

export function counterpartyKeyOf(tx: Pick<CategorisedTransaction, 'creditorId' | 'counterpartyIban' | 'counterpartyName' | 'remittanceUnstructured'>): string {
  if (tx.creditorId) return `cid:${tx.creditorId.toUpperCase()}`;
  if (tx.counterpartyIban) return `iban:${tx.counterpartyIban.replace(/\s+/g, '').toUpperCase()}`;
  const name = normaliseCounterpartyName(tx.counterpartyName);
  if (name !== '') return `name:${name}`;
  // Card payments in some exports carry the merchant only in the remittance.
  const fromRemittance = normaliseCounterpartyName(tx.remittanceUnstructured);
  return fromRemittance === '' ? '' : `text:${fromRemittance}`;
}

/**
 * counterpartyKeyOf for many transactions of one debtor: the same shop, IBAN or creditor comes
 * back hundreds of times, so each distinct value is normalised once and the same key string is
 * handed out again (a map that already hashed it need not hash it again). The key is a pure
 * function of these strings, so remembering it per string gives the same key. Lives for one call.
 */
function counterpartyKeyer(): (tx: Pick<CategorisedTransaction, 'creditorId' | 'counterpartyIban' | 'counterpartyName' | 'remittanceUnstructured'>) => string {
  const byCreditorId = new Map<string, string>();
  const byIban = new Map<string, string>();
  const byName = new Map<string, string>();
  const byRemittance = new Map<string, string>();
  return (tx) => {
    if (tx.creditorId) {
      let key = byCreditorId.get(tx.creditorId);
      if (key === undefined) byCreditorId.set(tx.creditorId, (key = counterpartyKeyOf(tx)));
      return key;
    }
    if (tx.counterpartyIban) {
      let key = byIban.get(tx.counterpartyIban);
      if (key === undefined) byIban.set(tx.counterpartyIban, (key = counterpartyKeyOf(tx)));
      return key;
    }
    // The name decides unless it normalises to nothing; then the remittance does.
    const name = tx.counterpartyName ?? '';
    let fromName = byName.get(name);
    if (fromName === undefined) {
      const normalised = normaliseCounterpartyName(name);
      byName.set(name, (fromName = normalised === '' ? '' : `name:${normalised}`));
    }
    if (fromName !== '') return fromName;
    const remittance = tx.remittanceUnstructured ?? '';
    let fromRemittance = byRemittance.get(remittance);
    if (fromRemittance === undefined) {
      const normalised = normaliseCounterpartyName(remittance);
      byRemittance.set(remittance, (fromRemittance = normalised === '' ? '' : `text:${normalised}`));
    }
    return fromRemittance;
  };
}

/**
 * A transaction with its booking date as a day number, converted once: a group's dates are fitted
 * against the rhythms many times over (whole group, per text, per amount cluster, without each
 * outlier), and converting the ISO strings every time dominated stream detection.
 */
interface Dated {
  tx: CategorisedTransaction;
  day: number;
  /** Math.abs(tx.amountCents), which amount clustering sorts by. */
  absoluteCents: number;
}

function daysOf(entries: readonly Dated[]): number[] {
  const days = new Array<number>(entries.length);
  for (let i = 0; i < entries.length; i += 1) days[i] = entries[i]!.day;
  return days;
}

/**
 * Booking dates are valid ISO dates (the parsers and the database's date type guarantee it), whose
 * text order is their calendar order, so comparing day numbers orders exactly as comparing the
 * strings did; Array.prototype.sort is stable, so equal dates keep their order as before.
 */
function byDay(a: Dated, b: Dated): number {
  return a.day - b.day;
}

/**
 * Sorts in place by day, as list.sort(byDay) does; a list already in day order is left as it is,
 * which is what the stable sort would leave too, without the copy V8's sort makes of every list.
 */
function sortByDay(list: Dated[]): Dated[] {
  for (let i = 1; i < list.length; i += 1) if (list[i]!.day < list[i - 1]!.day) return list.sort(byDay);
  return list;
}

export function detectRecurringStreams(transactions: readonly CategorisedTransaction[], options: StreamDetectionOptions): RecurringStream[] {
  const tolerance = options.amountTolerance ?? DEFAULT_AMOUNT_TOLERANCE;
  const words = new WordPositions();
  const keyOf = counterpartyKeyer();
  // Grouped by direction and counterparty key; `groups` keeps them in the order each was first
  // seen, the order a single map keyed by "direction|key" would iterate in.
  const groupsByKey = { in: new Map<string, Dated[]>(), out: new Map<string, Dated[]>() };
  const groups: { direction: 'in' | 'out'; counterpartyKey: string; members: Dated[] }[] = [];
  for (const tx of transactions) {
    if (tx.status !== 'booked' || tx.amountCents === 0 || tx.bookingDate > options.asOf) continue;
    const key = keyOf(tx);
    if (key === '') continue;
    const direction = tx.amountCents > 0 ? 'in' : 'out';
    const entry: Dated = { tx, day: dayNumberOfIso(tx.bookingDate), absoluteCents: Math.abs(tx.amountCents) };
    const list = groupsByKey[direction].get(key);
    if (list) list.push(entry);
    else {
      const members = [entry];
      groupsByKey[direction].set(key, members);
      groups.push({ direction, counterpartyKey: key, members });
    }
  }

  const streams: RecurringStream[] = [];
  for (const { direction, counterpartyKey, members: group } of groups) {
    if (group.length < 2) continue;
    sortByDay(group);
    // A group with one rhythm is one stream; its fit is the stream's (the same dates in the same order).
    const wholeFit = detectCadenceOfDays(daysOf(group));
    if (wholeFit) streams.push(buildStream(direction, counterpartyKey, group, options.asOf, wholeFit));
    else for (const members of splitIntoStreams(group, tolerance, words)) streams.push(buildStream(direction, counterpartyKey, members, options.asOf));
  }
  return streams.sort((a, b) => Math.abs(b.monthlyEquivalentCents) - Math.abs(a.monthlyEquivalentCents) || (a.id < b.id ? -1 : 1));
}

/**
 * One counterparty can hold several streams (Belastingdienst pays zorgtoeslag and huurtoeslag on the
 * same day) or one stream plus one-offs (an energy supplier's monthly instalment and its yearly
 * settlement). In order, until each part has a rhythm: the whole group; the group split by what the
 * remittance says; what is left split by amount (a cluster may drop one outlier, and clusters that
 * follow each other in time, like a salary before and after a raise, are joined). What still has no
 * rhythm stays together as one irregular stream.
 */
function splitIntoStreams(group: Dated[], tolerance: number, words: WordPositions): Dated[][] {
  // The whole group has no rhythm (the caller checked). First by what the remittance says, dates
  // and month names aside: "VOORSCHOT ZORGTOESLAG" and "VOORSCHOT HUURTOESLAG" are two streams even
  // when their amounts are close, and so are "AOW 01-2025 SVB 1072828" and "AOW 01-2025 SVB 4159648"
  // (one per partner, a recurring person number).
  const regularByText: Dated[][] = [];
  const unexplained: Dated[] = [];
  // The words each remittance may keep, as numbers: its plain words (three letters or more, no
  // digits, no month name) and its references, in order. Which references stay is known only once
  // the whole group is read: those in two or more of its remittances (counted once per remittance).
  const vocabulary = new GroupVocabulary();
  const kept: number[] = [];
  const keptFrom: number[] = [];
  // The word ids of the previous remittance by word position (-1: too short to matter): remittances
  // of one counterparty mostly repeat the same words in the same places, so that word is tried first.
  let previousIds: number[] = [];
  let previousCount = 0;
  let currentIds: number[] = [];
  for (let i = 0; i < group.length; i += 1) {
    keptFrom.push(kept.length);
    words.read(group[i]!.tx.remittanceUnstructured);
    for (let w = 0; w < words.count; w += 1) {
      const length = words.ends[w]! - words.starts[w]!;
      // Shorter words are neither references nor kept plain words.
      if (length < 3) {
        currentIds[w] = -1;
        continue;
      }
      const hint = w < previousCount ? previousIds[w]! : -1;
      const id = hint >= 0 && vocabulary.isWordAt(hint, words, w) ? hint : vocabulary.idOf(words, w);
      currentIds[w] = id;
      if (vocabulary.hasDigit(id)) {
        if (length < MIN_REFERENCE_LENGTH) continue;
        vocabulary.countUse(id, i);
        kept.push(id);
      } else if (!vocabulary.isMonthWord(id)) kept.push(id);
    }
    const swap = previousIds;
    previousIds = currentIds;
    currentIds = swap;
    previousCount = words.count;
  }
  keptFrom.push(kept.length);
  const bySignature = new SignatureGroups<Dated>();
  // Refilled per transaction: its first `length` entries are the signature.
  const signature: number[] = [];
  for (let i = 0; i < group.length; i += 1) {
    let length = 0;
    for (let k = keptFrom[i]!; k < keptFrom[i + 1]!; k += 1) {
      const id = kept[k]!;
      // Plain words stay, references when two or more remittances have them.
      if (!vocabulary.hasDigit(id) || vocabulary.uses(id) >= 2) signature[length++] = id;
    }
    bySignature.add(signature, length, group[i]!);
  }
  if (bySignature.size > 1) {
    for (const members of bySignature.groups()) {
      if (members.length >= 2 && detectCadenceOfDays(daysOf(members))) regularByText.push(members);
      else unexplained.push(...members);
    }
  } else {
    // One signature: what is left is the whole group, in the same order, which was just found to
    // have no rhythm; splitByAmount need not fit it again.
    unexplained.push(...group);
    return unexplained.length >= 2 ? splitByAmount(unexplained, tolerance, true) : [];
  }
  // A single payment left over is no stream.
  return [...regularByText, ...(unexplained.length >= 2 ? splitByAmount(sortByDay(unexplained), tolerance, false) : [])];
}

/**
 * The distinct words of one group's remittances, numbered in order of appearance. A word is found
 * by its characters in place (a hash of its first two characters, last character and length, then
 * a full comparison with the first occurrence of each word in that slot), so the hundreds of
 * "betaalpas" and "breda" of a group's card payments, and its one-off references, cost no string
 * each. Equal numbers mean equal words, and the reverse.
 */
class GroupVocabulary {
  /** The text each word was first seen in. */
  private readonly texts: string[] = [];
  /**
   * Per word, WORD_FIELDS numbers: where it starts and ends in its text, flags (HAS_DIGIT,
   * MONTH_WORD), in how many remittances it was counted and the last one it was counted for, and
   * the word added before it in the same slot (-1: none). One array rather than one per field:
   * a group's one-off references make hundreds of words, and each array would grow for each.
   */
  private fields = new Int32Array(64 * WORD_FIELDS);
  /** The last word added per slot. */
  private readonly lastInSlot = new Map<number, number>();

  idOf(words: WordPositions, index: number): number {
    const start = words.starts[index]!;
    const end = words.ends[index]!;
    const length = end - start;
    const slot = ((words.codeAt(start) * 131 + (length > 1 ? words.codeAt(start + 1) : 0)) * 131 + words.codeAt(end - 1)) * 64 + length;
    const last = this.lastInSlot.get(slot) ?? -1;
    for (let id = last; id !== -1; id = this.fields[id * WORD_FIELDS + PREVIOUS_IN_SLOT]!) {
      if (this.isWordAt(id, words, index)) return id;
    }
    const id = this.texts.length;
    this.texts.push(words.text);
    if ((id + 1) * WORD_FIELDS > this.fields.length) {
      const larger = new Int32Array(this.fields.length * 2);
      larger.set(this.fields);
      this.fields = larger;
    }
    const at = id * WORD_FIELDS;
    this.fields[at + START] = start;
    this.fields[at + END] = end;
    this.fields[at + FLAGS] = (words.hasDigit(index) ? HAS_DIGIT : 0) | (isMonthWord(words, start, length) ? MONTH_WORD : 0);
    this.fields[at + USES] = 0;
    this.fields[at + LAST_COUNTED_IN] = -1;
    this.fields[at + PREVIOUS_IN_SLOT] = last;
    this.lastInSlot.set(slot, id);
    return id;
  }

  isMonthWord(id: number): boolean {
    return (this.fields[id * WORD_FIELDS + FLAGS]! & MONTH_WORD) !== 0;
  }

  /** Whether the word has a digit: /\d/.test(word). */
  hasDigit(id: number): boolean {
    return (this.fields[id * WORD_FIELDS + FLAGS]! & HAS_DIGIT) !== 0;
  }

  /** Counts a use of the word in remittance `remittance`, once per remittance however often it repeats there. */
  countUse(id: number, remittance: number): void {
    const at = id * WORD_FIELDS;
    if (this.fields[at + LAST_COUNTED_IN] === remittance) return;
    this.fields[at + LAST_COUNTED_IN] = remittance;
    this.fields[at + USES] = this.fields[at + USES]! + 1;
  }

  /** In how many remittances the word was counted. */
  uses(id: number): number {
    return this.fields[id * WORD_FIELDS + USES]!;
  }

  /** Whether word `index` of `words` is word `id`. */
  isWordAt(id: number, words: WordPositions, index: number): boolean {
    const start = words.starts[index]!;
    const length = words.ends[index]! - start;
    const at = id * WORD_FIELDS;
    const wordStart = this.fields[at + START]!;
    return this.fields[at + END]! - wordStart === length && sameWord(words, start, this.texts[id]!, wordStart, length);
  }
}

const START = 0;
const END = 1;
const FLAGS = 2;
const USES = 3;
const LAST_COUNTED_IN = 4;
const PREVIOUS_IN_SLOT = 5;
const WORD_FIELDS = 6;
const HAS_DIGIT = 1;
const MONTH_WORD = 2;

/** Whether the word at `start` of `words` has the same (lower-cased) letters as `length` characters of `other` from `otherStart`. */
function sameWord(words: WordPositions, start: number, other: string, otherStart: number, length: number): boolean {
  for (let k = 0; k < length; k += 1) {
    const code = other.charCodeAt(otherStart + k);
    if (words.codeAt(start + k) !== (code >= 65 && code <= 90 ? code + 32 : code)) return false;
  }
  return true;
}

/** MONTH_WORDS.has(word), compared in place against the month words of the same length. */
function isMonthWord(words: WordPositions, start: number, length: number): boolean {
  for (const month of MONTH_WORDS_BY_LENGTH[length] ?? NO_WORDS) {
    let same = true;
    for (let k = 0; k < length && same; k += 1) same = words.codeAt(start + k) === month.charCodeAt(k);
    if (same) return true;
  }
  return false;
}

/**
 * Transactions grouped by the words their remittance keeps (the signature), in the order each
 * signature first appears. The same partition as grouping by the signature's words joined with
 * spaces (words are letters and digits, so two joined strings are equal exactly when the word
 * sequences are), without building and hashing a string per transaction: a signature is found by
 * a hash of its word numbers and then compared in full.
 */
class SignatureGroups<T> {
  private readonly byHash = new Map<number, { words: number[]; members: T[] }[]>();
  private readonly ordered: T[][] = [];

  get size(): number {
    return this.ordered.length;
  }

  /** Adds a member whose signature is the first `length` words. */
  add(words: readonly number[], length: number, member: T): void {
    let hash = length;
    for (let i = 0; i < length; i += 1) hash = Math.imul(hash ^ words[i]!, 0x01000193);
    let buckets = this.byHash.get(hash);
    if (buckets === undefined) this.byHash.set(hash, (buckets = []));
    for (const bucket of buckets) {
      if (sameNumbers(bucket.words, words, length)) {
        bucket.members.push(member);
        return;
      }
    }
    const members = [member];
    buckets.push({ words: words.slice(0, length), members });
    this.ordered.push(members);
  }

  groups(): readonly T[][] {
    return this.ordered;
  }
}

/** Whether `a` is exactly the first `length` numbers of `b`. */
function sameNumbers(a: readonly number[], b: readonly number[], length: number): boolean {
  if (a.length !== length) return false;
  for (let i = 0; i < length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

const MONTH_WORDS = new Set([
  'januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december',
  'january', 'february', 'march', 'may', 'june', 'july', 'august', 'october',
  'jan', 'feb', 'mrt', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'okt', 'oct', 'nov', 'dec',
]);

const NO_WORDS: readonly string[] = [];
const MONTH_WORDS_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const byLength: string[][] = [];
  for (const word of MONTH_WORDS) (byLength[word.length] ??= []).push(word);
  return byLength;
})();

/**
 * A word with digits long enough to be a customer, personnel or policy number, not a date part
 * ("01", "2025", "29.01.25"). Such a number names a stream only when it recurs in the group;
 * one-off transaction references do not.
 */
const MIN_REFERENCE_LENGTH = 5;

/** `knownIrregular`: the caller has just fitted exactly this sequence of dates and found no rhythm. */
function splitByAmount(group: Dated[], tolerance: number, knownIrregular: boolean): Dated[][] {
  if (!knownIrregular && group.length >= 2 && detectCadenceOfDays(daysOf(group))) return [group];
  const clusters = clusterByAmount(group, tolerance);
  const regular: Dated[][] = [];
  const rest: Dated[] = [];
  for (const cluster of clusters) {
    // Fitted in amount order, as clustered: the dates are in date order only when the amounts are.
    if (cluster.length >= 2 && detectCadenceOfDays(daysOf(cluster))) {
      regular.push(cluster);
      continue;
    }
    const pruned = withoutOneOutlier(cluster);
    if (pruned) {
      regular.push(pruned.kept);
      rest.push(pruned.outlier);
    } else rest.push(...cluster);
  }
  const merged = mergeSuccessiveClusters(regular);
  const result = merged.map(sortByDay);
  if (rest.length >= 2) result.push(sortByDay(rest));
  return result;
}

/** Clusters worth a second look: enough payments, and steady amounts (a bill or an income, not shopping). */
const PRUNE_MIN_MEMBERS = 4;
const PRUNE_MAX_MEMBERS = 40;
const PRUNE_MAX_AMOUNT_VARIATION = 0.1;

/**
 * A steady series with one payment out of place is still a stream: a partner's holiday pay that
 * landed in this amount cluster, or a one-off extra payment. Tries leaving out each payment once.
 */
function withoutOneOutlier(cluster: Dated[]): { kept: Dated[]; outlier: Dated } | null {
  if (cluster.length < PRUNE_MIN_MEMBERS || cluster.length > PRUNE_MAX_MEMBERS) return null;
  const amounts = cluster.map((entry) => Math.abs(entry.tx.amountCents));
  const mean = sumOf(amounts) / amounts.length;
  const sd = Math.sqrt(sumOfSquaredDeviations(amounts, mean) / amounts.length);
  if (mean === 0 || sd / mean > PRUNE_MAX_AMOUNT_VARIATION) return null;
  const sorted = sortByDay([...cluster]);
  const days = daysOf(sorted);
  const n = days.length;
  // The smallest gap between consecutive dates before index k (gapsBefore[k]) and from k on
  // (gapsFrom[k]): leaving out date i leaves the gaps before i − 1, those from i + 1 and the gap
  // bridging i. When that smallest gap is below MIN_FITTING_GAP_DAYS, no cadence fits the rest
  // (detectCadenceOfDays would return null), so the rest need not be built and fitted.
  const gapsBefore = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  const gapsFrom = new Array<number>(n).fill(Number.POSITIVE_INFINITY);
  for (let k = 1; k < n; k += 1) gapsBefore[k] = Math.min(gapsBefore[k - 1]!, k >= 2 ? days[k - 1]! - days[k - 2]! : Number.POSITIVE_INFINITY);
  for (let k = n - 2; k >= 0; k -= 1) gapsFrom[k] = Math.min(gapsFrom[k + 1]!, days[k + 1]! - days[k]!);
  const keptDays = new Array<number>(n - 1);
  for (let i = 0; i < n; i += 1) {
    const bridge = i > 0 && i < n - 1 ? days[i + 1]! - days[i - 1]! : Number.POSITIVE_INFINITY;
    const before = i >= 1 ? gapsBefore[i]! : Number.POSITIVE_INFINITY;
    const after = i + 1 < n ? gapsFrom[i + 1]! : Number.POSITIVE_INFINITY;
    if (Math.min(before, after, bridge) < MIN_FITTING_GAP_DAYS) continue;
    for (let j = 0, k = 0; j < n; j += 1) if (j !== i) keptDays[k++] = days[j]!;
    if (detectCadenceOfDays(keptDays)) return { kept: sorted.filter((_, j) => j !== i), outlier: sorted[i]! };
  }
  return null;
}

function clusterByAmount(group: Dated[], tolerance: number): Dated[][] {
  const sorted = sortedByAmount(group);
  const clusters: Dated[][] = [];
  let current: Dated[] = [];
  let anchor = 0;
  for (const entry of sorted) {
    const amount = entry.absoluteCents;
    if (current.length > 0 && amount - anchor > Math.max(anchor * tolerance, AMOUNT_TOLERANCE_FLOOR_CENTS)) {
      clusters.push(current);
      current = [];
    }
    if (current.length === 0) anchor = amount;
    current.push(entry);
  }
  if (current.length > 0) clusters.push(current);
  return clusters;
}

/**
 * The group by absolute amount, equal amounts in their order in the group: what
 * [...group].sort((a, b) => a.absoluteCents - b.absoluteCents) gives, the sort being stable. Sorted
 * as the numbers amount × size + position, which order exactly so for whole amounts, natively in
 * a typed array; with the comparator when those numbers would not all be exact (beyond 2^53).
 */
function sortedByAmount(group: readonly Dated[]): Dated[] {
  const n = group.length;
  let largest = 0;
  let whole = true;
  for (const entry of group) {
    if (!Number.isInteger(entry.absoluteCents)) whole = false;
    else if (entry.absoluteCents > largest) largest = entry.absoluteCents;
  }
  if (!whole || (largest + 1) * n > Number.MAX_SAFE_INTEGER) return [...group].sort((a, b) => a.absoluteCents - b.absoluteCents);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i += 1) keys[i] = group[i]!.absoluteCents * n + i;
  keys.sort();
  const sorted = new Array<Dated>(n);
  for (let j = 0; j < n; j += 1) sorted[j] = group[keys[j]! % n]!;
  return sorted;
}

/**
 * A salary raise splits one stream into two amount clusters that follow each other in time;
 * when their union still has one rhythm, they are one stream.
 */
function mergeSuccessiveClusters(clusters: Dated[][]): Dated[][] {
  const ordered = clusters.map((c) => sortByDay([...c])).sort((a, b) => byDay(a[0]!, b[0]!));
  const result: Dated[][] = [];
  for (const cluster of ordered) {
    const previous = result.find((candidate) => {
      if (candidate[candidate.length - 1]!.day >= cluster[0]!.day) return false;
      return detectCadenceOfDays(daysOf(candidate).concat(daysOf(cluster))) != null;
    });
    if (previous) previous.push(...cluster);
    else result.push(cluster);
  }
  return result;
}

/** `knownFit`: detectCadenceOfDays of exactly these dates in this order, when the caller has it. */
function buildStream(direction: 'in' | 'out', counterpartyKey: string, entries: Dated[], asOf: IsoDate, knownFit?: CadenceFit): RecurringStream {
  const members = entries.map((entry) => entry.tx);
  const days = daysOf(entries);
  const amounts = members.map((t) => Math.abs(t.amountCents));
  const sign = direction === 'in' ? 1 : -1;
  const fit = knownFit ?? detectCadenceOfDays(days);
  const intervals = new Array<number>(Math.max(days.length - 1, 0));
  for (let i = 1; i < days.length; i += 1) intervals[i - 1] = days[i]! - days[i - 1]!;
  // Sorted once for the median here and the quartiles in predictNext.
  const sortedIntervals = sortedNumbers(intervals);
  const medianInterval = medianOfSorted(sortedIntervals);
  const meanAmount = sumOf(amounts) / amounts.length;
  const sd = Math.sqrt(sumOfSquaredDeviations(amounts, meanAmount) / amounts.length);
  const firstDate = members[0]!.bookingDate;
  const lastDate = members[members.length - 1]!.bookingDate;

  const predictedNext = predictNext(days, fit, sortedIntervals, medianInterval);
  const overdueBy = predictedNext ? diffDays(asOf, predictedNext.date) - predictedNext.windowDays : 0;
  const status: StreamStatus = overdueBy > 0 ? 'inactive' : members.length >= 3 ? 'mature' : 'early';

  let monthlyEquivalent: number;
  if (fit) {
    monthlyEquivalent = meanAmount * cadenceOf(fit.frequency)!.perMonth;
  } else {
    // No rhythm: spread what was paid over the months it was paid in, counting the last gap once more
    // so that two payments a month apart are one month's worth each, not two.
    const spanDays = days[days.length - 1]! - days[0]! + Math.max(medianInterval, 1);
    monthlyEquivalent = (sumOf(amounts) / Math.max(spanDays, 1)) * AVERAGE_DAYS_PER_MONTH;
  }

  return {
    id: `${direction}|${counterpartyKey}|${firstDate}|${members[0]!.id}`,
    direction,
    counterpartyKey,
    counterpartyName: mostCommon(members.map((t) => t.counterpartyName).filter((n): n is string => n != null)),
    category: mostCommon(members.map((t) => t.category))!,
    frequency: fit?.frequency ?? 'irregular',
    status,
    occurrences: members.length,
    firstDate,
    lastDate,
    medianIntervalDays: medianInterval,
    amount: {
      meanCents: Math.round(sign * meanAmount),
      medianCents: Math.round(sign * median(amounts)),
      minCents: sign * smallest(amounts),
      maxCents: sign * largest(amounts),
      coefficientOfVariation: meanAmount === 0 ? 0 : sd / meanAmount,
    },
    predictedNext,
    monthlyEquivalentCents: Math.round(sign * monthlyEquivalent),
    transactionIds: members.map((t) => t.id),
  };
}

function predictNext(days: number[], fit: CadenceFit | null, sorted: Float64Array, medianInterval: number): RecurringStream['predictedNext'] {
  if (fit) {
    const cadence = cadenceOf(fit.frequency)!;
    // Uncertainty: the observed scatter around the grid, at least the usual weekend shift.
    const windowDays = Math.max(Math.ceil(fit.maxDeviationDays), Math.ceil(cadence.toleranceDays / 2), 1);
    return { date: nextOnGridOfDays(days[0]!, fit), windowDays };
  }
  if (sorted.length === 0) return null;
  const q1 = sorted[Math.floor((sorted.length - 1) * 0.25)]!;
  const q3 = sorted[Math.ceil((sorted.length - 1) * 0.75)]!;
  return { date: isoOfDayNumber(days[days.length - 1]! + Math.round(medianInterval)), windowDays: Math.max(Math.ceil((q3 - q1) / 2), Math.ceil(medianInterval / 2), 1) };
}

function median(values: readonly number[]): number {
  return medianOfSorted(sortedNumbers(values));
}

function medianOfSorted(sorted: Float64Array): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Ascending, as sort((a, b) => a - b) would give: a typed array sorts numbers natively instead of
 * calling a comparator per comparison. The values here (day gaps, absolute cents) are never NaN or
 * -0, the only values where the two orders could differ.
 */
function sortedNumbers(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * values.reduce((a, b) => a + b, 0), adding in the same order (so to the same number) in a plain
 * loop: reduce boxed every intermediate sum of these doubles.
 */
function sumOf(values: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i]!;
  return total;
}

/** values.reduce((a, b) => a + (b - mean) ** 2, 0), in the same order. */
function sumOfSquaredDeviations(values: readonly number[], mean: number): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += (values[i]! - mean) ** 2;
  return total;
}

/** Math.min(...values) without spreading hundreds of arguments. */
function smallest(values: readonly number[]): number {
  let result = Number.POSITIVE_INFINITY;
  for (const value of values) if (value < result) result = value;
  return result;
}

function largest(values: readonly number[]): number {
  let result = Number.NEGATIVE_INFINITY;
  for (const value of values) if (value > result) result = value;
  return result;
}

function mostCommon<T>(values: readonly T[]): T | null {
  // Usually every value is the same (one shop's name, one category): then it is the answer, found
  // without counting.
  let allSame = true;
  for (let i = 1; i < values.length && allSame; i += 1) allSame = values[i] === values[0];
  if (allSame) return values.length === 0 ? null : values[0]!;
  const counts = new Map<T, number>();
  let best: T | null = null;
  let bestCount = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i]!;
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
