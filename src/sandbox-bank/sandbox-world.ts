/**
 * The sandbox bank's customers: the simulated world (src/simulation), one PSU per household, with the
 * household's accounts as the bank's accounts. Households are simulated on first use and kept in a
 * small cache, so a world of thousands starts at once and holds only the PSUs in use in memory:
 * household i depends only on the world's options and i, so a household simulated again is the same.
 *
 * PSU-ID `household-0007` is household index 7; its accounts' resource ids are
 * `household-0007-account-1`, … in the simulation's account order (resource ids are the bank's
 * handles in URLs; the IBAN travels in the bodies, as Berlin Group advises against IBANs in paths).
 */
import { resolveSimulation, simulateHousehold, type ResolvedSimulation } from '../simulation/simulate-households.js';
import { worldStartEndingToday } from '../simulation/world-loader.js';
import type { IsoDate } from '../platform/dates.js';
import type { SimulatedAccount, SimulatedHousehold } from '../simulation/simulation.types.js';

export interface SandboxWorldOptions {
  households: number;
  months: number;
  seed: number;
  /** The world ends in the month before this date's month (as the demo's world does). */
  today: IsoDate;
  /**
   * Monte Carlo truth runs: they do not change a household's accounts, only its hidden truth, which
   * the bank never shows; 0 (the default) keeps simulating a household cheap.
   */
  truthRuns?: number;
  /** Households kept simulated at once (default 64). */
  cacheSize?: number;
}

export interface SandboxAccount {
  resourceId: string;
  psuId: string;
  iban: string;
  bic: string;
  ownerName: string;
  /** A product name as a bank would show it. */
  name: string;
  simulated: SimulatedAccount;
}

const PSU_PREFIX = 'household-';

export class SandboxWorld {
  readonly resolved: ResolvedSimulation;
  private readonly cache = new Map<number, { household: SimulatedHousehold; accounts: SandboxAccount[] }>();
  private readonly cacheSize: number;
  private readonly width: number;

  constructor(readonly options: SandboxWorldOptions) {
    this.resolved = resolveSimulation({
      households: options.households,
      months: options.months,
      seed: options.seed,
      truthRuns: options.truthRuns ?? 0,
      startDate: worldStartEndingToday(options.today, options.months),
    });
    this.cacheSize = Math.max(1, options.cacheSize ?? 64);
    this.width = Math.max(4, String(Math.max(0, options.households - 1)).length);
  }

  get size(): number {
    return this.resolved.households;
  }

  psuIdOf(index: number): string {
    return `${PSU_PREFIX}${String(index).padStart(this.width, '0')}`;
  }

  /** Every PSU id, in household order (the SCA page's choice). */
  psuIds(): string[] {
    return Array.from({ length: this.size }, (_, i) => this.psuIdOf(i));
  }

  /**
   * The household index of a PSU id, or of the simulation's debtor reference (`sim-2026-0000007`),
   * so a test or a demo user can name the household by the reference the creditor knows it by.
   */
  indexOf(psuIdOrDebtorRef: string): number | null {
    const text = psuIdOrDebtorRef.trim();
    let digits: string | undefined;
    if (text.startsWith(PSU_PREFIX)) digits = text.slice(PSU_PREFIX.length);
    else {
      const ref = /^sim-(\d+)-(\d+)$/.exec(text);
      if (ref && Number(ref[1]) === this.resolved.seed) digits = ref[2];
    }
    if (!digits || !/^\d+$/.test(digits)) return null;
    const index = Number(digits);
    return index < this.size ? index : null;
  }

  household(psuId: string): SimulatedHousehold | null {
    const index = this.indexOf(psuId);
    return index === null ? null : this.entry(index).household;
  }

  accountsOf(psuId: string): SandboxAccount[] {
    const index = this.indexOf(psuId);
    return index === null ? [] : this.entry(index).accounts;
  }

  account(resourceId: string): SandboxAccount | null {
    const match = /^(.+)-account-(\d+)$/.exec(resourceId);
    if (!match) return null;
    const index = this.indexOf(match[1]!);
    if (index === null || this.psuIdOf(index) !== match[1]) return null;
    return this.entry(index).accounts.find((a) => a.resourceId === resourceId) ?? null;
  }

  private entry(index: number): { household: SimulatedHousehold; accounts: SandboxAccount[] } {
    const cached = this.cache.get(index);
    if (cached) {
      // Most recently used last: Map keeps insertion order, so the first key is the eviction candidate.
      this.cache.delete(index);
      this.cache.set(index, cached);
      return cached;
    }
    const household = simulateHousehold(this.resolved, this.resolved.firstIndex + index);
    const psuId = this.psuIdOf(index);
    const accounts = household.accounts.map((simulated, i) => ({
      resourceId: `${psuId}-account-${i + 1}`,
      psuId,
      iban: simulated.iban,
      bic: simulated.bic,
      ownerName: simulated.ownerName,
      name: simulated.kind === 'savings' ? 'Spaarrekening' : 'Betaalrekening',
      simulated,
    }));
    const entry = { household, accounts };
    this.cache.set(index, entry);
    while (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }
}
