/**
 * What `tsgrad saliency` and `tsgrad features` do (Node): read a photo exactly as `tsgrad
 * predict` does (at the model's input size, prepared with the model file's preprocessing, in
 * its dtype), compute (src/analysis), draw (src/viz/pictures.ts) and write PNGs
 * (src/data/png.ts); and refuse, before anything is written, an output folder that is a
 * file or would put a picture over one of the inputs.
 */
import { realpathSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { channelMaps, firstLayerFilters, isMapStack, layerOutputs } from '../analysis/feature-maps.js';
import { classProbabilities } from '../analysis/predict.js';
import { saliency } from '../analysis/saliency.js';
import { ArgumentError, ModelFileError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { readImageForModel, type ResizeFit, type RgbImage } from '../data/image.js';
import { writePng } from '../data/png.js';
import { prepareInputs } from '../data/preprocess.js';
import type { LoadedModel } from '../io/model-file.js';
import type { Sequential } from '../nn/sequential.js';
import { Tensor } from '../tensor/index.js';
import { featureMapsPicture, filtersPicture, saliencyPicture } from '../viz/pictures.js';

/** How photos are read, as for `tsgrad predict`. */
export interface ImageOptions {
  maxPixels?: number;
  fit?: ResizeFit;
}

/**
 * One photo at the model's input size and as its input x (1, h, w, 3), prepared as
 * `predictImage` prepares it.
 * @example const { x } = await readModelInput(loaded, 'cat.jpg', 'saliency');
 */
export async function readModelInput(loaded: LoadedModel, file: string, op: string, opts: ImageOptions = {}): Promise<{ image: RgbImage; x: Tensor }> {
  const [height, width, channels] = checkPhotoModel(loaded, op);
  const image = await readImageForModel(file, { width, height, channels, ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}), ...(opts.fit !== undefined ? { fit: opts.fit } : {}) });
  const x = prepareInputs(new Tensor(image.pixels, [1, ...loaded.inputShape], 'uint8'), loaded.preprocessing, loaded.dtype);
  return { image, x };
}

/**
 * The model's input size (height, width, channels), refusing models that do not take RGB
 * images (h, w, 3) or grayscale ones (h, w, 1), as `tsgrad predict` does.
 * @example const [h, w] = checkPhotoModel(loaded, 'saliency'); // [64, 64, 3]
 */
export function checkPhotoModel(loaded: LoadedModel, op: string): [number, number, 1 | 3] {
  const [height, width, channels] = loaded.inputShape;
  if (loaded.inputShape.length !== 3 || (channels !== 3 && channels !== 1) || height === undefined || width === undefined) {
    // The model file is what does not fit: name it, not the op (`saliency: model: ...` read like an internal prefix).
    throw new ModelFileError(loaded.file, undefined, `the model takes inputs of shape ${formatShape(loaded.inputShape)}, not RGB or grayscale images (h, w, 3) or (h, w, 1), which tsgrad ${op} reads photos as`);
  }
  return [height, width, channels];
}

/**
 * The index of a class given by name (`--class cat`).
 * @example classIndex(loaded, 'cat') // 1
 */
export function classIndex(loaded: LoadedModel, name: string): number {
  const names = Array.from({ length: loaded.model.classes }, (_, c) => loaded.classes[c] ?? String(c));
  const i = names.indexOf(name);
  if (i < 0) throw new ArgumentError('saliency', '--class', `'${name}' is not one of the model's classes (${names.join(', ')})`);
  return i;
}

/** Where `tsgrad saliency` writes each image's picture: `DIR/<name>-saliency.png`. @example saliencyOutputs(['a/cat.jpg'], 'out') // ['out/cat-saliency.png'] */
export function saliencyOutputs(images: readonly string[], out: string): string[] {
  return images.map((f) => path.join(out, `${path.parse(f).name}-saliency.png`));
}

/** The item shape after each layer, without running the model. */
function layerShapes(model: Sequential): number[][] {
  let shape = [...model.inputShape];
  return model.layers.map((l) => (shape = l.outputShape(shape)));
}

/**
 * What `tsgrad features` writes: `filters.png` when the first layer has filters (a 4-D kernel
 * or image-shaped dense rows), `layer-<i>-<kind>.png` for each layer (1-based) whose output
 * is a stack of maps (H, W, C).
 * @example featureOutputs(cnn, 'out') // ['out/filters.png', 'out/layer-1-conv2d.png', ...]
 */
export function featureOutputs(model: Sequential, out: string): string[] {
  const layers = layerShapes(model).flatMap((s, i) => (s.length === 3 ? [path.join(out, layerFile(i + 1, model.layers[i]?.config().kind ?? 'layer'))] : []));
  return [...(firstLayerFilters(model) !== null ? [path.join(out, 'filters.png')] : []), ...layers];
}

function layerFile(layer: number, kind: string): string {
  return `layer-${layer}-${kind}.png`;
}

/**
 * Refuses, before anything is written: `out` that exists and is not a folder, two outputs
 * with the same path, and an output that is one of the inputs (tsgrad never writes over its
 * input). Then creates `out`.
 * `sources[i]`, when given, names what output i is drawn from (for that message).
 * @example await prepareOutputFolder('saliency', 'out', [model, ...images], outputs, images);
 */
export async function prepareOutputFolder(op: string, out: string, inputs: readonly string[], outputs: readonly string[], sources: readonly string[] = []): Promise<void> {
  const st = await stat(out).catch(() => null);
  if (st !== null && !st.isDirectory()) throw new ArgumentError(op, '--out', `${out} is a file, not a folder: give a folder to write the pictures into`);
  const seen = new Map<string, number>();
  outputs.forEach((o, i) => {
    const input = inputs.find((f) => sameFile(f, o));
    if (input !== undefined) throw new ArgumentError(op, '--out', `${o} would be written over the input ${input}: choose another folder, tsgrad never writes over its input`);
    const j = seen.get(real(o));
    if (j !== undefined) throw new ArgumentError(op, '--out', `${sources[j] ?? outputs[j]} and ${sources[i] ?? o} would both be written to ${o}: give images with different names`);
    seen.set(real(o), i);
  });
  await mkdir(out, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new ArgumentError(op, '--out', `cannot create the folder ${out} (${e.code ?? 'error'})`);
  });
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // A missing file: its folder's real path (a link to the output folder is the folder).
    try {
      return path.join(realpathSync(path.dirname(p)), path.basename(p));
    } catch {
      return path.resolve(p);
    }
  }
}

function sameFile(a: string, b: string): boolean {
  return real(a) === real(b);
}

/** One image's saliency map, written. */
export interface SaliencyWritten {
  file: string;
  output: string;
  /** The predicted class, its name and probability. */
  label: number;
  className: string;
  probability: number;
  /** The class whose score was differentiated, its name and probability. */
  target: number;
  targetName: string;
  targetProbability: number;
  /** The largest value of the map: |dS_c/dx| per unit of prepared input (pixel / scale). */
  mapMax: number;
}

/**
 * Reads `file`, computes its saliency map for class `target` (default the predicted one),
 * and writes the photo, the map and the map over the photo side by side to `output`.
 * @example await writeSaliency(loaded, 'cat.jpg', 'out/cat-saliency.png')
 */
export async function writeSaliency(loaded: LoadedModel, file: string, output: string, opts: ImageOptions & { target?: number } = {}): Promise<SaliencyWritten> {
  const { image, x } = await readModelInput(loaded, file, 'saliency', opts);
  const s = saliency(loaded.model, x, opts.target !== undefined ? { target: opts.target } : {});
  const map = s.map.values();
  const picture = saliencyPicture(image.pixels, image.height, image.width, map);
  await writePng(output, picture.data, picture.width, picture.height);
  const name = (c: number): string => loaded.classes[c] ?? String(c);
  const label = s.predicted[0] as number;
  const target = s.target[0] as number;
  let mapMax = 0;
  for (const v of map) mapMax = Math.max(mapMax, v);
  return { file, output, label, className: name(label), probability: s.probabilities[0]?.[label] as number, target, targetName: name(target), targetProbability: s.probability[0] as number, mapMax };
}

/** What `writeFeatures` wrote and saw, layer by layer. */
export interface FeaturesWritten {
  label: number;
  className: string;
  probability: number;
  /** The filters' picture, when the first layer has filters. */
  filters?: { output: string; source: 'conv' | 'dense'; parameter: string; count: number; shape: number[] };
  layers: { layer: number; kind: string; shape: number[]; output?: string }[];
}

/**
 * Reads `file` and writes, into `out`, `filters.png` and a grid of feature maps for each
 * layer whose output is (H, W, C) (see `featureOutputs`).
 * @example await writeFeatures(loaded, 'cat.jpg', 'out')
 */
export async function writeFeatures(loaded: LoadedModel, file: string, out: string, opts: ImageOptions = {}): Promise<FeaturesWritten> {
  const { x } = await readModelInput(loaded, file, 'features', opts);
  const model = loaded.model;
  const label = model.predict(x).item();
  const probability = classProbabilities(model, x)[0]?.[label] as number;
  const result: FeaturesWritten = { label, className: loaded.classes[label] ?? String(label), probability, layers: [] };
  const f = firstLayerFilters(model);
  if (f !== null) {
    const picture = filtersPicture(f);
    const output = path.join(out, 'filters.png');
    await writePng(output, picture.data, picture.width, picture.height);
    result.filters = { output, source: f.source, parameter: f.parameter, count: f.filters.length, shape: [...(f.filters[0]?.shape ?? [])] };
  }
  for (const o of layerOutputs(model, x)) {
    if (!isMapStack(o)) {
      result.layers.push({ layer: o.layer, kind: o.kind, shape: o.shape });
      continue;
    }
    const picture = featureMapsPicture(channelMaps(o.value));
    const output = path.join(out, layerFile(o.layer, o.kind));
    await writePng(output, picture.data, picture.width, picture.height);
    result.layers.push({ layer: o.layer, kind: o.kind, shape: o.shape, output });
  }
  return result;
}
