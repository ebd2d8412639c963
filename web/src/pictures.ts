/**
 * The worker's pictures of a model, with the CLI's own math and drawing: a CNN's first-layer
 * filters and one test image's feature maps (src/analysis/feature-maps.ts drawn by
 * src/viz/pictures.ts, as `tsgrad features` draws them), and a photo's saliency figure
 * (src/analysis/saliency.ts, drawn as `tsgrad saliency` draws it). Only the pixel buffers
 * go to the page, which puts them on canvases.
 */
import { channelMaps, firstLayerFilters, isMapStack, layerOutputs } from '../../src/analysis/feature-maps.js';
import type { Predictor } from '../../src/analysis/predict.js';
import { saliency } from '../../src/analysis/saliency.js';
import { prepareInputs } from '../../src/data/preprocess.js';
import type { Sequential } from '../../src/nn/sequential.js';
import { slice, Tensor } from '../../src/tensor/index.js';
import type { Rgba } from '../../src/viz/heatmap.js';
import { featureMapsPicture, filtersPicture, saliencyPicture } from '../../src/viz/pictures.js';
import type { NetworkPictures, Picture } from './protocol.js';

/** About this many pixels a side for each filter and each feature map (the canvas enlarges them further, so the 1-pixel gaps show). */
const FILTER_PX = 24;
const MAP_PX = 64;
/** The saliency figure's panels at twice the image size: 128 pixels for the course's 64×64 photos. */
const SALIENCY_SCALE = 2;

/**
 * A picture's bytes as ImageData takes them (a copy: the page gets its own transferable buffer).
 * @example post({ type: 'pictures', pictures }, [pictures.filters.picture.data.buffer])
 */
export function toPicture(img: Rgba): Picture {
  const data = new Uint8ClampedArray(img.data.length);
  data.set(img.data);
  return { width: img.width, height: img.height, data };
}

/**
 * Whether the model has a layer whose output is a stack of maps (H, W, C): a CNN, whose
 * filters and feature maps the page shows (a dense network's first layer is the weight pictures).
 * @example hasMapLayers(cnn) // true
 */
export function hasMapLayers(model: Sequential): boolean {
  let shape = [...model.inputShape];
  return model.layers.some((l) => (shape = l.outputShape(shape)).length === 3);
}

/**
 * The filters of the first layer and the feature maps of test image `image` of the prepared
 * test inputs (N, H, W, C), through every layer whose output is (H, W, C); null for a model
 * without such layers.
 * @example networkPictures(run.synced(), run.run.inputs('test'), 0, 3)?.layers.map((l) => l.kind) // ['conv', 'relu', 'maxpool', ...]
 */
export function networkPictures(model: Sequential, test: Tensor, image: number, iteration: number): NetworkPictures | null {
  if (!hasMapLayers(model)) return null;
  const n = test.shape[0] as number;
  const i = Math.min(Math.max(0, Math.trunc(image)), n - 1);
  const x = slice(test, { start: i, end: i + 1 });
  const f = firstLayerFilters(model);
  const filters = f === null ? null : { picture: toPicture(filtersPicture(f, FILTER_PX)), parameter: f.parameter, count: f.filters.length, shape: [...(f.filters[0]?.shape ?? [])] };
  const layers = layerOutputs(model, x).filter(isMapStack).map((o) => ({ layer: o.layer, kind: o.kind, shape: o.shape, picture: toPicture(featureMapsPicture(channelMaps(o.value), MAP_PX)) }));
  return { iteration, image: i, filters, layers };
}

/** The buffers of `pictures`, to transfer rather than copy. */
export function pictureBuffers(pictures: NetworkPictures | null): ArrayBuffer[] {
  if (pictures === null) return [];
  return [...(pictures.filters !== null ? [pictures.filters.picture.data.buffer] : []), ...pictures.layers.map((l) => l.picture.data.buffer)];
}

/**
 * A photo's saliency figure as `tsgrad saliency` draws it: the photo as the model sees it,
 * the map max_c |dS/dx| of the predicted class (inferno, 0 to the map's 99th percentile), the
 * map over the photo, and the colour bar. Any model: the neuron, a deep network or a CNN.
 * @example photoSaliency(shown, pixels).width // 4 panels of 128 pixels with their gaps
 */
export function photoSaliency(p: Predictor, pixels: Uint8Array): Picture {
  const shape = p.model.inputShape;
  const [height, width] = shape as [number, number];
  const x = prepareInputs(new Tensor(pixels, [1, ...shape], 'uint8'), p.preprocessing, p.dtype);
  const map = saliency(p.model, x).map.values();
  return toPicture(saliencyPicture(pixels, height, width, map, { scale: SALIENCY_SCALE }));
}
