/**
 * The synthetic world's front door: a stream of households, each simulated from its own seed and
 * forgotten once handed out, so memory stays flat however many are asked for.
 */
import { addMonths, fromDayNumber, isIsoDate, toDayNumber, type IsoDate } from '../platform/dates.js';
import { ARREARS_HORIZON_DAYS, arrearsProbability } from './arrears-truth.js';
import { counterpartyNamed, type Counterparty } from './counterparties.js';
import type { CollectionLedger, CreditorPolicyFactory } from './creditor-policy.js';
import { runUntil } from './household-engine.js';
import { drawHousehold, type WorldSetup } from './household-profile.js';
import { HouseholdRecorder } from './household-recorder.js';
import type { ArrearsTruth, SimulatedHousehold, SimulationOptions } from './simulation.types.js';

export const DEFAULT_START_DATE = '2025-01-01';
export const DEFAULT_TRUTH_RUNS = 32;
export const DEFAULT_TRUTH_EVERY_MONTHS = 1;
export const DEFAULT_TRUTH_FROM_MONTH = 6;

/** The tenant whose customers the households are: a fictional energy supplier, so that its dunning is not read as a real company's. */
export const SIMULATED_CREDITOR: Counterparty = counterpartyNamed('Zonnedal Energie B.V.');
/** The collection agency the creditor hands over to. */
export const SIMULATED_COLLECTION_AGENCY = 'Flanderijn';

export interface ResolvedSimulation {
  households: number;
  months: number;
  seed: number;
  startDate: IsoDate;
  endDate: IsoDate;
  truthRuns: number;
  truthEveryMonths: number;
  truthFromMonth: number;
  /** As-of dates whose 90-day window ends inside the simulation, so that "realised" is known. */
  asOfDates: IsoDate[];
  firstIndex: number;
}

export function resolveSimulation(options: SimulationOptions): ResolvedSimulation {
  const startDate = options.startDate ?? DEFAULT_START_DATE;
  if (!isIsoDate(startDate) || !startDate.endsWith('-01')) throw new RangeError(`startDate must be the first of a month, got ${startDate}`);
  if (!Number.isInteger(options.households) || options.households < 0) throw new RangeError('households must be a whole number ≥ 0');
  if (!Number.isInteger(options.months) || options.months < 1 || options.months > 120) throw new RangeError('months must be between 1 and 120');
  if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be a safe integer');
  const truthRuns = options.truthRuns ?? DEFAULT_TRUTH_RUNS;
  const every = options.truthEveryMonths ?? DEFAULT_TRUTH_EVERY_MONTHS;
  const from = options.truthFromMonth ?? DEFAULT_TRUTH_FROM_MONTH;
  if (!Number.isInteger(truthRuns) || truthRuns < 0) throw new RangeError('truthRuns must be a whole number ≥ 0');
  if (!Number.isInteger(every) || every < 1) throw new RangeError('truthEveryMonths must be a whole number ≥ 1');
  const endDate = addMonths(startDate, options.months);
  const asOfDates: IsoDate[] = [];
  if (truthRuns > 0) {
    for (let m = from; m < options.months; m += every) {
      const asOf = addMonths(startDate, m);
      if (toDayNumber(asOf) + ARREARS_HORIZON_DAYS <= toDayNumber(endDate)) asOfDates.push(asOf);
    }
  }
  return {
    households: options.households,
    months: options.months,
    seed: options.seed,
    startDate,
    endDate,
    truthRuns,
    truthEveryMonths: every,
    truthFromMonth: from,
    asOfDates,
    firstIndex: options.firstIndex ?? 0,
  };
}

export function* simulateHouseholds(options: SimulationOptions): Generator<SimulatedHousehold> {
  const resolved = resolveSimulation(options);
  for (let i = 0; i < resolved.households; i++) yield simulateHousehold(resolved, resolved.firstIndex + i);
}

/** How the creditor behaves in the simulated period, and where collection money is booked. */
export interface CreditorSetup {
  /** Today's dunning when absent. The burn-in before the start date always runs under today's dunning. */
  policy?: CreditorPolicyFactory;
  ledger?: CollectionLedger;
}

/**
 * One household's whole life, with its truth. Household i depends only on (seed, i, start, months,
 * truth options) and, from the start date on, on the creditor's policy.
 */
export function simulateHousehold(resolved: ResolvedSimulation, index: number, creditor: CreditorSetup = {}): SimulatedHousehold {
  const world: WorldSetup = {
    seed: resolved.seed,
    startDay: toDayNumber(resolved.startDate),
    endDay: toDayNumber(resolved.endDate),
    creditor: SIMULATED_CREDITOR,
    collectionAgency: counterpartyNamed(SIMULATED_COLLECTION_AGENCY),
  };
  const ctx = drawHousehold(world, index);
  runUntil(ctx, world.startDay);
  const rec = new HouseholdRecorder(ctx.profile, ctx.state);
  ctx.rec = rec;
  if (creditor.policy) ctx.policy = creditor.policy(ctx);
  if (creditor.ledger) ctx.ledger = creditor.ledger;
  const { profile, state } = ctx;

  const estimates: { asOfDay: number; p: number; inArrears: boolean }[] = [];
  for (const asOf of resolved.asOfDates) {
    const asOfDay = toDayNumber(asOf);
    runUntil(ctx, asOfDay);
    const inArrears = state.creditor.invoices.some((i) => i.outstandingCents > 0 && asOfDay - i.dueDay >= 30);
    estimates.push({ asOfDay, p: arrearsProbability(ctx, resolved.truthRuns), inArrears });
  }
  runUntil(ctx, world.endDay);
  const streams = rec.finish(state);

  const arrearsDays = rec.events.filter((e) => e.type === 'arrears_started').map((e) => toDayNumber(e.occurredOn));
  const arrears: ArrearsTruth[] = estimates.map(({ asOfDay, p, inArrears }) => ({
    asOf: fromDayNumber(asOfDay),
    pArrears90d: p,
    realised: arrearsDays.some((d) => d >= asOfDay && d < asOfDay + ARREARS_HORIZON_DAYS),
    inArrearsOnAsOf: inArrears,
  }));
  const affordability = rec.affordability;

  return {
    index,
    debtorRef: profile.debtorRef,
    seed: profile.seed,
    composition: state.composition,
    accounts: rec.accounts,
    events: rec.events,
    truth: {
      debtorRef: profile.debtorRef,
      composition: state.composition,
      compositionAtStart: profile.compositionAtStart,
      adults: state.adults,
      children: state.children,
      mainIncomeSource: profile.mainIncomeSource,
      tenure: state.tenure,
      city: profile.city,
      hidden: profile.traits,
      incomeStreams: streams,
      shocks: rec.shocks,
      affordableMonthlyCents: affordability.length > 0 ? affordability[affordability.length - 1]!.affordableCents : 0,
      affordabilityByMonth: affordability,
      arrears,
      accounts: rec.accounts.map((a) => ({ iban: a.iban, kind: a.kind, openedOn: a.openedOn, closedOn: a.closedOn })),
    },
  };
}
