export { videoWorkflow } from './video.workflow';
