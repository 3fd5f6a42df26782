/**
 * `draagkracht sandbox-bank [--port 4010] [--host H] [--households N] [--seed S] [--months M]
 *                          [--page-size P] [--base-path /psd2]`
 *
 * Runs the sandbox bank (src/sandbox-bank) until SIGINT/SIGTERM: a Berlin Group NextGenPSD2 XS2A
 * test bank serving a simulated world that ends today. Prints its URL, a few PSU ids and how to
 * inject faults. The default world is the demo's (200 households, 14 months, seed 2026), so the
 * sandbox's PSUs are the demo tenant's debtors (household-0007 is sim-2026-0000007).
 */
import { parseArgs } from 'node:util';
import { SANDBOX_DEFAULT_WORLD, startSandboxBank, type SandboxBank } from '../../sandbox-bank/sandbox-bank.js';
import type { CliIo } from '../commands.js';

const USAGE =
  'usage: draagkracht sandbox-bank [--port 4010] [--host 127.0.0.1] [--households N] [--seed S] [--months M]\n' +
  '                                [--page-size P] [--base-path /psd2]\n';

class UsageError extends Error {}

function wholeNumber(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return Number(value);
}

/** What the command prints once the bank listens: the URL, PSU ids to try, the fault endpoint. */
export function describeSandboxBank(bank: SandboxBank): string {
  const psus = bank.world.psuIds().slice(0, 5);
  const resolved = bank.world.resolved;
  return (
    `Sandbox bank (Berlin Group NextGenPSD2 XS2A 1.3, AIS, redirect SCA) listens on ${bank.url}\n` +
    `  world: ${resolved.households} households, ${resolved.startDate} to ${resolved.endDate}, seed ${resolved.seed}\n` +
    `  PSU ids: ${psus.join(', ')}${bank.world.size > psus.length ? ', …' : ''}\n` +
    `  create a consent: POST ${bank.url}/v1/consents (X-Request-ID, PSU-IP-Address, TPP-Redirect-URI); approve at _links.scaRedirect\n` +
    `  faults: POST ${bank.url}/sandbox/faults {"kind":"rate-limit"|"server-error"|"slow"|"truncated"|"broken-next-link", "times":N, "path":"regex"} or {"revokeAtBank":"<consentId>"}\n`
  );
}

export async function sandboxBankCommand(argv: string[], io: CliIo, options: { until?: Promise<unknown> } = {}): Promise<number> {
  let bankOptions;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        households: { type: 'string' },
        seed: { type: 'string' },
        months: { type: 'string' },
        'page-size': { type: 'string' },
        'base-path': { type: 'string' },
      },
      strict: true,
    });
    const basePath = values['base-path'];
    if (basePath !== undefined && !/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) throw new UsageError(`--base-path must look like /psd2, not "${basePath}"`);
    bankOptions = {
      port: wholeNumber(values.port, 'port', 4010, 0, 65535),
      host: values.host ?? '127.0.0.1',
      households: wholeNumber(values.households, 'households', SANDBOX_DEFAULT_WORLD.households, 1, 1_000_000),
      seed: wholeNumber(values.seed, 'seed', SANDBOX_DEFAULT_WORLD.seed, 0, Number.MAX_SAFE_INTEGER),
      months: wholeNumber(values.months, 'months', SANDBOX_DEFAULT_WORLD.months, 1, 120),
      pageSize: wholeNumber(values['page-size'], 'page-size', 100, 1, 1000),
      ...(basePath ? { basePath } : {}),
    };
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`${(error as Error).message}\n${USAGE}`);
      return 1;
    }
    throw error;
  }
  const bank = await startSandboxBank(bankOptions);
  io.stdout.write(describeSandboxBank(bank));
  await (options.until ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await bank.close();
  return 0;
}
