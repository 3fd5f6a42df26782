/**
 * The rule a correction teaches must decide the corrected transaction's counterparty as the
 * categorisation engine reads it: whatever the name looks like (terminal prefixes, legal forms,
 * branch numbers, accents), the learned rule matches that name, and the same shop under another
 * branch number; and it never matches money going the other way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categorise, compileRuleSet } from '../../src/analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../../src/analytics/categorisation/default-rules.js';
import { applyCorrections, learnedRuleRef, mergeTenantRules } from '../../src/categorisation-corrections/corrections.queries.js';
import { counterpartyKeyOf } from '../../src/categorisation-corrections/corrections.service.js';
import type { LearnedRuleRow } from '../../src/categorisation-corrections/corrections.table.js';
import type { CategorisationRule } from '../../src/analytics/categorisation/rule-set.schema.js';
import { tx } from '../analytics/transaction-builder.js';

const WORDS = ['Albert', 'Heijn', 'Bakkerij', 'de', 'Vries', 'Zonnedal', 'Énergie', 'Müller', 'Kapsalon', 'Jan', "'t", 'Hoekje', 'Holding', 'X', 'ah', 'Plus'];
const PREFIXES = ['', 'CCV*', 'BEA ', 'SumUp *', 'Zettle_*', 'GEA '];
const LEGAL = ['', ' B.V.', ' BV', ' N.V.', ' VOF'];
const name = fc
  .tuple(fc.constantFrom(...PREFIXES), fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }), fc.constantFrom(...LEGAL), fc.option(fc.integer({ min: 1, max: 99_999 }), { nil: undefined }))
  .map(([prefix, words, legal, branch]) => `${prefix}${words.join(' ')}${legal}${branch === undefined ? '' : ` ${branch}`}`);

function learnedRow(kind: LearnedRuleRow['match_kind'], value: string, direction: LearnedRuleRow['direction']): LearnedRuleRow {
  return { tenant_id: 't', id: '00000000-0000-4000-8000-000000000001', match_kind: kind, match_value: value, direction, category: 'expense.collection', correction_id: null, actor: 'api_key:k', learned_at: new Date('2026-12-01T00:00:00Z') };
}

function categoriseWith(learned: LearnedRuleRow[], own: CategorisationRule[], transactions: ReturnType<typeof tx>[]) {
  const compiled = compileRuleSet(DEFAULT_RULE_SET, mergeTenantRules(learned, own));
  return categorise(transactions, { rules: compiled, ownIbans: [] });
}

describe('rules learned from corrections', () => {
  it('match the corrected name as the engine reads it, and the same counterparty at another branch', () => {
    fc.assert(
      fc.property(name, fc.integer({ min: 1, max: 99_999 }), (counterpartyName, otherBranch) => {
        const key = counterpartyKeyOf({ counterpartyIban: null, counterpartyName });
        fc.pre(key !== null);
        expect(key!.kind).toBe('counterparty_name');
        const row = learnedRow('counterparty_name', key!.value, 'out');
        const corrected = tx({ bookingDate: '2026-10-01', amountCents: -1250, counterpartyName });
        const sameShop = tx({ bookingDate: '2026-10-02', amountCents: -990, counterpartyName: `${counterpartyName.replace(/ \d+$/, '')} ${otherBranch}` });
        const moneyIn = tx({ bookingDate: '2026-10-03', amountCents: 990, counterpartyName });
        const [a, b, c] = categoriseWith([row], [], [corrected, sameShop, moneyIn]);
        expect(a!.ruleId).toBe(learnedRuleRef(row.id));
        expect(b!.ruleId).toBe(learnedRuleRef(row.id));
        expect(c!.ruleId).not.toBe(learnedRuleRef(row.id));
      }),
      { numRuns: 300 },
    );
  });

  it('key on the IBAN when there is one, normalised', () => {
    expect(counterpartyKeyOf({ counterpartyIban: 'nl91 abna 0417 1643 00', counterpartyName: 'Wie dan ook' })).toEqual({ kind: 'counterparty_iban', value: 'NL91ABNA0417164300' });
    expect(counterpartyKeyOf({ counterpartyIban: null, counterpartyName: 'CCV*Albert Heijn 1403' })).toEqual({ kind: 'counterparty_name', value: 'albert heijn' });
    expect(counterpartyKeyOf({ counterpartyIban: null, counterpartyName: null })).toBeNull();
    expect(counterpartyKeyOf({ counterpartyIban: '', counterpartyName: '  ' })).toBeNull();
  });

  it('win over the tenant’s own rules and the defaults; a transaction’s own correction wins over them', () => {
    const iban = 'NL91ABNA0417164300';
    const own: CategorisationRule[] = [{ id: 'own', category: 'expense.energy', confidence: 0.9, priority: 10_000, when: { counterpartyIban: [iban] } }];
    const line = tx({ bookingDate: '2026-10-01', amountCents: -5000, counterpartyIban: iban, counterpartyName: 'Albert Heijn' });
    expect(categoriseWith([], own, [line])[0]!.ruleId).toBe('own');
    const row = learnedRow('counterparty_iban', iban, 'out');
    const [learned] = categoriseWith([row], own, [line]);
    expect(learned).toMatchObject({ category: 'expense.collection', ruleId: learnedRuleRef(row.id), confidence: 1 });
    const corrected = applyCorrections(categoriseWith([row], own, [line]), new Map([[line.id, { category: 'expense.gambling' as const, ruleId: 'correction:c1', confidence: 1 }]]));
    expect(corrected[0]).toMatchObject({ category: 'expense.gambling', ruleId: 'correction:c1' });
  });
});
