/**
 * A staged upload draft (upload-drafts.service.ts) and its statement summary (statement-summary.ts) as
 * TypeBox schemas: the GDPR export documents and serialises drafts with them. The bytes are never part
 * of it: the export says what was staged, not the bank file again.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { DateTimeSchema, IsoDateSchema, StringEnum, UuidSchema } from '../platform/http/schemas.js';
import { BANK_FORMATS } from './canonical.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });

export const AccountSummarySchema = Type.Object({
  iban: Nullable(Type.String()),
  otherId: Nullable(Type.String()),
  currency: Nullable(Type.String()),
  ownerName: Nullable(Type.String()),
  transactions: Count,
  booked: Count,
  pending: Count,
  firstDate: Nullable(IsoDateSchema),
  lastDate: Nullable(IsoDateSchema),
  creditsCents: Type.Integer({ minimum: 0, description: 'Sum of the money in, in cents' }),
  debitsCents: Type.Integer({ minimum: 0, description: 'Sum of the money out, in cents, as a positive number' }),
});

export const StatementSummarySchema = Type.Object(
  {
    format: StringEnum(BANK_FORMATS),
    accounts: Type.Array(AccountSummarySchema),
    totals: Type.Object({
      accounts: Count,
      transactions: Count,
      booked: Count,
      pending: Count,
      firstDate: Nullable(IsoDateSchema),
      lastDate: Nullable(IsoDateSchema),
      months: Type.Integer({ minimum: 0, description: 'Calendar months the period first..last date touches' }),
      fullMonths: Type.Integer({ minimum: 0, description: 'Whole calendar months within first..last date' }),
      balances: Count,
      warnings: Count,
      rejected: Count,
    }),
  },
  { description: 'What was read from the file, as the debtor was shown it' },
);

export const UploadDraftRecordSchema = Type.Object(
  {
    id: UuidSchema,
    consentId: UuidSchema,
    fileName: Nullable(Type.String({ maxLength: 200 })),
    format: StringEnum(BANK_FORMATS),
    byteSize: Count,
    summary: StatementSummarySchema,
    createdAt: DateTimeSchema,
    expiresAt: DateTimeSchema,
  },
  { description: 'A bank file the debtor uploaded and has not yet confirmed or discarded (kept at most a day); its bytes are not exported' },
);
