/**
 * `tsgrad train`'s options and how they become a run's settings: a preset (the notes' single
 * neuron by default, the course's L-layer network with `--model mlp`), then every option
 * typed over it. Parsing only: src/app checks the settings against the data.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ENGINES, L_LAYER, LENET5, mlpLayers, NEURON, SIGNS_CNN, type EngineRequest, type RunSettings } from '../app/settings.js';
import { ArgumentError } from '../core/errors.js';
import type { ResizeFit } from '../data/image.js';
import { HIDDEN_ACTIVATIONS, type HiddenActivation } from '../nn/activations.js';
import { parseInitializer } from '../nn/init.js';
import { archText, LAYERS, parseArch, type LayerKind } from '../nn/registry.js';

// Layers that take the images as they are: an --arch starting with one gets no flatten first.
const IMAGE_LAYERS: ReadonlySet<LayerKind> = new Set<LayerKind>(['flatten', 'conv', 'maxpool', 'avgpool', 'globalavgpool', 'batchnorm']);
import { OPTIMIZER_NAMES, type OptimizerName } from '../optim/index.js';
import { oneOf, positiveInt, positiveNumber } from './run.js';

/** The options as commander parses them. */
export interface TrainOptions {
  model?: 'logistic' | 'mlp' | 'signs-cnn' | 'lenet5';
  arch?: string;
  layers?: number[];
  hidden?: HiddenActivation;
  init?: string;
  seed?: number;
  optimizer?: OptimizerName;
  iterations?: number;
  epochs?: number;
  learningRate?: number;
  batchSize?: number;
  l2?: number;
  dropout?: number;
  dropoutSeed?: number;
  decay?: number;
  decayInterval?: number;
  beta?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  loss?: 'course' | 'logits';
  shuffleSeed?: number;
  printEvery?: number;
  dtype?: 'float64' | 'float32';
  engine?: string;
  autodiff?: boolean;
  data?: string;
  train?: string;
  test?: string;
  testLast?: number;
  validation?: number;
  splitSeed?: number;
  imageSize?: number;
  resize?: ResizeFit;
  channels?: 1 | 3;
  cache?: boolean;
  skipBadImages?: boolean;
  progress?: boolean;
  normalize?: 'scale' | 'standardize';
  augment?: string;
  save?: string;
  resume?: string;
  plot?: string;
  json?: boolean;
  debug?: boolean;
}

/** The options that define a run (a resumed run takes them from its checkpoint), with their flags. */
export const RUN_FLAGS: readonly [keyof TrainOptions, string][] = [
  ['model', '--model'], ['arch', '--arch'], ['layers', '--layers'], ['hidden', '--hidden'], ['init', '--init'], ['seed', '--seed'],
  ['optimizer', '--optimizer'], ['iterations', '--iterations'], ['epochs', '--epochs'], ['learningRate', '--learning-rate'],
  ['batchSize', '--batch-size'], ['l2', '--l2'], ['dropout', '--dropout'], ['dropoutSeed', '--dropout-seed'], ['decay', '--decay'],
  ['decayInterval', '--decay-interval'], ['beta', '--beta'], ['beta1', '--beta1'], ['beta2', '--beta2'], ['epsilon', '--epsilon'],
  ['loss', '--loss'], ['shuffleSeed', '--shuffle-seed'], ['printEvery', '--print-every'], ['dtype', '--dtype'], ['engine', '--engine'],
  ['autodiff', '--autodiff'], ['normalize', '--normalize'], ['augment', '--augment'],
];

/** Parses `--layers 12288,20,7,5,1`. @example layerList("12288,7,1") // [12288, 7, 1] */
export function layerList(v: string): number[] {
  const parts = v.split(',').map((s) => s.trim());
  if (parts.length < 2 || parts.some((p) => !/^\d+$/.test(p) || Number(p) <= 0 || !Number.isSafeInteger(Number(p)))) {
    throw new InvalidArgumentError(`--layers must be at least 2 positive integers separated by commas, e.g. 12288,20,7,5,1; got '${v}'`);
  }
  return parts.map(Number);
}

/** Checks a value with `parse` and keeps the text (parsed again where it is used). */
function checked(option: string, parse: (v: string) => unknown): (v: string) => string {
  return (v: string) => {
    try {
      parse(v);
      return v;
    } catch (e) {
      // An ArgumentError reads `op: argument: detail`; keep the argument when it is not the option itself (`dense:0`).
      const named = e instanceof ArgumentError && (e.argument === option || `--${e.argument}` === option);
      const detail = e instanceof ArgumentError ? e.message.slice(e.op.length + 2 + (named ? e.argument.length + 2 : 0)) : String(e);
      throw new InvalidArgumentError(`${option}: ${detail}`);
    }
  };
}

function bounded(option: string, ok: (n: number) => boolean, what: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !ok(n)) throw new InvalidArgumentError(`${option} must be ${what}, got '${v}'`);
    return n;
  };
}

const seed = (o: string) => bounded(o, (n) => Number.isInteger(n) && n >= 0 && n <= 2 ** 32 - 1, 'an integer in 0..2**32-1');
const nonNegative = (o: string) => bounded(o, (n) => Number.isFinite(n) && n >= 0, 'a number >= 0');
const unit = (o: string) => bounded(o, (n) => n >= 0 && n < 1, 'a number in [0, 1)');
/** The engines by their names, and the names of tsgrad 0.1 (`fast`, `plain`). */
const ENGINE_NAMES = [...ENGINES, 'fast', 'plain'] as const;

/**
 * Adds the options saying where the data is and what to hold out of it.
 * @example addDataOptions(new Command('train')).parse(['--data', 'mnist', '--test-last', '2000'], { from: 'user' })
 */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'folder holding train_catvnoncat.h5 and test_catvnoncat.h5, an MNIST / Fashion-MNIST pair (*images*idx3* and *labels*idx1*, gzipped or not; a second pair named t10k or test is the test set), CIFAR-10 batches (data_batch_N.bin, test_batch.bin, batches.meta.txt), or an image folder: one subfolder of JPEG, PNG, WebP, GIF, TIFF or AVIF images per class (DIR/cat/*.jpg, DIR/dog/*.jpg), or train/ and test/ each holding the same class subfolders; or a CSV of file,label rows naming images (paths relative to the CSV)')
    .option('--train <file>', 'training set file: HDF5, an idx3 images file (its idx1 labels beside it), a CIFAR-10 batch or a CSV of file,label image rows, told apart by their contents (with --test, or alone with --test-last or --validation)')
    .option('--test <file>', 'test set file, of the same kinds (with --train)')
    .option('--test-last <n>', 'for data without a test set: test on its last n samples, train on the others (MNIST\'s 10,000 digits: --test-last 2000)', positiveInt('--test-last'))
    .option('--validation <fraction>', 'hold out this fraction of the training samples, stratified by class, as a validation set (the test set when the data has none)', bounded('--validation', (n) => n > 0 && n < 1, 'a fraction in (0, 1)'))
    .option('--split-seed <n>', 'seed of the --validation split (default 1)', seed('--split-seed'))
    .option('--image-size <n>', 'image folders: every image resized to n x n pixels (default 64)', bounded('--image-size', (n) => Number.isInteger(n) && n >= 1 && n <= 1024, 'an integer in 1..1024'))
    .option('--resize <fit>', 'image folders: how an image of another shape becomes square: fill (stretch, the default, as Keras and tsgrad predict), cover (crop the centre) or contain (pad with white)', oneOf('--resize', ['fill', 'cover', 'contain'] as const))
    .option('--channels <n>', 'image folders: 3 (RGB, the default) or 1 (grayscale); EXIF orientation is applied and RGBA is composited on white', (v) => (oneOf('--channels', ['1', '3'] as const)(v) === '1' ? 1 : 3))
    .option('--no-cache', 'image folders: decode every image again and write no cache (the decoded set is cached in $TSGRAD_CACHE_DIR, else $XDG_CACHE_HOME/tsgrad, else ~/.cache/tsgrad)')
    .option('--normalize <how>', 'inputs: scale (pixels / 255, the default, as the notes) or standardize (then each channel less its mean, over its standard deviation, both measured on the training set only and recorded in the model file, so predict, evaluate, saliency and the page prepare inputs the same way)', oneOf('--normalize', ['scale', 'standardize'] as const))
    .option('--augment <list>', 'images: seeded augmentation of the training batches, new draws every epoch, never the test set, off by default: flip (mirror left-right, p = 1/2), crop:K (pad K pixels, cut back at a random offset), brightness:D (add a random amount in [-D, D]), e.g. flip,crop:4,brightness:0.1; runs on the autodiff step')
    .option('--skip-bad-images', 'image folders: leave out the images that do not decode (a note says how many and which) instead of stopping at the first');
}

/** Adds every training option to `cmd`. */
export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option('--model <name>', "logistic (the notes' single neuron, the default), mlp (the course's L-layer network; --layers for others), signs-cnn (the course's SIGNS convolutional network) or lenet5 (a LeNet-5-style network for digits); the CNNs' output has one unit per class of the data", oneOf('--model', ['logistic', 'mlp', 'signs-cnn', 'lenet5'] as const))
    .option('--arch <layers>', `any stack of layers, e.g. dense:7,relu,dense:1,sigmoid (a flatten is put first when it starts with a dense layer) or conv:8:4:same,relu,maxpool:8:8:same,flatten,dense:6,softmax; layers: ${Object.values(LAYERS).map((l) => l.help.split(',')[0]).join('; ')}`, checked('--arch', parseArch))
    .option('--layers <sizes>', 'layer sizes from inputs to outputs, e.g. 12288,20,7,5,1 (relu between, sigmoid or softmax out)', layerList)
    .option('--hidden <name>', `with --layers: the hidden activation, ${HIDDEN_ACTIVATIONS.join(', ')} (default relu)`, oneOf('--hidden', HIDDEN_ACTIVATIONS))
    .option('--init <name>', 'weight initializer: zeros, scaled:K (randn·K), xavier, glorot, he, course (randn/√n); default zeros for the neuron, course otherwise', checked('--init', parseInitializer))
    .option('--seed <n>', 'seed of the initial weights, as np.random.seed (default 1)', seed('--seed'))
    .option('--optimizer <name>', `${OPTIMIZER_NAMES.join(', ')} (default gd)`, oneOf('--optimizer', OPTIMIZER_NAMES))
    .option('--iterations <n>', 'full-batch gradient descent iterations (default 2000 for the neuron, 2500 otherwise)', positiveInt('--iterations'))
    .option('--epochs <n>', 'passes over the data (with full batches the same as --iterations)', positiveInt('--epochs'))
    .option('--learning-rate <alpha>', 'learning rate (default 0.005 for the neuron, 0.0075 otherwise)', positiveNumber('--learning-rate'))
    .option('--batch-size <n>', 'mini-batch size, reshuffled every epoch (default: full batch)', positiveInt('--batch-size'))
    .option('--l2 <lambda>', 'L2 regularisation strength λ (default 0)', nonNegative('--l2'))
    .option('--dropout <rate>', 'with --layers: probability of dropping each hidden unit in training (default 0)', unit('--dropout'))
    .option('--dropout-seed <n>', 'seed of the dropout masks (default 1)', seed('--dropout-seed'))
    .option('--decay <rate>', 'learning-rate decay, α = α₀ / (1 + rate·⌊epoch / interval⌋) (default 0)', nonNegative('--decay'))
    .option('--decay-interval <n>', 'epochs per decay step (default 1)', positiveInt('--decay-interval'))
    .option('--beta <b>', 'momentum β (default 0.9)', unit('--beta'))
    .option('--beta1 <b>', 'Adam β₁ (default 0.9)', unit('--beta1'))
    .option('--beta2 <b>', 'Adam and RMSProp β₂ (default 0.999)', unit('--beta2'))
    .option('--epsilon <e>', 'Adam and RMSProp ε (default 1e-8)', positiveNumber('--epsilon'))
    .option('--loss <name>', "sigmoid output: course (the notes' cost on the probabilities, the default) or logits (the same cost, computed stably)", oneOf('--loss', ['course', 'logits'] as const))
    .option('--shuffle-seed <n>', "mini-batch shuffles use seed n + epoch + 1, as the course's model (default 10)", seed('--shuffle-seed'))
    .option('--print-every <n>', 'print the cost every n iterations (epochs with mini-batches), default 100', positiveInt('--print-every'))
    .option('--dtype <dtype>', 'float64 (default) or float32', oneOf('--dtype', ['float64', 'float32'] as const))
    .option('--engine <name>', "how an update is computed: auto (the default: span where it applies, else autodiff), span (the exact Gram-space step: a dense first layer, gd or momentum, fewer samples than inputs), autodiff (any model), course (the notes' and the course's hand-derived functions); fast and plain are tsgrad 0.1's names (span; course for the single neuron, autodiff otherwise)", oneOf('--engine', ENGINE_NAMES))
    .option('--autodiff', 'the same as --engine autodiff');
}

/**
 * An error about a run setting (`train: layers: ...`, `model: layers: ...`, `arch: dense:1: ...`,
 * `train: learningRate: ...`) as one about the option the user typed (`--arch: ...`,
 * `--learning-rate: ...`): the settings' field names are tsgrad's, not the user's. Other
 * errors are returned as they are.
 * @example settingError(new ArgumentError('model', 'layers', 'a sigmoid output has 1 unit'), { arch: 'dense:2,sigmoid' }).message // 'train: --arch: a sigmoid output has 1 unit'
 */
export function settingError(e: unknown, o: TrainOptions): unknown {
  if (!(e instanceof ArgumentError)) return e;
  const layersFlag = o.resume !== undefined ? '--resume' : o.arch !== undefined ? '--arch' : o.layers !== undefined ? '--layers' : '--model';
  const detail = e.message.slice(e.op.length + e.argument.length + 4);
  if (e.op === 'arch' && !e.argument.startsWith('--')) return new ArgumentError('train', layersFlag, `${e.argument}: ${detail}`);
  if ((e.op === 'train' || e.op === 'model') && e.argument === 'layers') return new ArgumentError('train', layersFlag, detail);
  const flag = e.op === 'train' ? RUN_FLAGS.find(([name]) => name === e.argument)?.[1] : undefined;
  return flag !== undefined ? new ArgumentError('train', o.resume !== undefined ? '--resume' : flag, detail) : e;
}

/** Whether the user typed an option (rather than commander filling in a default). */
export function given(cmd: Command, name: string): boolean {
  const src = cmd.getOptionValueSource(name);
  return src !== undefined && src !== 'default';
}

/** The preset the options start from, and their layers. */
function base(o: TrainOptions): RunSettings {
  if (o.arch !== undefined) {
    if (o.layers !== undefined || o.model !== undefined) throw new ArgumentError('train', '--arch', 'give the layers either as --arch or as --model/--layers, not both');
    const layers = parseArch(o.arch);
    // Dense layers take flat inputs: a flatten goes first unless the stack starts on the images.
    return { ...L_LAYER, layers: IMAGE_LAYERS.has(layers[0]?.kind ?? 'flatten') ? layers : [{ kind: 'flatten' }, ...layers] };
  }
  if (o.layers !== undefined) return { ...L_LAYER, layers: mlpLayers(o.layers.slice(1), o.hidden ?? 'relu', o.dropout ?? 0) };
  if (o.model === 'signs-cnn') return SIGNS_CNN;
  if (o.model === 'lenet5') return LENET5;
  return o.model === 'mlp' ? { ...L_LAYER, layers: mlpLayers([20, 7, 5, 1], o.hidden ?? 'relu', o.dropout ?? 0) } : NEURON;
}

/** `--engine` as the app names it (tsgrad 0.1's names mapped). */
function engineOf(o: TrainOptions, s: RunSettings): EngineRequest {
  if (o.autodiff === true) return 'autodiff';
  if (o.engine === 'fast') return 'span';
  if (o.engine === 'plain') return s.layers.filter((l) => l.kind === 'dense').length === 1 && !s.layers.some((l) => l.kind === 'conv') ? 'course' : 'autodiff';
  return (o.engine as EngineRequest | undefined) ?? 'auto';
}

/**
 * The run's settings from the options.
 * @example runSettings({ model: 'mlp', layers: [12288, 7, 1], init: 'scaled:0.01' }).layers // flatten, dense:7, relu, dense:1, sigmoid
 */
export function runSettings(o: TrainOptions): RunSettings {
  const s = base(o);
  if (o.iterations !== undefined && o.batchSize !== undefined) throw new ArgumentError('train', '--iterations', 'with --batch-size, give the number of passes over the data as --epochs');
  if (o.iterations !== undefined && o.epochs !== undefined && o.iterations !== o.epochs) throw new ArgumentError('train', '--iterations', `full-batch iterations are epochs: --iterations ${o.iterations} and --epochs ${o.epochs} disagree`);
  if (o.dropout !== undefined && o.layers === undefined && o.model !== 'mlp') throw new ArgumentError('train', '--dropout', `applies to --layers and --model mlp; with --arch put dropout:RATE layers in it (${archText(s.layers)})`);
  const decay = o.decay !== undefined || o.decayInterval !== undefined ? { rate: o.decay ?? 0, interval: o.decayInterval ?? 1 } : undefined;
  const opt = <K extends keyof RunSettings>(k: K, v: RunSettings[K] | undefined): Partial<RunSettings> => (v !== undefined ? { [k]: v } : {});
  return {
    ...s,
    ...opt('init', o.init),
    ...opt('seed', o.seed),
    ...opt('optimizer', o.optimizer),
    ...opt('epochs', o.epochs ?? o.iterations),
    ...opt('learningRate', o.learningRate),
    ...opt('batchSize', o.batchSize),
    ...opt('l2', o.l2),
    ...opt('dropoutSeed', o.dropoutSeed),
    ...opt('decay', decay),
    ...opt('beta', o.beta),
    ...opt('beta1', o.beta1),
    ...opt('beta2', o.beta2),
    ...opt('epsilon', o.epsilon),
    ...opt('loss', o.loss),
    ...opt('shuffleSeed', o.shuffleSeed),
    ...opt('printEvery', o.printEvery),
    ...opt('dtype', o.dtype),
    engine: engineOf(o, s),
  };
}
