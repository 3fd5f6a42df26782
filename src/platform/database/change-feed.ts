/**
 * The database's change notifications (migration 2026-12-08-001): every write to what a debtor's
 * score depends on, and every API key change, is announced on the channel draagkracht_changes when
 * its transaction commits. Each instance listens on one connection of its own and tells its
 * subscribers, so memory kept per instance (remembered scores, verified keys) is dropped the moment
 * the data under it changes, whichever instance (or script, or psql session) wrote it.
 *
 * Memory may be trusted only while the feed is `live`. A listening connection can break (database
 * restart, network); notifications sent meanwhile are lost, so on every loss *and* every recovery the
 * subscribers hear `reset` and forget everything. A heartbeat sends a notification through the pool
 * and expects it back on the listening connection: a connection that died silently (no FIN, keepalive
 * not yet expired) is noticed within heartbeatMs + heartbeatTimeoutMs, not hours later.
 *
 * Read-your-writes on one instance: on PostgreSQL a notification travels on its own connection, so a
 * client that writes through this instance and reads at once could be answered before the change is
 * heard. Every write request this instance answers is noted (noteWrite, before its answer is sent);
 * memory is used only once a sync() started after that write has come back (catchUp). Concurrent
 * readers share one sync, and a read-only load never waits. On PGlite a change is heard before the
 * committing query returns, so nothing waits there. Writes through another instance are heard when
 * their notification arrives (at commit; sub-millisecond on one host).
 *
 * `position` grows with every change and every reset. Memory that computes something from the
 * database notes the position before it reads and keeps the result only if nothing relevant was
 * heard since (see score-memory.ts): a change that commits while a score is being computed must not
 * leave the older answer remembered.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import type { DatabaseHandle } from './connection.js';
import { metrics, trackChangeFeed } from '../metrics.js';

export const CHANGE_CHANNEL = 'draagkracht_changes';

export type DataChange =
  | { kind: 'debtor'; tenantId: string; debtorId: string }
  | { kind: 'tenant'; tenantId: string }
  | { kind: 'keys'; tenantId: string }
  /** The feed lost or regained its connection: changes may have gone unheard, forget everything. */
  | { kind: 'reset' };

export interface ChangeFeedOptions {
  /** How often the heartbeat proves the listening connection end to end; 0 turns it off. */
  heartbeatMs?: number;
  /** How long a heartbeat (or sync) waits for its own notification before the connection counts as dead. */
  heartbeatTimeoutMs?: number;
  /** First wait before reconnecting; doubles up to maxReconnectMs. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  log?: { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };
}

const DEFAULTS = { heartbeatMs: 10_000, heartbeatTimeoutMs: 5_000, reconnectMs: 500, maxReconnectMs: 30_000 };

export function parseChange(payload: string): DataChange | { kind: 'sync'; token: string } | null {
  const [kind, a, b] = payload.split('|');
  if (kind === 'd' && a && b) return { kind: 'debtor', tenantId: a, debtorId: b };
  if (kind === 't' && a) return { kind: 'tenant', tenantId: a };
  if (kind === 'k' && a) return { kind: 'keys', tenantId: a };
  if (kind === 's' && a) return { kind: 'sync', token: a };
  return null;
}

export class ChangeFeed {
  private readonly options: typeof DEFAULTS & Pick<ChangeFeedOptions, 'log'>;
  private readonly subscribers = new Set<(change: DataChange) => void>();
  private readonly syncWaiters = new Map<string, () => void>();
  private client: pg.Client | null = null;
  private unlistenPglite: (() => Promise<void>) | null = null;
  private isLive = false;
  private closed = false;
  private changePosition = 0;
  private reconnectDelay: number;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private writesNoted = 0;
  private writesHeard = 0;
  private catchingUp: Promise<void> | null = null;
  private untrack: (() => void) | null = null;

  constructor(
    private readonly database: DatabaseHandle,
    options: ChangeFeedOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.reconnectDelay = this.options.reconnectMs;
  }

  /** True while every committed change reaches this instance; memory must not be used otherwise. */
  get live(): boolean {
    return this.isLive;
  }

  /** Grows with every change heard and every reset. */
  get position(): number {
    return this.changePosition;
  }

  /** A write request of this instance is about to be answered (its transaction has committed). */
  noteWrite(): void {
    // PGlite hears a change before the committing query returns: nothing to wait for.
    if (!this.database.pglite) this.writesNoted++;
  }

  /** True when a write this instance answered may not have been heard yet. */
  get behind(): boolean {
    return this.writesHeard < this.writesNoted;
  }

  /**
   * Resolves true once every write this instance answered before the call has been heard; false when
   * that cannot be proven (not live, sync failed): then memory must not be used for this request.
   */
  async catchUp(): Promise<boolean> {
    const target = this.writesNoted;
    while (this.writesHeard < target) {
      if (!this.isLive) return false;
      if (!this.catchingUp) {
        const upTo = this.writesNoted;
        this.catchingUp = this.sync()
          .then(() => {
            this.writesHeard = Math.max(this.writesHeard, upTo);
          })
          .finally(() => {
            this.catchingUp = null;
          });
      }
      try {
        await this.catchingUp;
      } catch {
        return false;
      }
    }
    return true;
  }

  subscribe(subscriber: (change: DataChange) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /** Listens; never throws: if the database cannot be reached, retries in the background. */
  async start(): Promise<void> {
    if (this.closed || this.isLive || this.client || this.unlistenPglite) return;
    this.untrack = trackChangeFeed(this);
    await this.connect();
    if (this.options.heartbeatMs > 0 && !this.heartbeatTimer) {
      this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.options.heartbeatMs);
      this.heartbeatTimer.unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.untrack?.();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.setLive(false);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
    const unlisten = this.unlistenPglite;
    this.unlistenPglite = null;
    if (unlisten && !this.database.pglite?.closed) await unlisten().catch(() => undefined);
  }

  /**
   * Resolves once every change committed before the call has been heard (notifications arrive in
   * commit order, so hearing one sent now proves the earlier ones were heard). Rejects when the feed is
   * not live or the notification does not come back within heartbeatTimeoutMs.
   */
  async sync(): Promise<void> {
    if (!this.isLive) throw new Error('the change feed is not listening');
    const token = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const heard = new Promise<void>((resolve, reject) => {
      this.syncWaiters.set(token, resolve);
      timer = setTimeout(() => reject(new Error(`no notification back within ${this.options.heartbeatTimeoutMs} ms`)), this.options.heartbeatTimeoutMs);
    });
    try {
      await sql`select pg_notify(${CHANGE_CHANNEL}, ${`s|${token}`})`.execute(this.database.db);
      await heard;
    } finally {
      clearTimeout(timer);
      this.syncWaiters.delete(token);
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    try {
      if (this.database.pglite) {
        // PGlite runs in this process: its notifications are dispatched while the committing query's
        // answer is read, before that query's promise resolves, and it has no connection to lose.
        this.unlistenPglite = await this.database.pglite.listen(CHANGE_CHANNEL, (payload) => this.onPayload(payload));
      } else if (this.database.pool) {
        const client = new pg.Client({ ...this.database.pool.options, keepAlive: true });
        client.on('error', (error) => this.lost(client, error));
        client.on('end', () => this.lost(client, new Error('the listening connection ended')));
        client.on('notification', (message) => {
          if (message.channel === CHANGE_CHANNEL && message.payload !== undefined) this.onPayload(message.payload);
        });
        this.client = client;
        await client.connect();
        await client.query(`listen ${CHANGE_CHANNEL}`);
        if (this.client !== client) return;
      } else {
        return;
      }
      this.reconnectDelay = this.options.reconnectMs;
      // Whatever was committed before LISTEN took effect was never heard: start from nothing.
      this.emit({ kind: 'reset' });
      this.setLive(true);
    } catch (error) {
      const client = this.client;
      if (client) this.lost(client, error as Error);
      else this.scheduleReconnect(error as Error);
    }
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    this.setLive(false);
    this.emit({ kind: 'reset' });
    metrics.changeFeedResets.inc();
    this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: Error): void {
    if (this.closed || this.reconnectTimer) return;
    this.options.log?.warn({ err: { message: error.message }, retryInMs: this.reconnectDelay }, 'change feed: not listening; remembered scores and keys are not used until it is back');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.options.maxReconnectMs);
  }

  private async heartbeat(): Promise<void> {
    if (!this.isLive || !this.client) return;
    const client = this.client;
    try {
      await this.sync();
    } catch (error) {
      if (this.isLive && this.client === client) this.lost(client, error as Error);
    }
  }

  private onPayload(payload: string): void {
    const change = parseChange(payload);
    if (!change) return;
    if (change.kind === 'sync') {
      this.syncWaiters.get(change.token)?.();
      return;
    }
    this.emit(change);
  }

  private emit(change: DataChange): void {
    this.changePosition++;
    for (const subscriber of this.subscribers) subscriber(change);
  }

  private setLive(live: boolean): void {
    if (this.isLive === live) return;
    this.isLive = live;
    if (live) this.options.log?.info({}, 'change feed: listening');
  }
}
