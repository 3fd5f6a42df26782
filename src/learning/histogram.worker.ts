/**
 * A histogram worker: builds its fixed range of features for every node the main thread hands out
 * through the shared control block, then counts itself done. It blocks in Atomics.wait between
 * builds, so it holds no event-loop work and answers in microseconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildHistogram } from './histogram.js';
import { COMMAND_BUILD, COMMAND_STOP, CONTROL, type HistogramWorkerInit } from './histogram-threads.js';

const init = workerData as HistogramWorkerInit;
const control = new Int32Array(init.control);
const SPIN_CHECKS = 2000;

parentPort!.postMessage('ready');
let generation = Atomics.load(control, CONTROL.GENERATION);
for (;;) {
  let spins = 0;
  while (Atomics.load(control, CONTROL.GENERATION) === generation) {
    if (spins++ < SPIN_CHECKS) continue;
    Atomics.wait(control, CONTROL.GENERATION, generation);
  }
  generation = Atomics.load(control, CONTROL.GENERATION);
  const command = control[CONTROL.COMMAND];
  if (command === COMMAND_STOP) break;
  if (command === COMMAND_BUILD) {
    try {
      const slot = control[CONTROL.SLOT]!;
      buildHistogram(init.hist, slot * init.slotSize, init.bins, init.rowCount, init.offsets, init.featureFrom, init.featureTo, init.rows, control[CONTROL.START]!, control[CONTROL.COUNT]!, init.orderedGrad, init.orderedHess, control[CONTROL.ALL_ROWS] === 1);
    } catch (error) {
      console.error(error);
      Atomics.store(control, CONTROL.FAILED, 1);
    }
  }
  Atomics.add(control, CONTROL.DONE, 1);
  Atomics.notify(control, CONTROL.DONE);
}
