#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT } from './run.js';
import { evaluateCommand } from './evaluate.js';
import { gradcheckCommand } from './gradcheck.js';
import { graphCommand } from './graph.js';
import { landscapeCommand } from './landscape.js';
import { plotCommand } from './plot.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';

const program = new Command('tsgrad')
  .description('gradient-based machine learning from first principles')
  .version('0.1.0')
  .option('--debug', 'show stack traces on errors')
  .addCommand(trainCommand())
  .addCommand(evaluateCommand())
  .addCommand(graphCommand())
  .addCommand(gradcheckCommand())
  .addCommand(plotCommand())
  .addCommand(landscapeCommand())
  .addCommand(predictCommand());

// Errors from commander itself (unknown flags, bad values) read like tsgrad's own: one line.
for (const cmd of [program, ...program.commands]) {
  cmd.exitOverride().configureOutput({ outputError: (text, write) => write(`tsgrad: ${text}`) });
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
