/**
 * What a claim comes to on a date: the principal still open, the interest, the collection costs that
 * may be charged (never more than the WIK maximum), the total due, and each figure's arithmetic in
 * words, so a debtor, a creditor or a judge can redo it.
 *
 * Glossary
 * - claim: one unpaid invoice (principal, due date) with the interest basis the creditor claims and
 *   the collection costs it has charged.
 * - first day of default: the day after the due date; interest runs from it.
 * - costs charged: what the creditor put on the claim; costs chargeable: the part of it the law allows
 *   on the date (none before the 14-day letter's term has passed, none when the claim, or at least its
 *   whole principal, was paid by its end; at most the WIK maximum). The rest is flagged, never
 *   silently dropped.
 *
 * The 14-day rule is applied to every claim: the service's debtors are households (consumers), for
 * whom art. 6:96 lid 6 BW requires the letter; it is also the stricter reading for any other debtor.
 */
import { addDays, type IsoDate } from '../platform/dates.js';
import { formatCents } from '../platform/money.js';
import { contractualRateTable, defaultClaimNorms, type ClaimNormTables, type InterestRateTable } from './claim-norms.js';
import { letterTerm, maximumCollectionCosts, type FourteenDayLetter, type LetterTerm, type MaximumCollectionCosts } from './collection-costs.js';
import { statutoryInterest, type InterestResult, type Payment } from './statutory-interest.js';

export const INTEREST_BASES = ['statutory_consumer', 'statutory_commercial', 'none', 'contractual'] as const;
export type InterestBasis = (typeof INTEREST_BASES)[number];

export interface Claim {
  principalCents: number;
  dueDate: IsoDate;
  costsChargedCents: number;
  interestBasis: InterestBasis;
  /** Only for the contractual basis. */
  contractualRateBasisPoints: number | null;
  /** VAT on the costs, when the creditor cannot reclaim it. */
  vatOnCosts: boolean;
  fourteenDayLetter: FourteenDayLetter | null;
  payments: readonly Payment[];
}

export const COSTS_STATUSES = ['no_letter', 'term_running', 'paid_by_end_of_term', 'chargeable'] as const;
export type CostsStatus = (typeof COSTS_STATUSES)[number];
export const COSTS_FLAGS = ['charged_above_maximum', 'charged_before_allowed'] as const;
export type CostsFlag = (typeof COSTS_FLAGS)[number];

export interface CostsAssessment {
  status: CostsStatus;
  letter: LetterTerm | null;
  /** The WIK maximum on the principal open at the end of the letter's term (or, without a term yet, on the date). */
  maximum: MaximumCollectionCosts;
  chargedByCreditorCents: number;
  chargeableCents: number;
  /** Costs charged that are not chargeable on the date (above the maximum, or not allowed yet or at all). */
  notChargeableCents: number;
  flags: CostsFlag[];
  explanation: string;
}

export interface ClaimOptions {
  tables?: ClaimNormTables;
  /** Days after sending until a letter without a known receipt date is deemed received (default from wik-scale.json). */
  letterDeemedReceivedAfterDays?: number;
}

/** The interest table and compounding a claim's basis calls for. */
export function interestRatesFor(claim: Pick<Claim, 'interestBasis' | 'contractualRateBasisPoints'>, tables: ClaimNormTables): { rates: InterestRateTable; compoundYearly: boolean } {
  switch (claim.interestBasis) {
    case 'statutory_consumer':
      return { rates: tables.consumerInterest, compoundYearly: true };
    case 'statutory_commercial':
      return { rates: tables.commercialInterest, compoundYearly: true };
    case 'contractual':
      if (claim.contractualRateBasisPoints === null) throw new RangeError('a contractual interest basis needs contractualRateBasisPoints');
      return { rates: contractualRateTable(claim.contractualRateBasisPoints), compoundYearly: false };
    case 'none':
      // A zero rate rather than skipping the engine: payments are still allocated the same way.
      return { rates: { name: 'no interest claimed', revisedEveryMonths: null, entries: [{ validFrom: '1900-01-01', rateBasisPoints: 0, source: 'the creditor claims no interest' }] }, compoundYearly: false };
  }
}

function runInterest(claim: Claim, lastDay: IsoDate, tables: ClaimNormTables, costs?: { cents: number; payableFrom: IsoDate }): InterestResult {
  const { rates, compoundYearly } = interestRatesFor(claim, tables);
  return statutoryInterest(claim.principalCents, addDays(claim.dueDate, 1), lastDay, rates, { payments: claim.payments, compoundYearly, ...(costs ? { costs } : {}) });
}

/**
 * Whether, and how much of, the creditor's collection costs may be charged on `asOf`: only after a
 * 14-day letter was sent on or before `asOf` and its term has passed with the claim (principal and
 * interest) still open, and at most the WIK maximum on the principal open at the end of the term.
 */
export function collectionCostsChargeable(claim: Claim, asOf: IsoDate, options: ClaimOptions = {}): CostsAssessment {
  const tables = options.tables ?? defaultClaimNorms();
  const charged = claim.costsChargedCents;
  const sentLetter = claim.fourteenDayLetter !== null && claim.fourteenDayLetter.sentOn <= asOf ? claim.fourteenDayLetter : null;
  const letter = sentLetter === null ? null : letterTerm(sentLetter, tables, options.letterDeemedReceivedAfterDays);
  const result = (status: CostsStatus, maximum: MaximumCollectionCosts, chargeable: number, explanation: string): CostsAssessment => {
    const flags: CostsFlag[] = [];
    if (charged > maximum.totalCents) flags.push('charged_above_maximum');
    if (status !== 'chargeable' && charged > 0) flags.push('charged_before_allowed');
    return { status, letter, maximum, chargedByCreditorCents: charged, chargeableCents: chargeable, notChargeableCents: charged - chargeable, flags, explanation };
  };
  // Without a passed term the maximum is shown on what is open on the date, as what the costs would be.
  const maximumOn = (principal: number, on: IsoDate) => maximumCollectionCosts(principal, { vatApplies: claim.vatOnCosts, on }, tables);
  if (letter === null || asOf < letter.costsPayableFrom) {
    const open = runInterest(claim, asOf, tables);
    const maximum = maximumOn(open.principalOutstandingCents, asOf);
    return letter === null
      ? result('no_letter', maximum, 0, `No 14-day letter was sent by ${asOf}: collection costs may not be charged (art. 6:96 lid 6 BW).`)
      : result('term_running', maximum, 0, `The 14-day letter sent ${letter.sentOn} was ${letter.receivedOnAssumed ? 'deemed ' : ''}received ${letter.receivedOn}; its term runs ${letter.termFirstDay} to ${letter.termLastDay}: no collection costs before ${letter.costsPayableFrom}.`);
  }
  const atEnd = runInterest(claim, letter.termLastDay, tables);
  const maximum = maximumOn(atEnd.principalOutstandingCents, letter.costsPayableFrom);
  if (atEnd.principalOutstandingCents === 0 && atEnd.interestOutstandingCents === 0) {
    return result('paid_by_end_of_term', maximum, 0, `The claim was paid in full by ${letter.termLastDay}, the last day of the 14-day term: no collection costs.`);
  }
  // POLICY, not law: a debtor who paid the whole principal by the deadline did what a 14-day letter
  // usually asks. Art. 6:44 BW books the payment to interest first, which would leave a few euros of
  // principal open and turn them into at least EUR 40 of costs. What is left stays due, without costs.
  const paidByEnd = claim.payments.filter((p) => p.on <= letter.termLastDay).reduce((sum, p) => sum + p.cents, 0);
  if (paidByEnd >= claim.principalCents) {
    return result('paid_by_end_of_term', maximum, 0, `The principal EUR ${formatCents(claim.principalCents)} was paid by ${letter.termLastDay}, the last day of the 14-day term: no collection costs. EUR ${formatCents(atEnd.principalOutstandingCents + atEnd.interestOutstandingCents)} was still due then, because payments pay interest before principal (art. 6:44 BW).`);
  }
  const chargeable = Math.min(charged, maximum.totalCents);
  return result(
    'chargeable',
    maximum,
    chargeable,
    `The 14-day term ended ${letter.termLastDay} with EUR ${formatCents(atEnd.principalOutstandingCents)} principal open; the WIK maximum on it is EUR ${formatCents(maximum.totalCents)}; chargeable: the lower of that and the EUR ${formatCents(charged)} charged = EUR ${formatCents(chargeable)}.`,
  );
}

export interface ClaimTotals {
  asOf: IsoDate;
  interestBasis: InterestBasis;
  /** The first day of default, from which interest runs. */
  interestFrom: IsoDate;
  principalOutstandingCents: number;
  interestAccruedCents: number;
  interestPaidCents: number;
  interestOutstandingCents: number;
  costsChargeableCents: number;
  costsOutstandingCents: number;
  paidCents: number;
  unallocatedCents: number;
  totalDueCents: number;
  interest: InterestResult;
  costs: CostsAssessment;
  /** Which rate-table entries were used and whether any was kept past its period (a later rate is missing). */
  ratesUsed: { validFrom: IsoDate; rateBasisPoints: number; source: string; lastKnownKept: boolean }[];
  lastKnownKept: boolean;
  arithmetic: string[];
}

/** The claim as it stands at the end of `asOf`: payments on or before it count, later ones do not. */
export function claimTotals(claim: Claim, asOf: IsoDate, options: ClaimOptions = {}): ClaimTotals {
  const tables = options.tables ?? defaultClaimNorms();
  const costs = collectionCostsChargeable(claim, asOf, options);
  const costsDue = costs.chargeableCents > 0 && costs.letter !== null ? { cents: costs.chargeableCents, payableFrom: costs.letter.costsPayableFrom } : undefined;
  const interest = runInterest(claim, asOf, tables, costsDue);
  const { rates } = interestRatesFor(claim, tables);
  const ratesUsed = new Map<IsoDate, ClaimTotals['ratesUsed'][number]>();
  for (const period of interest.periods) {
    const entry = rates.entries.find((e) => e.validFrom === period.rateValidFrom)!;
    const known = ratesUsed.get(entry.validFrom);
    ratesUsed.set(entry.validFrom, { validFrom: entry.validFrom, rateBasisPoints: entry.rateBasisPoints, source: entry.source, lastKnownKept: (known?.lastKnownKept ?? false) || period.lastKnownKept });
  }
  const paid = interest.payments.reduce((sum, p) => sum + p.cents, 0);
  const unallocated = interest.payments.reduce((sum, p) => sum + p.unallocatedCents, 0);
  const totalDue = interest.principalOutstandingCents + interest.interestOutstandingCents + interest.costsOutstandingCents;
  const used = [...ratesUsed.values()];
  return {
    asOf,
    interestBasis: claim.interestBasis,
    interestFrom: interest.firstDay,
    principalOutstandingCents: interest.principalOutstandingCents,
    interestAccruedCents: interest.totalInterestCents,
    interestPaidCents: interest.interestPaidCents,
    interestOutstandingCents: interest.interestOutstandingCents,
    costsChargeableCents: costs.chargeableCents,
    costsOutstandingCents: interest.costsOutstandingCents,
    paidCents: paid,
    unallocatedCents: unallocated,
    totalDueCents: totalDue,
    interest,
    costs,
    ratesUsed: used,
    lastKnownKept: used.some((r) => r.lastKnownKept),
    arithmetic: arithmeticLines(claim, asOf, interest, costs, totalDue, rates),
  };
}

const euro = (cents: number) => `EUR ${formatCents(cents)}`;
const percent = (basisPoints: number) => `${(basisPoints / 100).toFixed(2)} %`;

function arithmeticLines(claim: Claim, asOf: IsoDate, interest: InterestResult, costs: CostsAssessment, totalDue: number, rates: InterestRateTable): string[] {
  const lines: string[] = [`Principal ${euro(claim.principalCents)}, due ${claim.dueDate}; as of ${asOf}.`];
  if (interest.periods.length === 0) lines.push(`No interest: the first day of default, ${interest.firstDay}, is after ${asOf}.`);
  else lines.push(`Interest (${rates.name}) from ${interest.firstDay}: base × rate × days / 365 per period, rounded half up to the cent.`);
  const capitalisedOn = new Map(interest.capitalisations.map((c) => [c.on, c.cents]));
  for (const p of interest.periods) {
    const added = capitalisedOn.get(p.from);
    if (added !== undefined) lines.push(`${p.from}: the year's unpaid interest ${euro(added)} is added to the base (art. 6:119 lid 2 BW).`);
    lines.push(`${p.from} to ${p.through}: ${euro(p.baseCents)} × ${percent(p.rateBasisPoints)} × ${p.days}/365 = ${euro(p.interestCents)}${p.lastKnownKept ? ` (rate of ${p.rateValidFrom} kept: no later rate in the table)` : ''}`);
  }
  if (interest.periods.length > 0) lines.push(`Interest accrued: ${interest.periods.map((p) => formatCents(p.interestCents)).join(' + ')} = ${euro(interest.totalInterestCents)}.`);
  for (const p of interest.payments) {
    lines.push(`Payment ${p.on} ${euro(p.cents)}: to costs ${euro(p.toCostsCents)}, to interest ${euro(p.toInterestCents)}, to principal ${euro(p.toPrincipalCents)}${p.unallocatedCents > 0 ? `, left over ${euro(p.unallocatedCents)}` : ''} (art. 6:44 BW).`);
  }
  const m = costs.maximum;
  if (m.bands.length > 0) {
    const bandText = m.bands.map((b) => `${percent(b.rateBasisPoints)} of ${euro(b.appliedToCents)} = ${euro(b.feeCents)}`).join('; ');
    lines.push(`WIK maximum on ${euro(m.principalCents)} (scale of ${m.scaleValidFrom}): ${bandText}; sum ${euro(m.scaleCents)}${m.minimumApplied ? ', raised to the minimum' : ''}${m.maximumApplied ? ', capped at the maximum' : ''}: ${euro(m.costsExcludingVatCents)}${m.vat ? ` + VAT ${percent(m.vat.rateBasisPoints)} ${euro(m.vat.cents)} = ${euro(m.totalCents)}` : ''}.`);
  }
  lines.push(costs.explanation);
  if (costs.flags.includes('charged_above_maximum')) lines.push(`The creditor charged ${euro(costs.chargedByCreditorCents)} in costs, ${euro(costs.chargedByCreditorCents - m.totalCents)} more than the WIK maximum.`);
  lines.push(`Total due: principal ${euro(interest.principalOutstandingCents)} + interest ${euro(interest.interestOutstandingCents)} + costs ${euro(interest.costsOutstandingCents)} = ${euro(totalDue)}.`);
  return lines;
}
