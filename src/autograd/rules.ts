/**
 * The derivative of every primitive, in one table. `RULES` is typed by the closed set of
 * primitives in src/tensor/record.ts, so a primitive added there without its rule here does
 * not compile. Each rule maps the output's gradient `dy` to its inputs' gradients (vector-
 * Jacobian products), written with tensor ops so it runs wherever tensors run. Composite ops
 * (mean, relu, softmax, the losses) need no rule: they are built from these.
 */
import { isFloat } from '../core/dtype.js';
import { shapesEqual, type Shape } from '../core/shape.js';
import {
  astype,
  broadcastTo,
  conv2dFilterGrad,
  conv2dWindows,
  div,
  embed,
  equal,
  fold2d,
  gather,
  greater,
  greaterEqual,
  less,
  log,
  matmul,
  mul,
  neg,
  pow,
  reshape,
  scatterAdd,
  sub,
  stridedView,
  sum,
  transpose,
  unfold2d,
  where,
  zeros,
  type Primitive,
  type PrimitiveAttrs,
  type WindowGeometry,
  type Tensor,
} from '../tensor/index.js';

/** What a rule sees: the op's inputs, its output, its attributes, and which inputs need a gradient. */
export interface RuleContext<P extends Primitive> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: PrimitiveAttrs[P];
  readonly needs: readonly boolean[];
}

/** One primitive's derivative rule, and the symbol graph pictures draw for it. */
export interface OpDef<P extends Primitive> {
  readonly symbol: string;
  /** One gradient per input, the input's shape; null where `needs` is false. */
  backward(ctx: RuleContext<P>, dy: Tensor): (Tensor | null)[];
}

/**
 * Sums `grad` over the axes broadcasting added or stretched, so it takes `shape` again: the
 * gradient of a broadcast is the sum of the gradients of its copies.
 * @example unbroadcast(ones([4, 3]), [3]) // [4, 4, 4]
 * @example unbroadcast(ones([4, 3]), [4, 1]) // [[3], [3], [3], [3]]
 */
export function unbroadcast(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(grad, { axis: axes, keepdims: true }), shape);
}

// Input tensors by position; the tensor layer always records binary ops with two inputs.
function args(ctx: RuleContext<Primitive>): [Tensor, Tensor] {
  return [ctx.inputs[0] as Tensor, ctx.inputs[1] as Tensor];
}
function arg(ctx: RuleContext<Primitive>): Tensor {
  return ctx.inputs[0] as Tensor;
}

/** Builds a binary rule from the two partial products; each is unbroadcast to its input's shape. */
function binary<P extends Primitive>(symbol: string, da: (ctx: RuleContext<P>, dy: Tensor) => Tensor, db: (ctx: RuleContext<P>, dy: Tensor) => Tensor): OpDef<P> {
  return {
    symbol,
    backward(ctx, dy) {
      const [a, b] = args(ctx);
      return [ctx.needs[0] ? unbroadcast(da(ctx, dy), a.shape) : null, ctx.needs[1] ? unbroadcast(db(ctx, dy), b.shape) : null];
    },
  };
}

function unary<P extends Primitive>(symbol: string, dx: (ctx: RuleContext<P>, dy: Tensor) => Tensor): OpDef<P> {
  return { symbol, backward: (ctx, dy) => [ctx.needs[0] ? dx(ctx, dy) : null] };
}

/** dy as the reduced tensor with the reduced axes kept as size 1, ready to broadcast back. */
function keepReducedAxes(dy: Tensor, attrs: PrimitiveAttrs['sum'], from: Shape): Tensor {
  return attrs.keepdims ? dy : reshape(dy, from.map((d, i) => (attrs.axes.includes(i) ? 1 : d)));
}

/** Gradient of max or min over axes: dy shared equally among the elements that attain it. */
function extremumRule(symbol: string): OpDef<'max' | 'min'> {
  return unary(symbol, ({ inputs, output, attrs }, dy) => {
    const x = inputs[0] as Tensor;
    const hit = equal(x, keepReducedAxes(output, attrs, x.shape));
    const count = sum(hit, { axis: attrs.axes, keepdims: true });
    return div(mul(hit, keepReducedAxes(dy, attrs, x.shape)), count);
  });
}

/**
 * Gradient of a basic slice: dy put back at the positions the slice read, zeros elsewhere
 * (`embed`, one pass over dy; indexed axes come back as size 1 first).
 */
function sliceGrad(dy: Tensor, attrs: PrimitiveAttrs['slice']): Tensor {
  const { from, starts, steps, dropAxes } = attrs;
  const dtype = isFloat(dy.dtype) ? dy.dtype : 'float64';
  if (dy.size === 0) return zeros(from, dtype);
  let j = 0;
  const kept = from.map((_, ax) => (dropAxes.includes(ax) ? 1 : (dy.shape[j++] as number)));
  return embed(reshape(astype(dy, dtype), kept), from, starts, steps, 0);
}

/** A convolution's gradient with respect to its images: each window's dy @ wᵀ folded back onto the image. */
function convInputGrad(dy: Tensor, w: Tensor, g: WindowGeometry): Tensor {
  const [kh, kw, cin, cout] = w.shape as [number, number, number, number];
  const rows = g.n * g.oh * g.ow;
  const windows = matmul(reshape(dy, [rows, cout]), transpose(reshape(w, [kh * kw * cin, cout])));
  return fold2d(reshape(windows, [g.n, g.oh, g.ow, kh, kw, cin]), g, 'patch');
}

/** A 2-D transposed view of contiguous storage: columns contiguous, rows not. */
function columnMajor(t: Tensor): boolean {
  return t.ndim === 2 && t.strides[0] === 1 && t.strides[1] === t.shape[0] && (t.shape[0] as number) > 1 && (t.shape[1] as number) > 1;
}

/** The derivative rules. Each one-line comment is the rule's formula. */
export const RULES: { readonly [P in Primitive]: OpDef<P> } = {
  // d(a+b) = dy, dy
  add: binary('+', (_, dy) => dy, (_, dy) => dy),
  // d(a-b) = dy, -dy
  sub: binary('−', (_, dy) => dy, (_, dy) => neg(dy)),
  // d(a·b) = dy·b, dy·a
  mul: binary('×', (c, dy) => mul(dy, args(c)[1]), (c, dy) => mul(dy, args(c)[0])),
  // d(a/b) = dy/b, -dy·(a/b)/b
  div: binary('÷', (c, dy) => div(dy, args(c)[1]), (c, dy) => neg(div(mul(dy, c.output), args(c)[1]))),
  // d(aᵇ) = dy·b·aᵇ⁻¹ (0 where b = 0), dy·aᵇ·ln a (0 where a = 0 and b ≥ 0)
  pow: binary(
    'pow',
    (c, dy) => {
      const [a, b] = args(c);
      return mul(dy, where(equal(b, 0), 0, mul(b, pow(a, sub(b, 1)))));
    },
    (c, dy) => {
      const [a, b] = args(c);
      return mul(dy, where(mul(equal(a, 0), greaterEqual(b, 0)), 0, mul(c.output, log(a))));
    },
  ),
  // d max(a,b) = dy·[a>b], dy·[b>a]; a tie splits dy in half (as PyTorch)
  maximum: binary(
    'max',
    (c, dy) => mul(dy, where(greater(args(c)[0], args(c)[1]), 1, where(equal(args(c)[0], args(c)[1]), 0.5, 0))),
    (c, dy) => mul(dy, where(greater(args(c)[1], args(c)[0]), 1, where(equal(args(c)[0], args(c)[1]), 0.5, 0))),
  ),
  // d min(a,b) = dy·[a<b], dy·[b<a]; a tie splits dy in half
  minimum: binary(
    'min',
    (c, dy) => mul(dy, where(less(args(c)[0], args(c)[1]), 1, where(equal(args(c)[0], args(c)[1]), 0.5, 0))),
    (c, dy) => mul(dy, where(less(args(c)[1], args(c)[0]), 1, where(equal(args(c)[0], args(c)[1]), 0.5, 0))),
  ),
  // d(-x) = -dy
  neg: unary('−', (_, dy) => neg(dy)),
  // d eˣ = dy·eˣ
  exp: unary('exp', (c, dy) => mul(dy, c.output)),
  // d ln x = dy/x
  log: unary('log', (c, dy) => div(dy, arg(c))),
  // d|x| = dy·sign(x), sign(0) = 0
  abs: unary('abs', (c, dy) => mul(dy, sub(greater(arg(c), 0), less(arg(c), 0)))),
  // d√x = dy/(2√x)
  sqrt: unary('√', (c, dy) => div(dy, mul(c.output, 2))),
  // d tanh x = dy·(1 - tanh²x)
  tanh: unary('tanh', (c, dy) => mul(dy, sub(1, mul(c.output, c.output)))),
  // d σ(x) = dy·σ(x)·(1 - σ(x))
  sigmoid: unary('σ', (c, dy) => mul(dy, mul(c.output, sub(1, c.output)))),
  // d where(c, a, b) = where(c, dy, 0), where(c, 0, dy)
  where: binary(
    'where',
    (c, dy) => where(c.attrs.condition, dy, 0),
    (c, dy) => where(c.attrs.condition, 0, dy),
  ),
  // d Σx = dy broadcast back over the summed axes
  sum: unary('Σ', (c, dy) => broadcastTo(keepReducedAxes(dy, c.attrs, arg(c).shape), arg(c).shape)),
  // d max x = dy at the maxima (shared equally among ties), 0 elsewhere
  max: extremumRule('max'),
  // d min x = dy at the minima (shared equally among ties), 0 elsewhere
  min: extremumRule('min'),
  // d(a@b) = dy@bᵀ, aᵀ@dy
  matmul: {
    symbol: '@',
    // An operand read as a transposed view (Dense's Wᵀ) gets its gradient in its own storage's
    // layout, (bᵀ)-shaped and transposed back: db = (dyᵀ a)ᵀ, so the transpose rule returns a
    // contiguous W gradient and nothing is copied (the same sums, in BLAS's order).
    backward: ({ inputs, needs }, dy) => {
      const [a, b] = inputs as [Tensor, Tensor];
      const da = !needs[0] ? null : columnMajor(a) ? transpose(matmul(b, transpose(dy))) : matmul(dy, transpose(b));
      const db = !needs[1] ? null : columnMajor(b) ? transpose(matmul(transpose(dy), a)) : matmul(transpose(a), dy);
      return [da, db];
    },
  },
  // d reshape(x) = reshape(dy, x.shape)
  reshape: unary('reshape', (c, dy) => reshape(dy, c.attrs.from)),
  // d transpose(x, p) = transpose(dy, p⁻¹)
  transpose: unary('ᵀ', (c, dy) => {
    const inv = new Array<number>(c.attrs.perm.length);
    c.attrs.perm.forEach((p, i) => (inv[p] = i));
    return transpose(dy, inv);
  }),
  // d x[s] = Sᵀ dy: dy placed at the sliced positions, zeros elsewhere
  slice: unary('[ ]', (c, dy) => sliceGrad(dy, c.attrs)),
  // d broadcastTo(x) = dy summed over the broadcast axes
  broadcastTo: unary('broadcast', (c, dy) => unbroadcast(dy, c.attrs.from)),
  // d embed(x) = dy at the embedded positions (a strided slice of dy)
  embed: unary('embed', (c, dy) => stridedView(dy, c.attrs.starts, c.attrs.steps, arg(c).shape)),
  // d unfold(x) = fold(dy): each window's gradient added back where the window read
  unfold: unary('unfold', (c, dy) => fold2d(dy, c.attrs.geometry, c.attrs.layout)),
  // d fold(cols) = unfold(dy), padding zero
  fold: unary('fold', (c, dy) => unfold2d(dy, c.attrs.geometry, c.attrs.layout, 0)),
  // d conv(x, w) = fold(dy @ wᵀ), convFilter(x, dy)
  conv: {
    symbol: 'conv',
    backward: ({ inputs, attrs, needs }, dy) => {
      const [x, w] = inputs as [Tensor, Tensor];
      return [needs[0] ? convInputGrad(dy, w, attrs.geometry) : null, needs[1] ? conv2dFilterGrad(x, dy, attrs.geometry, w.shape) : null];
    },
  },
  // d convFilter(x, dy) = fold(dy @ gᵀ), conv(x, g): bilinear, the adjoints of the two above
  convFilter: {
    symbol: 'convᵀ',
    backward: ({ inputs, attrs, needs }, g) => {
      const [x, dy] = inputs as [Tensor, Tensor];
      return [needs[0] ? convInputGrad(dy, g, attrs.geometry) : null, needs[1] ? conv2dWindows(x, g, attrs.geometry) : null];
    },
  },
  // d gather(x, i) = scatterAdd(dy, i): each picked element gets the gradient of every pick
  gather: unary('gather', (c, dy) => scatterAdd(dy, c.attrs.indices, arg(c).shape)),
  // d scatterAdd(x, i) = gather(dy, i)
  scatterAdd: unary('scatter', (c, dy) => gather(dy, c.attrs.indices, arg(c).shape)),
  // d cast(x) = dy cast back to x's dtype
  cast: unary('cast', (c, dy) => (isFloat(arg(c).dtype) ? astype(dy, arg(c).dtype) : dy)),
};

/** The symbol of a primitive in graph pictures. @example opSymbol('mul') // '×' */
export function opSymbol(op: Primitive): string {
  return RULES[op].symbol;
}
