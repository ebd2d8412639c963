/**
 * A deep network (`mlp` model file) as a `LossModel`, so plots, the loss landscape and
 * `predict` work on it as on the single neuron. The loss is the network's own data loss
 * (`Mlp.cost` with the loss it was trained on, without the L2 penalty), evaluated with the
 * parameters swapped in by `withParameters`, so at the trained values it is exactly the
 * saved network's cost.
 */
import { noGrad } from '../autograd/index.js';
import { ModelFileError } from '../core/errors.js';
import { parseInitializer } from '../nn/init.js';
import { Mlp, oneHot, type BinaryLoss } from '../nn/mlp.js';
import type { Tensor } from '../tensor/index.js';
import type { LossModel } from './loss-model.js';
import { checkHeader, trainingRecord } from './model-header.js';
import type { MlpModelFile } from './model-file.js';

/**
 * The LossModel of a loaded deep network. The initial parameters (for the 1-D
 * interpolation) are re-created from the file's `training.init` and `training.seed`.
 * @example const { doc, net } = await loadMlpModel(file); const model = mlpLossModelFromFile(file, doc, net);
 */
export function mlpLossModelFromFile(file: string, doc: MlpModelFile, net: Mlp): LossModel {
  const { layers, hidden, output } = net.spec;
  const k = layers[layers.length - 1] as number;
  checkHeader(file, doc, layers[0] as number, net.classes);
  if (net.classes !== 2) throw new ModelFileError(file, 'model.layers', `plots, landscape and predict handle two classes; this network has ${net.classes}`);
  const training = trainingRecord(file, doc);
  const lossKind = doc.training['loss'];
  const binaryLoss: BinaryLoss = lossKind === 'logits' ? 'logits' : 'course';
  const params = net.parameters();
  const inputShape = [...doc.model.inputShape];
  // Labels (1, m) as the network's targets: as they are for a sigmoid output, one-hot for softmax.
  const targets = (Y: Tensor): Tensor => (output === 'softmax' ? oneHot(Y, k) : Y);
  const initName = doc.training['init'];
  const seed = doc.training['seed'];
  let initial: Tensor[] | null = null;
  if (typeof initName === 'string' && typeof seed === 'number') {
    try {
      initial = Mlp.initialize({ layers, hidden, output }, parseInitializer(initName), seed).parameters().map((p) => p.value);
    } catch (e) {
      throw new ModelFileError(file, 'training.init', e instanceof Error ? e.message : String(e));
    }
  }
  const pOne = (values: readonly Tensor[], X: Tensor): Tensor =>
    net.withParameters(values, () => {
      const p = net.probabilities(X);
      return output === 'softmax' ? p.rows(1, 2) : p;
    });
  return {
    type: 'mlp',
    description: `deep network [${layers.join(', ')}], ${hidden} hidden layers, ${output} output`,
    inputShape,
    dtype: doc.dtype,
    classes: [...doc.classes],
    parameters: params.map((p) => ({ name: p.name, value: p.value, role: p.name.startsWith('W') ? 'weight' : 'bias', unitAxis: 0 })),
    initial,
    training,
    loss(values, X, Y) {
      return noGrad(() => net.withParameters(values, () => net.cost(X, targets(Y), { loss: binaryLoss }).item()));
    },
    probabilities(values, X) {
      return pOne(values, X);
    },
    weightImages() {
      const W1 = params[0]?.value;
      if (W1 === undefined || inputShape.length !== 3) return [];
      const n = layers[1] as number;
      return Array.from({ length: n }, (_, u) => ({ name: `unit ${u + 1}`, image: W1.rows(u, u + 1).reshape(inputShape) }));
    },
  };
}
