import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { graphCommand } from '../../src/cli/graph.js';
import { runInProcess } from './command-helper.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function temp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'tsgrad-graph-'));
  dirs.push(d);
  return d;
}

describe('tsgrad graph', () => {
  it("prints the J graph's values and gradients and the notes' numeric check, and writes SVG", async () => {
    const out = join(await temp(), 'j.svg');
    const r = await runInProcess(graphCommand(), ['--example', 'j', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = r.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));
    for (const row of [['a', '7', '3'], ['b', '4', '6'], ['c', '2', '12'], ['u', '8', '3'], ['v', '15', '3'], ['J', '45', '1']]) expect(rows).toContainEqual(row);
    expect(r.stdout).toContain('v from 15 to 15.001 moves J from 45 to 45.003, so dJ/dv ≈ 0.003 / 0.001 = 3');
    expect(r.stdout).toContain(`wrote ${out}`);
    const svg = await readFile(out, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('dJ/dc = 12');
  });
  it("prints the neuron's figures as JSON numbers", async () => {
    const r = await runInProcess(graphCommand(), ['--example', 'neuron', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { nodes: { name: string; value: unknown; grad: unknown }[] };
    const node = (n: string) => doc.nodes.find((x) => x.name === n);
    expect(node('z')).toEqual({ name: 'z', value: 1, grad: -0.2689414213699951 });
    expect(node('a')?.value).toBe(0.7310585786300049);
    expect(node('x')?.grad).toEqual([-0.5378828427399902, 0.8068242641099853]);
    expect(node('w')?.grad).toEqual([0.2689414213699951, 0.5378828427399902, -0.2689414213699951]);
    expect(node('y')?.grad).toBeNull();
  });
  it('writes DOT text for a .dot file', async () => {
    const out = join(await temp(), 'n.dot');
    const r = await runInProcess(graphCommand(), ['--example', 'neuron', '--out', out, '--direction', 'LR']);
    expect(r.code).toBe(0);
    const dot = await readFile(out, 'utf8');
    expect(dot.startsWith('digraph computation {')).toBe(true);
    expect(dot).toContain('rankdir=LR');
  });
  it('writes PNG bytes for a .png file, not SVG text', async () => {
    const out = join(await temp(), 'j.png');
    const r = await runInProcess(graphCommand(), ['--example', 'j', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const png = await readFile(out);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { width, height } = await sharp(png).metadata();
    expect(width).toBeGreaterThan(400);
    expect(height).toBeGreaterThan(100);
  });

  it('refuses an unknown example with exit 2, naming the choices', async () => {
    const r = await runInProcess(graphCommand(), ['--example', 'mlp']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--example must be one of j, neuron');
  });
  it('reports an unwritable --out as one line, exit 2', async () => {
    const dir = await temp();
    await writeFile(join(dir, 'file'), 'x');
    const r = await runInProcess(graphCommand(), ['--out', join(dir, 'file', 'j.svg')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--out: ${join(dir, 'file', 'j.svg')}: ${join(dir, 'file')} is a file, not a folder`);
  });
});
