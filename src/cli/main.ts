#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { backendInfo } from '../kernels/backend.js';
// The native BLAS backend registers itself (Node only; the page never imports this file).
import '../kernels/blas-node.js';
import { EXIT, reportError } from './run.js';

// Each command's module is imported only when that command runs: some pull in heavy
// libraries (sharp, the chart renderer, Graphviz), and `tsgrad train` should start fast.
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./train.js')).trainCommand(),
  evaluate: async () => (await import('./evaluate.js')).evaluateCommand(),
  graph: async () => (await import('./graph.js')).graphCommand(),
  gradcheck: async () => (await import('./gradcheck.js')).gradcheckCommand(),
  plot: async () => (await import('./plot.js')).plotCommand(),
  landscape: async () => (await import('./landscape.js')).landscapeCommand(),
  predict: async () => (await import('./predict.js')).predictCommand(),
  saliency: async () => (await import('./saliency.js')).saliencyCommand(),
  features: async () => (await import('./features.js')).featuresCommand(),
  info: async () => (await import('./info.js')).infoCommand(),
  demo: async () => (await import('./demo.js')).demoCommand(),
};

// A closed pipe (`tsgrad train | head`) ends output quietly instead of crashing; any other
// failure to write stdout (a full disk, /dev/full, EIO) is one line on stderr and exit 2;
// stderr itself failing can only exit. Model files are written atomically, so exiting here
// never leaves one half-written.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
  try {
    process.stderr.write(`tsgrad: error: cannot write to standard output (${e.code ?? 'error'}: ${stdioReason(e)})\n`);
  } catch {
    // stderr is gone too: the exit code is all that is left.
  }
  process.exit(EXIT.user);
});
process.stderr.on('error', (e: NodeJS.ErrnoException) => {
  process.exit(e.code === 'EPIPE' ? (process.exitCode ?? EXIT.ok) : EXIT.user);
});

/** The system's words for a stream error, without the code and syscall Node puts around them. */
function stdioReason(e: NodeJS.ErrnoException): string {
  return (e.message.split('\n')[0] ?? '').replace(/^[A-Z]+: /, '').replace(/, write$/, '');
}

const program = new Command('tsgrad')
  .description('gradient-based machine learning from first principles')
  .version('0.2.0')
  .option('--debug', 'show stack traces on errors');

// The first word that is not a flag names the command; without a known one (help, a typo),
// every command is loaded so that help and "unknown command" list them all.
const named = process.argv.slice(2).find((a) => !a.startsWith('-'));
// Own keys only: `tsgrad constructor` or `tsgrad __proto__` must be an unknown command, not Object's.
const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
for (const name of wanted) program.addCommand(await (COMMANDS[name] as () => Promise<Command>)());

// Errors from commander itself (unknown flags, bad values) read like tsgrad's own: one line.
for (const cmd of [program, ...program.commands]) {
  cmd.exitOverride().configureOutput({ outputError: (text, write) => write(`tsgrad: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`) });
}

// A forced backend that cannot run is refused at start, in one line (`tsgrad info` reports it itself).
if (process.env['TSGRAD_BACKEND'] !== undefined && named !== 'info') {
  try {
    backendInfo();
  } catch (e) {
    process.exit(reportError(e, process.argv.includes('--debug')));
  }
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // Help and version exit 0; unknown flags and bad option values are user errors.
    process.exitCode = e.exitCode === 0 ? EXIT.ok : EXIT.user;
  } else {
    throw e;
  }
}
