/**
 * What a model's layers make of one image: the activations after every layer, in turn, and
 * the first layer's filters as pictures (a convolution's kh x kw x Cin kernels, or a dense
 * layer's rows reshaped to the image). Math only, for the drawing in src/viz/pictures.ts;
 * browser-safe, and generic over `Sequential`: a layer is known by its output's shape and its
 * parameters' shapes, never by its class.
 */
import { noGrad } from '../autograd/index.js';
import { ShapeError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { checkItemShape, EVAL } from '../nn/module.js';
import type { Sequential } from '../nn/sequential.js';
import { slice, type Tensor } from '../tensor/index.js';
import { firstLayerImages } from './plot-data.js';

/** One layer's output for one image. */
export interface LayerOutput {
  /** 1-based position in `model.layers` (layer 1 takes the image). */
  layer: number;
  /** The layer's config kind: 'conv2d', 'relu', 'flatten', 'dense', ... */
  kind: string;
  /** The output without the batch axis, e.g. (64, 64, 4) or (2). */
  shape: number[];
  /** The output, (1, ...shape). */
  value: Tensor;
}

/**
 * Every layer's output for one prepared image x (1, ...inputShape), in evaluation mode (no
 * dropout), the output head included.
 * @example layerOutputs(net, x).map((o) => o.kind) // ['conv2d', 'relu', 'maxpool', 'flatten', 'dense', 'softmax']
 */
export function layerOutputs(model: Sequential, x: Tensor): LayerOutput[] {
  checkItemShape('layerOutputs', x, model.inputShape);
  if (x.shape[0] !== 1) throw new ShapeError('layerOutputs', `takes one image (1, ...), got ${formatShape(x.shape)}`, [x.shape]);
  return noGrad(() => {
    let a = x;
    return model.layers.map((l, i) => {
      a = l.forward(a, EVAL);
      return { layer: i + 1, kind: l.config().kind, shape: a.shape.slice(1), value: a };
    });
  });
}

/**
 * Whether an output is a stack of maps (H, W, C): what a convolution, its activation and a
 * pooling layer give, and what `channelMaps` splits.
 */
export function isMapStack(o: LayerOutput): boolean {
  return o.shape.length === 3;
}

/**
 * The C maps of an output (1, H, W, C), each H x W in row-major order.
 * @example channelMaps(out.value).length // C
 */
export function channelMaps(value: Tensor): { height: number; width: number; maps: Float64Array[] } {
  if (value.ndim !== 4 || value.shape[0] !== 1) throw new ShapeError('channelMaps', `takes one stack of maps (1, H, W, C), got ${formatShape(value.shape)}`, [value.shape]);
  const [, height, width, channels] = value.shape as [number, number, number, number];
  const v = value.values();
  const maps = Array.from({ length: channels }, (_, c) => {
    const m = new Float64Array(height * width);
    for (let p = 0; p < m.length; p++) m[p] = v[p * channels + c] as number;
    return m;
  });
  return { height, width, maps };
}

/** The first layer's filters, each (h, w, Cin). */
export interface Filters {
  /** `conv`: a 4-D kernel (kh, kw, Cin, Cout); `dense`: rows of W reshaped to the image. */
  source: 'conv' | 'dense';
  /** The parameter they come from, e.g. 'W1'. */
  parameter: string;
  /** One per output channel or unit, each (h, w, Cin). */
  filters: Tensor[];
}

/**
 * The filters of the first layer with parameters: its 4-D weight (kh, kw, Cin, Cout) split
 * into Cout kernels, or a first dense layer's rows reshaped to the image shape (the same
 * pictures as the training plots' weights). Null when neither applies.
 * @example firstLayerFilters(cnn)?.filters[0]?.shape // [3, 3, 3]
 */
export function firstLayerFilters(model: Sequential): Filters | null {
  const first = model.layers.find((l) => l.parameters().length > 0);
  if (first === undefined) return null;
  const kernel = first.parameters().find((p) => p.role === 'weight' && p.value.ndim === 4);
  if (kernel !== undefined) {
    const W = kernel.value;
    const cout = W.shape[3] as number;
    return { source: 'conv', parameter: kernel.name, filters: Array.from({ length: cout }, (_, o) => slice(W, null, null, null, o)) };
  }
  const rows = firstLayerImages(model);
  if (rows.length === 0) return null;
  const parameter = first.parameters().find((p) => p.role === 'weight')?.name ?? 'W1';
  // A grayscale image input (H, W) gives (H, W) rows: drawn as one channel.
  const filters = rows.map((r) => (r.image.ndim === 2 ? r.image.reshape([...r.image.shape, 1]) : r.image));
  if (filters.some((f) => f.ndim !== 3)) return null;
  return { source: 'dense', parameter, filters };
}
