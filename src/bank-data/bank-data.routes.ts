import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AUTHENTICATED_PROBLEMS, IsoDateSchema, problemResponses, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { tenantOf, type AppDeps, type AppInstance } from '../platform/http/types.js';
import { AppError } from '../platform/errors.js';
import { CONFIG_ENV_NAMES } from '../platform/config.js';
import { DebtorParamsSchema } from '../debtors/debtors.routes.js';
import { requireConsent } from '../consent/consent.service.js';
import { BANK_FORMATS, BankFileError, WARNING_ACTIONS } from './canonical.js';
import { FileCapError } from './formats/prescan.js';
import type { BankFileParser } from './parse-pool.js';
import { ingestStatement } from './ingestion.service.js';
import { listAccounts, listBalances, listTransactions } from './bank-data.queries.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const TransactionSchema = Type.Object(
  {
    id: Type.String(),
    accountId: UuidSchema,
    status: StringEnum(['booked', 'pending'] as const),
    bookingDate: IsoDateSchema,
    valueDate: Type.Union([IsoDateSchema, Type.Null()]),
    amountCents: Type.Integer({ description: 'Signed: money in is positive' }),
    currency: Type.String(),
    counterpartyName: NullableString,
    counterpartyIban: NullableString,
    counterpartyBic: NullableString,
    remittanceUnstructured: NullableString,
    remittanceStructured: NullableString,
    endToEndId: NullableString,
    mandateId: NullableString,
    creditorId: NullableString,
    bankTransactionCode: NullableString,
    proprietaryCode: NullableString,
    returnReasonCode: Type.Union([Type.String({ description: 'ISO 20022 return reason, e.g. AM04' }), Type.Null()]),
    reversal: Type.Boolean(),
    sourceId: NullableString,
    sourceFormat: Type.String(),
  },
  { $id: 'Transaction' },
);

export const AccountSchema = Type.Object({
  id: UuidSchema,
  consentId: UuidSchema,
  iban: NullableString,
  otherId: NullableString,
  currency: NullableString,
  ownerName: NullableString,
  servicerBic: NullableString,
});

export const BalanceSchema = Type.Object({
  accountId: UuidSchema,
  type: Type.String(),
  rawType: Type.String(),
  amountCents: Type.Integer(),
  currency: Type.String(),
  date: IsoDateSchema,
});

/** Paging as on GET /v1/debtors: `limit` with a maximum, and the opaque `nextCursor` of the previous page. */
function PageQuerySchema(defaultLimit: number, maxLimit: number) {
  return Type.Object({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxLimit, default: defaultLimit })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  });
}

const NextCursorSchema = Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' });

function pageOptions(query: { limit?: number; cursor?: string }, defaultLimit: number): { limit: number; cursor?: string } {
  return { limit: query.limit ?? defaultLimit, ...(query.cursor ? { cursor: query.cursor } : {}) };
}

const UPLOAD_CONTENT_TYPES = [
  'application/json',
  'application/xml',
  'text/xml',
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/octet-stream',
  'application/x-ndjson',
];

const UploadResultSchema = Type.Object({
  uploadId: UuidSchema,
  consentId: UuidSchema,
  format: StringEnum(BANK_FORMATS),
  accounts: Type.Array(Type.Object({ id: UuidSchema, iban: NullableString, otherId: NullableString, currency: NullableString })),
  accepted: Type.Integer({ description: 'New transactions stored' }),
  duplicates: Type.Integer({ description: 'Transactions already held (resends and overlapping periods)' }),
  replacedPending: Type.Integer({ description: 'Pending transactions replaced by their booked version or a newer snapshot' }),
  balances: Type.Integer(),
  rejected: Type.Array(Type.Object({ location: Type.String(), reason: Type.String() }), { description: 'Entries skipped in lenient mode, with their place' }),
  warnings: Type.Array(
    Type.Object({
      location: Type.String({ description: 'Where in the file: "line 12", "Stmt[0]/Bal[1]/Dt", "/balances/0"' }),
      field: Type.String({ description: 'The field as the format names it (":60F:", "Bal/Dt", "valueDate")' }),
      reason: Type.String(),
      action: StringEnum(WARNING_ACTIONS, { description: 'dropped: the value was removed; repaired: a value derived from elsewhere in the file took its place; kept: kept in a neutral form (an unknown balance code as type other); cleaned: characters that are not text were removed' }),
    }),
    { description: 'Flaws in secondary fields (balances, balance types, value dates beside a booking date, control characters in text): never a reason to refuse the file, so listed here with what was done' },
  ),
});

/** Maps a parser's complaint to the API's problem codes, naming the place in the file. */
export function bankFileProblem(error: BankFileError): AppError {
  if (error instanceof FileCapError) {
    return new AppError('payload_too_large', `${error.reason} (setting ${CONFIG_ENV_NAMES[error.cap]})`, { cap: error.cap, limit: error.limit, format: error.format });
  }
  const fieldErrors = [{ in: 'body' as const, pointer: error.location, message: error.reason, code: error.kind }];
  switch (error.kind) {
    case 'unsupported':
      return new AppError('unsupported_format', error.reason, { errors: fieldErrors });
    case 'unsafe':
      return new AppError('unsafe_file', error.reason, { errors: fieldErrors, location: error.location });
    case 'too_large':
      return new AppError('payload_too_large', error.reason);
    default:
      return new AppError('unprocessable_file', `${error.format}: ${error.location}: ${error.reason}`, { errors: fieldErrors, location: error.location, format: error.format });
  }
}

/** The parser's workers are shared with the debtor's page, so the app passes one pool to both. */
export async function bankDataRoutes(app: AppInstance, deps: AppDeps, parser: BankFileParser): Promise<void> {
  const { db } = deps.database;
  // A listening server starts its parse workers at once; in-process tests (inject) start them on first use.
  app.addHook('onListen', async () => parser.warm());
  app.addHook('onClose', () => parser.close());

  // Uploads keep the raw bytes: bank files carry their own encodings and the adapters read them.
  await app.register(async (plain) => {
    const uploads = plain.withTypeProvider<TypeBoxTypeProvider>();
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser(UPLOAD_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: deps.config.uploadLimitBytes }, (_request, body, done) => done(null, body));

    uploads.post(
      '/v1/debtors/:debtorId/bank-data',
      {
        config: { auth: { roles: ['creditor'] } },
        bodyLimit: deps.config.uploadLimitBytes,
        schema: {
          tags: ['bank-data'],
          summary: 'Upload a bank file or PSD2 response for the debtor (atomic, idempotent, consent-bound)',
          description:
            'Send the file as the body: Berlin Group or UK Open Banking JSON, camt.052/053/054 XML, MT940/MT942, or a Dutch bank CSV export. The format is taken from the `format` parameter, else detected. Strict by default: one malformed entry rejects the whole file with its place named; `lenient=true` stores the valid entries and lists the rejected ones. A flaw in a secondary field (a balance, a balance type, a value date beside a booking date, control characters in text) never refuses the file: the value is dropped or repaired and listed in `warnings`. Resending, or sending overlapping periods, never duplicates.',
          params: DebtorParamsSchema,
          querystring: Type.Object({
            format: Type.Optional(StringEnum(BANK_FORMATS)),
            consentId: Type.Optional(UuidSchema),
            lenient: Type.Optional(Type.Boolean({ default: false })),
          }),
          body: Type.Unsafe<Buffer>({
            description: 'The bank file',
            content: Object.fromEntries(UPLOAD_CONTENT_TYPES.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
          }),
          response: {
            200: UploadResultSchema,
            201: UploadResultSchema,
            ...problemResponses(...AUTHENTICATED_PROBLEMS, 404, 413, 415, 422, 429),
          },
        },
      },
      async (request, reply) => {
        const tenantId = tenantOf(request);
        const body = request.body as unknown;
        if (!Buffer.isBuffer(body) || body.byteLength === 0) throw new AppError('unprocessable_file', 'the body is empty; send the bank file as the request body');
        let parsed;
        try {
          // Off the event loop, with caps and a heap limit: see parse-pool.ts. The body is moved to the worker.
          parsed = await parser.parse(body, {
            ...(request.query.format ? { format: request.query.format } : {}),
            lenient: request.query.lenient ?? false,
            hints: { contentType: request.headers['content-type'] ?? '' },
          });
        } catch (error) {
          if (error instanceof BankFileError) throw bankFileProblem(error);
          throw error;
        }
        const now = new Date();
        const result = await db.transaction().execute((trx) =>
          ingestStatement(
            trx,
            {
              tenantId,
              debtorId: request.params.debtorId,
              ...(request.query.consentId ? { consentId: request.query.consentId } : {}),
              statement: parsed.statement,
              dedupeKeys: parsed.dedupeKeys,
              fileSha256: parsed.sha256,
              byteSize: parsed.byteSize,
              actor: `api_key:${request.auth!.keyId}`,
            },
            { today: deps.today(), now, timeZone: deps.config.tenantTimeZone },
          ),
        );
        reply.status(result.accepted > 0 ? 201 : 200);
        return result;
      },
    );
  });

  const readContext = () => ({ today: deps.today() });

  app.get(
    '/v1/debtors/:debtorId/transactions',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['bank-data'],
        summary: 'The debtor’s stored transactions (under a valid consent), in storage order',
        params: DebtorParamsSchema,
        querystring: Type.Object({
          from: Type.Optional(IsoDateSchema),
          to: Type.Optional(IsoDateSchema),
          status: Type.Optional(StringEnum(['booked', 'pending'] as const)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
          cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$', description: 'nextCursor of the previous page' })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref('Transaction')), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...problemResponses(...AUTHENTICATED_PROBLEMS, 404),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      await requireConsent(db, tenantId, request.params.debtorId, { access: ['transactions'] }, readContext());
      const limit = request.query.limit ?? 1000;
      const items = await listTransactions(db, tenantId, request.params.debtorId, {
        ...(request.query.from ? { from: request.query.from } : {}),
        ...(request.query.to ? { to: request.query.to } : {}),
        ...(request.query.status ? { status: request.query.status } : {}),
        ...(request.query.cursor ? { afterId: Number(request.query.cursor) } : {}),
        limit: limit + 1,
      });
      const page = items.slice(0, limit);
      return { items: page, nextCursor: items.length > limit ? page[page.length - 1]!.id : null };
    },
  );

  app.get(
    '/v1/debtors/:debtorId/accounts',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['bank-data'],
        summary: 'The debtor’s bank accounts held under valid consents, oldest first, a page at a time',
        params: DebtorParamsSchema,
        querystring: PageQuerySchema(100, 500),
        response: { 200: Type.Object({ items: Type.Array(AccountSchema), nextCursor: NextCursorSchema }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      await requireConsent(db, tenantId, request.params.debtorId, { access: ['accounts'] }, readContext());
      return listAccounts(db, tenantId, request.params.debtorId, pageOptions(request.query, 100));
    },
  );

  app.get(
    '/v1/debtors/:debtorId/balances',
    {
      config: { auth: { roles: ['creditor'] } },
      schema: {
        tags: ['bank-data'],
        summary: 'The debtor’s balances held under a valid consent, by date, a page at a time',
        params: DebtorParamsSchema,
        querystring: PageQuerySchema(1000, 5000),
        response: { 200: Type.Object({ items: Type.Array(BalanceSchema), nextCursor: NextCursorSchema }), ...problemResponses(...AUTHENTICATED_PROBLEMS, 404) },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      await requireConsent(db, tenantId, request.params.debtorId, { access: ['balances'] }, readContext());
      return listBalances(db, tenantId, request.params.debtorId, pageOptions(request.query, 1000));
    },
  );
}
