/**
 * Scores: the probability that a debtor falls into arrears within the horizon (90 days), its risk band,
 * and the reasons (exact TreeSHAP contributions in log-odds), from the tenant's champion model.
 *
 * Which model scores depends on consent, not on the caller: bank-data features are used only when a
 * valid consent with purpose early_warning_monitoring and access to transactions covers the debtor;
 * otherwise the data-points-only model scores and the answer says why.
 */
import { recordEvent, type NewEvent } from '../webhooks/events.js';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { AffordabilityEngine } from '../affordability/affordability.service.js';
import type { Database } from '../platform/database/schema.js';
import type { IsoDate } from '../platform/dates.js';
import { AppError, notFound } from '../platform/errors.js';
import type { FeatureSetId } from '../risk-features/catalogue.js';
import { featureRow } from '../risk-features/compute-features.js';
import { featureSnapshot, readSnapshots } from './feature-snapshots.js';
import { MODEL_ID_FOR_FEATURE_SET, type LoadedChampion, type ModelRegistry } from './registry.js';
import { ScoreServings } from './score-servings.js';
import type { ChangeFeed } from '../platform/database/change-feed.js';
import { ChangeScopedMemory, debtorScope, tenantScope } from '../platform/database/change-scoped-memory.js';
import type { RiskScore } from './risk-model.js';
import type { RiskBandName } from './risk-model-bundle.js';
import type { ModelVersionSource } from './risk-models.table.js';
import { metrics } from '../platform/metrics.js';

export const TOP_REASONS = 5;
export const MAX_DEBTORS_PER_REQUEST = 1000;

export type FeatureSetReasonCode = 'consent_valid' | 'no_consent' | 'consent_expired' | 'no_bank_model';

export interface ScoreReasonView {
  feature: string;
  /** The feature's value (null when missing). */
  value: number | null;
  /** Its contribution to the log-odds: positive raises the risk. */
  contribution: number;
}

export interface DebtorScore {
  scoreId: string;
  debtorId: string;
  asOf: IsoDate;
  horizonDays: number;
  /** Calibrated probability of arrears within horizonDays after asOf. */
  probability: number;
  band: { name: RiskBandName; observedRate: number | null };
  /** The model's raw output before calibration: base + Σ contributions (log-odds, or a probability for a forest: see outputSpace). */
  logOdds: number;
  outputSpace: 'log-odds' | 'probability';
  base: number;
  reasons: ScoreReasonView[];
  /** Every feature's contribution, so the sum can be checked. */
  contributions: Record<string, number>;
  model: { modelId: string; version: number; source: ModelVersionSource };
  featureSet: FeatureSetId;
  featureSetReason: { code: FeatureSetReasonCode; message: string };
  featureSnapshotId: string;
  scoredAt: string;
}

interface ConsentState {
  code: FeatureSetReasonCode;
  consentId: string | null;
  validUntil: string | null;
}

/** Scores kept per (tenant, model version, snapshot): enough for every debtor a busy instance scores repeatedly. */
const SCORE_CACHE_ENTRIES = 10_000;
/** Answers remembered per (tenant, debtor, as-of, today) for scoreRepeatable; as many as above. */
const REMEMBERED_SCORES = 10_000;

export class RiskScorer {
  /**
   * A model version and a snapshot never change, so neither does the score computed from them: a
   * repeated score of unchanged data reuses it instead of walking every tree again (TreeSHAP is most
   * of a warm score's own time, and grows with the model). Oldest entries leave first.
   */
  private readonly computed = new Map<string, RiskScore>();

  /** The answer per (tenant, debtor, as-of, today), for scoreRepeatable; the change feed empties it. */
  private readonly remembered: ChangeScopedMemory<DebtorScore>;
  private readonly servings: ScoreServings;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly registry: ModelRegistry,
    private readonly engine: AffordabilityEngine,
    changes: ChangeFeed,
    private readonly options: { earlyWarningBands: readonly string[]; log?: { warn: (obj: object, msg: string) => void } } = { earlyWarningBands: ['high', 'very_high'] },
  ) {
    this.remembered = new ChangeScopedMemory(changes, REMEMBERED_SCORES);
    this.servings = new ScoreServings(db, options.log ? { log: options.log } : {});
  }

  /**
   * Scores each debtor (in the order given) as of a date, stores every score with who asked, and
   * returns them. An id the tenant does not have fails the whole request with 404, naming it.
   */
  async score(tenantId: string, debtorIds: readonly string[], options: { asOf: IsoDate; today: IsoDate; requestedBy: string }): Promise<DebtorScore[]> {
    if (debtorIds.length === 0) return [];
    if (debtorIds.length > MAX_DEBTORS_PER_REQUEST) throw new AppError('invalid_parameter', `at most ${MAX_DEBTORS_PER_REQUEST} debtors per request`);
    const unique = [...new Set(debtorIds)];
    const single = unique.length === 1 ? unique[0]! : null;
    // The reads a score needs, side by side: latency is the slowest of them, not their sum. A single
    // debtor's stamp-and-snapshot read also answers 404 for an unknown id, so it needs no check of its own.
    const [known, consents, champions, singleSnapshots, previousBands] = await Promise.all([
      single ? null : this.db.selectFrom('debtors').select('id').where('tenant_id', '=', tenantId).where('id', 'in', unique).execute(),
      this.consentStates(tenantId, unique, options.today),
      this.registry.champions(tenantId, [MODEL_ID_FOR_FEATURE_SET['bank-and-data-points'], MODEL_ID_FOR_FEATURE_SET['data-points-only']]),
      single ? readSnapshots(this.db, tenantId, single, options.asOf) : null,
      this.latestBands(tenantId, unique),
    ]);
    if (known && known.length !== unique.length) {
      const have = new Set(known.map((r) => r.id));
      const missing = unique.filter((id) => !have.has(id));
      throw notFound(`debtor ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}`);
    }
    const bankChampion = champions.get(MODEL_ID_FOR_FEATURE_SET['bank-and-data-points']);
    const dataPointsChampion = champions.get(MODEL_ID_FOR_FEATURE_SET['data-points-only']);
    const scoredAt = new Date();
    const scores: DebtorScore[] = [];
    for (const debtorId of debtorIds) {
      let consent = consents.get(debtorId) ?? { code: 'no_consent', consentId: null, validUntil: null };
      if (consent.code === 'consent_valid' && !bankChampion) consent = { ...consent, code: 'no_bank_model' };
      const featureSet: FeatureSetId = consent.code === 'consent_valid' ? 'bank-and-data-points' : 'data-points-only';
      const champion = featureSet === 'bank-and-data-points' ? bankChampion : dataPointsChampion;
      if (!champion) throw new AppError('unprocessable_entity', `no model for ${featureSet} features: train one (POST /v1/models/training-runs) or install the starter models`);
      const snapshot = await featureSnapshot(this.db, this.engine, tenantId, debtorId, { asOf: options.asOf, today: options.today, featureSet, ...(singleSnapshots ? { found: singleSnapshots } : {}) });
      const { model } = champion;
      const result = this.modelScore(tenantId, champion, snapshot.id, () => featureRow(snapshot.vector, model.bundle.featureNames));
      const contributions: Record<string, number> = {};
      model.bundle.featureNames.forEach((name, i) => {
        contributions[name] = result.contributions[i]!;
      });
      const band = model.bundle.bands.find((b) => b.name === result.band)!;
      scores.push({
        scoreId: randomUUID(),
        debtorId,
        asOf: options.asOf,
        horizonDays: model.bundle.horizonDays,
        probability: result.probability,
        band: { name: band.name, observedRate: band.observedRate },
        logOdds: result.logOdds,
        outputSpace: result.outputSpace,
        base: result.base,
        reasons: result.reasons,
        contributions,
        model: { modelId: model.bundle.modelId, version: champion.version, source: champion.source },
        featureSet,
        featureSetReason: { code: consent.code, message: reasonMessage(consent) },
        featureSnapshotId: snapshot.id,
        scoredAt: scoredAt.toISOString(),
      });
    }
    // One statement for all the records. The score is the answer's record, not the answer: waiting for
    // its WAL flush was most of a warm score's database time. set_config(..., true) turns
    // synchronous_commit off for this statement's own transaction only, so a PostgreSQL crash can lose
    // the last fraction of a second of score records (never corrupt them); every other write keeps the
    // server's setting.
    const records = scores.map((s) => ({
      id: s.scoreId,
      debtor_id: s.debtorId,
      as_of: s.asOf,
      model_id: s.model.modelId,
      model_version: s.model.version,
      feature_set: s.featureSet,
      probability: s.probability,
      band: s.band.name,
      reasons: s.reasons,
      feature_snapshot_id: s.featureSnapshotId,
    }));
    const events = this.bandEvents(scores, previousBands);
    const insert = (db: Kysely<Database>, asyncCommit: boolean) => sql`
      insert into risk_scores (tenant_id, id, debtor_id, as_of, model_id, model_version, feature_set, probability, band, reasons, feature_snapshot_id, requested_by, created_at)
      select ${tenantId}, r.id, r.debtor_id, r.as_of, r.model_id, r.model_version, r.feature_set, r.probability, r.band, r.reasons, r.feature_snapshot_id, ${options.requestedBy}, ${scoredAt}
      from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(id uuid, debtor_id uuid, as_of date, model_id text, model_version integer, feature_set text, probability double precision, band text, reasons jsonb, feature_snapshot_id uuid)
      ${asyncCommit ? sql`cross join (select set_config('synchronous_commit', 'off', true)) as async_commit` : sql``}`.execute(db);
    if (events.length === 0) {
      await insert(this.db, true);
    } else {
      // A band change is promised to the tenant's receivers: its scores and events commit together and
      // durably (no async commit), so a receiver never hears of a score the database then lost.
      await this.db.transaction().execute(async (trx) => {
        await insert(trx, false);
        for (const event of events) await recordEvent(trx, tenantId, event);
      });
    }
    // Counted once stored: a score that failed to be recorded was not delivered either.
    for (const score of scores) metrics.scoresComputed.inc({ feature_set: score.featureSet });
    return scores;
  }

  /**
   * One debtor's score for an API key (GET /v1/debtors/:id/score). An unchanged debtor asked again on
   * the same day, for the same as-of date, gets the score this instance computed before: the same
   * score, the same id, not recomputed and not stored again (a repeat is not a new score, so it does
   * not weigh twice in what is learnt from stored scores), with the key that asked counted in
   * risk_score_servings (score-servings.ts). Anything else scores the full way (score()), which
   * stores the score and raises its band events, and is then remembered.
   *
   * What keeps memory honest is the change feed: the database announces every write to what the score
   * reads (the debtor's data points, bank data, corrections and consents; the tenant's policies,
   * learned rules and champions; the score's own erasure) and each instance drops what it remembered
   * for that debtor or tenant as it hears it; a new day is part of the key. While the feed is not
   * listening nothing is served from memory. A change heard while a score is being computed keeps
   * that score from being remembered (ChangeScopedMemory's mark), so the next request recomputes.
   */
  async scoreRepeatable(tenantId: string, debtorId: string, options: { asOf: IsoDate; today: IsoDate; keyId: string }): Promise<DebtorScore> {
    const key = `${tenantId}|${debtorId}|${options.asOf}|${options.today}`;
    const remembered = await this.remembered.get(key);
    if (remembered) {
      this.servings.record(tenantId, remembered.scoreId, options.keyId, options.today);
      metrics.scoresRemembered.inc({ feature_set: remembered.featureSet });
      return remembered;
    }
    const mark = this.remembered.mark();
    const [fresh] = await this.score(tenantId, [debtorId], { asOf: options.asOf, today: options.today, requestedBy: options.keyId });
    this.remembered.set(mark, key, fresh!, [debtorScope(tenantId, debtorId), tenantScope(tenantId)]);
    return fresh!;
  }

  /** Writes the serving counts still in memory (on close; tests). */
  async flushServings(): Promise<void> {
    await this.servings.flush();
  }

  async close(): Promise<void> {
    await this.servings.close();
  }

  /**
   * Each debtor's band in their latest stored score: what a new score's band is compared with. One
   * index probe per debtor (newest first, limit 1), however many scores a busy debtor has piled up.
   */
  private async latestBands(tenantId: string, debtorIds: readonly string[]): Promise<Map<string, { band: string; scoreId: string }>> {
    const { rows } = await sql<{ debtor_id: string; band: string; id: string }>`
      select d.debtor_id, s.band, s.id
      from unnest(${sql.val([...debtorIds])}::uuid[]) as d(debtor_id)
      cross join lateral (
        select r.band, r.id from risk_scores r
        where r.tenant_id = ${tenantId} and r.debtor_id = d.debtor_id
        order by r.created_at desc, r.id desc
        limit 1
      ) as s`.execute(this.db);
    return new Map(rows.map((r) => [r.debtor_id, { band: r.band, scoreId: r.id }]));
  }

  /**
   * risk.band_changed when a debtor's band differs from their previous stored score (a first score
   * changes nothing); risk.early_warning_raised when the band enters an early-warning band from outside
   * them, a first score included. A debtor scored twice in one request is compared with the first.
   */
  private bandEvents(scores: readonly DebtorScore[], previous: Map<string, { band: string; scoreId: string }>): NewEvent[] {
    const warning = new Set(this.options.earlyWarningBands);
    const events: NewEvent[] = [];
    const last = new Map(previous);
    for (const s of scores) {
      const before = last.get(s.debtorId) ?? null;
      last.set(s.debtorId, { band: s.band.name, scoreId: s.scoreId });
      const data = { scoreId: s.scoreId, band: s.band.name, previousBand: before?.band ?? null, previousScoreId: before?.scoreId ?? null, probability: Math.round(s.probability * 10_000) / 10_000, asOf: s.asOf, modelId: s.model.modelId, modelVersion: s.model.version, reasons: s.reasons.map((r) => r.feature) };
      const subject = { type: 'risk_score', id: s.scoreId };
      if (warning.has(s.band.name) && (before === null || !warning.has(before.band))) events.push({ type: 'risk.early_warning_raised', debtorId: s.debtorId, subject, data });
      if (before !== null && before.band !== s.band.name) events.push({ type: 'risk.band_changed', debtorId: s.debtorId, subject, data });
    }
    return events;
  }

  private modelScore(tenantId: string, champion: LoadedChampion, snapshotId: string, row: () => Float64Array): RiskScore {
    const key = JSON.stringify([tenantId, champion.model.bundle.modelId, champion.version, snapshotId]);
    const cached = this.computed.get(key);
    if (cached) return cached;
    const result = champion.model.score(row(), { topReasons: TOP_REASONS });
    this.computed.set(key, result);
    if (this.computed.size > SCORE_CACHE_ENTRIES) this.computed.delete(this.computed.keys().next().value!);
    return result;
  }

  /**
   * Consent per debtor for bank features, in one query for the whole request. Mirrors
   * requireConsent's rule (valid status, not past valid_until, purpose and access covered); a consent
   * whose date passed counts as expired even before the nightly job marks it so.
   */
  private async consentStates(tenantId: string, debtorIds: readonly string[], today: IsoDate): Promise<Map<string, ConsentState>> {
    const rows = await this.db
      .selectFrom('consents')
      .select(['id', 'debtor_id', 'status', 'valid_until', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('debtor_id', 'in', debtorIds)
      .where('purpose', '=', 'early_warning_monitoring')
      .where('access_transactions', '=', true)
      .where('status', 'in', ['valid', 'expired'])
      .orderBy('created_at', 'desc')
      .execute();
    const states = new Map<string, ConsentState>();
    for (const row of rows) {
      const validUntil = String(row.valid_until);
      const usable = row.status === 'valid' && validUntil >= today;
      const current = states.get(row.debtor_id);
      if (usable && current?.code !== 'consent_valid') states.set(row.debtor_id, { code: 'consent_valid', consentId: row.id, validUntil });
      else if (!current) states.set(row.debtor_id, { code: 'consent_expired', consentId: row.id, validUntil });
    }
    return states;
  }
}

function reasonMessage(consent: ConsentState): string {
  switch (consent.code) {
    case 'consent_valid':
      return `consent ${consent.consentId} (purpose early_warning_monitoring, access to transactions, valid until ${consent.validUntil}) covers the debtor's bank data, so bank and data-point features were used`;
    case 'consent_expired':
      return `the debtor's early_warning_monitoring consent ${consent.consentId} expired on ${consent.validUntil}; scored from data points alone by the data-points-only model`;
    case 'no_bank_model':
      return 'a valid early_warning_monitoring consent covers the debtor, but the tenant has no model for bank features; scored from data points alone';
    case 'no_consent':
      return 'no valid consent with purpose early_warning_monitoring and access to transactions covers the debtor; scored from data points alone by the data-points-only model';
  }
}
