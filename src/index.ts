// tsgrad's public API: `import { fromArray, propagate } from 'tsgrad'`.
export * from './core/errors.js';
export * from './core/dtype.js';
export { broadcastShapes, formatShape, sizeOf, type Shape } from './core/shape.js';
export { RandomState } from './core/rng.js';
export * from './tensor/index.js';
export * from './nn/logistic.js';
export { loadLabelledImages, type LabelledImages } from './data/dataset.js';
export { loadLabelledImagesIsolated, type IsolatedOptions } from './data/isolated.js';
export { locateDataFiles, type LocateOptions } from './data/locate.js';
export { flattenImages, loadCatData, type CatData } from './train/dataset.js';
export { trainSingleNeuron, SingleNeuronRun, REFERENCE_SETTINGS, type SingleNeuronCheckpoint, type SingleNeuronResult, type SingleNeuronSettings } from './train/single-neuron.js';
export { loadLogisticModel, saveLogisticModel, writeFileAtomic } from './train/model-file.js';
export * from './autograd/index.js';
export { modelAutodiff, optimizeAutodiff, propagateAutodiff, logisticCost, checkLogisticGradients } from './nn/logistic-autodiff.js';
export { graphToDot, graphToSvg } from './viz/graph.js';
// Deep networks. Names that would clash with the single neuron's or the tensor layer's
// (`sigmoid`, `tanh`, `predict`, `accuracy`) are exported under a namespace instead.
export { relu, leakyRelu, softmax, logSoftmax, activation } from './nn/activations.js';
export { courseCost, binaryCrossEntropyWithLogits, softmaxCrossEntropy, l2Penalty } from './nn/losses.js';
export { parseInitializer, initWeights, initializeLayers, INITIALIZER_NAMES } from './nn/init.js';
export { Parameter, Dense, Activation, Dropout, Sequential } from './nn/layers.js';
export { Mlp, oneHot, checkMlpGradients } from './nn/mlp.js';
export * as course from './nn/deep.js';
export * as activations from './nn/activations.js';
export * as optim from './optim/index.js';
export { GradientDescent, Momentum, RMSProp, Adam, createOptimizer } from './optim/index.js';
export { fit, FitRun, type FitDivergence, type FitState } from './train/fit.js';
// Training that can be stopped between iterations and resumed bit for bit.
export { runInSlices, type Sliced } from './train/control.js';
export { fitGram, FitGramRun, gramEngineRefusal, chooseMlpEngine, type GramFitOptions, type MlpEngine } from './train/fit-gram.js';
export { GramFirstLayer } from './nn/mlp-gram.js';
export * as metrics from './train/metrics.js';
