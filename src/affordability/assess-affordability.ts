/**
 * The affordability report: from a debtor's transactions and balances to the monthly amount they
 * can pay without going below the protected amount, with the figures, the signals of trouble and
 * a plain-language explanation. Pure: no database, no clock (asOf is given), no framework.
 */
import type { AnalysisBalance, AnalysisTransaction } from '../analytics/analysis-input.js';
import { categorise, type Categorisation, type CategorisedTransaction, type CompiledRuleSet } from '../analytics/categorisation/categorise.js';
import { applyCorrections } from '../categorisation-corrections/corrections.queries.js';
import type { CategorisationRule, RuleSet } from '../analytics/categorisation/rule-set.schema.js';
import { detectIncomeDays } from '../analytics/income-days.js';
import { detectRecurringStreams } from '../analytics/streams/detect-streams.js';
import { CATEGORIES } from '../analytics/taxonomy.js';
import { addDays, daysInMonth, isoDateFromParts, type IsoDate } from '../platform/dates.js';
import { detectFlags } from './flags.js';
import { determineHousehold, type HouseholdGiven } from './household.js';
import type { NormSet } from './norms/norms.js';
import { explainAffordability } from './plain-language.js';
import { computeProtectedAmount, type HousingInput } from './protected-income.js';
import type { AffordabilityReport, MonthFigures } from './report.types.js';

export interface AssessAffordabilityInput {
  transactions: readonly AnalysisTransaction[];
  balances: readonly AnalysisBalance[];
  asOf: IsoDate;
  household?: HouseholdGiven;
  ownIbans: readonly string[];
  accountHolderNames?: readonly string[];
  norms: NormSet;
  rules: RuleSet | CompiledRuleSet;
  tenantOverrides?: readonly CategorisationRule[];
  /** Categories people set on single transactions, by transaction id: they win over every rule. */
  categoryCorrections?: ReadonlyMap<string, Categorisation>;
}

function monthStart(month: string): IsoDate {
  return `${month}-01`;
}

function monthEnd(month: string): IsoDate {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return isoDateFromParts(y, m, daysInMonth(y, m))!;
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + by;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/**
 * "2025-03-07" (or "2025-03") → 2025 × 12 + 2. Dates are valid ISO dates, so two dates get the
 * same number exactly when their "YYYY-MM" parts are equal.
 */
function monthNumberOf(date: string): number {
  const year = (date.charCodeAt(0) - 48) * 1000 + (date.charCodeAt(1) - 48) * 100 + (date.charCodeAt(2) - 48) * 10 + (date.charCodeAt(3) - 48);
  const month = (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48);
  return year * 12 + month - 1;
}

/**
 * Whether no two transactions share an id. Then the report needs the recurring streams of the
 * credits only: it reads streams for income days and for a stopped salary, both money in. Streams
 * are found per direction and counterparty, so the credits alone give exactly the streams of money
 * in, with the same members; and with unique transaction ids no two streams share an id either, so
 * sorting by size and id puts them in the same order as among all streams. Finding the streams of
 * money out (shopping, travel) was most of the stream detection's time.
 */
function hasUniqueIds(transactions: readonly CategorisedTransaction[]): boolean {
  const seen = new Set<string>();
  for (const t of transactions) {
    if (seen.has(t.id)) return false;
    seen.add(t.id);
  }
  return true;
}

/** Nearest-rank percentile: the value at or below which `percentile` % of the values lie. */
function percentileOf(values: readonly number[], percentile: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * The average monthly housing costs (rent or mortgage, net of refunds) and housing allowance over the
 * assessed months, for the housing-cost raise. Averaged, because a rent paid on the 31st one month
 * and the 1st the next would otherwise give months with none and months with two. Undefined when
 * the data shows no housing costs.
 */
function housingOf(months: readonly (readonly CategorisedTransaction[])[]): HousingInput | undefined {
  if (months.length === 0) return undefined;
  let costs = 0;
  let allowance = 0;
  for (const transactions of months) {
    for (const t of transactions) {
      if (t.category === 'expense.housing') costs -= t.amountCents;
      else if (t.category === 'income.allowance' && t.amountCents > 0 && /huurtoeslag/i.test(`${t.remittanceUnstructured ?? ''} ${t.remittanceStructured ?? ''}`)) allowance += t.amountCents;
    }
  }
  if (costs <= 0) return undefined;
  return { costsCents: Math.round(costs / months.length), allowanceCents: Math.round(allowance / months.length) };
}

export function assessAffordability(input: AssessAffordabilityInput): AffordabilityReport {
  const categorised = categorise(input.transactions, {
    rules: input.rules,
    ownIbans: input.ownIbans,
    accountHolderNames: input.accountHolderNames,
    tenantOverrides: input.tenantOverrides,
  });
  // A person's correction of a transaction wins over every rule.
  applyCorrections(categorised, input.categoryCorrections);
  return assessCategorised({
    categorised,
    balances: input.balances,
    asOf: input.asOf,
    ...(input.household ? { household: input.household } : {}),
    ...(input.accountHolderNames ? { accountHolderNames: input.accountHolderNames } : {}),
    norms: input.norms,
    rulesVersion: input.rules.version,
  });
}

export interface AssessCategorisedInput {
  /** Transactions already categorised (and corrected); any dates, later ones than asOf are ignored. */
  categorised: readonly CategorisedTransaction[];
  balances: readonly AnalysisBalance[];
  asOf: IsoDate;
  household?: HouseholdGiven;
  accountHolderNames?: readonly string[];
  norms: NormSet;
  /** The version of the rules that categorised the transactions, for the report. */
  rulesVersion: string;
}

/**
 * The report from transactions categorised once: risk features need a report per as-of date of the
 * same debtor, and categorising the whole history again for each date was most of that time.
 */
export function assessCategorised(input: AssessCategorisedInput): AffordabilityReport {
  const { asOf, norms } = input;
  const policy = norms.assessmentPolicy;
  const booked = input.categorised.filter((t) => t.status === 'booked' && t.bookingDate <= asOf);
  const firstDataDate = booked.reduce<IsoDate | null>((min, t) => (min == null || t.bookingDate < min ? t.bookingDate : min), null);
  const lastTx = booked.reduce<CategorisedTransaction | null>((max, t) => (max == null || t.bookingDate > max.bookingDate ? t : max), null);
  const lastDataDate = lastTx?.bookingDate ?? null;

  // Complete calendar months before asOf, as far back as the policy allows, that the data covers.
  const asOfMonth = asOf.slice(0, 7);
  const monthsAssessed: string[] = [];
  for (let back = policy.maxMonthsAssessed; back >= 1; back -= 1) {
    const month = shiftMonth(asOfMonth, -back);
    if (firstDataDate == null || lastDataDate == null) break;
    const startCovered = firstDataDate <= addDays(monthStart(month), policy.firstMonthGraceDays);
    const endCovered = monthEnd(month) <= addDays(lastDataDate, policy.staleDataDays);
    if (startCovered && endCovered) monthsAssessed.push(month);
  }
  const windowStart = monthStart(shiftMonth(asOfMonth, -policy.maxMonthsAssessed));
  const inWindow = booked.filter((t) => t.bookingDate >= windowStart);

  const household = determineHousehold(inWindow, input.accountHolderNames ?? [], input.household);
  const living = norms.minimumLivingCosts.valuesCents[household.composition];
  const variableNorm = living.food + living.personalAndHousehold + living.transport;
  const excludedIncomeRules = new Set(policy.excludedIncomeRuleIds);

  // By month number read from the date's digits, not by a "YYYY-MM" string cut from every date.
  const byMonth = new Map<number, CategorisedTransaction[]>();
  for (const t of inWindow) {
    const month = monthNumberOf(t.bookingDate);
    const list = byMonth.get(month);
    if (list) list.push(t);
    else byMonth.set(month, [t]);
  }

  const housing = housingOf(monthsAssessed.map((month) => byMonth.get(monthNumberOf(month)) ?? []));
  const protectedFor = (incomeCents: number) => computeProtectedAmount({ netIncomeCents: incomeCents, household: household.composition, pensionAge: household.pensionAge, norms, housing });

  const months: MonthFigures[] = monthsAssessed.map((month) => {
    let stable = 0;
    let irregular = 0;
    let fixed = 0;
    let variable = 0;
    let debt = 0;
    let discretionary = 0;
    for (const t of byMonth.get(monthNumberOf(month)) ?? []) {
      const group = CATEGORIES[t.category].group;
      if (t.amountCents > 0) {
        if (group === 'stable_income') stable += t.amountCents;
        else if (group === 'irregular_income' && !excludedIncomeRules.has(t.ruleId)) irregular += t.amountCents;
      } else {
        const cost = -t.amountCents;
        if (group === 'fixed_essential') fixed += cost;
        else if (group === 'variable_essential') variable += cost;
        else if (group === 'debt_service') debt += cost;
        else if (group === 'discretionary') discretionary += cost;
      }
    }
    const income = stable + irregular;
    const variableUsed = Math.max(variable, variableNorm);
    const disposable = income - fixed - variableUsed - debt;
    const protectedCents = protectedFor(income).protectedCents;
    return {
      month,
      stableIncomeCents: stable,
      irregularIncomeCents: irregular,
      incomeCents: income,
      fixedEssentialCents: fixed,
      variableEssentialObservedCents: variable,
      variableEssentialCents: variableUsed,
      variableEssentialSource: variable >= variableNorm ? 'observed' : 'norm',
      debtServiceCents: debt,
      discretionaryCents: discretionary,
      disposableCents: disposable,
      protectedAmountCents: protectedCents,
      affordableCents: Math.max(0, Math.min(disposable, income - protectedCents)),
    };
  });

  const mean = (pick: (m: MonthFigures) => number) => (months.length === 0 ? 0 : Math.round(months.reduce((a, m) => a + pick(m), 0) / months.length));
  const avgIncome = mean((m) => m.incomeCents);
  const protectedAmount = protectedFor(avgIncome);
  const avgDisposable = mean((m) => m.disposableCents);
  const highCents = months.length === 0 ? 0 : Math.max(0, Math.min(avgDisposable, avgIncome - protectedAmount.protectedCents));
  const lowCents = Math.min(highCents, percentileOf(months.map((m) => m.affordableCents), policy.lowEstimatePercentile));
  const average: AffordabilityReport['average'] = {
    stableIncomeCents: mean((m) => m.stableIncomeCents),
    irregularIncomeCents: mean((m) => m.irregularIncomeCents),
    incomeCents: avgIncome,
    fixedEssentialCents: mean((m) => m.fixedEssentialCents),
    variableEssentialObservedCents: mean((m) => m.variableEssentialObservedCents),
    variableEssentialCents: mean((m) => m.variableEssentialCents),
    variableEssentialNormMonths: months.filter((m) => m.variableEssentialSource === 'norm').length,
    debtServiceCents: mean((m) => m.debtServiceCents),
    discretionaryCents: mean((m) => m.discretionaryCents),
    disposableCents: avgDisposable,
    protectedAmountCents: protectedAmount.protectedCents,
    affordableCents: highCents,
  };

  const streams = detectRecurringStreams(hasUniqueIds(booked) ? booked.filter((t) => t.amountCents > 0) : booked, { asOf });
  const incomeDays = detectIncomeDays(booked, { asOf, streams }).incomeDays;
  const flags = detectFlags({
    transactions: inWindow,
    balances: input.balances,
    windowStart,
    asOf,
    months,
    streams,
    policy,
    lastDataDate,
    lastTransactionId: lastTx?.id ?? null,
  });

  const notes: AffordabilityReport['notes'] = [];
  if (average.variableEssentialNormMonths > 0) {
    notes.push({
      nl: `In ${average.variableEssentialNormMonths} maand(en) is voor boodschappen, vervoer en contant geld het minimum gebruikt (een schatting), omdat de gegevens minder lieten zien.`,
      en: `In ${average.variableEssentialNormMonths} month(s) the minimum for groceries, transport and cash (an estimate, see the minimum-living-costs norm) replaced the lower observed spending.`,
    });
  }
  if (protectedAmount.band === 'middle') {
    notes.push({
      nl: 'De extra ruimte in de beslagvrije voet boven 95 % van de bijstand is geschat. De rekentool van de overheid geeft het precieze bedrag.',
      en: "The compensation above 95 % of the norm is estimated with a fixed rate; the government's rekentool gives the exact amount.",
    });
  }
  if (protectedAmount.normDerivedFromBase) {
    notes.push({
      nl: 'Voor deze periode is de bijstandsnorm afgeleid uit het gepubliceerde bedrag van de beslagvrije voet.',
      en: 'For this period the bijstand norm is derived from the published protected base amount.',
    });
  }
  const kept = [
    { used: norms.periods.beslagvrijeVoet, nl: 'de maximumbedragen van de beslagvrije voet', en: 'the beslagvrije-voet maxima' },
    // A published base comes from the beslagvrije-voet entry itself when the dates agree: one note is enough.
    ...(norms.base.kind === 'published' && norms.base.validFrom === norms.periods.beslagvrijeVoet.validFrom
      ? []
      : [{ used: norms.base, nl: 'het basisbedrag (95 % van de bijstandsnorm)', en: 'the base amount (95 % of the bijstand norm)' }]),
    ...(protectedAmount.housingRaise ? [{ used: norms.periods.housingRaise, nl: 'de tabel voor hoge woonkosten', en: 'the housing-cost table' }] : []),
  ].filter((k) => k.used.lastKnownKept);
  for (const k of kept) {
    notes.push({
      nl: `Voor ${k.nl} gebruikten we de bedragen van ${k.used.validFrom}. Nieuwere bedragen hebben we niet; het echte bedrag kan hoger zijn.`,
      en: `For ${k.en} the figures valid from ${k.used.validFrom} were used: no later figures are known, so the last known are kept; the amount in force may be higher.`,
    });
  }
  if (protectedAmount.housingRaise && protectedAmount.housingRaise.raiseCents > 0) {
    notes.push({
      nl: 'De beslagvrije voet is verhoogd voor hoge woonkosten. We gingen uit van een huishouden van 23 jaar of ouder, met het aantal personen dat bij het soort huishouden hoort, in een gewone woning.',
      en: 'The protected amount is raised for high housing costs, assuming a household aged 23 or over, with the persons its type implies, in a dwelling that is not adapted.',
    });
  }
  if (household.source.composition === 'default') {
    notes.push({
      nl: 'We weten niet hoe het huishouden eruitziet. We rekenden met een alleenstaande.',
      en: 'The household is not known; a single person was assumed.',
    });
  }

  const report: AffordabilityReport = {
    asOf,
    rulesVersion: input.rulesVersion,
    norms: {
      date: norms.date,
      bijstandNorm: norms.bijstandNorms && norms.periods.bijstandNorms ? { ...norms.periods.bijstandNorms, source: norms.bijstandNorms.source } : null,
      beslagvrijeVoet: { ...norms.periods.beslagvrijeVoet, source: norms.beslagvrijeVoet.source, compensationRateSource: norms.beslagvrijeVoet.compensationRateSource },
      protectedBase: { kind: norms.base.kind, validFrom: norms.base.validFrom, lastKnownKept: norms.base.lastKnownKept, source: norms.base.source },
      housingRaise: { ...norms.periods.housingRaise, source: norms.housingRaise.source, shareInNormSource: norms.housingRaise.housingShareInNormSource },
      minimumLivingCosts: { validFrom: norms.minimumLivingCosts.validFrom, source: norms.minimumLivingCosts.source, estimate: norms.minimumLivingCosts.estimate },
      assessmentPolicy: { validFrom: norms.assessmentPolicy.validFrom, source: norms.assessmentPolicy.source },
      overriddenByTenant: [...norms.overridden],
    },
    household,
    monthsAssessed,
    months,
    average,
    protectedAmount,
    affordableInstalment: { lowCents, highCents, lowPercentile: policy.lowEstimatePercentile },
    incomeDays,
    flags,
    notes,
    explanation: { nl: '', en: '' },
  };
  report.explanation = explainAffordability({ ...report, variableEssentialNormCents: variableNorm });
  return report;
}
