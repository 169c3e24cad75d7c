import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes `<file>.br` and `<file>.gz` next to every text asset of the build, so the API serves them
 * without compressing on each request (apps/api/src/studio/studio-static.middleware.ts).
 */
function precompress(): Plugin {
  return {
    name: 'vidflow-precompress',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const item of Object.values(bundle)) {
        if (!/\.(js|css|html|svg|json|webmanifest)$/.test(item.fileName)) continue;
        const source = item.type === 'chunk' ? item.code : item.source;
        const buffer = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source);
        this.emitFile({ type: 'asset', fileName: `${item.fileName}.br`, source: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }) });
        this.emitFile({ type: 'asset', fileName: `${item.fileName}.gz`, source: gzipSync(buffer, { level: 9 }) });
      }
    },
  };
}

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
  plugins: [precompress()],
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
