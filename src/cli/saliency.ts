import { Command } from 'commander';
import { checkPhotoModel, classIndex, prepareOutputFolder, saliencyOutputs, writeSaliency, type SaliencyWritten } from '../app/pictures.js';
import { TsgradError } from '../core/errors.js';
import { checkOutputs } from '../data/output-path.js';
import { DEFAULT_MAX_PIXELS } from '../data/image.js';
import { loadModelFile } from '../io/files.js';
import { EXIT, oneOf, positiveInt, reportError, runCommand } from './run.js';

interface SaliencyOptions {
  out: string;
  class?: string;
  maxPixels: number;
  fit: 'fill' | 'cover' | 'contain';
  json?: boolean;
  debug?: boolean;
}

/**
 * `tsgrad saliency MODEL IMAGE... --out DIR [--class NAME]`: for each photo, the gradient of
 * the class score with respect to its pixels (Simonyan et al. 2013) as a picture.
 * @example program.addCommand(saliencyCommand());
 */
export function saliencyCommand(): Command {
  return new Command('saliency')
    .description('saliency maps (Simonyan et al. 2013): which pixels the class score is most sensitive to; writes DIR/<name>-saliency.png per image (the photo, the map, the map over the photo)')
    .argument('<model>', 'model file written by tsgrad train --save')
    .argument('<images...>', 'image files (JPEG, PNG or WebP), read as tsgrad predict reads them')
    .requiredOption('--out <dir>', 'folder to write the pictures into (created if missing)')
    .option('--class <name>', "the class whose score to explain (default: each image's predicted class)")
    .option('--max-pixels <n>', 'refuse images with more pixels than this (decompression bombs)', positiveInt('--max-pixels'), DEFAULT_MAX_PIXELS)
    .option('--fit <how>', "fill: stretch to the model's square input, as the notes do; cover: crop the centre; contain: pad with white", oneOf('--fit', ['fill', 'cover', 'contain'] as const), 'fill')
    .option('--json', 'print one JSON object per image on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (model: string, images: string[], opts: SaliencyOptions, cmd: Command) => {
      const debug = opts.debug === true || cmd.optsWithGlobals()['debug'] === true;
      process.exitCode = await runCommand(() => saliencyMaps(model, images, opts, debug), debug);
    });
}

/** Every image gets a line; a bad image is an error line on stderr and exit 2, the others still go on. */
async function saliencyMaps(file: string, images: string[], opts: SaliencyOptions, debug: boolean): Promise<number> {
  await checkOutputs('saliency', [{ option: '--out', path: opts.out, kind: 'folder' }], [file, ...images]);
  const model = await loadModelFile(file);
  checkPhotoModel(model, 'saliency');
  const target = opts.class !== undefined ? classIndex(model, opts.class) : undefined;
  const outputs = saliencyOutputs(images, opts.out);
  await prepareOutputFolder('saliency', opts.out, [file, ...images], outputs, images);
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  const width = Math.max(4, ...images.map((f) => f.length));
  const classWidth = Math.max(5, ...model.classes.map((c) => c.length));
  if (!opts.json) {
    if (opts.class !== undefined) say(`maps of the score of class ${opts.class}`);
    say(`${'file'.padEnd(width)}  ${'class'.padEnd(classWidth)}  probability  picture`);
  }
  let code: number = EXIT.ok;
  for (const [i, image] of images.entries()) {
    let r: SaliencyWritten;
    try {
      r = await writeSaliency(model, image, outputs[i] as string, { maxPixels: opts.maxPixels, fit: opts.fit, ...(target !== undefined ? { target } : {}) });
    } catch (e) {
      if (!(e instanceof TsgradError)) throw e;
      code = Math.max(code, reportError(e, debug));
      continue;
    }
    if (opts.json) {
      say(JSON.stringify({ file: r.file, class: r.className, label: r.label, probability: r.probability, mapClass: r.targetName, mapClassProbability: r.targetProbability, mapMax: r.mapMax, picture: r.output }));
    } else {
      say(`${r.file.padEnd(width)}  ${r.className.padEnd(classWidth)}  ${r.probability.toFixed(4).padEnd(11)}  ${r.output}`);
    }
  }
  return code;
}
