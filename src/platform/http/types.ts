import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiKeyRole } from '../../tenants/tenant.table.js';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../database/connection.js';
import type { ChangeFeed } from '../database/change-feed.js';

/**
 * How a route is reached:
 * - `public`: health probes and documentation;
 * - `{ roles }`: an API key of one of these roles (the tenant comes from the key);
 * - `link-token`: a debtor's signed link token in the path (no API key, one debtor only).
 *
 * `keyFromMemory`: the route may take the key from this instance's memory of keys it has verified,
 * which the change feed empties when any of the tenant's keys changes (src/platform/http/auth.ts). It
 * saves the hot path its one round trip; a key revoked through another instance stops working there
 * when the notification arrives (PostgreSQL delivers it at commit; sub-millisecond on one host).
 */
export type RouteAuth = 'public' | 'link-token' | { roles: readonly ApiKeyRole[]; keyFromMemory?: boolean };

export interface RouteCatalogueEntry {
  method: string;
  url: string;
  auth: RouteAuth;
}

export interface RequestAuth {
  tenantId: string;
  keyId: string;
  role: ApiKeyRole;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Larger body limit for file uploads, checked by the upload content parsers. */
    upload?: boolean;
  }
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
  interface FastifyInstance {
    /** Every route with its auth declaration: the security tests walk it so no route is forgotten. */
    routeCatalogue: RouteCatalogueEntry[];
    /** This instance's change feed (tests wait on it with sync()). */
    changeFeed: ChangeFeed;
  }
}

export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What every route module receives besides the app: the config and the database, never globals. */
export interface AppDeps {
  config: Config;
  database: DatabaseHandle;
  /** The database's change notifications, heard by this instance: what keeps per-instance memory honest. */
  changes: ChangeFeed;
  /** Secret for debtor link tokens, resolved at start-up. */
  linkTokenSecret: string;
  /** Today's date for the service; injectable so tests can pin time. */
  today: () => string;
}

/** The request's authenticated tenant; routes with role auth always have one. */
export function tenantOf(request: { auth: RequestAuth | null }): string {
  if (!request.auth) throw new Error('route reached without authentication: check its config.auth');
  return request.auth.tenantId;
}
