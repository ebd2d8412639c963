// The package's `course` namespace: the course's deep-network and convolution functions by
// their names (`course.L_model_forward`, `course.convForward`, ...), in the course's layouts.
export * from './deep.js';
export * from './conv.js';
export { randomMiniBatches } from './batches.js';
