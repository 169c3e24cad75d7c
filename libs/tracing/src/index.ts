export { startTracing, type Tracing } from './start-tracing';
export { currentTraceId } from './trace-id';
export { tracingClientInterceptors } from './client-interceptors';
export { workerTracing, WORKFLOW_INTERCEPTORS_MODULE, type WorkerTracing } from './worker-tracing';
export { VIDEO_ID_ATTRIBUTE, videoIdOf } from './video-id';
