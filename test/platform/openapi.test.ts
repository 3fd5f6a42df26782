import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderOpenApi } from '../../scripts/openapi-document.js';
import { createTestDatabase } from '../support/database.js';
import type { DatabaseHandle } from '../../src/platform/database/connection.js';

describe('openapi.yaml', () => {
  let database: DatabaseHandle;
  let generated: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    generated = await renderOpenApi(database);
  });
  afterAll(async () => database.close());

  it('is current: regenerate with `npm run openapi` when this fails', async () => {
    const committed = await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8');
    expect(committed).toBe(generated);
  });

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(parse(generated));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('gives every operation tags, a summary and response schemas', () => {
    const doc = parse(generated) as { paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(operations.length).toBeGreaterThan(3);
    for (const { path, method, op } of operations) {
      expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
      expect(op.summary, `${method} ${path} summary`).toBeTruthy();
      expect(Object.keys(op.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
    }
  });
});
