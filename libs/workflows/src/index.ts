export { videoWorkflow } from './video.workflow';
export { batchWorkflow } from './batch.workflow';
