/**
 * Entry point of a simulation worker thread (see simulation-run.ts): simulates the chunks it is
 * sent, writes their bank files, and posts the lines for the shared files back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { simulateChunk, type ChunkRequest, type WorkerSetup } from './simulation-run.js';

const setup = workerData as WorkerSetup;
const createdDirs = new Set<string>();

parentPort!.on('message', (request: ChunkRequest) => {
  parentPort!.postMessage(simulateChunk(setup, request, createdDirs));
});
