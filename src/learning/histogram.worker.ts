/**
 * A training worker: runs its fixed range of features of every node step, and its range of rows of
 * every gradient pass, that the main thread hands out through the shared control block, then counts
 * itself done. It blocks in Atomics.wait between steps, so it holds no event-loop work and answers
 * in microseconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RESULT_SIZE, logLossGradients, runStep, type StepData } from './histogram.js';
import { COMMAND_GRADIENTS, COMMAND_STEP, COMMAND_STOP, CONTROL, type StepWorkerInit } from './histogram-threads.js';

const init = workerData as StepWorkerInit;
const control = new Int32Array(init.control);
const b = init.buffers;
const data: StepData = { hist: init.hist, slotSize: init.slotSize, bins: init.bins, rowCount: init.rowCount, offsets: init.offsets, rows: b.rows, grad: b.grad, hess: b.hess, orderedGrad: b.orderedGrad, orderedHess: b.orderedHess, featureMask: b.featureMask, rootCounts: b.rootCounts };
const SPIN_CHECKS = 2000;

// Read the generation before saying ready: the first step may be handed out the moment we do.
let generation = Atomics.load(control, CONTROL.GENERATION);
parentPort!.postMessage('ready');
for (;;) {
  let spins = 0;
  while (Atomics.load(control, CONTROL.GENERATION) === generation) {
    if (spins++ < SPIN_CHECKS) continue;
    Atomics.wait(control, CONTROL.GENERATION, generation);
  }
  generation = Atomics.load(control, CONTROL.GENERATION);
  const command = control[CONTROL.COMMAND];
  if (command === COMMAND_STOP) break;
  try {
    if (command === COMMAND_STEP) {
      runStep(data, init.step, init.featureFrom, init.featureTo, init.threadResults, init.thread * 2 * RESULT_SIZE);
    } else if (command === COMMAND_GRADIENTS) {
      const rowCount = control[CONTROL.ARGUMENT]!;
      const from = Math.floor((init.thread * rowCount) / init.threads);
      const to = Math.floor(((init.thread + 1) * rowCount) / init.threads);
      logLossGradients(b.raw, b.labels, b.weights, b.grad, b.hess, from, to);
    }
  } catch (error) {
    console.error(error);
    Atomics.store(control, CONTROL.FAILED, 1);
  }
  Atomics.add(control, CONTROL.DONE, 1);
  Atomics.notify(control, CONTROL.DONE);
}
