import type { ColumnType, Generated } from 'kysely';
import type { DataPointEvent } from './data-point.schema.js';

export interface DataPointEventTable {
  tenant_id: string;
  id: Generated<number>;
  /** The creditor's id of the event: the idempotency key. */
  event_id: string;
  debtor_id: string;
  type: string;
  occurred_on: string;
  invoice_id: string | null;
  amount_cents: number | null;
  /** The event exactly as accepted, so derived signals can be recomputed as of any date. */
  payload: ColumnType<DataPointEvent, string, string>;
  /** Hash of the canonical event, to tell an identical resend from a different event under the same id. */
  content_hash: string;
  received_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface DataPointTables {
  data_point_events: DataPointEventTable;
}
