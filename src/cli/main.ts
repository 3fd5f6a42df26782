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

const BUILT_IN_USAGE: Record<string, string> = {
  serve: 'serve                                   run the HTTP API (PORT, HOST, DATABASE_URL, DATA_DIR, …)',
  migrate: 'migrate                                 bring the database schema up to date',
  keys: `keys create --tenant T --role R [--label L]
                                          create an API key (creates the tenant if new); prints the key once
  keys revoke --tenant T --id KEY_ID      revoke an API key`,
};

const KEYS_USAGE: Record<string, string> = {
  create: `usage: draagkracht keys create --tenant T --role ${API_KEY_ROLES.join('|')} [--label L]\n  create an API key (creates the tenant if new); prints the key once\n`,
  revoke: 'usage: draagkracht keys revoke --tenant T --id KEY_ID\n  revoke an API key\n',
};

const USAGE = `draagkracht <command> [options]

Commands:
${[...Object.values(BUILT_IN_USAGE), ...Object.values(COMMAND_MODULES).map((c) => c.usage)].map((usage) => `  ${usage}`).join('\n')}

Every command answers --help.
`;

const HELP_FLAGS = new Set(['--help', '-h']);

/** The usage of one command (or of a keys action), or null when the command is unknown. */
function commandUsage(command: string, rest: readonly string[]): string | null {
  if (command === 'keys') {
    const action = rest[0];
    if (action !== undefined && KEYS_USAGE[action]) return KEYS_USAGE[action];
    return `usage: draagkracht ${BUILT_IN_USAGE.keys}\n`;
  }
  const usage = BUILT_IN_USAGE[command] ?? COMMAND_MODULES[command]?.usage;
  return usage === undefined ? null : `usage: draagkracht ${usage}\n`;
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  // --help anywhere after a known command answers with its usage and runs nothing (not even `serve`).
  if (command !== undefined && rest.some((arg) => HELP_FLAGS.has(arg))) {
    const usage = commandUsage(command, rest);
    if (usage !== null) {
      io.stdout.write(usage);
      return 0;
    }
  }
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
    io.stderr.write(`usage: draagkracht ${BUILT_IN_USAGE.keys}\n`);
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
/**
 * A reader that stops early (`draagkracht parse FILE | head`) closes the pipe; the next write fails with
 * EPIPE. Nobody is left to read, so the command ends quietly and successfully, as Unix tools do.
 */
export function endQuietlyOnBrokenPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      exit(0);
      return;
    }
    throw error;
  });
}

if (isEntryPoint()) {
  endQuietlyOnBrokenPipe(process.stdout);
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
