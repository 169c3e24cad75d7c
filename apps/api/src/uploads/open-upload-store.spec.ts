import { loadConfig } from '@vidflow/config';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { openUploadStore } from './open-upload-store';
import { S3UploadStore, uploadS3ClientConfig } from './s3-upload-store';
import { UploadStore } from './upload-store';

describe('openUploadStore', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'vidflow-open-upload-store-'))));
  // Once, at the end: tus's file store creates its folder asynchronously after construction and throws (outside any
  // test) if the parent was removed meanwhile, so the folder goes only after the tests and one more call to fs.
  afterAll(async () => {
    await mkdir(join(dataDir, 'uploads'), { recursive: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const s3Env = { ARTIFACT_STORE: 's3', S3_ENDPOINT: 'http://127.0.0.1:1', S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'AKIDUPLOADS', S3_SECRET_ACCESS_KEY: 'very-secret-upload-key' };

  it('keeps uploads under DATA_DIR/uploads by default', () => {
    const store = openUploadStore(loadConfig({ DATA_DIR: dataDir }));
    expect(store).toBeInstanceOf(UploadStore);
    expect(store.kind).toBe('local');
  });

  it('puts them in the artifact bucket with ARTIFACT_STORE=s3, with the same tus extensions', () => {
    const local = openUploadStore(loadConfig({ DATA_DIR: dataDir }));
    const store = openUploadStore(loadConfig({ DATA_DIR: dataDir, ...s3Env }));
    expect(store).toBeInstanceOf(S3UploadStore);
    expect(store.kind).toBe('s3');
    expect([...store.extensions].sort()).toEqual([...local.extensions].sort());
    expect(store.getExpiration()).toBe(86_400_000);
  });

  it('signs with the S3_* settings, checksums only where S3 requires them, and never shows the secret', () => {
    const config = loadConfig({ DATA_DIR: dataDir, ...s3Env });
    if (config.artifacts.kind !== 's3') throw new Error('expected s3');
    expect(uploadS3ClientConfig(config.artifacts.s3)).toEqual({
      bucket: 'media',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIDUPLOADS', secretAccessKey: 'very-secret-upload-key' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const store = openUploadStore(config);
    expect(inspect(store, { depth: 6 })).not.toContain('very-secret-upload-key');
    expect(JSON.stringify(config)).not.toContain('very-secret-upload-key');
  });
});
