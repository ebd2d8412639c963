import { writeFileAtomic } from '../data/atomic-write.js';
import { checkOutputs } from '../data/output-path.js';
import { svgToPng } from '../data/image.js';
import { Command } from 'commander';
import { backward, nameOf } from '../autograd/index.js';
import { jBumps, jGraph, neuronBumps, neuronGraph, type Bump } from '../autograd/examples.js';
import type { Tensor } from '../tensor/index.js';
import { describeTensor, graphToDot, renderDot } from '../viz/graph.js';
import { oneOf, optionError, runCommand } from './run.js';

const EXAMPLES = ['j', 'neuron'] as const;
type Example = (typeof EXAMPLES)[number];

interface GraphOptions {
  example: Example;
  out?: string;
  direction?: 'LR' | 'TB';
  json?: boolean;
  debug?: boolean;
  set?: string[];
}

/** The values `--set` may change, per example, with the notes' values as defaults. */
const INPUTS: Record<Example, Record<string, number>> = {
  j: { a: 7, b: 4, c: 2 },
  neuron: { w1: 2, w2: -3, b: -3, x1: -1, x2: -2, y: 1 },
};

/** The bump of the numeric check, as the notes' 15 -> 15.001. */
const H = 0.001;

/**
 * Parses `--set a=7,b=4` (given once or more) into the example's inputs: every name must be
 * one of the example's, every value a finite number, each name at most once.
 */
export function parseSet(example: Example, texts: readonly string[]): Record<string, number> {
  const values = { ...INPUTS[example] };
  const known = Object.keys(values);
  const seen = new Set<string>();
  for (const item of texts.flatMap((t) => t.split(','))) {
    const m = /^\s*([^=\s]+)\s*=(.*)$/.exec(item);
    if (m === null) throw optionError('--set', `expected name=value pairs separated by commas (e.g. ${known.map((k) => `${k}=${INPUTS[example][k]}`).join(',')}), got '${item}'`);
    const [, name = '', text = ''] = m;
    if (!Object.hasOwn(values, name)) throw optionError('--set', `unknown name '${name}' for --example ${example}, expected one of ${known.join(', ')}`);
    if (seen.has(name)) throw optionError('--set', `${name} is given twice`);
    seen.add(name);
    if (text.trim() === '') throw optionError('--set', `${name}= has no value: give a number, e.g. ${name}=${INPUTS[example][name]}`);
    const v = Number(text);
    if ( !Number.isFinite(v)) throw optionError('--set', `${name}=${text.trim()}: '${text.trim()}' is not a number`);
    if (example === 'neuron' && name === 'y' && (v < 0 || v > 1)) throw optionError('--set', `y=${text.trim()}: the label y must be from 0 to 1`);
    values[name] = v;
  }
  return values;
}

/** `tsgrad graph`: the notes' worked computation graphs, values and gradients, as text and a picture. */
export function graphCommand(): Command {
  return new Command('graph')
    .description("compute a worked computation graph forward and backward, print each node's value and gradient, and draw it")
    .option('--example <name>', "which graph: j (J = 3(a + b·c)) or neuron (the notes' single neuron)", oneOf('--example', EXAMPLES), 'j')
    .option('--out <file>', 'write the picture: SVG, PNG when the name ends in .png, or Graphviz DOT text when it ends in .dot')
    .option('--direction <dir>', 'layout: LR (left to right) or TB (top to bottom)', oneOf('--direction', ['LR', 'TB'] as const))
    .option('--set <name=value,...>', 'change the inputs: a, b, c for j (default a=7,b=4,c=2); w1, w2, b, x1, x2, y for neuron (default w1=2,w2=-3,b=-3,x1=-1,x2=-2,y=1)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'print one JSON object on stdout instead of text')
    .option('--debug', 'show stack traces on errors')
    .action(async (opts: GraphOptions, cmd: Command) => {
      process.exitCode = await runCommand(() => graph(opts), opts.debug === true || cmd.optsWithGlobals()['debug'] === true);
    });
}

interface Built {
  title: string;
  root: Tensor;
  /** The named nodes, in the notes' order, for the table. */
  named: Tensor[];
  direction: 'LR' | 'TB';
  notes: string[];
  /** The inputs after --set. */
  values: Record<string, number>;
  /** Each node's numeric check and the analytic derivative beside it. */
  bumps: (Bump & { grad: number })[];
}

// Ten digits: enough to read the notes' figures, short of the bump's rounding noise.
const r = (x: number): string => String(Number(x.toPrecision(10)));

function build(example: Example, values: Record<string, number>): Built {
  const at = (k: string): number => values[k] as number;
  if (example === 'j') {
    const g = jGraph(at('a'), at('b'), at('c'));
    backward(g.J, undefined, { retainGrads: true });
    const grads: Record<string, number> = { a: gradOf(g.a), b: gradOf(g.b), c: gradOf(g.c), u: gradOf(g.u), v: gradOf(g.v) };
    return {
      title: 'J = 3(a + b·c)',
      root: g.J,
      named: [g.a, g.b, g.c, g.u, g.v, g.J],
      direction: 'LR',
      notes: [`J = ${r(g.J.item())}, dJ/da = ${r(grads['a'] as number)}, dJ/db = ${r(grads['b'] as number)}, dJ/dc = ${r(grads['c'] as number)}`],
      values,
      bumps: jBumps(at('a'), at('b'), at('c'), H).map((b) => ({ ...b, grad: grads[b.node] as number })),
    };
  }
  const w = [at('w1'), at('w2'), at('b')];
  const x = [at('x1'), at('x2')];
  const g = neuronGraph(w, x, at('y'));
  backward(g.L, undefined, { retainGrads: true });
  const [dw, dx] = [g.w.grad?.toArray() as number[], g.x.grad?.toArray() as number[]];
  const grads: Record<string, number> = { w1: dw[0] as number, w2: dw[1] as number, b: dw[2] as number, x1: dx[0] as number, x2: dx[1] as number, z: gradOf(g.z), a: gradOf(g.a) };
  return {
    title: 'single neuron: z = w₁x₁ + w₂x₂ + b, a = σ(z), L = -(y log a + (1-y) log(1-a))',
    root: g.L,
    named: [g.w, g.x, g.y, g.z, g.a, g.L],
    direction: 'TB',
    notes: [`w = [w₁, w₂, b]; dz = dL/dz = a - y = ${r(g.a.item())} - ${r(at('y'))} = ${r(grads['z'] as number)}`],
    values,
    bumps: neuronBumps(w, x, at('y'), H).map((b) => ({ ...b, grad: grads[b.node] as number })),
  };
}

function gradOf(t: Tensor): number {
  return t.grad?.item() ?? 0;
}

async function graph(opts: GraphOptions): Promise<void> {
  if (opts.out !== undefined) await checkOutputs('graph', [{ option: '--out', path: opts.out, kind: 'file' }]);
  const b = build(opts.example, parseSet(opts.example, opts.set ?? []));
  const out = nameOf(b.root) ?? 'y';
  const rows = b.named.map((t) => ({ name: nameOf(t) as string, value: describeTensor(t), grad: t.grad === null ? null : describeTensor(t.grad) }));
  const dot = graphToDot(b.root, { title: b.title, direction: opts.direction ?? b.direction });
  if (opts.out !== undefined) {
    const name = opts.out.toLowerCase();
    // The file holds what its name says: DOT text, PNG bytes, or SVG.
    const text = name.endsWith('.dot') ? dot : name.endsWith('.png') ? await svgToPng(await renderDot(dot)) : await renderDot(dot);
    await writeFileAtomic(opts.out, text).catch((e: unknown) => {
      throw optionError('--out', `cannot write ${opts.out}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }
  if (opts.json) {
    const nodes = b.named.map((t) => ({ name: nameOf(t), value: t.toArray(), grad: t.grad?.toArray() ?? null }));
    process.stdout.write(`${JSON.stringify({ example: opts.example, title: b.title, values: b.values, nodes, notes: b.notes, bumps: b.bumps, ...(opts.out !== undefined ? { wrote: opts.out } : {}) })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(b.title);
  const w0 = Math.max(4, ...rows.map((r) => r.name.length));
  const w1 = Math.max(5, ...rows.map((r) => r.value.length));
  say(`${'node'.padEnd(w0)}  ${'value'.padEnd(w1)}  d${out}/dnode`);
  for (const r of rows) say(`${r.name.padEnd(w0)}  ${r.value.padEnd(w1)}  ${r.grad ?? '-'}`);
  for (const n of b.notes) say(n);
  // Right to left, as the notes check v first, then a.
  for (const k of [...b.bumps].reverse()) {
    say(`numeric check: ${k.node} from ${r(k.value)} to ${r(k.bumped)} moves ${out} from ${r(k.output)} to ${r(k.outputBumped)}, so d${out}/d${k.node} ≈ ${r(k.outputBumped - k.output)} / ${H} = ${r(k.slope)} (autodiff: ${r(k.grad)})`);
  }
  if (opts.out !== undefined) say(`wrote ${opts.out}`);
}
