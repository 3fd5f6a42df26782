/**
 * `draagkracht categorise FILE… [--format F] [--lenient]`: reads bank files without server or
 * database and prints one JSON line per transaction with its category, the rule that decided it and
 * that rule's confidence. Several files are read as one debtor's accounts, so transfers between
 * them are recognised as own-account transfers. On error: the file, the place and the reason on
 * stderr, exit code 1.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { analysisInputFromStatement, mergeAnalysisInputs, type AnalysisInput } from '../../analytics/analysis-input.js';
import { categorise } from '../../analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../analytics/categorisation/default-rules.js';
import { BANK_FORMATS, BankFileError, type BankFormat } from '../../bank-data/canonical.js';
import { parseBankFile } from '../../bank-data/formats/index.js';
import type { CliIo } from '../commands.js';

const USAGE = 'usage: draagkracht categorise FILE... [--format F] [--lenient]\n';

export interface StatementReadOptions {
  format?: string;
  lenient: boolean;
}

/**
 * Reads and parses each file into one analysis input, or writes what went wrong (with the file and
 * the place in it) to stderr and returns null. Shared by the commands that analyse files offline.
 */
export async function readAnalysisInput(files: readonly string[], options: StatementReadOptions, io: CliIo): Promise<AnalysisInput | null> {
  const format = options.format as BankFormat | undefined;
  if (format && !BANK_FORMATS.includes(format)) {
    io.stderr.write(`unknown format "${format}"; one of: ${BANK_FORMATS.join(', ')}\n`);
    return null;
  }
  const inputs: AnalysisInput[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      io.stderr.write(`${file}: ${(error as Error).message}\n`);
      return null;
    }
    try {
      const statement = parseBankFile(bytes, { ...(format ? { format } : {}), lenient: options.lenient, hints: { fileName: path.basename(file) } });
      for (const rejected of statement.rejected) io.stderr.write(`${file}: skipped ${rejected.location}: ${rejected.reason}\n`);
      for (const warning of statement.warnings) io.stderr.write(`${file}: warning ${warning.location} (${warning.field}, ${warning.action}): ${warning.reason}\n`);
      inputs.push(analysisInputFromStatement(statement, { idPrefix: file }));
    } catch (error) {
      if (error instanceof BankFileError) {
        io.stderr.write(`${file}: ${error.format}: ${error.location}: ${error.reason}\n`);
        return null;
      }
      throw error;
    }
  }
  return mergeAnalysisInputs(inputs);
}

export interface ParsedCommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** node:util parseArgs (strict, with positionals), its errors (unknown option, missing value) turned into a message on stderr and null. */
export function parseCommandArgs(argv: string[], options: NonNullable<Parameters<typeof parseArgs>[0]>['options'], usage: string, io: CliIo): ParsedCommandArgs | null {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as ParsedCommandArgs['values'], positionals };
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${usage}`);
    return null;
  }
}

export async function categoriseCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(argv, { format: { type: 'string' }, lenient: { type: 'boolean', default: false } }, USAGE, io);
  if (!parsed) return 1;
  if (parsed.positionals.length === 0) {
    io.stderr.write(USAGE);
    return 1;
  }
  const input = await readAnalysisInput(parsed.positionals, { format: parsed.values.format as string | undefined, lenient: parsed.values.lenient === true }, io);
  if (!input) return 1;
  const result = categorise(input.transactions, { rules: DEFAULT_RULE_SET, ownIbans: input.ownIbans, accountHolderNames: input.accountHolderNames });
  for (const t of result) {
    const line = {
      id: t.id,
      accountIban: t.accountIban,
      status: t.status,
      bookingDate: t.bookingDate,
      amountCents: t.amountCents,
      currency: t.currency,
      counterpartyName: t.counterpartyName,
      remittance: t.remittanceUnstructured,
      category: t.category,
      ruleId: t.ruleId,
      confidence: t.confidence,
      rulesVersion: DEFAULT_RULE_SET.version,
    };
    io.stdout.write(`${JSON.stringify(line)}\n`);
  }
  return 0;
}
