// tsgrad's public API: `import { fromArray, Sequential, TrainingRun, propagate } from 'tsgrad'`.
export * from './core/errors.js';
export * from './core/dtype.js';
export { broadcastShapes, formatShape, sizeOf, type Shape } from './core/shape.js';
export { RandomState } from './core/rng.js';
export * from './tensor/index.js';
// Node entry: the system BLAS registers itself as the fastest kernel backend (see backend.ts).
import './kernels/blas-node.js';
export { backendInfo, backendStatuses, setBackend, BACKEND_NAMES, type BackendInfo, type BackendName, type BackendStatus } from './kernels/backend.js';
export * from './autograd/index.js';
export { graphToDot, graphToSvg } from './viz/graph.js';
// The model: batch-first layers, the one Sequential, the layer registry, losses, initialisers.
export { Parameter, EVAL, type ForwardContext, type Module } from './nn/module.js';
export { Dense } from './nn/layers/dense.js';
export { Activation, Dropout, Flatten, type ActivationKind } from './nn/layers/basic.js';
export { Sequential, type Head } from './nn/sequential.js';
export { LAYERS, buildModel, parseArch, parseLayer, archText, checkLayerConfig, type LayerConfig, type LayerKind, type ModelInit } from './nn/registry.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits, softmaxCrossEntropy, lossOfScores, l2Term, oneHotRows, type BinaryLoss } from './nn/loss.js';
export { relu, leakyRelu, softmax, logSoftmax } from './nn/activations.js';
export { parseInitializer, initWeights, INITIALIZER_NAMES, type Initializer } from './nn/init.js';
export * as optim from './optim/index.js';
export { GradientDescent, Momentum, RMSProp, Adam, createOptimizer } from './optim/index.js';
// The one training loop and its step strategies.
export { Trainer, type StepStrategy, type StepOutcome, type Snapshot, type CostRecord, type Divergence, type TrainerOptions, type TrainerState, type EngineName } from './train/trainer.js';
export { AutodiffStep } from './train/step-autodiff.js';
export { NeuronSpanStep } from './accel/span-neuron.js';
export { DenseSpanStep } from './accel/span-dense.js';
export { samplesOf } from './accel/samples.js';
export { runInSlices, type Sliced } from './train/control.js';
export * as metrics from './train/metrics.js';
// Data, the model file, and the application layer the CLI and the page share.
export { loadLabelledImages, asDataset, type Dataset, type LabelledImages } from './data/dataset.js';
export { loadLabelledImagesIsolated, type IsolatedOptions } from './data/isolated.js';
export { locateDataFiles, type LocateOptions } from './data/locate.js';
export { prepareInputs, PIXELS, type Preprocessing } from './data/preprocess.js';
export { takeRows } from './data/batch.js';
export { modelDocument, readModelText, parseModelText, modelFromDocument, type LoadedModel, type TrainingRecord } from './io/model-file.js';
export { loadModelFile, saveModelFile } from './io/files.js';
export { storeCheckpoint, restoreCheckpoint } from './io/checkpoint.js';
export { storeTensor, restoreTensor, type StoredTensor } from './io/tensor-codec.js';
export { writeFileAtomic } from './data/atomic-write.js';
export { TrainingRun, type RunCheckpoint, type RunResult, type RunOptions } from './app/run.js';
export { NEURON, TWO_LAYER, L_LAYER, PRESETS, mlpLayers, resolveRun, type RunSettings } from './app/settings.js';
export { chooseEngine, spanRefusal } from './app/steps.js';
export { lossOn, evaluate } from './train/evaluate.js';
export { loadRunData } from './app/data.js';
// The notes' single neuron and the course's deep network in their own words (src/course).
export * from './course/neuron.js';
export { modelAutodiff, optimizeAutodiff, propagateAutodiff, logisticCost, checkLogisticGradients } from './course/neuron-autodiff.js';
export * as course from './course/index.js';
export { randomMiniBatches } from './course/batches.js';
export { zeroPad, convSingleStep, convForward, poolForward, convBackward, createMaskFromWindow, distributeValue, poolBackward, type ConvHparameters, type PoolHparameters, type PoolMode, type ConvCache, type PoolCache } from './course/conv.js';
