/**
 * Edge JSON parser benchmark: the cost of the hostile-input checks (strict UTF-8 decoding, nesting
 * scan, NUL / lone-surrogate walk) over Fastify's own JSON parser alone, on the largest JSON body the
 * API takes (POST /v1/affordability: up to 50,000 transactions, about 15 MB), measured in the same run.
 *
 *   npm run bench:edge-json            (BENCH_TRANSACTIONS=50000, BENCH_ROUNDS=15)
 */
import Fastify from 'fastify';
import type { FastifyRequest } from 'fastify';
import { makeJsonBodyParser } from '../src/platform/http/edge.js';

const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 50_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

function body(): Buffer {
  const transactions = [];
  for (let i = 0; i < TRANSACTIONS; i++) {
    transactions.push({
      id: `t${i}`,
      bookingDate: `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
      amountCents: ((i * 7919) % 200_000) - 150_000,
      counterpartyName: `Albert Heijn ${i % 1000} Amsterdam – café “De Kroon” ✓`,
      counterpartyIban: 'NL02ABNA0123456789',
      remittanceUnstructured: `Betaling ${i} factuur ${i % 997} termijn ${i % 12}`,
      bankTransactionCode: 'PMNT-RCDT-ESCT',
    });
  }
  return Buffer.from(JSON.stringify({ asOf: '2026-11-01', transactions }));
}

type Done = (error: Error | null, value?: unknown) => void;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  const defaultParser = app.getDefaultJsonParser('error', 'error');
  const edgeParser = makeJsonBodyParser(defaultParser, { maxDepth: 32 });
  const request = {} as FastifyRequest;
  const input = body();
  const run = (parse: (done: Done) => void): number => {
    const start = process.hrtime.bigint();
    let failure: Error | null = null;
    parse((error) => {
      failure = error;
    });
    if (failure) throw failure;
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  // Reference: what Fastify does without the edge (decode as UTF-8 with replacement, then parse).
  const reference = (done: Done) => defaultParser(request, input.toString('utf8'), done);
  const edge = (done: Done) => edgeParser(request, input, done);
  for (let i = 0; i < 3; i++) {
    run(reference);
    run(edge);
  }
  const referenceMs: number[] = [];
  const edgeMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    referenceMs.push(run(reference));
    edgeMs.push(run(edge));
  }
  const mb = input.byteLength / 1024 / 1024;
  console.log(`body: ${TRANSACTIONS} transactions, ${mb.toFixed(1)} MB, ${ROUNDS} rounds (medians)`);
  console.log(`  Fastify JSON parser alone (reference): ${median(referenceMs).toFixed(1)} ms`);
  console.log(`  edge parser (UTF-8, depth, text checks + the same parser): ${median(edgeMs).toFixed(1)} ms`);
  console.log(`  overhead: ${(median(edgeMs) - median(referenceMs)).toFixed(1)} ms (${((median(edgeMs) / median(referenceMs) - 1) * 100).toFixed(0)} %)`);
  await app.close();
}

await main();
