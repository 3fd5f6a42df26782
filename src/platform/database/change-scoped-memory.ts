/**
 * Per-instance memory that the change feed keeps honest. Each entry names the scopes it was read from
 * ('d|<tenant>|<debtor>' a debtor's inputs, 't|<tenant>' a tenant's, 'k|<tenant>' its API keys: the
 * payloads of migration 2026-12-08-001); a change to a scope drops every entry that names it, and a
 * reset of the feed drops everything. Nothing is served while the feed is not live.
 *
 * The race it closes: a value is computed from reads that may predate a change whose notification
 * arrives while the computation runs. The caller takes a `mark()` before its first read and hands it to
 * `set()`; a value is kept only if no scope it names changed (and the feed did not reset) after the
 * mark. A change heard before the mark was committed before it, so the reads saw it.
 */
import type { ChangeFeed, DataChange } from './change-feed.js';

/** Changed scopes remembered for the race check before they are dropped wholesale (which is safe: see forget()). */
const CHANGED_SCOPES_KEPT = 100_000;

export function changeScope(change: DataChange): string | null {
  switch (change.kind) {
    case 'debtor':
      return debtorScope(change.tenantId, change.debtorId);
    case 'tenant':
      return tenantScope(change.tenantId);
    case 'keys':
      return keysScope(change.tenantId);
    case 'reset':
      return null;
  }
}

export const debtorScope = (tenantId: string, debtorId: string) => `d|${tenantId}|${debtorId}`;
export const tenantScope = (tenantId: string) => `t|${tenantId}`;
export const keysScope = (tenantId: string) => `k|${tenantId}`;

interface Entry<V> {
  value: V;
  scopes: readonly string[];
}

export class ChangeScopedMemory<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byScope = new Map<string, Set<string>>();
  /** Feed position of the last change per scope, for set()'s race check. */
  private readonly changedAt = new Map<string, number>();
  private forgotAllAt = 0;

  constructor(
    private readonly feed: Pick<ChangeFeed, 'live' | 'position' | 'subscribe' | 'behind' | 'catchUp'>,
    private readonly capacity: number,
  ) {
    feed.subscribe((change) => this.onChange(change));
  }

  /** The feed's position now, or null when it is not live (then nothing may be kept). */
  mark(): number | null {
    return this.feed.live ? this.feed.position : null;
  }

  /** The value if the feed is live and has heard every write this instance answered (see ChangeFeed.catchUp). */
  async get(key: string): Promise<V | undefined> {
    if (!this.feed.live) return undefined;
    if (this.feed.behind && !(await this.feed.catchUp())) return undefined;
    return this.entries.get(key)?.value;
  }

  /** Keeps the value unless a scope it names changed after the mark; oldest entries leave first. */
  set(mark: number | null, key: string, value: V, scopes: readonly string[]): boolean {
    if (mark === null || !this.feed.live || this.forgotAllAt > mark) return false;
    for (const scope of scopes) if ((this.changedAt.get(scope) ?? -1) > mark) return false;
    this.delete(key);
    this.entries.set(key, { value, scopes });
    for (const scope of scopes) {
      let keys = this.byScope.get(scope);
      if (!keys) this.byScope.set(scope, (keys = new Set()));
      keys.add(key);
    }
    if (this.entries.size > this.capacity) this.delete(this.entries.keys().next().value!);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const scope of entry.scopes) {
      const keys = this.byScope.get(scope);
      keys?.delete(key);
      if (keys?.size === 0) this.byScope.delete(scope);
    }
  }

  private onChange(change: DataChange): void {
    const scope = changeScope(change);
    if (scope === null) {
      this.forget();
      return;
    }
    this.changedAt.set(scope, this.feed.position);
    for (const key of [...(this.byScope.get(scope) ?? [])]) this.delete(key);
    // Forgetting everything also fails every set() still under way, so dropping the changed-scope
    // record here can never let a stale value in.
    if (this.changedAt.size > CHANGED_SCOPES_KEPT) this.forget();
  }

  private forget(): void {
    this.entries.clear();
    this.byScope.clear();
    this.changedAt.clear();
    this.forgotAllAt = this.feed.position;
  }
}
