// The optimisers' public face: update rules with their state, and learning-rate schedules.
export * from './optimizers.js';
export * from './schedule.js';
