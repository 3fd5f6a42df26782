/**
 * A hand-made household for the plan tests: a monthly salary on the 23rd (the working day before
 * when that is not one), rent on the 1st, energy on the 5th and groceries every Saturday, written as a
 * Berlin Group statement and uploaded through the API like any bank data.
 */
import { expect } from 'vitest';
import { shiftToWorkingDay } from '../../src/analytics/calendar/dutch-holidays.js';
import { addDays, addMonths, weekday, type IsoDate } from '../../src/platform/dates.js';
import { writeBerlinGroupTransactions } from '../../src/simulation/berlin-group.writer.js';
import type { SimulatedAccount, SimulatedBankTransaction } from '../../src/simulation/simulation.types.js';
import { upload } from '../support/flows.js';
import { bearer, type TestApp, type TestTenant } from '../support/test-app.js';

export const DEBTOR_IBAN = 'NL91ABNA0417164300';
export const PAYEE = { name: 'Energie Leverancier BV', iban: 'NL20INGB0001234567', bic: 'INGBNL2A' };

export interface HouseholdShape {
  salaryCents: number;
  rentCents: number;
  energyCents: number;
  groceriesPerWeekCents: number;
}

let sequence = 0;
function tx(date: IsoDate, amountCents: number, counterpartyName: string, remittance: string, counterpartyIban: string | null, code: string, category: SimulatedBankTransaction['category']): SimulatedBankTransaction {
  sequence += 1;
  return { transactionId: `plan-tx-${sequence}`, status: 'booked', bookingDate: date, valueDate: date, amountCents, counterpartyName, counterpartyIban, remittance, bankTransactionCode: code, creditorId: null, mandateId: null, endToEndId: null, returnReasonCode: null, category };
}

/** Months of history ending the day before `until`. */
export function householdStatement(shape: HouseholdShape, from: IsoDate, until: IsoDate): SimulatedAccount {
  const transactions: SimulatedBankTransaction[] = [];
  for (let month = from; month < until; month = addMonths(month, 1)) {
    const ym = month.slice(0, 7);
    const push = (t: SimulatedBankTransaction) => {
      if (t.bookingDate >= from && t.bookingDate < until) transactions.push(t);
    };
    push(tx(`${ym}-01`, -shape.rentCents, 'Woonstichting De Linie', 'Huur woning', 'NL44RABO0123456789', 'PMNT-ICDT-ESCT', 'expense.housing'));
    push(tx(`${ym}-05`, -shape.energyCents, 'Vattenfall', 'Termijnbedrag energie', 'NL36INGB0007654321', 'PMNT-IDDT-ESDD', 'expense.energy'));
    push(tx(shiftToWorkingDay(`${ym}-23`, 'previous'), shape.salaryCents, 'Werkgever Jansen BV', `Salaris ${ym}`, 'NL02ABNA0123456789', 'PMNT-RCDT-SALA', 'income.salary'));
  }
  for (let day = from; day < until; day = addDays(day, 1)) {
    if (weekday(day) === 6) transactions.push(tx(day, -shape.groceriesPerWeekCents, 'Albert Heijn 1234', 'Betaalautomaat', null, 'PMNT-CCRD-POSD', 'expense.groceries'));
  }
  transactions.sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : 1));
  const total = transactions.reduce((s, t) => s + t.amountCents, 0);
  return { iban: DEBTOR_IBAN, bic: 'ABNANL2A', bankName: 'ABN AMRO', ownerName: 'J. de Vries', kind: 'current', openedOn: '2015-01-01', closedOn: null, statementFrom: from, statementTo: addDays(until, -1), openingBalanceCents: 100_000, closingBookedBalanceCents: 100_000 + total, transactions };
}

/** A statement with only the given debits (the debtor paying instalments). */
export function debitsStatement(debits: { date: IsoDate; amountCents: number; counterpartyIban: string; remittance: string }[]): SimulatedAccount {
  const transactions = debits.map((d) => tx(d.date, -d.amountCents, PAYEE.name, d.remittance, d.counterpartyIban, 'PMNT-ICDT-ESCT', 'expense.other'));
  const from = debits.map((d) => d.date).sort()[0]!;
  const to = debits.map((d) => d.date).sort().at(-1)!;
  return { iban: DEBTOR_IBAN, bic: 'ABNANL2A', bankName: 'ABN AMRO', ownerName: 'J. de Vries', kind: 'current', openedOn: '2015-01-01', closedOn: null, statementFrom: from, statementTo: to, openingBalanceCents: 0, closingBookedBalanceCents: -debits.reduce((s, d) => s + d.amountCents, 0), transactions };
}

export async function uploadStatement(t: TestApp, tenant: TestTenant, debtorId: string, account: SimulatedAccount): Promise<void> {
  const res = await upload(t, tenant, debtorId, writeBerlinGroupTransactions(account), { contentType: 'application/json' });
  expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
}

/** A debtor with a consent for repayment plans valid `validDays` from `today`, granted through the debtor's link. */
export async function debtorWithPlanConsent(t: TestApp, tenant: TestTenant, externalRef: string, today: IsoDate, validDays = 180): Promise<{ debtorId: string; consentLinkToken: string }> {
  const debtor = await t.app.inject({ method: 'POST', url: '/v1/debtors', headers: bearer(tenant.keys.creditor), payload: { externalRef, household: { composition: 'single' } } });
  expect(debtor.statusCode, debtor.body).toBeLessThan(300);
  const debtorId = debtor.json().id as string;
  const consent = await t.app.inject({
    method: 'POST',
    url: `/v1/debtors/${debtorId}/consents`,
    headers: bearer(tenant.keys.creditor),
    payload: { access: { accounts: true, balances: true, transactions: true }, purpose: 'repayment_plan', validUntil: addDays(today, validDays), frequencyPerDay: 100, recurringIndicator: true },
  });
  expect(consent.statusCode, consent.body).toBe(201);
  const { CURRENT_CONSENT_TEXT_VERSION } = await import('../../src/consent/consent.service.js');
  const granted = await t.app.inject({ method: 'POST', url: `/v1/consent-links/${consent.json().linkToken}/grant`, payload: { textVersion: CURRENT_CONSENT_TEXT_VERSION, agreed: true } });
  expect(granted.statusCode, granted.body).toBe(200);
  return { debtorId, consentLinkToken: consent.json().linkToken as string };
}
