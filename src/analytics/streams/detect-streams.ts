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
import { addDays, diffDays, type IsoDate } from '../../platform/dates.js';
import type { CategorisedTransaction } from '../categorisation/categorise.js';
import { normaliseCounterpartyName, tokenise } from '../counterparty-name.js';
import type { CategoryId } from '../taxonomy.js';
import { AVERAGE_DAYS_PER_MONTH, cadenceOf, detectCadence, nextOnGrid, type CadenceFit, type Frequency } from './cadence.js';

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

export function detectRecurringStreams(transactions: readonly CategorisedTransaction[], options: StreamDetectionOptions): RecurringStream[] {
  const tolerance = options.amountTolerance ?? DEFAULT_AMOUNT_TOLERANCE;
  const groups = new Map<string, CategorisedTransaction[]>();
  for (const tx of transactions) {
    if (tx.status !== 'booked' || tx.amountCents === 0 || tx.bookingDate > options.asOf) continue;
    const key = counterpartyKeyOf(tx);
    if (key === '') continue;
    const groupKey = `${tx.amountCents > 0 ? 'in' : 'out'}|${key}`;
    const list = groups.get(groupKey);
    if (list) list.push(tx);
    else groups.set(groupKey, [tx]);
  }

  const streams: RecurringStream[] = [];
  for (const [groupKey, group] of groups) {
    if (group.length < 2) continue;
    group.sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : 0));
    for (const members of splitIntoStreams(group, tolerance)) streams.push(buildStream(groupKey, members, options.asOf));
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
function splitIntoStreams(group: CategorisedTransaction[], tolerance: number): CategorisedTransaction[][] {
  if (detectCadence(group.map((t) => t.bookingDate))) return [group];
  // First by what the remittance says, dates and month names aside: "VOORSCHOT ZORGTOESLAG" and
  // "VOORSCHOT HUURTOESLAG" are two streams even when their amounts are close, and so are
  // "AOW 01-2025 SVB 1072828" and "AOW 01-2025 SVB 4159648" (one per partner, a recurring person number).
  const regularByText: CategorisedTransaction[][] = [];
  const unexplained: CategorisedTransaction[] = [];
  const bySignature = new Map<string, CategorisedTransaction[]>();
  const words = group.map((tx) => tokenise(tx.remittanceUnstructured));
  const referenceUses = new Map<string, number>();
  for (const list of words) for (const word of new Set(list)) if (isReference(word)) referenceUses.set(word, (referenceUses.get(word) ?? 0) + 1);
  for (const [i, tx] of group.entries()) {
    const signature = words[i]!.filter((w) => (isReference(w) ? referenceUses.get(w)! >= 2 : w.length >= 3 && !/\d/.test(w) && !MONTH_WORDS.has(w))).join(' ');
    const list = bySignature.get(signature);
    if (list) list.push(tx);
    else bySignature.set(signature, [tx]);
  }
  if (bySignature.size > 1) {
    for (const members of bySignature.values()) {
      if (members.length >= 2 && detectCadence(members.map((t) => t.bookingDate))) regularByText.push(members);
      else unexplained.push(...members);
    }
  } else unexplained.push(...group);
  // A single payment left over is no stream.
  return [...regularByText, ...(unexplained.length >= 2 ? splitByAmount(unexplained.sort(byDate), tolerance) : [])];
}

const MONTH_WORDS = new Set([
  'januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december',
  'january', 'february', 'march', 'may', 'june', 'july', 'august', 'october',
  'jan', 'feb', 'mrt', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'okt', 'oct', 'nov', 'dec',
]);

/**
 * A word with digits long enough to be a customer, personnel or policy number, not a date part
 * ("01", "2025", "29.01.25"). Such a number names a stream only when it recurs in the group;
 * one-off transaction references do not.
 */
const MIN_REFERENCE_LENGTH = 5;

function isReference(word: string): boolean {
  return word.length >= MIN_REFERENCE_LENGTH && /\d/.test(word);
}

function splitByAmount(group: CategorisedTransaction[], tolerance: number): CategorisedTransaction[][] {
  if (group.length >= 2 && detectCadence(group.map((t) => t.bookingDate))) return [group];
  const clusters = clusterByAmount(group, tolerance);
  const regular: CategorisedTransaction[][] = [];
  const rest: CategorisedTransaction[] = [];
  for (const cluster of clusters) {
    if (cluster.length >= 2 && detectCadence(cluster.map((t) => t.bookingDate))) {
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
  const result = merged.map((members) => members.sort(byDate));
  if (rest.length >= 2) result.push(rest.sort(byDate));
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
function withoutOneOutlier(cluster: CategorisedTransaction[]): { kept: CategorisedTransaction[]; outlier: CategorisedTransaction } | null {
  if (cluster.length < PRUNE_MIN_MEMBERS || cluster.length > PRUNE_MAX_MEMBERS) return null;
  const amounts = cluster.map((t) => Math.abs(t.amountCents));
  const mean = amounts.reduce((a, b) => a + b, 0) / amounts.length;
  const sd = Math.sqrt(amounts.reduce((a, b) => a + (b - mean) ** 2, 0) / amounts.length);
  if (mean === 0 || sd / mean > PRUNE_MAX_AMOUNT_VARIATION) return null;
  const sorted = [...cluster].sort(byDate);
  for (let i = 0; i < sorted.length; i += 1) {
    const kept = sorted.filter((_, j) => j !== i);
    if (detectCadence(kept.map((t) => t.bookingDate))) return { kept, outlier: sorted[i]! };
  }
  return null;
}

function byDate(a: CategorisedTransaction, b: CategorisedTransaction): number {
  return a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : 0;
}

function clusterByAmount(group: CategorisedTransaction[], tolerance: number): CategorisedTransaction[][] {
  const sorted = [...group].sort((a, b) => Math.abs(a.amountCents) - Math.abs(b.amountCents));
  const clusters: CategorisedTransaction[][] = [];
  let current: CategorisedTransaction[] = [];
  let anchor = 0;
  for (const tx of sorted) {
    const amount = Math.abs(tx.amountCents);
    if (current.length > 0 && amount - anchor > Math.max(anchor * tolerance, AMOUNT_TOLERANCE_FLOOR_CENTS)) {
      clusters.push(current);
      current = [];
    }
    if (current.length === 0) anchor = amount;
    current.push(tx);
  }
  if (current.length > 0) clusters.push(current);
  return clusters;
}

/**
 * A salary raise splits one stream into two amount clusters that follow each other in time;
 * when their union still has one rhythm, they are one stream.
 */
function mergeSuccessiveClusters(clusters: CategorisedTransaction[][]): CategorisedTransaction[][] {
  const ordered = clusters.map((c) => [...c].sort(byDate)).sort((a, b) => byDate(a[0]!, b[0]!));
  const result: CategorisedTransaction[][] = [];
  for (const cluster of ordered) {
    const previous = result.find((candidate) => {
      const lastOfCandidate = candidate[candidate.length - 1]!.bookingDate;
      if (lastOfCandidate >= cluster[0]!.bookingDate) return false;
      return detectCadence([...candidate, ...cluster].map((t) => t.bookingDate)) != null;
    });
    if (previous) previous.push(...cluster);
    else result.push(cluster);
  }
  return result;
}

function buildStream(groupKey: string, members: CategorisedTransaction[], asOf: IsoDate): RecurringStream {
  const [direction, ...keyParts] = groupKey.split('|') as ['in' | 'out', ...string[]];
  const counterpartyKey = keyParts.join('|');
  const dates = members.map((t) => t.bookingDate);
  const amounts = members.map((t) => Math.abs(t.amountCents));
  const sign = direction === 'in' ? 1 : -1;
  const fit = detectCadence(dates);
  const intervals = dates.slice(1).map((d, i) => diffDays(d, dates[i]!));
  const medianInterval = median(intervals);
  const meanAmount = amounts.reduce((a, b) => a + b, 0) / amounts.length;
  const sd = Math.sqrt(amounts.reduce((a, b) => a + (b - meanAmount) ** 2, 0) / amounts.length);
  const firstDate = dates[0]!;
  const lastDate = dates[dates.length - 1]!;

  const predictedNext = predictNext(dates, fit, intervals, medianInterval);
  const overdueBy = predictedNext ? diffDays(asOf, predictedNext.date) - predictedNext.windowDays : 0;
  const status: StreamStatus = overdueBy > 0 ? 'inactive' : members.length >= 3 ? 'mature' : 'early';

  let monthlyEquivalent: number;
  if (fit) {
    monthlyEquivalent = meanAmount * cadenceOf(fit.frequency)!.perMonth;
  } else {
    // No rhythm: spread what was paid over the months it was paid in, counting the last gap once more
    // so that two payments a month apart are one month's worth each, not two.
    const spanDays = diffDays(lastDate, firstDate) + Math.max(medianInterval, 1);
    monthlyEquivalent = (amounts.reduce((a, b) => a + b, 0) / Math.max(spanDays, 1)) * AVERAGE_DAYS_PER_MONTH;
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
      minCents: sign * Math.min(...amounts),
      maxCents: sign * Math.max(...amounts),
      coefficientOfVariation: meanAmount === 0 ? 0 : sd / meanAmount,
    },
    predictedNext,
    monthlyEquivalentCents: Math.round(sign * monthlyEquivalent),
    transactionIds: members.map((t) => t.id),
  };
}

function predictNext(dates: IsoDate[], fit: CadenceFit | null, intervals: number[], medianInterval: number): RecurringStream['predictedNext'] {
  if (fit) {
    const cadence = cadenceOf(fit.frequency)!;
    // Uncertainty: the observed scatter around the grid, at least the usual weekend shift.
    const windowDays = Math.max(Math.ceil(fit.maxDeviationDays), Math.ceil(cadence.toleranceDays / 2), 1);
    return { date: nextOnGrid(dates, fit), windowDays };
  }
  if (intervals.length === 0) return null;
  const sorted = [...intervals].sort((a, b) => a - b);
  const q1 = sorted[Math.floor((sorted.length - 1) * 0.25)]!;
  const q3 = sorted[Math.ceil((sorted.length - 1) * 0.75)]!;
  const last = dates[dates.length - 1]!;
  return { date: addDays(last, Math.round(medianInterval)), windowDays: Math.max(Math.ceil((q3 - q1) / 2), Math.ceil(medianInterval / 2), 1) };
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mostCommon<T>(values: readonly T[]): T | null {
  const counts = new Map<T, number>();
  let best: T | null = null;
  let bestCount = 0;
  for (const value of values) {
    const count = (counts.get(value) ?? 0) + 1;
    counts.set(value, count);
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}
