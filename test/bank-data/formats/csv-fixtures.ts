/** Reading the CSV fixtures and asserting refusals, shared by the per-bank CSV tests. */
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../fixtures/bank-formats/nl-bank-csv/', import.meta.url);

export const csvFixture = (path: string): Buffer => readFileSync(new URL(path, ROOT));

export { refusal } from './refusal.js';

export const sumOfCents = (amounts: Array<{ amountCents: number }>): number => amounts.reduce((sum, a) => sum + a.amountCents, 0);
