/**
 * Graph recording. The tensor layer reports every differentiable op through `setRecorder`;
 * when an input requires gradients (and recording is on), the output gets a `GraphNode`
 * naming the primitive, its inputs and attributes, and a closure over its derivative rule.
 * Leaves are tensors the user marked with `requiresGrad` or created with `variable`.
 *
 * @example
 * const w = variable([1, 2]);
 * const y = w.mul(w).sum(); // y.node records sum(mul(w, w))
 */
import type { FloatDType, TypedArray } from '../core/dtype.js';
import { isFloat } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import type { Shape } from '../core/shape.js';
import { astype, fromArray, scalar, setRecorder, Tensor, type NestedArray, type Primitive, type PrimitiveAttrs } from '../tensor/index.js';
import { RULES, type OpDef } from './rules.js';

/** Gradients of a node's inputs given its output's gradient (null where not needed). */
export type VectorJacobianProduct = (dy: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

/**
 * How a tensor was computed: the primitive, its inputs and attributes. `seq` grows with every
 * recorded op, and an op's inputs always exist before it runs, so sorting by `seq` is already a
 * topological order: `backward` needs no recursive search.
 */
export class GraphNode {
  constructor(
    readonly op: Primitive,
    readonly inputs: readonly Tensor[],
    readonly attrs: PrimitiveAttrs[Primitive],
    readonly seq: number,
    readonly vjp: VectorJacobianProduct,
  ) {}
}

let nextSeq = 0;
let gradEnabled = true;

function recordNode<P extends Primitive>(op: P, inputs: readonly Tensor[], output: Tensor, attrs: PrimitiveAttrs[P]): void {
  if (!gradEnabled) return;
  const rule: OpDef<P> = RULES[op];
  output.requiresGrad = true;
  output.node = new GraphNode(op, inputs, attrs, nextSeq++, (dy, needs) => rule.backward({ inputs, output, attrs, needs }, dy));
}

setRecorder(recordNode);

/** The node that produced `t`, or null for a leaf or a constant. @example nodeOf(y)?.op // 'sum' */
export function nodeOf(t: Tensor): GraphNode | null {
  return t.node instanceof GraphNode ? t.node : null;
}

/** Whether ops currently record a graph (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with recording switched on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Runs `fn` without recording: results do not require gradients. For parameter updates and
 * evaluation. Synchronous only: the scope ends when `fn` returns, not when a promise settles.
 * @example w = noGrad(() => w.sub(w.grad!.mul(lr)));
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/**
 * Marks `t` as a leaf whose gradient `backward` should accumulate in `t.grad`, and returns it.
 * Only float tensors can: a gradient of integer pixels or labels has no meaning.
 * @example const w = requiresGrad(zeros([3, 1]));
 */
export function requiresGrad(t: Tensor, flag = true): Tensor {
  if (flag && !isFloat(t.dtype)) {
    throw new DTypeError('requiresGrad', `only float tensors can require gradients, got ${t.dtype}: convert first, e.g. astype(t, 'float64')`, [t.dtype]);
  }
  t.requiresGrad = flag;
  return t;
}

/**
 * A tensor sharing `t`'s data but cut from the graph: a constant for what follows.
 * @example const target = detach(prediction); // no gradient flows through target
 */
export function detach(t: Tensor): Tensor {
  return new Tensor(t.data, t.shape, t.dtype, t.strides, t.offset);
}

/** Options of `variable`. */
export interface VariableOptions {
  /** A name for graph pictures and tables (see `label`). */
  name?: string;
  dtype?: FloatDType;
  /** With flat values: the shape to view them as. */
  shape?: Shape;
}

/**
 * A leaf tensor that requires gradients: PyTorch's `torch.tensor(..., requires_grad=True)`,
 * micrograd's `Value`. A tensor argument is detached (its data shared, not copied).
 * @example
 * const a = variable(7, { name: 'a' });
 * const w = variable([[0.1], [0.2]]);
 */
export function variable(values: number | NestedArray | TypedArray | readonly number[] | Tensor, opts: VariableOptions = {}): Tensor {
  let t: Tensor;
  if (values instanceof Tensor) t = opts.dtype === undefined ? detach(values) : astype(detach(values), opts.dtype);
  else if (typeof values === 'number') t = scalar(values, opts.dtype ?? 'float64');
  else t = fromArray(values, opts.shape, opts.dtype);
  if (opts.name !== undefined) label(t, opts.name);
  return requiresGrad(t);
}

const names = new WeakMap<Tensor, string>();

/**
 * Names a tensor for graph pictures and tables, as micrograd's `label`, and returns it.
 * @example const u = label(b.mul(c), 'u');
 */
export function label(t: Tensor, name: string): Tensor {
  names.set(t, name);
  return t;
}

/** The name given with `label` or `variable`, if any. */
export function nameOf(t: Tensor): string | undefined {
  return names.get(t);
}
