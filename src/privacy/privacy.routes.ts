import { Readable } from 'node:stream';
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { AUTHENTICATED_PROBLEMS, DateTimeSchema, problemResponses } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { ConsentSchema } from '../consent/consent.routes.js';
import { AccountSchema, BalanceSchema, TransactionSchema } from '../bank-data/bank-data.routes.js';
import { eraseDebtor, openDebtorExport, type DebtorExportStream } from './privacy.service.js';
import { CorrectionSchema } from '../categorisation-corrections/corrections.routes.js';
import type { DataPointEvent } from '../data-points/data-point.schema.js';
import { ClaimRecordSchema } from '../claims/claims.routes.js';
import { PlanOfferRecordSchema, PlanRecordSchema } from '../repayment-plans/repayment-plans.routes.js';
import { ReferralSchema } from '../debt-help/referrals.routes.js';
import { UploadDraftRecordSchema } from '../bank-data/upload-drafts.schema.js';
import { WebhookEventSchema } from '../webhooks/webhooks.routes.js';
import { BankAuthorisationSchema } from '../bank-connections/bank-connections.routes.js';

// additionalProperties: without it the serializer writes each stored event as {}.
const DataPointItemSchema = Type.Unsafe<DataPointEvent>({ type: 'object', additionalProperties: true, description: 'A stored data point, as accepted' });

export async function privacyRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  const { db } = deps.database;

  app.get(
    '/v1/debtors/:debtorId/export',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['privacy'],
        summary: 'Everything held on a debtor (GDPR art. 15 access request)',
        description:
          'One JSON document, streamed as it is read from the database in batches, so its size is not limited by memory. ' +
          'An unknown debtor answers 404 before anything is sent; should the database fail part-way, the connection is closed and the document stays incomplete (invalid JSON), never silently short.',
        params: DebtorParamsSchema,
        response: {
          200: Type.Object({
            exportedAt: DateTimeSchema,
            debtor: Type.Ref('Debtor'),
            consents: Type.Array(ConsentSchema),
            accounts: Type.Array(AccountSchema),
            transactions: Type.Array(TransactionSchema),
            balances: Type.Array(BalanceSchema),
            bankUploadDrafts: Type.Array(UploadDraftRecordSchema),
            dataPoints: Type.Array(DataPointItemSchema),
            categoryCorrections: Type.Array(CorrectionSchema),
            claims: Type.Array(ClaimRecordSchema),
            planOffers: Type.Array(PlanOfferRecordSchema),
            repaymentPlans: Type.Array(PlanRecordSchema),
            debtHelpReferrals: Type.Array(ReferralSchema),
            webhookEvents: Type.Array(WebhookEventSchema, { description: 'Events about the debtor in the webhook outbox (sent or to be sent to the creditor’s endpoints)' }),
            bankAuthorisations: Type.Array(BankAuthorisationSchema, { description: 'Banks the debtor connected: status and pull times (the data read is under accounts, transactions, balances)' }),
          }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404),
        },
      },
    },
    async (request, reply) => {
      const exported = await openDebtorExport(db, tenantOf(request), request.params.debtorId, new Date());
      // A stream bypasses the response serializer, so each part goes through the same schema's
      // serializer here: the document is what the schema describes, byte for byte as before.
      const stream = Readable.from(exportDocument(exported, reply), { objectMode: false });
      // The typed reply expects the document object; a stream of its text is what is sent instead.
      return reply.type('application/json; charset=utf-8').send(stream as never);
    },
  );

  app.delete(
    '/v1/debtors/:debtorId',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['privacy'],
        summary: 'Erase a debtor and everything held on them (GDPR art. 17); the audit trail keeps counts only',
        params: DebtorParamsSchema,
        response: { 204: Type.Null({ description: 'Erased' }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      await db.transaction().execute((trx) => eraseDebtor(trx, tenantId, request.params.debtorId, `api_key:${request.auth!.keyId}`));
      return reply.status(204).send(null);
    },
  );
}

/** The export document as text chunks: one chunk per batch of rows. */
async function* exportDocument(exported: DebtorExportStream, reply: FastifyReply): AsyncGenerator<string> {
  const serializer = (schema: TSchema) => reply.compileSerializationSchema(schema) as (value: unknown) => string;
  yield `{"exportedAt":${JSON.stringify(exported.exportedAt)},"debtor":${serializer(Type.Ref('Debtor'))(exported.debtor)}`;
  const sections: [string, () => AsyncIterable<unknown[]>, TSchema][] = [
    ['consents', exported.consents, Type.Ref('Consent')],
    ['accounts', exported.accounts, AccountSchema],
    ['transactions', exported.transactions, Type.Ref('Transaction')],
    ['balances', exported.balances, BalanceSchema],
    ['bankUploadDrafts', exported.bankUploadDrafts, UploadDraftRecordSchema],
    ['dataPoints', exported.dataPoints, DataPointItemSchema],
    ['categoryCorrections', exported.categoryCorrections, CorrectionSchema],
    ['claims', exported.claims, ClaimRecordSchema],
    ['planOffers', exported.planOffers, PlanOfferRecordSchema],
    ['repaymentPlans', exported.repaymentPlans, PlanRecordSchema],
    ['debtHelpReferrals', exported.debtHelpReferrals, ReferralSchema],
    ['webhookEvents', exported.webhookEvents, WebhookEventSchema],
    ['bankAuthorisations', exported.bankAuthorisations, BankAuthorisationSchema],
  ];
  for (const [name, batches, schema] of sections) {
    const serialize = serializer(schema);
    let first = true;
    yield `,"${name}":[`;
    for await (const batch of batches()) {
      if (batch.length === 0) continue;
      yield (first ? '' : ',') + batch.map(serialize).join(',');
      first = false;
    }
    yield ']';
  }
  yield '}';
}
