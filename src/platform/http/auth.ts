/**
 * Authentication and authorisation run before validation, for every route, from the route's
 * declared `config.auth`. A route without a declaration fails at start-up, so no route can be
 * exposed by forgetting it.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import type { Db } from '../database/connection.js';
import { AppError } from '../errors.js';
import { authenticateApiKey, hashApiKey, type AuthenticatedKey } from '../../tenants/api-key.service.js';

export function assertRouteDeclaresAuth(route: RouteOptions): void {
  const auth = route.config?.auth;
  if (!auth) throw new Error(`route ${route.method} ${route.url} has no config.auth declaration`);
}

/** Keys remembered per instance, for routes whose handler re-checks revocation itself. */
const REMEMBERED_KEYS = 10_000;

export function makeAuthHook(db: Db) {
  // Key hash → key, filled only from successful lookups (an unknown or junk key never takes memory).
  // A key's tenant and role never change; only revocation does, and the routes allowed to use this
  // memory re-check it in their own statement (keyRecheckedByHandler), so nothing here can go stale.
  const remembered = new Map<string, AuthenticatedKey>();
  return async function authenticate(request: FastifyRequest): Promise<void> {
    request.auth = null;
    const auth = request.routeOptions.config?.auth;
    if (auth === undefined || auth === 'public' || auth === 'link-token') return;
    const header = request.headers.authorization;
    if (!header) throw new AppError('missing_api_key', 'send the API key as "Authorization: Bearer <key>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AppError('invalid_api_key', 'the Authorization header must be "Bearer <key>"');
    const hash = auth.keyRecheckedByHandler ? hashApiKey(match[1]!) : null;
    let key = hash === null ? null : (remembered.get(hash) ?? null);
    if (!key) {
      key = await authenticateApiKey(db, match[1]!);
      if (!key) throw new AppError('invalid_api_key', 'the API key is unknown or revoked');
      if (hash !== null) {
        remembered.set(hash, key);
        if (remembered.size > REMEMBERED_KEYS) remembered.delete(remembered.keys().next().value!);
      }
    }
    if (!auth.roles.includes(key.role)) {
      throw new AppError('forbidden_role', `this route needs a key with role ${auth.roles.join(' or ')}; this key has role ${key.role}`);
    }
    request.auth = key;
  };
}
