/**
 * The sandbox bank `npm start` runs beside the API in demo mode: the demo's own world (same seed,
 * months and households as src/demo/demo-seed.ts, ending today), so the sandbox's PSU household-0007
 * is the demo tenant's debtor sim-2026-0000007 and a pull from the sandbox can be compared with the
 * files the demo uploaded for that debtor.
 */
import { DEMO_WORLD } from '../demo/demo-seed.js';
import type { Config } from '../platform/config.js';
import { startSandboxBank, type SandboxBank } from './sandbox-bank.js';

/** The sandbox bank's port: SANDBOX_BANK_PORT, else PORT + 10 (any free port when PORT is 0). */
export function demoSandboxBankPort(config: Pick<Config, 'port' | 'sandboxBankPort'>): number {
  if (config.sandboxBankPort !== null) return config.sandboxBankPort;
  return config.port === 0 ? 0 : Math.min(65535, config.port + 10);
}

/** Starts the demo's sandbox bank, or returns null when SANDBOX_BANK=off or demo mode is off. */
export async function startDemoSandboxBank(config: Pick<Config, 'demo' | 'host' | 'port' | 'sandboxBank' | 'sandboxBankPort'>, today: string): Promise<SandboxBank | null> {
  if (!config.demo || config.sandboxBank === 'off') return null;
  return startSandboxBank({
    port: demoSandboxBankPort(config),
    host: config.host,
    households: DEMO_WORLD.households,
    months: DEMO_WORLD.months,
    seed: DEMO_WORLD.seed,
    truthRuns: DEMO_WORLD.truthRuns,
    today,
  });
}
