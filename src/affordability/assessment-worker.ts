/**
 * The assessment worker's entry (see assessment-pool.ts): compiles the tenant's rules once per rules
 * version and assesses each request with the norms of its as-of date.
 */
import { compileRuleSet, type CompiledRuleSet } from '../analytics/categorisation/categorise.js';
import { DEFAULT_RULE_SET } from '../analytics/categorisation/default-rules.js';
import { serveTasks } from '../platform/workers/worker-task.js';
import { assessAffordability } from './assess-affordability.js';
import type { AssessmentErrorData, AssessmentRequest } from './assessment-pool.js';
import { normsAt, NormsError } from './norms/norms.js';
import type { AffordabilityReport } from './report.types.js';

/** A few tenants' compiled rules; a new version of a tenant's rules replaces its entry. */
const compiled = new Map<string, CompiledRuleSet>();
const MAX_RULE_SETS = 32;

function rulesFor(request: AssessmentRequest): CompiledRuleSet {
  let rules = compiled.get(request.rulesKey);
  if (!rules) {
    rules = compileRuleSet(DEFAULT_RULE_SET, request.tenantRules);
    compiled.set(request.rulesKey, rules);
    while (compiled.size > MAX_RULE_SETS) compiled.delete(compiled.keys().next().value!);
  }
  return rules;
}

serveTasks<AssessmentRequest, never, AffordabilityReport>(
  (request) => {
    const { categoryCorrections, ...input } = request.input;
    const norms = normsAt(input.asOf, request.overrides);
    return assessAffordability({ ...input, ...(categoryCorrections ? { categoryCorrections: new Map(categoryCorrections) } : {}), norms, rules: rulesFor(request) });
  },
  (error): AssessmentErrorData | null => (error instanceof NormsError ? { kind: 'norms', message: error.message } : null),
);
