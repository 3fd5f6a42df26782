import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiKeyRole } from '../../tenants/tenant.table.js';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../database/connection.js';

/**
 * How a route is reached:
 * - `public`: health probes and documentation;
 * - `{ roles }`: an API key of one of these roles (the tenant comes from the key);
 * - `link-token`: a debtor's signed link token in the path (no API key, one debtor only).
 *
 * `keyRecheckedByHandler`: the handler proves, in the same database statement that does its work,
 * that the key is still not revoked (and fails with invalid_api_key otherwise). Only such a route may
 * take the key from this instance's memory of keys it has seen, which saves the hot path one round
 * trip while a key revoked on any instance stops working at once.
 */
export type RouteAuth = 'public' | 'link-token' | { roles: readonly ApiKeyRole[]; keyRecheckedByHandler?: boolean };

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
