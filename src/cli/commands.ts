/**
 * Offline commands, loaded lazily so `serve` does not pay for parsers or the simulator at start-up.
 * Each module exports `(argv, io) => Promise<exitCode>`.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export type CommandRunner = (argv: string[], io: CliIo) => Promise<number>;

export interface CommandModule {
  usage: string;
  load: () => Promise<CommandRunner>;
}

export const COMMAND_MODULES: Record<string, CommandModule> = {
  parse: {
    usage: 'parse FILE [--format F] [--lenient]   print a bank file as canonical JSON lines (no server needed)',
    load: async () => (await import('./commands/parse.js')).parseCommand,
  },
};
