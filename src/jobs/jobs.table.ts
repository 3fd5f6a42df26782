import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: read as parsed JSON, written as a JSON string (as elsewhere in the schema). */
type Json = ColumnType<unknown, string | undefined, string>;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A run of a job for one scheduled slot, service-wide (see migrations/2026-12-06-002-job-runs.ts). */
export interface JobRunTable {
  id: string;
  job: string;
  slot: Timestamp;
  status: JobStatus;
  instance_id: string;
  started_at: Timestamp;
  heartbeat_at: Timestamp;
  finished_at: NullableTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  error: string | null;
  parts_total: ColumnType<number, number | undefined, number>;
  totals: Json;
}

/** One leased unit of a run's work, owned by a tenant (or '_service' for service-wide work). */
export interface JobRunPartTable {
  tenant_id: string;
  run_id: string;
  part_key: string;
  job: string;
  slot: Timestamp;
  status: JobStatus;
  input: Json;
  instance_id: string | null;
  lease_until: NullableTimestamp;
  attempts: ColumnType<number, number | undefined, number>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  error: string | null;
  totals: Json;
}

export type JobRunRow = Selectable<JobRunTable>;
export type JobRunPartRow = Selectable<JobRunPartTable>;

export interface JobTables {
  job_runs: JobRunTable;
  job_run_parts: JobRunPartTable;
}
