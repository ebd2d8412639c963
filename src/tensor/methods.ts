// Chainable methods on Tensor (`w.T.matmul(X).add(b)`), each a one-line call of the op
// function of the same name. Declared by module augmentation so the Tensor class file does
// not import the op files (which import it).
import type { DType } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import type { TensorLike } from './creation.js';
import * as ew from './elementwise.js';
import * as la from './linalg.js';
import * as rd from './reduce.js';
import * as so from './shape-ops.js';
import { Tensor } from './tensor.js';

declare module './tensor.js' {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    equal(b: TensorLike): Tensor;
    notEqual(b: TensorLike): Tensor;
    less(b: TensorLike): Tensor;
    lessEqual(b: TensorLike): Tensor;
    greater(b: TensorLike): Tensor;
    greaterEqual(b: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    abs(): Tensor;
    sqrt(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    sum(opts?: rd.ReduceOptions): Tensor;
    mean(opts?: rd.ReduceOptions): Tensor;
    max(opts?: rd.ReduceOptions): Tensor;
    min(opts?: rd.ReduceOptions): Tensor;
    argmax(axis?: number, keepdims?: boolean): Tensor;
    argmin(axis?: number, keepdims?: boolean): Tensor;
    matmul(b: Tensor): Tensor;
    dot(b: Tensor): Tensor;
    reshape(shape: Shape): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    /** The transpose, as numpy's `.T`. */
    readonly T: Tensor;
    slice(...specs: so.SliceSpec[]): Tensor;
    rows(start: number, end: number): Tensor;
    cols(start: number, end: number): Tensor;
    flatten(): Tensor;
    broadcastTo(shape: Shape): Tensor;
    astype(dtype: DType): Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (b) { return ew.add(this, b); };
P.sub = function (b) { return ew.sub(this, b); };
P.mul = function (b) { return ew.mul(this, b); };
P.div = function (b) { return ew.div(this, b); };
P.pow = function (b) { return ew.pow(this, b); };
P.maximum = function (b) { return ew.maximum(this, b); };
P.minimum = function (b) { return ew.minimum(this, b); };
P.equal = function (b) { return ew.equal(this, b); };
P.notEqual = function (b) { return ew.notEqual(this, b); };
P.less = function (b) { return ew.less(this, b); };
P.lessEqual = function (b) { return ew.lessEqual(this, b); };
P.greater = function (b) { return ew.greater(this, b); };
P.greaterEqual = function (b) { return ew.greaterEqual(this, b); };
P.neg = function () { return ew.neg(this); };
P.exp = function () { return ew.exp(this); };
P.log = function () { return ew.log(this); };
P.abs = function () { return ew.abs(this); };
P.sqrt = function () { return ew.sqrt(this); };
P.tanh = function () { return ew.tanh(this); };
P.sigmoid = function () { return ew.sigmoid(this); };
P.sum = function (opts) { return rd.sum(this, opts); };
P.mean = function (opts) { return rd.mean(this, opts); };
P.max = function (opts) { return rd.max(this, opts); };
P.min = function (opts) { return rd.min(this, opts); };
P.argmax = function (axis, keepdims) { return rd.argmax(this, axis, keepdims); };
P.argmin = function (axis, keepdims) { return rd.argmin(this, axis, keepdims); };
P.matmul = function (b) { return la.matmul(this, b); };
P.dot = function (b) { return la.dot(this, b); };
P.reshape = function (shape) { return so.reshape(this, shape); };
P.transpose = function (perm) { return so.transpose(this, perm); };
Object.defineProperty(P, 'T', { get(this: Tensor) { return so.transpose(this); }, configurable: true });
P.slice = function (...specs) { return so.slice(this, ...specs); };
P.rows = function (start, end) { return so.rows(this, start, end); };
P.cols = function (start, end) { return so.cols(this, start, end); };
P.flatten = function () { return so.flatten(this); };
P.broadcastTo = function (shape) { return so.broadcastTo(this, shape); };
P.astype = function (dtype) { return ew.astype(this, dtype); };
