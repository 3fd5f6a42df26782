/**
 * Monitoring benchmark: one monitoring run (ModelMonitor.runVersion: read each debtor's latest score
 * in the window with its stored feature vector, label the matured ones, measure, upsert the point) of
 * the starter data-points model over 1,000 and 10,000 stored scores on PostgreSQL. Measured beside it,
 * in the same run and on the same arrays: the model report's stability section (score and feature PSI,
 * metrics/stability.ts), the reference, and the window measurement alone (measure-window.ts).
 *
 *   npm run bench:monitoring      (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *
 * The scores are real: households of the starter model's own world (seed 2026, indexes from 500),
 * features computed as of the ten month ends of its training slice and scored by the starter model;
 * each (household, date) pair is stored as a debtor of its own, with the household's arrears_started
 * data points, so every row has a matured outcome.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { normsAt } from '../src/affordability/norms/norms.js';
import { stability } from '../src/model-reports/metrics/stability.js';
import { PSI_ACT } from '../src/model-reports/population-stability.js';
import { measureWindow } from '../src/model-monitoring/measure-window.js';
import { ModelMonitor } from '../src/model-monitoring/model-monitoring.js';
import { openPostgres } from '../src/platform/database/connection.js';
import { migrateToLatest } from '../src/platform/database/migrate.js';
import { addDays, addMonths, type IsoDate } from '../src/platform/dates.js';
import { computeFeatures } from '../src/risk-features/compute-features.js';
import { ModelRegistry } from '../src/risk-models/registry.js';
import { arrearsLabel } from '../src/risk-models/training-runs.js';
import { simulateHouseholds } from '../src/simulation/simulate-households.js';
import { ensureTenant } from '../src/tenants/api-key.service.js';

const MODEL = 'early-warning-data-points';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const baseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const benchDb = `dk_bench_monitoring_${process.pid}`;
const MONTHS = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const asOfOf = (month: number): IsoDate => addDays(addMonths('2025-01-01', month), -1);
const WINDOW_TO = asOfOf(15);
const WINDOW_DAYS = 300;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(run: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await run(); // JIT and plan caches
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

interface Row {
  asOf: IsoDate;
  values: Record<string, number | null>;
  arrears: { occurredOn: IsoDate; event: unknown }[];
}

/** Feature vectors of `households` households at each of the ten month ends: households × 10 rows. */
function simulatedRows(households: number): Row[] {
  const rows: Row[] = [];
  for (const household of simulateHouseholds({ households, months: 20, seed: 2026, truthRuns: 0, startDate: '2025-01-01', firstIndex: 500 })) {
    const arrears = household.events.filter((e) => e.type === 'arrears_started').map((event) => ({ occurredOn: event.occurredOn, event }));
    for (const month of MONTHS) {
      const asOf = asOfOf(month);
      rows.push({ asOf, values: computeFeatures({ asOf, bank: null, events: household.events, norms: normsAt(asOf) }, 'data-points-only').values, arrears });
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDb}`);
  await admin.query(`CREATE DATABASE ${benchDb}`);
  const database = openPostgres({ connectionString: withDatabase(baseUrl, benchDb), max: 4 });
  try {
    await migrateToLatest(database.db);
    const { db } = database;
    const registry = new ModelRegistry(db);
    const today = new Date().toISOString().slice(0, 10);
    const monitor = new ModelMonitor(db, registry, { windowDays: WINDOW_DAYS, driftPsi: PSI_ACT, today: () => today });
    let started = performance.now();
    const all = simulatedRows(1000);
    console.log(`simulated 1,000 households and ${all.length.toLocaleString('en')} feature vectors in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    for (const size of [1_000, 10_000]) {
      const tenantId = `bench-${size}`;
      await ensureTenant(db, tenantId, tenantId);
      await registry.ensureStarterModels(tenantId);
      const model = await registry.model(tenantId, MODEL, 1);
      const { featureNames } = model.bundle;
      // Spread over the households and, in turn, the ten dates, so every window holds each date a tenth of the time.
      const households = all.length / MONTHS.length;
      const rows = Array.from({ length: size }, (_, k) => all[Math.floor((k * households) / size) * MONTHS.length + (k % MONTHS.length)]!);
      const columns = featureNames.map((name) => Float64Array.from(rows, (r) => r.values[name] ?? Number.NaN));
      const probability = model.scoreColumns(columns);
      started = performance.now();
      for (let start = 0; start < size; start += 2000) {
        const chunk = rows.slice(start, start + 2000).map((row, k) => ({ row, debtorId: randomUUID(), snapshotId: randomUUID(), scoreId: randomUUID(), p: probability[start + k]! }));
        await db.insertInto('debtors').values(chunk.map((c, k) => ({ tenant_id: tenantId, id: c.debtorId, external_ref: `d-${start + k}` }))).execute();
        await db
          .insertInto('risk_feature_snapshots')
          .values(chunk.map((c) => ({ tenant_id: tenantId, id: c.snapshotId, debtor_id: c.debtorId, as_of: c.row.asOf, feature_set: 'data-points-only', catalogue_version: model.bundle.catalogueVersion!, data_stamp: 'bench', values: JSON.stringify(c.row.values) })))
          .execute();
        await db
          .insertInto('risk_scores')
          .values(chunk.map((c) => ({ tenant_id: tenantId, id: c.scoreId, debtor_id: c.debtorId, as_of: c.row.asOf, model_id: MODEL, model_version: 1, feature_set: 'data-points-only', probability: c.p, band: 'low', reasons: '[]', feature_snapshot_id: c.snapshotId, requested_by: 'bench' })))
          .execute();
        const events = chunk.flatMap((c) => c.row.arrears.map((a, k) => ({ tenant_id: tenantId, event_id: `${c.debtorId}-${k}`, debtor_id: c.debtorId, type: 'arrears_started', occurred_on: a.occurredOn, payload: JSON.stringify(a.event), content_hash: 'bench' })));
        if (events.length > 0) await db.insertInto('data_point_events').values(events).execute();
      }
      await sql`analyze`.execute(db);
      console.log(`\n${size.toLocaleString('en')} stored scores (written in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

      const point = await monitor.runVersion(tenantId, MODEL, 1, { asOf: WINDOW_TO, trigger: 'manual' });
      const run = await timed(() => monitor.runVersion(tenantId, MODEL, 1, { asOf: WINDOW_TO, trigger: 'manual' }));
      // Every row has matured (its as-of date is long past): the same labels the run reads from the database.
      const matured = new Uint8Array(size).fill(1);
      const labels = Uint8Array.from(rows, (r) => arrearsLabel(r.arrears.map((a) => a.occurredOn), r.asOf, model.bundle.horizonDays));
      const reference = await timed(() => stability(model.bundle.reference, featureNames, columns, probability, labels, matured));
      const measure = await timed(() => measureWindow(model.bundle, { probability, columns, matured, labels }, PSI_ACT));
      console.log(`  point: rows ${point.rows}, score PSI ${point.scorePsi?.toFixed(4)}, largest feature PSI ${point.maxFeaturePsi?.toFixed(4)} (${point.maxFeature}), matured ${point.rowsWithOutcome}, AUC ${point.auc?.toFixed(4)}, Brier ${point.brier?.toFixed(4)}, ECE ${point.ece?.toFixed(4)}, drift ${point.drift}`);
      console.log(`  monitoring run (read, label, measure, upsert): median ${run.toFixed(1)} ms over ${ROUNDS} runs`);
      console.log(`  reference, the report's stability section on the same arrays: median ${reference.toFixed(1)} ms`);
      console.log(`  the window measurement alone (PSI, AUC, Brier, ECE): median ${measure.toFixed(1)} ms`);
      console.log(`  ratio run / reference: ${(run / reference).toFixed(1)}×`);
    }
  } finally {
    await database.close();
    await admin.query(`DROP DATABASE IF EXISTS ${benchDb} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
