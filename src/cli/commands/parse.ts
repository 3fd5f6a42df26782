/**
 * `draagkracht parse FILE [--format F] [--lenient]`: reads a bank file without server or database and
 * prints the canonical accounts, transactions and balances as JSON lines; on error, the place and the
 * reason on stderr and exit code 1. The output can be uploaded again as format canonical-jsonl.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BANK_FORMATS, BankFileError, type BankFormat } from '../../bank-data/canonical.js';
import { parseBankFile } from '../../bank-data/formats/index.js';
import { statementToJsonLines } from '../../bank-data/formats/canonical-jsonl.js';
import type { CliIo } from '../commands.js';

export async function parseCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { format: { type: 'string' }, lenient: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) {
    io.stderr.write('usage: draagkracht parse FILE [--format F] [--lenient]\n');
    return 1;
  }
  const format = values.format as BankFormat | undefined;
  if (format && !BANK_FORMATS.includes(format)) {
    io.stderr.write(`unknown format "${format}"; one of: ${BANK_FORMATS.join(', ')}\n`);
    return 1;
  }
  const file = positionals[0]!;
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    io.stderr.write(`${file}: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const statement = parseBankFile(bytes, { ...(format ? { format } : {}), lenient: values.lenient ?? false, hints: { fileName: path.basename(file) } });
    for (const line of statementToJsonLines(statement)) io.stdout.write(`${line}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BankFileError) {
      io.stderr.write(`${file}: ${error.format}: ${error.location}: ${error.reason}\n`);
      return 1;
    }
    throw error;
  }
}
