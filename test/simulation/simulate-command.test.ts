import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { simulateCommand } from '../../src/cli/commands/simulate.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function capture(tty = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  if (tty) {
    stream.isTTY = true;
    stream.columns = 100;
  }
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

async function run(argv: string[], tty = false) {
  const stdout = capture();
  const stderr = capture(tty);
  const code = await simulateCommand(argv, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('draagkracht simulate', () => {
  it('writes the world, reports progress as lines when stderr is not a terminal, and sums up on stdout', async () => {
    const out = mkdtempSync(join(tmpdir(), 'draagkracht-cli-'));
    dirs.push(out);
    const result = await run(['--households', '12', '--months', '9', '--seed', '3', '--out', out, '--truth-runs', '4', '--workers', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^wrote 12 households \(2025-01-01 to 2025-10-01, seed 3\)/);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('simulate:')).length).toBe(10);
    expect(result.stderr).not.toContain('\r');
    for (const file of ['manifest.json', 'events.jsonl', 'truth.jsonl', 'truth-arrears.csv']) expect(existsSync(join(out, file)), file).toBe(true);
    const truthLines = readFileSync(join(out, 'truth.jsonl'), 'utf8').trim().split('\n');
    expect(truthLines).toHaveLength(12);
    const csv = readFileSync(join(out, 'truth-arrears.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('household,as_of,p_arrears_90d,realised');
    expect(csv).toHaveLength(1 + 12 * 1); // one as-of date (1 July) whose 90 days end inside nine months
    const bankFiles = readdirSync(join(out, 'bank', '0000'));
    expect(bankFiles.some((f) => f.endsWith('.berlin-group.json'))).toBe(true);
    expect(bankFiles.some((f) => f.endsWith('.camt053.xml'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { totals: { households: number }; options: { truthRuns: number } };
    expect(manifest.totals.households).toBe(12);
    expect(manifest.options.truthRuns).toBe(4);
  });

  it('draws a progress bar on a terminal and writes only the chosen bank format', async () => {
    const out = mkdtempSync(join(tmpdir(), 'draagkracht-cli-'));
    dirs.push(out);
    const result = await run(['--households', '3', '--months', '3', '--seed', '1', '--out', out, '--format', 'camt', '--truth-runs', '0', '--workers', '1'], true);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/\r\[[█░]+\] 100\.0 % 3\/3 households/);
    expect(readdirSync(join(out, 'bank', '0000')).every((f) => f.endsWith('.camt053.xml'))).toBe(true);
  });

  it('explains what is wrong with the arguments', async () => {
    const missing = await run(['--months', '3', '--out', '/tmp/x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--households is required');
    const format = await run(['--households', '1', '--out', '/tmp/x', '--format', 'mt940']);
    expect(format.code).toBe(1);
    expect(format.stderr).toContain('--format must be one of');
    const start = await run(['--households', '1', '--out', join(tmpdir(), 'draagkracht-never'), '--start', '2025-01-15', '--truth-runs', '0']);
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('startDate must be the first of a month');
    const unknown = await run(['--households', '1', '--out', '/tmp/x', '--speed', 'fast']);
    expect(unknown.code).toBe(1);
  });
});
