// The tensor layer's public face. Importing it installs the chainable methods, so every
// other layer imports tensors from here, never from ./tensor.js directly.
import './methods.js';

export { Tensor, formatTensor, type NestedArray } from './tensor.js';
export * from './creation.js';
export * from './elementwise.js';
export * from './reduce.js';
export * from './linalg.js';
export * from './shape-ops.js';
export * from './window.js';
export * from './conv.js';
export { setRecorder, type Primitive, type PrimitiveAttrs, type Recorder } from './record.js';
