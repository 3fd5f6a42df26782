/**
 * What the creditor does next for each segment, and when: the channels in order, the tone, the
 * plain-language template, and the contact window after payday. Pure: no database, no clock.
 *
 * The contact window starts on the first working day after the predicted arrival of the main income
 * (Dutch weekends and public holidays, src/analytics/calendar) and lasts a few working days; it never
 * reaches into the days just before the next income, when the account is at its lowest. A request
 * that lands on the 8th of the month, after rent and insurance have gone out, meets an empty account;
 * one on the day after payday meets the money.
 */
import type { IncomeDay } from '../analytics/income-days.js';
import { DUTCH_HOLIDAY_RULES, isWorkingDayNumber, type HolidayCalendar } from '../analytics/calendar/dutch-holidays.js';
import type { ContactChannel } from '../data-points/data-point.schema.js';
import { dayNumberOfIso, isoOfDayNumber } from '../platform/day-number.js';
import type { IsoDate } from '../platform/dates.js';
import type { Segment } from './segment-debtor.js';

export type Tone = 'supportive' | 'firm';
export type NextAction = 'send_payment_reminder' | 'offer_plan' | 'offer_payment_pause' | 'refer_to_debt_help' | 'firm_notice' | 'none' | 'stop_collection';

export interface Treatment {
  segment: Segment;
  action: NextAction;
  channels: ContactChannel[];
  tone: Tone;
  /** A plain-language letter or message template, by key (the texts live with the creditor's templates). */
  templateKey: string;
  /** Why this treatment, in a sentence. */
  rationale: string;
}

interface TreatmentRule {
  action: NextAction;
  channels: ContactChannel[];
  tone: Tone;
  templateKey: string;
  rationale: string;
}

/**
 * One row per segment. Supportive for everyone who cannot pay or has had bad luck: a firm letter
 * to a household without money drives it away from the plan it needs. Firm only for won't-pay,
 * where the money is there and the debtor has refused; even then with the plan on offer.
 */
export const TREATMENT_BY_SEGMENT: Readonly<Record<Segment, TreatmentRule>> = {
  cant_pay: {
    action: 'offer_plan',
    channels: ['phone', 'letter', 'email'],
    tone: 'supportive',
    templateKey: 'collections.cant_pay.affordable_plan_and_debt_help',
    rationale: 'The money is not there: offer a plan the bank data shows can be kept, and where to find free debt help.',
  },
  wont_pay: {
    action: 'firm_notice',
    channels: ['letter', 'email', 'phone'],
    tone: 'firm',
    templateKey: 'collections.wont_pay.firm_notice_with_next_steps',
    rationale: 'The money is there and payment was refused: state the claim, the next step and its costs plainly, with a plan still on offer.',
  },
  forgot: {
    action: 'send_payment_reminder',
    channels: ['sms', 'email', 'app'],
    tone: 'supportive',
    templateKey: 'collections.forgot.friendly_reminder_with_payment_link',
    rationale: 'Pays when reminded: a short message with a payment link right after payday is usually enough.',
  },
  temporary_shock: {
    action: 'offer_payment_pause',
    channels: ['phone', 'email', 'letter'],
    tone: 'supportive',
    templateKey: 'collections.temporary_shock.pause_then_plan',
    rationale: 'A good payer hit by a life event: a pause or a short plan keeps the customer and the claim.',
  },
  complex_debt: {
    action: 'refer_to_debt_help',
    channels: ['phone', 'letter'],
    tone: 'supportive',
    templateKey: 'collections.complex_debt.refer_to_debt_help',
    rationale: 'Several creditors and collectors already: one more collector makes it worse; refer to municipal debt help early.',
  },
  no_risk: {
    action: 'none',
    channels: ['email'],
    tone: 'supportive',
    templateKey: 'collections.no_risk.none',
    rationale: 'Nothing overdue and no warning signs: no collection contact.',
  },
};

/**
 * The treatment for a segment. Channels the debtor answered through before move to the front, in
 * the order of the segment's list: a channel that reached this debtor beats a general preference.
 */
export function treatmentFor(segment: Segment, options: { answeredChannels?: readonly ContactChannel[]; stopCollection?: boolean } = {}): Treatment {
  const rule = TREATMENT_BY_SEGMENT[segment];
  if (options.stopCollection) {
    return { segment, action: 'stop_collection', channels: ['letter'], tone: 'supportive', templateKey: 'collections.deceased.estate_letter', rationale: 'The debtor has died (return reason MD07): stop collecting and write to the estate.' };
  }
  const answered = new Set(options.answeredChannels ?? []);
  const channels = [...rule.channels.filter((c) => answered.has(c)), ...rule.channels.filter((c) => !answered.has(c))];
  return { segment, action: rule.action, channels, tone: rule.tone, templateKey: rule.templateKey, rationale: rule.rationale };
}

export interface ContactWindowOptions {
  asOf: IsoDate;
  /** The income days of the affordability report (or detectIncomeDays); empty when unknown. */
  incomeDays: readonly IncomeDay[];
  windowWorkingDays: number;
  quietDaysBeforeIncome: number;
  holidays?: HolidayCalendar;
}

export interface ContactWindow {
  /** main_income: after the predicted main income; no_income_day: no income day is known, from asOf. */
  basis: 'main_income' | 'no_income_day';
  /** First and last day to make contact (both working days, from ≥ asOf). */
  from: IsoDate;
  until: IsoDate;
  /** The income arrival the window follows (observed or predicted), and the next one after it. */
  incomeArrival: IsoDate | null;
  nextIncomeArrival: IsoDate | null;
  mainIncome: { streamId: string | null; category: string; counterpartyName: string | null; source: 'learned' | 'calendar'; monthlyEquivalentCents: number } | null;
  explanation: string;
}

/** The main income: the active income that brings the most per month (as detectIncomeDays' primary). */
export function mainIncomeOf(incomeDays: readonly IncomeDay[]): IncomeDay | null {
  let best: IncomeDay | null = null;
  for (const day of incomeDays) {
    if (day.status !== 'mature' && day.status !== 'early') continue;
    if (best === null || day.monthlyEquivalentCents > best.monthlyEquivalentCents) best = day;
  }
  return best;
}

/** The first working day strictly after `date`. */
export function firstWorkingDayAfter(date: IsoDate, holidays: HolidayCalendar = DUTCH_HOLIDAY_RULES): IsoDate {
  return isoOfDayNumber(workingDayFrom(dayNumberOfIso(date) + 1, holidays));
}

function workingDayFrom(day: number, holidays: HolidayCalendar): number {
  let d = day;
  for (let guard = 0; guard < 14 && !isWorkingDayNumber(d, holidays); guard += 1) d += 1;
  return d;
}

/** The working day `count` working days after `day` (count 0 is the day itself). */
function addWorkingDays(day: number, count: number, holidays: HolidayCalendar): number {
  let d = day;
  for (let left = count; left > 0; ) {
    d += 1;
    if (isWorkingDayNumber(d, holidays)) left -= 1;
  }
  return d;
}

/** The last working day on or before `day`. */
function workingDayOnOrBefore(day: number, holidays: HolidayCalendar): number {
  let d = day;
  for (let guard = 0; guard < 14 && !isWorkingDayNumber(d, holidays); guard += 1) d -= 1;
  return d;
}

/**
 * The next contact window on or after asOf. Arrivals considered: the last observed payment of the
 * main income on or before asOf (its window may still be open) and the predicted ones after. For
 * each in turn: the window runs from the first working day after the arrival for windowWorkingDays
 * working days, cut off quietDaysBeforeIncome days before the next arrival; the first window that
 * has not ended by asOf is the answer, starting no earlier than asOf.
 */
export function contactWindow(options: ContactWindowOptions): ContactWindow {
  const holidays = options.holidays ?? DUTCH_HOLIDAY_RULES;
  const asOfDay = dayNumberOfIso(options.asOf);
  const main = mainIncomeOf(options.incomeDays);
  const noIncome = (explanation: string): ContactWindow => {
    const from = workingDayFrom(asOfDay, holidays);
    return { basis: 'no_income_day', from: isoOfDayNumber(from), until: isoOfDayNumber(addWorkingDays(from, options.windowWorkingDays - 1, holidays)), incomeArrival: null, nextIncomeArrival: null, mainIncome: null, explanation };
  };
  if (main === null) return noIncome('No regular income was found in the bank data, so no payday is known: the window starts on the first working day from asOf.');

  const lastObserved = [...main.observedDates].filter((d) => d <= options.asOf).sort().pop();
  const arrivals = [...new Set([...(lastObserved ? [lastObserved] : []), ...main.nextDates])].sort().map(dayNumberOfIso);
  const mainIncome = { streamId: main.streamId, category: main.category, counterpartyName: main.counterpartyName, source: main.source, monthlyEquivalentCents: main.monthlyEquivalentCents };
  for (let i = 0; i < arrivals.length; i += 1) {
    const arrival = arrivals[i]!;
    // Past the predicted dates the next arrival is expected after the same gap as the last one.
    const previous = arrivals[i - 1];
    const next = arrivals[i + 1] ?? (previous === undefined ? null : arrival + (arrival - previous));
    const start = workingDayFrom(arrival + 1, holidays);
    let end = addWorkingDays(start, options.windowWorkingDays - 1, holidays);
    if (next !== null) end = Math.min(end, workingDayOnOrBefore(next - options.quietDaysBeforeIncome - 1, holidays));
    // Income comes so often (weekly) that no day lies outside the quiet days: this arrival has no window.
    if (end < start) continue;
    if (end < asOfDay) continue;
    const from = Math.max(start, workingDayFrom(asOfDay, holidays));
    if (from > end) continue;
    return {
      basis: 'main_income',
      from: isoOfDayNumber(from),
      until: isoOfDayNumber(end),
      incomeArrival: isoOfDayNumber(arrival),
      nextIncomeArrival: next === null ? null : isoOfDayNumber(next),
      mainIncome,
      explanation: `The main income (${main.counterpartyName ?? main.category}) ${arrival <= asOfDay ? 'arrived' : 'is expected'} on ${isoOfDayNumber(arrival)}; contact from the first working day after it, ${isoOfDayNumber(start)}, for ${options.windowWorkingDays} working days${next !== null ? `, and never in the ${options.quietDaysBeforeIncome} days before the next income on ${isoOfDayNumber(next)}` : ''}.`,
    };
  }
  return noIncome(`The main income (${main.counterpartyName ?? main.category}) leaves no window after ${options.asOf} outside the quiet days before the next one: the window starts on the first working day from asOf.`);
}
