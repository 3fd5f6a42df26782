/**
 * The model report's JSON (report.types.ts) as a TypeBox schema: the route's documented response and
 * what the route tests validate every report against. Chart specifications are Vega-Lite documents
 * and left open (any object); everything else is described field by field.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { StringEnum } from '../platform/http/schemas.js';
import { RISK_BAND_NAMES, RISK_LEARNERS } from '../risk-models/risk-model-bundle.js';
import type { PsiReading } from './population-stability.js';
import { MODEL_REPORT_FORMAT, MODEL_REPORT_FORMAT_VERSION } from './report.types.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Num = Type.Number();
const NNum = Nullable(Type.Number());
const Int = Type.Integer({ minimum: 0 });
const NDate = Nullable(Type.String({ format: 'date' }));
const PsiReadingSchema = Nullable(StringEnum(['stable', 'watch', 'shifted'] as const satisfies readonly PsiReading[], { description: 'PSI below 0.1 stable, 0.1 to 0.25 watch, above 0.25 shifted' }));

const IntervalSchema = Nullable(Type.Object({ low: Num, high: Num, level: Num, resamples: Int }, { description: 'Bootstrap confidence interval (stratified by outcome, seeded)' }));

const DiscriminationSchema = Type.Object({
  auc: NNum,
  aucInterval: IntervalSchema,
  gini: NNum,
  giniInterval: IntervalSchema,
  ks: NNum,
  ksThreshold: NNum,
  roc: Type.Array(Type.Object({ falsePositiveRate: Num, truePositiveRate: Num, threshold: NNum })),
  deciles: Type.Array(
    Type.Object({
      decile: Int,
      rows: Int,
      positives: Int,
      minProbability: Num,
      maxProbability: Num,
      meanProbability: Num,
      observedRate: NNum,
      lift: NNum,
      cumulativeGain: NNum,
      cumulativeLift: NNum,
    }),
    { description: 'Decile 1 is the riskiest 10 %' },
  ),
  scoreDistribution: Type.Array(Type.Object({ binStart: Num, binEnd: Num, negatives: Int, positives: Int })),
});

const CalibrationSchema = Type.Object({
  brier: NNum,
  logLoss: NNum,
  ece: Type.Union([Num, Type.Null()], { description: 'Expected calibration error over the 10 reliability bins' }),
  reliability: Type.Array(Type.Object({ binStart: Num, binEnd: Num, rows: Int, meanPredicted: Num, observedRate: Num })),
  bands: Type.Array(
    Type.Object({ band: StringEnum(RISK_BAND_NAMES), minProbability: Num, maxProbability: Num, rows: Int, meanPredicted: NNum, observedRate: NNum, trainingObservedRate: NNum }),
  ),
});

const ConfusionSchema = Type.Object({
  threshold: Num,
  label: Type.String({ description: '"operating" or the band the threshold opens' }),
  truePositives: Int,
  falsePositives: Int,
  trueNegatives: Int,
  falseNegatives: Int,
  flaggedRate: Num,
  precision: NNum,
  recall: NNum,
  falsePositiveRate: NNum,
  specificity: NNum,
});

const StabilityBinSchema = Type.Object({ label: Type.String(), referenceShare: Num, windowShare: Num });

const StabilitySchema = Nullable(
  Type.Object({
    reference: Type.String(),
    score: Type.Object({ psi: NNum, reading: PsiReadingSchema, bins: Type.Array(StabilityBinSchema) }),
    features: Type.Array(
      Type.Object({
        feature: Type.String(),
        psi: NNum,
        reading: PsiReadingSchema,
        characteristicShift: NNum,
        bins: Type.Array(Type.Object({ label: Type.String(), referenceShare: Num, windowShare: Num, referenceObservedRate: NNum, windowObservedRate: NNum, meanContribution: NNum })),
      }),
    ),
    drift: Type.Boolean({ description: 'The score’s or any feature’s PSI is above 0.25' }),
  }),
);

const ExplanationSchema = Type.Object({
  outputSpace: StringEnum(['log-odds', 'probability'] as const),
  importance: Type.Array(Type.Object({ feature: Type.String(), meanAbsContribution: Num, share: Num })),
  dependence: Type.Array(Type.Object({ feature: Type.String(), points: Type.Array(Type.Object({ value: NNum, contribution: Num })) })),
  scorecard: Nullable(
    Type.Array(
      Type.Object({
        feature: Type.String(),
        informationValue: Num,
        bins: Type.Array(Type.Object({ label: Type.String(), woe: Num, points: NNum, rows: Nullable(Int), eventRate: NNum })),
      }),
    ),
  ),
  rowsExplained: Int,
});

const SegmentMetricsSchema = Type.Object({
  segment: Type.String(),
  value: Type.String(),
  rows: Int,
  positives: Int,
  meanPredicted: Num,
  observedRate: NNum,
  auc: NNum,
  brier: NNum,
  ece: NNum,
  flaggedRate: Num,
  falsePositiveRate: NNum,
  truePositiveRate: NNum,
});

const FairnessSchema = Type.Object({
  segments: Type.Array(
    Type.Object({
      segment: Type.String(),
      groups: Type.Array(SegmentMetricsSchema),
      gaps: Type.Object({ auc: NNum, flaggedRate: NNum, falsePositiveRate: NNum, truePositiveRate: NNum, calibrationGap: NNum }),
      statements: Type.Array(Type.String()),
    }),
  ),
  notSupplied: Type.Array(Type.String(), { description: 'Segments the evaluation set does not carry' }),
});

const HeadlineSchema = Type.Object({ modelId: Type.String(), version: Nullable(Type.Integer()), auc: NNum, gini: NNum, ks: NNum, brier: NNum, ece: NNum, logLoss: NNum });

const ComparisonSchema = Nullable(
  Type.Object({
    champion: HeadlineSchema,
    challenger: HeadlineSchema,
    difference: Type.Object({ auc: NNum, ks: NNum, brier: NNum, ece: NNum }, { description: 'Challenger minus champion, on the same rows' }),
    aucDifferenceInterval: IntervalSchema,
    rows: Int,
  }),
);

const MonitoringPointSchema = Type.Object({
  computedAt: Type.String(),
  windowFrom: Type.String(),
  windowTo: Type.String(),
  rows: Int,
  scorePsi: NNum,
  maxFeaturePsi: NNum,
  maxFeature: Nullable(Type.String()),
  rowsWithOutcome: Int,
  auc: NNum,
  brier: NNum,
  ece: NNum,
  drift: Type.Boolean(),
});

export const MonitoringSummarySchema = Nullable(
  Type.Object({ latest: Nullable(MonitoringPointSchema), drift: Type.Boolean(), points: Type.Optional(Type.Array(MonitoringPointSchema)) }, { description: 'The model version’s monitoring, when any has run' }),
);

export const ModelCardSectionSchema = Type.Object({
  intendedUse: Type.String(),
  notIntendedFor: Type.String(),
  data: Type.String(),
  features: Type.String(),
  limitations: Type.Array(Type.String()),
  legalContext: Type.String(),
  reproduce: Type.String({ description: 'The command or API request that rebuilds the model' }),
});

const ChartSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  spec: Type.Object({}, { additionalProperties: true, description: 'Vega-Lite v6 specification with its data inlined' }),
});

export const ModelReportSchema = Type.Object(
  {
    format: Type.Literal(MODEL_REPORT_FORMAT),
    formatVersion: Type.Literal(MODEL_REPORT_FORMAT_VERSION),
    model: Type.Object({
      modelId: Type.String(),
      version: Nullable(Type.Integer()),
      learner: StringEnum(RISK_LEARNERS),
      featureSet: Type.String(),
      catalogueVersion: Nullable(Type.String()),
      horizonDays: Type.Integer(),
      fingerprint: Type.String(),
      codeVersion: Type.String(),
      trainingWindow: Type.Object({ from: NDate, to: NDate }),
      trainingMetrics: Type.Object({}, { additionalProperties: true }),
    }),
    evaluation: Type.Object({
      description: Type.String(),
      window: Type.Object({ from: NDate, to: NDate }),
      rows: Int,
      positives: Int,
      rowsUsed: Int,
      operatingThreshold: Num,
    }),
    discrimination: DiscriminationSchema,
    calibration: CalibrationSchema,
    decisions: Type.Array(ConfusionSchema),
    stability: StabilitySchema,
    explanation: ExplanationSchema,
    fairness: FairnessSchema,
    comparison: ComparisonSchema,
    monitoring: MonitoringSummarySchema,
    modelCard: ModelCardSectionSchema,
    charts: Type.Array(ChartSchema),
    seed: Type.Integer(),
  },
  { description: 'Everything a model-risk committee asks about one model version on its evaluation rows (src/model-reports/report.types.ts)' },
);
