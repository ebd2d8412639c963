/**
 * The notes' two computation graphs (J = 3(a + bc) and the single neuron) as the page draws
 * them: every node's value and gradient, and the backward pass as a list of gates, each with
 * the gradient it receives, its local gradients and their products. Every number comes from
 * tsgrad's autograd on the graphs of src/autograd/examples.ts: the node gradients from one
 * `backward` of the output, each gate's local gradient from a `backward` of that gate's own
 * output on a fresh copy of the graph, the bumps from `jBumps` / `neuronBumps` (as `tsgrad
 * graph --set` prints them). Browser-safe; the page test runs it in Node too.
 */
import { backward } from '../../../src/autograd/index.js';
import { jBumps, jGraph, neuronBumps, neuronGraph, type Bump as NodeBump } from '../../../src/autograd/examples.js';
import type { Tensor } from '../../../src/tensor/index.js';

/** One box of the picture: a value, and its gradient d(output)/d(node) from autodiff. */
export interface NodeView {
  id: string;
  /** The node's symbol, e.g. "u" or "w₁". */
  name: string;
  /** What the box reads, e.g. "u = bc". */
  label: string;
  value: number;
  /** null for constants (y), which get no gradient. */
  grad: number | null;
  /** Column (left to right) and row (top to bottom) in the picture. */
  col: number;
  row: number;
}

/** One input of a gate in the backward pass. */
export interface GateInput {
  id: string;
  /** The local gradient's formula, e.g. "∂u/∂b = c". */
  formula: string;
  /** ∂gate/∂input at the current values (autodiff of the gate alone). */
  local: number;
  /** received × local: what flows back to the input. */
  product: number;
}

/** A gate, in the order the backward pass reaches it (the output's gate first). */
export interface GateStep {
  output: string;
  /** The gradient arriving at the gate's output, d(output of the graph)/d(gate output). */
  received: number;
  inputs: GateInput[];
}

/** The numeric check: move one value by h and recompute the output downstream. */
export interface Bump {
  id: string;
  from: number;
  to: number;
  outFrom: number;
  outTo: number;
  /** (out(to) - out(from)) / h. */
  slope: number;
  /** The analytic derivative autodiff gives. */
  autodiff: number;
}

/** A whole graph as the page shows it. */
export interface GraphModel {
  /** The graph's output, J or L. */
  output: string;
  nodes: NodeView[];
  /** Forward edges, from → to. */
  edges: [string, string][];
  gates: GateStep[];
  bumps: Bump[];
}

/** The notes' bump size (15 → 15.001). */
export const BUMP = 0.001;

/** The J graph's input values. */
export interface JInputs { a: number; b: number; c: number }
/** The neuron's input values: w = [w1, w2, b], x = [x1, x2], y. */
export interface NeuronInputs { w1: number; w2: number; b: number; x1: number; x2: number; y: number }

export const J_DEFAULTS: JInputs = { a: 7, b: 4, c: 2 };
export const NEURON_DEFAULTS: NeuronInputs = { w1: 2, w2: -3, b: -3, x1: -1, x2: -2, y: 1 };

const gradOf = (t: Tensor): number => t.grad?.item() ?? 0;
const at = (t: Tensor | null, i: number): number => t?.values()[i] ?? 0;

/**
 * The local gradients of one gate: a fresh graph from `build`, `backward` from the gate's
 * output `out` keeping every gradient, read at the gate's inputs.
 */
function locals<G>(build: () => G, out: (g: G) => Tensor, read: (g: G) => number[]): number[] {
  const g = build();
  backward(out(g), undefined, { retainGrads: true });
  return read(g);
}

/** A bump of src/autograd/examples.ts (what `tsgrad graph` prints) beside the node's autodiff gradient. */
function bumpRow(x: NodeBump, nodes: readonly NodeView[]): Bump {
  const autodiff = nodes.find((n) => n.id === x.node)?.grad ?? Number.NaN;
  return { id: x.node, from: x.value, to: x.bumped, outFrom: x.output, outTo: x.outputBumped, slope: x.slope, autodiff };
}

function gate(output: string, received: number, inputs: { id: string; formula: string; local: number }[]): GateStep {
  return { output, received, inputs: inputs.map((x) => ({ ...x, product: received * x.local })) };
}

/**
 * J = 3(a + bc) at a, b, c: u = bc, v = a + u, J = 3v, with dJ/d· for every node.
 * @example jModel({ a: 7, b: 4, c: 2 }).nodes.find((n) => n.id === 'b')?.grad // 6
 */
export function jModel({ a, b, c }: JInputs): GraphModel {
  const build = (): ReturnType<typeof jGraph> => jGraph(a, b, c);
  const g = build();
  backward(g.J, undefined, { retainGrads: true });
  const nodes: NodeView[] = [
    { id: 'a', name: 'a', label: 'a', value: g.a.item(), grad: gradOf(g.a), col: 0, row: 0 },
    { id: 'b', name: 'b', label: 'b', value: g.b.item(), grad: gradOf(g.b), col: 0, row: 1 },
    { id: 'c', name: 'c', label: 'c', value: g.c.item(), grad: gradOf(g.c), col: 0, row: 2 },
    { id: 'u', name: 'u', label: 'u = bc', value: g.u.item(), grad: gradOf(g.u), col: 1, row: 1.5 },
    { id: 'v', name: 'v', label: 'v = a + u', value: g.v.item(), grad: gradOf(g.v), col: 2, row: 0.75 },
    { id: 'J', name: 'J', label: 'J = 3v', value: g.J.item(), grad: gradOf(g.J), col: 3, row: 0.75 },
  ];
  const [dJdv = 0] = locals(build, (x) => x.J, (x) => [gradOf(x.v)]);
  const [dvda = 0, dvdu = 0] = locals(build, (x) => x.v, (x) => [gradOf(x.a), gradOf(x.u)]);
  const [dudb = 0, dudc = 0] = locals(build, (x) => x.u, (x) => [gradOf(x.b), gradOf(x.c)]);
  const gates = [
    gate('J', gradOf(g.J), [{ id: 'v', formula: '∂J/∂v', local: dJdv }]),
    gate('v', gradOf(g.v), [
      { id: 'a', formula: '∂v/∂a', local: dvda },
      { id: 'u', formula: '∂v/∂u', local: dvdu },
    ]),
    gate('u', gradOf(g.u), [
      { id: 'b', formula: '∂u/∂b = c', local: dudb },
      { id: 'c', formula: '∂u/∂c = b', local: dudc },
    ]),
  ];
  const bumps = jBumps(a, b, c, BUMP).map((x) => bumpRow(x, nodes));
  return { output: 'J', nodes, edges: [['b', 'u'], ['c', 'u'], ['a', 'v'], ['u', 'v'], ['v', 'J']], gates, bumps };
}

/**
 * The notes' single neuron at w = [w1, w2, b], x = [x1, x2], y: z = w1x1 + w2x2 + b, a = σ(z),
 * L = -(y log a + (1 - y) log(1 - a)), with dL/d· for every node (dz = a - y).
 * @example neuronModel(NEURON_DEFAULTS).nodes.find((n) => n.id === 'z')?.value // 1
 */
export function neuronModel(p: NeuronInputs): GraphModel {
  const w = [p.w1, p.w2, p.b];
  const x = [p.x1, p.x2];
  const build = (): ReturnType<typeof neuronGraph> => neuronGraph(w, x, p.y);
  const g = build();
  backward(g.L, undefined, { retainGrads: true });
  const nodes: NodeView[] = [
    { id: 'x1', name: 'x₁', label: 'x₁', value: at(g.x, 0), grad: at(g.x.grad, 0), col: 0, row: 0 },
    { id: 'w1', name: 'w₁', label: 'w₁', value: at(g.w, 0), grad: at(g.w.grad, 0), col: 0, row: 1 },
    { id: 'x2', name: 'x₂', label: 'x₂', value: at(g.x, 1), grad: at(g.x.grad, 1), col: 0, row: 2 },
    { id: 'w2', name: 'w₂', label: 'w₂', value: at(g.w, 1), grad: at(g.w.grad, 1), col: 0, row: 3 },
    { id: 'b', name: 'b', label: 'b', value: at(g.w, 2), grad: at(g.w.grad, 2), col: 0, row: 4 },
    { id: 'z', name: 'z', label: 'z = w₁x₁ + w₂x₂ + b', value: g.z.item(), grad: gradOf(g.z), col: 1, row: 2 },
    { id: 'a', name: 'a', label: 'a = σ(z)', value: g.a.item(), grad: gradOf(g.a), col: 2, row: 2 },
    { id: 'y', name: 'y', label: 'y', value: g.y.item(), grad: null, col: 2, row: 3.5 },
    { id: 'L', name: 'L', label: 'L(a, y)', value: g.L.item(), grad: gradOf(g.L), col: 3, row: 2.75 },
  ];
  const [dLda = 0] = locals(build, (n) => n.L, (n) => [gradOf(n.a)]);
  const [dadz = 0] = locals(build, (n) => n.a, (n) => [gradOf(n.z)]);
  const dz = locals(build, (n) => n.z, (n) => [at(n.x.grad, 0), at(n.w.grad, 0), at(n.x.grad, 1), at(n.w.grad, 1), at(n.w.grad, 2)]);
  const gates = [
    gate('L', gradOf(g.L), [{ id: 'a', formula: '∂L/∂a = −y/a + (1 − y)/(1 − a)', local: dLda }]),
    gate('a', gradOf(g.a), [{ id: 'z', formula: '∂a/∂z = a(1 − a)', local: dadz }]),
    gate('z', gradOf(g.z), [
      { id: 'x1', formula: '∂z/∂x₁ = w₁', local: dz[0] ?? 0 },
      { id: 'w1', formula: '∂z/∂w₁ = x₁', local: dz[1] ?? 0 },
      { id: 'x2', formula: '∂z/∂x₂ = w₂', local: dz[2] ?? 0 },
      { id: 'w2', formula: '∂z/∂w₂ = x₂', local: dz[3] ?? 0 },
      { id: 'b', formula: '∂z/∂b', local: dz[4] ?? 0 },
    ]),
  ];
  const bumps = neuronBumps(w, x, p.y, BUMP).map((q) => bumpRow(q, nodes));
  const edges: [string, string][] = [['x1', 'z'], ['w1', 'z'], ['x2', 'z'], ['w2', 'z'], ['b', 'z'], ['z', 'a'], ['a', 'L'], ['y', 'L']];
  return { output: 'L', nodes, edges, gates, bumps };
}
