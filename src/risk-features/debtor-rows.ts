/**
 * Feature rows of one debtor at several as-of dates, from bank files on disk and data points as
 * JSON lines: the unit of work of the training-table builders, run on this thread or in a worker.
 * The bank files are parsed and categorised once; only the features are computed per date.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { analysisInputFromStatement, mergeAnalysisInputs, type AnalysisBalance } from '../analytics/analysis-input.js';
import { reconstructDailyBalanceDays } from '../affordability/daily-balances.js';
import { categorise, compileRuleSet, type CompiledRuleSet } from '../analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../analytics/categorisation/default-rules.js';
import { normsAt, type HouseholdType, type NormSet } from '../affordability/norms/norms.js';
import { BankFileError } from '../bank-data/canonical.js';
import { parseBankFile } from '../bank-data/formats/index.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { addDays, type IsoDate } from '../platform/dates.js';
import type { FeatureSetId } from './catalogue.js';
import { computeFeatures, featureRow, FEATURE_HISTORY_DAYS, type FeatureSource } from './compute-features.js';

export interface DebtorRowsRequest {
  debtorRef: string;
  /** The debtor's data points as JSON lines (may be empty). */
  eventLines: string;
  /** Dates to compute features as of, in row order. */
  featureDates: IsoDate[];
  /** Absolute paths of the debtor's bank files (any supported format); empty for data points only. */
  bankFiles: string[];
  composition: HouseholdType | null;
}

/** A bank file that could not be read or parsed; the builders turn it into a TrainingDataError. */
export class BankFileUnreadable extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'BankFileUnreadable';
  }
}

let defaultRules: CompiledRuleSet | null = null;
/** Training tables use the default rules: a world or a creditor's export has no tenant rules. */
function rules(): CompiledRuleSet {
  defaultRules ??= compileRuleSet(DEFAULT_RULE_SET);
  return defaultRules;
}

const normsByDate = new Map<IsoDate, NormSet>();
/** Norms by date, cached: every debtor of a world shares the same few as-of dates. Throws NormsError. */
export function cachedNormsAt(date: IsoDate): NormSet {
  let norms = normsByDate.get(date);
  if (!norms) {
    norms = normsAt(date);
    normsByDate.set(date, norms);
  }
  return norms;
}

/** Parses and merges a debtor's bank files and categorises them once. */
export function readBankData(files: readonly string[]): NonNullable<FeatureSource['bank']> {
  const inputs = files.map((file) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new BankFileUnreadable(file, (error as Error).message);
    }
    try {
      const statement = parseBankFile(bytes, { hints: { fileName: basename(file) } });
      return analysisInputFromStatement(statement, { idPrefix: basename(file) });
    } catch (error) {
      if (error instanceof BankFileError) throw new BankFileUnreadable(file, error.message);
      throw error;
    }
  });
  const merged = mergeAnalysisInputs(inputs);
  const categorised = categorise(merged.transactions, { rules: rules(), ownIbans: merged.ownIbans, accountHolderNames: merged.accountHolderNames });
  return { transactions: categorised, balances: merged.balances, ownIbans: merged.ownIbans, accountHolderNames: merged.accountHolderNames };
}

export function parseEventLines(eventLines: string): DataPointEvent[] {
  const events: DataPointEvent[] = [];
  for (const line of eventLines.split('\n')) if (line.trim() !== '') events.push(JSON.parse(line) as DataPointEvent);
  return events;
}

/** Rows × features, row-major, for one debtor. */
export function debtorRows(request: DebtorRowsRequest, featureSet: FeatureSetId, featureNames: readonly string[]): Float64Array {
  const events = parseEventLines(request.eventLines);
  const bank = featureSet === 'bank-and-data-points' && request.bankFiles.length > 0 ? readBankData(request.bankFiles) : null;
  const out = new Float64Array(request.featureDates.length * featureNames.length);
  request.featureDates.forEach((asOf, i) => {
    const source: FeatureSource = { asOf, bank: bank && withBalanceAt(bank, asOf), events, norms: cachedNormsAt(asOf), ...(request.composition ? { household: { composition: request.composition } } : {}) };
    out.set(featureRow(computeFeatures(source, featureSet), featureNames), i * featureNames.length);
  });
  return out;
}

/**
 * A statement export states balances only at its start and end, but the features read only the last
 * FEATURE_HISTORY_DAYS before the as-of date and nothing after it. Replaying a long export at a past
 * date more than that after its start would leave no balance to anchor the daily balances, and every
 * balance feature would be missing, unlike in service, where each fetch brings today's balance (this
 * made the starter model's later slices lose all balance features while training had them all).
 * So each account that is still open on the as-of date (it has a balance after it) and has none inside
 * the window gets the closing balance of that day, rolled forward from its own earlier balance with the
 * bookings up to that day: exactly what a fetch on that day would have returned, nothing from later.
 */
function withBalanceAt(bank: NonNullable<FeatureSource['bank']>, asOf: IsoDate): NonNullable<FeatureSource['bank']> {
  const oldest = addDays(asOf, -(FEATURE_HISTORY_DAYS - 1));
  const key = (iban: string | null) => iban ?? '';
  const anchoredInWindow = new Set(bank.balances.filter((b) => b.date <= asOf && b.date >= oldest).map((b) => key(b.accountIban)));
  const openLater = new Set(bank.balances.filter((b) => b.date > asOf).map((b) => key(b.accountIban)));
  const needing = new Set([...openLater].filter((k) => !anchoredInWindow.has(k)));
  if (needing.size === 0) return bank;
  const earlier = bank.balances.filter((b) => b.date <= asOf && needing.has(key(b.accountIban)));
  const booked = bank.transactions.filter((t) => t.status === 'booked' && t.bookingDate <= asOf && needing.has(key(t.accountIban)));
  const closing: AnalysisBalance[] = reconstructDailyBalanceDays(booked, earlier, asOf, asOf).map((account) => ({
    accountIban: account.accountIban,
    date: asOf,
    amountCents: account.endOfDayCents[0]!,
    type: 'closingBooked',
  }));
  return closing.length === 0 ? bank : { ...bank, balances: [...bank.balances, ...closing] };
}
