/**
 * XML reader benchmark: heap and time to read a genuine-looking camt.053 into the XmlNode tree.
 *
 * For 10,000, 50,000 and 100,000 entries: the file size, the parse time (best of three), the heap the
 * tree keeps once garbage is collected (plus the array buffers it holds outside the heap), and the heap
 * in use straight after the parse, before any collection (an upper bound of the parse's garbage and tree).
 * The whole adapter (parseBankFile) is timed too, as that is what a parse worker runs.
 *
 *   npm run bench:xml-reader
 *   Goal: the tree under 5x the file size; the parse worker's 1,024 MB heap fits 200,000 entries.
 */
import { performance } from 'node:perf_hooks';
import { readXmlDocument, type XmlNode } from '../src/bank-data/formats/xml-reader.js';
import { parseBankFile } from '../src/bank-data/formats/index.js';
import { genuineCamt053 } from '../test/resilience/generated-bank-files.js';

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench:xml-reader does)');

function collect(): void {
  for (let i = 0; i < 3; i++) gc!();
}

function memory(): { heap: number; buffers: number } {
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, buffers: usage.arrayBuffers };
}

function mb(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

let keep: XmlNode | null = null;

for (const entries of [10_000, 50_000, 100_000]) {
  const file = genuineCamt053(entries);
  const fileBytes = file.byteLength;
  collect();
  const before = memory();
  const started = performance.now();
  keep = readXmlDocument(file, 'camt.053', { maxBytes: 200 * MB });
  const firstMs = performance.now() - started;
  const unCollected = memory();
  collect();
  const retained = memory();
  const treeHeap = retained.heap - before.heap;
  const treeBuffers = retained.buffers - before.buffers;
  keep = null;
  collect();

  let bestMs = firstMs;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    keep = readXmlDocument(file, 'camt.053', { maxBytes: 200 * MB });
    bestMs = Math.min(bestMs, performance.now() - t0);
    keep = null;
    collect();
  }
  const t1 = performance.now();
  const parsed = parseBankFile(file, { maxBytes: 200 * MB, format: 'camt.053' });
  const adapterMs = performance.now() - t1;
  collect();

  console.log(
    `${String(entries).padStart(7)} entries  file ${mb(fileBytes).padStart(9)}  read ${bestMs.toFixed(0).padStart(5)} ms` +
      `  tree heap ${mb(treeHeap).padStart(9)} (${(treeHeap / fileBytes).toFixed(1)}x file)  + buffers ${mb(treeBuffers)}` +
      `  heap after parse, before GC ${mb(unCollected.heap - before.heap).padStart(9)}` +
      `  | parseBankFile ${adapterMs.toFixed(0)} ms, ${parsed.transactions.length} transactions`,
  );
}
void keep;
