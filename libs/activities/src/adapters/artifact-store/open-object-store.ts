import type { VidflowConfig } from '@vidflow/config';
import { LocalObjectStore, type ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-object-store';

/** The configured backend for finished files: DATA_DIR itself (ARTIFACT_STORE=local) or the S3 bucket. */
export function openObjectStore(config: Pick<VidflowConfig, 'dataDir' | 'artifacts'>): ObjectStore {
  return config.artifacts.kind === 's3' ? new S3ObjectStore(config.artifacts.s3) : new LocalObjectStore(config.dataDir);
}
