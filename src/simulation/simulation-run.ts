/**
 * Runs a simulation into a directory, on one thread or spread over worker threads.
 *
 * Households are independent, so workers simulate chunks of them and write their bank files
 * themselves; the shared files (events, truth, arrears CSV) are appended by this thread in
 * household order. The output is therefore byte-identical whatever the number of workers.
 * Memory stays flat: a worker holds one household at a time, and at most a few chunks of
 * serialized lines wait here for their turn.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { resolveSimulation, simulateHousehold, type ResolvedSimulation } from './simulate-households.js';
import { serializeHousehold, SimulationOutput, writeBankFiles, type BankFileFormat, type OutputTotals, type SerializedHousehold } from './simulation-output.js';
import type { SimulationOptions } from './simulation.types.js';

export interface SimulationRunOptions extends SimulationOptions {
  outDir: string;
  formats: readonly BankFileFormat[];
  /**
   * Bank files are written for the first this-many households only (default: all). A household's
   * bank files take about 0.3 MB as Berlin Group JSON and 0.4 MB as camt.053 over 18 months, so
   * 100,000 households would need some 70 GB; events and truth are always written for all.
   */
  bankHouseholds?: number;
  /** Worker threads (1 = simulate on this thread). */
  workers: number;
  /** Called after each household is written. */
  onProgress?: (written: number, total: number) => void;
}

export interface SimulationRunResult {
  resolved: ResolvedSimulation;
  totals: OutputTotals;
}

/** What a worker needs to simulate and write any chunk. */
export interface WorkerSetup {
  resolved: ResolvedSimulation;
  formats: readonly BankFileFormat[];
  /** Households with an index below this get bank files. */
  bankFilesBelowIndex: number;
  outDir: string;
}

function formatsFor(setup: Pick<WorkerSetup, 'formats' | 'bankFilesBelowIndex'>, index: number): readonly BankFileFormat[] {
  return index < setup.bankFilesBelowIndex ? setup.formats : [];
}

export interface ChunkRequest {
  chunk: number;
  from: number;
  to: number;
}

export interface ChunkResult {
  chunk: number;
  households: Omit<SerializedHousehold, 'bankFiles'>[];
}

const CHUNK_SIZE = 25;

export async function runSimulationToDirectory(options: SimulationRunOptions): Promise<SimulationRunResult> {
  const resolved = resolveSimulation(options);
  const output = new SimulationOutput(options.outDir);
  const total = resolved.households;
  const setup: WorkerSetup = { resolved, formats: options.formats, outDir: options.outDir, bankFilesBelowIndex: resolved.firstIndex + (options.bankHouseholds ?? total) };
  if (options.workers <= 1 || total <= CHUNK_SIZE) {
    const createdDirs = new Set<string>();
    for (let i = 0; i < total; i++) {
      const index = resolved.firstIndex + i;
      const serialized = serializeHousehold(simulateHousehold(resolved, index), formatsFor(setup, index));
      writeBankFiles(options.outDir, serialized.bankFiles, createdDirs);
      output.append(serialized);
      options.onProgress?.(i + 1, total);
    }
  } else {
    await runOnWorkers(setup, options.workers, output, options.onProgress);
  }
  output.close(manifestOf(resolved, options, Math.min(total, options.bankHouseholds ?? total)));
  return { resolved, totals: output.totals };
}

function manifestOf(resolved: ResolvedSimulation, options: Pick<SimulationRunOptions, 'formats'>, bankHouseholds: number): Record<string, unknown> {
  return {
    generator: 'draagkracht simulate',
    options: {
      households: resolved.households,
      months: resolved.months,
      seed: resolved.seed,
      startDate: resolved.startDate,
      firstIndex: resolved.firstIndex,
      truthRuns: resolved.truthRuns,
      truthEveryMonths: resolved.truthEveryMonths,
      truthFromMonth: resolved.truthFromMonth,
      formats: options.formats,
      bankHouseholds,
    },
    period: { from: resolved.startDate, toExclusive: resolved.endDate },
    asOfDates: resolved.asOfDates,
    files: {
      events: 'events.jsonl',
      truth: 'truth.jsonl',
      arrears: 'truth-arrears.csv',
      bank: 'bank/<shard>/<debtorRef>_<IBAN>.berlin-group.json | .camt053.xml',
    },
    definitions: {
      p_arrears_90d: `share of ${resolved.truthRuns} Monte Carlo futures from the household's exact state on the as-of date in which an arrears_started event (30, 60 or 90 days past due, any invoice) occurs in [as_of, as_of + 90 days)`,
      realised: 'whether the household\'s actual life had such an event in that window (1) or not (0)',
      affordableMonthlyCents: 'stable monthly net income − essential costs (fixed essentials plus groceries and transport at the household\'s floor) − contractual debt service, never below zero',
    },
  };
}

/**
 * How to start a worker. From the compiled build the worker is plain JavaScript. From TypeScript
 * sources (tsx, the tests) it is a .ts file, and Node 20 does not carry tsx's loader into worker
 * threads, so the worker first registers tsx's ESM hooks and then imports its entry.
 */
function workerStart(): { filename: string | URL; options: WorkerOptions } {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./simulation.worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return { filename: entry, options: {} };
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const tsxApi = pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); }).catch((error) => { console.error(error); process.exit(1); });`;
  return { filename: bootstrap, options: { eval: true } };
}

async function runOnWorkers(setup: WorkerSetup, workerCount: number, output: SimulationOutput, onProgress: SimulationRunOptions['onProgress']): Promise<void> {
  const total = setup.resolved.households;
  const chunks = Math.ceil(total / CHUNK_SIZE);
  // Chunks may finish out of order; never run further ahead of the writer than this.
  const maxAhead = workerCount * 4;
  const { filename, options } = workerStart();
  const workers = Array.from({ length: Math.min(workerCount, chunks) }, () => new Worker(filename, { ...options, workerData: setup }));
  const finished = new Map<number, ChunkResult>();
  let nextToAssign = 0;
  let nextToWrite = 0;
  let written = 0;
  const busy = new Map<Worker, number>();

  await new Promise<void>((resolve, reject) => {
    const assign = (worker: Worker) => {
      while ((busy.get(worker) ?? 0) < 2 && nextToAssign < chunks && nextToAssign - nextToWrite < maxAhead) {
        const from = setup.resolved.firstIndex + nextToAssign * CHUNK_SIZE;
        const request: ChunkRequest = { chunk: nextToAssign, from, to: Math.min(from + CHUNK_SIZE, setup.resolved.firstIndex + total) };
        worker.postMessage(request);
        busy.set(worker, (busy.get(worker) ?? 0) + 1);
        nextToAssign++;
      }
    };
    for (const worker of workers) {
      worker.on('message', (result: ChunkResult) => {
        busy.set(worker, (busy.get(worker) ?? 1) - 1);
        finished.set(result.chunk, result);
        while (finished.has(nextToWrite)) {
          for (const h of finished.get(nextToWrite)!.households) {
            output.append(h);
            written++;
            onProgress?.(written, total);
          }
          finished.delete(nextToWrite);
          nextToWrite++;
        }
        if (nextToWrite === chunks) {
          resolve();
          return;
        }
        for (const w of workers) assign(w);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (code !== 0 && nextToWrite < chunks) reject(new Error(`a simulation worker stopped with exit code ${code}`));
      });
    }
    for (const worker of workers) assign(worker);
  }).finally(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  });
}

/** The worker's side: simulate a chunk, write its bank files, hand back the shared lines. */
export function simulateChunk(setup: WorkerSetup, request: ChunkRequest, createdDirs: Set<string>): ChunkResult {
  const households: ChunkResult['households'] = [];
  for (let index = request.from; index < request.to; index++) {
    const { bankFiles, ...shared } = serializeHousehold(simulateHousehold(setup.resolved, index), formatsFor(setup, index));
    writeBankFiles(setup.outDir, bankFiles, createdDirs);
    households.push(shared);
  }
  return { chunk: request.chunk, households };
}
