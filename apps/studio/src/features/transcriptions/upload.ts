import * as tus from 'tus-js-client';
import { authHeaders } from '../../lib/api';

/** 50 MiB, the contract's chunk size (UPLOAD_CHUNK_BYTES in libs/contracts): a broken connection costs at most one. */
export const CHUNK_BYTES = 50 * 1024 * 1024;

/**
 * Sends a file to /api/uploads with tus (resumable: after a dropped connection tus-js-client asks the server for
 * its offset and goes on from there) and resolves with the upload's id, what `source.upload` takes.
 */
export function uploadFile(file: File, onProgress: (sent: number, total: number) => void, signal: AbortSignal, chunkBytes = CHUNK_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(file, {
      endpoint: `${location.origin}/api/uploads`,
      chunkSize: chunkBytes,
      metadata: { filename: file.name, filetype: file.type },
      headers: authHeaders(),
      retryDelays: [0, 1000, 3000, 5000],
      // The same file picked again in this browser resumes instead of starting over.
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress,
      onError: (err) => reject(uploadError(err)),
      onSuccess: () => {
        const id = upload.url?.split('/').pop();
        if (id) resolve(id);
        else reject(new Error('the API accepted the upload but gave no upload URL'));
      },
    });
    signal.addEventListener('abort', () => void upload.abort(true).then(() => reject(new Error('upload cancelled'))));
    upload.findPreviousUploads().then((previous) => {
      if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, () => upload.start());
  });
}

/** tus answers in plain text (413: too large, 401: no key): its words, not tus-js-client's long wrapper. */
function uploadError(err: Error): Error {
  const res = (err as tus.DetailedError).originalResponse;
  if (!res) return new Error(`upload failed: ${err.message}`);
  return new Error(`upload refused (${res.getStatus()}): ${res.getBody()?.trim() || err.message}`);
}
