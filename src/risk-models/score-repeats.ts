/**
 * Group commit for repeated scores: the risk_score_repeat calls (migration 2026-12-07-002) of the
 * requests that arrive together go to PostgreSQL as one statement, one row per request, and each
 * request's answer waits for that statement's commit. Under load this turns twenty round trips, twenty
 * transactions and twenty backend wake-ups into one; alone, a request goes out on the next turn of the
 * event loop, so an idle service adds no latency. Nothing is acknowledged before it is stored.
 *
 * At most MAX_IN_FLIGHT statements run at once (requests that arrive meanwhile queue for the next one),
 * so a burst takes few pool connections and leaves the rest to other routes.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../platform/database/schema.js';
import type { IsoDate } from '../platform/dates.js';
import { FEATURE_CATALOGUE_VERSION } from '../risk-features/catalogue.js';

const MAX_IN_FLIGHT = 2;
/** Rows per statement: bounds the statement's size and how long its transaction holds what it inserts. */
const MAX_BATCH = 100;

/** One repeat: the score this instance remembers (null fields when it remembers none) and who asks. */
export interface ScoreRepeat {
  tenantId: string;
  debtorId: string;
  keyId: string;
  modelIds: readonly string[];
  fingerprint: string | null;
  scoreId: string | null;
  asOf: IsoDate;
  modelId: string | null;
  modelVersion: number | null;
  featureSet: string | null;
  probability: number | null;
  band: string | null;
  /** The score's reasons as stored (risk_scores.reasons), or null. */
  reasons: unknown;
  featureSnapshotId: string | null;
  scoredAt: string | null;
}

export interface ScoreRepeatAnswer {
  keyValid: boolean;
  /** The debtor's fingerprint now; null for a debtor the tenant does not have. */
  fingerprint: string | null;
  /** True when the remembered score was stored again: the answer may be given. */
  stored: boolean;
}

interface Waiting {
  repeat: ScoreRepeat;
  resolve: (answer: ScoreRepeatAnswer) => void;
  reject: (error: unknown) => void;
}

export class ScoreRepeatQueue {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly db: Kysely<Database>) {}

  repeat(repeat: ScoreRepeat): Promise<ScoreRepeatAnswer> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ repeat, resolve, reject });
      this.schedule();
    });
  }

  /** Sends on the next turn of the event loop, so the requests parsed in this turn share a statement. */
  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.send();
    });
  }

  private async send(): Promise<void> {
    if (this.inFlight >= MAX_IN_FLIGHT || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, MAX_BATCH);
    this.inFlight++;
    try {
      const answers = await this.run(batch.map((w) => w.repeat));
      batch.forEach((w, i) => w.resolve(answers[i]!));
    } catch (error) {
      // One row's failure (a snapshot erased a moment ago, say) must not fail the others: alone, each
      // fails or succeeds on its own.
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const w of batch) this.run([w.repeat]).then(([answer]) => w.resolve(answer!), w.reject);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async run(repeats: readonly ScoreRepeat[]): Promise<ScoreRepeatAnswer[]> {
    const rows = repeats.map((r, i) => ({
      i,
      tenant: r.tenantId,
      debtor: r.debtorId,
      key: r.keyId,
      models: r.modelIds,
      fingerprint: r.fingerprint,
      id: r.scoreId,
      as_of: r.asOf,
      model_id: r.modelId,
      model_version: r.modelVersion,
      feature_set: r.featureSet,
      probability: r.probability,
      band: r.band,
      reasons: r.reasons,
      snapshot: r.featureSnapshotId,
      created_at: r.scoredAt,
    }));
    // Rows in the order given (a lateral call per row, in one transaction): a debtor twice in a batch
    // is compared with its first repeat's band, as two requests one after the other would be.
    const { rows: answers } = await sql<{ i: number; key_valid: boolean; fingerprint: string | null; stored: boolean }>`
      select b.i, r.key_valid, r.fingerprint, r.stored
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as b(i integer, tenant text, debtor uuid, key uuid, models text[], fingerprint text, id uuid, as_of date, model_id text, model_version integer, feature_set text, probability double precision, band text, reasons jsonb, snapshot uuid, created_at timestamptz)
      cross join lateral risk_score_repeat(b.tenant, b.debtor, b.key, ${FEATURE_CATALOGUE_VERSION}, b.models, b.fingerprint, b.id, b.as_of, b.model_id, b.model_version, b.feature_set, b.probability, b.band, b.reasons, b.snapshot, b.created_at) as r
      order by b.i`.execute(this.db);
    const byIndex = new Map(answers.map((a) => [a.i, a]));
    return repeats.map((_, i) => {
      const a = byIndex.get(i);
      if (!a) throw new Error(`risk_score_repeat gave no answer for row ${i}`);
      return { keyValid: a.key_valid, fingerprint: a.fingerprint, stored: a.stored };
    });
  }
}
