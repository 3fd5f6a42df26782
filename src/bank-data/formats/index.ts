/**
 * The registry of bank-format adapters. Adding a format is one adapter file and one line here.
 * Detection asks every adapter how sure it is and takes the surest; ties or no taker are an error
 * the caller turns into 415, because guessing a bank format wrong would store wrong money.
 */
import { BankFileError, type BankFormat, type BankFormatAdapter, type DetectHints, type ParseOptions, type ParsedStatement } from '../canonical.js';
import { berlinGroupAdapter } from './berlin-group.js';
import { camtAdapter } from './camt.js';
import { ukOpenBankingAdapter } from './uk-open-banking.js';
import { canonicalJsonlAdapter } from './canonical-jsonl.js';
import { mt940Adapter } from './mt940.js';
import { csvIngAdapter } from './csv-ing.js';
import { csvRabobankAdapter } from './csv-rabobank.js';
import { csvAbnAmroAdapter } from './csv-abnamro.js';
import { csvKnabAdapter } from './csv-knab.js';
import { csvAsnAdapter } from './csv-asn.js';
import { csvBunqAdapter } from './csv-bunq.js';
import { checkParsedCounts, prescanBankFile, type FileCaps } from './prescan.js';

export const BANK_FORMAT_ADAPTERS: readonly BankFormatAdapter[] = [
  // Adapters are appended here, one line each.
  berlinGroupAdapter,
  ukOpenBankingAdapter,
  camtAdapter,
  canonicalJsonlAdapter,
  mt940Adapter,
  csvIngAdapter,
  csvRabobankAdapter,
  csvAbnAmroAdapter,
  csvKnabAdapter,
  csvAsnAdapter,
  csvBunqAdapter,
];

export const DEFAULT_MAX_BANK_FILE_BYTES = 50 * 1024 * 1024;

export function adapterFor(format: BankFormat): BankFormatAdapter | undefined {
  return BANK_FORMAT_ADAPTERS.find((a) => a.format === format || a.produces.includes(format));
}

/** Picks the adapter for unnamed input; throws BankFileError('unsupported') when none is confident. */
export function detectBankFormat(input: Buffer, hints: DetectHints = {}): BankFormatAdapter {
  let best: BankFormatAdapter | undefined;
  let bestScore = 0;
  for (const adapter of BANK_FORMAT_ADAPTERS) {
    const score = adapter.detect(input, hints);
    if (score > bestScore) {
      best = adapter;
      bestScore = score;
    }
  }
  if (!best || bestScore < 0.5) {
    throw new BankFileError('unknown', 'file', 'the bank format could not be recognised; name it with the format parameter', 'unsupported');
  }
  return best;
}

export interface ParseBankFileOptions extends ParseOptions {
  format?: BankFormat;
  hints?: DetectHints;
  /** Caps on entries, accounts and text sizes, checked over the bytes before the adapter builds anything. */
  caps?: FileCaps;
}

/**
 * The cheap checks of parseBankFile alone: size, format detection and the byte-level pre-scan of the
 * caps. Milliseconds even for a 50 MB file, so the upload route runs them on the main thread and a
 * hostile file is refused without waiting for (or starting) a parse worker.
 */
export function checkBankFileBeforeParse(input: Buffer, options: ParseBankFileOptions = {}): BankFormat {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BANK_FILE_BYTES;
  if (input.byteLength > maxBytes) {
    throw new BankFileError(options.format ?? 'unknown', 'file', `the file is ${input.byteLength} bytes; at most ${maxBytes} are accepted`, 'too_large');
  }
  const adapter = options.format ? adapterFor(options.format) : detectBankFormat(input, options.hints);
  if (!adapter) throw new BankFileError(options.format ?? 'unknown', 'file', `no reader for format ${options.format}`, 'unsupported');
  const format = options.format ?? adapter.format;
  if (options.caps) prescanBankFile(input, format, options.caps);
  return format;
}

/** Parses any supported bank file into the canonical model. Throws BankFileError only. */
export function parseBankFile(input: Buffer, options: ParseBankFileOptions = {}): ParsedStatement {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BANK_FILE_BYTES;
  if (input.byteLength > maxBytes) {
    throw new BankFileError(options.format ?? 'unknown', 'file', `the file is ${input.byteLength} bytes; at most ${maxBytes} are accepted`, 'too_large');
  }
  const adapter = options.format ? adapterFor(options.format) : detectBankFormat(input, options.hints);
  if (!adapter) throw new BankFileError(options.format ?? 'unknown', 'file', `no reader for format ${options.format}`, 'unsupported');
  if (options.caps) prescanBankFile(input, options.format ?? adapter.format, options.caps);
  const statement = adapter.parse(input, { lenient: options.lenient ?? false, maxBytes });
  if (options.caps) checkParsedCounts(statement.format, { entries: statement.transactions.length, accounts: statement.accounts.length }, options.caps);
  return statement;
}
