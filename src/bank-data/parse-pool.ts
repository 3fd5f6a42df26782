/**
 * Bank files are parsed in a pool of worker threads with a heap limit each, so a large file never
 * stalls the server and a hostile one fails alone: caps on entries, accounts and text sizes are
 * checked over the bytes before any tree is built (formats/prescan.ts), a parse that still needs more
 * memory than its worker may use kills that worker only (answered 413 naming the limit), and a parse
 * that takes too long is stopped (422).
 */
import type { Config } from '../platform/config.js';
import { AppError } from '../platform/errors.js';
import { TaskError, WorkerPool, WorkerTaskFailure } from '../platform/workers/worker-pool.js';
import { BankFileError, type ParsedStatement, type ParsedTransaction } from './canonical.js';
import { checkBankFileBeforeParse, type ParseBankFileOptions } from './formats/index.js';
import { FileCapError, type CapName } from './formats/prescan.js';

/** Transactions per message from the worker: each part is deserialised in its own turn of the event loop. */
export const PARSE_PART_ROWS = 1000;

export interface ParseRequest {
  bytes: Uint8Array;
  options: ParseBankFileOptions;
}

export interface ParsePart {
  transactions: ParsedTransaction[];
  keys: string[];
}

export interface ParseResult {
  statement: Omit<ParsedStatement, 'transactions'>;
  sha256: string;
  byteSize: number;
}

export interface ParseErrorData {
  format: BankFileError['format'];
  location: string;
  reason: string;
  kind: BankFileError['kind'];
  cap?: CapName;
  limit?: number;
}

export interface ParsedUpload {
  statement: ParsedStatement;
  /** Idempotency keys of statement.transactions, in order (see ingestion.service dedupeKeys). */
  dedupeKeys: string[];
  sha256: string;
  byteSize: number;
}

export type ParseUploadOptions = Omit<ParseBankFileOptions, 'caps' | 'maxBytes'>;

export class BankFileParser {
  private readonly pool: WorkerPool<ParseRequest, ParsePart, ParseResult>;

  constructor(private readonly config: Pick<Config, 'parseWorkers' | 'parseWorkerMemoryMb' | 'parseTimeoutSeconds' | 'maxFileEntries' | 'maxFileAccounts' | 'maxFileTextBytes' | 'uploadLimitBytes'>) {
    // From sources (tsx, vitest) this module is a .ts file and so is its worker; from the build both are .js.
    const entry = new URL(import.meta.url.endsWith('.ts') ? './parse-worker.ts' : './parse-worker.js', import.meta.url);
    this.pool = new WorkerPool({ entry, size: config.parseWorkers, maxHeapMb: config.parseWorkerMemoryMb });
  }

  get workerCount(): number {
    return this.pool.workerCount;
  }

  /**
   * Parses the bytes in a worker. The bytes are moved, not copied, when the buffer owns its memory
   * alone, and are unusable afterwards; the SHA-256 and size come back with the result.
   * Throws BankFileError for what the file holds (FileCapError for a cap) and AppError when the
   * worker ran out of memory or time.
   */
  async parse(body: Buffer, options: ParseUploadOptions): Promise<ParsedUpload> {
    const caps = { maxEntries: this.config.maxFileEntries, maxAccounts: this.config.maxFileAccounts, maxTextBytes: this.config.maxFileTextBytes };
    // Refuse what the bytes alone condemn (too large, unknown format, over a cap) here and now: it costs
    // milliseconds, while a worker may first have to start and would copy the bytes for nothing.
    // The worker pre-scans again, which keeps parseBankFile whole for the CLI and other callers.
    checkBankFileBeforeParse(body, { ...options, maxBytes: this.config.uploadLimitBytes, caps });
    const transactions: ParsedTransaction[] = [];
    const keys: string[] = [];
    const ownsMemory = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength && body.buffer instanceof ArrayBuffer;
    const bytes = ownsMemory ? body : new Uint8Array(body);
    try {
      const result = await this.pool.run(
        {
          bytes,
          options: {
            ...options,
            maxBytes: this.config.uploadLimitBytes,
            caps,
          },
        },
        {
          transfer: [bytes.buffer as ArrayBuffer],
          timeoutMs: this.config.parseTimeoutSeconds * 1000,
          onPart: (part) => {
            for (const t of part.transactions) transactions.push(t);
            for (const k of part.keys) keys.push(k);
          },
        },
      );
      return { statement: { ...result.statement, transactions }, dedupeKeys: keys, sha256: result.sha256, byteSize: result.byteSize };
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Starts the workers now; a worker loading the readers takes a while, which the first upload should not wait for. */
  warm(): void {
    this.pool.warm();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private translate(error: unknown): Error {
    if (error instanceof TaskError && error.data) {
      const d = error.data as ParseErrorData;
      return d.cap !== undefined && d.limit !== undefined ? new FileCapError(d.format, d.cap, d.limit, d.reason) : new BankFileError(d.format, d.location, d.reason, d.kind);
    }
    if (error instanceof WorkerTaskFailure) {
      switch (error.reason) {
        case 'out_of_memory':
          return new AppError('payload_too_large', `reading the file needed more than the ${this.config.parseWorkerMemoryMb} MB a parse may use (setting PARSE_WORKER_MEMORY_MB)`, {
            cap: 'parseWorkerMemoryMb',
            limit: this.config.parseWorkerMemoryMb,
          });
        case 'timeout':
          return new AppError('unprocessable_file', `reading the file took longer than the ${this.config.parseTimeoutSeconds} s a parse may take (setting PARSE_TIMEOUT_SECONDS)`, {
            cap: 'parseTimeoutSeconds',
            limit: this.config.parseTimeoutSeconds,
          });
        case 'closed':
          return new AppError('service_unavailable', 'the service is shutting down');
        default:
          return error;
      }
    }
    if (error instanceof TaskError) return new Error(`parsing the file failed: ${error.message}`);
    return error instanceof Error ? error : new Error(String(error));
  }
}
