/**
 * Populations for the monitoring tests, drawn from the simulator that made the starter models'
 * training world (seed 2026, households from 2025-01-01) and loaded as a creditor would, data points
 * through the API:
 * - stable: new households of that same world (indexes from 500 on; the starter learned from 0–499),
 *   each scored as of one of the ten month ends the training slice's rows are as of, so the window
 *   holds the population the model was built on, a month of as-of dates per tenth;
 * - shifted: households of the same world in more distress: only those that had a reminder or a
 *   returned direct debit before their as-of date (the mix a creditor sees when it buys a book of
 *   debts already in trouble).
 */
import { addDays, addMonths, type IsoDate } from '../../src/platform/dates.js';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import type { SimulatedHousehold } from '../../src/simulation/simulation.types.js';
import { bearer, type TestApp, type TestTenant } from '../support/test-app.js';

export const STARTER_WORLD = { seed: 2026, startDate: '2025-01-01' } as const;
/** The training slice of the starter model holds rows as of the month ends 6 to 15 months into its world. */
export const TRAINING_MONTHS = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15] as const;
export const FIRST_UNSEEN_HOUSEHOLD = 500;

export interface PopulationMember {
  household: SimulatedHousehold;
  asOf: IsoDate;
}

export function asOfForMonth(month: number): IsoDate {
  return addDays(addMonths(STARTER_WORLD.startDate, month), -1);
}

/** `size` households of the starter world, the i-th scored as of the (i mod 10)-th training month end. */
export function population(kind: 'stable' | 'shifted', size: number): PopulationMember[] {
  const members: PopulationMember[] = [];
  // Twenty months: every as-of date's 90-day outcome window lies inside the simulation.
  for (const household of simulateHouseholds({ households: size * 8, months: 20, seed: STARTER_WORLD.seed, truthRuns: 0, startDate: STARTER_WORLD.startDate, firstIndex: FIRST_UNSEEN_HOUSEHOLD })) {
    const asOf = asOfForMonth(TRAINING_MONTHS[members.length % TRAINING_MONTHS.length]!);
    if (kind === 'shifted' && !household.events.some((e) => e.occurredOn <= asOf && (e.type === 'reminder_sent' || e.type === 'direct_debit_returned'))) continue;
    members.push({ household, asOf });
    if (members.length === size) break;
  }
  if (members.length < size) throw new Error(`only ${members.length} households for a ${kind} population of ${size}`);
  return members;
}

/** Sends the households' data points up to today through the API; returns debtorRef → debtor id. */
export async function loadDataPoints(t: TestApp, tenant: TestTenant, members: readonly PopulationMember[], today: IsoDate): Promise<Map<string, string>> {
  const events = members.flatMap((m) => m.household.events.filter((e) => e.occurredOn <= today));
  for (let start = 0; start < events.length; start += 2000) {
    const res = await t.app.inject({ method: 'POST', url: '/v1/data-points', headers: bearer(tenant.keys.creditor), payload: { events: events.slice(start, start + 2000) } });
    if (res.statusCode !== 200) throw new Error(`data points: ${res.statusCode} ${res.body.slice(0, 300)}`);
  }
  const rows = await t.database.db.selectFrom('debtors').select(['id', 'external_ref']).where('tenant_id', '=', tenant.id).execute();
  return new Map(rows.map((r) => [r.external_ref, r.id]));
}

/** Scores every member as of its date through POST /v1/scores (one request per date); returns debtor id → probability. */
export async function scoreMembers(t: TestApp, tenant: TestTenant, members: readonly PopulationMember[], ids: Map<string, string>): Promise<Map<string, number>> {
  const byDate = new Map<IsoDate, string[]>();
  for (const m of members) {
    const id = ids.get(m.household.debtorRef)!;
    const list = byDate.get(m.asOf);
    if (list) list.push(id);
    else byDate.set(m.asOf, [id]);
  }
  const probabilities = new Map<string, number>();
  for (const [asOf, debtorIds] of byDate) {
    const res = await t.app.inject({ method: 'POST', url: '/v1/scores', headers: bearer(tenant.keys.analyst), payload: { debtorIds, asOf } });
    if (res.statusCode !== 200) throw new Error(`scores: ${res.statusCode} ${res.body.slice(0, 300)}`);
    for (const score of res.json().scores as { debtorId: string; probability: number; model: { modelId: string } }[]) probabilities.set(score.debtorId, score.probability);
  }
  return probabilities;
}
