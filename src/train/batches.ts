// Moved to src/course/batches.ts; this re-export goes once nothing imports the old path.
export * from '../course/batches.js';
