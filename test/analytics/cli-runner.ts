/** Runs a CLI command in-process with captured stdout and stderr. */
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/commands.js';

export async function runCommand(command: (argv: string[], io: CliIo) => Promise<number>, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await command(argv, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
