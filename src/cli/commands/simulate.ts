/**
 * `draagkracht simulate --households N --months M --seed S --out DIR [--format berlin-group|camt|both|none]`
 *   [--start YYYY-MM-01] [--truth-runs K] [--truth-every M] [--bank-households N] [--workers W]
 *
 * Writes a synthetic world with hidden truth (see src/simulation/simulation-output.ts for the
 * layout). Progress goes to stderr: a bar on a terminal, a line every ten percent otherwise, so logs
 * of a batch job stay readable. The Monte Carlo truth is most of the cost: --truth-runs (K futures per
 * as-of date, default 32) and --truth-every (months between as-of dates, default 1) trade its
 * precision for time; --truth-runs 0 skips it. Bank files take about 0.7 MB per household in both
 * formats, so they are written for the first 10,000 households unless --bank-households says otherwise
 * (events and truth are written for all).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { BANK_FILE_FORMATS, type BankFileFormat } from '../../simulation/simulation-output.js';
import { runSimulationToDirectory } from '../../simulation/simulation-run.js';
import type { CliIo } from '../commands.js';

const USAGE =
  'usage: draagkracht simulate --households N --months M --seed S --out DIR [--format berlin-group|camt|both|none]\n' +
  '                            [--start YYYY-MM-01] [--truth-runs K] [--truth-every M] [--bank-households N] [--workers W]\n';

/** Bank files for more households than this are asked for explicitly: 100,000 households would fill some 70 GB. */
const DEFAULT_BANK_HOUSEHOLDS = 10_000;

const FORMAT_CHOICES: Record<string, readonly BankFileFormat[]> = {
  'berlin-group': ['berlin-group'],
  camt: ['camt'],
  both: BANK_FILE_FORMATS,
  none: [],
};

function wholeNumber(value: string | undefined, name: string, fallback: number | null, min: number): number {
  if (value === undefined) {
    if (fallback === null) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, not "${value}"`);
  return Number(value);
}

class UsageError extends Error {}

export async function simulateCommand(argv: string[], io: CliIo): Promise<number> {
  let options;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        households: { type: 'string' },
        months: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        format: { type: 'string' },
        start: { type: 'string' },
        'truth-runs': { type: 'string' },
        'truth-every': { type: 'string' },
        'bank-households': { type: 'string' },
        workers: { type: 'string' },
      },
      strict: true,
    });
    if (!values.out) throw new UsageError('--out is required');
    const format = values.format ?? 'both';
    const formats = FORMAT_CHOICES[format];
    if (!formats) throw new UsageError(`--format must be one of ${Object.keys(FORMAT_CHOICES).join(', ')}, not "${format}"`);
    options = {
      households: wholeNumber(values.households, 'households', null, 1),
      months: wholeNumber(values.months, 'months', 18, 1),
      seed: wholeNumber(values.seed, 'seed', 1, 0),
      outDir: values.out,
      formats,
      ...(values.start ? { startDate: values.start } : {}),
      truthRuns: wholeNumber(values['truth-runs'], 'truth-runs', 32, 0),
      truthEveryMonths: wholeNumber(values['truth-every'], 'truth-every', 1, 1),
      bankHouseholds: wholeNumber(values['bank-households'], 'bank-households', DEFAULT_BANK_HOUSEHOLDS, 0),
      workers: wholeNumber(values.workers, 'workers', Math.min(2, availableParallelism()), 1),
    };
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\n${USAGE}`);
      return 1;
    }
    throw error;
  }

  const progress = new ProgressReporter(io.stderr, options.households);
  const started = Date.now();
  try {
    const { totals, resolved } = await runSimulationToDirectory({ ...options, onProgress: (done) => progress.update(done) });
    progress.finish();
    const seconds = (Date.now() - started) / 1000;
    const realisedShare = totals.arrearsRows > 0 ? ` · arrears within 90 days realised on ${((100 * totals.arrearsRealised) / totals.arrearsRows).toFixed(1)} % of ${totals.arrearsRows} as-of dates` : '';
    const withBankFiles = Math.min(totals.households, options.bankHouseholds);
    const bankNote =
      options.formats.length === 0 ? 'no bank files' : withBankFiles < totals.households ? `bank files for the first ${withBankFiles} (--bank-households to change)` : 'bank files for all';
    io.stdout.write(
      `wrote ${totals.households} households (${resolved.startDate} to ${resolved.endDate}, seed ${resolved.seed}) to ${options.outDir} in ${seconds.toFixed(1)} s: ` +
        `${totals.events} events, ${totals.transactions} transactions in ${totals.accounts} accounts, ${bankNote}${realisedShare}\n`,
    );
    return 0;
  } catch (error) {
    progress.finish();
    if (error instanceof RangeError) {
      io.stderr.write(`${error.message}\n${USAGE}`);
      return 1;
    }
    throw error;
  }
}

/**
 * A progress bar on a terminal (redrawn at most ten times a second), or a plain line per ten
 * percent when stderr is a file or pipe, where carriage returns would make a mess of the log.
 */
class ProgressReporter {
  private readonly isTty: boolean;
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastDecile = 0;
  private done = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly total: number,
  ) {
    this.isTty = (stream as { isTTY?: boolean }).isTTY === true;
  }

  update(done: number): void {
    this.done = done;
    const now = Date.now();
    if (this.isTty) {
      if (now - this.lastDraw >= 100 || done === this.total) {
        this.lastDraw = now;
        this.stream.write(`\r${this.line(now, true)}`);
      }
      return;
    }
    const decile = Math.floor((10 * done) / this.total);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`simulate: ${this.line(now, false)}\n`);
    }
  }

  finish(): void {
    if (this.isTty && this.lastDraw > 0) this.stream.write('\n');
  }

  private line(now: number, bar: boolean): string {
    const fraction = this.total > 0 ? this.done / this.total : 1;
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = rate > 0 ? (this.total - this.done) / rate : 0;
    const text = `${(100 * fraction).toFixed(1).padStart(5)} % ${this.done}/${this.total} households · ${rate.toFixed(0)}/s · ${this.done < this.total ? `ETA ${clock(eta)}` : `done in ${clock(elapsed)}`}`;
    if (!bar) return text;
    const columns = (this.stream as { columns?: number }).columns ?? 80;
    const width = Math.max(10, Math.min(40, columns - text.length - 4));
    const filled = Math.round(fraction * width);
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${text}`;
  }
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
