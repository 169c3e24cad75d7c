export { videoWorkflow } from './video.workflow';
export { batchWorkflow } from './batch.workflow';
export { cacheMaintenanceWorkflow } from './cache-maintenance.workflow';
export { transcriptionWorkflow } from './transcription.workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery.workflow';
export { probeMediaWorkflow } from './probe-media.workflow';
