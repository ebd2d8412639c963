/**
 * A table of abuse cases run against the built CLI as a hostile user would run it: bad
 * outputs, bad inputs, bad option values, names that are Object's own keys, data that
 * contradicts itself or the model. Each row gives the arguments, the exit code, the words
 * the one stderr line must hold, and the rule it checks; every row also checks that no
 * stack trace is printed and that every input file is byte for byte what it was.
 * The rows run a few at a time on tiny data (4x4 pixel images), in about a minute.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/data/image.js';
import { removeTempDirs, ROOT, tempDir, writeH5, type Spec } from '../data/fixtures.js';

const MAIN = join(ROOT, 'dist/cli/main.js');

/** One abuse case: `{in}` in an argument is the inputs folder, `{out}` the case's own output folder. */
interface Case {
  args: string[];
  code: number;
  words: string[];
  rule: string;
  env?: Record<string, string>;
}

let IN = '';
let OUT = '';

function classList(names: string[]): Spec {
  return { data: names, shape: [names.length], dtype: `A${Math.max(...names.map((n) => n.length))}` };
}

/** m images h x w x 3 whose pixels differ by sample, and labels cycling through k classes. */
function set(prefix: string, m: number, k: number, h = 4): Record<string, Spec> {
  return {
    [`${prefix}_set_x`]: { data: Uint8Array.from({ length: m * h * h * 3 }, (_, i) => (i * 37 + (i % 7) * 11) % 256), shape: [m, h, h, 3], dtype: '<B' },
    [`${prefix}_set_y`]: { data: BigInt64Array.from({ length: m }, (_, i) => BigInt(i % k)), shape: [m], dtype: '<q' },
  };
}

async function dataFolder(name: string, classes: string[], h = 4): Promise<void> {
  const dir = join(IN, name);
  await mkdir(dir);
  await writeH5(join(dir, 'train_catvnoncat.h5'), { ...set('train', 20, classes.length, h), list_classes: classList(classes) });
  await writeH5(join(dir, 'test_catvnoncat.h5'), { ...set('test', 10, classes.length, h), list_classes: classList(classes) });
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: OUT, env: { ...process.env, TSGRAD_CACHE_DIR: join(OUT, 'cache'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** SHA-256 of every regular file under the inputs folder, by path. */
async function snapshot(dir = IN): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    const p = join(dir, name);
    const st = await stat(p);
    if (st.isDirectory()) for (const [k, v] of await snapshot(p)) out.set(k, v);
    else if (st.isFile()) out.set(p, createHash('sha256').update(await readFile(p)).digest('hex'));
  }
  return out;
}

// At most this many CLI processes at once: the machine is shared.
let slots = Math.max(2, Math.min(4, availableParallelism()));
const waiting: (() => void)[] = [];
async function limited<T>(f: () => Promise<T>): Promise<T> {
  while (slots === 0) await new Promise<void>((r) => waiting.push(r));
  slots--;
  try {
    return await f();
  } finally {
    slots++;
    waiting.shift()?.();
  }
}

const I = (p: string): string => `{in}/${p}`;
const O = (p: string): string => `{out}/${p}`;
const TRAIN = ['train', '--data', I('cats'), '--epochs', '3'];
const MODEL = I('cat.json');

// Bad output paths, per command and option: [what the path is, the path, the words].
function outputCases(): Case[] {
  const cases: Case[] = [];
  const fileOuts: [string, string[]][] = [['train --save', [...TRAIN, '--save']], ['graph --out', ['graph', '--out']]];
  const folderOuts: [string, string[]][] = [
    ['train --plot', [...TRAIN, '--plot']],
    ['plot --out', ['plot', MODEL, '--data', I('cats'), '--out']],
    ['landscape --out', ['landscape', MODEL, '--data', I('cats'), '--grid', '3', '--out']],
    ['saliency --out', ['saliency', MODEL, I('photo.png'), '--out']],
    ['features --out', ['features', MODEL, I('photo.png'), '--out']],
  ];
  const option = (label: string): string => label.split(' ')[1] as string;
  for (const [label, args] of fileOuts) {
    const o = option(label);
    cases.push(
      { args: [...args, I('plain.txt/m.json')], code: 2, words: [o, 'plain.txt is a file, not a folder'], rule: `${label}: a file in the way of the folder is refused before the work` },
      { args: [...args, I('folder')], code: 2, words: [o, 'is a folder, expected a file name'], rule: `${label}: a folder where a file goes` },
      { args: [...args, '/dev/null'], code: 2, words: [o, '/dev/null', 'not a regular file'], rule: `${label}: a device is never replaced by a regular file` },
      { args: [...args, I('fifo')], code: 2, words: [o, 'fifo', 'not a regular file'], rule: `${label}: a FIFO is never replaced` },
      { args: [...args, '/proc/tsgrad/m.json'], code: 2, words: [o, "kernel's proc file system"], rule: `${label}: /proc is refused (recursive mkdir never settles there)` },
      { args: [...args, '/sys/tsgrad.json'], code: 2, words: [o, "kernel's sysfs file system"], rule: `${label}: /sys is refused` },
      { args: [...args, ''], code: 2, words: [o, 'empty path'], rule: `${label}: an empty path` },
    );
  }
  for (const [label, args] of folderOuts) {
    const o = option(label);
    cases.push(
      { args: [...args, I('plain.txt')], code: 2, words: [o, 'plain.txt: is a file, not a folder'], rule: `${label}: a file where a folder goes` },
      { args: [...args, I('plain.txt/sub')], code: 2, words: [o, 'plain.txt is a file, not a folder'], rule: `${label}: a file in the way of the folder` },
      { args: [...args, '/proc/tsgrad-plots'], code: 2, words: [o, "kernel's proc file system"], rule: `${label}: /proc is refused before the work` },
      { args: [...args, '/dev/null'], code: 2, words: [o, '/dev/null', 'not a folder'], rule: `${label}: a device where a folder goes` },
    );
  }
  cases.push(
    { args: [...TRAIN, '--save', I('cats/train_catvnoncat.h5')], code: 2, words: ['--save', 'never writes over its input'], rule: 'train --save onto its training set is refused' },
    { args: ['train', '--train', I('cats/train_catvnoncat.h5'), '--test', I('cats/test_catvnoncat.h5'), '--epochs', '2', '--save', I('cats/test_catvnoncat.h5')], code: 2, words: ['--save', 'never writes over its input'], rule: 'train --save onto its test set is refused' },
    { args: [...TRAIN, '--save', I('link-to-train.h5')], code: 2, words: ['--save', 'never writes over its input'], rule: 'train --save onto a link to its training set is refused' },
    { args: [...TRAIN, '--save', O('m.json'), '--plot', O('m.json')], code: 2, words: ['--plot', 'the plots need a folder of their own'], rule: '--plot equal to --save is refused' },
    { args: [...TRAIN, '--plot', I('cats/train_catvnoncat.h5')], code: 2, words: ['--plot', 'train_catvnoncat.h5: is a file, not a folder'], rule: 'train --plot onto the training set is refused' },
    { args: ['plot', MODEL, '--data', I('cats'), '--out', MODEL], code: 2, words: ['--out', 'cat.json: is a file, not a folder'], rule: 'plot --out onto its own model file is refused' },
  );
  return cases;
}

function commandCases(): Case[] {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'trian'];
  return names.map((n) => ({ args: [n], code: 2, words: ['unknown command', n], rule: `command ${n}: looked up as an own key only` }));
}

function optionCases(): Case[] {
  const bad: [string, string, string][] = [
    ['--epochs', '0', 'positive integer'], ['--epochs', '-1', ''], ['--epochs', 'abc', 'positive integer'], ['--epochs', '1.5', 'positive integer'], ['--epochs', '1e400', 'positive integer'],
    ['--learning-rate', '0', ''], ['--learning-rate', '-1', ''], ['--learning-rate', 'nan', ''], ['--learning-rate', 'Infinity', ''],
    ['--seed', '-1', ''], ['--batch-size', '0', ''], ['--model', 'nope', ''], ['--arch', 'dense:x', ''], ['--layers', '1,2', ''], ['--dtype', 'float16', ''],
  ];
  const cases: Case[] = bad.map(([o, v, w]) => ({ args: ['train', '--data', I('cats'), o, v], code: 2, words: [o, ...(w !== '' ? [w] : [])], rule: `train ${o} ${v}: refused with the option named` }));
  cases.push(
    { args: ['train', '--bogus'], code: 2, words: ['--bogus'], rule: 'an unknown flag' },
    { args: ['landscape', MODEL, '--data', I('cats'), '--out', O('l'), '--grid', '0'], code: 2, words: ['--grid'], rule: 'landscape --grid 0' },
    { args: ['landscape', MODEL, '--data', I('cats'), '--out', O('l'), '--range', '-1'], code: 2, words: ['--range'], rule: 'landscape --range -1' },
    { args: ['landscape', MODEL, '--data', I('cats'), '--out', O('l'), '--workers', '0'], code: 2, words: ['--workers'], rule: 'landscape --workers 0' },
    { args: ['graph', '--example', 'constructor'], code: 2, words: ['--example', 'j, neuron'], rule: 'graph --example takes its own names only' },
    { args: ['predict', MODEL, I('photo.png'), '--fit', 'stretch'], code: 2, words: ['--fit'], rule: 'predict --fit names its choices' },
    { args: ['predict', MODEL, I('photo.png'), '--max-pixels', '0'], code: 2, words: ['--max-pixels'], rule: 'predict --max-pixels 0' },
    { args: ['train', '--data', I('cats'), '--train', I('cats/train_catvnoncat.h5')], code: 2, words: ['--data', '--train'], rule: '--data with --train is refused' },
    { args: ['train', '--resume', MODEL, '--epochs', '5'], code: 2, words: ['--epochs', 'resumed run keeps the settings'], rule: '--resume keeps the run\'s settings' },
  );
  return cases;
}

function dataCases(): Case[] {
  const t = (extra: string[]): string[] => ['train', ...extra, '--epochs', '2'];
  return [
    { args: t(['--data', I('missing')]), code: 2, words: ['missing'], rule: 'a missing data folder' },
    { args: t(['--data', I('folder')]), code: 2, words: ['folder'], rule: 'a data folder without data' },
    { args: t(['--train', I('fifo'), '--test', I('cats/test_catvnoncat.h5')]), code: 2, words: ['fifo'], rule: 'a FIFO as training data: refused, never read (no hang)' },
    { args: t(['--train', '/dev/zero', '--test', I('cats/test_catvnoncat.h5')]), code: 2, words: ['/dev/zero'], rule: 'a device as training data: refused, never read' },
    { args: t(['--train', I('empty.h5'), '--test', I('cats/test_catvnoncat.h5')]), code: 2, words: ['empty.h5'], rule: 'an empty data file' },
    { args: t(['--train', I('plain.txt'), '--test', I('cats/test_catvnoncat.h5')]), code: 2, words: ['plain.txt'], rule: 'a text file as data' },
    { args: t(['--train', I('truncated.h5'), '--test', I('cats/test_catvnoncat.h5')]), code: 2, words: ['truncated.h5'], rule: 'a truncated HDF5 file' },
    { args: t(['--train', I('cats/train_catvnoncat.h5'), '--test', I('swapped/test_catvnoncat.h5')]), code: 2, words: ['list_classes', '[cat, non-cat]', 'swapped', 'cats/train_catvnoncat.h5', '[non-cat, cat]'], rule: 'a test set whose class list contradicts the training set\'s: both files and both lists named' },
    { args: t(['--train', I('cats/train_catvnoncat.h5'), '--test', I('big/test_catvnoncat.h5')]), code: 2, words: ['big/test_catvnoncat.h5', '(8, 8, 3)', '(4, 4, 3)'], rule: 'a test set of another image shape' },
    { args: t(['--data', I('six')]), code: 2, words: ['6 classes', '--arch dense:6,softmax'], rule: 'the single neuron on 6 classes: refused, saying how to ask for softmax' },
    { args: t(['--data', I('six'), '--model', 'mlp']), code: 2, words: ['6 classes', '--layers'], rule: 'the course MLP on 6 classes: refused, saying which layers' },
    { args: t(['--data', I('six'), '--arch', 'dense:1,sigmoid']), code: 2, words: ['6'], rule: 'a 1-unit output on 6 classes' },
    { args: t(['--data', I('six'), '--arch', 'dense:6,softmax']), code: 0, words: [], rule: 'softmax on 6 classes trains' },
    { args: t(['--data', I('proto'), '--plot', O('plots'), '--save', O('p.json')]), code: 0, words: [], rule: 'class names __proto__ and constructor train and plot' },
    { args: t(['--data', I('cats'), '--test-last', '100']), code: 2, words: ['--test-last'], rule: '--test-last larger than the data' },
    { args: t(['--data', I('cats'), '--validation', '1.5']), code: 2, words: ['--validation'], rule: '--validation outside (0, 1)' },
  ];
}

function modelCases(): Case[] {
  const bad: [string, string[]][] = [
    ['missing.json', ['no such file']], ['fifo', ['not a regular file']], ['folder', ['a folder']], ['empty.h5', ['not a tsgrad model file']], ['plain.txt', ['not a tsgrad model file']],
    ['m-array.json', ['not a tsgrad model file']], ['m-format.json', ['format', 'tsgrad-model']], ['m-version.json', ['version', '99']], ['m-nomodel.json', ['model: expected an object', 'nothing (the field is missing)']],
    ['m-huge.json', ['model:', 'too large to build']], ['m-classes.json', ['classes: expected 2 class names']], ['m-noprep.json', ['preprocessing.scale', 'nothing (the field is missing)']],
    ['m-noparams.json', ['parameters']], ['m-badparam.json', ['parameters.W1']], ['m-training.json', ['training: expected an object']],
  ];
  const cases: Case[] = bad.map(([f, words]) => ({ args: ['evaluate', I(f), '--data', I('cats')], code: 2, words: [f, ...words], rule: `evaluate on a bad model file (${f}): the file and field named, no internal error` }));
  for (const cmd of ['predict', 'plot', 'landscape', 'saliency']) {
    const tail = cmd === 'predict' ? [I('photo.png')] : cmd === 'saliency' ? [I('photo.png'), '--out', O(cmd)] : ['--data', I('cats'), '--out', O(cmd)];
    cases.push({ args: [cmd, I('fifo'), ...tail], code: 2, words: ['fifo', 'not a regular file'], rule: `${cmd}: a FIFO as the model file is refused (no hang)` });
    cases.push({ args: [cmd, I('m-nomodel.json'), ...tail], code: 2, words: ['m-nomodel.json', 'model'], rule: `${cmd}: a model file without its model field` });
  }
  cases.push(
    { args: ['evaluate', MODEL, '--data', I('six')], code: 2, words: ['six/train_catvnoncat.h5', '[a, b, c, d, e, f]', 'cat.json', '[non-cat, cat]'], rule: 'a model evaluated on data of other classes: both named' },
    { args: ['evaluate', MODEL, '--data', I('swapped')], code: 2, words: ['swapped/train_catvnoncat.h5', '[cat, non-cat]', 'cat.json'], rule: 'a model evaluated on data naming its classes in another order' },
    { args: ['evaluate', MODEL, '--data', I('big')], code: 2, words: ['big/train_catvnoncat.h5', '(8, 8, 3)', 'cat.json', '(4, 4, 3)'], rule: 'a model evaluated on images of another shape: both named' },
    { args: ['plot', MODEL, '--data', I('six'), '--out', O('p')], code: 2, words: ['[a, b, c, d, e, f]', 'cat.json'], rule: 'plot of a model on data of other classes' },
    { args: ['evaluate', I('proto.json'), '--data', I('proto')], code: 0, words: [], rule: 'class names __proto__ / constructor evaluate' },
    { args: ['plot', I('proto.json'), '--data', I('proto'), '--out', O('pp')], code: 0, words: [], rule: 'class names __proto__ / constructor plot (confusion matrix)' },
    { args: ['train', '--resume', I('missing.json')], code: 2, words: ['missing.json', 'no such file'], rule: '--resume of a missing file' },
    { args: ['train', '--resume', MODEL], code: 2, words: ['checkpoint', 'no checkpoint'], rule: '--resume of a finished run names the checkpoint field' },
  );
  return cases;
}

function imageCases(): Case[] {
  return [
    { args: ['predict', MODEL, I('missing.png')], code: 2, words: ['missing.png'], rule: 'predict: a missing image' },
    { args: ['predict', MODEL, I('fifo')], code: 2, words: ['fifo'], rule: 'predict: a FIFO image is refused (no hang)' },
    { args: ['predict', MODEL, I('plain.txt')], code: 2, words: ['plain.txt'], rule: 'predict: a text file as an image' },
    { args: ['predict', MODEL, I('folder')], code: 2, words: ['folder'], rule: 'predict: a folder as an image' },
    { args: ['predict', MODEL, I('empty.h5')], code: 2, words: ['empty.h5'], rule: 'predict: an empty file as an image' },
    { args: ['predict', MODEL, I('photo.png')], code: 0, words: [], rule: 'predict: a good photo still works' },
    { args: ['saliency', MODEL, I('plain.txt'), '--out', O('s')], code: 2, words: ['plain.txt'], rule: 'saliency: a text file as an image' },
    { args: ['features', MODEL, I('fifo'), '--out', O('f')], code: 2, words: ['fifo'], rule: 'features: a FIFO image (no hang)' },
  ];
}

const CASES: Case[] = [...outputCases(), ...commandCases(), ...optionCases(), ...dataCases(), ...modelCases(), ...imageCases()];

let before = new Map<string, string>();

beforeAll(async () => {
  IN = await tempDir();
  OUT = await tempDir();
  await dataFolder('cats', ['non-cat', 'cat']);
  await dataFolder('swapped', ['cat', 'non-cat']);
  await dataFolder('six', ['a', 'b', 'c', 'd', 'e', 'f']);
  await dataFolder('big', ['non-cat', 'cat'], 8);
  await dataFolder('proto', ['__proto__', 'constructor']);
  await mkdir(join(IN, 'folder'));
  await writeFile(join(IN, 'plain.txt'), 'not data\n');
  await writeFile(join(IN, 'empty.h5'), '');
  const h5 = await readFile(join(IN, 'cats', 'train_catvnoncat.h5'));
  await writeFile(join(IN, 'truncated.h5'), h5.subarray(0, Math.floor(h5.length / 2)));
  execFileSync('mkfifo', [join(IN, 'fifo')]);
  execFileSync('ln', ['-s', join(IN, 'cats', 'train_catvnoncat.h5'), join(IN, 'link-to-train.h5')]);
  await writeFile(join(IN, 'photo.png'), await encodePng(Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 29) % 256), 8, 8, 3));
  for (const [data, file] of [['cats', 'cat.json'], ['proto', 'proto.json']]) {
    const r = await run(['train', '--data', join(IN, data as string), '--epochs', '5', '--save', join(IN, file as string)]);
    expect(r.code, r.stderr).toBe(0);
  }
  const doc = JSON.parse(await readFile(join(IN, 'cat.json'), 'utf8')) as Record<string, unknown>;
  const variant = async (name: string, change: (d: Record<string, unknown>) => unknown): Promise<void> => {
    const d = structuredClone(doc);
    const replaced = change(d);
    await writeFile(join(IN, name), JSON.stringify(replaced ?? d));
  };
  await variant('m-array.json', () => [1, 2]);
  await variant('m-format.json', (d) => void (d['format'] = 'other'));
  await variant('m-version.json', (d) => void (d['version'] = 99));
  await variant('m-nomodel.json', (d) => void delete d['model']);
  await variant('m-huge.json', (d) => void ((d['model'] as Record<string, unknown>)['inputShape'] = [100000, 100000, 3]));
  await variant('m-classes.json', (d) => void (d['classes'] = ['only']));
  await variant('m-noprep.json', (d) => void delete d['preprocessing']);
  await variant('m-noparams.json', (d) => void delete d['parameters']);
  await variant('m-badparam.json', (d) => void ((d['parameters'] as Record<string, unknown>)['W1'] = { shape: [1, 48], dtype: 'float64', base64: 5 }));
  await variant('m-training.json', (d) => void (d['training'] = 'x'));
  before = await snapshot();
}, 120_000);

afterAll(removeTempDirs);

describe('abuse cases', () => {
  it('the table holds at least 100 cases, each with its rule', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
    for (const c of CASES) expect(c.rule.length).toBeGreaterThan(10);
  });

  it('landscape --workers 1000 runs on at most one thread per core, and says so', async () => {
    const out = join(OUT, 'workers');
    const r = await limited(() => run(['landscape', join(IN, 'cat.json'), '--data', join(IN, 'cats'), '--grid', '3', '--alpha-points', '3', '--no-progress', '--workers', '1000', '--out', out]));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`tsgrad: landscape: --workers 1000 capped at this machine's ${availableParallelism()} cores\n`);
  }, 120_000);

  describe.concurrent.each(CASES.map((c, i) => [`${i}: ${c.rule}`, c, i] as const))('%s', (_name, c, i) => {
    it('exits as expected, in one line naming the problem, inputs unchanged', async () => {
      const out = join(OUT, String(i));
      await mkdir(out, { recursive: true });
      const args = c.args.map((a) => a.replaceAll('{in}', IN).replaceAll('{out}', out));
      const r = await limited(() => run(args, c.env));
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(c.code);
      expect(r.stderr).not.toMatch(/\n\s+at |internal error|undefined/);
      if (c.code !== 0) {
        const lines = r.stderr.trim().split('\n');
        expect(lines, r.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(/^tsgrad: /);
        for (const w of c.words) expect(lines[0]).toContain(w.replaceAll('{in}', IN).replaceAll('{out}', out));
      }
      // Every input byte for byte as it was (outputs go only to their own folders).
      const now = await snapshot();
      for (const [p, h] of before) expect(now.get(p), p).toBe(h);
    }, 120_000);
  });
});
