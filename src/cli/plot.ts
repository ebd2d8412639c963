import { Command } from 'commander';
import { loadLossModel } from '../train/load-loss-model.js';
import { loadDataForModel } from '../train/model-data.js';
import { plotData } from '../train/plot-data.js';
import { writePlots } from '../viz/training.js';
import { runCommand } from './run.js';

interface PlotOptions {
  out: string;
  data?: string;
  train?: string;
  test?: string;
  json?: boolean;
  debug?: boolean;
}

/**
 * `tsgrad plot MODEL --out DIR`: a saved model's training plots: the cost curve, the learned
 * weights as an image, the misclassified test images and the confusion matrices.
 * @example program.addCommand(plotCommand());
 */
export function plotCommand(): Command {
  return new Command('plot')
    .description("draw a saved model's training plots: cost curve, learned weights, misclassified test images, confusion matrix (SVG and PNG)")
    .argument('<model>', 'model file written by tsgrad train --save')
    .requiredOption('--out <dir>', 'folder to write the pictures into (created if missing)')
    .option('--data <dir>', 'folder holding train_catvnoncat.h5 and test_catvnoncat.h5 (default: the files the model was trained on, else the usual places)')
    .option('--train <file>', 'training set HDF5 file (with --test)')
    .option('--test <file>', 'test set HDF5 file (with --train)')
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (model: string, opts: PlotOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => plot(model, opts), opts.debug === true || cmd.optsWithGlobals()['debug'] === true);
    });
}

async function plot(file: string, opts: PlotOptions): Promise<void> {
  const model = await loadLossModel(file);
  const where = { ...(opts.data !== undefined ? { data: opts.data } : {}), ...(opts.train !== undefined ? { train: opts.train } : {}), ...(opts.test !== undefined ? { test: opts.test } : {}) };
  const data = await loadDataForModel(model, where);
  const written = await writePlots(opts.out, plotData(model, data));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ model: file, type: model.type, trainFile: data.train.file, testFile: data.test.file, ...written })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`model: ${file}: ${model.description}`);
  say(`data: ${data.train.file}, ${data.test.file}`);
  say(`misclassified test images: ${written.misclassified} of ${data.test.y.size}`);
  for (const f of written.files) say(`wrote ${f}`);
}
