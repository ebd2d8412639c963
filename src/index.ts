// tsgrad's public API: `import { fromArray, propagate } from 'tsgrad'`.
export * from './core/errors.js';
export * from './core/dtype.js';
export { broadcastShapes, formatShape, sizeOf, type Shape } from './core/shape.js';
export { RandomState } from './core/rng.js';
export * from './tensor/index.js';
export * from './nn/logistic.js';
export { loadLabelledImages, type LabelledImages } from './data/dataset.js';
export { locateDataFiles, type LocateOptions } from './data/locate.js';
export { flattenImages, loadCatData, type CatData } from './train/dataset.js';
export { trainSingleNeuron, REFERENCE_SETTINGS, type SingleNeuronResult, type SingleNeuronSettings } from './train/single-neuron.js';
export { loadLogisticModel, saveLogisticModel, writeFileAtomic } from './train/model-file.js';
export * from './autograd/index.js';
export { modelAutodiff, optimizeAutodiff, propagateAutodiff, logisticCost, checkLogisticGradients } from './nn/logistic-autodiff.js';
export { graphToDot, graphToSvg } from './viz/graph.js';
