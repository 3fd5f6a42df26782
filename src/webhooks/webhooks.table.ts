import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookEndpointTable {
  tenant_id: string;
  id: string;
  url: string;
  secret: string;
  event_types: ColumnType<string[], string, string>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  secret_rotated_at: NullableTimestamp;
  /** The secret before the last rotation, still signing beside the new one until previous_secret_until. */
  previous_secret: ColumnType<string | null, string | null | undefined, string | null>;
  previous_secret_until: NullableTimestamp;
}

export interface WebhookEventTable {
  tenant_id: string;
  id: string;
  seq: ColumnType<string, never, never>;
  type: string;
  debtor_id: string | null;
  subject_type: string;
  subject_id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  occurred_at: Timestamp;
}

export interface WebhookDeliveryTable {
  tenant_id: string;
  id: string;
  event_id: string;
  endpoint_id: string;
  debtor_id: string | null;
  event_seq: ColumnType<string, string | number | bigint, string | number | bigint>;
  status: DeliveryStatus;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_attempt_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface WebhookPlanNoticeTable {
  tenant_id: string;
  plan_id: string;
  notice: string;
  created_at: Timestamp;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_plan_notices: WebhookPlanNoticeTable;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookEventRow = Selectable<WebhookEventTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
