export * from './task-queues';
export * from './video-request.schema';
export * from './validation';
export * from './video-status';
export * from './activity-io';
export * from './workflow-api';
export * from './batch';
export * from './schedule';
