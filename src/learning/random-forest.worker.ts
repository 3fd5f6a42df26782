/**
 * A forest worker: grows the trees it was given (by index, each from its own seeded stream) and
 * posts each one back as soon as it is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ForestTreeGrower, type ForestWorkerInit } from './random-forest.js';

const init = workerData as ForestWorkerInit;
const grower = new ForestTreeGrower(init.ctx);
for (const t of init.trees) parentPort!.postMessage({ t, tree: grower.grow(t) });
