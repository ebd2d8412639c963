import { Command } from 'commander';
import { describeModel } from '../analysis/plot-data.js';
import { evaluateModelFile, type Evaluation } from '../app/model-data.js';
import { archText } from '../nn/registry.js';
import type { ClassificationReport } from '../train/metrics.js';
import { pyFloat } from './format.js';
import { addModelDataOptions, debugOf, whereOf, type DataCliOptions } from './model-options.js';
import { runCommand } from './run.js';
import { largest } from '../core/numbers.js';

/**
 * `tsgrad evaluate FILE`: a saved model's accuracy on the train and test sets, and on the test
 * set its precision, recall and F1 per class and its confusion matrix.
 * @example program.addCommand(evaluateCommand());
 */
export function evaluateCommand(): Command {
  return addModelDataOptions(new Command('evaluate')
    .description('evaluate a saved model (any architecture, any model file version) on the train and test images')
    .argument('<file>', 'model file written by tsgrad train --save'))
    .action(async (file: string, opts: DataCliOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => evaluate(file, opts), debugOf(opts, cmd));
    });
}

async function evaluate(file: string, opts: DataCliOptions): Promise<void> {
  const e = await evaluateModelFile(file, whereOf(opts));
  if (opts.json) {
    const { model, ...rest } = e;
    process.stdout.write(`${JSON.stringify({ ...rest, arch: archText(model.layers), version: model.version })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`model: ${file}: ${describeModel(e.model.model)}`);
  say(`train set: ${e.trainFile} (${e.train.confusion.flat().reduce((s, v) => s + v, 0)} images)`);
  say(`test set: ${e.testFile} (${e.test.confusion.flat().reduce((s, v) => s + v, 0)} images)`);
  say(`train accuracy: ${pyFloat(e.train.accuracy)} %${note(e.train.accuracy, e.recorded.trainAccuracy)}`);
  say(`test accuracy: ${pyFloat(e.test.accuracy)} %${note(e.test.accuracy, e.recorded.testAccuracy)}`);
  for (const line of table(e, e.test)) say(line);
}

/** Whether the accuracy is the one recorded at training time. */
function note(now: number, then: number | undefined): string {
  if (then === undefined) return '';
  return now === then ? ' (as when trained)' : ` (${pyFloat(then)} % when trained)`;
}

function table(e: Evaluation, r: ClassificationReport): string[] {
  const f = (x: number): string => x.toFixed(4);
  const head = ['class', 'precision', 'recall', 'F1', 'support'];
  const rows = r.perClass.map((c, i) => [e.classes[i] ?? String(i), f(c.precision), f(c.recall), f(c.f1), String(c.support)]);
  rows.push(['macro avg', f(r.macro.precision), f(r.macro.recall), f(r.macro.f1), String(r.perClass.reduce((s, c) => s + c.support, 0))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  const names = e.classes;
  const cw = Math.max(largest(names.map((n) => n.length)), largest(r.confusion.flat().map((v) => String(v).length)));
  const nameWidth = Math.max(largest(names.map((n) => n.length)), 'true \\ predicted'.length);
  return [
    'test set:',
    line(head),
    ...rows.map(line),
    'confusion matrix (test set; rows: true class, columns: predicted class):',
    ['true \\ predicted'.padEnd(nameWidth), ...names.map((n) => n.padStart(cw))].join('  '),
    ...r.confusion.map((row, i) => [(names[i] ?? String(i)).padEnd(nameWidth), ...row.map((v) => String(v).padStart(cw))].join('  ')),
  ];
}
