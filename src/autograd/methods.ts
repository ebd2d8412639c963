// Autograd's chainable methods on Tensor (`loss.backward()`, `x.detach()`), installed when
// the autograd layer is imported, as the tensor layer's own methods are in src/tensor/methods.ts.
import { Tensor } from '../tensor/index.js';
import { backward, type BackwardOptions } from './backward.js';
import { detach } from './graph.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** See `backward` in src/autograd. @example loss.backward(); w.grad */
    backward(seed?: Tensor, opts?: BackwardOptions): void;
    /** See `detach` in src/autograd: the same data, cut from the graph. */
    detach(): Tensor;
  }
}

const P = Tensor.prototype;
P.backward = function (seed, opts) { backward(this, seed, opts); };
P.detach = function () { return detach(this); };
