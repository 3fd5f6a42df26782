import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateHouseholds } from '../../src/simulation/simulate-households.js';
import { serializeHousehold } from '../../src/simulation/simulation-output.js';
import { runSimulationToDirectory } from '../../src/simulation/simulation-run.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'draagkracht-sim-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every file under a directory with the hash of its bytes. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const SMALL = { households: 30, months: 10, truthRuns: 4, formats: ['berlin-group', 'camt'] as const };

describe('determinism', () => {
  it('writes byte-identical files for the same seed, on one thread or on two', async () => {
    const a = tempDir();
    const b = tempDir();
    await runSimulationToDirectory({ ...SMALL, seed: 42, outDir: a, workers: 1 });
    await runSimulationToDirectory({ ...SMALL, seed: 42, outDir: b, workers: 2 });
    const fa = fingerprint(a);
    expect(Object.keys(fa).length).toBeGreaterThan(SMALL.households * 2);
    expect(fingerprint(b)).toEqual(fa);
  });

  it('writes different worlds for different seeds', async () => {
    const a = tempDir();
    const b = tempDir();
    await runSimulationToDirectory({ ...SMALL, households: 5, seed: 1, outDir: a, workers: 1 });
    await runSimulationToDirectory({ ...SMALL, households: 5, seed: 2, outDir: b, workers: 1 });
    expect(readFileSync(join(a, 'events.jsonl'), 'utf8')).not.toBe(readFileSync(join(b, 'events.jsonl'), 'utf8'));
    expect(readFileSync(join(a, 'truth.jsonl'), 'utf8')).not.toBe(readFileSync(join(b, 'truth.jsonl'), 'utf8'));
  });

  it('gives household i the same life whether 10 or 50 are simulated', () => {
    const options = { months: 9, seed: 7, truthRuns: 4 };
    const ten = [...simulateHouseholds({ ...options, households: 10 })];
    const fifty = [...simulateHouseholds({ ...options, households: 50 })];
    for (let i = 0; i < 10; i++) {
      expect(serializeHousehold(fifty[i]!, ['berlin-group', 'camt'])).toEqual(serializeHousehold(ten[i]!, ['berlin-group', 'camt']));
    }
    // And from a later first index, as when work is split across processes.
    const tail = [...simulateHouseholds({ ...options, households: 5, firstIndex: 45 })];
    expect(tail.map((h) => h.truth)).toEqual(fifty.slice(45).map((h) => h.truth));
  });

  it('does not let the Monte Carlo truth change the actual life', () => {
    const withTruth = [...simulateHouseholds({ households: 8, months: 9, seed: 3, truthRuns: 8 })];
    const without = [...simulateHouseholds({ households: 8, months: 9, seed: 3, truthRuns: 0 })];
    expect(without.map((h) => h.events)).toEqual(withTruth.map((h) => h.events));
    expect(without.map((h) => h.accounts)).toEqual(withTruth.map((h) => h.accounts));
  });
});
