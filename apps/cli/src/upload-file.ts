import { UPLOAD_CHUNK_BYTES } from '@vidflow/contracts';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as tus from 'tus-js-client';
import { ApiError } from './api-error';
import type { ApiClient } from './api-client';

export interface UploadedFile {
  /** The upload's id (`upl-...`), what `source.upload` takes. */
  id: string;
  bytes: number;
}

/**
 * Uploads a file to /api/uploads with tus in chunks (50 MiB by default): a broken connection costs at most a
 * chunk, which tus-js-client resends after asking the server for its offset (retried with backoff).
 * The file is read from its path chunk by chunk, never whole into memory.
 */
export async function uploadFile(options: {
  api: ApiClient;
  path: string;
  chunkBytes?: number;
  onProgress?: (sent: number, total: number) => void;
}): Promise<UploadedFile> {
  const { size } = await stat(options.path);
  const endpoint = `${options.api.baseUrl}/api/uploads`;
  return new Promise<UploadedFile>((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(options.path), {
      endpoint,
      uploadSize: size,
      chunkSize: options.chunkBytes ?? UPLOAD_CHUNK_BYTES,
      metadata: { filename: basename(options.path) },
      headers: options.api.authHeaders,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      // 4xx answers (401, 413, 460 ...) other than 409/423 are not retried by tus-js-client: they are the answer.
      onProgress: options.onProgress,
      onError: (err) => reject(uploadError(err)),
      onSuccess: () => {
        const id = upload.url?.split('/').pop();
        if (!id) return reject(new ApiError('the API accepted the upload but gave no upload URL', 0, 'BAD_RESPONSE'));
        resolve({ id, bytes: size });
      },
    });
    upload.start();
  });
}

/** tus-js-client's DetailedError as the CLI's ApiError, with the server's status and answer. */
function uploadError(err: Error): ApiError {
  const res = (err as tus.DetailedError).originalResponse;
  if (!res) return new ApiError(`upload failed: ${err.message}`, 0, 'UNREACHABLE');
  const status = res.getStatus();
  const body = res.getBody();
  let message = body?.trim() || err.message;
  try {
    message = (JSON.parse(body) as { error?: { message?: string } }).error?.message ?? message;
  } catch {
    // tus answers are plain text
  }
  return new ApiError(`upload refused (${status}): ${message}`, status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'UPLOAD_FAILED');
}
