/**
 * A tenant's bank connections: which banks (or aggregator) its debtors can connect to, and how the
 * service reaches them. Secrets are sealed at rest (secret-seal.ts), accepted on create and update,
 * and never given back: responses name which secrets are set, never their values.
 *
 * Domain code: no Fastify.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../platform/database/connection.js';
import { AppError, notFound } from '../platform/errors.js';
import { checkEndpointUrl } from '../webhooks/webhooks.service.js';
import type { AccountInformationProvider, ProviderKind } from './provider.js';
import type { SecretSeal } from './secret-seal.js';
import { Xs2aClient, type Xs2aExchange } from './xs2a-client.js';
import { createGoCardlessProvider } from './gocardless/gocardless-provider.js';
import type { BankConnectionRow, BankConnectionSecrets, BankConnectionSettings } from './bank-connections.table.js';

/** How far back a first pull reads when the connection does not say: a year, for income patterns across seasons. */
export const DEFAULT_HISTORY_DAYS = 365;

export interface BankConnection {
  id: string;
  displayName: string;
  kind: ProviderKind;
  baseUrl: string;
  settings: BankConnectionSettings;
  /** Which secrets are set (names only). */
  secretNames: string[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface BankConnectionInput {
  displayName: string;
  kind: ProviderKind;
  baseUrl: string;
  settings?: BankConnectionSettings;
  secrets?: BankConnectionSecrets;
  enabled?: boolean;
}

export interface ConnectionContext {
  seal: SecretSeal;
  allowHttpLocalhost: boolean;
}

const iso = (d: Date | string): string => new Date(d).toISOString();

export function toBankConnection(row: BankConnectionRow): BankConnection {
  return {
    id: row.id,
    displayName: row.display_name,
    kind: row.kind,
    baseUrl: row.base_url,
    settings: row.settings,
    secretNames: row.secret_names,
    enabled: row.enabled,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function checkBaseUrl(raw: string, allowHttpLocalhost: boolean, pointer: string): string {
  try {
    return checkEndpointUrl(raw, allowHttpLocalhost).replace(/\/+$/, '');
  } catch (error) {
    if (error instanceof AppError) throw new AppError('validation_failed', error.message.replace(/^url/, pointer.slice(1)), { errors: [{ in: 'body', pointer, message: error.extra.errors?.[0]?.message ?? 'not accepted' }] });
    throw error;
  }
}

function checkSettings(kind: ProviderKind, settings: BankConnectionSettings, secrets: BankConnectionSecrets | null, allowHttpLocalhost: boolean): void {
  if (settings.oauthTokenUrl !== undefined) checkBaseUrl(settings.oauthTokenUrl, allowHttpLocalhost, '/settings/oauthTokenUrl');
  if (kind === 'gocardless' && secrets !== null && (!secrets.secretId || !secrets.secretKey)) {
    throw new AppError('validation_failed', 'a gocardless connection needs secrets.secretId and secrets.secretKey', { errors: [{ in: 'body', pointer: '/secrets', message: 'secretId and secretKey are required' }] });
  }
  if (settings.certificatePem !== undefined && secrets !== null && !secrets.privateKeyPem) {
    throw new AppError('validation_failed', 'a client certificate needs its private key (secrets.privateKeyPem)', { errors: [{ in: 'body', pointer: '/secrets/privateKeyPem', message: 'required with settings.certificatePem' }] });
  }
}

function secretNamesOf(secrets: BankConnectionSecrets | undefined): string[] {
  return Object.entries(secrets ?? {}).filter(([, v]) => typeof v === 'string' && v.length > 0).map(([k]) => k).sort();
}

function sealed(ctx: ConnectionContext, tenantId: string, connectionId: string, secrets: BankConnectionSecrets | undefined): string | null {
  const present = Object.fromEntries(Object.entries(secrets ?? {}).filter(([, v]) => typeof v === 'string' && v.length > 0)) as Record<string, string>;
  return Object.keys(present).length === 0 ? null : ctx.seal.seal(present, { tenantId, connectionId });
}

export async function createBankConnection(db: Db, tenantId: string, input: BankConnectionInput, ctx: ConnectionContext): Promise<BankConnection> {
  const id = randomUUID();
  const baseUrl = checkBaseUrl(input.baseUrl, ctx.allowHttpLocalhost, '/baseUrl');
  const settings = input.settings ?? {};
  checkSettings(input.kind, settings, input.secrets ?? {}, ctx.allowHttpLocalhost);
  const row = await db
    .insertInto('bank_connections')
    .values({
      tenant_id: tenantId,
      id,
      display_name: input.displayName,
      kind: input.kind,
      base_url: baseUrl,
      settings: JSON.stringify(settings),
      secrets_sealed: sealed(ctx, tenantId, id, input.secrets),
      secret_names: JSON.stringify(secretNamesOf(input.secrets)),
      enabled: input.enabled ?? true,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toBankConnection(row);
}

export async function listBankConnections(db: Db, tenantId: string, options: { enabledOnly?: boolean } = {}): Promise<BankConnection[]> {
  let query = db.selectFrom('bank_connections').selectAll().where('tenant_id', '=', tenantId);
  if (options.enabledOnly) query = query.where('enabled', '=', true);
  const rows = await query.orderBy('display_name').orderBy('id').execute();
  return rows.map(toBankConnection);
}

export async function bankConnectionRow(db: Db, tenantId: string, connectionId: string): Promise<BankConnectionRow> {
  const row = await db.selectFrom('bank_connections').selectAll().where('tenant_id', '=', tenantId).where('id', '=', connectionId).executeTakeFirst();
  if (!row) throw notFound(`bank connection ${connectionId}`);
  return row;
}

/**
 * Changes a connection. `secrets`, when given, replaces every secret (a secret left out is removed):
 * nobody can read the old ones to merge with, so the admin sends the full set.
 */
export async function updateBankConnection(db: Db, tenantId: string, connectionId: string, input: Partial<BankConnectionInput>, ctx: ConnectionContext): Promise<BankConnection> {
  const current = await bankConnectionRow(db, tenantId, connectionId);
  const changes: { display_name?: string; base_url?: string; settings?: string; secrets_sealed?: string | null; secret_names?: string; enabled?: boolean; updated_at: ReturnType<typeof sql<Date>> } = { updated_at: sql<Date>`now()` };
  if (input.kind !== undefined && input.kind !== current.kind) throw new AppError('validation_failed', 'the kind of a connection cannot change; create another connection', { errors: [{ in: 'body', pointer: '/kind', message: 'cannot change' }] });
  if (input.displayName !== undefined) changes.display_name = input.displayName;
  if (input.baseUrl !== undefined) changes.base_url = checkBaseUrl(input.baseUrl, ctx.allowHttpLocalhost, '/baseUrl');
  if (input.settings !== undefined || input.secrets !== undefined) {
    const settings = input.settings ?? current.settings;
    checkSettings(current.kind, settings, input.secrets ?? (current.secret_names.length > 0 ? null : {}), ctx.allowHttpLocalhost);
  }
  if (input.settings !== undefined) changes.settings = JSON.stringify(input.settings);
  if (input.secrets !== undefined) {
    changes.secrets_sealed = sealed(ctx, tenantId, connectionId, input.secrets);
    changes.secret_names = JSON.stringify(secretNamesOf(input.secrets));
  }
  if (input.enabled !== undefined) changes.enabled = input.enabled;
  const row = await db.updateTable('bank_connections').set(changes).where('tenant_id', '=', tenantId).where('id', '=', connectionId).returningAll().executeTakeFirstOrThrow();
  return toBankConnection(row);
}

/**
 * Deletes a connection with its ended authorisations and their pull history. Refused (409) while a
 * debtor's authorisation through it is active: disable it instead, or end those consents first, so
 * no provider consent is left running without anyone able to revoke it.
 */
export async function deleteBankConnection(db: Db, tenantId: string, connectionId: string): Promise<void> {
  await bankConnectionRow(db, tenantId, connectionId);
  const active = await db
    .selectFrom('bank_authorisations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('connection_id', '=', connectionId)
    .where('status', 'in', ['active', 'redirected'])
    .executeTakeFirstOrThrow();
  if (Number(active.n) > 0) throw new AppError('invalid_state', `${Number(active.n)} bank authorisation(s) through this connection are still active or waiting; disable the connection instead, or end those consents first`);
  await db.deleteFrom('bank_connections').where('tenant_id', '=', tenantId).where('id', '=', connectionId).execute();
}

/** Options every provider built by the registry gets (tests record exchanges; production sets nothing). */
export interface ProviderBuildOptions {
  onExchange?: (exchange: Xs2aExchange) => void;
}

export type ProviderFactory = (connection: BankConnectionRow, secrets: BankConnectionSecrets, options: ProviderBuildOptions) => AccountInformationProvider;

/** One factory per kind. An aggregator adapter registers here (one line) when it lands. */
export const PROVIDER_FACTORIES: Partial<Record<ProviderKind, ProviderFactory>> = {
  xs2a: (connection, secrets, options) => {
    const s = connection.settings;
    return new Xs2aClient({
      baseUrl: connection.base_url,
      ...(s.requestTimeoutMs ? { requestTimeoutMs: s.requestTimeoutMs } : {}),
      ...(s.reportTimeoutMs ? { reportTimeoutMs: s.reportTimeoutMs } : {}),
      ...(s.maxPages ? { maxPages: s.maxPages } : {}),
      ...(s.certificatePem && secrets.privateKeyPem ? { tls: { certificatePem: s.certificatePem, privateKeyPem: secrets.privateKeyPem, ...(s.caPem ? { caPem: s.caPem } : {}) } } : {}),
      ...(s.oauthTokenUrl && s.oauthClientId && secrets.oauthClientSecret ? { oauth: { tokenUrl: s.oauthTokenUrl, clientId: s.oauthClientId, clientSecret: secrets.oauthClientSecret, ...(s.oauthScope ? { scope: s.oauthScope } : {}) } } : {}),
      ...(options.onExchange ? { onExchange: options.onExchange } : {}),
    });
  },
  // The aggregator: the institution (bank) is the connection's setting, asked for in each requisition.
  gocardless: (connection, secrets) =>
    createGoCardlessProvider({
      baseUrl: connection.base_url,
      secretId: secrets.secretId ?? '',
      secretKey: secrets.secretKey ?? '',
      ...(connection.settings.country ? { country: connection.settings.country } : {}),
      ...(connection.settings.requestTimeoutMs ? { timeoutMs: connection.settings.requestTimeoutMs } : {}),
    }),
};

type ClosableProvider = AccountInformationProvider & { close?: () => void };

/**
 * The provider of each connection, kept per connection and rebuilt when the connection changed
 * (updated_at), so an aggregator's access token and a bank's kept-alive TLS connections serve many
 * pulls instead of one each (GoCardless limits how often new tokens may be asked). Secrets are opened
 * only to build a provider.
 */
export class ProviderRegistry {
  private readonly built = new Map<string, { version: string; provider: ClosableProvider }>();

  constructor(
    private readonly seal: SecretSeal,
    private readonly options: ProviderBuildOptions = {},
    private readonly factories: Partial<Record<ProviderKind, ProviderFactory>> = PROVIDER_FACTORIES,
  ) {}

  providerFor(connection: BankConnectionRow): ClosableProvider {
    const key = `${connection.tenant_id}\u0000${connection.id}`;
    const version = new Date(connection.updated_at).toISOString();
    const kept = this.built.get(key);
    if (kept && kept.version === version) return kept.provider;
    const factory = this.factories[connection.kind];
    if (!factory) throw new AppError('invalid_state', `connections of kind ${connection.kind} are not available in this version`);
    const secrets = connection.secrets_sealed ? (this.seal.open(connection.secrets_sealed, { tenantId: connection.tenant_id, connectionId: connection.id }) as BankConnectionSecrets) : {};
    const provider: ClosableProvider = factory(connection, secrets, this.options);
    kept?.provider.close?.();
    this.built.set(key, { version, provider });
    return provider;
  }

  /** Frees every kept provider (the app closes). */
  close(): void {
    for (const { provider } of this.built.values()) provider.close?.();
    this.built.clear();
  }
}
