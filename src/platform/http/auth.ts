/**
 * Authentication and authorisation run before validation, for every route, from the route's
 * declared `config.auth`. A route without a declaration fails at start-up, so no route can be
 * exposed by forgetting it.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Db } from '../database/connection.js';
import type { ChangeFeed } from '../database/change-feed.js';
import { ChangeScopedMemory, keysScope } from '../database/change-scoped-memory.js';
import { AppError } from '../errors.js';
import { authenticateApiKey, hashApiKey, type AuthenticatedKey } from '../../tenants/api-key.service.js';

export function assertRouteDeclaresAuth(route: RouteOptions): void {
  const auth = route.config?.auth;
  if (!auth) throw new Error(`route ${route.method} ${route.url} has no config.auth declaration`);
}

/** Keys remembered per instance, for the routes that declare keyFromMemory. */
const REMEMBERED_KEYS = 10_000;

export function makeAuthHook(db: Db, changes: ChangeFeed) {
  // Key hash → key, filled only from successful lookups (an unknown or junk key never takes memory).
  // A key's tenant and role never change; only revocation does, which notifies 'k|<tenant>' (migration
  // 2026-12-08-001) and empties the tenant's entries; while the feed is not live nothing is served.
  const remembered = new ChangeScopedMemory<AuthenticatedKey>(changes, REMEMBERED_KEYS);
  return async function authenticate(request: FastifyRequest): Promise<void> {
    request.auth = null;
    const auth = request.routeOptions.config?.auth;
    if (auth === undefined || auth === 'public' || auth === 'link-token') return;
    const header = request.headers.authorization;
    if (!header) throw new AppError('missing_api_key', 'send the API key as "Authorization: Bearer <key>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AppError('invalid_api_key', 'the Authorization header must be "Bearer <key>"');
    const hash = auth.keyFromMemory ? hashApiKey(match[1]!) : null;
    let key = hash === null ? null : ((await remembered.get(hash)) ?? null);
    if (!key) {
      const mark = hash === null ? null : remembered.mark();
      key = await authenticateApiKey(db, match[1]!);
      if (!key) throw new AppError('invalid_api_key', 'the API key is unknown or revoked');
      if (hash !== null) remembered.set(mark, hash, key, [keysScope(key.tenantId)]);
    }
    if (!auth.roles.includes(key.role)) {
      throw new AppError('forbidden_role', `this route needs a key with role ${auth.roles.join(' or ')}; this key has role ${key.role}`);
    }
    request.auth = key;
  };
}
