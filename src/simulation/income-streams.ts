/**
 * Creating income streams and their pay schedules: used when a household is drawn and when a shock
 * changes its income (a new job, WW, bijstand, allowances).
 */
import type { CategoryId } from '../analytics/taxonomy.js';
import { fromDayNumber } from '../platform/dates.js';
import { counterpartyNamed, EMPLOYERS, type Counterparty } from './counterparties.js';
import { isWorkingDay, nextPayday, weekdayOf, type PaySchedule } from './dutch-calendar.js';
import type { EngineContext } from './household-engine.js';
import { NEVER, watchStream, type HouseholdProfile, type HouseholdState, type IncomeStreamState } from './household-state.js';
import type { SeededRandom } from './seeded-random.js';
import type { IncomeKind } from './simulation.types.js';
import { WORLD } from './world-parameters.js';

export const INCOME_CATEGORY: Record<IncomeKind, CategoryId> = {
  salary: 'income.salary',
  ww: 'income.benefit_uwv',
  wia: 'income.benefit_uwv',
  wajong: 'income.benefit_uwv',
  aow: 'income.benefit_svb',
  occupational_pension: 'income.pension',
  bijstand: 'income.benefit_municipal',
  zorgtoeslag: 'income.allowance',
  huurtoeslag: 'income.allowance',
  kindgebonden_budget: 'income.allowance',
  kinderbijslag: 'income.child_benefit',
};

export interface NewStream {
  kind: IncomeKind;
  payer: Counterparty;
  earner: 0 | 1 | -1;
  schedule: PaySchedule;
  amountCents: number;
  firstDay: number;
  lastDay?: number;
  variability?: number;
  holidayPayFactor?: number;
  holidayPayMonth?: number;
  holidayPayCombined?: boolean;
}

export function addIncomeStream(state: HouseholdState, rec: EngineContext['rec'], spec: NewStream): IncomeStreamState {
  const stream: IncomeStreamState = {
    id: state.streams.length,
    kind: spec.kind,
    category: INCOME_CATEGORY[spec.kind],
    payer: spec.payer,
    earner: spec.earner,
    schedule: spec.schedule,
    amountCents: spec.amountCents,
    variability: spec.variability ?? 0,
    holidayPayFactor: spec.holidayPayFactor ?? 0,
    holidayPayMonth: spec.holidayPayMonth ?? 5,
    holidayPayCombined: spec.holidayPayCombined ?? false,
    nextDay: nextPayday(spec.schedule, spec.firstDay),
    lastDay: spec.lastDay ?? NEVER,
    active: true,
    paymentsMade: 0,
  };
  state.streams.push(stream);
  watchStream(state, stream);
  rec?.registerStream(stream);
  return stream;
}

/** A salary's schedule: monthly on a personal payday, or four-weekly from an anchor on a weekday. */
export function drawSalarySchedule(random: SeededRandom, fromDay: number): PaySchedule {
  if (random.chance(WORLD.salary.fourWeeklyShare)) {
    // Four-weekly payrolls mostly pay on a Thursday or Friday.
    let anchor = fromDay + random.int(0, 27);
    const wanted = random.pickWeighted([[4, 3], [5, 3], [3, 1], [2, 1], [1, 1]] as const);
    while (weekdayOf(anchor) !== wanted || !isWorkingDay(anchor)) anchor++;
    return { rule: 'four_weekly', anchor: fromDayNumber(anchor), shift: 'previous_working_day' };
  }
  return { rule: 'monthly', dayOfMonth: random.pickWeighted(WORLD.salary.monthlyPaydayWeights), shift: 'previous_working_day' };
}

/**
 * Flex workers (on-call, temp and zero-hours contracts; CBS counts about 1.9 million of 9 million
 * employees) are paid for the hours they worked, so each payment varies. Half of four-weekly payrolls
 * (temp agencies, retail, hospitality) and 6 % of monthly ones pay such workers; their pay varies
 * with a log-scale spread of 0.25.
 */
export function drawPayVariability(random: SeededRandom, schedule: PaySchedule): number {
  return random.chance(schedule.rule === 'four_weekly' ? 0.5 : 0.06) ? 0.25 : 0;
}

export function drawEmployer(random: SeededRandom, schedule: PaySchedule): Counterparty {
  return counterpartyNamed(random.pick(schedule.rule === 'four_weekly' ? EMPLOYERS.fourWeekly : EMPLOYERS.monthly));
}

export function uwvSchedule(profile: HouseholdProfile): PaySchedule {
  return { rule: 'monthly', dayOfMonth: profile.uwvDayOfMonth, shift: 'previous_working_day' };
}

export function bijstandSchedule(profile: HouseholdProfile): PaySchedule {
  return profile.bijstandOnLastWorkingDay ? { rule: 'last_working_day' } : { rule: 'monthly', dayOfMonth: 1, shift: 'next_working_day' };
}

export const ALLOWANCE_SCHEDULE: PaySchedule = { rule: 'monthly', dayOfMonth: WORLD.allowances.dayOfMonth, shift: 'next_working_day' };
export const KINDERBIJSLAG_SCHEDULE: PaySchedule = {
  rule: 'quarterly',
  months: WORLD.allowances.kinderbijslagMonths,
  dayOfMonth: WORLD.allowances.kinderbijslagDayOfMonth,
  shift: 'next_working_day',
};
export const AOW_SCHEDULE: PaySchedule = { rule: 'monthly', dayOfMonth: WORLD.benefits.aowDayOfMonth, shift: 'previous_working_day' };

export function municipality(profile: HouseholdProfile): Counterparty {
  return counterpartyNamed(`Gemeente ${profile.city}`);
}
