import { Command } from 'commander';
import { checkPhotoModel, featureOutputs, prepareOutputFolder, writeFeatures } from '../app/pictures.js';
import { checkOutputs } from '../data/output-path.js';
import { formatShape } from '../core/shape.js';
import { DEFAULT_MAX_PIXELS } from '../data/image.js';
import { loadModelFile } from '../io/files.js';
import { oneOf, positiveInt, runCommand } from './run.js';

interface FeaturesOptions {
  out: string;
  maxPixels: number;
  fit: 'fill' | 'cover' | 'contain';
  json?: boolean;
  debug?: boolean;
}

/**
 * `tsgrad features MODEL IMAGE --out DIR`: the first layer's filters, and what every layer
 * whose output is a stack of maps (H, W, C) makes of one photo.
 * @example program.addCommand(featuresCommand());
 */
export function featuresCommand(): Command {
  return new Command('features')
    .description("a model's first-layer filters (filters.png) and, for one image, the feature maps of every layer whose output is (H, W, C) (layer-<i>-<kind>.png)")
    .argument('<model>', 'model file written by tsgrad train --save')
    .argument('<image>', 'an image file (JPEG, PNG or WebP), read as tsgrad predict reads it')
    .requiredOption('--out <dir>', 'folder to write the pictures into (created if missing)')
    .option('--max-pixels <n>', 'refuse images with more pixels than this (decompression bombs)', positiveInt('--max-pixels'), DEFAULT_MAX_PIXELS)
    .option('--fit <how>', "fill: stretch to the model's square input, as the notes do; cover: crop the centre; contain: pad with white", oneOf('--fit', ['fill', 'cover', 'contain'] as const), 'fill')
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (model: string, image: string, opts: FeaturesOptions, cmd: Command) => {
      const debug = opts.debug === true || cmd.optsWithGlobals()['debug'] === true;
      process.exitCode = await runCommand(() => features(model, image, opts), debug);
    });
}

async function features(file: string, image: string, opts: FeaturesOptions): Promise<void> {
  await checkOutputs('features', [{ option: '--out', path: opts.out, kind: 'folder' }], [file, image]);
  const model = await loadModelFile(file);
  checkPhotoModel(model, 'features');
  await prepareOutputFolder('features', opts.out, [file, image], featureOutputs(model.model, opts.out));
  const r = await writeFeatures(model, image, opts.out, { maxPixels: opts.maxPixels, fit: opts.fit });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ model: file, image, ...r })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(`${image}: ${r.className} (probability ${r.probability.toFixed(4)})`);
  const f = r.filters;
  const what = f?.source === 'conv' ? 'kernel' : 'unit';
  if (f !== undefined) say(`filters: ${f.count} ${what}${f.count === 1 ? '' : 's'} of ${f.parameter}, each ${formatShape(f.shape)}: ${f.output}`);
  else say('filters: none (the first layer with parameters has no 4-D kernel nor image-shaped weights)');
  for (const l of r.layers) say(`layer ${l.layer} ${l.kind}: ${formatShape(l.shape)}${l.output !== undefined ? `, ${l.shape[2]} maps: ${l.output}` : ''}`);
}
