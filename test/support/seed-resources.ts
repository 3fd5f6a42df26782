/**
 * Creates one of every kind of resource for tenant A, through the same domain functions the API
 * uses, so the access tests can aim other tenants' keys at real ids.
 */
import { createApiKey } from '../../src/tenants/api-key.service.js';
import type { TestApp } from './test-app.js';

export interface SeededResources {
  tenantId: string;
  apiKeyId: string;
  /** A key the route tests may revoke. */
  spareApiKeyId: string;
}

export async function seedTenantResources(t: TestApp): Promise<SeededResources> {
  const spare = await createApiKey(t.database.db, { tenantId: t.tenantA.id, role: 'analyst', label: 'spare' });
  return { tenantId: t.tenantA.id, apiKeyId: t.tenantA.keyIds.creditor, spareApiKeyId: spare.id };
}
