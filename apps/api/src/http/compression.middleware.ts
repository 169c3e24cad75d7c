import compression from 'compression';
import type { Request, Response } from 'express';

/** Below this a compressed body saves less than its headers and the CPU cost. */
export const COMPRESSION_THRESHOLD = 1024;

/**
 * gzip or brotli (whichever the client prefers in Accept-Encoding) for JSON and text above a small size.
 * Never for media (MP4 is already compressed, and a byte range of a compressed body would be a range of
 * different bytes than Content-Range names) and never for event streams (each event must reach the client
 * at once, not sit in a compressor's buffer). The package's brotli quality is 4 (not zlib's 11), about
 * gzip's speed for a smaller result.
 */
export function compressionMiddleware() {
  return compression({
    threshold: COMPRESSION_THRESHOLD,
    filter: (req: Request, res: Response) => {
      if (req.headers.range) return false;
      const type = String(res.getHeader('Content-Type') ?? '');
      if (/^(video|audio|image)\//.test(type) || type.startsWith('text/event-stream')) return false;
      return compression.filter(req, res);
    },
  });
}
