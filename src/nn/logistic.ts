// Moved to src/course/neuron.ts; this re-export goes once nothing imports the old path.
export * from '../course/neuron.js';
