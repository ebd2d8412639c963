/**
 * The CLI's model files (docs/model-format.md) on the page, through the CLI's own
 * browser-safe code (src/train/model-document.ts, src/train/loss-model.ts): the documents
 * are built and read exactly as `tsgrad train --save` and `tsgrad predict` build and read
 * them, so a model round-trips bit for bit between the page and the CLI, and a float32 file
 * predicts in float32 here as it does there.
 */
import { ModelFileError } from '../../src/core/errors.js';
import type { Mlp } from '../../src/nn/mlp.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../../src/optim/index.js';
import { Tensor } from '../../src/tensor/index.js';
import { lossModelFromDocument, type LossModel } from '../../src/train/loss-model.js';
import { logisticDocument, mlpDocument, modelFromDocument, type ModelFromDocument } from '../../src/train/model-document.js';
import { parseModelDocument } from '../../src/train/model-header.js';
import type { LoadedModelInfo } from './protocol.js';

export { MODEL_FORMAT, MODEL_VERSION } from '../../src/train/model-header.js';

const PREPROCESSING = { layout: 'flatten-hwc-columns', scale: 255 } as const;

/** What the page saves about a single neuron besides its parameters. */
export interface NeuronFile {
  w: Float64Array;
  b: number;
  inputShape: number[];
  classes: string[];
  training: {
    iterations: number;
    learningRate: number;
    costs: { iteration: number; cost: number }[];
    trainAccuracy: number | null;
    testAccuracy: number | null;
    trainFile: string | null;
    testFile: string | null;
  };
}

const text = (doc: object): string => `${JSON.stringify(doc, null, 1)}\n`;

/**
 * The single neuron's model file text, as `tsgrad train --save` writes it.
 * @example download(neuronFileText({ w, b, inputShape: [64, 64, 3], classes, training }));
 */
export function neuronFileText(m: NeuronFile): string {
  const features = m.inputShape.reduce((a, d) => a * d, 1);
  const t = m.training;
  return text(
    logisticDocument({
      model: { type: 'logistic', inputShape: m.inputShape, features },
      dtype: 'float64',
      classes: m.classes,
      preprocessing: PREPROCESSING,
      training: {
        engine: 'fast (browser)',
        iterations: t.iterations,
        learningRate: t.learningRate,
        init: 'zeros',
        optimizer: 'gradient-descent (full batch)',
        costs: t.costs,
        ...(t.trainAccuracy !== null ? { trainAccuracy: t.trainAccuracy } : {}),
        ...(t.testAccuracy !== null ? { testAccuracy: t.testAccuracy } : {}),
        ...(t.trainFile !== null ? { trainFile: t.trainFile } : {}),
        ...(t.testFile !== null ? { testFile: t.testFile } : {}),
      },
      w: new Tensor(m.w, [features, 1], 'float64'),
      b: m.b,
    }),
  );
}

/**
 * A deep network's model file text, as `tsgrad train --model mlp --save` writes it.
 * @example deepFileText(trainer.net, [64, 64, 3], classes, trainer.trainingRecord(trainFile, testFile))
 */
export function deepFileText(net: Mlp, inputShape: number[], classes: string[], training: Record<string, unknown>): string {
  return text(mlpDocument({ inputShape, net, dtype: 'float64', classes, preprocessing: PREPROCESSING, training }));
}

/** A model file read on the page: the parsed model, its LossModel (what predict uses) and a summary. */
export interface PageModelFile {
  loaded: ModelFromDocument;
  model: LossModel;
  info: LoadedModelInfo;
}

/**
 * Reads a model file's text as the CLI does (`loadLossModel` without the disk): a
 * ModelFileError names the file and the field. Nothing in the file is evaluated.
 * @example const { model } = readModelFile('cat.json', await file.text()); probabilityOfPixels(model, pixels)
 */
export function readModelFile(file: string, content: string): PageModelFile {
  const loaded = modelFromDocument(file, parseModelDocument(file, content));
  const model = lossModelFromDocument(file, loaded);
  if (model.inputShape.length !== 3 || model.inputShape[2] !== 3) {
    throw new ModelFileError(file, 'model.inputShape', `the page classifies RGB images (h, w, 3), got [${model.inputShape.join(', ')}]`);
  }
  const t = loaded.doc.training;
  const num = (k: string): number | null => (typeof t[k] === 'number' ? (t[k] as number) : null);
  const optimizer = (OPTIMIZER_NAMES as readonly string[]).includes(String(t['optimizer'])) ? (t['optimizer'] as OptimizerName) : 'gd';
  const settings =
    loaded.type === 'mlp'
      ? { kind: 'mlp' as const, layers: [...loaded.net.spec.layers], init: typeof t['init'] === 'string' ? t['init'] : 'course', optimizer, seed: num('seed') ?? 1, engine: t['engine'] === 'plain' ? ('plain' as const) : ('fast' as const) }
      : { kind: 'logistic' as const, layers: [], init: 'zeros', optimizer: 'gd' as const, seed: 1, engine: 'fast' as const };
  if (loaded.type === 'mlp' && loaded.net.spec.output !== 'sigmoid') {
    throw new ModelFileError(file, 'model.output', `the page trains and shows networks with a sigmoid output, this one has ${loaded.net.spec.output}`);
  }
  return {
    loaded,
    model,
    info: { kind: loaded.type, description: model.description, dtype: model.dtype, inputShape: [...model.inputShape], classes: [...model.classes], model: settings, learningRate: num('learningRate') },
  };
}
