import type { NextFunction, Request, Response } from 'express';
import type { StudioAssets, StudioFile } from './studio-assets';

/** Paths the API itself answers; everything else that is a GET is the Studio's. */
const API_PATHS = /^\/(api|health|metrics|docs|docs-json|mcp)(\/|$)/;
/**
 * The Studio's client-side routes (apps/studio/src/app.tsx): these get index.html. Any other path without an
 * extension is not the Studio's and falls through to the API, whose answer to an unknown path is a 404.
 */
const STUDIO_ROUTES = /^\/(library|batches|schedules|cache|system|transcriptions|(videos|batches|transcriptions)\/[^/]+)?$/;
/** Vite names every asset after a hash of its content: such a URL never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html, the service worker and the manifest name the current assets: always revalidated. */
const REVALIDATE = 'no-cache';

/**
 * Serves the Studio's build: `/assets/*` (hashed, immutable, brotli or gzip when the client accepts it),
 * root files such as `/sw.js`, and `index.html` for the Studio's client-side routes (`/`, `/library`,
 * `/videos/vid-1`), with an ETag so a reload costs a 304. Without a build it answers 503 saying how to make one.
 */
export function studioStaticMiddleware(assets: StudioAssets | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || API_PATHS.test(req.path)) return next();
    const isFile = req.path.startsWith('/assets/') || /\.[a-z0-9]+$/i.test(req.path);
    if (!isFile && !STUDIO_ROUTES.test(req.path)) return next();
    void serve(req, res, assets, isFile).catch(next);
  };
}

/** `isFile`: the path names a file (an asset or one with an extension); otherwise it is a client-side route. */
async function serve(req: Request, res: Response, assets: StudioAssets | undefined, isFile: boolean): Promise<void> {
  const isAsset = req.path.startsWith('/assets/');
  const file = assets ? await assets.get(isFile ? decodeURIComponent(req.path) : 'index.html') : undefined;
  if (!file) {
    res.status(isFile ? 404 : 503).type('text/plain').send(isFile ? 'not found' : 'the Studio is not built: run npm run build');
    return;
  }
  res.setHeader('Cache-Control', isAsset ? IMMUTABLE : REVALIDATE);
  res.setHeader('ETag', file.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (file.type.startsWith('text/html')) {
    // The Studio loads only its own scripts and styles, and talks only to this origin.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    );
    res.setHeader('Referrer-Policy', 'no-referrer');
  }
  if (req.path === '/sw.js') res.setHeader('Service-Worker-Allowed', '/');
  if (matches(req.header('if-none-match'), file.etag)) {
    res.status(304).end();
    return;
  }
  const { body, encoding } = pickEncoding(file, req.header('accept-encoding') ?? '');
  res.status(200).type(file.type);
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', String(body.length));
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag || t.trim() === '*');
}

/** Brotli when accepted (smaller), else gzip, else the plain file. `q=0` refuses an encoding. */
export function pickEncoding(file: Pick<StudioFile, 'body' | 'br' | 'gzip'>, acceptEncoding: string): { body: Buffer; encoding?: 'br' | 'gzip' } {
  const accepted = new Set(
    acceptEncoding
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
      .map(([name]) => name!.trim().toLowerCase()),
  );
  if (file.br && accepted.has('br')) return { body: file.br, encoding: 'br' };
  if (file.gzip && accepted.has('gzip')) return { body: file.gzip, encoding: 'gzip' };
  return { body: file.body };
}
