/**
 * The parse worker's entry: runs the whole CPU-heavy part of an upload (pre-scan, parse, idempotency
 * keys, SHA-256 of the bytes) off the event loop, and sends the transactions back in parts so the main
 * thread deserialises them a slice at a time.
 */
import { createHash } from 'node:crypto';
import { serveTasks } from '../platform/workers/worker-task.js';
import { BankFileError } from './canonical.js';
import { parseBankFile } from './formats/index.js';
import { FileCapError } from './formats/prescan.js';
import { dedupeKeys } from './ingestion.service.js';
import { PARSE_PART_ROWS, type ParseErrorData, type ParsePart, type ParseRequest, type ParseResult } from './parse-pool.js';

serveTasks<ParseRequest, ParsePart, ParseResult>(
  (request, send) => {
    const input = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
    const { transactions, ...rest } = parseBankFile(input, request.options);
    const keys = dedupeKeys(transactions);
    for (let start = 0; start < transactions.length; start += PARSE_PART_ROWS) {
      send({ transactions: transactions.slice(start, start + PARSE_PART_ROWS), keys: keys.slice(start, start + PARSE_PART_ROWS) });
    }
    return { statement: rest, sha256: createHash('sha256').update(input).digest('hex'), byteSize: input.byteLength };
  },
  (error): ParseErrorData | null => {
    if (!(error instanceof BankFileError)) return null;
    return {
      format: error.format,
      location: error.location,
      reason: error.reason,
      kind: error.kind,
      ...(error instanceof FileCapError ? { cap: error.cap, limit: error.limit } : {}),
    };
  },
);
