/**
 * A computation-graph panel: number inputs, the graph as SVG (values in red left to right,
 * gradients in green right to left as the learner steps backward one gate at a time), a
 * table of every node's value and gradient, the steps so far, and the bump check. Everything
 * is recomputed from ./graph-model.ts (tsgrad's autograd) on every input.
 */
import { $, esc, fmt, numberCell, readNumber, textCell } from './dom.js';
import type { GateStep, GraphModel, NodeView } from './graph-model.js';

const BOX_H = 58;
/** Room between columns for the local gradient written on a backward edge. */
const GAP = 96;
/** A monospace character at 13 px, a little generously. */
const CHAR_W = 7.9;
const ROW = 70;
const PAD = 14;
const FWD = '#c0392b';
const BWD = '#1e8449';
const GREY = '#767680';

/** What a graph panel needs: its id prefix, its inputs and how to build the model from them. */
export interface GraphPanelSpec<K extends string> {
  /** The prefix of the panel's element ids in notes.html ('g' for J, 'n' for the neuron). */
  prefix: string;
  inputs: readonly K[];
  /** The notes' values, for "Back to the notes' values". */
  defaults: Record<K, number>;
  /** A reason an input is out of range, or null. */
  check?: (name: K, x: number) => string | null;
  model: (values: Record<K, number>) => GraphModel;
}

/** Wires one graph panel of notes.html: its inputs, buttons, picture and tables. */
export function graphPanel<K extends string>(spec: GraphPanelSpec<K>): void {
  const p = spec.prefix;
  const fields = spec.inputs.map((k) => [k, $(`${p}-${k}`, HTMLInputElement)] as const);
  const status = $(`${p}-status`, HTMLParagraphElement);
  const svg = $(`${p}-svg`, HTMLDivElement);
  const steps = $(`${p}-steps`, HTMLOListElement);
  const nodesBody = $(`${p}-nodes`, HTMLTableSectionElement);
  const bumpsBody = $(`${p}-bumps`, HTMLTableSectionElement);
  const stepButton = $(`${p}-step`, HTMLButtonElement);
  const allButton = $(`${p}-all`, HTMLButtonElement);
  let model: GraphModel | null = null;
  let stepped = 0;

  const read = (): Record<K, number> | string => {
    const values: Partial<Record<K, number>> = {};
    const problems: string[] = [];
    for (const [k, input] of fields) {
      const x = readNumber(input, input.labels?.[0]?.textContent ?? k, spec.check === undefined ? undefined : (v) => spec.check?.(k, v) ?? null);
      if (typeof x === 'string') problems.push(x);
      else values[k] = x;
    }
    return problems.length > 0 ? problems.join('; ') : (values as Record<K, number>);
  };

  const draw = (): void => {
    if (model === null) return;
    svg.innerHTML = graphSvg(model, stepped);
    steps.replaceChildren(...model.gates.slice(0, stepped).map((g) => stepItem(model as GraphModel, g)));
    const total = model.gates.length;
    const out = model.output;
    const J = model.nodes.find((n) => n.id === out)?.value ?? Number.NaN;
    if (stepped === 0) status.textContent = `Forward pass done: ${out} = ${fmt(J)}. Press Step backward to send d${out}/d${out} = 1 back through the last gate.`;
    else if (stepped < total) status.textContent = `Step ${stepped} of ${total}: ${gateText(model, model.gates[stepped - 1] as GateStep)}`;
    else status.textContent = `Backward pass done (${total} of ${total}): ${leafGradients(model)}.`;
    stepButton.disabled = stepped >= total;
    allButton.disabled = stepped >= total;
  };

  const recompute = (): void => {
    const values = read();
    if (typeof values === 'string') {
      status.textContent = values;
      return;
    }
    model = spec.model(values);
    nodesBody.replaceChildren(...model.nodes.map((n) => nodeRow(p, model as GraphModel, n)));
    bumpsBody.replaceChildren(...model.bumps.map((b) => {
      const tr = document.createElement('tr');
      const name = model?.nodes.find((n) => n.id === b.id)?.name ?? b.id;
      tr.append(textCell(name, true), textCell(`${fmt(b.from)} → ${fmt(b.to)}`), textCell(`${fmt(b.outFrom)} → ${fmt(b.outTo)}`), numberCell(b.slope, `${p}-slope-${b.id}`), numberCell(b.autodiff, `${p}-bump-grad-${b.id}`));
      return tr;
    }));
    draw();
  };

  for (const [, input] of fields) input.addEventListener('input', recompute);
  stepButton.addEventListener('click', () => {
    stepped = Math.min(stepped + 1, model?.gates.length ?? 0);
    draw();
  });
  allButton.addEventListener('click', () => {
    stepped = model?.gates.length ?? 0;
    draw();
  });
  $(`${p}-reset`, HTMLButtonElement).addEventListener('click', () => {
    stepped = 0;
    draw();
  });
  $(`${p}-defaults`, HTMLButtonElement).addEventListener('click', () => {
    for (const [k, input] of fields) input.value = String(spec.defaults[k]);
    recompute();
  });
  recompute();
}

function nodeRow(p: string, m: GraphModel, n: NodeView): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.append(textCell(n.label, true), numberCell(n.value, `${p}-value-${n.id}`));
  if (n.grad === null) tr.append(textCell('constant'));
  else tr.append(numberCell(n.grad, `${p}-grad-${n.id}`));
  tr.cells[2]?.setAttribute('aria-label', `d${m.output}/d${n.name}`);
  return tr;
}

const nameOf = (m: GraphModel, id: string): string => m.nodes.find((n) => n.id === id)?.name ?? id;

function gateText(m: GraphModel, g: GateStep): string {
  const out = m.output;
  const parts = g.inputs.map((x) => `${x.formula} = ${fmt(x.local)}, so d${out}/d${nameOf(m, x.id)} = ${fmt(g.received)} × ${fmt(x.local)} = ${fmt(x.product)}`);
  return `the gate making ${nameOf(m, g.output)} receives d${out}/d${nameOf(m, g.output)} = ${fmt(g.received)}; ${parts.join('; ')}.`;
}

function stepItem(m: GraphModel, g: GateStep): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = gateText(m, g).replace(/^t/, 'T');
  return li;
}

function leafGradients(m: GraphModel): string {
  const inputs = new Set(m.edges.map(([from]) => from));
  const targets = new Set(m.edges.map(([, to]) => to));
  return m.nodes
    .filter((n) => inputs.has(n.id) && !targets.has(n.id) && n.grad !== null)
    .map((n) => `d${m.output}/d${n.name} = ${fmt(n.grad ?? Number.NaN)}`)
    .join(', ');
}

/** The graph as SVG markup with the first `stepped` gates of the backward pass done. */
export function graphSvg(m: GraphModel, stepped: number): string {
  const known = new Set<string>([m.output]);
  for (const g of m.gates.slice(0, stepped)) for (const x of g.inputs) known.add(x.id);
  const current = stepped > 0 ? m.gates[stepped - 1] : undefined;
  // Wide enough for the longest label, or for a gradient line like "dJ/dc = -0.537883".
  const BOX_W = Math.round(16 + CHAR_W * Math.max(18, ...m.nodes.map((n) => n.label.length)));
  const COL = BOX_W + GAP;
  const pos = new Map(m.nodes.map((n) => [n.id, { x: PAD + n.col * COL, y: PAD + n.row * ROW }]));
  const width = PAD * 2 + Math.max(...m.nodes.map((n) => n.col)) * COL + BOX_W;
  const height = PAD * 2 + Math.max(...m.nodes.map((n) => n.row)) * ROW + BOX_H;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(`The computation graph of ${m.output}, ${stepped} of ${m.gates.length} backward steps done`)}">`,
    '<defs>',
    `<marker id="fwd-${m.output}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path d="M0 0L10 5L0 10z" fill="${FWD}"/></marker>`,
    `<marker id="bwd-${m.output}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path d="M0 0L10 5L0 10z" fill="${BWD}"/></marker>`,
    '</defs>',
  ];
  for (const [from, to] of m.edges) {
    const a = pos.get(from);
    const b = pos.get(to);
    if (a === undefined || b === undefined) continue;
    const x1 = a.x + BOX_W;
    const y1 = a.y + BOX_H / 2;
    const x2 = b.x;
    const y2 = b.y + BOX_H / 2;
    parts.push(`<line x1="${x1}" y1="${y1 - 4}" x2="${x2 - 2}" y2="${y2 - 4}" stroke="${FWD}" stroke-width="1.5" marker-end="url(#fwd-${m.output})"/>`);
    if (known.has(from) && m.gates.some((g, i) => i < stepped && g.output === to)) {
      const hot = current?.output === to;
      parts.push(`<line x1="${x2}" y1="${y2 + 4}" x2="${x1 + 2}" y2="${y1 + 4}" stroke="${BWD}" stroke-width="${hot ? 2.5 : 1.5}" stroke-dasharray="5 3" marker-end="url(#bwd-${m.output})"/>`);
      const input = hot ? current?.inputs.find((x) => x.id === from) : undefined;
      if (input !== undefined) {
        // At the middle of the edge, just below the backward line.
        const tx = (x1 + x2) / 2;
        const ty = (y1 + y2) / 2 + 18;
        parts.push(`<text x="${tx}" y="${ty}" text-anchor="middle" font-size="12" fill="${BWD}" font-weight="600" paint-order="stroke" stroke="#fcfcfd" stroke-width="4">× ${esc(fmt(input.local))}</text>`);
      }
    }
  }
  for (const n of m.nodes) {
    const at = pos.get(n.id);
    if (at === undefined) continue;
    const hot = current?.output === n.id || current?.inputs.some((x) => x.id === n.id) === true;
    const stroke = n.grad === null ? GREY : hot ? BWD : '#1d1d1f';
    const grad = n.grad === null ? 'constant' : known.has(n.id) ? `d${m.output}/d${n.name} = ${fmt(n.grad)}` : `d${m.output}/d${n.name} = ?`;
    const gradFill = n.grad !== null && known.has(n.id) ? BWD : GREY;
    parts.push(
      `<g data-node="${esc(n.id)}"><rect x="${at.x}" y="${at.y}" width="${BOX_W}" height="${BOX_H}" rx="7" fill="#fff" stroke="${stroke}" stroke-width="${hot ? 3 : 1.2}"/>`,
      `<text x="${at.x + 8}" y="${at.y + 17}" font-size="13" font-weight="600" fill="#1d1d1f">${esc(n.label)}</text>`,
      `<text x="${at.x + 8}" y="${at.y + 34}" font-size="13" fill="${FWD}">= ${esc(fmt(n.value))}</text>`,
      `<text x="${at.x + 8}" y="${at.y + 51}" font-size="13" fill="${gradFill}">${esc(grad)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
