export * from './file-content-hasher';
export * from './media-file';
export * from './pipeline-cache-reader';
export * from './request-media-identity';
export * from './stage-keys';
