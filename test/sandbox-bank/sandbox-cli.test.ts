/**
 * `draagkracht sandbox-bank` and the sandbox `npm start` runs in demo mode: the command prints a URL
 * that answers, refuses wrong options, and stops when told; the demo's sandbox serves the demo's own
 * world on PORT + 10 unless SANDBOX_BANK_PORT or SANDBOX_BANK=off says otherwise.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { sandboxBankCommand } from '../../src/cli/commands/sandbox-bank.js';
import { loadConfig } from '../../src/platform/config.js';
import { demoSandboxBankPort, startDemoSandboxBank } from '../../src/sandbox-bank/demo-sandbox-bank.js';
import { runCommand } from '../analytics/cli-runner.js';

describe('draagkracht sandbox-bank', () => {
  it('--help prints its usage without starting anything', async () => {
    const { code, stdout } = await runCommand(main, ['sandbox-bank', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('sandbox-bank [--port 4010]');
  });

  it('refuses a wrong option or number', async () => {
    for (const argv of [['--port', 'x'], ['--households', '0'], ['--colour', 'red'], ['--base-path', 'psd2']]) {
      const { code, stderr } = await runCommand(sandboxBankCommand, argv);
      expect({ argv, code }).toEqual({ argv, code: 1 });
      expect(stderr).toContain('usage: draagkracht sandbox-bank');
    }
  });

  it('prints a URL that answers, PSU ids, and stops when told', async () => {
    const stdout = new PassThrough();
    let printed = '';
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const listening = new Promise<string>((resolve) => {
      stdout.on('data', (chunk: Buffer) => {
        printed += chunk.toString('utf8');
        const url = /listens on (http:\/\/\S+)/.exec(printed);
        if (url) resolve(url[1]!);
      });
    });
    const running = sandboxBankCommand(['--port', '0', '--households', '3', '--months', '2', '--seed', '5', '--base-path', '/psd2'], { stdout, stderr: new PassThrough() }, { until });
    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/psd2$/);
    expect(printed).toContain('household-0000, household-0001, household-0002');
    const info = (await (await fetch(`${url}/sandbox`)).json()) as { households: number; seed: number };
    expect(info).toMatchObject({ households: 3, seed: 5 });
    stop();
    expect(await running).toBe(0);
    await expect(fetch(`${url}/sandbox`)).rejects.toThrow();
  });
});

describe('the demo sandbox bank', () => {
  it('is on in demo mode at PORT + 10, or SANDBOX_BANK_PORT; off with SANDBOX_BANK=off or without demo mode', async () => {
    expect(demoSandboxBankPort(loadConfig({}))).toBe(3010);
    expect(demoSandboxBankPort(loadConfig({ PORT: '8080' }))).toBe(8090);
    expect(demoSandboxBankPort(loadConfig({ PORT: '0' }))).toBe(0);
    expect(demoSandboxBankPort(loadConfig({ SANDBOX_BANK_PORT: '4010' }))).toBe(4010);
    expect(await startDemoSandboxBank(loadConfig({ SANDBOX_BANK: 'off' }), '2026-12-06')).toBeNull();
    expect(await startDemoSandboxBank(loadConfig({ DATABASE_URL: 'postgres://x@localhost/db' }), '2026-12-06')).toBeNull();
    expect(() => loadConfig({ SANDBOX_BANK: 'maybe' })).toThrow(/SANDBOX_BANK/);
  });

  it('serves the demo’s world: household-0007 is the demo debtor sim-2026-0000007', async () => {
    const bank = await startDemoSandboxBank(loadConfig({ SANDBOX_BANK_PORT: '0' }), '2026-12-06');
    try {
      expect(bank).not.toBeNull();
      expect(bank!.world.size).toBe(200);
      expect(bank!.world.household('household-0007')!.debtorRef).toBe('sim-2026-0000007');
      expect(bank!.world.resolved.startDate).toBe('2025-10-01');
      expect((await fetch(`${bank!.url}/sandbox`)).status).toBe(200);
    } finally {
      await bank?.close();
    }
  });
});
