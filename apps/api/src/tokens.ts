/** Injection tokens. Symbols, not strings, so that two modules can never collide on a name. */
export const CONFIG = Symbol('VidflowConfig');
export const TEMPORAL_CLIENT = Symbol('TemporalClient');
export const CACHE = Symbol('ArtifactCache');
/** Where finished videos are read: DATA_DIR, or the S3 bucket with ARTIFACT_STORE=s3 (an ObjectStore). */
export const OBJECT_STORE = Symbol('ObjectStore');
