import { Type } from '@sinclair/typebox';
import { AUTHENTICATED_PROBLEMS, IsoDateSchema, problemResponses, StringEnum } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { BANK_FORMATS } from '../bank-data/canonical.js';
import type { AnalysisTransaction } from '../analytics/analysis-input.js';
import { sharedAffordabilityEngine } from './affordability.service.js';
import { HOUSEHOLD_TYPES } from './norms/norms.js';

const Open = (description: string) => Type.Object({}, { additionalProperties: true, description });
const Bilingual = Type.Object({ nl: Type.String(), en: Type.String() });

const MonthFiguresSchema = Type.Object(
  {
    month: Type.String({ description: 'YYYY-MM' }),
    stableIncomeCents: Type.Integer(),
    irregularIncomeCents: Type.Integer(),
    fixedEssentialCents: Type.Integer(),
    variableEssentialCents: Type.Integer(),
    debtServiceCents: Type.Integer(),
    disposableCents: Type.Integer(),
  },
  { additionalProperties: true },
);

export const AffordabilityReportSchema = Type.Object(
  {
    asOf: IsoDateSchema,
    rulesVersion: Type.String(),
    norms: Open('Which dated norms were used, their sources, and what the tenant overrode'),
    household: Open('The household type used for the norms, and whether it was given or inferred (with evidence)'),
    monthsAssessed: Type.Array(Type.String()),
    months: Type.Array(MonthFiguresSchema),
    average: Type.Object({}, { additionalProperties: true, description: 'Average month: the same figures as each month' }),
    protectedAmount: Open('The protected amount (beslagvrije voet) for the average month and how it was computed'),
    affordableInstalment: Type.Object(
      { lowCents: Type.Integer(), highCents: Type.Integer(), lowPercentile: Type.Number() },
      { additionalProperties: true, description: 'The monthly instalment range that never takes income below the protected amount' },
    ),
    incomeDays: Type.Array(Open('A day on which money arrives, learned from the data or from the calendar')),
    flags: Type.Array(
      Type.Object({ code: Type.String(), transactionIds: Type.Array(Type.String()), message: Bilingual }, { additionalProperties: true }),
    ),
    notes: Type.Array(Bilingual),
    explanation: Type.Object({ nl: Type.String({ description: 'Plain Dutch (B1)' }), en: Type.String() }),
  },
  { additionalProperties: true, $id: 'AffordabilityReport' },
);

const HouseholdQuery = {
  household: Type.Optional(StringEnum(HOUSEHOLD_TYPES, { description: 'Household type; else the debtor’s stored household, else inferred from the data' })),
  pensionAge: Type.Optional(Type.Boolean()),
};

const NullableText = (maxLength = 500) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Null()]));

const GivenTransactionSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100, description: 'Your id of the transaction; flags name it' }),
    accountIban: NullableText(40),
    status: Type.Optional(StringEnum(['booked', 'pending'] as const, { default: 'booked' })),
    bookingDate: IsoDateSchema,
    valueDate: Type.Optional(Type.Union([IsoDateSchema, Type.Null()])),
    amountCents: Type.Integer({ description: 'Signed: money in is positive' }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', default: 'EUR' })),
    counterpartyName: NullableText(),
    counterpartyIban: NullableText(40),
    remittanceUnstructured: NullableText(1000),
    remittanceStructured: NullableText(),
    creditorId: NullableText(40),
    mandateId: NullableText(),
    bankTransactionCode: NullableText(40),
    proprietaryCode: NullableText(40),
    returnReasonCode: NullableText(8),
    reversal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export async function affordabilityRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;
  const engine = sharedAffordabilityEngine(deps);
  // This module owns the shared engine's worker threads: they end with the app.
  app.addHook('onClose', () => engine.close());

  app.get(
    '/v1/debtors/:debtorId/affordability',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      schema: {
        tags: ['affordability'],
        summary: 'Affordability report as of a date: income, costs, protected amount, affordable instalment range, income days, flags, plain-language explanation',
        description: 'Reads the debtor’s bank data under a valid consent for affordability assessment or a repayment plan.',
        params: DebtorParamsSchema,
        querystring: Type.Object({ asOf: Type.Optional(IsoDateSchema), ...HouseholdQuery }),
        response: { 200: Type.Ref('AffordabilityReport'), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 422) },
      },
    },
    async (request) => {
      const { household, pensionAge, asOf } = request.query;
      return engine.assessStored(db, tenantOf(request), request.params.debtorId, {
        asOf: asOf ?? deps.today(),
        today: deps.today(),
        ...(household ? { household: { composition: household, ...(pensionAge !== undefined ? { pensionAge } : {}) } } : {}),
      });
    },
  );

  app.post(
    '/v1/affordability',
    {
      config: { auth: { roles: ['creditor', 'analyst'] } },
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags: ['affordability'],
        summary: 'Affordability report from transactions you bring; nothing is stored',
        description: `For creditors that already hold the debtor's transactions (with the debtor's consent). Same report as for a stored debtor. Bank files in any of ${BANK_FORMATS.length} formats can be turned into this shape with \`draagkracht parse\`.`,
        body: Type.Object(
          {
            asOf: IsoDateSchema,
            household: Type.Optional(Type.Object({ composition: StringEnum(HOUSEHOLD_TYPES), pensionAge: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
            ownIbans: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20, description: 'The debtor’s own accounts: transfers between them are neither income nor cost' })),
            accountHolderNames: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 })),
            transactions: Type.Array(GivenTransactionSchema, { maxItems: 50_000 }),
            balances: Type.Optional(
              Type.Array(
                Type.Object(
                  { accountIban: NullableText(40), date: IsoDateSchema, amountCents: Type.Integer(), type: Type.Optional(StringEnum(['closingBooked', 'openingBooked', 'interimBooked', 'interimAvailable', 'closingAvailable', 'forwardAvailable', 'expected', 'other'] as const)) },
                  { additionalProperties: false },
                ),
                { maxItems: 5000 },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('AffordabilityReport'), ...problemResponses(...AUTHENTICATED_PROBLEMS, 413, 422) },
      },
    },
    async (request) => {
      const body = request.body;
      const transactions: AnalysisTransaction[] = body.transactions.map((t) => ({
        id: t.id,
        accountIban: t.accountIban ?? null,
        status: t.status ?? 'booked',
        bookingDate: t.bookingDate,
        valueDate: t.valueDate ?? null,
        amountCents: t.amountCents,
        currency: t.currency ?? 'EUR',
        counterpartyName: t.counterpartyName ?? null,
        counterpartyIban: t.counterpartyIban ?? null,
        remittanceUnstructured: t.remittanceUnstructured ?? null,
        remittanceStructured: t.remittanceStructured ?? null,
        creditorId: t.creditorId ?? null,
        mandateId: t.mandateId ?? null,
        bankTransactionCode: t.bankTransactionCode ?? null,
        proprietaryCode: t.proprietaryCode ?? null,
        returnReasonCode: t.returnReasonCode ?? null,
        reversal: t.reversal ?? false,
      }));
      return engine.assessGiven(db, tenantOf(request), {
        transactions,
        balances: (body.balances ?? []).map((b) => ({ accountIban: b.accountIban ?? null, date: b.date, amountCents: b.amountCents, type: b.type ?? 'closingBooked' })),
        ownIbans: body.ownIbans ?? [],
        accountHolderNames: body.accountHolderNames ?? [],
        asOf: body.asOf,
        ...(body.household ? { household: body.household } : {}),
      });
    },
  );
}
