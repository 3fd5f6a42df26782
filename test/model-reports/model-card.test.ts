/**
 * The model card section: intended use and its limits, the law, and the command that rebuilds the
 * model, for each way a model comes to be (starter, Taiwan, a tenant's training run, a directory);
 * the segment gaps it cannot measure named from the evaluation rows; and the markdown card saying
 * the same words as the report.
 */
import { describe, expect, it } from 'vitest';
import { modelCardSection, provenanceOfDirectory, TAIWAN_MODEL_ID } from '../../src/model-reports/model-card-section.js';
import { renderModelCard } from '../../src/risk-models/model-card.js';
import type { RiskModelBundle } from '../../src/risk-models/risk-model-bundle.js';
import { syntheticBundle } from '../risk-models/registry-support.js';
import { syntheticEvaluation } from './evaluation-support.js';

const starterLike = (bundle: RiskModelBundle): RiskModelBundle => ({ ...bundle, metrics: { ...bundle.metrics, oracleAuc: 0.95 } });

describe('model card section', () => {
  it('says what the model is for and never for, and the law: a human decides', async () => {
    const bundle = await syntheticBundle('data-points-only');
    const section = modelCardSection(bundle, { provenance: { kind: 'directory', command: null } });
    expect(section.intendedUse).toMatch(/early warning/i);
    expect(section.intendedUse).toMatch(/person/);
    expect(section.notIntendedFor).toMatch(/never an automated refusal/i);
    for (const text of ['AI Act', 'Annex III point 5(b)', 'art. 22', 'C-634/21', 'SCHUFA', 'a human decides']) expect(section.legalContext).toContain(text);
    expect(section.features).toContain(`${bundle.featureNames.length} features`);
    expect(section.data).toContain(`${bundle.window.from} to ${bundle.window.to}`);
    // The same bundle gives the same words, every time.
    expect(modelCardSection(bundle, { provenance: { kind: 'directory', command: null } })).toEqual(section);
  });

  it('names the command that rebuilds each kind of model', async () => {
    const bundle = await syntheticBundle('data-points-only', { seed: 8 });
    const starter = starterLike({ ...bundle, modelId: 'early-warning-data-points' });
    expect(provenanceOfDirectory(starter)).toEqual({ kind: 'starter' });
    const starterCard = modelCardSection(starter, { provenance: provenanceOfDirectory(starter) });
    expect(starterCard.reproduce).toMatch(/^npm run model:starter/);
    expect(starterCard.limitations.join(' ')).toMatch(/simulated world/);

    const taiwan = { ...bundle, modelId: TAIWAN_MODEL_ID, featureSet: 'table' as const, catalogueVersion: null };
    const taiwanCard = modelCardSection(taiwan, { provenance: provenanceOfDirectory(taiwan) });
    expect(taiwanCard.reproduce).toMatch(/^npm run model:taiwan/);
    expect(taiwanCard.limitations.join(' ')).toMatch(/must not score Dutch debtors/);
    expect(taiwanCard.data).toMatch(/Taiwan/);

    const run = modelCardSection(bundle, { provenance: { kind: 'training-run', runId: '0b6f3c1e-7d1a-4a57-9d0c-3f4b8f2a1c00', options: { modelId: 'early-warning-data-points', featureSet: 'data-points-only', learner: 'random-forest', seed: 8 } } });
    expect(run.reproduce).toContain('POST /v1/models/training-runs {"featureSet":"data-points-only","modelId":"early-warning-data-points","learner":"random-forest","seed":8}');
    expect(run.reproduce).toContain('0b6f3c1e-7d1a-4a57-9d0c-3f4b8f2a1c00');
    expect(run.reproduce).toContain(bundle.fingerprint);
    // A tenant's own data is not a simulated world.
    expect(run.limitations.join(' ')).not.toMatch(/simulated world/);
  });

  it('names the segments whose gaps cannot be measured, from the evaluation rows', async () => {
    const bundle = await syntheticBundle('data-points-only');
    const evaluation = syntheticEvaluation(bundle, { rows: 50 });
    const card = modelCardSection(bundle, { provenance: { kind: 'directory', command: null }, evaluation });
    const gap = card.limitations.find((l) => l.startsWith('Segment gaps cannot be measured'));
    expect(gap).toBeDefined();
    expect(gap).toContain('income source');
    expect(gap).toContain('age band');
    expect(gap).not.toContain('household type');
    expect(gap).not.toContain('region');
    expect(card.data).toContain('50 rows the model never learned from (synthetic test rows)');
    // A column present but entirely unknown is not supplied either.
    const blank = { ...evaluation, segments: { ...evaluation.segments, region: evaluation.ids.map(() => null) } };
    expect(modelCardSection(bundle, { provenance: { kind: 'directory', command: null }, evaluation: blank }).limitations.join(' ')).toContain('region');
  });

  it('is what the markdown card says', async () => {
    const bundle = starterLike({ ...(await syntheticBundle('data-points-only')), modelId: 'early-warning-data-points' });
    const markdown = renderModelCard(bundle);
    const section = modelCardSection(bundle, { provenance: { kind: 'starter' } });
    for (const text of [section.intendedUse, section.notIntendedFor, section.legalContext, ...section.limitations]) expect(markdown).toContain(text);
  });
});
