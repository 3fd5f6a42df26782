import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import { loadWorld, worldStartEndingToday } from '../../src/simulation/world-loader.js';
import { injectClient } from '../../src/cli/inject-client.js';
import { bearer, createTestApp, type TestApp } from '../support/test-app.js';

const TODAY = '2026-11-23';

describe('loading a simulated world through the public API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ today: () => TODAY });
  });
  afterAll(async () => t.close());

  it('stores every simulated transaction and data point, and a second load adds nothing', async () => {
    const options = { households: 8, months: 14, seed: 7, truthRuns: 2, startDate: worldStartEndingToday(TODAY, 14) };
    const households = [...simulateHouseholds(options)];
    const client = injectClient(t.app, t.tenantA.keys.creditor);
    const loaded = await loadWorld(client, households, { today: TODAY });
    expect(loaded).toHaveLength(8);
    for (const [i, h] of households.entries()) {
      // Booked and pending entries alike; a pending card payment is one row until it is booked.
      const simulatedRows = h.accounts.reduce((n, a) => n + a.transactions.filter((x) => x.bookingDate <= TODAY).length, 0);
      expect(loaded[i]!.transactions, h.debtorRef).toBe(simulatedRows);
      const stored = await t.app.inject({ url: `/v1/debtors/${loaded[i]!.debtorId}/data-points`, headers: bearer(t.tenantA.keys.creditor) });
      expect(stored.json().items).toHaveLength(h.events.filter((e) => e.occurredOn <= TODAY).length);
    }
    const again = await loadWorld(client, [...simulateHouseholds(options)], { today: TODAY });
    expect(again.map((h) => h.transactions)).toEqual(households.map(() => 0));
  });
});
