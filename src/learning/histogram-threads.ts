/**
 * Histogram building on the main thread alone, or spread over worker threads.
 *
 * Threads split the FEATURES, not the rows: every feature's histogram is summed by one thread in row
 * order, exactly as the single-threaded build does, so a model is byte-identical whatever the thread
 * count. Bins, the row list, the gathered gradients and the histogram slots live in
 * SharedArrayBuffers; a build is handed out through a small shared control block with Atomics
 * (wait/notify), a few microseconds per node instead of a postMessage round trip, and small nodes are
 * built on the main thread alone because waking a worker would cost more than it saves.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { BinnedData } from './binning.js';
import { HIST_STRIDE, buildHistogram } from './histogram.js';
import type { GrowBuffers, HistogramBuilder } from './tree-grower.js';

/** Nodes with fewer rows are built on the main thread: below this a worker's wake-up costs more than its half of the work. */
export const PARALLEL_MIN_NODE_ROWS = 4096;
/** Below this many training rows no workers are started at all (their start-up would dominate). */
export const PARALLEL_MIN_ROWS = 20_000;

/** How many node histograms were shared with workers in this process (tests check threads really ran). */
export const threadUsage = { parallelBuilds: 0 };

export function allocateGrowBuffers(rowCount: number, shared: boolean): GrowBuffers {
  const make = (bytes: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    rows: new Uint32Array(make(rowCount * 4)),
    orderedGrad: new Float64Array(make(rowCount * 8)),
    orderedHess: new Float64Array(make(rowCount * 8)),
  };
}

export class LocalHistogramBuilder implements HistogramBuilder {
  readonly hist: Float64Array;
  readonly slotSize: number;

  constructor(
    private readonly data: BinnedData,
    private readonly buffers: GrowBuffers,
    readonly slotCount: number,
    hist?: Float64Array,
  ) {
    this.slotSize = data.offsets[data.featureCount]! * HIST_STRIDE;
    this.hist = hist ?? new Float64Array(this.slotSize * slotCount);
  }

  build(slot: number, start: number, count: number, allRows: boolean): void {
    const { data, buffers } = this;
    buildHistogram(this.hist, slot * this.slotSize, data.bins, data.rowCount, data.offsets, 0, data.featureCount, buffers.rows, start, count, buffers.orderedGrad, buffers.orderedHess, allRows);
  }

  async close(): Promise<void> {}
}

/** Control block layout (Int32 indices). */
const GENERATION = 0;
const DONE = 1;
const COMMAND = 2;
const SLOT = 3;
const START = 4;
const COUNT = 5;
const ALL_ROWS = 6;
const FAILED = 7;
const CONTROL_INTS = 16;
export const COMMAND_BUILD = 1;
export const COMMAND_STOP = 2;
/** A build that has not finished after this long means a worker died; training stops with an error. */
const STALL_MS = 120_000;
const SPIN_CHECKS = 2000;

export interface HistogramWorkerInit {
  control: SharedArrayBuffer;
  bins: Uint8Array;
  rowCount: number;
  offsets: Int32Array;
  featureFrom: number;
  featureTo: number;
  rows: Uint32Array;
  orderedGrad: Float64Array;
  orderedHess: Float64Array;
  hist: Float64Array;
  slotSize: number;
}

export class ThreadedHistogramBuilder implements HistogramBuilder {
  readonly hist: Float64Array;
  readonly slotSize: number;
  private readonly control: Int32Array;
  private readonly local: LocalHistogramBuilder;
  private closed = false;

  private constructor(
    private readonly data: BinnedData,
    private readonly buffers: GrowBuffers,
    readonly slotCount: number,
    private readonly workers: Worker[],
    private readonly mainFeatureTo: number,
    control: SharedArrayBuffer,
    hist: Float64Array,
  ) {
    this.control = new Int32Array(control);
    this.hist = hist;
    this.slotSize = data.offsets[data.featureCount]! * HIST_STRIDE;
    this.local = new LocalHistogramBuilder(data, buffers, slotCount, hist);
  }

  /** Starts threads - 1 workers (the main thread is the first thread); data and buffers must be shared memory. */
  static async create(data: BinnedData, buffers: GrowBuffers, slotCount: number, threads: number): Promise<ThreadedHistogramBuilder> {
    const slotSize = data.offsets[data.featureCount]! * HIST_STRIDE;
    const hist = new Float64Array(new SharedArrayBuffer(slotSize * slotCount * 8));
    const control = new SharedArrayBuffer(CONTROL_INTS * 4);
    const ranges = featureRanges(data.featureCount, threads);
    const entry = new URL(import.meta.url.endsWith('.ts') ? './histogram.worker.ts' : './histogram.worker.js', import.meta.url);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let t = 1; t < ranges.length; t++) {
      const init: HistogramWorkerInit = {
        control,
        bins: data.bins,
        rowCount: data.rowCount,
        offsets: data.offsets,
        featureFrom: ranges[t]![0],
        featureTo: ranges[t]![1],
        rows: buffers.rows,
        orderedGrad: buffers.orderedGrad,
        orderedHess: buffers.orderedHess,
        hist,
        slotSize,
      };
      const { filename, options } = workerStart(entry);
      const worker = new Worker(filename, { ...options, workerData: init });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`histogram worker stopped before it was ready (exit code ${code})`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    for (const worker of workers) worker.removeAllListeners('exit');
    return new ThreadedHistogramBuilder(data, buffers, slotCount, workers, ranges[0]![1], control, hist);
  }

  build(slot: number, start: number, count: number, allRows: boolean): void {
    if (count < PARALLEL_MIN_NODE_ROWS || this.workers.length === 0) {
      this.local.build(slot, start, count, allRows);
      return;
    }
    threadUsage.parallelBuilds++;
    const c = this.control;
    c[COMMAND] = COMMAND_BUILD;
    c[SLOT] = slot;
    c[START] = start;
    c[COUNT] = count;
    c[ALL_ROWS] = allRows ? 1 : 0;
    Atomics.store(c, DONE, 0);
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    const { data, buffers } = this;
    buildHistogram(this.hist, slot * this.slotSize, data.bins, data.rowCount, data.offsets, 0, this.mainFeatureTo, buffers.rows, start, count, buffers.orderedGrad, buffers.orderedHess, allRows);
    const need = this.workers.length;
    let spins = 0;
    let waitedSince = 0;
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= need) break;
      if (spins < SPIN_CHECKS) {
        spins++;
        continue;
      }
      if (waitedSince === 0) waitedSince = Date.now();
      else if (Date.now() - waitedSince > STALL_MS) throw new Error('a histogram worker stopped answering');
      Atomics.wait(c, DONE, done, 1000);
    }
    if (Atomics.load(c, FAILED) !== 0) throw new Error('a histogram worker failed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const c = this.control;
    c[COMMAND] = COMMAND_STOP;
    Atomics.add(c, GENERATION, 1);
    Atomics.notify(c, GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Contiguous, near-equal feature ranges, one per thread; thread 0 is the main thread. */
function featureRanges(featureCount: number, threads: number): [number, number][] {
  const t = Math.max(1, Math.min(threads, featureCount));
  const ranges: [number, number][] = [];
  for (let i = 0; i < t; i++) ranges.push([Math.floor((i * featureCount) / t), Math.floor(((i + 1) * featureCount) / t)]);
  return ranges;
}

/**
 * How to start the worker. From the compiled build the entry is plain JavaScript. From TypeScript
 * sources (tsx, vitest) it is a .ts file, and Node 20 does not carry tsx's loader into worker
 * threads, so the worker first registers tsx's ESM hooks and then imports its entry. (The same idea
 * as the service's worker pool, repeated here because src/learning imports nothing from the service.)
 */
function workerStart(entry: URL): { filename: string | URL; options: WorkerOptions } {
  if (!entry.pathname.endsWith('.ts')) return { filename: entry, options: {} };
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const tsxApi = pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); }).catch((error) => { console.error(error); process.exit(1); });`;
  return { filename: bootstrap, options: { eval: true } };
}

export const CONTROL = { GENERATION, DONE, COMMAND, SLOT, START, COUNT, ALL_ROWS, FAILED } as const;
