import { writeFileAtomic } from '../data/atomic-write.js';
import { checkOutputs } from '../data/output-path.js';
import { svgToPng } from '../data/image.js';
import { Command } from 'commander';
import { backward, nameOf } from '../autograd/index.js';
import { jGraph, jNudge, neuronGraph } from '../autograd/examples.js';
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
}

/** `tsgrad graph`: the notes' worked computation graphs, values and gradients, as text and a picture. */
export function graphCommand(): Command {
  return new Command('graph')
    .description("compute a worked computation graph forward and backward, print each node's value and gradient, and draw it")
    .option('--example <name>', "which graph: j (J = 3(a + b·c)) or neuron (the notes' single neuron)", oneOf('--example', EXAMPLES), 'j')
    .option('--out <file>', 'write the picture: SVG, PNG when the name ends in .png, or Graphviz DOT text when it ends in .dot')
    .option('--direction <dir>', 'layout: LR (left to right) or TB (top to bottom)', oneOf('--direction', ['LR', 'TB'] as const))
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
}

function build(example: Example): Built {
  if (example === 'j') {
    const g = jGraph();
    backward(g.J, undefined, { retainGrads: true });
    const n = jNudge(g, 0.001);
    // Ten digits: enough to read the notes' figures, short of the nudge's rounding noise.
    const r = (x: number): string => String(Number(x.toPrecision(10)));
    return {
      title: 'J = 3(a + b·c)',
      root: g.J,
      named: [g.a, g.b, g.c, g.u, g.v, g.J],
      direction: 'LR',
      notes: [`numeric check: v from ${r(n.v)} to ${r(n.vNudged)} moves J from ${r(n.J)} to ${r(n.JNudged)}, so dJ/dv ≈ ${r(n.JNudged - n.J)} / 0.001 = ${r(n.slope)}`],
    };
  }
  const g = neuronGraph();
  backward(g.L, undefined, { retainGrads: true });
  return {
    title: 'single neuron: z = w₁x₁ + w₂x₂ + b, a = σ(z), L = -(y log a + (1-y) log(1-a))',
    root: g.L,
    named: [g.w, g.x, g.y, g.z, g.a, g.L],
    direction: 'TB',
    notes: ['w = [w₁, w₂, b]; dz = dL/dz = a - y'],
  };
}

async function graph(opts: GraphOptions): Promise<void> {
  if (opts.out !== undefined) await checkOutputs('graph', [{ option: '--out', path: opts.out, kind: 'file' }]);
  const b = build(opts.example);
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
    process.stdout.write(`${JSON.stringify({ example: opts.example, title: b.title, nodes, notes: b.notes, ...(opts.out !== undefined ? { wrote: opts.out } : {}) })}\n`);
    return;
  }
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(b.title);
  const w0 = Math.max(4, ...rows.map((r) => r.name.length));
  const w1 = Math.max(5, ...rows.map((r) => r.value.length));
  say(`${'node'.padEnd(w0)}  ${'value'.padEnd(w1)}  d${out}/dnode`);
  for (const r of rows) say(`${r.name.padEnd(w0)}  ${r.value.padEnd(w1)}  ${r.grad ?? '-'}`);
  for (const n of b.notes) say(n);
  if (opts.out !== undefined) say(`wrote ${opts.out}`);
}
