/**
 * docs/features.md, rendered from the catalogue: the catalogue is the single source, and a test
 * fails when the committed document differs from what this renders (`npm run docs:features`).
 */
import { FEATURE_CATALOGUE, FEATURE_CATALOGUE_VERSION, FEATURE_SET_IDS, featureNamesOf, type FeatureDefinition } from './catalogue.js';

const SOURCE_TITLES: Record<FeatureDefinition['source'], string> = {
  'bank-data': 'Bank data (needs a consent that covers early-warning monitoring)',
  'data-points': 'Data points (the creditor\'s payment-behaviour events)',
  claim: 'Claim attributes',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderFeaturesDoc(): string {
  const sets = new Map(FEATURE_SET_IDS.map((id) => [id, new Set(featureNamesOf(id))]));
  const lines: string[] = [
    '# Risk features',
    '',
    `Feature catalogue version **${FEATURE_CATALOGUE_VERSION}**. Generated from \`src/risk-features/catalogue.ts\` by \`npm run docs:features\`; do not edit by hand.`,
    '',
    'Every feature is computed as of a date D from what was known on D: bookings, balances and data points dated after D are not read.',
    'A window of N days is (D − N, D], the as-of day included. Amounts are euro cents, ratios are plain fractions, and an empty',
    'value (no data to compute it from) is missing, never zero. Outcome data points are labels: as features only outcomes dated',
    'on or before D count. Transactions are categorised once per debtor with the rules of today.',
    '',
    `Feature sets: ${FEATURE_SET_IDS.map((id) => `\`${id}\` (${sets.get(id)!.size} features)`).join(', ')}. A debtor without a consent covering`,
    'bank data is scored by a model trained on `data-points-only`.',
    '',
  ];
  for (const source of ['bank-data', 'data-points'] as const) {
    lines.push(`## ${SOURCE_TITLES[source]}`, '', '| name | definition | window (days) | unit | feature sets |', '| --- | --- | --- | --- | --- |');
    for (const f of FEATURE_CATALOGUE.filter((d) => d.source === source)) {
      const inSets = FEATURE_SET_IDS.filter((id) => sets.get(id)!.has(f.name)).map((id) => `\`${id}\``).join(', ');
      lines.push(`| \`${f.name}\` | ${cell(f.definition)} | ${f.windowDays ?? '–'} | ${f.unit} | ${inSets} |`);
    }
    lines.push('');
  }
  lines.push(
    `## ${SOURCE_TITLES.claim}`,
    '',
    'A creditor can give numbers it knows of each claim (amount, term, instalment …) as extra numeric columns of the outcomes CSV',
    '(`debtorRef,asOf,label,…`). Their names come from the creditor, so they are not listed above; the rule is: column `x` becomes',
    'the feature `claim.x`, source `claim`, no window, in the unit the creditor gives, used as given (an empty cell is missing).',
    'A model trained with claim features needs the same columns when it scores.',
    '',
  );
  return lines.join('\n');
}
