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

  it("prints the notes' values and every node's bump beside its analytic derivative", async () => {
    const r = await runInProcess(graphCommand(), ['--example', 'j']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('J = 45, dJ/da = 3, dJ/db = 6, dJ/dc = 12\n');
    expect(r.stdout).toContain('a from 7 to 7.001 moves J from 45 to 45.003, so dJ/da ≈ 0.003 / 0.001 = 3 (autodiff: 3)');
    expect(r.stdout).toContain('c from 2 to 2.001 moves J from 45 to 45.012, so dJ/dc ≈ 0.012 / 0.001 = 12 (autodiff: 12)');
    expect(r.stdout).toContain('v from 15 to 15.001 moves J from 45 to 45.003, so dJ/dv ≈ 0.003 / 0.001 = 3 (autodiff: 3)');
  });
  it('--set recomputes the J graph for any values', async () => {
    const r = await runInProcess(graphCommand(), ['--example', 'j', '--set', 'a=1,b=-2.5', '--set', 'c=0.5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { values: Record<string, number>; nodes: { name: string; value: number; grad: number }[]; bumps: { node: string; outputBumped: number; slope: number; grad: number }[] };
    expect(doc.values).toEqual({ a: 1, b: -2.5, c: 0.5 });
    const node = (n: string) => doc.nodes.find((x) => x.name === n);
    // u = bc = -1.25, v = a + u = -0.25, J = 3v = -0.75; dJ/db = 3c, dJ/dc = 3b.
    expect(node('J')?.value).toBe(-0.75);
    expect(node('b')?.grad).toBe(1.5);
    expect(node('c')?.grad).toBe(-7.5);
    const c = doc.bumps.find((b) => b.node === 'c');
    expect(c?.outputBumped).toBeCloseTo(3 * (1 + -2.5 * 0.501), 14);
    expect(c?.slope).toBeCloseTo(-7.5, 9);
    expect(c?.grad).toBe(-7.5);
  });
  it('--set on the neuron: z, a, dz = a - y and each bump near autodiff', async () => {
    const r = await runInProcess(graphCommand(), ['--example', 'neuron', '--set', 'w1=0.5,x2=3,y=0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { nodes: { name: string; value: unknown; grad: unknown }[]; bumps: { node: string; slope: number; grad: number }[] };
    const z = 0.5 * -1 + -3 * 3 + -3;
    const a = 1 / (1 + Math.exp(-z));
    const node = (n: string) => doc.nodes.find((x) => x.name === n);
    expect(node('z')?.value).toBe(z);
    expect(node('a')?.value).toBeCloseTo(a, 15);
    expect(node('z')?.grad).toBeCloseTo(a - 0, 15);
    expect(node('w')?.grad).toEqual([expect.closeTo(a * -1, 15), expect.closeTo(a * 3, 15), expect.closeTo(a, 15)]);
    expect(doc.bumps.map((b) => b.node)).toEqual(['w1', 'w2', 'b', 'x1', 'x2', 'z', 'a']);
    for (const b of doc.bumps) expect(Math.abs(b.slope - b.grad)).toBeLessThan(1e-3 * Math.max(1, Math.abs(b.grad)));
  });
  it('refuses a bad --set in one line naming --set and the bad name or number, exit 2', async () => {
    const cases: [string[], string][] = [
      [['--set', 'd=1'], "--set: unknown name 'd' for --example j, expected one of a, b, c"],
      [['--set', 'a=x'], "--set: a=x: 'x' is not a number"],
      [['--set', 'a=1e999'], "--set: a=1e999: '1e999' is not a number"],
      [['--set', 'a'], "--set: expected name=value pairs separated by commas (e.g. a=7,b=4,c=2), got 'a'"],
      [['--set', 'a=1,a=2'], '--set: a is given twice'],
      [['--set', 'b='], '--set: b= has no value: give a number, e.g. b=4'],
      [['--example', 'neuron', '--set', 'a=1'], "--set: unknown name 'a' for --example neuron, expected one of w1, w2, b, x1, x2, y"],
      [['--example', 'neuron', '--set', 'y=2'], '--set: y=2: the label y must be from 0 to 1'],
    ];
    for (const [args, words] of cases) {
      const r = await runInProcess(graphCommand(), args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`tsgrad: error: ${words}\n`);
    }
  });
});
