/**
 * The project stands alone: no file under src/, test/ or docs/ may point at a reference folder
 * outside the repository (a path starting "shared" and a slash), which no reader of the project has.
 * Domain knowledge lives in docs/domain.md with its public sources. Files are read as bytes, so
 * fixtures in any encoding are checked too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Built from parts, so this file does not contain the text it looks for.
const NEEDLE = Buffer.from(['shared', '/'].join(''));


function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

function existingDirs(...names: string[]): string[] {
  return names.filter((name) => {
    try {
      return readdirSync(join(ROOT, name)) != null;
    } catch {
      return false;
    }
  });
}

describe('the project stands alone', () => {
  it('has docs/domain.md, where the domain knowledge the code cites lives', () => {
    expect(readFileSync(join(ROOT, 'docs/domain.md'), 'utf8')).toMatch(/beslagvrije voet/i);
  });

  it('cites no reference folder outside the repository from src/, test/ or docs/', () => {
    const dirs = existingDirs('src', 'test', 'docs');
    expect(dirs).toEqual(['src', 'test', 'docs']);
    const offenders: string[] = [];
    let checked = 0;
    for (const dir of dirs) {
      for (const file of filesUnder(join(ROOT, dir))) {
        const name = relative(ROOT, file).split('\\').join('/');
        checked += 1;
        if (readFileSync(file).includes(NEEDLE)) offenders.push(name);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });
});
