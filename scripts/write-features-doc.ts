/** Writes docs/features.md from the feature catalogue (the single source). */
import { writeFile } from 'node:fs/promises';
import { renderFeaturesDoc } from '../src/risk-features/features-doc.js';

await writeFile(new URL('../docs/features.md', import.meta.url), renderFeaturesDoc());
console.log('docs/features.md written');
