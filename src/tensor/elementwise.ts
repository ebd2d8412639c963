import { allocate, isFloat, promoteFloat, type DType } from '../core/dtype.js';
import { broadcastShapes, broadcastStrides, type Shape } from '../core/shape.js';
import { binaryKernel, unaryKernel, whereKernel, type BinaryKind, type Operand, type UnaryKind } from '../kernels/elementwise.js';
import { castTo, scalar, type TensorLike } from './creation.js';
import { record } from './record.js';
import { Tensor } from './tensor.js';

function operand(t: Tensor, shape: Shape): Operand {
  return { data: t.data, offset: t.offset, strides: broadcastStrides(t.shape, t.strides, shape) };
}

/** A plain number takes the dtype of the tensor it meets (numpy's "weak" Python scalars). */
function asTensor(x: TensorLike, like: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  const dtype: DType = like instanceof Tensor && isFloat(like.dtype) ? like.dtype : 'float64';
  return scalar(x, dtype);
}

function floatType(x: Tensor): 'float64' | 'float32' {
  return isFloat(x.dtype) ? x.dtype : promoteFloat(x.dtype);
}

function unary(kind: UnaryKind & keyof PrimitiveUnary, x: Tensor): Tensor {
  const dtype = floatType(x);
  const out = allocate(dtype, x.size);
  unaryKernel(kind, operand(x, x.shape), x.shape, out);
  return record(kind, [x], new Tensor(out, x.shape, dtype), null);
}
interface PrimitiveUnary { neg: 1; exp: 1; log: 1; abs: 1; sqrt: 1; tanh: 1; sigmoid: 1 }

/** -x. @example neg(fromArray([1, -2])) // [-1, 2] */
export const neg = (x: Tensor): Tensor => unary('neg', x);
/** eˣ elementwise. */
export const exp = (x: Tensor): Tensor => unary('exp', x);
/** Natural logarithm elementwise (log 0 = -inf, log of a negative = NaN, as numpy). */
export const log = (x: Tensor): Tensor => unary('log', x);
/** |x| elementwise. */
export const abs = (x: Tensor): Tensor => unary('abs', x);
/** √x elementwise (NaN below 0). */
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
/** tanh elementwise. */
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
/**
 * The logistic function 1 / (1 + e⁻ˣ), computed exactly as the notes write it.
 * @example sigmoid(scalar(0)).item() // 0.5
 */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);

type ArithKind = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

function binary(kind: ArithKind, op: string, a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a, b);
  const tb = asTensor(b, a);
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  const dtype = promoteFloat(ta.dtype, tb.dtype);
  const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
  binaryKernel(kind, operand(ta, shape), operand(tb, shape), shape, out);
  return record(kind, [ta, tb], new Tensor(out, shape, dtype), null);
}

/** a + b with numpy broadcasting. @example add(fromArray([[1], [2]]), fromArray([10, 20])) // [[11, 21], [12, 22]] */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', 'add', a, b);
/** a - b with broadcasting. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', 'sub', a, b);
/** a * b elementwise with broadcasting. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', 'mul', a, b);
/** a / b with broadcasting (true division: integers become float). */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary('div', 'div', a, b);
/** aᵇ elementwise. @example pow(fromArray([2, 3]), 2) // [4, 9] */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary('pow', 'pow', a, b);
/** Elementwise larger value (NaN wins, as numpy's `maximum`). @example maximum(x, 0) // relu */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary('maximum', 'maximum', a, b);
/** Elementwise smaller value (NaN wins). */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary('minimum', 'minimum', a, b);

type CompareKind = Extract<BinaryKind, 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual'>;

function compare(kind: CompareKind, a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a, b);
  const tb = asTensor(b, a);
  const shape = broadcastShapes(kind, ta.shape, tb.shape);
  const out = allocate('bool', shape.reduce((p, d) => p * d, 1));
  binaryKernel(kind, operand(ta, shape), operand(tb, shape), shape, out);
  return new Tensor(out, shape, 'bool');
}

/** a == b elementwise, as a bool tensor. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => compare('equal', a, b);
/** a != b elementwise. */
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compare('notEqual', a, b);
/** a < b elementwise. */
export const less = (a: TensorLike, b: TensorLike): Tensor => compare('less', a, b);
/** a <= b elementwise. */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compare('lessEqual', a, b);
/** a > b elementwise. @example greater(A, 0.5) // the notes' prediction rule */
export const greater = (a: TensorLike, b: TensorLike): Tensor => compare('greater', a, b);
/** a >= b elementwise. */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => compare('greaterEqual', a, b);

/**
 * Elementwise choice: `a` where `condition` is non-zero, else `b`; all three broadcast.
 * @example where(greater(x, 0), x, 0) // relu
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const ta = asTensor(a, b);
  const tb = asTensor(b, a);
  const shape = broadcastShapes('where', broadcastShapes('where', condition.shape, ta.shape), tb.shape);
  const dtype = promoteFloat(ta.dtype, tb.dtype);
  const out = allocate(dtype, shape.reduce((p, d) => p * d, 1));
  whereKernel(operand(condition, shape), operand(ta, shape), operand(tb, shape), shape, out);
  return record('where', [ta, tb], new Tensor(out, shape, dtype), { condition });
}

/** The same values as another dtype. @example astype(t, 'float32') */
export function astype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return record('cast', [x], castTo(x, dtype), null);
}
