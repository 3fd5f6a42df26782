/**
 * The cost table and settings write-off recommendations are computed with: per collection route the
 * steps and what each costs the creditor, how often the route is paid relative to the debtor's
 * payment probability, and how long the money takes; the annual discount rate; and the thresholds of
 * the rules. The shipped defaults are src/write-off/collection-costs.json (each figure with its source
 * or marked as an assumption); a tenant replaces the whole document (policy kind `collection_costs`).
 *
 * Glossary
 * - route: a way to collect a claim: an affordable plan, standard dunning (reminders and the 14-day
 *   letter), a collection agency, or court and bailiff (one route: a bailiff needs a judgment).
 * - step cost `always`: paid whatever happens (the summons); `if_unpaid`: only when the debtor has not
 *   paid by then (serving the judgment, enforcement), so its expected cost is cost × (1 − p).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import defaultsFile from './collection-costs.json' with { type: 'json' };

export const COLLECTION_ROUTES = ['plan', 'standard_dunning', 'agency', 'court_and_bailiff'] as const;
export type CollectionRoute = (typeof COLLECTION_ROUTES)[number];

const BasisPoints = (description: string) => Type.Integer({ minimum: 0, maximum: 10_000, description });
const Source = Type.String({ minLength: 1, maxLength: 2000, description: 'Where the figure comes from, or that it is an assumption' });
const Cents = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: `${description} In euro cents.` });

export const CostStepSchema = Type.Object(
  {
    step: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9_]+$', description: 'A name for the step, such as summons' }),
    cents: Type.Optional(Cents('What the step costs the creditor.')),
    bands: Type.Optional(
      Type.Array(Type.Object({ upToCents: Type.Union([Cents('Upper edge of the claim amount, inclusive.'), Type.Null()]), cents: Cents('What the step costs for a claim in this band.') }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 20,
        description: 'A cost that depends on the claim amount (a court fee): the first band whose upToCents is at or above the amount; the last band is open (null).',
      }),
    ),
    incurred: Type.Union([Type.Literal('always'), Type.Literal('if_unpaid')], { description: 'always: paid whatever happens; if_unpaid: only when the debtor has not paid by this step, so expected at cost × (1 − p)' }),
    source: Source,
  },
  { additionalProperties: false },
);

export const RouteCostsSchema = Type.Object(
  {
    probabilityFactorBasisPoints: BasisPoints('How often this route is paid relative to the debtor’s payment probability (10000 = as often); the result is capped at 100 %'),
    months: Type.Integer({ minimum: 0, maximum: 120, description: 'Months until the money comes; for a plan, its length when no affordability report gives it' }),
    commissionBasisPoints: BasisPoints('Share of what is collected that goes to a third party (an agency’s commission)'),
    steps: Type.Array(CostStepSchema, { maxItems: 20 }),
    source: Source,
  },
  { additionalProperties: false },
);

export const CollectionCostsConfigSchema = Type.Object(
  {
    annualDiscountRateBasisPoints: Type.Integer({ minimum: 0, maximum: 10_000, description: 'Annual rate money later is discounted at' }),
    annualDiscountRateSource: Source,
    maxPlanMonths: Type.Integer({ minimum: 1, maximum: 120 }),
    maxPlanMonthsSource: Source,
    paymentProbability: Type.Object(
      {
        affordableAtLowBasisPoints: BasisPoints('Payment probability when the claim is paid within maxPlanMonths at the low (bad-month) affordable instalment'),
        affordableAtHighBasisPoints: BasisPoints('… only at the high (average-month) affordable instalment'),
        notAffordableBasisPoints: BasisPoints('… at neither'),
        noDataBasisPoints: BasisPoints('… without a risk model and without an affordability report (assumed)'),
        source: Source,
      },
      { additionalProperties: false, description: 'Used when no champion risk model scores the debtor' },
    ),
    routes: Type.Object(
      { plan: RouteCostsSchema, standard_dunning: RouteCostsSchema, agency: RouteCostsSchema, court_and_bailiff: RouteCostsSchema },
      { additionalProperties: false },
    ),
    rules: Type.Object(
      {
        smallClaimGoodHistory: Type.Object(
          {
            thresholdCents: Cents('Claims with a total due at or below this are small.'),
            minPaidInvoices: Type.Integer({ minimum: 0, maximum: 1000 }),
            maxSharePaidLateBasisPoints: BasisPoints('Highest share of paid invoices paid late for a good history'),
            source: Source,
          },
          { additionalProperties: false },
        ),
        complexDebt: Type.Object(
          {
            minCollectors: Type.Integer({ minimum: 1, maximum: 100, description: 'Different collection agencies or bailiffs paid in the window' }),
            paydayCredit: Type.Boolean({ description: 'Whether any payday or consumer loan paid out in the window counts as complex debt' }),
            minCreditorsWithReturns: Type.Integer({ minimum: 1, maximum: 100, description: 'Different creditors whose direct debits came back in the window' }),
            windowDays: Type.Integer({ minimum: 1, maximum: 730 }),
            source: Source,
          },
          { additionalProperties: false },
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type CostStep = Static<typeof CostStepSchema>;
export type RouteCosts = Static<typeof RouteCostsSchema>;
export type CollectionCostsConfig = Static<typeof CollectionCostsConfigSchema>;

export class CollectionCostsConfigError extends Error {
  constructor(
    readonly pointer: string,
    reason: string,
  ) {
    super(`${pointer}: ${reason}`);
    this.name = 'CollectionCostsConfigError';
  }
}

/**
 * What the schema cannot say: a step has either a fixed cost or bands, bands rise and end open. A
 * config that breaks these would make a route's cost undefined for some claims.
 */
export function checkCollectionCostsConfig(config: CollectionCostsConfig): CollectionCostsConfig {
  for (const route of COLLECTION_ROUTES) {
    config.routes[route].steps.forEach((step, i) => {
      const at = `/routes/${route}/steps/${i}`;
      if ((step.cents === undefined) === (step.bands === undefined)) throw new CollectionCostsConfigError(at, 'give either cents or bands');
      if (step.bands) {
        let previous = -1;
        step.bands.forEach((band, j) => {
          const last = j === step.bands!.length - 1;
          if (last !== (band.upToCents === null)) throw new CollectionCostsConfigError(`${at}/bands/${j}`, 'only the last band is open (upToCents null)');
          if (band.upToCents !== null && band.upToCents <= previous) throw new CollectionCostsConfigError(`${at}/bands/${j}`, 'band edges must rise');
          previous = band.upToCents ?? previous;
        });
      }
    });
  }
  return config;
}

let defaults: CollectionCostsConfig | undefined;

/** The shipped defaults, validated on first use. */
export function defaultCollectionCostsConfig(): CollectionCostsConfig {
  if (!defaults) {
    const document: unknown = defaultsFile.document;
    if (!Value.Check(CollectionCostsConfigSchema, document)) {
      const first = Value.Errors(CollectionCostsConfigSchema, document).First();
      throw new CollectionCostsConfigError(`collection-costs.json${first?.path ?? ''}`, first?.message ?? 'invalid');
    }
    defaults = checkCollectionCostsConfig(document);
  }
  return structuredClone(defaults);
}

/** What a step costs for a claim of `amountCents`. */
export function stepCostCents(step: CostStep, amountCents: number): number {
  if (step.cents !== undefined) return step.cents;
  const band = step.bands!.find((b) => b.upToCents === null || amountCents <= b.upToCents);
  return band!.cents;
}
