/**
 * Pictures of computation graphs: every tensor a box with its value and, after `backward`,
 * its gradient; every op a circle with its symbol. Forward arrows are solid black, backward
 * arrows dashed red. Graphviz (compiled to WebAssembly, no network, no native binary) lays it
 * out; the DOT text is also available for other tools.
 */
import { instance, type Viz } from '@viz-js/viz';
import { ArgumentError } from '../core/errors.js';
import { formatShape } from '../core/shape.js';
import { nameOf, nodeOf, opSymbol, type GraphNode } from '../autograd/index.js';
import type { PrimitiveAttrs, Tensor } from '../tensor/index.js';

/** Settings of a graph picture. */
export interface GraphPictureOptions {
  /** A title above the graph. */
  title?: string;
  /** The output's name in gradient labels, dJ/dx (default: the root's label, else 'y'). */
  outputName?: string;
  /** Left to right (the notes' drawing, default) or top to bottom. */
  direction?: 'LR' | 'TB';
  /** Refuse graphs with more tensors than this (default 500): past it no picture is readable. */
  maxTensors?: number;
}

const FORWARD = 'black';
const BACKWARD = '#c0392b';
const CONSTANT = '#7f8c8d';

/** The tensors of the graph that produced `root`, leaves and constants included, in creation order. */
export function graphTensors(root: Tensor, maxTensors = Number.POSITIVE_INFINITY): Tensor[] {
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  for (let t = stack.pop(); t !== undefined; t = stack.pop()) {
    for (const x of nodeOf(t)?.inputs ?? []) {
      if (!seen.has(x)) {
        seen.add(x);
        stack.push(x);
        if (seen.size > maxTensors) {
          throw new ArgumentError('graph', 'root', `the graph has more than ${maxTensors} tensors: too many to draw; draw a smaller expression`);
        }
      }
    }
  }
  // Leaves and constants first (in discovery order), then computed tensors as they were recorded.
  const all = [...seen];
  const leaves = all.filter((t) => nodeOf(t) === null).reverse();
  const computed = all.filter((t) => nodeOf(t) !== null).sort((a, b) => (nodeOf(a)?.seq ?? 0) - (nodeOf(b)?.seq ?? 0));
  return [...leaves, ...computed];
}

/** A number as JavaScript's shortest round-trip text, so values read back exactly (-0 reads 0). */
export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(x);
}

const SMALL = 8;

/** A tensor's values in a label: the numbers when few, else the shape and range. */
export function describeTensor(t: Tensor): string {
  const v = t.values();
  if (t.ndim === 0) return formatValue(v[0] ?? Number.NaN);
  if (t.size <= SMALL) return JSON.stringify(t.toArray(), (_k, x: unknown) => (typeof x === 'number' ? formatValue(x) : x)).replace(/"/g, '').replace(/,/g, ', ');
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return `${formatShape(t.shape)} in [${formatValue(lo)}, ${formatValue(hi)}]`;
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The graph that produced `root` as Graphviz DOT text. Call `backward(root, undefined,
 * { retainGrads: true })` first to show every node's gradient, not only the leaves'.
 * @example
 * const g = jGraph(); backward(g.J, undefined, { retainGrads: true });
 * const dot = graphToDot(g.J, { title: 'J = 3(a + b·c)' });
 */
export function graphToDot(root: Tensor, opts: GraphPictureOptions = {}): string {
  const tensors = graphTensors(root, opts.maxTensors ?? 500);
  const out = opts.outputName ?? nameOf(root) ?? 'y';
  const id = new Map<Tensor, string>(tensors.map((t, i) => [t, `t${i}`]));
  const lines: string[] = [
    'digraph computation {',
    `  graph [rankdir=${opts.direction ?? 'LR'}, fontname="Helvetica", fontsize=13, nodesep=0.35, ranksep=0.45, labelloc=t, label=<${titleLabel(opts.title)}>];`,
    // Monospace: Graphviz's width estimate for it holds in any viewer's fallback font.
    '  node [fontname="Courier", fontsize=12];',
    '  edge [arrowsize=0.7];',
  ];
  tensors.forEach((t, i) => {
    const name = nameOf(t);
    const value = describeTensor(t);
    const isConstant = !t.requiresGrad;
    const rows = [`<TR><TD>${html(name === undefined ? value : `${name} = ${value}`)}</TD></TR>`];
    if (t.grad !== null) {
      const d = name === undefined ? 'grad' : `d${out}/d${name}`;
      rows.push(`<TR><TD><FONT COLOR="${BACKWARD}">${html(`${d} = ${describeTensor(t.grad)}`)}</FONT></TD></TR>`);
    }
    const color = isConstant ? CONSTANT : FORWARD;
    lines.push(`  t${i} [shape=box, style=rounded, color="${color}", fontcolor="${color}", label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${rows.join('')}</TABLE>>];`);
  });
  tensors.forEach((t, i) => {
    const node = nodeOf(t);
    if (node === null) return;
    lines.push(`  op${i} [shape=circle, width=0.45, margin=0.02, label="${html(opText(t, node))}", tooltip="${node.op}"];`);
    lines.push(`  op${i} -> t${i} [color="${FORWARD}"];`);
    if (t.requiresGrad) lines.push(`  op${i} -> t${i} [dir=back, style=dashed, color="${BACKWARD}", constraint=false];`);
    for (const x of node.inputs) {
      lines.push(`  ${id.get(x)} -> op${i} [color="${FORWARD}"];`);
      if (x.requiresGrad) lines.push(`  ${id.get(x)} -> op${i} [dir=back, style=dashed, color="${BACKWARD}", constraint=false];`);
    }
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function titleLabel(title: string | undefined): string {
  // One style per line: Graphviz measures mixed-style lines badly.
  const legend = [
    '<FONT POINT-SIZE="10">forward: values, solid black arrows</FONT>',
    `<FONT POINT-SIZE="10" COLOR="${BACKWARD}">backward: gradients, dashed red arrows</FONT>`,
    `<FONT POINT-SIZE="10" COLOR="${CONSTANT}">grey: constants</FONT>`,
  ].join('<BR/>');
  return title === undefined ? legend : `<B>${html(title)}</B><BR/>${legend}`;
}

/** An op's text in its circle: the rule's symbol, with a slice's or reduction's indices. */
function opText(t: Tensor, node: GraphNode): string {
  if (node.op === 'slice') {
    const { from, starts, steps, dropAxes } = node.attrs as PrimitiveAttrs['slice'];
    let j = 0;
    const parts = from.map((d, ax) => {
      const start = starts[ax] as number;
      if (dropAxes.includes(ax)) return String(start);
      const n = t.shape[j++] as number;
      const step = steps[ax] as number;
      if (n === d && step === 1) return ':';
      const end = start + n * step;
      return `${start}:${end < 0 ? '' : end}${step === 1 ? '' : `:${step}`}`;
    });
    return `[${parts.join(', ')}]`;
  }
  if (node.op === 'sum' || node.op === 'max' || node.op === 'min') {
    const { axes } = node.attrs as PrimitiveAttrs['sum'];
    const input = node.inputs[0];
    return input !== undefined && axes.length === input.ndim ? opSymbol(node.op) : `${opSymbol(node.op)} axis ${axes.join(',')}`;
  }
  return opSymbol(node.op);
}

let vizInstance: Promise<Viz> | null = null;

/**
 * Lays out DOT text with Graphviz (WebAssembly, loaded once) and returns SVG.
 * @example const svg = await renderDot('digraph { a -> b }');
 */
export async function renderDot(dot: string): Promise<string> {
  vizInstance ??= instance();
  return (await vizInstance).renderString(dot, { format: 'svg', engine: 'dot' });
}

/**
 * The graph that produced `root` as an SVG picture, values and gradients on each node.
 * @example
 * const g = neuronGraph(); backward(g.L, undefined, { retainGrads: true });
 * await writeFile('neuron.svg', await graphToSvg(g.L));
 */
export async function graphToSvg(root: Tensor, opts: GraphPictureOptions = {}): Promise<string> {
  return renderDot(graphToDot(root, opts));
}
