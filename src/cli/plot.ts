import { Command } from 'commander';
import { describeModel, plotData } from '../analysis/plot-data.js';
import { dataForModel } from '../app/model-data.js';
import { checkOutputs } from '../data/output-path.js';
import { loadModelFile } from '../io/files.js';
import { archText } from '../nn/registry.js';
import { writePlots } from '../viz/training.js';
import { addModelDataOptions, debugOf, whereOf, type DataCliOptions } from './model-options.js';
import { runCommand } from './run.js';

interface PlotOptions extends DataCliOptions {
  out: string;
}

/**
 * `tsgrad plot MODEL --out DIR`: a saved model's training plots: the cost curve, the learned
 * weights as an image, the misclassified test images and the confusion matrices.
 * @example program.addCommand(plotCommand());
 */
export function plotCommand(): Command {
  return addModelDataOptions(new Command('plot')
    .description("draw a saved model's training plots: cost curve, learned weights, misclassified test images, confusion matrix (SVG and PNG)")
    .argument('<model>', 'model file written by tsgrad train --save')
    .requiredOption('--out <dir>', 'folder to write the pictures into (created if missing)'))
    .action(async (model: string, opts: PlotOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => plot(model, opts), debugOf(opts, cmd));
    });
}

async function plot(file: string, opts: PlotOptions): Promise<void> {
  await checkOutputs('plot', [{ option: '--out', path: opts.out, kind: 'folder' }], [file]);
  const loaded = await loadModelFile(file);
  const data = await dataForModel(loaded, whereOf(opts));
  const written = await writePlots(opts.out, plotData({ ...loaded, ...loaded.training }, data));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ model: file, arch: archText(loaded.layers), trainFile: data.train.file, testFile: data.test.file, ...written })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`model: ${file}: ${describeModel(loaded.model)}`);
  say(`data: ${data.train.file}, ${data.test.file}`);
  say(`misclassified test images: ${written.misclassified} of ${data.test.labels.size}`);
  for (const f of written.files) say(`wrote ${f}`);
}
