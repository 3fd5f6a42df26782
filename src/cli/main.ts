#!/usr/bin/env node
/**
 * The `draagkracht` command line: the server, database maintenance, keys, and offline tools that
 * read bank files without a server. Every command calls the same domain functions as the API.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../platform/config.js';
import { openDatabase } from '../platform/database/open.js';
import { AppError } from '../platform/errors.js';
import { createApiKey, ensureTenant, revokeApiKey } from '../tenants/api-key.service.js';
import { API_KEY_ROLES, type ApiKeyRole } from '../tenants/tenant.table.js';
import { serveCommand } from './serve.js';
import { COMMAND_MODULES, type CliIo } from './commands.js';

const USAGE = `draagkracht <command> [options]

Commands:
  serve                                   run the HTTP API (PORT, HOST, DATABASE_URL, DATA_DIR, …)
  migrate                                 bring the database schema up to date
  keys create --tenant T --role R [--label L]
                                          create an API key (creates the tenant if new); prints the key once
  keys revoke --tenant T --id KEY_ID      revoke an API key
${Object.values(COMMAND_MODULES)
  .map((c) => `  ${c.usage}`)
  .join('\n')}
`;

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(loadConfig());
      case 'migrate': {
        const database = await openDatabase(loadConfig());
        await database.close();
        io.stdout.write('database is up to date\n');
        return 0;
      }
      case 'keys':
        return await keysCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 1 : 0;
      default: {
        const module = COMMAND_MODULES[command];
        if (!module) {
          io.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
          return 1;
        }
        const run = await module.load();
        return await run(rest, io);
      }
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AppError) {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function keysCommand(argv: string[], io: CliIo): Promise<number> {
  const [action, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { tenant: { type: 'string' }, role: { type: 'string' }, label: { type: 'string' }, id: { type: 'string' } },
    strict: true,
  });
  if (!values.tenant) {
    io.stderr.write('--tenant is required\n');
    return 1;
  }
  const database = await openDatabase(loadConfig());
  try {
    if (action === 'create') {
      const role = values.role as ApiKeyRole | undefined;
      if (!role || !API_KEY_ROLES.includes(role)) {
        io.stderr.write(`--role must be one of ${API_KEY_ROLES.join(', ')}\n`);
        return 1;
      }
      const created = await database.db.transaction().execute(async (trx) => {
        await ensureTenant(trx, values.tenant!);
        return createApiKey(trx, { tenantId: values.tenant!, role, label: values.label ?? null });
      });
      io.stdout.write(`${JSON.stringify({ id: created.id, tenant: created.tenantId, role: created.role, key: created.key })}\n`);
      io.stderr.write('Store the key now: it is not shown again.\n');
      return 0;
    }
    if (action === 'revoke') {
      if (!values.id) {
        io.stderr.write('--id is required\n');
        return 1;
      }
      await revokeApiKey(database.db, values.tenant, values.id);
      io.stdout.write(`revoked ${values.id}\n`);
      return 0;
    }
    io.stderr.write('usage: draagkracht keys create|revoke …\n');
    return 1;
  } finally {
    await database.close();
  }
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
