import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseIban } from '../../src/bank-data/canonical.js';
import { fromDayNumber, toDayNumber } from '../../src/platform/dates.js';
import { counterpartyNamed } from '../../src/simulation/counterparties.js';
import {
  isWorkingDay,
  nextPayday,
  paydaysBetween,
  type PaySchedule,
} from '../../src/simulation/dutch-calendar.js';
import { DUTCH_BANKS, dutchCreditorId, dutchIban, isValidCreditorId, passesElfproef, randomDutchIban } from '../../src/simulation/dutch-identifiers.js';
import { deriveSeed, SeededRandom } from '../../src/simulation/seeded-random.js';

describe('Dutch identifiers', () => {
  it('builds IBANs with valid mod-97 check digits (known example)', () => {
    // The Dutch example IBAN from the ISO 13616 registry.
    expect(dutchIban('ABNA', '0417164300')).toBe('NL91ABNA0417164300');
  });

  it('draws valid IBANs at every Dutch bank, elfproef-valid except ING', () => {
    const random = new SeededRandom(7);
    for (const [bank] of DUTCH_BANKS) {
      for (let i = 0; i < 200; i++) {
        const iban = randomDutchIban(random, bank.code);
        expect(normaliseIban(iban)).toBe(iban);
        expect(iban).toMatch(new RegExp(`^NL[0-9]{2}${bank.code}[0-9]{10}$`));
        if (bank.code !== 'INGB') expect(passesElfproef(iban.slice(8))).toBe(true);
      }
    }
  });

  it('builds SEPA creditor ids whose check digits verify (EPC262 example)', () => {
    const id = dutchCreditorId('12345678');
    expect(id).toMatch(/^NL[0-9]{2}ZZZ123456780000$/);
    expect(isValidCreditorId(id)).toBe(true);
    expect(isValidCreditorId(id.replace(/^NL(..)/, 'NL00'))).toBe(false);
  });

  it('gives an organisation the same IBAN and creditor id in every simulation', () => {
    const a = counterpartyNamed('Albert Heijn');
    expect(counterpartyNamed('Albert Heijn')).toEqual(a);
    expect(normaliseIban(a.iban)).toBe(a.iban);
    expect(isValidCreditorId(a.creditorId)).toBe(true);
  });
});

describe('seeded random', () => {
  it('repeats for a seed, differs between seeds, and copies its state', () => {
    const draws = (r: SeededRandom) => Array.from({ length: 5 }, () => r.nextUint32());
    expect(draws(new SeededRandom(1))).toEqual(draws(new SeededRandom(1)));
    expect(draws(new SeededRandom(1))).not.toEqual(draws(new SeededRandom(2)));
    const r = new SeededRandom(3);
    r.nextUint32();
    const copy = r.copy();
    expect(draws(copy)).toEqual(draws(r));
    expect(deriveSeed(1, 'household', 5)).not.toBe(deriveSeed(1, 'household', 6));
    expect(deriveSeed(1, 'household', 5)).not.toBe(deriveSeed(2 ** 32 + 1, 'household', 5));
  });
});

const day = (iso: string) => toDayNumber(iso);
const iso = (d: number) => fromDayNumber(d);

describe('paydays', () => {
  it('moves a salary on a weekend to the previous working day', () => {
    const salary: PaySchedule = { rule: 'monthly', dayOfMonth: 25, shift: 'previous_working_day' };
    // 2025-05-25 is a Sunday, 2025-10-25 a Saturday.
    expect(iso(nextPayday(salary, day('2025-05-01')))).toBe('2025-05-23');
    expect(iso(nextPayday(salary, day('2025-10-01')))).toBe('2025-10-24');
    expect(iso(nextPayday(salary, day('2025-06-01')))).toBe('2025-06-25');
    // Christmas: the 25th and 26th are closed, the 24th is a Wednesday.
    expect(iso(nextPayday(salary, day('2025-12-01')))).toBe('2025-12-24');
  });

  it('pays allowances on the 20th, or the next working day (Belastingdienst)', () => {
    const toeslag: PaySchedule = { rule: 'monthly', dayOfMonth: 20, shift: 'next_working_day' };
    expect(iso(nextPayday(toeslag, day('2025-09-01')))).toBe('2025-09-22'); // Saturday 20th
    expect(iso(nextPayday(toeslag, day('2025-07-01')))).toBe('2025-07-21'); // Sunday 20th
    expect(iso(nextPayday(toeslag, day('2025-10-01')))).toBe('2025-10-20'); // Monday
    expect(iso(nextPayday(toeslag, day('2025-04-01')))).toBe('2025-04-22'); // Easter Sunday, then Easter Monday
  });

  it('pays kinderbijslag once a quarter and skips Good Friday and Easter Monday', () => {
    const kinderbijslag: PaySchedule = { rule: 'quarterly', months: [1, 4, 7, 10], dayOfMonth: 3, shift: 'next_working_day' };
    expect(paydaysBetween(kinderbijslag, day('2026-01-01'), day('2027-01-01')).map(iso)).toEqual(['2026-01-05', '2026-04-07', '2026-07-03', '2026-10-05']);
  });

  it('pays four-weekly salaries every 28 days from the anchor', () => {
    const fourWeekly: PaySchedule = { rule: 'four_weekly', anchor: '2025-01-09', shift: 'previous_working_day' };
    const days = paydaysBetween(fourWeekly, day('2025-01-01'), day('2026-01-01'));
    expect(days).toHaveLength(13);
    // 2025-05-29 is Ascension Day: paid the day before.
    expect(days.map(iso)).toContain('2025-05-28');
  });

  it('always lands on the nearest working day in the schedule\'s direction (property)', () => {
    /** The clamped day `dom` of the months around a day. */
    const nominalDaysAround = (dom: number, around: number): number[] =>
      [-1, 0, 1].map((delta) => {
        const d = new Date(around * 86_400_000);
        const month = d.getUTCMonth() + delta;
        const last = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
        return Math.round(Date.UTC(d.getUTCFullYear(), month, Math.min(dom, last)) / 86_400_000);
      });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 31 }), fc.boolean(), fc.integer({ min: day('2024-01-01'), max: day('2030-12-31') }), (dom, previous, from) => {
        const schedule: PaySchedule = { rule: 'monthly', dayOfMonth: dom, shift: previous ? 'previous_working_day' : 'next_working_day' };
        const payday = nextPayday(schedule, from);
        expect(payday).toBeGreaterThanOrEqual(from);
        expect(isWorkingDay(payday)).toBe(true);
        // Some nominal day maps to this payday: every day between them is closed.
        const explained = nominalDaysAround(dom, payday).some((nominal) => {
          const [low, high] = previous ? [payday + 1, nominal] : [nominal, payday - 1];
          if (high - low > 7 || (previous ? nominal < payday : nominal > payday)) return false;
          for (let d = low; d <= high; d++) if (isWorkingDay(d)) return false;
          return true;
        });
        expect(explained).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
