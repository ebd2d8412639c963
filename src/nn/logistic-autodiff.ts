// Moved to src/course/neuron-autodiff.ts; this re-export goes once nothing imports the old path.
export * from '../course/neuron-autodiff.js';
