/**
 * `npm run bench`: every benchmark, one after another, each in its own process (so one's heap and
 * caches do not colour the next), then one table: the benchmark, how long it ran, whether it finished,
 * and the figures it ends with (its summary lines: each benchmark prints its figures beside a
 * reference measured in the same run). Full outputs go to bench/out/<name>.txt.
 *
 *   npm run bench                 every benchmark (PostgreSQL at BENCH_DATABASE_URL for those that need it)
 *   npm run bench -- load scoring only these
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** name, node flags, how many closing lines carry its figures. */
const BENCHMARKS = [
  ['ingest', [], 5],
  ['xml-reader', ['--expose-gc'], 4],
  ['upload-isolation', [], 3],
  ['edge-json', [], 3],
  ['export-memory', ['--expose-gc'], 3],
  ['affordability-compute', [], 3],
  ['affordability', [], 5],
  ['risk-features', [], 3],
  ['learner', [], 6],
  ['scoring', [], 6],
  ['monitoring', [], 3],
  ['collections', [], 6],
  ['operations', [], 4],
  ['jobs', [], 5],
  ['webhooks', [], 4],
  ['load', [], 9],
];

const only = process.argv.slice(2);
const selected = BENCHMARKS.filter(([name]) => only.length === 0 || only.includes(name));
mkdirSync('bench/out', { recursive: true });
const rows = [];
for (const [name, flags, summaryLines] of selected) {
  const started = Date.now();
  process.stdout.write(`running ${name} …\n`);
  const output = [];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [...flags, `dist/bench/${name}.js`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  const text = Buffer.concat(output).toString('utf8');
  writeFileSync(`bench/out/${name}.txt`, text);
  const lines = text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  rows.push({ name, seconds: (Date.now() - started) / 1000, ok: code === 0, summary: lines.slice(-summaryLines) });
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nMeasured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);
for (const row of rows) {
  console.log(`## ${row.name} (${row.seconds.toFixed(0)} s${row.ok ? '' : ', FAILED: see bench/out/' + row.name + '.txt'})`);
  for (const line of row.summary) console.log(`   ${line}`);
}
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
