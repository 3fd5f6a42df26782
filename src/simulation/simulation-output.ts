/**
 * The synthetic world on disk, written household by household so that nothing accumulates:
 *
 *   <out>/manifest.json            options, period, counts and the definitions of the truth
 *   <out>/events.jsonl             the creditor's data points and outcomes, one event per line, ready
 *                                  to be cut into API batch bodies ({"events": [...]}, ≤ 5,000 each)
 *   <out>/truth.jsonl              per household: composition, hidden traits, true income streams and
 *                                  paydays, shocks, affordable amount by month, arrears truth, accounts
 *   <out>/truth-arrears.csv        household,as_of,p_arrears_90d,realised
 *   <out>/bank/<shard>/<debtorRef>_<IBAN>.berlin-group.json   per account, Berlin Group transactions
 *   <out>/bank/<shard>/<debtorRef>_<IBAN>.camt053.xml         per account, camt.053.001.02 statement
 *
 * A shard holds 1,000 households, so no directory grows beyond a few thousand files.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeBerlinGroupTransactions } from './berlin-group.writer.js';
import { writeCamt053Statement } from './camt053.writer.js';
import type { SimulatedHousehold } from './simulation.types.js';

export const BANK_FILE_FORMATS = ['berlin-group', 'camt'] as const;
export type BankFileFormat = (typeof BANK_FILE_FORMATS)[number];

export const ARREARS_CSV_HEADER = 'household,as_of,p_arrears_90d,realised\n';

export interface SerializedHousehold {
  index: number;
  eventLines: string;
  truthLine: string;
  arrearsRows: string;
  bankFiles: { path: string; content: string }[];
  counts: HouseholdCounts;
}

export interface HouseholdCounts {
  events: number;
  accounts: number;
  transactions: number;
  arrearsRows: number;
  arrearsRealised: number;
}

export function bankFilePath(h: Pick<SimulatedHousehold, 'index' | 'debtorRef'>, iban: string, format: BankFileFormat): string {
  const shard = String(Math.floor(h.index / 1000)).padStart(4, '0');
  const suffix = format === 'berlin-group' ? 'berlin-group.json' : 'camt053.xml';
  return join('bank', shard, `${h.debtorRef}_${iban}.${suffix}`);
}

/** Everything a household contributes to the output, as text; cheap to send between threads. */
export function serializeHousehold(h: SimulatedHousehold, formats: readonly BankFileFormat[]): SerializedHousehold {
  let eventLines = '';
  for (const e of h.events) eventLines += `${JSON.stringify(e)}\n`;
  let arrearsRows = '';
  let realised = 0;
  for (const row of h.truth.arrears) {
    arrearsRows += `${h.debtorRef},${row.asOf},${row.pArrears90d},${row.realised ? 1 : 0}\n`;
    if (row.realised) realised++;
  }
  const bankFiles: SerializedHousehold['bankFiles'] = [];
  let transactions = 0;
  for (const account of h.accounts) {
    transactions += account.transactions.length;
    for (const format of formats) {
      const content = format === 'berlin-group' ? writeBerlinGroupTransactions(account) : writeCamt053Statement(account);
      bankFiles.push({ path: bankFilePath(h, account.iban, format), content });
    }
  }
  return {
    index: h.index,
    eventLines,
    truthLine: `${JSON.stringify(h.truth)}\n`,
    arrearsRows,
    bankFiles,
    counts: { events: h.events.length, accounts: h.accounts.length, transactions, arrearsRows: h.truth.arrears.length, arrearsRealised: realised },
  };
}

/** Appends text to a file through a buffer of about a megabyte, so a million small lines cost a few hundred writes. */
class BufferedFile {
  private readonly fd: number;
  private chunks: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    if (text === '') return;
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Writes bank files of one household; safe to call from several threads, as every file is its own. */
export function writeBankFiles(outDir: string, files: SerializedHousehold['bankFiles'], createdDirs: Set<string>): void {
  for (const file of files) {
    const path = join(outDir, file.path);
    const dir = dirname(path);
    if (!createdDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      createdDirs.add(dir);
    }
    writeFileSync(path, file.content);
  }
}

export interface OutputTotals {
  households: number;
  events: number;
  accounts: number;
  transactions: number;
  arrearsRows: number;
  arrearsRealised: number;
}

/** The shared files (events, truth, arrears CSV), appended in household order by one writer. */
export class SimulationOutput {
  private readonly events: BufferedFile;
  private readonly truth: BufferedFile;
  private readonly arrears: BufferedFile;
  readonly totals: OutputTotals = { households: 0, events: 0, accounts: 0, transactions: 0, arrearsRows: 0, arrearsRealised: 0 };

  constructor(readonly outDir: string) {
    mkdirSync(outDir, { recursive: true });
    this.events = new BufferedFile(join(outDir, 'events.jsonl'));
    this.truth = new BufferedFile(join(outDir, 'truth.jsonl'));
    this.arrears = new BufferedFile(join(outDir, 'truth-arrears.csv'));
    this.arrears.write(ARREARS_CSV_HEADER);
  }

  append(h: Omit<SerializedHousehold, 'bankFiles'>): void {
    this.events.write(h.eventLines);
    this.truth.write(h.truthLine);
    this.arrears.write(h.arrearsRows);
    const t = this.totals;
    t.households++;
    t.events += h.counts.events;
    t.accounts += h.counts.accounts;
    t.transactions += h.counts.transactions;
    t.arrearsRows += h.counts.arrearsRows;
    t.arrearsRealised += h.counts.arrearsRealised;
  }

  close(manifest: Record<string, unknown>): void {
    this.events.close();
    this.truth.close();
    this.arrears.close();
    writeFileSync(join(this.outDir, 'manifest.json'), `${JSON.stringify({ ...manifest, totals: this.totals }, null, 2)}\n`);
  }
}
