/**
 * CLI hygiene: --help on every command, canonical JSON lines recognised without --format, warnings in
 * the output, --lenient on every command that reads files, and a closed pipe ending the CLI quietly.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../analytics/cli-runner.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endQuietlyOnBrokenPipe, main } from '../../src/cli/main.js';

async function run(args: string[]) {
  const { code, stdout, stderr } = await runCommand(main, args);
  return { code, out: stdout, err: stderr };
}

const fixturePath = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CAMT = fixturePath('bank-formats/camt/synthetic/camt053-budgetbeheer-balance-without-dt.xml');
const DAY_35 = fixturePath('bank-formats/mt940/synthetic/value-date-day-35.sta');
const RABO_POINT = fixturePath('bank-formats/mt940/synthetic/rabobank-old-decimal-point.sta');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(nodePath.join(os.tmpdir(), 'dk-cli-hygiene-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('--help', () => {
  const commands = [['serve'], ['migrate'], ['keys'], ['keys', 'create'], ['keys', 'revoke'], ['parse'], ['categorise'], ['affordability'], ['simulate']];
  for (const command of commands) {
    it(`draagkracht ${command.join(' ')} --help prints its usage and exits 0 without running`, async () => {
      for (const flag of ['--help', '-h']) {
        const { code, out, err } = await run([...command, flag]);
        expect(code).toBe(0);
        expect(err).toBe('');
        expect(out).toMatch(new RegExp(`^usage: draagkracht ${command.join(' ')}`));
      }
    });
  }

  it('the usage names --lenient for every command that reads bank files', async () => {
    for (const command of ['parse', 'categorise', 'affordability']) expect((await run([command, '--help'])).out).toContain('--lenient');
  });

  it('draagkracht --help lists every command', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'migrate', 'keys create', 'keys revoke', 'parse', 'categorise', 'affordability', 'simulate']) expect(out).toContain(`  ${command}`);
  });
});

describe('parse', () => {
  it('reads its own output again without --format, whatever the member order', async () => {
    const first = await run(['parse', CAMT]);
    expect(first.code).toBe(0);
    const reordered = first.out
      .trim()
      .split('\n')
      .map((line) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(line) as Record<string, unknown>).reverse())))
      .join('\n');
    const file = nodePath.join(dir, 'statement.jsonl');
    for (const content of [first.out, reordered]) {
      await writeFile(file, content);
      const again = await run(['parse', file]);
      expect(again.err).toBe('');
      expect(again.code).toBe(0);
      const lines = again.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toEqual({ kind: 'statement', format: 'canonical-jsonl' });
      expect(lines.filter((l) => l.kind === 'transaction').map((l) => l.amountCents)).toEqual([125_000, -112_975]);
    }
  });

  it('prints the warnings as {"kind":"warning"} lines', async () => {
    const { code, out } = await run(['parse', CAMT]);
    expect(code).toBe(0);
    const warnings = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.kind === 'warning');
    expect(warnings).toEqual([
      { kind: 'warning', location: 'Stmt[0]/Bal[0]/Dt', field: 'Bal/Dt', reason: expect.stringContaining('2026-10-01'), action: 'repaired' },
      { kind: 'warning', location: 'Stmt[0]/Bal[1]/Tp', field: 'Bal/Tp', reason: expect.stringContaining('BDGT'), action: 'kept' },
    ]);
  });

  it('reads the old Rabobank export with decimal points', async () => {
    const { code, out } = await run(['parse', RABO_POINT]);
    expect(code).toBe(0);
    const balances = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.kind === 'balance');
    expect(balances.map((b) => b.amountCents)).toEqual([41_250, 53_275]);
  });
});

describe('categorise and affordability on files with flaws', () => {
  it('categorise reads a :61: with value date day 35 (warning on stderr), and takes --lenient', async () => {
    const strict = await run(['categorise', DAY_35]);
    expect(strict.code).toBe(0);
    expect(strict.out.trim().split('\n')).toHaveLength(2);
    expect(strict.err).toContain('warning line 5 (:61: value date, dropped)');

    const broken = nodePath.join(dir, 'broken-entry.sta');
    await writeFile(broken, (await readFile(DAY_35, 'latin1')).replace(':61:2610351031C', ':61:261035C'), 'latin1');
    const refused = await run(['categorise', broken]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('line 5');
    const lenient = await run(['categorise', broken, '--lenient']);
    expect(lenient.code).toBe(0);
    expect(lenient.out.trim().split('\n')).toHaveLength(1);
    expect(lenient.err).toContain('skipped line 5');
  });

  it('affordability reports on the same file strictly and with --lenient', async () => {
    for (const args of [[DAY_35], [DAY_35, '--lenient']]) {
      const { code, err } = await run(['affordability', ...args, '--json']);
      expect(err).toContain('warning line 5');
      expect(code).toBe(0);
    }
  });
});

describe('a closed pipe on stdout', () => {
  it('ends the command with exit code 0 through the EPIPE handler, and leaves other errors alone', () => {
    const stream = new EventEmitter() as unknown as NodeJS.WriteStream;
    const exits: number[] = [];
    endQuietlyOnBrokenPipe(stream, (code) => exits.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exits).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' }))).toThrow('disk full');
  });

  it('`draagkracht parse FILE | head -c 100` exits 0 with nothing on stderr', async () => {
    // Large enough that the output cannot fit in the pipe buffer before the reader goes away.
    const entries = Array.from({ length: 4000 }, (_, i) => `:61:2610011001D1,00NTRFNONREF//R${i}\r\n:86:/NAME/Albert Heijn/REMI/Boodschappen ${i}\r\n`).join('');
    const file = nodePath.join(dir, 'large.sta');
    await writeFile(file, `:20:X\r\n:25:NL91ABNA0417164300\r\n:60F:C260930EUR5000,00\r\n${entries}:62F:C261001EUR1000,00\r\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'parse', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    let received = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= 100) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(received).toBeGreaterThanOrEqual(100);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
