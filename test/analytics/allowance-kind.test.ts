/**
 * Which allowance a Belastingdienst credit is, and what that tells the household inference: kindgebonden
 * budget and kinderopvangtoeslag mean children, zorgtoeslag and huurtoeslag do not.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { determineHousehold } from '../../src/affordability/household.js';
import { ALLOWANCE_KINDS, allowanceKindOf } from '../../src/analytics/allowance-kind.js';
import { categorise } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { DEBTOR_IBAN, tx } from './transaction-builder.js';

const TOESLAGEN_IBAN = 'NL86INGB0002445588';

function householdOf(remittances: string[], name: string | null = 'Belastingdienst Toeslagen') {
  const months = ['2025-01-20', '2025-02-20', '2025-03-20'];
  const transactions = months.flatMap((bookingDate) => remittances.map((remittanceUnstructured) => tx({ bookingDate, amountCents: 15_000, counterpartyName: name, counterpartyIban: TOESLAGEN_IBAN, remittanceUnstructured })));
  const categorised = categorise(transactions, { rules: DEFAULT_RULE_SET, ownIbans: [DEBTOR_IBAN], accountHolderNames: ['J de Vries'] });
  expect(categorised.map((t) => t.category)).toEqual(categorised.map(() => 'income.allowance'));
  return determineHousehold(categorised, ['J de Vries']);
}

describe('allowance kinds', () => {
  it.each([
    ['VOORSCHOT ZORGTOESLAG 2025 TOESLAGNUMMER 201234567', 'zorgtoeslag'],
    ['1234.56.789 HUURTOESLAG', 'huurtoeslag'],
    ['VOORSCHOT KGB 2025 MEI', 'kindgebonden_budget'],
    ['Kind gebonden budget juni', 'kindgebonden_budget'],
    ['VOORSCHOT KOT 2025', 'kinderopvangtoeslag'],
    ['KINDEROPVANG TOESLAG JULI', 'kinderopvangtoeslag'],
    ['ZT 2025 VOORSCHOT', 'zorgtoeslag'],
    ['HT voorschot augustus', 'huurtoeslag'],
    ['Teruggaaf inkomstenbelasting 2024', null],
  ] as const)('reads "%s" as %s', (text, kind) => {
    expect(allowanceKindOf(text)).toBe(kind);
  });

  it('counts a text naming a child allowance beside another as child-related', () => {
    expect(allowanceKindOf('Nabetaling zorgtoeslag en kindgebonden budget 2024')).toBe('kindgebonden_budget');
  });

  it('names at most one kind, one of the four, for any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const kind = allowanceKindOf(text);
        expect(kind === null || ALLOWANCE_KINDS.includes(kind)).toBe(true);
      }),
    );
  });
});

describe('household inference from allowances', () => {
  it.each([
    [['VOORSCHOT KINDGEBONDEN BUDGET 2025'], 'Belastingdienst Toeslagen'],
    [['VOORSCHOT KGB 2025 TOESLAGNUMMER 201234567'], null],
    [['VOORSCHOT KOT 2025 TOESLAGNUMMER 201234567', 'VOORSCHOT ZT 2025'], 'Belastingdienst'],
    [['Kinderopvangtoeslag maart'], null],
  ] as const)('infers children from %j (counterparty %s)', (remittances, name) => {
    const household = householdOf([...remittances], name);
    expect(household.composition).toBe('single_parent');
    expect(household.evidence.map((e) => e.code)).toContain('child_allowance');
  });

  it.each([
    [['VOORSCHOT ZORGTOESLAG 2025'], 'Belastingdienst Toeslagen'],
    [['VOORSCHOT ZT 2025 JULI', 'VOORSCHOT HT 2025 JULI'], null],
    [['Huurtoeslag juni', 'zorgtoesl juni'], 'Belastingdienst'],
  ] as const)('infers no children from %j (counterparty %s)', (remittances, name) => {
    const household = householdOf([...remittances], name);
    expect(household.composition).toBe('single');
    expect(household.evidence).toEqual([]);
  });
});
