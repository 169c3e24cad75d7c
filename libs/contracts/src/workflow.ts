/**
 * `@vidflow/contracts/workflow`: what workflow code imports from the contracts, all of it free of zod at run time.
 *
 * Temporal gives every workflow run its own module cache (even with reuseV8Context), so a run evaluates every
 * module its bundle requires from scratch. Building zod's request schemas took ~10 ms of each run's first
 * workflow task on the 2-core machine of BENCHMARKS.md (an empty workflow: 18 ms with them, 8 ms without);
 * the schemas stay in the main entry, which the batch workflow requires only when it starts an item.
 */
export * from './video-status';
export * from './video-workflow-input';
export * from './workflow-api';
export * from './batch-progress';
export * from './transcription-status';
export * from './transcription-workflow-api';
export * from './transcription-activity-io';
export * from './webhook';
export * from './video-status-view';
export * from './media-library';
