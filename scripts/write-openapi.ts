/**
 * Writes openapi.yaml from the route schemas (the single source). The app is built on an in-memory
 * PGlite only because buildApp needs a database handle; no query runs except the settings row.
 */
import { writeFile } from 'node:fs/promises';
import { renderOpenApi } from './openapi-document.js';

const yaml = await renderOpenApi();
await writeFile(new URL('../openapi.yaml', import.meta.url), yaml);
console.log('openapi.yaml written');
