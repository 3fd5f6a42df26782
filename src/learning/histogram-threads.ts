/**
 * Runs the grower's node steps (histogram, sibling by subtraction, split search) and the gradient
 * pass on the main thread alone, or spread over worker threads.
 *
 * Threads split the FEATURES of a node step, never its rows: every feature's histogram is summed by
 * one thread in row order, exactly as the single-threaded run does, and each thread's best split is
 * merged in feature order with the same strict comparison a single scan uses — so a model is
 * byte-identical whatever the thread count. The gradient pass splits rows, but it is elementwise.
 * Bins, rows, gradients and histogram slots live in SharedArrayBuffers; a step is handed out through
 * a small shared control block with Atomics (wait/notify), microseconds per node instead of a
 * postMessage round trip, and small nodes stay on the main thread, where waking a worker would cost
 * more than it saves.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { BinnedData } from './binning.js';
import { HIST_STRIDE, RESULT_SIZE, STEP, STEP_SIZE, logLossGradients, prepareStep, runStep, type RootCounts, type StepData } from './histogram.js';

/** Node steps over fewer rows run on the main thread alone: below this a worker's wake-up costs more than its half. */
export const PARALLEL_MIN_NODE_ROWS = 4096;
/** Below this many training rows no workers are started at all (their start-up would dominate). */
export const PARALLEL_MIN_ROWS = 20_000;

/** How many steps were shared with workers in this process (tests check that threads really ran). */
export const threadUsage = { parallelSteps: 0 };

/** The per-row arrays of a training run; shared memory when workers read them too. */
export interface EngineBuffers {
  rows: Uint32Array;
  grad: Float64Array;
  hess: Float64Array;
  /** A node's gradients in row-list order (see gatherGradients). */
  orderedGrad: Float64Array;
  orderedHess: Float64Array;
  /** Boosting only: current raw scores, labels and row weights for the gradient pass. */
  raw: Float64Array;
  labels: Uint8Array;
  weights: Float64Array;
  /** 1 = the current tree may split on the feature (column subsampling). */
  featureMask: Uint8Array;
  /** The root's row counts per bin (each feature's are filled by the thread that owns the feature). */
  rootCounts: RootCounts;
}

export function allocateEngineBuffers(rowCount: number, featureCount: number, totalBins: number, shared: boolean): EngineBuffers {
  const make = (bytes: number): ArrayBufferLike => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  return {
    rows: new Uint32Array(make(rowCount * 4)),
    grad: new Float64Array(make(rowCount * 8)),
    hess: new Float64Array(make(rowCount * 8)),
    orderedGrad: new Float64Array(make(rowCount * 8)),
    orderedHess: new Float64Array(make(rowCount * 8)),
    raw: new Float64Array(make(rowCount * 8)),
    labels: new Uint8Array(make(rowCount)),
    weights: new Float64Array(make(rowCount * 8)),
    featureMask: new Uint8Array(make(featureCount)).fill(1),
    rootCounts: { counts: new Float64Array(make(totalBins * 8)), ready: new Uint8Array(make(featureCount)) },
  };
}

/** Runs node steps: the caller fills `step` (see STEP), calls run(), and reads the two best splits from `results`. */
export interface StepRunner {
  readonly hist: Float64Array;
  readonly slotSize: number;
  readonly slotCount: number;
  readonly step: Float64Array;
  readonly results: Float64Array;
  run(): void;
  /** Log-loss gradients and hessians of rows [0, rowCount) from buffers.raw. */
  gradients(rowCount: number): void;
  close(): Promise<void>;
}

export class LocalStepRunner implements StepRunner {
  readonly hist: Float64Array;
  readonly slotSize: number;
  readonly step = new Float64Array(STEP_SIZE);
  readonly results = new Float64Array(2 * RESULT_SIZE);
  readonly stepData: StepData;

  constructor(
    readonly data: BinnedData,
    readonly buffers: EngineBuffers,
    readonly slotCount: number,
    hist?: Float64Array,
  ) {
    this.slotSize = data.offsets[data.featureCount]! * HIST_STRIDE;
    this.hist = hist ?? new Float64Array(this.slotSize * slotCount);
    this.stepData = stepData(data, buffers, this.hist, this.slotSize);
  }

  run(): void {
    prepareStep(this.stepData, this.step);
    runStep(this.stepData, this.step, 0, this.data.featureCount, this.results, 0);
  }

  gradients(rowCount: number): void {
    const b = this.buffers;
    logLossGradients(b.raw, b.labels, b.weights, b.grad, b.hess, 0, rowCount);
  }

  async close(): Promise<void> {}
}

function stepData(data: BinnedData, buffers: EngineBuffers, hist: Float64Array, slotSize: number): StepData {
  return { hist, slotSize, bins: data.bins, rowCount: data.rowCount, offsets: data.offsets, rows: buffers.rows, grad: buffers.grad, hess: buffers.hess, orderedGrad: buffers.orderedGrad, orderedHess: buffers.orderedHess, featureMask: buffers.featureMask, rootCounts: buffers.rootCounts };
}

/** Control block layout (Int32 indices). */
export const CONTROL = { GENERATION: 0, DONE: 1, COMMAND: 2, FAILED: 3, ARGUMENT: 4 } as const;
const CONTROL_INTS = 8;
export const COMMAND_STEP = 1;
export const COMMAND_GRADIENTS = 2;
export const COMMAND_STOP = 3;
/** A step that has not finished after this long means a worker died; training stops with an error. */
const STALL_MS = 120_000;
/** Checks of the done counter before sleeping: the other half of a step usually finishes within them. */
const SPIN_CHECKS = 2000;

export interface StepWorkerInit {
  control: SharedArrayBuffer;
  step: Float64Array;
  /** threads × 2 × RESULT_SIZE; each thread writes its own part. */
  threadResults: Float64Array;
  thread: number;
  threads: number;
  featureFrom: number;
  featureTo: number;
  hist: Float64Array;
  slotSize: number;
  bins: Uint8Array;
  rowCount: number;
  offsets: Int32Array;
  buffers: EngineBuffers;
}

export class ThreadedStepRunner implements StepRunner {
  readonly hist: Float64Array;
  readonly slotSize: number;
  readonly step: Float64Array;
  readonly results = new Float64Array(2 * RESULT_SIZE);
  private readonly control: Int32Array;
  private readonly local: LocalStepRunner;
  private closed = false;

  private constructor(
    private readonly data: BinnedData,
    private readonly buffers: EngineBuffers,
    readonly slotCount: number,
    private readonly workers: Worker[],
    private readonly mainFeatureTo: number,
    control: SharedArrayBuffer,
    step: Float64Array,
    private readonly threadResults: Float64Array,
    hist: Float64Array,
  ) {
    this.control = new Int32Array(control);
    this.hist = hist;
    this.step = step;
    this.slotSize = data.offsets[data.featureCount]! * HIST_STRIDE;
    this.local = new LocalStepRunner(data, buffers, slotCount, hist);
  }

  /** Starts threads - 1 workers (the main thread is the first thread); data and buffers must be shared memory. */
  static async create(data: BinnedData, buffers: EngineBuffers, slotCount: number, threads: number): Promise<ThreadedStepRunner> {
    const slotSize = data.offsets[data.featureCount]! * HIST_STRIDE;
    const hist = new Float64Array(new SharedArrayBuffer(slotSize * slotCount * 8));
    const control = new SharedArrayBuffer(CONTROL_INTS * 4);
    const step = new Float64Array(new SharedArrayBuffer(STEP_SIZE * 8));
    const ranges = featureRanges(data.featureCount, threads);
    const threadResults = new Float64Array(new SharedArrayBuffer(ranges.length * 2 * RESULT_SIZE * 8));
    const entry = new URL(import.meta.url.endsWith('.ts') ? './histogram.worker.ts' : './histogram.worker.js', import.meta.url);
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let t = 1; t < ranges.length; t++) {
      const init: StepWorkerInit = {
        control,
        step,
        threadResults,
        thread: t,
        threads: ranges.length,
        featureFrom: ranges[t]![0],
        featureTo: ranges[t]![1],
        hist,
        slotSize,
        bins: data.bins,
        rowCount: data.rowCount,
        offsets: data.offsets,
        buffers,
      };
      const { filename, options } = workerStart(entry);
      const worker = new Worker(filename, { ...options, workerData: init });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`a training worker stopped before it was ready (exit code ${code})`)));
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
    return new ThreadedStepRunner(data, buffers, slotCount, workers, ranges[0]![1], control, step, threadResults, hist);
  }

  run(): void {
    const step = this.step;
    if (step[STEP.BUILD_SLOT]! < 0 || step[STEP.COUNT]! < PARALLEL_MIN_NODE_ROWS || this.workers.length === 0) {
      this.local.step.set(step);
      this.local.run();
      this.results.set(this.local.results);
      return;
    }
    threadUsage.parallelSteps++;
    prepareStep(this.local.stepData, step);
    this.dispatch(COMMAND_STEP, 0);
    runStep(this.local.stepData, step, 0, this.mainFeatureTo, this.threadResults, 0);
    this.awaitWorkers();
    // Merge in thread order = feature order, with the strict ">" of a single scan: the same winner.
    const per = 2 * RESULT_SIZE;
    this.results.set(this.threadResults.subarray(0, per));
    for (let t = 1; t <= this.workers.length; t++) {
      for (let which = 0; which < 2; which++) {
        const from = t * per + which * RESULT_SIZE;
        const to = which * RESULT_SIZE;
        if (this.threadResults[from + 1]! >= 0 && this.threadResults[from]! > this.results[to]!) {
          this.results.set(this.threadResults.subarray(from, from + RESULT_SIZE), to);
        }
      }
    }
  }

  gradients(rowCount: number): void {
    if (rowCount < PARALLEL_MIN_NODE_ROWS * 2 || this.workers.length === 0) {
      this.local.gradients(rowCount);
      return;
    }
    this.dispatch(COMMAND_GRADIENTS, rowCount);
    const b = this.buffers;
    logLossGradients(b.raw, b.labels, b.weights, b.grad, b.hess, 0, Math.floor(rowCount / (this.workers.length + 1)));
    this.awaitWorkers();
  }

  private dispatch(command: number, argument: number): void {
    const c = this.control;
    c[CONTROL.COMMAND] = command;
    c[CONTROL.ARGUMENT] = argument;
    Atomics.store(c, CONTROL.DONE, 0);
    Atomics.add(c, CONTROL.GENERATION, 1);
    Atomics.notify(c, CONTROL.GENERATION);
  }

  private awaitWorkers(): void {
    const c = this.control;
    const need = this.workers.length;
    let spins = 0;
    let waitedSince = 0;
    for (;;) {
      const done = Atomics.load(c, CONTROL.DONE);
      if (done >= need) break;
      if (spins < SPIN_CHECKS) {
        spins++;
        continue;
      }
      if (waitedSince === 0) waitedSince = Date.now();
      else if (Date.now() - waitedSince > STALL_MS) throw new Error('a training worker stopped answering');
      Atomics.wait(c, CONTROL.DONE, done, 1000);
    }
    if (Atomics.load(c, CONTROL.FAILED) !== 0) throw new Error('a training worker failed');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dispatch(COMMAND_STOP, 0);
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

/** Threads are used only when there is enough data for them to pay off. */
export async function createStepRunner(data: BinnedData, buffers: EngineBuffers, slotCount: number, threads: number): Promise<StepRunner> {
  if (useThreads(data.rowCount, data.featureCount, threads)) return ThreadedStepRunner.create(data, buffers, slotCount, threads);
  return new LocalStepRunner(data, buffers, slotCount);
}

export function useThreads(rowCount: number, featureCount: number, threads: number): boolean {
  return threads > 1 && rowCount >= PARALLEL_MIN_ROWS && featureCount > 1;
}

/**
 * How to start the worker. From the compiled build the entry is plain JavaScript. From TypeScript
 * sources (tsx, vitest) it is a .ts file, and Node 20 does not carry tsx's loader into worker
 * threads, so the worker first registers tsx's ESM hooks and then imports its entry. (The same idea
 * as the service's worker pool, repeated here because src/learning imports nothing from the service.)
 */
export function workerStart(entry: URL): { filename: string | URL; options: WorkerOptions } {
  if (!entry.pathname.endsWith('.ts')) return { filename: entry, options: {} };
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  const tsxApi = pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api']!.import.default)).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); }).catch((error) => { console.error(error); process.exit(1); });`;
  return { filename: bootstrap, options: { eval: true } };
}
