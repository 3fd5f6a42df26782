/**
 * Trains models/taiwan-credit-default/ from the Taiwan credit-card data (test/fixtures/credit/taiwan,
 * CC BY 4.0, see its SOURCES.md): `npm run model:taiwan` (or `-- --out DIR` to write elsewhere).
 *
 * A model on real people's credit data next to the starter models trained on a simulated world, so a
 * model report can be read against data the simulator did not make. It goes through `draagkracht
 * model train` itself (trainCommand, the CLI's own code), on a copy of the CSV whose header carries
 * the data set's published column names instead of X1–X23 and Y, so the report's features and
 * segments read LIMIT_BAL, PAY_0, … instead of codes. The rows are not touched.
 *
 * The table has no dates, so the split is a seeded random one (~70/15/15 %). The label is default on
 * next month's payment, so the horizon is 30 days. Sex, education, marital status and age are features
 * (as in the published data set and the benchmarks on it) and also segments with readable values (age
 * in bands), so the report can state the gaps between groups. It is a benchmark, not a model to use
 * on people: a creditor in the EU would have to justify every protected characteristic it reads.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { trainCommand } from '../src/cli/commands/model.js';

const ROOT = join(import.meta.dirname, '..');
export const TAIWAN_CSV = join(ROOT, 'test', 'fixtures', 'credit', 'taiwan', 'default_of_credit_card_clients.csv');
export const TAIWAN_MODEL_ID = 'taiwan-credit-default';
export const TAIWAN_MODEL_DIR = join(ROOT, 'models', TAIWAN_MODEL_ID);
export const TAIWAN_SEED = 1;
export const TAIWAN_LABEL = 'default.payment.next.month';

/** The fixture's header (ID, X1–X23, Y) in the names the data set is published with (UCI, Yeh & Lien 2009). */
export const TAIWAN_COLUMNS: readonly (readonly [string, string])[] = [
  ['ID', 'ID'],
  ['X1', 'LIMIT_BAL'],
  ['X2', 'SEX'],
  ['X3', 'EDUCATION'],
  ['X4', 'MARRIAGE'],
  ['X5', 'AGE'],
  ['X6', 'PAY_0'],
  ['X7', 'PAY_2'],
  ['X8', 'PAY_3'],
  ['X9', 'PAY_4'],
  ['X10', 'PAY_5'],
  ['X11', 'PAY_6'],
  ['X12', 'BILL_AMT1'],
  ['X13', 'BILL_AMT2'],
  ['X14', 'BILL_AMT3'],
  ['X15', 'BILL_AMT4'],
  ['X16', 'BILL_AMT5'],
  ['X17', 'BILL_AMT6'],
  ['X18', 'PAY_AMT1'],
  ['X19', 'PAY_AMT2'],
  ['X20', 'PAY_AMT3'],
  ['X21', 'PAY_AMT4'],
  ['X22', 'PAY_AMT5'],
  ['X23', 'PAY_AMT6'],
  ['Y', TAIWAN_LABEL],
];

/** Codes as the data set's documentation gives them; education 0, 5, 6 and marital status 0 are undocumented or "unknown". */
export const TAIWAN_SEGMENTS = [
  'SEX=sex:1=male,2=female',
  'EDUCATION=education:1=graduate school,2=university,3=high school,4=other,0=unknown,5=unknown,6=unknown',
  'MARRIAGE=marriage:1=married,2=single,3=other,0=unknown',
  'AGE=age_band:bands=25,35,45,55',
] as const;

/** The arguments of `draagkracht model train` for a table at `table`, written to `outDir`. */
export function taiwanTrainArgs(table: string, outDir: string): string[] {
  return [
    '--table', table,
    '--label', TAIWAN_LABEL,
    '--id', 'ID',
    ...TAIWAN_SEGMENTS.flatMap((spec) => ['--segment', spec]),
    '--horizon-days', '30',
    '--seed', String(TAIWAN_SEED),
    '--model-id', TAIWAN_MODEL_ID,
    '--out', outDir,
  ];
}

/** The fixture with its header renamed (first line only; every data row byte for byte). */
export function renamedTaiwanCsv(text: string): string {
  const end = text.indexOf('\n');
  const header = text.slice(0, end).replace(/\r$/, '').split(',');
  const names = new Map(TAIWAN_COLUMNS);
  if (header.length !== TAIWAN_COLUMNS.length || header.some((name, i) => name !== TAIWAN_COLUMNS[i]![0])) {
    throw new Error(`${TAIWAN_CSV}: expected the header ${TAIWAN_COLUMNS.map(([from]) => from).join(',')}`);
  }
  return `${header.map((name) => names.get(name)!).join(',')}${text.slice(text.charAt(end - 1) === '\r' ? end - 1 : end)}`;
}

export interface TaiwanResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function trainTaiwanModel(outDir: string): Promise<TaiwanResult> {
  const work = await mkdtemp(join(tmpdir(), 'draagkracht-taiwan-'));
  try {
    const table = join(work, 'taiwan.csv');
    await writeFile(table, renamedTaiwanCsv(await readFile(TAIWAN_CSV, 'utf8')));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
    stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
    const exitCode = await trainCommand(taiwanTrainArgs(table, outDir), { stdout, stderr }, {
      reproduce: `npm run model:taiwan\n# = draagkracht model train ${taiwanTrainArgs('taiwan.csv', 'DIR').map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w}'`)).join(' ')}\n#   on test/fixtures/credit/taiwan/default_of_credit_card_clients.csv with its header renamed to the published column names`,
    });
    return { exitCode, stdout: out.join(''), stderr: err.join('') };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } }, strict: true });
  const outDir = resolve(values.out ?? TAIWAN_MODEL_DIR);
  const result = await trainTaiwanModel(outDir);
  process.stderr.write(result.stderr);
  process.stdout.write(result.stdout);
  process.exitCode = result.exitCode;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
