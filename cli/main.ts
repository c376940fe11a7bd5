import { Command, CommanderError } from 'commander';
import { registerCompile } from './commands/compile.js';
import { registerEval } from './commands/eval.js';
import { registerStats } from './commands/stats.js';
import { registerTrain } from './commands/train.js';
import { registerCheck } from './commands/check.js';
import { registerTrace } from './commands/trace.js';
import { registerViz } from './commands/viz.js';
import { registerExport } from './commands/export.js';
import { registerImport } from './commands/import.js';
import { ExitError, type Io } from './io.js';
import { sample, version } from './package.js';

/** The commands, in the order help lists them. */
const COMMANDS: Readonly<Record<string, (program: Command, io: Io) => void>> = {
  compile: registerCompile,
  eval: registerEval,
  stats: registerStats,
  train: registerTrain,
  check: registerCheck,
  trace: registerTrace,
  viz: registerViz,
  export: registerExport,
  import: registerImport,
};

/** The whole CLI as a function: arguments in, exit code out (0 ok, 1 a failed check, 2 bad usage or spec). */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const program = new Command('symgrad')
    .description('symbol-to-symbol automatic differentiation: graph specs in, gradient graphs and standalone kernels out')
    .version(version, '-V, --version', 'print the version of symgrad')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showSuggestionAfterError(true)
    .addHelpText('after', `\nExample:\n  $ symgrad eval ${sample('seed-function.graph.json')} --set x1=2 --set x2=5`);
  // A command named first is the one commander runs: only it is set up (the others' options and
  // help take some 2 ms of a start). Anything else (help, --version, a mistyped name) sees them all.
  const named = Object.hasOwn(COMMANDS, argv[0] ?? '') ? [COMMANDS[argv[0]]] : Object.values(COMMANDS);
  for (const register of named) register(program, io);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ExitError) return error.code;
    if (error instanceof CommanderError) {
      // Help asked for (--help, `help`) or the version: 0. Help shown because no command was given: bad usage, 2.
      const asked = ['commander.helpDisplayed', 'commander.version'].includes(error.code) || (error.code === 'commander.help' && error.exitCode === 0);
      return asked ? 0 : 2;
    }
    io.err(`error: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

/** The binary (cli/launch.ts calls it): the process's arguments and streams in, its exit code set. */
export async function main(): Promise<void> {
  // Each stream is made when first used: making one loads node:stream, 3-9 ms that a command
  // printing nothing (compile -o) need not spend.
  const watched = new Set<NodeJS.WriteStream>();
  const write = (stream: NodeJS.WriteStream, text: string) => {
    if (!watched.has(stream)) {
      watched.add(stream);
      // `symgrad ... | head`: a reader that has gone away ends the command quietly, as it does cat.
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        process.exit(process.exitCode ?? 0);
      });
    }
    stream.write(text);
  };
  const io: Io = {
    out: (text) => write(process.stdout, text),
    err: (text) => write(process.stderr, text),
    get terminal() {
      return process.stderr.isTTY;
    },
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
