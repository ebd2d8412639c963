import { Command } from 'commander';
import { DEFAULT_MAX_PIXELS } from '../data/image.js';
import { TsgradError } from '../core/errors.js';
import { predictImage, type ImagePrediction } from '../app/predict.js';
import { loadModelFile } from '../io/files.js';
import type { LoadedModel } from '../io/model-file.js';
import { EXIT, oneOf, positiveInt, reportError, runCommand } from './run.js';

interface PredictOptions {
  maxPixels: number;
  fit: 'fill' | 'cover' | 'contain';
  json?: boolean;
  debug?: boolean;
}

/**
 * `tsgrad predict MODEL IMAGE...`: the class and its probability for each of your own photos,
 * with a model file of any version.
 * @example program.addCommand(predictCommand());
 */
export function predictCommand(): Command {
  return new Command('predict')
    .description('classify your own images (JPEG, PNG or WebP, any size) with a saved model: prints file, class and probability')
    .argument('<model>', 'model file written by tsgrad train --save')
    .argument('<images...>', 'image files')
    .option('--max-pixels <n>', 'refuse images with more pixels than this (decompression bombs)', positiveInt('--max-pixels'), DEFAULT_MAX_PIXELS)
    .option('--fit <how>', "fill: stretch to the model's square input, as the notes do; cover: crop the centre; contain: pad with white", oneOf('--fit', ['fill', 'cover', 'contain'] as const), 'fill')
    .option('--json', 'print one JSON object per image on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (model: string, images: string[], opts: PredictOptions, cmd: Command) => {
      const debug = opts.debug === true || cmd.optsWithGlobals()['debug'] === true;
      process.exitCode = await runCommand(() => predict(model, images, opts, debug), debug);
    });
}

/**
 * Every image is read and classified before anything is printed: a bad image is an error line
 * on stderr and exit 2, with no table started above it; the good ones still get their lines.
 */
async function predict(file: string, images: string[], opts: PredictOptions, debug: boolean): Promise<number> {
  const model = await loadModelFile(file);
  let code: number = EXIT.ok;
  const results: ImagePrediction[] = [];
  for (const image of images) {
    try {
      results.push(await predictImage(model, image, { maxPixels: opts.maxPixels, fit: opts.fit }));
    } catch (e) {
      if (!(e instanceof TsgradError)) throw e;
      code = Math.max(code, reportError(e, debug));
    }
  }
  if (results.length === 0) return code;
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  if (opts.json) {
    for (const r of results) {
      say(JSON.stringify({ file: r.file, class: r.className, label: r.label, probability: r.probability, probabilities: Object.fromEntries(model.classes.map((c, i) => [c, r.probabilities[i]])) }));
    }
    return code;
  }
  // reduce, not Math.max(...list): a shell glob can pass more names than a call takes arguments.
  const width = results.reduce((w, r) => Math.max(w, r.file.length), 4);
  const classWidth = model.classes.reduce((w, c) => Math.max(w, c.length), 5);
  // k classes: the three most probable beside the first, as image classifiers print them.
  const top = model.classes.length > 2 ? Math.min(3, model.classes.length) : 0;
  say(`${'file'.padEnd(width)}  ${'class'.padEnd(classWidth)}  probability${top > 0 ? `  top ${top}` : ''}`);
  for (const r of results) {
    const best = r.probabilities.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p || a.i - b.i).slice(0, top);
    const ranked = best.map(({ p, i }) => `${model.classes[i] ?? i} ${p.toFixed(4)}`).join(', ');
    say(`${r.file.padEnd(width)}  ${r.className.padEnd(classWidth)}  ${r.probability.toFixed(4)}${top > 0 ? `       ${ranked}` : ''}`);
  }
  const note = accuracyNote(model);
  if (note !== undefined) say(note);
  return code;
}

/**
 * What the model's recorded test accuracy means for a photo, for the notes' single neuron (one
 * dense layer): its 70 % on the cat test set is about 1 photo in 3 misclassified, which the
 * notes' later chapters (deeper networks, convolutions) improve on.
 * @example accuracyNote(await loadModelFile('cat.json')) // 'note: this single neuron got 70.0 % ...'
 */
export function accuracyNote(model: LoadedModel): string | undefined {
  // One dense layer of one unit (softmax regression over k classes is not a single neuron).
  const dense = model.layers.filter((l) => l.kind === 'dense');
  const acc = model.training.testAccuracy;
  const single = dense.length === 1 && dense[0]?.kind === 'dense' && dense[0].units === 1 && !model.layers.some((l) => l.kind === 'conv');
  if (!single || acc === undefined || !Number.isFinite(acc)) return undefined;
  const wrong = 100 - acc;
  const share = wrong <= 0 ? 'none of its test photos' : `about 1 photo in ${Math.max(1, Math.round(100 / wrong))}`;
  return `note: this single neuron got ${acc.toFixed(1)} % of its test photos right, so it misclassifies ${share}; a deeper network (--model mlp, --layers) or a CNN (--arch conv:...) does better`;
}
