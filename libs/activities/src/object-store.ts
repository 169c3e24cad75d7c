// The object store alone (local DATA_DIR or S3), for the API: serving finished files needs none of the activities.
export * from './adapters/artifact-store/object-store';
export * from './adapters/artifact-store/s3-object-store';
export * from './adapters/artifact-store/open-object-store';
