// Moved to src/course/deep.ts; this re-export goes once nothing imports the old path.
export * from '../course/deep.js';
