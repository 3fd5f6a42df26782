/**
 * `draagkracht affordability FILE… [--as-of DATE] [--household TYPE] [--pension-age] [--format F] [--lenient] [--json]`:
 * the affordability report for the debtor whose bank files these are, without server or database.
 * Human-readable by default, the full report as JSON with --json. Without --as-of the report is
 * made as of the day after the last booked transaction, so an old export still shows its months.
 * On error: the file, the place and the reason on stderr, exit code 1.
 */
import { DEFAULT_RULE_SET } from '../../analytics/categorisation/default-rules.js';
import { CATEGORIES } from '../../analytics/taxonomy.js';
import { assessAffordability } from '../../affordability/assess-affordability.js';
import { HOUSEHOLD_TYPES, NormsError, normsAt, type HouseholdType } from '../../affordability/norms/norms.js';
import { HOUSEHOLD_LABEL, monthName } from '../../affordability/plain-language.js';
import type { AffordabilityReport } from '../../affordability/report.types.js';
import { addDays, isIsoDate } from '../../platform/dates.js';
import { formatEuroNl } from '../../platform/money.js';
import type { CliIo } from '../commands.js';
import { parseCommandArgs, readAnalysisInput } from './categorise.js';

const USAGE = `usage: draagkracht affordability FILE... [--as-of YYYY-MM-DD] [--household ${HOUSEHOLD_TYPES.join('|')}] [--pension-age] [--format F] [--lenient] [--json]\n`;

export async function affordabilityCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      'as-of': { type: 'string' },
      household: { type: 'string' },
      'pension-age': { type: 'boolean' },
      format: { type: 'string' },
      lenient: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    USAGE,
    io,
  );
  if (!parsed) return 1;
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.stderr.write(USAGE);
    return 1;
  }
  const asOfGiven = values['as-of'] as string | undefined;
  if (asOfGiven != null && !isIsoDate(asOfGiven)) {
    io.stderr.write(`--as-of: "${asOfGiven}" is not a date (YYYY-MM-DD)\n`);
    return 1;
  }
  const householdGiven = values.household as string | undefined;
  if (householdGiven != null && !(HOUSEHOLD_TYPES as readonly string[]).includes(householdGiven)) {
    io.stderr.write(`--household: "${householdGiven}" is not one of ${HOUSEHOLD_TYPES.join(', ')}\n`);
    return 1;
  }

  const input = await readAnalysisInput(positionals, { format: values.format as string | undefined, lenient: values.lenient === true }, io);
  if (!input) return 1;
  const lastBooked = input.transactions.filter((t) => t.status === 'booked').reduce<string | null>((max, t) => (max == null || t.bookingDate > max ? t.bookingDate : max), null);
  if (asOfGiven == null && lastBooked == null) {
    io.stderr.write(`${positionals.join(', ')}: no booked transactions; give --as-of to report on an empty history\n`);
    return 1;
  }
  const asOf = asOfGiven ?? addDays(lastBooked!, 1);

  let norms;
  try {
    norms = normsAt(asOf);
  } catch (error) {
    if (error instanceof NormsError) {
      io.stderr.write(`--as-of ${asOf}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const pensionAge = values['pension-age'] as boolean | undefined;
  const report = assessAffordability({
    transactions: input.transactions,
    balances: input.balances,
    asOf,
    ownIbans: input.ownIbans,
    accountHolderNames: input.accountHolderNames,
    norms,
    rules: DEFAULT_RULE_SET,
    ...(householdGiven ? { household: { composition: householdGiven as HouseholdType, ...(pensionAge != null ? { pensionAge } : {}) } } : {}),
  });
  io.stdout.write(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, asOfGiven == null));
  return 0;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : `${' '.repeat(width - text.length)}${text}`;
}

/** The report for a person at a terminal: figures per month, the range, the signals, the explanation. */
function formatReport(report: AffordabilityReport, asOfDerived: boolean): string {
  const euro = formatEuroNl;
  const lines: string[] = [];
  lines.push(`Affordability report as of ${report.asOf}${asOfDerived ? ' (the day after the last booked transaction)' : ''}`);
  lines.push(
    `Household: ${HOUSEHOLD_LABEL[report.household.composition].en}${report.household.pensionAge ? ', pension age' : ''} (${report.household.source.composition})` +
      (report.household.evidence.length > 0 ? `: ${report.household.evidence.map((e) => e.text.en).join(' ')}` : ''),
  );
  lines.push(`Norms: bijstand ${report.norms.bijstandNorm?.validFrom ?? 'derived'}, beslagvrije voet ${report.norms.beslagvrijeVoet.validFrom}, living costs ${report.norms.minimumLivingCosts.validFrom}; rules ${report.rulesVersion}`);
  lines.push('');
  if (report.months.length > 0) {
    const header = ['month', 'stable in', 'other in', 'fixed', 'variable', 'debts', 'left', 'protected', 'affordable'];
    lines.push(header.map((h, i) => (i === 0 ? h.padEnd(15) : pad(h, 13))).join(''));
    const row = (label: string, m: AffordabilityReport['average'], normMark: string) =>
      [
        label.padEnd(15),
        pad(euro(m.stableIncomeCents), 13),
        pad(euro(m.irregularIncomeCents), 13),
        pad(euro(m.fixedEssentialCents), 13),
        pad(`${euro(m.variableEssentialCents)}${normMark}`, 13),
        pad(euro(m.debtServiceCents), 13),
        pad(euro(m.disposableCents), 13),
        pad(euro(m.protectedAmountCents), 13),
        pad(euro(m.affordableCents), 13),
      ].join('');
    for (const m of report.months) lines.push(row(monthName(m.month, 'en'), { ...m, variableEssentialNormMonths: 0 }, m.variableEssentialSource === 'norm' ? '*' : ''));
    lines.push(row('average', report.average, ''));
    if (report.average.variableEssentialNormMonths > 0) lines.push('  * the minimum for the household type, because less was spent in the data');
    lines.push('');
  }
  const p = report.protectedAmount;
  lines.push(`Protected amount (beslagvrije voet) for the average income: ${euro(p.protectedCents)} (${p.band.replace(/_/g, ' ')}; norm ${euro(p.normCents)}, 95 % ${euro(p.baseCents)}, compensation ${euro(p.compensationCents)}, maximum ${euro(p.maximumCents)})`);
  lines.push(`Affordable monthly instalment: ${euro(report.affordableInstalment.lowCents)} to ${euro(report.affordableInstalment.highCents)}`);
  lines.push('');
  if (report.incomeDays.length > 0) {
    lines.push('Income days:');
    for (const day of report.incomeDays) {
      lines.push(`  ${CATEGORIES[day.category].label.en} from ${day.counterpartyName ?? 'unknown'}: next ${day.nextDates.join(', ')} (±${day.windowDays} d, ${day.source}${day.calendarRule?.estimate ? ', estimate' : ''})`);
    }
    lines.push('');
  }
  if (report.flags.length > 0) {
    lines.push('Flags:');
    for (const flag of report.flags) lines.push(`  [${flag.severity}] ${flag.code}: ${flag.message.en} (${flag.transactionIds.length} transaction(s))`);
    lines.push('');
  }
  for (const note of report.notes) lines.push(`Note: ${note.en}`);
  if (report.notes.length > 0) lines.push('');
  lines.push('Uitleg (NL):');
  lines.push(...report.explanation.nl.split('\n').map((l) => `  ${l}`));
  lines.push('');
  lines.push('Explanation (EN):');
  lines.push(...report.explanation.en.split('\n').map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}
