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
    usage:
      'parse FILE [--format F] [--lenient]   print a bank file as canonical JSON lines (no server needed); the format is\n' +
      '                                          detected from the content when not named; fields dropped or repaired are\n' +
      '                                          printed as {"kind":"warning",…} lines; --lenient skips unreadable entries',
    load: async () => (await import('./commands/parse.js')).parseCommand,
  },
  categorise: {
    usage:
      'categorise FILE… [--format F] [--lenient]\n' +
      '                                          print each transaction with its category, rule and confidence (JSON lines);\n' +
      '                                          warnings and skipped entries go to stderr',
    load: async () => (await import('./commands/categorise.js')).categoriseCommand,
  },
  affordability: {
    usage:
      'affordability FILE… [--as-of DATE] [--household single|couple|single_parent|couple_with_children] [--pension-age]\n' +
      '              [--format F] [--lenient] [--json]\n' +
      '                                          the affordability report: streams, income days, figures, flags',
    load: async () => (await import('./commands/affordability.js')).affordabilityCommand,
  },
  simulate: {
    usage: 'simulate --households N --months M --seed S --out DIR [--format berlin-group|camt|both]\n                                          write a synthetic world with hidden truth',
    load: async () => (await import('./commands/simulate.js')).simulateCommand,
  },
  'sandbox-bank': {
    usage:
      'sandbox-bank [--port 4010] [--households N] [--seed S] [--months M] [--page-size P] [--base-path /psd2]\n' +
      '                                          run a Berlin Group XS2A sandbox bank (AIS, redirect SCA) serving a simulated\n' +
      '                                          world that ends today; prints its URL and PSU ids; faults via POST /sandbox/faults',
    load: async () => (await import('./commands/sandbox-bank.js')).sandboxBankCommand,
  },
  model: {
    usage:
      'model train (--world DIR [--feature-set bank-and-data-points|data-points-only] [--households N]\n' +
      '             | --bank-data DIR --outcomes FILE.csv\n' +
      '             | --table FILE.csv --label COLUMN [--id COLUMN] [--as-of-column COLUMN]\n' +
      '               [--segment COL=NAME[:V=LABEL,...] | --segment COL=NAME:bands=E1,E2,...]...)\n' +
      '            [--learner gradient-boosting|random-forest|scorecard] [--cv K --oof FILE] [--seed N] [--horizon-days N]\n' +
      '            --out DIR [--model-id ID]\n' +
      '                                          train an early-warning risk model and write its directory (model.json,\n' +
      '                                          model-card.md, metrics.json, evaluation.csv: the test slice with its\n' +
      '                                          segments); prints test AUC, rows and bands\n' +
      '  model predict --model DIR (--table FILE.csv [--id COLUMN] | --bank-data DIR --as-of DATE)\n' +
      '                                          print id,probability CSV (calibrated probability of arrears within the horizon)\n' +
      '  model report --model DIR --out FILE.html|FILE.json [--challenger DIR] [--predictions-out FILE.csv] [--seed N] [--resamples N]\n' +
      '                                          the model report of a model directory (its evaluation.csv): discrimination,\n' +
      '                                          calibration, decisions, stability, explanation, segments, model card; HTML\n' +
      '                                          (one self-contained page) or JSON by the extension of --out',
    // `model report` lives in its own module so train and predict do not load the report's charts and page.
    load: async () => {
      const { modelCommand } = await import('./commands/model.js');
      return async (argv, io) => (argv[0] === 'report' ? (await import('./commands/model-report.js')).modelReportCommand(argv.slice(1), io) : modelCommand(argv, io));
    },
  },
};
