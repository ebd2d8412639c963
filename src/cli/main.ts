#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { EXIT } from './run.js';
import { trainCommand } from './train.js';

const program = new Command('tsgrad')
  .description('gradient-based machine learning from first principles')
  .version('0.1.0')
  .option('--debug', 'show stack traces on errors')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .addCommand(trainCommand());

for (const sub of program.commands) sub.exitOverride();

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
