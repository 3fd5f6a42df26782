/**
 * A small pool of worker threads for CPU-heavy request steps, so one request's work never stalls the
 * event loop that answers every other request.
 *
 * Each worker runs with a heap limit (`resourceLimits`): a task that needs more kills only its worker,
 * the task fails with WorkerTaskFailure('out_of_memory'), and a fresh worker takes the next task. A task
 * that runs past its time is stopped the same way ('timeout'). Workers start on first use and stay for
 * the next task; they are unref'd, so an idle pool never keeps the process alive.
 *
 * Protocol (see worker-task.ts for the worker side): the pool posts one request per task; the worker
 * posts any number of `part` messages (delivered to onPart as they arrive, each a separate turn of the
 * event loop, so a large result is deserialised in slices) and then one `done` or `fail`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type TransferListItem, type WorkerOptions } from 'node:worker_threads';

export interface WorkerPoolOptions {
  /** The worker entry: a .js file, or a .ts file when running from sources (tsx, vitest). */
  entry: URL;
  size: number;
  /** V8 old-generation heap limit of each worker. */
  maxHeapMb: number;
}

export interface RunOptions<Part> {
  transfer?: readonly TransferListItem[];
  onPart?: (part: Part) => void;
  timeoutMs?: number;
}

export type WorkerFailureReason = 'out_of_memory' | 'timeout' | 'crashed' | 'closed';

/** The worker died or was stopped while running the task; the task's own errors come as TaskError. */
export class WorkerTaskFailure extends Error {
  constructor(
    readonly reason: WorkerFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerTaskFailure';
  }
}

/** An error the task threw inside the worker, carried across as plain data. */
export class TaskError extends Error {
  constructor(readonly data: unknown, message: string) {
    super(message);
    this.name = 'TaskError';
  }
}

export type WorkerMessage<Part, Result> =
  | { type: 'part'; part: Part }
  | { type: 'done'; result: Result }
  | { type: 'fail'; error: unknown; message: string };

interface Task<Request, Part, Result> {
  request: Request;
  options: RunOptions<Part>;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

interface Slot<Request, Part, Result> {
  worker: Worker;
  task: Task<Request, Part, Result> | null;
  timer: NodeJS.Timeout | null;
  /** Set when the pool itself ends the worker (timeout, close), so its exit is not read as a crash. */
  stopping: WorkerFailureReason | null;
}

export class WorkerPool<Request, Part, Result> {
  private readonly slots = new Set<Slot<Request, Part, Result>>();
  private readonly queue: Task<Request, Part, Result>[] = [];
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Workers alive now (for tests and metrics). */
  get workerCount(): number {
    return this.slots.size;
  }

  run(request: Request, options: RunOptions<Part> = {}): Promise<Result> {
    if (this.closed) return Promise.reject(new WorkerTaskFailure('closed', 'the worker pool is closed'));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ request, options, resolve, reject });
      this.dispatch();
    });
  }

  /** Starts workers ahead of the first task (up to the pool size), so the first request does not pay for their start. */
  warm(count = this.options.size): void {
    while (!this.closed && this.slots.size < Math.min(count, this.options.size)) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new WorkerTaskFailure('closed', 'the worker pool is closed'));
    await Promise.all(
      [...this.slots].map((slot) => {
        slot.stopping = 'closed';
        return slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = [...this.slots].find((s) => s.task === null);
      if (!slot && this.slots.size < this.options.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot<Request, Part, Result>, task: Task<Request, Part, Result>): void {
    slot.task = task;
    slot.worker.ref();
    if (task.options.timeoutMs !== undefined) {
      slot.timer = setTimeout(() => {
        slot.stopping = 'timeout';
        void slot.worker.terminate();
      }, task.options.timeoutMs);
    }
    slot.worker.postMessage(task.request, task.options.transfer);
  }

  private finish(slot: Slot<Request, Part, Result>): Task<Request, Part, Result> | null {
    const task = slot.task;
    slot.task = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.worker.unref();
    return task;
  }

  private spawn(): Slot<Request, Part, Result> {
    const { filename, options } = workerStart(this.options.entry);
    const worker = new Worker(filename, { ...options, resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } });
    const slot: Slot<Request, Part, Result> = { worker, task: null, timer: null, stopping: null };
    let lastError: (Error & { code?: string }) | null = null;
    worker.on('message', (message: WorkerMessage<Part, Result>) => {
      const task = slot.task;
      if (!task) return;
      if (message.type === 'part') {
        try {
          task.options.onPart?.(message.part);
        } catch (error) {
          // The caller gave up on the task; the worker is ended so its result is not waited for.
          slot.stopping = 'crashed';
          this.finish(slot);
          task.reject(error as Error);
          void worker.terminate();
        }
        return;
      }
      this.finish(slot);
      if (message.type === 'done') task.resolve(message.result);
      else task.reject(new TaskError(message.error, message.message));
      this.dispatch();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      lastError = error;
    });
    worker.on('exit', (code) => {
      this.slots.delete(slot);
      const task = this.finish(slot);
      if (task) {
        const reason: WorkerFailureReason = slot.stopping ?? (lastError?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out_of_memory' : 'crashed');
        task.reject(new WorkerTaskFailure(reason, lastError?.message ?? `the worker stopped (exit code ${code})`));
      }
      // A replacement starts only when there is work for it.
      if (!this.closed) this.dispatch();
    });
    worker.unref();
    this.slots.add(slot);
    return slot;
  }
}

/**
 * How to start a worker. From the compiled build the entry is plain JavaScript. From TypeScript
 * sources (tsx, the tests) it is a .ts file, and Node 20 does not carry tsx's loader into worker
 * threads, so the worker first registers tsx's ESM hooks and then imports its entry.
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
