import type { VidflowConfig } from '@vidflow/config';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { S3UploadStore } from './s3-upload-store';
import { UploadStore, type UploadBackend } from './upload-store';

/**
 * Where resumable uploads go: files under DATA_DIR/uploads (ARTIFACT_STORE=local), or the artifact bucket
 * (ARTIFACT_STORE=s3, the same S3_* settings), where every API replica finds them without a shared disk. With s3,
 * DATA_DIR/uploads/spool on this host only holds checksummed PATCHes while they are verified.
 */
export function openUploadStore(config: Pick<VidflowConfig, 'uploads' | 'artifacts'>): UploadBackend {
  mkdirSync(config.uploads.dir, { recursive: true });
  const { expirySeconds } = config.uploads;
  if (config.artifacts.kind === 's3') return new S3UploadStore({ s3: config.artifacts.s3, expirySeconds, spoolDir: join(config.uploads.dir, 'spool') });
  return new UploadStore({ dir: config.uploads.dir, expirySeconds });
}
