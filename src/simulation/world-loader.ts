/**
 * Sends a simulated world through the public API, exactly as a creditor system would: register the
 * debtor, request and grant consent, upload each account's Berlin Group response, send the data
 * points. Nothing is written with SQL, so the front door is tested by every load.
 */
import { addDays, type IsoDate } from '../platform/dates.js';
import { CURRENT_CONSENT_TEXT_VERSION } from '../consent/consent.service.js';
import { writeBerlinGroupTransactions } from './berlin-group.writer.js';
import type { SimulatedHousehold } from './simulation.types.js';

/** The little of an HTTP client the loader needs; an in-process (inject) or a network client fits. */
export interface ApiClient {
  request(method: 'GET' | 'POST', url: string, options?: { json?: unknown; body?: string; contentType?: string; withKey?: boolean }): Promise<{ status: number; body: unknown }>;
}

export interface LoadedHousehold {
  debtorRef: string;
  debtorId: string;
  consentId: string;
  transactions: number;
  dataPoints: number;
}

export class WorldLoadError extends Error {
  constructor(step: string, status: number, body: unknown) {
    super(`${step} failed with ${status}: ${JSON.stringify(body).slice(0, 300)}`);
    this.name = 'WorldLoadError';
  }
}

const DATA_POINT_BATCH = 2000;

async function expectOk(client: ApiClient, step: string, method: 'GET' | 'POST', url: string, options?: Parameters<ApiClient['request']>[2]) {
  const res = await client.request(method, url, { withKey: true, ...options });
  if (res.status >= 300) throw new WorldLoadError(step, res.status, res.body);
  return res.body as Record<string, unknown>;
}

export async function loadHousehold(client: ApiClient, household: SimulatedHousehold, context: { today: IsoDate }): Promise<LoadedHousehold> {
  const debtor = await expectOk(client, 'register debtor', 'POST', '/v1/debtors', {
    json: { externalRef: household.debtorRef, household: { composition: household.composition } },
  });
  const debtorId = debtor.id as string;
  const consent = await expectOk(client, 'request consent', 'POST', `/v1/debtors/${debtorId}/consents`, {
    json: {
      access: { accounts: true, balances: true, transactions: true },
      purpose: 'affordability_assessment',
      validUntil: addDays(context.today, 180),
      frequencyPerDay: 24,
      recurringIndicator: true,
    },
  });
  const token = consent.linkToken as string;
  await expectOk(client, 'grant consent', 'POST', `/v1/consent-links/${token}/grant`, { json: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true }, withKey: false });
  let transactions = 0;
  for (const account of household.accounts) {
    const uploaded = await expectOk(client, `upload ${account.iban}`, 'POST', `/v1/debtors/${debtorId}/bank-data?format=berlin-group`, {
      body: writeBerlinGroupTransactions(account),
      contentType: 'application/json',
    });
    transactions += uploaded.accepted as number;
  }
  const events = household.events.filter((e) => e.occurredOn <= context.today);
  for (let start = 0; start < events.length; start += DATA_POINT_BATCH) {
    await expectOk(client, 'send data points', 'POST', '/v1/data-points', { json: { events: events.slice(start, start + DATA_POINT_BATCH) } });
  }
  return { debtorRef: household.debtorRef, debtorId, consentId: (consent.consent as { id: string }).id, transactions, dataPoints: events.length };
}

export async function loadWorld(
  client: ApiClient,
  households: Iterable<SimulatedHousehold>,
  context: { today: IsoDate; onProgress?: (loaded: number) => void },
): Promise<LoadedHousehold[]> {
  const loaded: LoadedHousehold[] = [];
  for (const household of households) {
    loaded.push(await loadHousehold(client, household, context));
    context.onProgress?.(loaded.length);
  }
  return loaded;
}

/** The first of the month `months` before today: a world that ends now, so nothing lies in the future. */
export function worldStartEndingToday(today: IsoDate, months: number): IsoDate {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) - months;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-01`;
}
